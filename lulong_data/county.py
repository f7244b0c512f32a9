"""Several counties in one data folder: which counties there are, and one county's data as a Bundle.

A folder normally holds one county (the contract's original shape); a city or province folder holds
many (``townships.county_code`` has several values). The app then shows one county at a time: every
metric runs unchanged on :func:`subset`, a Bundle with only that county's rows.

Rows are placed by what they carry, most specific first:
- a place code: ``village_code`` / ``township_code`` (their first 6 digits are the county code);
- a chain of keys: persons and monitoring cases by their household, measures and visits by their case,
  employment by its person (ids of real ledgers need not carry a place, so ids are not parsed);
- county-wide rows (``employment_targets`` and ``indicators`` with an empty township_code) by the
  ``county_code`` extension column; in a one-county folder a row without it belongs to that county;
- the policy menu is shared by every county; the published figures belong to the manifest's county.

Never imports streamlit. Vectorised (Arrow hash lookups, string prefixes): a county of a 175-county
province folder is cut out in about a second.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from lulong_data.bundle import Bundle
from lulong_data.checks import within

__all__ = ["KNOWN_NAMES", "counties", "county_codes", "county_name", "name_of", "split", "subset"]

# Names of real counties the project knows (the reference files); others come from the data.
KNOWN_NAMES = {"130324": "卢龙县"}
KNOWN_NAMES_EN = {"130324": "Lulong county"}

# dataset -> the place column that puts a row in its county
_PLACED = {
    "townships": "township_code",
    "villages": "village_code",
    "households": "village_code",
    "welfare_jobs": "village_code",
    "environment_scores": "village_code",
    "social_assistance": "village_code",
    "student_aid": "village_code",
    "trainings": "township_code",
}
# dataset -> (its key column, the dataset whose kept rows it must refer to); in dependency order
_CHAINED = {
    "persons": ("household_id", "households"),
    "monitoring_cases": ("household_id", "households"),
    "assistance_measures": ("case_id", "monitoring_cases"),
    "visits": ("case_id", "monitoring_cases"),
    "employment": ("person_id", "persons"),
}
_COUNTY_WIDE = ("employment_targets", "indicators", "population")
_SHARED = ("policy_menu", "holidays")  # the menu and the State Council's holiday schedule
_OWN_COUNTY = ("published_figures",)  # statements of the manifest's county only


def county_codes(b: Bundle) -> list[str]:
    """The 6-digit county codes of the folder's townships, sorted."""
    codes = b.frames["townships"]["county_code"].dropna().unique()
    return sorted(str(c) for c in codes)


def _geo_names(b: Bundle) -> dict[str, str]:
    """County names written in the county outline's features (``adcode``/``county_code`` + ``name``)."""
    out: dict[str, str] = {}
    geo = b.geo.get("county_boundary") if b.geo else None
    for feature in (geo or {}).get("features", []) or []:
        props = feature.get("properties") or {}
        code = props.get("county_code", props.get("adcode"))
        name = props.get("name")
        if code is not None and name:
            out[str(code).strip()] = str(name)
    return out


def county_name(b: Bundle, code: str) -> str:
    """A name a leader can read: the manifest's, the outline's, a known county's, else "县 139901"."""
    manifest = b.manifest or {}
    if str(manifest.get("county_code", "")) == code and manifest.get("county_name"):
        return str(manifest["county_name"])
    return _geo_names(b).get(code) or KNOWN_NAMES.get(code) or f"县 {code}"


def name_of(b: Bundle, lang: str = "zh") -> str:
    """The name of a one-county bundle (a plain folder or a :func:`subset`) for titles of documents.

    Documents are titled with the county whose data they hold, never a fixed name: a subset of a
    province folder must not print "卢龙县". English: the known English name, else "county <code>".
    """
    codes = county_codes(b)
    code = str((b.manifest or {}).get("county_code") or (codes[0] if codes else ""))
    if lang == "en":
        return KNOWN_NAMES_EN.get(code) or (f"county {code}" if code else "the county")
    return county_name(b, code) if code else "本县"


def counties(b: Bundle) -> list[tuple[str, str]]:
    """(code, name) of every county in the folder, by code."""
    names = _geo_names(b)
    manifest = b.manifest or {}
    out = []
    for code in county_codes(b):
        if str(manifest.get("county_code", "")) == code and manifest.get("county_name"):
            out.append((code, str(manifest["county_name"])))
        else:
            out.append((code, names.get(code) or KNOWN_NAMES.get(code) or f"县 {code}"))
    return out


