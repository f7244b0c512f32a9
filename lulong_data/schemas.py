"""One pandera schema per dataset, built from the contract, and the translation of its failures
into problems a clerk can act on.

The schemas are strict about the contract's columns (dtype, required values, bounds, allowed values,
unique ids) and tolerant of extra columns. They validate frames already typed by
:mod:`lulong_data.parsing`, indexed by spreadsheet row, so a failure's index is the row to quote.
"""

from __future__ import annotations

from functools import cache

import pandas as pd
import pandera.pandas as pa

from lulong_data import messages
from lulong_data.contract import DATASETS, Column, Problem
from lulong_data.parsing import DTYPES

# pandera's check name (before the bracket) -> our problem code
_CHECK_CODES = {
    "not_nullable": "required_value",
    "field_uniqueness": "duplicate_key",
    "greater_than_or_equal_to": "below_min",
    "less_than_or_equal_to": "above_max",
    "isin": "not_allowed",
}


def _column(col: Column) -> pa.Column:
    checks = []
    if col.min is not None:
        checks.append(pa.Check.ge(col.min))
    if col.max is not None:
        checks.append(pa.Check.le(col.max))
    if col.values:
        checks.append(pa.Check.isin(list(col.values)))
    return pa.Column(
        DTYPES[col.kind],
        checks=checks,
        nullable=col.nullable,
        unique=col.unique,
        report_duplicates="exclude_first",  # the first occurrence is the legitimate one
        coerce=True,
        required=True,  # the loader adds absent optional columns, empty
        title=col.alias,
        description=col.description,
    )


@cache
def schema(dataset: str) -> pa.DataFrameSchema:
    """The pandera schema of a contract dataset (extra columns allowed)."""
    ds = DATASETS[dataset]
    return pa.DataFrameSchema(
        {c.name: _column(c) for c in ds.columns},
        strict=False,
        coerce=True,
        name=ds.name,
        title=ds.title,
        description=f"{ds.title} ({ds.title_en})" + (f",{ds.department}" if ds.department else ""),
    )


def validate(
    frame: pd.DataFrame,
    dataset: str,
    *,
    file: str,
    raw: pd.DataFrame,
    headers: dict[str, str],
    skip: set[tuple[int, str]] = frozenset(),
    absent: tuple[str, ...] = (),
) -> list[Problem]:
    """Validate a typed frame lazily and return every failure as a problem.

    ``raw`` holds the text cells (for quoting values as typed), ``headers`` the header of each
    canonical column as it appears in the file, ``skip`` the (row, column) cells already reported
    as unparseable, ``absent`` the columns missing from the file (already reported).
    """
    if _surely_valid(frame, dataset, absent):
        return []  # pandera would find nothing: it is run only to say what is wrong
    s = schema(dataset)
    if absent:
        s = s.remove_columns(list(absent))
    try:
        s.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    else:
        return []
    return _problems(cases, frame, dataset, file, raw, headers, skip)


def _surely_valid(frame: pd.DataFrame, dataset: str, absent: tuple[str, ...]) -> bool:
    """True when the schema's checks cannot fail on ``frame``, proved column by column with whole-column
    kernels (pandera's lazy validation costs as much again as reading the file); False when a column might
    fail or is not as the loader types it — then pandera runs and says what is wrong. Checks as pandera's:
    every present contract column in its dtype; no null where not nullable; no repeated value (nulls
    included) where unique; the non-null values within min/max and among the allowed values."""
    import pyarrow as pa
    import pyarrow.compute as pc

    for col in DATASETS[dataset].columns:
        if col.name in absent:
            continue
        if col.name not in frame.columns:
            return False
        s = frame[col.name]
        if not isinstance(s, pd.Series) or s.dtype != pd.api.types.pandas_dtype(DTYPES[col.kind]):
            return False
        if not col.nullable and s.isna().any():
            return False
        if (col.unique or col.values) and DTYPES[col.kind] == "str":
            arr = pa.array(s.array)
            if col.unique and pc.count_distinct(arr, mode="all").as_py() != len(arr):
                return False
            if col.values and not set(pc.unique(arr).drop_null().to_pylist()) <= set(col.values):
                return False
        elif col.values or (col.unique and s.duplicated().any()):
            return False
        if col.min is not None or col.max is not None:
            if DTYPES[col.kind] not in ("Int64", "float64"):
                return False
            low, high = s.min(skipna=True), s.max(skipna=True)
            if pd.isna(low):
                continue  # no value to check
            if (col.min is not None and low < col.min) or (col.max is not None and high > col.max):
                return False
    return True


def _problems(
    cases: pd.DataFrame,
    frame: pd.DataFrame,
    dataset: str,
    file: str,
    raw: pd.DataFrame,
    headers: dict[str, str],
    skip: set[tuple[int, str]],
) -> list[Problem]:
    ds = DATASETS[dataset]
    cases = cases.assign(code=cases["check"].astype(str).str.split("(").str[0].map(_CHECK_CODES))
    out: list[Problem] = []
    for (name, check), group in cases.groupby(["column", "check"], sort=False, dropna=False):
        if name not in frame.columns or group["index"].isna().all():
            # a whole-column failure (wrong dtype after parsing): a programming error, not data
            out.append(
                messages.make(
                    "check_failed",
                    file,
                    severity="warning",
                    dataset=dataset,
                    check=f"{name}: {check}",
                    reason=str(group["failure_case"].iloc[0]),
                )
            )
            continue
        col = ds.column(name)
        code = group["code"].iloc[0]
        rows = [int(r) for r in group["index"] if (int(r), name) not in skip]
        if not rows:
            continue
        bad = pd.DataFrame({"value": raw.loc[rows, name].to_numpy()}, index=rows)
        fields: dict[str, object] = {}
        if code == "below_min":
            fields["min"] = messages.show(col.min)
        elif code == "above_max":
            fields["max"] = messages.show(col.max)
        elif code == "not_allowed":
            fields["allowed"] = "/".join(col.values)
        elif code == "duplicate_key":
            firsts = frame[name].dropna()
            firsts = pd.Series(firsts.index, index=firsts.to_numpy())
            firsts = firsts[~firsts.index.duplicated()]
            bad["first_row"] = frame.loc[rows, name].map(firsts).astype(int).to_numpy()
        elif code is None or pd.isna(code):
            code = "schema_failure"
            fields["check"] = str(check)
        out += messages.per_row(
            code,
            file,
            bad,
            column=headers.get(name, name),
            name=name,
            dataset=dataset,
            **fields,
        )
    return out
