"""Rules that look across cells, rows and datasets: personal numbers, foreign keys, households and
their members, the order of the monitoring procedure, targets, and the welfare-post ledger.

Every check works on typed frames indexed by spreadsheet row and returns problems; none of them
stops the others, so a folder's problems are reported all at once.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from lulong_data import cells as text_cells
from lulong_data import messages
from lulong_data.contract import CASE_DATE_ORDER, DATASETS, FORWARD_DATES, NOT_LEDGERS, Problem

# 18-character resident ID: 6-digit area, birth date 19xx/20xx, 3-digit sequence, check character.
# Requiring a real-looking birth date keeps long pseudonymous ids (village code + sequence) out.
ID_NUMBER = r"\d{6}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]"
# The first-generation card: 15 digits, province 1x-6x, birth date as YYMMDD, 3-digit sequence.
ID_NUMBER_15 = r"[1-6]\d{5}\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}"
# Mobile numbers as people write them: 13812345678, 138-1234-5678, 138 1234 5678, +86 138…, 86138….
MOBILE = r"(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}"


def _bounded(core: str, capture: bool) -> str:
    """The number not glued to other letters or digits; written without look-arounds so pandas
    can hand it to pyarrow's fast regex engine."""
    edge = "[^0-9A-Za-z]"
    body = f"({core})" if capture else f"(?:{core})"
    return f"(?:^|{edge}){body}(?:{edge}|$)"


_PERSONAL = (
    ("personal_id_number", ID_NUMBER),
    ("personal_id_number", ID_NUMBER_15),
    ("personal_mobile", MOBILE),
)


# Every character of Unicode 14.0's category Nd (Python 3.11's ``\d``) as ranges, so that a process need not
# walk all of Unicode to find them (≈ 0.12 CPU-s); another Unicode version computes them (_digit_ranges).
_DIGITS_UNICODE_14 = (
    "0-9\u0660-\u0669\u06f0-\u06f9\u07c0-\u07c9\u0966-\u096f\u09e6-\u09ef\u0a66-\u0a6f"
    "\u0ae6-\u0aef\u0b66-\u0b6f\u0be6-\u0bef\u0c66-\u0c6f\u0ce6-\u0cef\u0d66-\u0d6f"
    "\u0de6-\u0def\u0e50-\u0e59\u0ed0-\u0ed9\u0f20-\u0f29\u1040-\u1049\u1090-\u1099"
    "\u17e0-\u17e9\u1810-\u1819\u1946-\u194f\u19d0-\u19d9\u1a80-\u1a89\u1a90-\u1a99"
    "\u1b50-\u1b59\u1bb0-\u1bb9\u1c40-\u1c49\u1c50-\u1c59\ua620-\ua629\ua8d0-\ua8d9"
    "\ua900-\ua909\ua9d0-\ua9d9\ua9f0-\ua9f9\uaa50-\uaa59\uabf0-\uabf9\uff10-\uff19"
    "\U000104a0-\U000104a9\U00010d30-\U00010d39\U00011066-\U0001106f\U000110f0-\U000110f9"
    "\U00011136-\U0001113f\U000111d0-\U000111d9\U000112f0-\U000112f9\U00011450-\U00011459"
    "\U000114d0-\U000114d9\U00011650-\U00011659\U000116c0-\U000116c9\U00011730-\U00011739"
    "\U000118e0-\U000118e9\U00011950-\U00011959\U00011c50-\U00011c59\U00011d50-\U00011d59"
    "\U00011da0-\U00011da9\U00016a60-\U00016a69\U00016ac0-\U00016ac9\U00016b50-\U00016b59"
    "\U0001d7ce-\U0001d7ff\U0001e140-\U0001e149\U0001e2f0-\U0001e2f9\U0001e950-\U0001e959"
    "\U0001fbf0-\U0001fbf9"
)


@functools.cache
def _digit_class() -> str:
    """Every character Python's ``\\d`` matches (Unicode category Nd), as ranges for a character class."""
    if unicodedata.unidata_version == "14.0.0":
        return _DIGITS_UNICODE_14
    return _digit_ranges()


def _digit_ranges() -> str:
    """:func:`_digit_class` worked out from the running Python's Unicode tables."""
    found = [ord(c) for c in re.findall(r"\d", "".join(map(chr, range(0x110000))))]
    ranges, start = [], found[0]
    for prev, cur in zip(found, found[1:] + [-1], strict=True):
        if cur != prev + 1:
            ranges.append(chr(start) if start == prev else f"{chr(start)}-{chr(prev)}")
            start = cur
    return "".join(ranges)


def _arrow_regex(pattern: str) -> str:
    """``pattern`` with ``\\d`` spelled as its characters. pandas hands a pattern with ``\\d`` to Python's
    re, one cell at a time, whenever the column holds non-ASCII text (RE2's ``\\d`` is ASCII only); the
    spelled-out class matches the same digits and lets pyarrow's RE2 scan the column."""
    digits = _digit_class()
    return pattern.replace(r"[\dXx]", f"[{digits}Xx]").replace(r"\d", f"[{digits}]")