def _prefix(values: pd.Series, code: str) -> pd.Series:
    return values.str.startswith(code).fillna(False).astype(bool)


def split(
    frames: Mapping[str, pd.DataFrame],
    code: str,
    *,
    single: bool,
    own_county: bool,
) -> dict[str, pd.DataFrame]:
    """The rows of county ``code`` in every frame (typed or text frames; empty text cells = missing).

    ``single``: the folder holds one county (county-wide rows without a county_code are its own);
    ``own_county``: ``code`` is the manifest's county (it keeps the published figures).
    """
    out: dict[str, pd.DataFrame] = {}
    kept_keys: dict[str, pd.Series] = {}

    def missing(s: pd.Series) -> pd.Series:
        return (s.isna() | s.astype("str").eq("")).astype(bool)

    for name, df in frames.items():
        if name in _CHAINED:
            continue  # below, once the rows they hang on are known
        if name in _PLACED:
            col = _PLACED[name]
            mask = _prefix(df[col].astype("str"), code)
            if single:
                mask |= missing(df[col])  # e.g. trainings without a township: the only county's
        elif name in _COUNTY_WIDE:
            town = df["township_code"]
            mask = ~missing(town) & _prefix(town.astype("str"), code)
            if "county_code" in df.columns:
                mask |= missing(town) & df["county_code"].astype("str").eq(code).fillna(False).astype(bool)
                if single:
                    mask |= missing(town) & missing(df["county_code"])
            elif single:
                mask |= missing(town)
        elif name in _SHARED:
            mask = None
        elif name in _OWN_COUNTY:
            mask = None if (single or own_county) else pd.Series(False, index=df.index)
        else:
            # a dataset beyond the contract: by a place column if it has one, else whole
            col = next((c for c in ("village_code", "township_code", "county_code") if c in df.columns), None)
            mask = None if col is None else _prefix(df[col].astype("str"), code)
        out[name] = df if mask is None else df[mask.to_numpy()]
    for name, (col, parent) in _CHAINED.items():
        if name not in frames:
            continue
        df = frames[name]
        if parent not in out:
            out[name] = df
            continue
        if parent not in kept_keys:
            kept_keys[parent] = out[parent][_CHAINED_KEY[parent]]
        out[name] = df[within(df[col], kept_keys[parent]).to_numpy()]
    return {name: df.reset_index(drop=True) for name, df in out.items()}


# the key a chained dataset refers to in its parent
_CHAINED_KEY = {"households": "household_id", "monitoring_cases": "case_id", "persons": "person_id"}


def subset(b: Bundle, code: str) -> Bundle:
    """County ``code``'s data as a Bundle (same as-of date, rules, problems and folder).

    Its fingerprint is the parent's + ``#code``, so results cached by fingerprint stay per county. The
    manifest names the county (``county_code``, ``county_name``); the GeoJSON keeps the county's features.
    """
    codes = county_codes(b)
    if code not in codes:
        raise KeyError(f"county {code!r} is not in the folder: {codes}")
    manifest = dict(b.manifest or {})
    own = str(manifest.get("county_code", "")) == code
    frames = split(b.frames, code, single=len(codes) == 1, own_county=own)
    if not own:
        manifest.pop("press_office", None)  # the manifest county's 发稿单位 does not issue for another county
    manifest["county_name"] = county_name(b, code)
    manifest["county_code"] = code
    return Bundle(
        folder=b.folder,
        frames=frames,
        # another county's published figures are not this county's: absent, not an empty file
        present=b.present if own or len(codes) == 1 else b.present - set(_OWN_COUNTY),
        problems=b.problems,
        as_of=b.as_of,
        fingerprint=f"{b.fingerprint}#{code}",
        rules=b.rules,
        manifest=manifest,
        geo=_geo_subset(b.geo or {}, code),
        files=b.files,
        columns=b.columns,
    )


def _feature_code(feature: dict[str, Any]) -> str | None:
    props = feature.get("properties") or {}
    for key in ("township_code", "county_code", "adcode"):
        if props.get(key) is not None:
            return str(props[key]).strip()
    return None


def _geo_subset(geo: Mapping[str, dict], code: str) -> dict[str, dict]:
    """Each GeoJSON with only the county's features, when its features carry codes; else as it is."""
    out = {}
    for name, data in geo.items():
        features = (data or {}).get("features")
        if not isinstance(features, list):
            out[name] = data
            continue
        coded = [(_feature_code(f), f) for f in features]
        if not any(c for c, _ in coded):
            out[name] = data
            continue
        kept = [f for c, f in coded if c is not None and c.startswith(code)]
        out[name] = {**data, "features": kept}
    return out
