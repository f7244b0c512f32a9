"""Check the figures already said in public against the data (口径核对).

Each row of ``published_figures`` names the metric that must reproduce it. A figure matches when the
metric at the figure's as-of date, rounded half-up to the decimals of the published value, equals it.
Anything that stops the check (no metric, unknown metric, an error) is reported as 'not computable'
with the reason, never raised: the press office must see every figure.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

import pandas as pd

from lulong_data.metrics.registry import UnknownMetric, compute, lookup
from lulong_data.workdays import CalendarNotCovered

if TYPE_CHECKING:
    from lulong_data.bundle import Bundle

MATCH, DIFFERS, NOT_COMPUTABLE = "match", "differs", "not computable"
COLUMNS = [
    "figure_id",
    "statement",
    "value",
    "unit",
    "as_of",
    "source",
    "metric",
    "computed",
    "difference",
    "status",
    "reason",
]


def decimals(value: float) -> int:
    """Decimals as published: 40.8 -> 1, 583.86 -> 2, 12.0 -> 0 (repr is the shortest exact text)."""
    exponent = Decimal(repr(float(value))).normalize().as_tuple().exponent
    return max(0, -int(exponent))


def round_half_up(value: float, places: int) -> Decimal:
    """Round as people do (0.5 up), not banker's rounding: 9.5 months is published as 10."""
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _as_date(value: Any, default: dt.date) -> dt.date:
    if value is None or pd.isna(value):
        return default
    return pd.Timestamp(value).date()


def check_one(b: Bundle, spec: Any, published: float, as_of: dt.date) -> dict[str, Any]:
    """computed / difference / status / reason for one figure."""
    out: dict[str, Any] = {"computed": None, "difference": None, "reason": ""}
    if spec is None or pd.isna(spec) or not str(spec).strip():
        return out | {"status": NOT_COMPUTABLE, "reason": "未指定对应指标 / no metric given"}
    try:
        missing = [d for d in lookup(str(spec)).datasets if not b.has(d)]
        if missing:
            return out | {
                "status": NOT_COMPUTABLE,
                "reason": f"数据文件夹缺少 / the folder has no {', '.join(missing)}",
            }
        value = compute(b, str(spec), as_of)
    except UnknownMetric as exc:
        return out | {"status": NOT_COMPUTABLE, "reason": f"未知指标 / unknown metric: {exc.args[0]}"}
    except CalendarNotCovered as exc:
        return out | {"status": NOT_COMPUTABLE, "reason": str(exc)}
    except Exception as exc:  # noqa: BLE001 - any failure of one figure must not hide the others
        return out | {"status": NOT_COMPUTABLE, "reason": f"计算出错 / error: {type(exc).__name__}: {exc}"}
    if value is None:
        return out | {"status": NOT_COMPUTABLE, "reason": "数据不足,无法计算 / no data to compute it"}
    if published is None or pd.isna(published):
        return out | {
            "computed": float(value),
            "status": NOT_COMPUTABLE,
            "reason": "未给出发布数值 / no value",
        }
    try:
        places = decimals(published)
        rounded = round_half_up(value, places)
        diff = rounded - Decimal(repr(float(published))).quantize(Decimal(1).scaleb(-places))
    except (InvalidOperation, ValueError, TypeError) as exc:
        return out | {"status": NOT_COMPUTABLE, "reason": f"数值无效 / invalid number: {exc}"}
    return out | {
        "computed": float(rounded),
        "difference": float(diff),
        "status": MATCH if diff == 0 else DIFFERS,
    }


def check_published(b: Bundle) -> pd.DataFrame:
    """One row per published figure: published value, computed value, status and reason."""
    rows = []
    for fig in b.frames["published_figures"].to_dict("records"):
        as_of = _as_date(fig.get("as_of"), b.as_of)
        result = check_one(b, fig.get("metric"), fig.get("value"), as_of)
        metric = fig.get("metric")
        rows.append(
            {
                "figure_id": fig.get("figure_id"),
                "statement": fig.get("statement"),
                "value": fig.get("value"),
                "unit": fig.get("unit"),
                "as_of": as_of,
                "source": fig.get("source"),
                "metric": None if metric is None or pd.isna(metric) else metric,
                **result,
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)


def check_figures(b: Bundle, figures) -> pd.DataFrame:
    """:func:`check_published` for the register's figures (``textcheck.Published``), newest first: each figure
    with a metric is recomputed at its own as-of date."""
    rows = []
    for p in figures:
        result = check_one(b, p.metric, p.value, p.as_of)
        rows.append(
            {
                "figure_id": p.id,
                "statement": p.statement,
                "value": p.value,
                "unit": p.unit,
                "as_of": p.as_of,
                "source": p.source,
                "metric": p.metric,
                **result,
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)