@dataclass
class Tables:
    """The typed frames of the datasets that loaded, with what messages need to name things."""

    frames: dict[str, pd.DataFrame]  # index = spreadsheet row
    files: dict[str, str]  # dataset -> file name
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    unavailable: set[str] = field(default_factory=set)  # present but unreadable or ambiguous

    def header(self, dataset: str, column: str) -> str:
        return self.headers.get(dataset, {}).get(column, column)

    def rows(
        self,
        code: str,
        dataset: str,
        column: str,
        bad: pd.DataFrame,
        *,
        severity: str = "error",
        **const: object,
    ) -> list[Problem]:
        return messages.per_row(
            code,
            self.files[dataset],
            bad,
            severity=severity,
            column=self.header(dataset, column),
            name=column,
            dataset=dataset,
            **const,
        )


# -- personal identifiers (per file, on the text cells) -----------------------------------------


def mask_number(number: str) -> str:
    """138****5678 / 130324********1234: enough to find it, not enough to use it."""
    digits = re.sub(r"[^0-9Xx]", "", re.sub(r"\.0+$", "", number))  # 138-1234-5678, +86 …: digits only
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]  # the country code is not part of the number
    keep = 6 if len(digits) > 11 else 3
    return digits[:keep] + "*" * max(len(digits) - keep - 4, 0) + digits[-4:]


def personal_numbers(
    raw: pd.DataFrame, dataset: str, file: str, headers: dict[str, str]
) -> tuple[list[Problem], list[str]]:
    """Columns holding ID-card or mobile numbers, whatever their header: one error per column.

    Returns the problems and the offending columns, so the loader can keep the numbers out of
    memory (the files travel by USB stick; the dashboard must not become a second copy).
    """
    problems: list[Problem] = []
    columns: list[str] = []
    for name in raw.columns:
        if _no_number_fits(raw[name]):
            continue
        text = _candidates(raw[name].dropna())
        # cheap first look: eleven digits, maybe with single separators between them
        if text.empty or not text.str.contains(_arrow_regex(r"\d(?:[- ]?\d){10}")).any():
            continue
        for code, pattern in _PERSONAL:
            hits = text.str.contains(_arrow_regex(_bounded(pattern, capture=False)))
            if not hits.any():
                continue
            found = text[hits].str.extract(_bounded(pattern, capture=True), expand=False).dropna()
            problems.append(
                messages.make(
                    code,
                    file,
                    column=headers.get(name, name),
                    name=name if name in headers else None,
                    dataset=dataset,
                    value=mask_number(found.iloc[0]),
                    example=mask_number(found.iloc[0]),
                    count=str(len(found)),
                )
            )
            columns.append(name)
            break
    return problems, columns


def _no_number_fits(column: pd.Series) -> bool:
    """True when, by the UTF-8 bytes of the text column alone, :func:`_candidates` would find no cell: every
    cell is shorter than 11 bytes (a number has 11 digits or more, each at least a byte), or the cells are
    ASCII letters and digits only and none of 11, 13, 15 or 18 of them begins with a digit (an id or a code).
    False: look as before."""
    chunks = text_cells.arrow_chunks(column)
    if chunks is None:
        return False
    for chunk in chunks:
        lengths, data = text_cells.cell_bytes(chunk)
        if lengths.max(initial=0) < 11:
            continue
        low = data | 0x20  # A-Z as a-z
        if not (((data >= 0x30) & (data <= 0x39)) | ((low >= 0x61) & (low <= 0x7A))).all():
            return False
        starts = np.cumsum(lengths) - lengths  # where each cell begins in ``data``
        first = data[starts[np.isin(lengths, (11, 13, 15, 18))]]
        if ((first >= 0x30) & (first <= 0x39)).any():
            return False
    return True


def _candidates(text: pd.Series) -> pd.Series:
    """The cells that could hold a personal number, in row order: the full patterns then run on these
    only. A number is bounded by non-alphanumerics, so it needs at least 11 characters, and a cell of
    letters and digits only (a household or person id, a code) can only be one if it is the whole cell:
    11 digits (mobile) or 17 digits and a check character (ID card). So ids and codes no longer go
    through both full patterns."""
    if text.empty:
        return text
    try:
        length = text.str.len()
        long = length >= 11
        if not long.any():
            return text.iloc[:0]
        text, length = text[long], length[long]
        whole = text.str.fullmatch(r"[0-9A-Za-z]+").fillna(False).astype(bool)
        maybe = whole & length.isin((11, 13, 15, 18))
        if maybe.any():
            number = (
                text[maybe].str.fullmatch(r"\d{11}|\d{13}|\d{15}|\d{17}[\dXx]").fillna(False).astype(bool)
            )
            maybe[maybe.to_numpy()] = number.to_numpy()
    except (AttributeError, TypeError, ValueError):  # not text: look at every cell
        return text
    return text[~whole | maybe]


def scrub(frame: pd.DataFrame, column: str) -> pd.Series:
    """The column with every personal number masked (kept only so the frame keeps its shape)."""
    s = frame[column].astype("str")
    for _, pattern in _PERSONAL:
        s = s.str.replace(
            _bounded(pattern, capture=True),
            lambda m: m.group(0).replace(m.group(1), mask_number(m.group(1))),
            regex=True,
        )
    return s


# -- cross-dataset rules ------------------------------------------------------------------------


