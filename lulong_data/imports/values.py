"""Cell values of an export → contract values, through the profile's value maps.

Every function works on a whole column, mapping each distinct value once (an export of 100,000 persons has
a handful of distinct 劳动技能). A value that maps to nothing is reported once per distinct value, with its
first row and how many rows hold it: a warning (the cell is left empty) or, where the contract needs the
value, an error.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd

from lulong_data.contract import Problem
from lulong_data.imports import report
from lulong_data.imports.profiles import TARGETS, Profile, norm
from lulong_data.parsing import FALSE, TRUE

# Findings of one kind per column beyond this are summed up in one line.
MAX_LISTED = 50


def _where(frame: pd.DataFrame, mask: pd.Series) -> pd.DataFrame:
    """First row and count per distinct (file, value) among the masked rows."""
    sel = frame.loc[mask, ["_file", "_value", "_row"]]
    return sel.groupby(["_file", "_value"], sort=False)["_row"].agg(["first", "size"]).reset_index()


def _report(
    code: str,
    frame: pd.DataFrame,
    values: pd.Series,
    mask: pd.Series,
    column: dict[str, str],
    severity: str,
    **fields: object,
) -> list[Problem]:
    if not mask.any():
        return []
    work = pd.DataFrame({"_file": frame["_file"], "_value": values, "_row": frame["_row"]})
    found = _where(work, mask)
    out = []
    for file, value, first, size in zip(
        found["_file"], found["_value"], found["first"], found["size"], strict=True
    ):
        more = f"(共 {size} 行)" if size > 1 else ""
        out.append(
            report.problem(
                code,
                file,
                severity=severity,
                row=int(first),
                column=column.get(file, "") or None,
                value=value,
                more=more,
                **fields,
            )
        )
    if len(found) > MAX_LISTED:
        out.append(
            report.problem(
                code,
                str(found["_file"].iloc[MAX_LISTED]),
                severity=severity,
                value=f"… 另有 {len(found) - MAX_LISTED} 个不同的值",
                **fields,
            )
        )
    return out


def remap(values: pd.Series, mapping, dtype: str = "str") -> pd.Series:
    """``values.map(mapping)`` (a dict or a function of one value) computed once per distinct value: an
    export of 100,000 rows has a handful of distinct 劳动技能, and pandas maps text one cell at a time."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    get = mapping.get if isinstance(mapping, dict) else mapping
    uniques = np.asarray(uniques, dtype=object)  # Arrow-backed text is slow to walk value by value
    return spread(codes, [get(u) for u in uniques], values.index, dtype)


