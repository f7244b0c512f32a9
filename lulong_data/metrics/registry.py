"""The 口径 registry: every scalar figure the press office may quote, with its definition.

A metric is registered once with its Chinese/English title, unit, department, frequency and definition,
so the same text appears on the page, in the briefing and next to a published figure. Published figures
name a metric as ``name`` or ``name:key=value,key=value`` (see docs/published-figures.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lulong_data.bundle import Bundle

__all__ = ["METRICS", "MetricDef", "UnknownMetric", "compute", "lookup", "metric", "parse_spec"]

MetricFn = Callable[..., "float | None"]


@dataclass(frozen=True)
class MetricDef:
    name: str
    title_zh: str
    title_en: str
    unit: str
    department: str
    frequency: str  # e.g. 实时 / 月 / 年
    definition_zh: str
    definition_en: str
    fn: MetricFn
    datasets: tuple[str, ...] = ()  # datasets it reads; absent ones make a published check "not computable"

    def __call__(self, b: Bundle, *, as_of: dt.date, **params: Any) -> float | None:
        return self.fn(b, as_of=as_of, **params)


METRICS: dict[str, MetricDef] = {}


class UnknownMetric(KeyError):
    """A metric spec names no registered metric."""


def metric(
    name: str,
    title_zh: str,
    title_en: str,
    unit: str,
    department: str,
    frequency: str,
    definition_zh: str,
    definition_en: str = "",
    datasets: tuple[str, ...] = (),
) -> Callable[[MetricFn], MetricFn]:
    """Register ``f(b, *, as_of, **params) -> float | None`` under ``name``; returns ``f`` unchanged.

    ``datasets`` names what the metric reads, so a figure whose data are missing from the folder is
    reported as not computable instead of as a mismatch against zero.
    """

    def register(fn: MetricFn) -> MetricFn:
        if name in METRICS and METRICS[name].fn is not fn:
            # Two modules claiming one name would make a published figure ambiguous.
            raise ValueError(f"metric {name!r} registered twice")
        METRICS[name] = MetricDef(
            name,
            title_zh,
            title_en,
            unit,
            department,
            frequency,
            definition_zh,
            definition_en,
            fn,
            tuple(datasets),
        )
        return fn

    return register


def _value(text: str) -> Any:
    text = text.strip()
    try:
        return int(text)
    except ValueError:
        return text


def parse_spec(spec: str) -> tuple[str, dict[str, Any]]:
    """``"name:k=v,k=v"`` -> ``("name", {k: v})``; integer values become ints."""
    name, _, rest = spec.strip().partition(":")
    params: dict[str, Any] = {}
    for part in filter(None, (p.strip() for p in rest.split(","))):
        key, sep, value = part.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"bad parameter {part!r} in metric spec {spec!r} (expected key=value)")
        params[key.strip()] = _value(value)
    return name.strip(), params


def lookup(spec: str) -> MetricDef:
    """The registered metric a spec names. Raises UnknownMetric."""
    import lulong_data.metrics  # noqa: F401  (fills the registry)

    name, _ = parse_spec(spec)
    if name not in METRICS:
        raise UnknownMetric(name)
    return METRICS[name]


def compute(b: Bundle, spec: str, as_of: dt.date) -> float | None:
    """Evaluate a metric spec on a bundle at ``as_of``. Raises UnknownMetric for an unknown name."""
    import lulong_data.metrics  # noqa: F401  (fills the registry)

    name, params = parse_spec(spec)
    if name not in METRICS:
        raise UnknownMetric(name)
    return METRICS[name](b, as_of=as_of, **params)
