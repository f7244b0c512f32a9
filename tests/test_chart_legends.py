"""Line charts whose series differ by dash show each series in the legend as a stretch of its own line.

Vega's default legend symbol of a line is a dot: a dashed series got a dashed dot that read as "♣" on the
projector (placements against the pace, the monitoring trend, the press kit's progress line). The specs are
compiled to Vega (vl-convert, as the exports do) so the test sees the legend the browser draws.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
import vl_convert as vlc

from components import employment_charts, monitoring_charts
from lulong_data import chartkit

CUM = pd.DataFrame(
    {
        "date": [dt.date(2022, m, 28) for m in range(1, 8)],
        "placed": [10, 30, 50, 80, 120, 150, 170],
        "pace": [20, 40, 60, 80, 100, 120, 140],
    }
)
TREND = pd.DataFrame(
    {"month": ["2022-05", "2022-06", "2022-07"], "a": [3, 4, 5], "b": [1, 2, 3], "c": [0, 1, 1]}
)

CHARTS = {
    "employment_cumulative": lambda: employment_charts.cumulative_chart.build(CUM, year=2022, target=300),
    "monitoring_trend": lambda: monitoring_charts.trend.build(
        TREND, {"a": "纳入", "b": "帮扶消除", "c": "自然消除"}, title="近12个月"
    ),
    "press_progress": lambda: chartkit.progress_line(CUM, placed="累计就业", pace="目标序时进度", unit="人"),
}


def _encodings(spec: dict) -> list[dict]:
    """The encoding of every layer of a Vega-Lite spec."""
    return [spec.get("encoding", {})] + [e for layer in spec.get("layer", []) for e in _encodings(layer)]


@pytest.mark.parametrize("name", CHARTS)
def test_a_dashed_series_is_a_stretch_of_its_line_in_the_legend(name):
    spec = CHARTS[name]().to_dict()
    assert any("field" in e.get("strokeDash", {}) for e in _encodings(spec))
    # Point shapes are given as values: the browser's Vega-Lite folds a shape scale on the series into the
    # lines' legend (vl-convert's does not), and the entries became dashed squares and triangles.
    for encoding in _encodings(spec):
        assert "shape" not in encoding or encoding["shape"].get("scale", {}) is None, encoding["shape"]
    legends = vlc.vegalite_to_vega(spec)["legends"]
    # One legend, colour and dash together (two legends would show the dashes in black, apart).
    assert len(legends) == 1, legends
    legend = legends[0]
    assert legend.get("stroke") == "color" and legend.get("strokeDash") == "strokeDash", legend
    # A short horizontal line, not Vega's default circle, and no point shape over it.
    assert legend.get("symbolType") == chartkit.LINE_SYMBOL, legend
    assert "shape" not in legend, legend