def within(values: pd.Series, known: pd.Series) -> pd.Series:
    """values.isin(known) (missing values: False). Series.isin on pandas 3 strings loops in Python, so
    text goes to Arrow's hash lookup (pyarrow.compute.is_in), anything else through a pandas index."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        v, k = pa.array(values.array), pa.array(known.dropna().array)
        if isinstance(k, pa.ChunkedArray):
            k = k.combine_chunks()
        if _is_text(v.type) and _is_text(k.type):
            if v.type != k.type:
                v, k = v.cast(pa.large_string()), k.cast(pa.large_string())
            hit = pc.is_in(v, value_set=k, skip_nulls=True).fill_null(False)
            if isinstance(hit, pa.ChunkedArray):
                hit = hit.combine_chunks()
            return pd.Series(hit.to_numpy(zero_copy_only=False), index=values.index, dtype=bool)
    except (pa.ArrowException, TypeError, ValueError):
        pass
    index = pd.Index(known.dropna().unique())
    return pd.Series(index.get_indexer(values) >= 0, index=values.index)


def _positions(values: pd.Series, keys: pd.Series) -> np.ndarray:
    """The position of each value in ``keys`` (unique), -1 where absent; a missing value finds a missing
    key, as Series.map does. Text goes through Arrow's hash lookup (pyarrow.compute.index_in)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        v, k = pa.array(values.array), pa.array(keys.array)
        if isinstance(k, pa.ChunkedArray):
            k = k.combine_chunks()
        if _is_text(v.type) and _is_text(k.type):
            if v.type != k.type:
                v, k = v.cast(pa.large_string()), k.cast(pa.large_string())
            at = pc.index_in(v, value_set=k, skip_nulls=False).fill_null(-1)
            if isinstance(at, pa.ChunkedArray):
                at = at.combine_chunks()
            return at.to_numpy(zero_copy_only=False).astype(np.int64)
    except (pa.ArrowException, TypeError, ValueError):
        pass
    return pd.Index(keys).get_indexer(values)


def _is_text(t: object) -> bool:
    import pyarrow as pa

    return pa.types.is_string(t) or pa.types.is_large_string(t)


def _within_many(columns: list[pd.Series], known: pd.Series) -> list[pd.Series]:
    """``[within(c, known) for c in columns]``, building Arrow's hash set of ``known`` once when all are
    text (pyarrow.compute.is_in over one chunked array of every column; the set is most of the cost)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if len(columns) > 1:
        try:
            k = pa.array(known.dropna().array)
            if isinstance(k, pa.ChunkedArray):
                k = k.combine_chunks()
            arrays = [pa.array(c.array) for c in columns]
            if _is_text(k.type) and all(_is_text(a.type) for a in arrays):
                wide = any(a.type != k.type for a in arrays)
                chunks = []
                for a in arrays:
                    parts = a.chunks if isinstance(a, pa.ChunkedArray) else [a]
                    chunks += [x.cast(pa.large_string()) if wide else x for x in parts]
                values = pa.chunked_array(chunks, type=pa.large_string() if wide else k.type)
                if wide:
                    k = k.cast(pa.large_string())
                hit = pc.is_in(values, value_set=k, skip_nulls=True).fill_null(False)
                hit = pa.chunked_array(hit.chunks if isinstance(hit, pa.ChunkedArray) else [hit])
                flat = hit.to_numpy(zero_copy_only=False) if hit.num_chunks else np.zeros(0, dtype=bool)
                out, start = [], 0
                for c in columns:
                    out.append(pd.Series(flat[start : start + len(c)], index=c.index, dtype=bool))
                    start += len(c)
                return out
        except (pa.ArrowException, TypeError, ValueError):
            pass
    return [within(c, known) for c in columns]


def foreign_keys(t: Tables) -> list[Problem]:
    """Every reference column's values exist in the referenced column (one hash set per referenced column)."""
    try:
        found = _lookups(t)
    except Exception:  # noqa: BLE001 - redo one column at a time, so the same failure is reported
        found = None
    return _foreign_keys(t, found)


def _lookups(t: Tables) -> dict[tuple[str, str], pd.Series]:
    groups: dict[str, list[tuple[str, str]]] = {}
    for name in t.frames:
        for col in DATASETS[name].columns:
            if col.references and col.references.split(".")[0] in t.frames:
                groups.setdefault(col.references, []).append((name, col.name))
    found: dict[tuple[str, str], pd.Series] = {}
    for ref, members in groups.items():
        ref_ds, ref_col = ref.split(".")
        hits = _within_many([t.frames[n][c] for n, c in members], t.frames[ref_ds][ref_col])
        found.update(zip(members, hits, strict=True))
    return found


