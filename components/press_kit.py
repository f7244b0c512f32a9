"""The press page's chart kit on screen: each chart with its print downloads, and the 16:9 PPTX of the
charts the officer chooses. The charts themselves are ``lulong_data.chartkit``'s."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from components import files, safe
from components.cache import compute
from components.chart import show_chart
from components.context import bundle, lang, t, term
from components.streamlit_css import placeholder
from lulong_data import chartkit, exports, images, slides
from lulong_data.chartkit import KitChart
from lulong_data.county import name_of


def kit_charts(day: dt.date) -> list[KitChart]:
    """The kit's charts at ``day`` (cached; the Word file, the slides and the charts tab share them)."""
    return compute(chartkit.press_charts, as_of=day, lang=lang())


def show_charts(charts: list[KitChart]) -> None:
    """Draw the kit's charts, each with its PNG/SVG downloads."""
    for c in charts:
        st.subheader(safe.text(c.title))
        show_chart(
            c.chart, key=f"press_chart_{c.key}", title=c.title, unit=c.unit, source=c.source, name=c.name
        )
    if not charts:
        st.info(t("暂无可绘制的数据", "Nothing to chart"))


def pick_charts(charts: list[KitChart], label: str, *, key: str) -> list[KitChart]:
    """The kit's charts the officer keeps ticked (every one at first), in the kit's order."""
    titles = [c.title for c in charts]
    chosen = st.multiselect(label, titles, default=titles, placeholder=placeholder(), key=key)
    return [c for c in charts if c.title in chosen]


def pptx_download(charts: list[KitChart], day: dt.date) -> None:
    """The chosen charts as a 16:9 deck: titles and units as text boxes, one chart per slide."""
    if not charts:
        return
    st.subheader(term("slides_heading"))
    chosen = pick_charts(charts, term("charts_for_slides"), key="press_pptx_charts")
    b = bundle()
    county = name_of(b, lang())
    mark = exports.demo_mark(b.folder)
    # Broken where a reader would break it (at 40 pt one line would wrap as "…有效衔/接图表").
    deck_title = t(f"{county}巩固拓展脱贫攻坚成果\n同乡村振兴有效衔接图表", f"{county}: charts")

    def build() -> bytes:
        pages = [
            slides.Slide(
                c.title,
                c.unit,
                c.source,
                # The mark is in the picture too: the slide's own mark lies behind the (opaque) chart.
                images.bare_image(
                    c.chart,
                    unit=c.unit,
                    width=slides.PICTURE_PX[0],
                    height=slides.PICTURE_PX[1],
                    watermark=mark,
                ),
                images.SCHEMATIC_NOTE if c.schematic else "",
            )
            for c in chosen
        ]
        return slides.charts_pptx(pages, deck_title=deck_title, as_of=day, watermark=mark)

    name = chartkit.file_name(county, t("新闻发布图表", "press_charts"), day, "pptx")
    files.download(term("download_slides"), build, name, key="press_pptx", disabled=not chosen)
