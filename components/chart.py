"""A chart on screen with print-ready PNG/SVG downloads (title, unit, source, as-of date in the picture).

The files are built only when a button is clicked (``data=callable``): rendering at print resolution
takes a moment and most charts are never downloaded.
"""

from __future__ import annotations

from typing import Literal

import altair as alt
import streamlit as st

from components.auth import audited
from components.context import as_of, t
from lulong_data import images

# The department that keeps the data of each metric module: the 数据来源 of a chart drawn from it.
SOURCES = {
    "places": "县防贫中心",
    "monitoring": "县防贫中心",
    "employment": "县人社局",
    "environment": "县农业农村局",
    "welfare": "县民政局",
}


def source_of(module: str) -> str:
    """数据来源 of a chart of ``module``'s figures (lulong_data.metrics.<module>)."""
    return SOURCES.get(module, "县防贫中心")


def show_chart(
    chart: alt.TopLevelMixin,
    *,
    key: str,
    title: str,
    unit: str,
    source: str,
    schematic: bool = False,
    height: int | None = None,
    width: Literal["stretch", "content"] | int | None = "stretch",
) -> None:
    """``chart`` (full width unless ``width`` says otherwise; ``None`` = Streamlit's default sizing), a
    source line under it, and PNG/SVG downloads keyed by ``key``.

    ``title``/``unit``/``source`` go into the exported picture (the screen chart keeps its own title);
    ``schematic=True`` for maps drawn on schematic boundaries adds "示意图,不作为权属界线依据".
    """
    day = as_of()
    st.altair_chart(
        chart, width=width, height=height if height is not None else "content", key=f"{key}_chart"
    )
    note = t(
        f"数据来源:{source}  数据截至:{day.isoformat()}", f"Source: {source}  Data as of: {day.isoformat()}"
    )
    if schematic:
        note += t("  示意图,不作为权属界线依据", "  Schematic, not a legal boundary")
    st.caption(note)
    if not images.cjk_font_available():
        st.warning(
            t(
                "服务器未安装中文字体,导出的图片无法显示汉字。请安装 fonts-noto-cjk 后重启。",
                "No Chinese font on the server: exported pictures would show boxes. Install fonts-noto-cjk.",
            ),
            icon="⚠️",
        )
        return

    def picture(fmt: str) -> bytes:
        return images.chart_image(
            chart, title=title, unit=unit, source=source, as_of=day, schematic=schematic, fmt=fmt
        )

    stem = f"{key}_{day.isoformat()}"
    left, right, _ = st.columns([1, 1, 4])
    with left:
        st.download_button(
            t("下载图片 PNG", "Download PNG"),
            data=audited(lambda: picture("png"), f"{stem}.png"),
            file_name=f"{stem}.png",
            mime="image/png",
            on_click="ignore",
            key=f"{key}_png",
        )
    with right:
        st.download_button(
            t("下载矢量图 SVG", "Download SVG"),
            data=audited(lambda: picture("svg"), f"{stem}.svg"),
            file_name=f"{stem}.svg",
            mime="image/svg+xml",
            on_click="ignore",
            key=f"{key}_svg",
        )