def _foreign_keys(t: Tables, found: dict[tuple[str, str], pd.Series] | None) -> list[Problem]:
    out: list[Problem] = []
    for name, df in t.frames.items():
        for col in DATASETS[name].columns:
            if not col.references:
                continue
            ref_ds, ref_col = col.references.split(".")
            values = df[col.name]
            if ref_ds not in t.frames:
                # a required dataset's absence and an unreadable file are errors of their own
                reported = DATASETS[ref_ds].required or ref_ds in t.unavailable
                if not reported and values.notna().any():
                    out.append(
                        messages.make(
                            "fk_unchecked",
                            t.files[name],
                            severity="warning",
                            column=t.header(name, col.name),
                            name=col.name,
                            dataset=name,
                            ref_dataset=ref_ds,
                            ref_title=DATASETS[ref_ds].title,
                            ref_title_en=DATASETS[ref_ds].title_en,
                        )
                    )
                continue
            hit = found[(name, col.name)] if found is not None else within(values, t.frames[ref_ds][ref_col])
            bad = values.notna() & ~hit
            out += t.rows(
                "fk_missing",
                name,
                col.name,
                pd.DataFrame({"value": values[bad]}),
                ref_dataset=ref_ds,
                ref_title=DATASETS[ref_ds].title,
                ref_title_en=DATASETS[ref_ds].title_en,
            )
    return out


def village_codes(t: Tables) -> list[Problem]:
    v = t.frames.get("villages")
    if v is None:
        return []
    both = v["village_code"].notna() & v["township_code"].notna()
    bad = both & (v["village_code"].str[:9] != v["township_code"])
    rows = pd.DataFrame({"value": v.loc[bad, "village_code"], "township": v.loc[bad, "township_code"]})
    return t.rows("village_not_in_township", "villages", "village_code", rows)


def household_sizes(t: Tables) -> list[Problem]:
    h, p = t.frames.get("households"), t.frames.get("persons")
    if h is None or p is None:
        return []
    counts = p["household_id"].value_counts()
    # h["household_id"].map(counts).fillna(0), without pandas' Python-object lookup of Arrow strings
    at = _positions(h["household_id"], counts.index.to_series())
    members = pd.Series(np.append(counts.to_numpy(dtype="int64"), 0)[at], index=h.index)
    bad = h["persons"].notna() & h["household_id"].notna() & (h["persons"] != members)
    bad = bad.fillna(False).astype(bool)
    rows = pd.DataFrame(
        {"value": h.loc[bad, "persons"], "household": h.loc[bad, "household_id"], "count": members[bad]}
    )
    return t.rows("persons_mismatch", "households", "persons", rows)


def exit_years(t: Tables) -> list[Problem]:
    h = t.frames.get("households")
    if h is None:
        return []
    kind, year = h["household_type"], h["exit_year"]
    missing = (kind == "脱贫户") & year.isna()
    unexpected = (kind == "一般农户") & year.notna()
    return t.rows(
        "exit_year_missing", "households", "exit_year", pd.DataFrame({"value": year[missing]})
    ) + t.rows(
        "exit_year_unexpected",
        "households",
        "exit_year",
        pd.DataFrame({"value": year[unexpected]}),
        severity="warning",
    )


# category -> the household type it is reserved for
_CATEGORY_FOR = {"脱贫不稳定户": "脱贫户", "边缘易致贫户": "一般农户"}


def case_categories(t: Tables) -> list[Problem]:
    c, h = t.frames.get("monitoring_cases"), t.frames.get("households")
    if c is None or h is None:
        return []
    types = h.drop_duplicates("household_id").set_index("household_id")["household_type"]
    at = _positions(c["household_id"], types.index.to_series())  # = c["household_id"].map(types)
    actual = pd.Series(types.array.take(at, allow_fill=True), index=c.index)
    allowed = c["category"].map(_CATEGORY_FOR)
    bad = allowed.notna() & actual.notna() & (allowed != actual)
    bad = bad.fillna(False).astype(bool)
    rows = pd.DataFrame(
        {
            "value": c.loc[bad, "category"],
            "household": c.loc[bad, "household_id"],
            "household_type": actual[bad],
            "allowed": allowed[bad],
        }
    )
    return t.rows("category_mismatch", "monitoring_cases", "category", rows)


def case_dates(t: Tables) -> list[Problem]:
    c = t.frames.get("monitoring_cases")
    if c is None:
        return []
    out: list[Problem] = []
    # A row given to the month (日期精度 = 月) is compared by month: its 2022-06 approval (stored as
    # 2022-06-01) is not "before" a township audit of 2022-06-20.
    monthly = _monthly(c)
    # Walk the procedure left to right, comparing each date with the last one filled in before it.
    last = pd.Series(pd.NaT, index=c.index, dtype="datetime64[ns]")
    last_name = pd.Series(pd.NA, index=c.index, dtype="str")
    for name in CASE_DATE_ORDER:
        d = c[name]
        bad = (d.notna() & last.notna() & (_by_month(d, monthly) < _by_month(last, monthly))).to_numpy()
        if bad.any():
            prev_cols = last_name[bad].map(lambda n: t.header("monitoring_cases", n))
            rows = pd.DataFrame({"value": d[bad], "prev": last[bad], "prev_col": prev_cols})
            out += t.rows("date_order", "monitoring_cases", name, rows)
        last = d.where(d.notna(), last)
        last_name = last_name.where(d.isna(), name)
    approved, eliminated, kind = c["approved_on"], c["eliminated_on"], c["elimination_kind"]
    early = (
        eliminated.notna()
        & approved.notna()
        & (_by_month(eliminated, monthly) < _by_month(approved, monthly))
    )
    out += t.rows(
        "eliminated_before_approved",
        "monitoring_cases",
        "eliminated_on",
        pd.DataFrame({"value": eliminated[early], "approved": approved[early]}),
    )
    unapproved = eliminated.notna() & approved.isna()
    out += t.rows(
        "eliminated_not_approved",
        "monitoring_cases",
        "eliminated_on",
        pd.DataFrame({"value": eliminated[unapproved]}),
    )
    out += t.rows(
        "elimination_kind_missing",
        "monitoring_cases",
        "elimination_kind",
        pd.DataFrame({"value": kind[eliminated.notna() & kind.isna()]}),
    )
    out += t.rows(
        "elimination_kind_unexpected",
        "monitoring_cases",
        "elimination_kind",
        pd.DataFrame({"value": kind[eliminated.isna() & kind.notna()]}),
        severity="warning",
    )
    income = c["income_at_elimination"]
    out += t.rows(
        "income_at_elimination_unexpected",
        "monitoring_cases",
        "income_at_elimination",
        pd.DataFrame({"value": income[eliminated.isna() & income.notna()]}),
        severity="warning",
    )
    return out


