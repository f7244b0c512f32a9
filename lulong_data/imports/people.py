"""证件号码 → pseudonym, birth year and sex; 户编号 → household_id. The numbers themselves go no further.

:func:`pseudonymise` returns new columns and drops ``id_number`` from the frame it is given, so nothing
downstream can write it anywhere. Messages about an ID number name the row, never the number.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from lulong_data.contract import Problem
from lulong_data.imports import report
from lulong_data.imports.secret import Secret, born_and_sex, normalise_id

_AS_NUMBER = re.compile(r"\d(?:\.\d+)?[eE]\+?\d+")


def pseudonymise(
    frame: pd.DataFrame, secret: Secret, columns: dict[str, str]
) -> tuple[pd.DataFrame, list[Problem]]:
    """Replace ``id_number`` by ``person_id`` (pseudonym), ``id_birth_year``, ``id_sex`` and ``id_ok`` (False
    where no pseudonym could be made: the row cannot be imported). Problems name rows only."""
    problems: list[Problem] = []
    raw = frame.pop("id_number").fillna("") if "id_number" in frame else pd.Series("", index=frame.index)
    pids, years, sexes, kinds = {}, {}, {}, {}
    for value in raw.unique():
        if not value.strip():
            kinds[value] = "missing"
            continue
        if _AS_NUMBER.fullmatch(value.strip()):
            kinds[value] = "number"
            continue
        number, kind = normalise_id(value)
        kinds[value] = kind
        pids[value] = secret.pseudonym(number)
        y, s = born_and_sex(number) if kind != "other" else (None, None)
        years[value], sexes[value] = y, s
    kind = raw.map(kinds)
    frame["person_id"] = raw.map(pids).astype("str")
    frame["id_birth_year"] = raw.map(years).astype("Int64")
    frame["id_sex"] = raw.map(sexes).astype("str")
    frame["id_ok"] = kind.isin(["18", "18?", "15", "other"]).to_numpy()
    del raw  # the numbers are not kept past this point
    for code, which, severity in (
        ("id_missing", "missing", "error"),
        ("id_as_number", "number", "error"),
        ("id_checksum", "18?", "warning"),
        ("id_other", "other", "warning"),
    ):
        rows = frame.loc[kind.eq(which).to_numpy(), ["_file", "_row"]]
        for file, row in zip(rows["_file"].head(50), rows["_row"].head(50), strict=True):
            problems.append(
                report.problem(code, file, severity=severity, row=int(row), column=columns.get(file, ""))
            )
        if len(rows) > 50:
            problems.append(
                report.problem(
                    code, str(rows.iloc[50, 0]), severity=severity, value=f"… 另有 {len(rows) - 50} 行"
                )
            )
    return frame, problems


def household_ids(raw: pd.Series) -> pd.Series:
    """户编号 as household_id: kept as exported (the data office looks households up by it), with an ``H``
    in front when it is all digits, so that it can never be taken for an ID or phone number."""
    text = raw.fillna("").str.strip().str.replace(r"\.0$", "", regex=True)
    digits = text.str.fullmatch(r"\d+").fillna(False).astype(bool)
    out = text.where(~digits, "H" + text)
    return out.where(text.ne("")).astype("str")


def first_rows(
    mask: pd.Series,
    frame: pd.DataFrame,
    code: str,
    severity: str,
    columns: dict[str, str],
    value: str | None = None,
    **fields: object,
) -> list[Problem]:
    """One problem per masked row (the first 50, then a count), naming its file, row and column; ``value``
    names a column of ``frame`` whose cell is shown."""
    sel = frame.loc[np.asarray(mask, dtype=bool)]
    rows = sel[["_file", "_row"]]
    shown = sel[value] if value else pd.Series(None, index=sel.index, dtype=object)
    out = [
        report.problem(
            code, f, severity=severity, row=int(r), column=columns.get(f, "") or None, value=v, **fields
        )
        for f, r, v in zip(rows["_file"].head(50), rows["_row"].head(50), shown.head(50), strict=True)
    ]
    if len(rows) > 50:
        out.append(
            report.problem(
                code, str(rows.iloc[50, 0]), severity=severity, value=f"… 另有 {len(rows) - 50} 行", **fields
            )
        )
    return out
