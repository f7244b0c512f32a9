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


# -- secondary suppression ------------------------------------------------------------------------------

HIDDEN = "×"  # a count hidden so that a small one cannot be worked out by subtraction


def protect_counts(
    df: pd.DataFrame,
    columns: Iterable[str],
    threshold: int = 5,
    *,
    at_most: Iterable[tuple[str, str]] = (),
) -> pd.DataFrame:
    """A copy of ``df`` (the villages of one township) safe to show a role without village counts.

    Primary suppression: a count in ``1 .. threshold-1`` reads ``"<threshold"``. Secondary suppression:
    the township's total of each column is public (the overview, the map, the press kit and their
    exports show it), so the hidden cells' sum is known to anyone. Further cells, the smallest first, are
    hidden as ``"×"`` until nothing more than "<threshold" can be concluded about any small cell — not
    its exact value, not a narrower range (see :func:`small_cell_ranges`). When even hiding every other
    cell of the column is not enough, every cell of that column reads ``"×"`` (zeros too), and then
    only the township total is known. Zero stays 0 otherwise; missing stays missing; columns become text.

    ``at_most``: pairs of columns ``(a, b)`` where a row's ``a`` never exceeds its ``b`` (a village's
    poverty households and its poverty persons). A reader bounds a hidden ``a`` by the ``b`` shown in its
    row, and a hidden ``b`` by the shown ``a``; cells are hidden until those bounds narrow no small cell
    either. A column's hidden cells only grow from one round to the next (hiding loosens the bounds it
    gave the other columns), so the rounds end.

    The guarantee covers one date: counts for another date are another release, and comparing two
    releases is not prevented (README, "Deployment and access").
    """
    out = df.copy()
    cols = [c for c in dict.fromkeys(columns) if c in out.columns]
    values = {c: pd.to_numeric(out[c], errors="coerce") for c in cols}
    pairs = [(a, b) for a, b in at_most if a in values and b in values]
    shown = {c: _protect_column(values[c], threshold) for c in cols}
    while pairs:
        before = dict(shown)
        for c in cols:
            lows, highs = _row_bounds(c, pairs, shown, len(out))
            shown[c] = _protect_column(values[c], threshold, lows, highs, keep=shown[c])
        if shown == before:
            break
    for c in cols:
        out[c] = pd.Series(shown[c], index=out.index, dtype="object")
    return out


def _shown_number(label: Any) -> float | None:
    try:
        return None if label is None else float(label)
    except ValueError:
        return None


def _row_bounds(
    col: str, pairs: list[tuple[str, str]], shown: dict[str, list[Any]], n: int
) -> tuple[list[float], list[float]]:
    """What the shown cells of related columns tell a reader about each cell of ``col``: (low, high)."""
    lows, highs = [0.0] * n, [float("inf")] * n
    for a, b in pairs:
        if col == a:
            for i, label in enumerate(shown[b]):
                if (v := _shown_number(label)) is not None:
                    highs[i] = min(highs[i], v)
        if col == b:
            for i, label in enumerate(shown[a]):
                if (v := _shown_number(label)) is not None:
                    lows[i] = max(lows[i], v)
    return lows, highs


def _protect_column(
    values: pd.Series,
    k: int,
    lows: list[float] | None = None,
    highs: list[float] | None = None,
    keep: list[Any] | None = None,
) -> list[Any]:
    """The column's labels. ``lows``/``highs``: bounds a reader has on each cell from other columns;
    ``keep``: the column's labels of an earlier round, whose hidden cells stay hidden."""
    shown: list[Any] = [
        None if pd.isna(v) else (str(int(v)) if float(v) == int(v) else str(v)) for v in values
    ]
    if keep is not None and all(
        label == HIDDEN for label, v in zip(keep, values, strict=True) if pd.notna(v)
    ):
        return list(keep)  # the whole column was withheld
    small = [i for i, v in enumerate(values) if pd.notna(v) and 0 < v < k]
    if not small:
        return shown
    n = len(values)
    lows = lows or [0.0] * n
    highs = highs or [float("inf")] * n
    # candidates for secondary suppression: the other non-zero cells, smallest first
    others = sorted(
        (i for i, v in enumerate(values) if pd.notna(v) and v >= k), key=lambda i: (values.iloc[i], i)
    )
    hidden = list(small)
    if keep is not None:
        hidden += [i for i in others if keep[i] == HIDDEN]
        others = [i for i in others if keep[i] != HIDDEN]

    def safe() -> bool:
        secondary = [i for i in hidden if i not in small]
        total = float(sum(values.iloc[i] for i in hidden))
        ranges = small_cell_ranges(
            len(small),
            [values.iloc[i] for i in secondary],
            total,
            k,
            lows=[lows[i] for i in small + secondary],
            highs=[highs[i] for i in small + secondary],
        )
        return all(r == (1.0, float(k - 1)) for r in ranges)

    while not safe():
        if not others:
            return [None if pd.isna(v) else HIDDEN for v in values]  # the whole column withheld
        hidden.append(others.pop(0))
    for i in small:
        shown[i] = f"<{k}"
    for i in hidden:
        if i not in small:
            shown[i] = HIDDEN
    return shown


def small_cell_ranges(
    small: int,
    secondary: list[float],
    total_hidden: float,
    k: int,
    *,
    lows: list[float] | None = None,
    highs: list[float] | None = None,
) -> list[tuple[float, float]]:
    """What a reader can conclude about each of ``small`` cells shown as "<k", knowing the sum of all
    hidden cells (``total_hidden``) and that each "×" cell holds at least ``k``: [low, high] per cell.
    ``lows``/``highs`` (small cells first, then the "×" ones): what other columns tell about each."""
    cells = small + len(secondary)
    lows = [
        max(a, b)
        for a, b in zip([1.0] * small + [float(k)] * len(secondary), lows or [0.0] * cells, strict=True)
    ]
    highs = [
        min(a, b)
        for a, b in zip(
            [float(k - 1)] * small + [float("inf")] * len(secondary),
            highs or [float("inf")] * cells,
            strict=True,
        )
    ]
    out = []
    for i in range(small):
        rest_low = sum(lows) - lows[i]
        rest_high = sum(highs) - highs[i]
        out.append((max(lows[i], total_hidden - rest_high), min(highs[i], total_hidden - rest_low)))
    return out
