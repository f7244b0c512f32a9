"""Metric functions by domain, and the 口径 registry they fill.

Importing this package imports every domain module that registers metrics, so ``registry.METRICS`` is
complete. A new domain module that uses ``@metric`` must be added to this list.
"""

from lulong_data.metrics import (  # noqa: F401
    employment,
    environment,
    indicators,
    meeting,
    monitoring,
    places,
    reconciliation,
    welfare,
)
from lulong_data.metrics.registry import METRICS, MetricDef, compute, lookup, metric

__all__ = ["METRICS", "MetricDef", "compute", "lookup", "metric"]
