"""The glossary: one official wording per term, with its English, unit and counter (lulong_data/glossary.toml).

Pages, components and exports name things through :func:`term` so that a figure is called the same on
every screen, in every table header and in every file::

    glossary.term("eliminated_households")            # "已消除风险户"
    glossary.term("eliminated_households", "en")      # "Households with risk eliminated"
    glossary.term("employment_placed", short=True)    # "务工就业"
    glossary.amount(4019, "employment_placed")        # "4,019人"
    glossary.count(12, "township")                    # "12个乡镇" ("12 townships")
    glossary.header("poverty_persons")                # "脱贫人口(人)"

The file is checked when it is read: keys are ASCII, every term has both languages, units and counters come
from a fixed list, and no Chinese wording names two terms (unless one is declared ``alias_of`` the other).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from lulong_data.formatting import MISSING, fmt_count, fmt_int, fmt_pct, fmt_wan

__all__ = [
    "COUNTERS",
    "PATH",
    "UNITS",
    "GlossaryError",
    "Term",
    "UnknownTerm",
    "amount",
    "avoided",
    "count",
    "find",
    "get",
    "header",
    "term",
    "terms",
    "unit",
]

PATH = Path(__file__).with_name("glossary.toml")

# Units of a figure, with their English (empty: the English label already says what is counted).
UNITS: dict[str, str] = {
    "户": "households",
    "人": "persons",
    "项": "items",
    "个": "",
    "村": "villages",
    "次": "times",
    "人次": "person-times",
    "期": "sessions",
    "条": "",
    "元": "yuan",
    "万元": "10,000 yuan",
    "万人": "10,000 persons",
    "元/人·月": "yuan per person a month",
    "万元/月": "10,000 yuan a month",
    "%": "%",
    "分": "points",
    "天": "days",
    "个月": "months",
}
# Counters (量词) for counting the thing a term names: "12个乡镇", "3户", "5项".
COUNTERS = frozenset({"户", "人", "项", "个", "村", "次", "条", "期"})

_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
_FIELD = re.compile(r"\{([a-z_]*)\}")
_FIELDS = {"zh", "en", "short", "short_en", "unit", "counter", "plural", "avoid", "source", "alias_of"}


class GlossaryError(ValueError):
    """glossary.toml breaks one of its own rules (names the key and the field)."""


class UnknownTerm(KeyError):
    """A key that the glossary does not have."""


@dataclass(frozen=True)
class Term:
    key: str
    zh: str
    en: str
    short: str = ""
    short_en: str = ""
    unit: str = ""
    counter: str = ""
    plural: str = ""
    avoid: tuple[str, ...] = ()
    source: str = ""
    alias_of: str = ""

    def text(self, lang: str = "zh", *, short: bool = False) -> str:
        if lang == "en":
            return (self.short_en or self.en) if short else self.en
        return (self.short or self.zh) if short else self.zh


def _read(path: Path) -> dict[str, Term]:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise GlossaryError(f"{path}: cannot read the glossary: {exc}") from exc
    table = raw.get("term")
    if not isinstance(table, dict) or not table:
        raise GlossaryError(f"{path}: no [term.KEY] tables")
    out: dict[str, Term] = {}
    for key, row in table.items():
        where = f"{path.name} [term.{key}]"
        if not _KEY.match(key):
            raise GlossaryError(f"{where}: key must be ASCII snake_case")
        if not isinstance(row, dict):
            raise GlossaryError(f"{where}: not a table")
        unknown = set(row) - _FIELDS
        if unknown:
            raise GlossaryError(f"{where}: unknown field(s) {sorted(unknown)}")
        for field in ("zh", "en"):
            if not isinstance(row.get(field), str) or not row[field].strip():
                raise GlossaryError(f"{where}: {field} is required")
        if row.get("unit", "") and row["unit"] not in UNITS:
            raise GlossaryError(f"{where}: unit {row['unit']!r} is not one of {' '.join(UNITS)}")
        if row.get("counter", "") and row["counter"] not in COUNTERS:
            raise GlossaryError(
                f"{where}: counter {row['counter']!r} is not one of {' '.join(sorted(COUNTERS))}"
            )
        avoid = row.get("avoid", [])
        if not isinstance(avoid, list) or not all(isinstance(a, str) and a for a in avoid):
            raise GlossaryError(f"{where}: avoid must be a list of wordings")
        fields = {f: set(_FIELD.findall(row[f])) for f in ("zh", "en", "short", "short_en") if row.get(f)}
        if len({frozenset(v) for v in fields.values()}) > 1:
            raise GlossaryError(f"{where}: zh, en and the short forms must have the same fields {fields}")
        out[key] = Term(key=key, **{**row, "avoid": tuple(avoid)})
    _check(out, path)
    return out


def _check(terms: dict[str, Term], path: Path) -> None:
    owner: dict[str, str] = {}
    for t in terms.values():
        if t.alias_of:
            target = terms.get(t.alias_of)
            if target is None or target.zh != t.zh:
                raise GlossaryError(f"{path.name} [term.{t.key}]: alias_of must name a term with the same zh")
            continue
        if t.zh in owner:
            raise GlossaryError(
                f"{path.name} [term.{t.key}]: zh {t.zh!r} already names [term.{owner[t.zh]}]; "
                "one wording per term (or declare alias_of)"
            )
        owner[t.zh] = t.key
    for t in terms.values():
        for variant in t.avoid:
            if variant in owner:
                raise GlossaryError(
                    f"{path.name} [term.{t.key}]: avoid {variant!r} is the wording of [term.{owner[variant]}]"
                )


@cache
def terms() -> dict[str, Term]:
    """Every term by key (read once per process)."""
    return _read(PATH)


def get(key: str) -> Term:
    try:
        return terms()[key]
    except KeyError:
        raise UnknownTerm(f"{key!r} is not in {PATH.name}") from None


def term(key: str, lang: str = "zh", /, *, short: bool = False, **fields: Any) -> str:
    """The wording of ``key`` in ``lang`` ("zh" or "en"); ``short`` for tiles and narrow columns.

    A wording with fields ("{year}年新增与渐退") is filled from ``fields``: ``term("new_in_year", year=2022)``.
    """
    text = get(key).text(lang, short=short)
    if fields or _FIELD.search(text):
        try:
            return text.format(**fields)
        except (KeyError, IndexError) as exc:
            raise GlossaryError(f"[term.{key}] needs the field {exc} ({text!r})") from None
    return text


def unit(key: str, lang: str = "zh") -> str:
    """The unit of a figure of ``key`` ("人"; in English "persons", or "" where the label says it)."""
    u = get(key).unit
    return UNITS.get(u, u) if lang == "en" else u


def amount(value: Any, key: str, lang: str = "zh") -> str:
    """A figure of ``key`` with its unit: 4019 -> "4,019人" ("4,019 persons"); missing -> "—"."""
    u = get(key).unit
    if u == "%":
        return fmt_pct(value)
    if u in ("万元", "万元/月", "万人"):
        # the value is in 元 (persons), as every ledger stores it; shown in 万 as the county publishes it
        text = fmt_wan(value, "人", 1) if u == "万人" else fmt_wan(value) + u[2:]
        if lang != "en" or text == MISSING:
            return text
        return text.split("万")[0] + " × " + UNITS[u]
    if u == "分":
        text = fmt_pct(value).rstrip("%")
        return text if text == MISSING else text + (" points" if lang == "en" else "分")
    if lang == "en":
        english = UNITS.get(u, "")
        return fmt_count(value, f" {english}" if english else "")
    return fmt_count(value, u)


def count(n: Any, key: str, lang: str = "zh") -> str:
    """How many of the thing ``key`` names: (12, "township") -> "12个乡镇" / "12 townships"."""
    t = get(key)
    number = fmt_int(n)
    noun = t.short or t.zh  # a figure's term counts its noun: "3个需约谈村", not "3个需约谈村数"
    if lang == "en":
        one = t.en.lower()
        many = t.plural or (one if one.endswith("s") else one + "s")
        return f"{number} {one if number == '1' else many}"
    if number == MISSING:
        return MISSING
    # A counter that is the term itself (户) is not repeated: "3户", not "3户户".
    return f"{number}{t.counter}" if t.counter == noun else f"{number}{t.counter}{noun}"


def header(key: str, lang: str = "zh", *, short: bool = False) -> str:
    """A column header with the unit in brackets, as tables in county documents have them: "脱贫人口(人)"."""
    t = get(key)
    label = t.text(lang, short=short)
    u = unit(key, lang)
    if not u or (lang == "en" and u.lower() == label.lower()):  # "Persons", not "Persons (persons)"
        return label
    return f"{label} ({u})" if lang == "en" else f"{label}({u})"


def find(zh: str) -> Term | None:
    """The term whose Chinese wording (full or short) is ``zh``, if any."""
    for t in terms().values():
        if zh in (t.zh, t.short) and not t.alias_of:
            return t
    return None


def avoided() -> dict[str, str]:
    """Wordings not to use -> the key of the term to use instead."""
    return {variant: t.key for t in terms().values() for variant in t.avoid}
