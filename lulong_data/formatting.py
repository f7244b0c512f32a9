"""Chinese number formatting for tiles, tables and briefing text."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pandas as pd

MINUS = "−"  # U+2212: a real minus sign, as in print, not a hyphen
MISSING = "—"


def _missing(x: Any) -> bool:
    try:
        return x is None or bool(pd.isna(x))
    except (TypeError, ValueError):
        return False


def _round(x: float, digits: int) -> Decimal:
    # Half-up, as figures are rounded in Chinese statistics (0.5 -> 1), not banker's rounding.
    return Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def fmt_int(n: Any) -> str:
    """4019 -> "4,019"; missing -> "—"."""
    if _missing(n):
        return MISSING
    value = int(_round(n, 0))
    return f"{value:,}".replace("-", MINUS)


def fmt_wan(x: Any, unit: str = "元", digits: int = 2) -> str:
    """5838600 -> "583.86万元" (amount in units, shown in 万 with up to ``digits`` decimals)."""
    if _missing(x):
        return MISSING
    wan = _round(float(x) / 10000, digits)
    text = f"{wan:,.{digits}f}".rstrip("0").rstrip(".") if digits else f"{wan:,.0f}"
    return text.replace("-", MINUS) + "万" + unit


def fmt_pct(x: Any, digits: int = 1) -> str:
    """73.04 -> "73.0%" (x is already a percentage)."""
    if _missing(x):
        return MISSING
    return f"{_round(x, digits):.{digits}f}%".replace("-", MINUS)


# Target completion rates are published without decimals ("完成市下目标任务的102%", seed/ press conference);
# every page, export and draft formats them through fmt_rate so the figures agree.
RATE_DIGITS = 0
RATES = frozenset({"employment_rate"})  # metric keys that are completion rates


def fmt_rate(x: Any) -> str:
    """A target completion rate as published: 101.79 -> "102%"."""
    return fmt_pct(x, RATE_DIGITS)


def fmt_count(n: Any, unit: str) -> str:
    """(4019, "人") -> "4,019人"."""
    text = fmt_int(n)
    return text if text == MISSING else text + unit


def fmt_delta(d: Any) -> str:
    """207 -> "+207", -3 -> "−3", 0 -> "0" (week-on-week changes on KPI tiles)."""
    if _missing(d):
        return MISSING
    value = _round(d, 0)
    if value > 0:
        return "+" + fmt_int(value)
    return fmt_int(value)


# Decimals of a figure by unit where a count's 0 is too few: 40.8万人, 583.86万元, 87.2分.
_UNIT_DIGITS = {"万人": 1, "万元": 2, "万元/月": 2, "分": 1}


def fmt_value(
    value: Any, unit: str, name: str | None = None, *, lang: str = "zh", digits: int | None = None
) -> str:
    """A figure with its unit, as the county writes it: completion rates (``name`` in RATES) without
    decimals, other percentages with one (or ``digits``, the registry's for the figure), 万-units and
    scores with their decimals, counts with thousands separators. English drops Chinese units (the label
    says what is counted)."""
    if name in RATES:
        return fmt_rate(value)
    if unit == "%":
        return fmt_pct(value, 1 if digits is None else digits)
    shown = "" if lang == "en" and unit not in ("万人", "万元", "万元/月") else unit
    if unit in _UNIT_DIGITS:
        if _missing(value):
            return MISSING
        digits = _UNIT_DIGITS[unit]
        text = f"{_round(value, digits):,.{digits}f}".replace("-", MINUS)
        if lang == "en" and unit.startswith("万"):
            return f"{text} × 10k" + (" yuan" if "元" in unit else "")
        return text + shown
    return fmt_count(value, shown)