def spread(codes: np.ndarray, per_unique: list, index: pd.Index, dtype: str = "str") -> pd.Series:
    """The value of each row's distinct value (``codes`` from pd.factorize; -1 = missing) as a column.
    Text is taken by Arrow, so no Python string is made per row."""
    at = np.where(codes < 0, len(per_unique), codes)
    if dtype == "str":
        import pyarrow as pa

        try:
            arr = pa.array([*per_unique, None], type=pa.large_string(), from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            arr = None  # not all text: the plain way below
        if arr is not None:
            return pd.Series(arr.take(pa.array(at)), index=index, dtype="str")
    mapped = np.array([*per_unique, None], dtype=object)
    return pd.Series(mapped[at], index=index, dtype=dtype)


def target_zh(profile: Profile, target: str) -> str:
    for table in TARGETS[profile.kind].values():
        if target in table:
            return table[target].zh
    return target


def enum(
    frame: pd.DataFrame,
    target: str,
    profile: Profile,
    columns: dict[str, str],
    *,
    required: bool = False,
    allowed: tuple[str, ...] | None = None,
) -> tuple[pd.Series, list[Problem]]:
    """Map a text column through ``[values.<target>]``; a value already equal to a contract value passes.
    Cells holding several values (``残疾,患有大病``) keep the first of ``[multi_order.<target>]`` when the
    profile gives one."""
    raw = frame[target] if target in frame else pd.Series(np.nan, index=frame.index, dtype="str")
    if allowed is None:
        for table in TARGETS[profile.kind].values():
            if target in table:
                allowed = table[target].values
                break
    mapping = profile.value_map(target)
    order = profile.multi_order.get(target) or profile.multi_order.get(target.rsplit("_", 1)[0])
    allowed_norm = {norm(a): a for a in allowed or ()}
    seps = re.compile("|".join(re.escape(s) for s in profile.separators))

    def one(value: str) -> str | None:
        n = norm(value)
        if n in mapping:
            return mapping[n] or ""
        if n in allowed_norm:
            return allowed_norm[n]
        return None

    def convert(value: str) -> str | None:
        got = one(value)
        if got is not None or not order:
            return got
        parts = [one(p) for p in seps.split(value) if p.strip()]
        if not parts or any(p is None for p in parts):
            return None
        for candidate in order:
            if candidate in parts:
                return candidate
        return parts[0]

    # each distinct value once: None = unmapped, "" = empty (in the file, or mapped to nothing on purpose)
    codes, uniques = pd.factorize(raw, use_na_sentinel=True)
    uniques = np.asarray(uniques, dtype=object)
    converted = [convert(u) if u != "" else "" for u in uniques]
    unmapped_u = np.array([c is None for c in converted] + [False], dtype=bool)
    empty_u = np.array([u == "" for u in uniques] + [True], dtype=bool)
    at = np.where(codes < 0, len(uniques), codes)
    problems = _report(
        "unmapped_value",
        frame,
        raw,
        pd.Series(unmapped_u[at], index=raw.index),
        columns,
        "error" if required else "warning",
        target=f"「{target_zh(profile, target)}」",
    )
    out = spread(codes, [c or None for c in converted], raw.index)
    if required:
        empty = pd.Series(empty_u[at], index=raw.index)
        problems += _report(
            "missing_value", frame, raw.fillna(""), empty, columns, "error", target=target_zh(profile, target)
        )
    return out, problems


def boolean(
    frame: pd.DataFrame, target: str, profile: Profile, columns: dict[str, str]
) -> tuple[pd.Series, list[Problem]]:
    """是/否 (and the parser's other spellings), after the value map."""
    text, problems = enum(frame, target, profile, columns, allowed=tuple(TRUE | FALSE | {"是", "否"}))
    # each distinct value once (pandas' isin walks text cell by cell); a FALSE spelling wins, as it did
    codes, uniques = pd.factorize(text, use_na_sentinel=True)
    flag = [
        False if u.lower() in FALSE else True if u.lower() in TRUE else pd.NA
        for u in np.asarray(uniques, dtype=object)
    ]
    at = np.where(codes < 0, len(flag), codes)
    out = pd.Series(pd.array(np.array([*flag, pd.NA], dtype=object)[at], dtype="boolean"), index=frame.index)
    return out, problems


def _fullwidth(s: pd.Series) -> pd.Series:
    wide = s.str.contains("[\uff01-\uff5e]", regex=True).fillna(False).astype(bool)
    if wide.any():
        s = s.where(~wide, s.str.normalize("NFKC"))
    return s


def number(
    frame: pd.DataFrame,
    target: str,
    columns: dict[str, str],
    *,
    integer: bool = False,
    profile: Profile | None = None,
) -> tuple[pd.Series, list[Problem]]:
    """Numbers (``1,234``, full-width digits, ``12.0`` from Excel); others reported and left empty. A value
    map (一档 → 1) applies first when the profile has one."""
    raw = frame[target] if target in frame else pd.Series(np.nan, index=frame.index, dtype="str")
    if profile is not None and profile.value_map(target):
        mapping = profile.value_map(target)
        raw = remap(raw, lambda v: mapping.get(norm(v), v) if isinstance(v, str) else v)
    values = _plain_numbers(raw)
    if values is not None:  # every cell empty or a plain number (the usual case): read by Arrow
        bad = pd.Series(False, index=raw.index)
    else:
        text = _fullwidth(raw.fillna("")).str.replace(",", "", regex=False).str.strip()
        text = text.str.replace(r"(?:元|人|户)$", "", regex=True)
        values = pd.to_numeric(text.where(text.ne("")), errors="coerce")
        bad = text.ne("") & values.isna()
    if integer:
        frac = values.notna() & (values % 1 != 0)
        bad |= frac
        values = values.where(~frac)
    problems = _report("bad_number", frame, raw.fillna(""), bad, columns, "warning")
    values = values.astype("Int64") if integer else values.astype("float64")
    return values, problems


def _plain_numbers(raw: pd.Series) -> pd.Series | None:
    """The column as float64 when every cell is empty or a plain decimal number (``1234``, ``-5.50``), cast
    by Arrow; None otherwise (then the cells are cleaned one by one)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pa.array(raw.astype("str"), from_pandas=True)
    arr = arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr
    arr = pc.if_else(pc.equal(arr, ""), pa.scalar(None, arr.type), arr)
    plain = pc.match_substring_regex(arr, r"^-?[0-9]+(\.[0-9]+)?$")
    if not pc.all(pc.or_kleene(plain, pc.is_null(arr))).as_py():
        return None
    return pd.Series(pc.cast(arr, pa.float64()).to_numpy(zero_copy_only=False), index=raw.index)


_MONTH = re.compile(r"^(\d{4})(?:[-/.年]?)(\d{1,2})月?$")
_DAY = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def when(
    frame: pd.DataFrame, target: str, columns: dict[str, str], *, month: bool = False
) -> tuple[pd.Series, pd.Series, list[Problem]]:
    """Dates as exported: ``YYYYMM``, ``YYYY-MM``, ``YYYY年M月`` (month precision: the month's first day),
    ``YYYY-MM-DD``, ``YYYY/M/D``, ``YYYY年M月D日``, ``YYYYMMDD`` and Excel serial numbers (day precision).
    ``month=True`` (识别监测时间 and the like) stores every value as its month's first day, precision 月.
    Returns (dates, precision "日"/"月" per row, problems)."""
    raw = frame[target] if target in frame else pd.Series(np.nan, index=frame.index, dtype="str")
    # each distinct cell once (a column of 100,000 dates holds a few hundred distinct ones)
    codes, uniques = pd.factorize(raw.fillna(""), use_na_sentinel=True)
    uniques = np.asarray(uniques, dtype=object)
    parsed = [_one_date(_clean_date(u)) for u in uniques]
    dates = np.array(
        [np.datetime64("NaT") if d is None else d.to_datetime64() for d, _ in parsed]
        + [np.datetime64("NaT")],
        dtype="datetime64[ns]",
    )
    if month:
        dates = dates.astype("datetime64[M]").astype("datetime64[ns]")  # the month's first day
    given = [p if d is not None else None for d, p in parsed]
    if month:
        given = ["月" if d is not None else None for d, _ in parsed]
    bad_u = np.array(
        [d is None and _clean_date(u) != "" for (d, _), u in zip(parsed, uniques, strict=True)] + [False]
    )
    at = np.where(codes < 0, len(uniques), codes)
    values = pd.Series(dates[at], index=raw.index, dtype="datetime64[ns]")
    bad = pd.Series(bad_u[at], index=raw.index)
    problems = _report("bad_date", frame, raw.fillna(""), bad, columns, "warning")
    return values, spread(codes, given, raw.index), problems


def _clean_date(u: str) -> str:
    if any("\uff01" <= ch <= "\uff5e" for ch in u):
        u = unicodedata.normalize("NFKC", u)
    u = u.strip()
    return u[:-2] if u.endswith(".0") else u


def _one_date(u: str) -> tuple[pd.Timestamp | None, str]:
    if not u:
        return None, ""
    m = _DAY.match(u) or _COMPACT.match(u)
    if m:
        try:
            return pd.Timestamp(int(m.group(1)), int(m.group(2)), int(m.group(3))), "日"
        except ValueError:
            return None, ""
    m = _MONTH.match(u)
    if m and 1900 <= int(m.group(1)) <= 2100 and 1 <= int(m.group(2)) <= 12:
        return pd.Timestamp(int(m.group(1)), int(m.group(2)), 1), "月"
    if re.fullmatch(r"\d{5}", u) and 18264 <= int(u) <= 73050:  # Excel serial, 1950..2099
        return pd.Timestamp("1899-12-30") + pd.Timedelta(days=int(u)), "日"
    return None, ""
