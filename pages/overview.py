"""总览: headline tiles with the week's change, the township league table, a choropleth, and what needs
attention. Every figure is a registry name listed in lulong_data.metrics.overview (TILES, LEAGUE)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import charts, kpi, nav, safe, theme
from components.auth import require_page
from components.cache import compute
from components.chart import show_chart, source_of
from components.context import as_of, bundle, can_see_households, lang, t, township
from components.map import legend, schematic_notice
from components.table import show_table
from lulong_data import geo
from lulong_data.figures import periods_text
from lulong_data.formatting import fmt_int
from lulong_data.metrics import METRICS, monitoring, overview

# Tile labels (fixed texts; the figures are the registry's, named in overview.TILES).
TILE_LABELS = {
    "poverty_persons": ("脱贫人口", "Out of poverty"),
    "monitored_households": ("监测对象(在监测)", "Monitored households"),
    "overdue_items": ("逾期未办事项", "Overdue items"),
    "employment_placed": ("务工就业(本年)", "In work (this year)"),
    "welfare_post_persons": ("公益岗位安置(本年)", "Welfare posts (this year)"),
    "env_red_villages": ("人居环境红榜 / 黑榜村", "Red / black-listed villages"),
}
TILE_PAGES = {"employment_placed": "employment", "welfare_post_persons": "employment"}


def render() -> None:
    require_page("overview")  # re-checked here: a deep link or page switch bypasses the menu
    day, where = as_of(), township()
    st.title(t("总览", "Overview"))
    _tiles(compute(overview.tiles, as_of=day, township=where))
    league = compute(overview.league, as_of=day)
    _league(league)
    # The map beside what needs attention: on a projector both fit one screen; a phone stacks them.
    map_col, attention = st.columns([1, 1], gap="large")
    with map_col:
        _choropleth(league)
    with attention:
        st.subheader(t("需要关注", "Needs attention"))
        _laggards(day, league)
        _overdue(day, where)


def _tiles(tiles: tuple[overview.Tile, ...]) -> None:
    # Three per row: wide enough for Chinese labels on a projector; Streamlit stacks them on a phone.
    for start in range(0, len(tiles), 3):
        for col, tile in zip(st.columns(3), tiles[start : start + 3], strict=False):
            with col:
                page = TILE_PAGES.get(tile.name, METRICS[tile.name].pages[-1])
                kpi.figures_tile(tile, label=t(*TILE_LABELS[tile.name]), page=page)


def _league(league: pd.DataFrame) -> None:
    st.subheader(t("乡镇排行", "Townships"))
    reasons = "reasons_en" if lang() == "en" else "reasons_zh"
    shown = league.assign(status=league["status"].map(_status_label), reasons=league[reasons])
    config = {n: kpi.column(n) for n in overview.LEAGUE}
    status_col = t("状态", "Status")
    colours = {_status_label(k): v["color"] for k, v in theme.STATUS.items()}

    def style(df: pd.DataFrame):
        # Colour repeats the icon and the word, never replaces them.
        return df.style.map(
            lambda v: f"color: {colours.get(v, '#111')}; font-weight: 700", subset=[status_col]
        )

    county = compute(overview.values, as_of=as_of())  # each column's period: the county figure's
    show_table(
        shown,
        t("乡镇排行", "townships"),
        key="overview_league",
        columns=("status", "name", *overview.LEAGUE, "reasons"),
        column_config=config,
        style=style,
        height=36 * (len(shown) + 1) + 4,  # every township visible without scrolling
        note=periods_text(
            [(METRICS[n].label(lang(), short=True), county[n]) for n in overview.LEAGUE],
            lang(),
            today=as_of(),
        ),
    )
    st.caption(
        t(
            "✖ 落后:就业完成率居后三位且低于全县,或逾期事项最多;▲ 关注:完成率低于全县或有逾期事项。点击列名排序。",
            "✖ behind: bottom-three employment share and below the county, or most overdue items; "
            "▲ watch: below the county's share or any overdue item. Click a header to sort.",
        )
    )


def _status_label(code: str) -> str:
    s = theme.STATUS[code]
    return f"{s['icon']} {t(s['zh'], s['en'])}"


def _choropleth(league: pd.DataFrame) -> None:
    st.subheader(t("分乡镇地图", "Map by township"))
    # Options are registry names, labels come from format_func: a widget value must not change with the
    # language (a translated option is "not in list" after switching).
    name = st.selectbox(
        t("地图指标", "Indicator"),
        options=list(overview.LEAGUE),
        format_func=lambda n: METRICS[n].label(lang()),
        key="overview_indicator",
    )
    shapes = bundle().geo.get("township_boundaries")
    if not shapes:
        st.info(t("数据中没有乡镇边界文件。", "The data has no township boundary file."))
        return
    values = {r["township_code"]: r for r in league.to_dict("records")}
    edges = theme.bins([v[name] for v in values.values()])
    m = METRICS[name]

    def fmt(v):
        return kpi.fmt_value(v, m.unit, key=name)

    schematic = geo.has_schematic(shapes)
    chart = charts.choropleth(
        shapes,
        values,
        field=name,
        edges=edges,
        texts={c: fmt((values.get(c) or {}).get(name)) for c in geo.codes(shapes)},
        missing=fmt(None),
        title=m.label(lang()),
        subtitle=t(geo.SCHEMATIC_NOTICE_ZH, geo.SCHEMATIC_NOTICE_EN) if schematic else "",
    )
    show_chart(
        chart,
        key="overview_map",
        title=t(f"各乡镇{m.label_zh}", f"{m.label_en} by township"),
        unit=m.unit,
        source=source_of(name),
        schematic=schematic,
    )
    legend(edges, fmt, m.label(lang()))
    if schematic:
        schematic_notice()


def _overdue(day, where) -> None:
    st.markdown(t("**逾期最久的事项**", "**Longest overdue items**"))
    households = can_see_households(where)
    rows = compute(overview.overdue_view, as_of=day, township=where, households=households)
    if rows.empty:
        st.success(t("✔ 没有逾期事项", "✔ Nothing overdue"))
        return
    rows["check"] = rows["check"].map({k: t(*v) for k, v in monitoring.CHECK_LABELS.items()})
    show_table(
        rows, t("逾期事项", "overdue"), key="overview_overdue", download=False,
        columns=("check", "township_name", "village_name", "head_masked", "days_over", "items"),
    )  # fmt: skip
    total = fmt_int(
        compute(overview.values, as_of=day, township=where, names=("overdue_items",))["overdue_items"].value
    )
    st.caption(t(f"共 {total} 项,全部清单见防返贫监测页", f"{total} in all; see the monitoring page"))


def _laggards(day, league: pd.DataFrame) -> None:
    st.markdown(t("**就业目标落后最多的乡镇**", "**Townships furthest behind the employment target**"))
    lag = compute(overview.laggards, as_of=day)
    if lag.empty:
        st.info(t("暂无就业目标数据", "No employment targets in the data"))
        return
    judged = dict(zip(league["township_code"], league["status"], strict=True))  # the one status rule
    for r in lag.itertuples(index=False):
        s = theme.STATUS[judged.get(r.township_code, "good")]
        st.markdown(
            f"<span style='color:{s['color']};font-weight:700'>{s['icon']}</span> **{safe.text(r.name)}** — "
            + overview.laggard_text(r, lang()),
            unsafe_allow_html=True,
        )


if __name__ == "__main__":
    nav.back_to_router(__file__)  # a legacy run: to the router, keeping the address
