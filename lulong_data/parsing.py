"""Cell parsers: text cells of one column -> typed values, plus the cells that did not parse.

Each parser works on a whole column with vectorised string operations (a province folder has
millions of rows) and returns the typed series and a series of problem codes for the cells that
did not parse (indexed like the input, only bad cells present). Empty cells are missing values,
never errors here: whether a value is required is the schema's business.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from lulong_data.contract import CODE_LENGTH, Column

# Dtypes of the typed frames (docs/architecture.md, "Typed frames").
DTYPES = {
    "code6": "str",
    "code9": "str",
    "code12": "str",
    "str": "str",
    "enum": "str",
    "period": "str",
    "int": "Int64",
    "float": "float64",
    "date": "datetime64[ns]",
    "bool": "boolean",
}

TRUE = frozenset({"是", "true", "1", "1.0", "y", "yes", "√", "✓", "对"})
FALSE = frozenset({"否", "false", "0", "0.0", "n", "no", "×", "✗", "x", "错"})

# Excel serial day numbers are accepted only if they land in a plausible range for these ledgers,
# so a stray number (a count, a year) is not silently turned into a date.
EXCEL_EPOCH = pd.Timestamp("1899-12-30")
SERIAL_MIN = (pd.Timestamp("1950-01-01") - EXCEL_EPOCH).days
SERIAL_MAX = (pd.Timestamp("2099-12-31") - EXCEL_EPOCH).days

_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_DATE_DASH = rf"^(\d{{4}})[-/.](\d{{1,2}})[-/.](\d{{1,2}}){_TIME}$"
_DATE_ZH = r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"
_SERIAL = r"^(\d{5})(?:\.0+)?$"
# A month only (a column with ``month_ok``): 202206 (the national system's export, also as an Excel number
# 202206.0), 2022-06, 2022/6, 2022.6, 2022年6月.
_MONTH = r"^(\d{4})(?:(0[1-9]|1[0-2])(?:\.0+)?|[-/.](\d{1,2})|年(\d{1,2})月)$"
_PERIOD = r"^(\d{4})(?:[-/.]|年)(\d{1,2})月?$"
_PERIOD_AS_DATE = rf"^(\d{{4}})[-/.](\d{{1,2}})[-/.]0?1{_TIME}$"  # Excel turns 2022-07 into 2022/7/1
_THOUSANDS = r"^([+-]?\d{1,3}(?:,\d{3})+)(\.\d*)?$"
_INT = r"[+-]?\d{1,18}(?:\.0*)?"
_FLOAT = r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$"


def parse_column(raw: pd.Series, column: Column) -> tuple[pd.Series, pd.Series]:
    """Type one column of text cells (missing = NaN).

    Returns ``(values, bad)``: the typed series, and for each cell that did not parse the problem
    code to report (``bad_code``, ``bad_date``, ...), indexed like ``raw``.
    """
    kind = column.kind
    if raw.isna().all():  # an empty optional column: nothing to parse
        return pd.Series(index=raw.index, dtype=DTYPES[kind]), _no_problems()
    if kind in CODE_LENGTH:
        return parse_code(raw, CODE_LENGTH[kind])
    if kind == "date" and column.month_ok:
        return parse_date(raw, months=True)
    if kind == "enum" and column.synonyms:
        return parse_enum(raw, dict(column.synonyms)), _no_problems()
    parser = _PARSERS.get(kind)
    if parser is None:  # str and enum: the text is the value
        return raw.astype("str"), _no_problems()
    return parser(raw)


_NONE = pd.Series([], dtype="str")


def _no_problems() -> pd.Series:
    return _NONE  # shared and never modified: building an empty Series costs more than parsing


def _bad(raw: pd.Series, ok: pd.Series, code: str) -> pd.Series:
    mask = raw.notna() & ~ok.fillna(False).astype(bool)
    return pd.Series(code, index=raw.index[mask.to_numpy()], dtype="str")


def _halfwidth(raw: pd.Series) -> pd.Series:
    """Full-width digits and punctuation (１２３／－) as typed with a Chinese IME -> ASCII."""
    text = raw.astype("str")
    wide = text.str.contains("[\uff01-\uff5e]").fillna(False).astype(bool)
    if wide.any():  # normalising is slow (a Python loop): only where needed
        text = text.where(~wide, text.str.normalize("NFKC").str.strip())
    return text


def parse_code(raw: pd.Series, length: int) -> tuple[pd.Series, pd.Series]:
    """Digit strings of exactly ``length``; ``130324100.0`` (a code Excel stored as a number)
    is repaired, anything else refused."""
    text = _halfwidth(raw)
    ok = text.str.fullmatch(rf"\d{{{length}}}(?:\.0+)?").fillna(False).astype(bool)
    digits = text.str.slice(0, length).where(ok)
    bad = _bad(raw, ok, "bad_code")
    if len(bad):
        scientific = text.loc[bad.index].str.fullmatch(r"\d(?:\.\d+)?[eE]\+?\d+")
        bad[scientific.fillna(False).to_numpy()] = "bad_code_scientific"
    return digits, bad


def parse_int(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Whole numbers; ``12.0`` (Excel) and ``1,234`` are accepted, ``12.5`` is not."""
    try:  # plain digits everywhere: pyarrow's cast does it in one go
        return raw.astype("Int64"), _no_problems()
    except (ValueError, TypeError, ArithmeticError, pa.ArrowException):
        pass
    text = _uncomma(_halfwidth(raw))
    ok = text.str.fullmatch(_INT).fillna(False).astype(bool)
    values = pd.to_numeric(text.where(ok), errors="coerce").astype("Int64")
    return values, _bad(raw, values.notna(), "bad_int")


