"""What every page needs to know: the data bundle, the chosen date, township, language and role.

The sidebar (app.py) writes the choices into ``st.session_state``; pages only read them through these
functions, so a page never touches a file or a widget key of another page.
"""

from __future__ import annotations

import threading
import uuid
from datetime import date
from typing import Any

import streamlit as st

from lulong_data import county as county_data
from lulong_data import glossary, lastgood
from lulong_data.bundle import Bundle, fingerprint, load_bundle
from lulong_data.settings import get_settings

# Session-state keys written by the shared sidebar.
AS_OF_KEY = "as_of"
TOWNSHIP_KEY = "township"
COUNTY_KEY = "county"
LANG_KEY = "lang"
ROLE_KEY = "role"
USER_TOWNSHIP_KEY = "user_township"

ROLES = ("leader", "township", "press", "data")


@st.cache_resource(max_entries=4, show_spinner=False)
def _bundle_for(folder: str, version: str) -> Bundle:
    # Keyed by the folder's fingerprint (names, sizes, mtimes): a new file means a new bundle.
    return load_bundle(folder)


# The last bundle served without errors (process memory, shared by sessions like the cache above).
_LAST_GOOD = lastgood.Keeper()


def _load(folder) -> Bundle:
    return _bundle_for(str(folder), fingerprint(folder))


# served() of the script run in progress, per script thread: (the run's token, what it served).
_THIS_RUN = threading.local()
RUN_KEY = "_run_token"


def start_run() -> None:
    """Mark the start of a script run (the router calls it first thing): served() resolves the data
    version once per run. A fragment rerun keeps its page's run, and so the page's data version."""
    st.session_state[RUN_KEY] = uuid.uuid4().hex


def served() -> lastgood.Served:
    """What is served and why: the current published version, or the last valid one when the folder on
    disk has errors. Resolved once per script run (every metric call asks; each resolution scans the
    data folder), so a publish reaches every session on its next rerun and one page never mixes two
    versions. Publishing and rollback rerun the script themselves. Outside a run (a download built on
    click) there is no token: resolve every time."""
    token = st.session_state.get(RUN_KEY)
    memo = getattr(_THIS_RUN, "served", None)
    if token is not None and memo is not None and memo[0] == token:
        return memo[1]
    s = lastgood.serve(get_settings(), _load, _LAST_GOOD)
    _THIS_RUN.served = (token, s) if token is not None else None
    return s


def preload() -> None:
    """Read the data version the app serves into the shared cache before the first session (serve.py):
    the current published version from its validated snapshot, or the folder validated once."""
    lastgood.serve(get_settings(), _load, _LAST_GOOD)


@st.cache_resource(max_entries=4, show_spinner=False)
def _county_bundle(parent: str, code: str, _full: Bundle) -> Bundle:
    # Keyed by the parent's fingerprint and the county: a subset is immutable like its parent.
    return county_data.subset(_full, code)


@st.cache_resource(max_entries=8, show_spinner=False)
def _counties_of(parent: str, _full: Bundle) -> tuple[tuple[str, str], ...]:
    return tuple(county_data.counties(_full))


def full_bundle() -> Bundle:
    """The whole folder's bundle (every county); pages use :func:`bundle`."""
    return served().bundle


def counties() -> tuple[tuple[str, str], ...]:
    """(code, name) of every county in the data folder; one entry for an ordinary county folder."""
    full = full_bundle()
    return _counties_of(full.fingerprint, full)


def _default_county(full: Bundle, codes: list[str]) -> str | None:
    code = str((full.manifest or {}).get("county_code", ""))
    return code if code in codes else (codes[0] if codes else None)


def default_county() -> str | None:
    """The county a session opens on: the manifest's when the folder holds it, else the first."""
    full = full_bundle()
    return _default_county(full, [c for c, _ in _counties_of(full.fingerprint, full)])


def county() -> str | None:
    """The chosen 6-digit county code: the sidebar's choice if the folder has it, else the manifest's
    county when the folder holds it, else the first county (None for a folder without townships)."""
    full = full_bundle()
    names = dict(_counties_of(full.fingerprint, full))
    codes = list(names)
    chosen = st.session_state.get(COUNTY_KEY)
    if chosen not in codes:
        # First run of a deep link: the bound widget seeds itself from the URL only when the sidebar
        # draws it, after the page's bundle was chosen; read the address the same way. The widget writes
        # the county's name (its label) there; a hand-made link may carry the code.
        chosen = st.query_params.get(COUNTY_KEY)
        chosen = next((c for c, n in names.items() if n == chosen), chosen)
    return chosen if chosen in codes else _default_county(full, codes)


def bundle() -> Bundle:
    """The validated data bundle of the current data version (cached across sessions).

    A folder of several counties gives the chosen county's part (lulong_data.county.subset), so every
    page and metric sees one county; a one-county folder gives the whole bundle.
    """
    full = full_bundle()
    if len(_counties_of(full.fingerprint, full)) <= 1:
        return full
    return _county_bundle(full.fingerprint, county(), full)


def lang() -> str:
    # Asked by every t() (hundreds of times a run): read the settings only when the session has no choice.
    chosen = st.session_state.get(LANG_KEY)
    return chosen if chosen is not None else get_settings().lang


def t(zh: str, en: str) -> str:
    """Chinese first: the visible text in the chosen language."""
    return en if lang() == "en" else zh


def term(key: str, /, *, short: bool = False, **fields: Any) -> str:
    """A glossary term (lulong_data/glossary.toml) in the chosen language: ``term("township")`` -> "乡镇";
    with fields: ``term("villages_of", name="石门镇")`` -> "石门镇的村"."""
    return glossary.term(key, lang(), short=short, **fields)


def unit_header(key: str, *, short: bool = False) -> str:
    """A glossary term with its unit, as a table header or an axis title: "人数(人)" / "Persons"."""
    return glossary.header(key, lang(), short=short)


def as_of() -> date:
    """The as-of date chosen in the sidebar; the data's own as-of date by default."""
    chosen = st.session_state.get(AS_OF_KEY)
    return chosen if isinstance(chosen, date) else bundle().as_of


def township() -> str | None:
    """The township filter: a known 9-digit township code, or None for the whole county.

    Anything else (a label such as "全县" left by a widget, a stale code) means the whole county rather
    than a filter that matches nothing.
    """
    code = st.session_state.get(TOWNSHIP_KEY)
    if not (isinstance(code, str) and len(code) == 9 and code.isdigit()):
        return None
    return code if code in set(bundle().frames["townships"]["township_code"]) else None


def role() -> str:
    return st.session_state.get(ROLE_KEY, "leader")


def can_see_households(township_code: str | None = None) -> bool:
    """Household-level rows: leaders and the data office see all; a township sees its own; press none."""
    r = role()
    if r in ("leader", "data"):
        return True
    if r == "township":
        own = st.session_state.get(USER_TOWNSHIP_KEY)
        return township_code is not None and township_code == own
    return False