def _monthly(df: pd.DataFrame) -> pd.Series:
    """Rows whose dates are given to the month only (日期精度 = 月)."""
    if "date_precision" not in df.columns:
        return pd.Series(False, index=df.index)
    return (df["date_precision"] == "月").fillna(False).astype(bool)


def _by_month(d: pd.Series, monthly: pd.Series) -> pd.Series:
    """The dates, cut to their month's first day on month-precision rows (to compare like with like)."""
    if not monthly.any():
        return d
    return d.where(~monthly, d.dt.to_period("M").dt.start_time.astype("datetime64[ns]"))


# outcome -> the household type it applies to: 返贫 is a 脱贫户 falling back, 致贫 a 一般农户 falling in
_OUTCOME_FOR = {"返贫": "脱贫户", "致贫": "一般农户"}


def poverty_outcomes(t: Tables) -> list[Problem]:
    """返贫 only for a 脱贫户, 致贫 only for a 一般农户 (the national system's two marks)."""
    c, h = t.frames.get("monitoring_cases"), t.frames.get("households")
    if c is None or h is None or c["poverty_outcome"].isna().all():
        return []
    types = h.drop_duplicates("household_id").set_index("household_id")["household_type"]
    at = _positions(c["household_id"], types.index.to_series())
    actual = pd.Series(types.array.take(at, allow_fill=True), index=c.index)
    allowed = c["poverty_outcome"].map(_OUTCOME_FOR)
    bad = (allowed.notna() & actual.notna() & (allowed != actual)).fillna(False).astype(bool)
    rows = pd.DataFrame(
        {
            "value": c.loc[bad, "poverty_outcome"],
            "household": c.loc[bad, "household_id"],
            "household_type": actual[bad],
            "allowed": allowed[bad],
        }
    )
    return t.rows("outcome_mismatch", "monitoring_cases", "poverty_outcome", rows)


def employment_dates(t: Tables) -> list[Problem]:
    """A row with a year starts within it; a row without one (counted in every year it overlaps) needs no
    such rule. Either way work does not end before it starts."""
    e = t.frames.get("employment")
    if e is None:
        return []
    d, year, end = e["started_on"], e["year"], e["ended_on"]
    monthly = _monthly(e)
    bad = (d.notna() & year.notna() & (d.dt.year != year)).fillna(False).astype(bool)
    rows = pd.DataFrame({"value": d[bad], "year": year[bad].astype("str")})
    out = t.rows("date_outside_year", "employment", "started_on", rows)
    before = (end.notna() & d.notna() & (_by_month(end, monthly) < _by_month(d, monthly))).fillna(False)
    before = before.astype(bool)
    rows = pd.DataFrame({"value": end[before], "started": d[before]})
    out += t.rows("ended_before_started", "employment", "ended_on", rows)
    return out


# Ledgers whose rows carry both a year and a date of their own. A year's figures stop at its 31 December
# (figures.period_end), so a row dated after the end of its year counts in no year's figure: a warning
# tells the data office which rows to look at (employment has the stricter date_outside_year error).
YEAR_DATED = (("welfare_jobs", "started_on"), ("trainings", "started_on"), ("student_aid", "paid_on"))


def dated_after_year(t: Tables) -> list[Problem]:
    out: list[Problem] = []
    for dataset, col in YEAR_DATED:
        df = t.frames.get(dataset)
        if df is None or col not in df or "year" not in df:
            continue
        d, year = pd.to_datetime(df[col], errors="coerce"), df["year"]
        bad = (d.notna() & year.notna() & (d.dt.year > year)).fillna(False).astype(bool)
        rows = pd.DataFrame({"value": df.loc[bad, col], "year": year[bad].astype("str")})
        out += t.rows("dated_after_year", dataset, col, rows, severity="warning")
    return out