def parse_float(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    fast = _plain_floats(raw)
    if fast is not None:
        return fast, _no_problems()
    text = _uncomma(_halfwidth(raw))
    ok = text.str.fullmatch(_FLOAT).fillna(False).astype(bool)
    values = pd.to_numeric(text.where(ok), errors="coerce").astype("float64")
    finite = values.notna() & values.abs().ne(float("inf"))
    return values.where(finite), _bad(raw, finite, "bad_float")


def _plain_floats(raw: pd.Series) -> pd.Series | None:
    """The usual float column (every cell plain digits with at most one point, 15 characters at most)
    cast by Arrow in one go, or None. pandas' to_numeric loops in Python; on such short numbers it
    rounds exactly like Arrow (checked on 4 M random ones), which longer ones and exponents can miss
    by one unit in the last place, so those keep the general path."""
    if raw.dtype != "str" or getattr(raw.dtype, "storage", None) != "pyarrow":
        return None
    cells = pa.chunked_array(pa.array(raw.array))
    plain = pc.and_(
        pc.less_equal(pc.utf8_length(cells), 15),
        pc.match_substring_regex(cells, r"^[+-]?(?:\d+\.?\d*|\.\d+)$"),
    )
    if pc.all(plain).as_py() is not True:
        return None
    values = pc.cast(cells, pa.float64()).to_numpy(zero_copy_only=False)
    return pd.Series(values, index=raw.index, dtype="float64")


def parse_bool(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """是/否, true/false, 1/0, Y/N, √/× (any case)."""
    # each distinct cell once: pandas' isin walks text cell by cell, and a column holds a handful of values
    codes, uniques = pd.factorize(raw, use_na_sentinel=True)
    text = _halfwidth(pd.Series(uniques)).str.lower()
    flags = pd.Series(pd.NA, index=np.arange(len(uniques) + 1), dtype="boolean")  # the last: empty cells
    flags[np.append(text.isin(TRUE).to_numpy(), False)] = True
    flags[np.append(text.isin(FALSE).to_numpy(), False)] = False
    values = pd.Series(flags.array[np.where(codes < 0, len(uniques), codes)], index=raw.index)
    return values, _bad(raw, values.notna(), "bad_bool")


def parse_enum(raw: pd.Series, synonyms: dict[str, str]) -> pd.Series:
    """The text of an enum cell, other accepted spellings replaced by the contract's value."""
    text = raw.astype("str")
    other = text.isin(list(synonyms)).fillna(False).astype(bool)
    if other.any():
        text = text.where(~other, text.map(synonyms))
    return text.astype("str")


def month_only(raw: pd.Series) -> pd.Series:
    """True where a cell is a month without a day (202206, 2022-06, 2022年6月): see ``parse_date(months=True)``."""
    if raw.isna().all():
        return pd.Series(False, index=raw.index)
    return _halfwidth(raw).str.fullmatch(_MONTH).fillna(False).astype(bool)


def parse_date(raw: pd.Series, *, months: bool = False) -> tuple[pd.Series, pd.Series]:
    """YYYY-MM-DD, YYYY/M/D, YYYY.M.D, YYYY年M月D日 (a midnight time is tolerated) and Excel
    serial day numbers; impossible dates such as 2022-02-30 are refused. With ``months``, a month alone
    (YYYYMM, YYYY-MM, YYYY年M月) is the first day of that month."""
    iso = pd.to_datetime(raw, format="%Y-%m-%d", errors="coerce").astype("datetime64[ns]")
    if iso.notna().sum() == raw.notna().sum():  # the usual case, and a fast one
        return iso, _no_problems()
    text = _halfwidth(raw)
    parts = text.str.extract(_DATE_DASH)
    zh = text.str.extract(_DATE_ZH)
    parts = parts.fillna(zh)
    if months:
        month = text.str.extract(_MONTH)
        month_number = month[1].fillna(month[2]).fillna(month[3])
        only = pd.DataFrame({0: month[0], 1: month_number, 2: month[0].where(month[0].isna(), "1")})
        parts = parts.fillna(only)
    values = _from_parts(parts[0], parts[1], parts[2])
    serial = pd.to_numeric(text.str.extract(_SERIAL, expand=False), errors="coerce")
    serial = serial.where(serial.between(SERIAL_MIN, SERIAL_MAX))
    if serial.notna().any():
        as_date = EXCEL_EPOCH + pd.to_timedelta(serial, unit="D")
        values = values.fillna(as_date.astype("datetime64[ns]"))
    return values, _bad(raw, values.notna(), "bad_date")


def parse_period(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """A month as ``YYYY-MM``; also 2022/7, 2022年7月 and the first day of the month."""
    canonical = raw.str.fullmatch(r"\d{4}-(?:0[1-9]|1[0-2])").fillna(False).astype(bool)
    if canonical.sum() == raw.notna().sum():  # the usual case, and a fast one
        return raw.astype("str"), _no_problems()
    text = _halfwidth(raw)
    parts = text.str.extract(_PERIOD).fillna(text.str.extract(_PERIOD_AS_DATE))
    year = pd.to_numeric(parts[0], errors="coerce")
    month = pd.to_numeric(parts[1], errors="coerce")
    ok = year.between(1900, 2100) & month.between(1, 12)
    values = pd.Series(index=raw.index, dtype="str")
    if ok.any():
        y = year[ok].astype(int).astype(str)
        m = month[ok].astype(int).astype(str).str.zfill(2)
        values[ok.to_numpy()] = (y + "-" + m).to_numpy()
    return values, _bad(raw, ok, "bad_period")


def _from_parts(year: pd.Series, month: pd.Series, day: pd.Series) -> pd.Series:
    parts = pd.DataFrame(
        {
            "year": pd.to_numeric(year, errors="coerce"),
            "month": pd.to_numeric(month, errors="coerce"),
            "day": pd.to_numeric(day, errors="coerce"),
        }
    )
    ok = parts["year"].between(1900, 2100) & parts.notna().all(axis=1)
    values = pd.Series(pd.NaT, index=year.index, dtype="datetime64[ns]")
    if ok.any():
        dates = pd.to_datetime(parts[ok].astype(int), errors="coerce")
        values[ok.to_numpy()] = dates.astype("datetime64[ns]").to_numpy()
    return values


def _uncomma(text: pd.Series) -> pd.Series:
    """1,234,567 -> 1234567, only where the commas really are thousands separators."""
    grouped = text.str.fullmatch(_THOUSANDS).fillna(False).astype(bool)
    if not grouped.any():
        return text
    return text.where(~grouped, text.str.replace(",", "", regex=False))


_PARSERS = {
    "int": parse_int,
    "float": parse_float,
    "bool": parse_bool,
    "date": parse_date,
    "period": parse_period,
}


def empty_frame(dataset_columns: tuple[Column, ...]) -> pd.DataFrame:
    """An empty frame with these contract columns and their dtypes."""
    return pd.DataFrame({c.name: pd.Series([], dtype=DTYPES[c.kind]) for c in dataset_columns})
