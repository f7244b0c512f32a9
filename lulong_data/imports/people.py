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
    usable = kind.isin(_USABLE).to_numpy()
    codes, uniques = pd.factorize(number.where(usable), use_na_sentinel=True)
    pids = secret.pseudonyms(np.asarray(uniques, dtype=object))  # plain strings: quick to walk through
    # the uniques are distinct, so the pseudonyms come in their order
    frame["person_id"] = values.spread(codes, list(pids.values()), frame.index)
    year, sex = born_and_sexes(number, kind.isin(("18", "18?", "15")).to_numpy())
    frame["id_birth_year"] = year
    frame["id_sex"] = sex
    frame["id_ok"] = usable
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
_KINDS = ("other", "missing", "number", "15", "18", "18?")
_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
_CHECK = np.array(list("10X98765432"))
_CHECK_BYTES = np.frombuffer(b"10X98765432", dtype=np.uint8)
_BLANKS = r"[\s\u3000'\"‘’`]+"


def _chars(texts: pd.Series, width: int) -> np.ndarray:
    """ASCII texts all ``width`` characters long as an (n, width) array of their bytes, straight from
    Arrow's buffer (no Python string per value)."""
    import pyarrow as pa

    if texts.empty:
        return np.zeros((0, width), dtype=np.uint8)
    arr = pa.array(texts, type=pa.string(), from_pandas=True)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int32)[arr.offset : arr.offset + len(arr) + 1]
    if arr.null_count or not (np.diff(offsets) == width).all():
        raise ValueError(f"not all {width} bytes long")  # a caller's slip: only matched numbers come here
    return np.frombuffer(arr.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[-1]].reshape(len(arr), width)


def _check_index(digits: np.ndarray) -> np.ndarray:
    """GB 11643: the position in "10X98765432" of the check character of 17-digit bodies (an (n, 17) array
    of ASCII digits), all at once."""
    return ((digits.astype(np.int64) - 48) @ _WEIGHTS) % 11


def _check_chars(digits: np.ndarray) -> np.ndarray:
    """GB 11643 check characters of 17-digit bodies (an (n, 17) array of ASCII digits), all at once."""
    return _CHECK[_check_index(digits)]


def normalise(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """A column of ID numbers as :func:`secret.normalise_id` treats one, for 100,000 rows at once: the
    normalised number and its kind ("18", "18?", "15", "other", "missing", "number")."""
    text = raw.fillna("").astype("str")
    # most numbers are written plainly: only the others go through the slower clean-up
    plain = text.str.fullmatch(r"[0-9]{17}[0-9Xx]|[0-9]{15}").fillna(False).to_numpy(dtype=bool)
    if not plain.all():
        rest = text[~plain]
        rest = rest.str.replace(_BLANKS, "", regex=True)
        wide = rest.str.contains("[\uff10-\uff5a]", regex=True).fillna(False).astype(bool)
        if wide.any():
            rest = rest.where(~wide, rest.str.normalize("NFKC"))
        rest = rest.where(~rest.str.fullmatch(r"\d+\.0").fillna(False).astype(bool), rest.str[:-2])
        text = text.copy()
        text[~plain] = rest.to_numpy()
    text = text.str.upper()
    kind = np.zeros(len(text), dtype=np.int8)  # positions in _KINDS: "other" unless found below
    if plain.all():
        # every number is 18 digits (or 17 and X) or 15 digits: none is empty or written as a number
        length = text.str.len().to_numpy()
        is18, is15 = length == 18, length == 15
    else:
        kind[text.eq("").to_numpy()] = _KINDS.index("missing")
        kind[text.str.fullmatch(_AS_NUMBER.pattern).fillna(False).to_numpy(dtype=bool)] = _KINDS.index(
            "number"
        )
        is18 = text.str.fullmatch(r"[0-9]{17}[0-9X]").fillna(False).to_numpy(dtype=bool)
        is15 = text.str.fullmatch(r"[0-9]{15}").fillna(False).to_numpy(dtype=bool)
    if is15.any():
        old = text[is15]
        body = old.str[:6] + "19" + old.str[6:]
        text[is15] = (body + _check_chars(_chars(body, 17))).to_numpy()
        kind[is15] = _KINDS.index("15")
    if is18.any():
        digits = _chars(text[is18], 18)
        ok = _CHECK_BYTES[_check_index(digits[:, :17])] == digits[:, 17]  # compared as ASCII bytes
        kind[is18] = np.where(ok, _KINDS.index("18"), _KINDS.index("18?"))
    return text, values.spread(kind, list(_KINDS), raw.index)


def born_and_sexes(numbers: pd.Series, valid: np.ndarray) -> tuple[pd.Series, pd.Series]:
    """Birth year (Int64) and sex (男/女) of the 18-digit numbers where ``valid``; empty where the digits make
    no sense and elsewhere."""
    year = np.full(len(numbers), -1, dtype=np.int64)
    sex = np.full(len(numbers), None, dtype=object)
    if valid.any():
        d = _chars(numbers[valid], 18).astype(np.int64) - 48
        y = d[:, 6] * 1000 + d[:, 7] * 100 + d[:, 8] * 10 + d[:, 9]
        m = d[:, 10] * 10 + d[:, 11]
        day = d[:, 12] * 10 + d[:, 13]
        ok = (y >= 1900) & (y <= 2100) & (m >= 1) & (m <= 12) & (day >= 1) & (day <= 31)
        year[valid] = np.where(ok, y, -1)
        sex[valid] = np.where(d[:, 16] % 2 == 1, "男", "女")
    born = pd.array(year, dtype="Int64")
    born[year < 0] = pd.NA
    return pd.Series(born, index=numbers.index), pd.Series(sex, index=numbers.index, dtype="str")


def isin(values: pd.Series, allowed) -> np.ndarray:
    """``values.isin(allowed)`` through Arrow: pandas' own is slow on text (a Python object per value)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not isinstance(allowed, (pd.Series, pd.Index, np.ndarray, list, pd.api.extensions.ExtensionArray)):
        allowed = list(allowed)  # a set, dict keys …

    def text(v) -> pa.Array:
        # straight from the Arrow buffers of pandas' text columns (no Python string per value)
        arr = pa.array(pd.Series(v, copy=False).astype("str"), from_pandas=True)
        arr = arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr
        return arr.cast(pa.large_string())

    return pc.is_in(text(values), value_set=text(allowed)).to_numpy(zero_copy_only=False).astype(bool)


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
    needed = list(dict.fromkeys(["_file", "_row", *([value] if value else [])]))
    sel = frame.loc[np.asarray(mask, dtype=bool), needed]  # only the columns named, not the whole row
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
