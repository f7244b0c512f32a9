"""Name masking: names are shown masked everywhere (张*明), never in full."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd


def mask_name(name: Any) -> str:
    """张三明 -> 张*明, 张三 -> 张*, 欧阳小明 -> 欧阳*明; missing -> "".

    The surname and the last character stay so a cadre who knows the household recognises it; the rest
    is hidden. Four or more characters keep the first two (compound surnames such as 欧阳) and the last.
    """
    if name is None:
        return ""
    try:
        if pd.isna(name):
            return ""
    except (TypeError, ValueError):
        pass
    text = str(name).strip()
    if len(text) <= 1:
        return text
    if len(text) == 2:
        return text[0] + "*"
    if len(text) == 3:
        return text[0] + "*" + text[-1]
    return text[:2] + "*" + text[-1]


def suppress_small(df: pd.DataFrame, columns: Iterable[str], threshold: int = 5) -> pd.DataFrame:
    """A copy where counts in ``columns`` below ``threshold`` (but above zero) read "<threshold".

    For village-level counts the press may publish: a village with 2 monitored households is nearly a
    name. Zero stays 0 (it discloses no one); missing stays missing. The columns become text.
    """
    out = df.copy()
    for col in columns:
        if col not in out.columns:
            continue

        def cell(v: Any) -> Any:
            if v is None or (not isinstance(v, str) and pd.isna(v)):
                return v
            try:
                n = float(v)
            except (TypeError, ValueError):
                return v
            if 0 < n < threshold:
                return f"<{threshold}"
            return str(int(n)) if n == int(n) else str(v)

        out[col] = out[col].map(cell).astype("object")
    return out