def inspection_dates(t: Tables) -> list[Problem]:
    e = t.frames.get("environment_scores")
    if e is None:
        return []
    d, period = e["inspected_on"], e["period"]
    # d.dt.strftime("%Y-%m") != period; strftime is a Python loop, so plain YYYY-MM periods are compared
    # as numbers and only the others (none after parsing, normally) as text
    both = (d.notna() & period.notna()).to_numpy()
    bad = pd.Series(False, index=e.index)
    if both.any():
        day, month = d[both], period[both]
        plain = month.str.fullmatch(r"[0-9]{4}-[0-9]{2}").fillna(False).astype(bool).to_numpy()
        differ = np.ones(len(month), dtype=bool)
        number = (month[plain].str.slice(0, 4) + month[plain].str.slice(5, 7)).astype("int64").to_numpy()
        differ[plain] = (day[plain].dt.year * 100 + day[plain].dt.month).to_numpy() != number
        if not plain.all():
            differ[~plain] = (day[~plain].dt.strftime("%Y-%m") != month[~plain]).to_numpy()
        bad[both] = differ
    rows = pd.DataFrame({"value": d[bad], "period": period[bad]})
    return t.rows("date_outside_period", "environment_scores", "inspected_on", rows)


def employment_targets(t: Tables) -> list[Problem]:
    g = t.frames.get("employment_targets")
    if g is None:
        return []
    out: list[Problem] = []
    keyed = g[g["year"].notna()]
    # county_code extension: a multi-county folder has one county-wide row per county and year
    county_code = keyed["county_code"] if "county_code" in keyed.columns else pd.Series(pd.NA, keyed.index)
    place = keyed["township_code"].fillna("全县" + ("(" + county_code.astype("str") + ")").fillna(""))
    # v2: a year may hold a monthly cumulative plan (month) and a 公益岗位 target (target_kind) besides the
    # annual 务工就业 target; each (kind, month) is a target of its own
    kind = _target_kind(keyed)
    month = _target_month(keyed)
    what = (kind.where(kind == "务工就业", kind + "任务") + month.map(lambda m: f"{m}月" if m else "")).where(
        (kind != "务工就业") | (month != 0), ""
    )
    dup = pd.DataFrame({"year": keyed["year"], "place": place + what})
    repeated = dup.duplicated(keep="first")
    if repeated.any():
        first = dup.reset_index().drop_duplicates(["year", "place"]).set_index(["year", "place"])
        first_rows = [first.loc[(y, p), "index"] for y, p in dup[repeated].itertuples(index=False)]
        rows = dup[repeated].assign(value=dup.loc[repeated, "place"], first_row=first_rows)
        rows["year"] = rows["year"].astype("str")
        out += t.rows("target_duplicate", "employment_targets", "township_code", rows)
    unique = keyed[~repeated]
    groups = pd.DataFrame({"kind": kind[~repeated], "month": month[~repeated]})
    for _, part in groups.groupby(["kind", "month"], sort=True):
        out += _target_sums(t, unique.loc[part.index], county_code.reindex(part.index))
    return out


def _target_kind(g: pd.DataFrame) -> pd.Series:
    if "target_kind" not in g.columns:
        return pd.Series("务工就业", index=g.index, dtype="str")
    return g["target_kind"].fillna("务工就业").astype("str")


def _target_month(g: pd.DataFrame) -> pd.Series:
    if "month" not in g.columns:
        return pd.Series(0, index=g.index, dtype="int64")
    return g["month"].fillna(0).astype("int64")


def _target_sums(t: Tables, unique: pd.DataFrame, county_code: pd.Series) -> list[Problem]:
    """Township targets of one year (and kind, month) add up to the county-wide row."""
    out: list[Problem] = []
    county = unique[unique["township_code"].isna()]
    town_rows = unique[unique["township_code"].notna()]
    towns = town_rows.groupby("year")["target"].sum(min_count=1)
    by_county = town_rows.groupby([town_rows["year"], town_rows["township_code"].str.slice(0, 6)])["target"]
    by_county = by_county.sum(min_count=1)
    codes = county_code.reindex(county.index)
    for row, year, code, target in zip(county.index, county["year"], codes, county["target"], strict=True):
        total = towns.get(year) if pd.isna(code) else by_county.get((year, code))
        if total is None or pd.isna(total) or pd.isna(target) or int(total) == int(target):
            continue
        bad = pd.DataFrame({"value": [target], "total": [str(int(total))], "year": [str(year)]}, index=[row])
        out += t.rows("target_sum", "employment_targets", "target", bad)
    return out


def county_rows(t: Tables) -> list[Problem]:
    """The county_code extension of employment_targets and indicators (multi-county folders): it agrees
    with township_code, names a county of the townships table, and is filled on county-wide rows when
    the folder holds more than one county."""
    tw = t.frames.get("townships")
    counties = sorted(set(tw["county_code"].dropna())) if tw is not None else []
    listed = "、".join(counties)
    out: list[Problem] = []
    for name in ("employment_targets", "indicators", "population"):
        df = t.frames.get(name)
        if df is None or "county_code" not in df.columns:
            continue
        county, town = df["county_code"], df["township_code"]
        mismatch = (county.notna() & town.notna() & (county != town.str.slice(0, 6))).astype(bool)
        rows = pd.DataFrame({"value": county[mismatch], "township": town[mismatch]})
        out += t.rows("county_code_mismatch", name, "county_code", rows)
        if counties:
            unknown = (county.notna() & ~mismatch & ~within(county, tw["county_code"])).astype(bool)
            rows = pd.DataFrame({"value": county[unknown]})
            out += t.rows("county_code_unknown", name, "county_code", rows, codes=listed)
        if len(counties) > 1:
            missing = (county.isna() & town.isna()).astype(bool)
            rows = pd.DataFrame({"value": county[missing]})
            out += t.rows(
                "county_code_missing", name, "county_code", rows, codes=listed, count=str(len(counties))
            )
    return out


