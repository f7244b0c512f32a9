"""证件号码 → pseudonym, birth year and sex; 户编号 → household_id. The numbers themselves go no further.

:func:`pseudonymise` returns new columns and drops ``id_number`` from the frame it is given, so nothing
downstream can write it anywhere. Messages about an ID number name the row, never the number.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from lulong_data.contract import Problem
from lulong_data.imports import report, values
from lulong_data.imports.secret import Secret

_AS_NUMBER = re.compile(r"\d(?:\.\d+)?[eE]\+?\d+")


def pseudonymise(
    frame: pd.DataFrame, secret: Secret, columns: dict[str, str]
) -> tuple[pd.DataFrame, list[Problem]]:
    """Replace ``id_number`` by ``person_id`` (pseudonym), ``id_birth_year``, ``id_sex`` and ``id_ok`` (False
    where no pseudonym could be made: the row cannot be imported). Problems name rows only."""
    problems: list[Problem] = []
    raw = frame.pop("id_number") if "id_number" in frame else pd.Series("", index=frame.index, dtype="str")
    number, kind = normalise(raw)
    del raw
    pids = {n: secret.pseudonym(n) for n in number[kind.isin(_USABLE).to_numpy()].unique()}
    frame["person_id"] = values.remap(number, pids)
    year, sex = born_and_sexes(number.where(kind.isin(("18", "18?", "15"))))
    frame["id_birth_year"] = year
    frame["id_sex"] = sex
    frame["id_ok"] = kind.isin(_USABLE).to_numpy()
    del number  # the numbers are not kept past this point
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


_USABLE = ("18", "18?", "15", "other")
_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
_CHECK = np.array(list("10X98765432"))


def _check_chars(bodies: pd.Series) -> np.ndarray:
    """GB 11643 check characters of 17-digit bodies, all at once."""
    if bodies.empty:
        return np.array([], dtype=str)
    digits = np.frombuffer("".join(bodies).encode("ascii"), dtype=np.uint8).reshape(-1, 17) - 48
    return _CHECK[(digits.astype(np.int64) * _WEIGHTS).sum(axis=1) % 11]


def normalise(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """A column of ID numbers as :func:`secret.normalise_id` treats one, for 100,000 rows at once: the
    normalised number and its kind ("18", "18?", "15", "other", "missing", "number")."""
    text = raw.fillna("").astype("str").str.replace(r"[\s\u3000'\"‘’`]+", "", regex=True)
    wide = text.str.contains("[\uff10-\uff5a]", regex=True).fillna(False).astype(bool)
    if wide.any():
        text = text.where(~wide, text.str.normalize("NFKC"))
    text = text.str.upper()
    text = text.where(~text.str.fullmatch(r"\d+\.0").fillna(False).astype(bool), text.str[:-2])
    kind = pd.Series("other", index=raw.index, dtype="str")
    kind[text.eq("").to_numpy()] = "missing"
    kind[text.str.fullmatch(_AS_NUMBER.pattern).fillna(False).to_numpy(dtype=bool)] = "number"
    is18 = text.str.fullmatch(r"\d{17}[\dX]").fillna(False).to_numpy(dtype=bool)
    is15 = text.str.fullmatch(r"\d{15}").fillna(False).to_numpy(dtype=bool)
    if is15.any():
        old = text[is15]
        body = old.str[:6] + "19" + old.str[6:]
        text[is15] = (body + _check_chars(body)).to_numpy()
        kind[is15] = "15"
    if is18.any():
        n = text[is18]
        ok = _check_chars(n.str[:17]) == n.str[17].to_numpy()
        kind[is18] = np.where(ok, "18", "18?")
    return text, kind


def born_and_sexes(numbers: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Birth year (Int64) and sex (男/女) of 18-digit numbers; empty where the digits make no sense."""
    year = pd.to_numeric(numbers.str[6:10], errors="coerce")
    month = pd.to_numeric(numbers.str[10:12], errors="coerce")
    day = pd.to_numeric(numbers.str[12:14], errors="coerce")
    ok = year.between(1900, 2100) & month.between(1, 12) & day.between(1, 31)
    digit = pd.to_numeric(numbers.str[16], errors="coerce")
    sex = pd.Series(np.where(digit % 2 == 1, "男", "女"), index=numbers.index, dtype="str").where(
        digit.notna()
    )
    return year.where(ok).astype("Int64"), sex.astype("str")


def isin(values: pd.Series, allowed) -> np.ndarray:
    """``values.isin(allowed)`` through Arrow: pandas' own is slow on text (a Python object per value)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not isinstance(allowed, (pd.Series, pd.Index, np.ndarray, list)):
        allowed = list(allowed)
    left = pa.array(values.astype("str").to_numpy(dtype=object, na_value=None), type=pa.string())
    right = pa.array(pd.Series(allowed, dtype="str").to_numpy(dtype=object, na_value=None), type=pa.string())
    return pc.is_in(left, value_set=right).to_numpy(zero_copy_only=False).astype(bool)


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
