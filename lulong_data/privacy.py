"""Name masking: names are shown masked everywhere (张*明), never in full."""

from __future__ import annotations

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
