"""The look of every chart and cue, in one place: fonts, sizes, colour-blind-safe palettes, status cues.

Sizes are chosen for a projector at the weekly dispatch meeting; colours come from the Okabe-Ito palette,
which stays distinguishable with the common colour-vision deficiencies. Colour never carries meaning alone:
every cue also has a label and an icon (``STATUS``).
"""

from __future__ import annotations

import math

import altair as alt

FONT = "'Noto Sans CJK SC', 'Microsoft YaHei', 'PingFang SC', sans-serif"

# Okabe-Ito.
BLUE = "#0072B2"
ORANGE = "#E69F00"
GREEN = "#009E73"
VERMILLION = "#D55E00"
SKY = "#56B4E9"
PURPLE = "#CC79A7"
YELLOW = "#F0E442"
GREY = "#6B6B6B"
CATEGORICAL = [BLUE, ORANGE, GREEN, VERMILLION, SKY, PURPLE, YELLOW, "#000000"]

# Sequential ramp for maps (light = low, dark = high), blue only: readable without red/green vision.
SEQUENTIAL = ["#EFF6FB", "#C6DBEF", "#9ECAE1", "#6BAED6", "#3182BD", "#08519C"]
NO_DATA = "#E5E5E5"

# Status cues: colour + icon + words (the words are translated by the caller).
STATUS = {
    "good": {"color": BLUE, "icon": "√", "zh": "正常", "en": "on track"},
    "watch": {"color": ORANGE, "icon": "▲", "zh": "关注", "en": "watch"},
    "behind": {"color": VERMILLION, "icon": "×", "zh": "落后", "en": "behind"},
}

_NAME = "lulong"


def _config() -> alt.theme.ThemeConfig:
    return alt.theme.ThemeConfig(
        config={
            "font": FONT,
            "title": {"font": FONT, "fontSize": 20, "anchor": "start"},
            "axis": {
                "labelFont": FONT,
                "titleFont": FONT,
                "labelFontSize": 15,
                "titleFontSize": 16,
                "labelLimit": 260,
            },
            "legend": {
                "labelFont": FONT,
                "titleFont": FONT,
                "labelFontSize": 15,
                "titleFontSize": 16,
                "labelLimit": 260,
            },
            "header": {"labelFont": FONT, "titleFont": FONT, "labelFontSize": 15},
            "text": {"font": FONT, "fontSize": 15},
            "mark": {"font": FONT},
            "range": {"category": CATEGORICAL, "ramp": SEQUENTIAL, "heatmap": SEQUENTIAL},
            "view": {"stroke": None},
        }
    )


def enable() -> None:
    """Register and enable the Altair theme (idempotent; Altair's registry is process-wide)."""
    if alt.theme.active != _NAME:
        alt.theme.register(_NAME, enable=True)(_config)


def bins(values: list[float], n: int = len(SEQUENTIAL)) -> list[float]:
    """Rounded class breaks (n-1 inner edges) spanning ``values``, for legends a reader can say aloud."""
    finite = sorted(v for v in values if v is not None and v == v)
    if not finite or finite[0] == finite[-1]:
        return []
    lo, hi = finite[0], finite[-1]
    step = (hi - lo) / n
    # Round edges to the step's order of magnitude: "300–400户" reads better than "282–384户".
    mag = 10 ** math.floor(math.log10(step)) if step > 0 else 1
    edges = sorted({round((lo + step * i) / mag) * mag for i in range(1, n)})
    return [e for e in edges if lo < e <= hi] or [lo + step * i for i in range(1, n)]


def color_for(value: float | None, edges: list[float]) -> str:
    """The ramp colour of ``value`` given the inner class edges from :func:`bins`."""
    if value is None or value != value:
        return NO_DATA
    if not edges:
        return SEQUENTIAL[len(SEQUENTIAL) // 2]
    idx = sum(value >= e for e in edges)
    # Spread few classes over the whole ramp so neighbours differ visibly.
    scale = (len(SEQUENTIAL) - 1) / len(edges)
    return SEQUENTIAL[round(idx * scale)]