def welfare_posts(t: Tables) -> list[Problem]:
    """Each welfare post of a year is also an employment row via 公益岗位, and vice versa.

    An employment row without a year (contract v2) is in every year it overlaps, from its start to its end
    (still in work: to the latest year of the posts and rows). A mismatch is a finding about the ledgers,
    shown to the data office, not a load failure.
    """
    w, e = t.frames.get("welfare_jobs"), t.frames.get("employment")
    if w is None or e is None:
        return []
    posts = e[e["channel"] == "公益岗位"]
    years = _employment_years(posts, max(_max_year(w["year"]), _max_year(e["year"])))
    e_keys = pd.MultiIndex.from_arrays([years["person_id"], years["year"]])
    w_keys = pd.MultiIndex.from_arrays([w["person_id"], w["year"]])
    w_bad = ~w_keys.isin(e_keys) & w["person_id"].notna().to_numpy() & w["year"].notna().to_numpy()
    lacking = ~e_keys.isin(w_keys) & years["person_id"].notna().to_numpy() & years["year"].notna().to_numpy()
    first = years[lacking].groupby(level=0, sort=True)["year"].first()  # a row once, at its first such year
    w_rows = pd.DataFrame({"value": w.loc[w_bad, "person_id"], "year": w.loc[w_bad, "year"].astype("str")})
    e_rows = pd.DataFrame({"value": posts.loc[first.index, "person_id"], "year": first.astype("str")})
    return t.rows(
        "welfare_job_not_employed", "welfare_jobs", "person_id", w_rows, severity="warning"
    ) + t.rows("employment_without_welfare_job", "employment", "channel", e_rows, severity="warning")


def _max_year(years: pd.Series) -> int:
    y = years.dropna()
    return int(y.max()) if len(y) else 0


def _employment_years(e: pd.DataFrame, horizon: int) -> pd.DataFrame:
    """(person_id, year) of every employment row and year it counts in, indexed by the row: its ``year``,
    or without one each year from started_on to ended_on (open-ended: to ``horizon``)."""
    given = e["year"].notna()
    out = [
        pd.DataFrame({"person_id": e.loc[given, "person_id"], "year": e.loc[given, "year"].astype("Int64")})
    ]
    spans = e[~given & e["started_on"].notna()] if "started_on" in e else e.iloc[:0]
    if len(spans):
        first = spans["started_on"].dt.year.astype("int64")
        ended = spans["ended_on"] if "ended_on" in spans else pd.Series(pd.NaT, index=spans.index)
        last = ended.dt.year.fillna(max(horizon, 0)).astype("int64").clip(lower=first)
        n = (last - first + 1).to_numpy()
        at = np.repeat(spans.index.to_numpy(), n)
        step = np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)
        out.append(
            pd.DataFrame(
                {
                    "person_id": spans["person_id"].to_numpy().repeat(n),
                    "year": pd.array(np.repeat(first.to_numpy(), n) + step, dtype="Int64"),
                },
                index=at,
            )
        )
    return pd.concat(out)


def family_sizes(t: Tables) -> list[Problem]:
    """保障人数 cannot exceed 家庭人口数 (单人保 covers fewer persons than the family, never more)."""
    s = t.frames.get("social_assistance")
    if s is None or s["family_size"].isna().all():
        return []
    bad = (s["family_size"].notna() & s["persons"].notna() & (s["persons"] > s["family_size"])).fillna(False)
    bad = bad.astype(bool)
    rows = pd.DataFrame({"value": s.loc[bad, "persons"], "family_size": s.loc[bad, "family_size"]})
    return t.rows("persons_above_family", "social_assistance", "persons", rows)


def population_rows(t: Tables) -> list[Problem]:
    """One figure per year, place, 口径 (户籍/常住) and 范围 (总人口/农村人口)."""
    p = t.frames.get("population")
    if p is None:
        return []
    place = p["township_code"].fillna("全县" + ("(" + p["county_code"].astype("str") + ")").fillna(""))
    key = pd.DataFrame(
        {"year": p["year"].astype("str"), "place": place, "basis": p["basis"], "scope": p["scope"]}
    )
    repeated = key.duplicated(keep="first") & key.notna().all(axis=1)
    if not repeated.any():
        return []
    first = key.reset_index().drop_duplicates(["year", "place", "basis", "scope"])
    first = first.set_index(["year", "place", "basis", "scope"])["index"]
    rows = key[repeated].assign(
        value=p.loc[repeated, "persons"],
        first_row=[first.loc[tuple(k)] for k in key[repeated].itertuples(index=False)],
    )
    return t.rows("population_duplicate", "population", "persons", rows)


def dibao_fields(t: Tables) -> list[Problem]:
    s = t.frames.get("social_assistance")
    if s is None:
        return []
    out: list[Problem] = []
    for name in ("dibao_class", "tier"):
        v = s[name]
        missing = (s["scheme"] == "农村低保") & v.isna()
        unexpected = (s["scheme"] == "特困供养") & v.notna()
        out += t.rows("dibao_field_missing", "social_assistance", name, pd.DataFrame({"value": v[missing]}))
        out += t.rows(
            "dibao_field_unexpected", "social_assistance", name, pd.DataFrame({"value": v[unexpected]})
        )
    return out


def after_as_of(t: Tables, as_of: dt.date | None) -> list[Problem]:
    if as_of is None:
        return []
    limit = pd.Timestamp(as_of)
    out: list[Problem] = []
    for name, df in t.frames.items():
        for col in DATASETS[name].columns:
            if col.kind != "date" or (name, col.name) in FORWARD_DATES:
                continue
            d = df[col.name]
            late = d.notna() & (d > limit)
            out += t.rows(
                "after_as_of",
                name,
                col.name,
                pd.DataFrame({"value": d[late]}),
                severity="warning",
                as_of=as_of.isoformat(),
            )
    return out


def latest_date(frames: dict[str, pd.DataFrame]) -> dt.date | None:
    """The as-of date a folder without one in its manifest gets (as the bundle does): the latest event date
    in the ledgers, never after today."""
    latest = None
    for name, df in frames.items():
        if name in NOT_LEDGERS:
            continue
        for col in DATASETS[name].columns:
            if col.kind != "date" or (name, col.name) in FORWARD_DATES or col.name not in df.columns:
                continue
            m = df[col.name].max()
            if pd.notna(m) and (latest is None or m.date() > latest):
                latest = m.date()
    return min(latest, dt.date.today()) if latest else None


# Threads running the cross-dataset rules (see run). One: on the province two threads saved ≈ 1 s of
# wall clock but raised the load's peak memory by ≈ 100–150 MB (both rules' working sets at once).
RUN_WORKERS = 1

CHECKS: tuple[Callable[[Tables], list[Problem]], ...] = (
    foreign_keys,
    village_codes,
    household_sizes,
    exit_years,
    case_categories,
    case_dates,
    poverty_outcomes,
    employment_dates,
    dated_after_year,
    inspection_dates,
    employment_targets,
    county_rows,
    welfare_posts,
    dibao_fields,
    family_sizes,
    population_rows,
)


def run(t: Tables, as_of: dt.date | None = None) -> list[Problem]:
    """Every cross-dataset rule; a rule that trips over unexpected data is reported, not raised.

    The rules only read the frames, so they run on ``RUN_WORKERS`` threads (Arrow's kernels release the
    GIL); their problems are joined in the order of ``CHECKS``, as when run one after the other."""
    steps = [(c.__name__, c) for c in CHECKS]
    steps.append(("after_as_of", lambda tables: after_as_of(tables, as_of)))

    def attempt(label: str, check: Callable[[Tables], list[Problem]]) -> list[Problem]:
        try:
            return check(t)
        except Exception as exc:  # one broken rule must not hide the other rules' findings
            return [
                messages.make(
                    "check_failed",
                    "",
                    severity="warning",
                    check=label,
                    reason=f"{type(exc).__name__}: {exc}"[:200],
                )
            ]

    if RUN_WORKERS <= 1:
        results = [attempt(label, check) for label, check in steps]
    else:
        with ThreadPoolExecutor(max_workers=RUN_WORKERS, thread_name_prefix="lulong-checks") as pool:
            results = list(pool.map(lambda step: attempt(*step), steps))
    out: list[Problem] = []
    for problems in results:
        out += problems
    return out


# -- files beside the tables --------------------------------------------------------------------


def geo_townships(geo: dict, file: str, townships: pd.DataFrame | None) -> list[Problem]:
    """Township features carry a township_code that exists in townships, and every township has
    a feature (else it silently disappears from the maps)."""
    out: list[Problem] = []
    known = set() if townships is None else set(townships["township_code"].dropna())
    seen: set[str] = set()
    for position, feature in enumerate(geo.get("features", []), start=1):
        code = (feature.get("properties") or {}).get("township_code")
        if code is None or str(code).strip() == "":
            out.append(messages.make("geo_missing_code", file, position=str(position)))
            continue
        code = str(code).strip()
        seen.add(code)
        if townships is not None and code not in known:
            out.append(messages.make("geo_unknown_township", file, value=code, position=str(position)))
    if townships is not None:
        codes = townships["township_code"]
        missing = townships[codes.notna() & ~within(codes, pd.Series(sorted(seen), dtype="str"))]
        for code, name in zip(missing["township_code"], missing["name"], strict=True):
            out.append(
                messages.make(
                    "geo_township_without_feature",
                    file,
                    severity="warning",
                    value=code,
                    township_name=messages.show(name),
                )
            )
    return out


def manifest_county(manifest: dict, townships: pd.DataFrame | None) -> list[Problem]:
    code = manifest.get("county_code")
    if code is None or townships is None:
        return []
    codes = sorted(set(townships["county_code"].dropna()))
    if not codes or code in codes:  # several counties (extension): the manifest names one of them
        return []
    return [
        messages.make(
            "manifest_county_mismatch",
            "manifest.toml",
            severity="warning",
            value=code,
            codes="、".join(codes),
        )
    ]
