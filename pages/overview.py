"""总览: headline tiles with the week's change, the township league table, a choropleth, and what needs
attention. Every figure comes from lulong_data.metrics (through components.cache)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import charts, kpi, safe, theme, viewport
from components.auth import require_page
from components.cache import compute
from components.chart import show_chart, source_of
from components.context import as_of, bundle, can_see_households, lang, t, township
from components.map import legend, legend_items, schematic_notice
from components.table import height_for, show_table
from lulong_data import geo
from lulong_data.formatting import RATE_DIGITS, fmt_count, fmt_int, fmt_rate
from lulong_data.metrics import monitoring, overview


def render() -> None:
    require_page("overview")  # re-checked here: a deep link or page switch bypasses the menu
    b = bundle()
    day, where = as_of(), township()
    st.title(t("总览", "Overview"))
    tiles = compute(overview.tiles, as_of=day, township=where)
    _tiles(tiles)

    league = compute(overview.league, as_of=day)
    _league(league)

    # The map beside what needs attention: on a projector both fit one screen; a phone stacks them.
    map_col, attention = viewport.columns([1, 1], min_px=420, gap="large")
    with map_col:
        _choropleth(b, league)
    with attention:
        st.subheader(t("需要关注", "Needs attention"))
        _laggards(day)
        _overdue(day, where)


def _tiles(tiles: dict[str, overview.Tile]) -> None:
    def value(key: str) -> float | None:
        return tiles[key].value if key in tiles else None

    def change(key: str) -> float | None:
        return tiles[key].change if key in tiles else None

    specs = []
    if "poverty_households" in tiles:
        specs.append(
            dict(
                label=t("脱贫人口", "Out of poverty"),
                value=t(
                    f"{fmt_int(value('poverty_households'))}户 / {fmt_int(value('poverty_persons'))}人",
                    f"{fmt_int(value('poverty_households'))} hh / {fmt_int(value('poverty_persons'))}",
                ),
                change=change("poverty_households"),
                help=kpi.definition("poverty_households"),
                page="monitoring",
            )
        )
    if "monitored" in tiles:
        specs.append(
            dict(
                label=t("监测对象(在监测)", "Monitored households"),
                value=fmt_count(value("monitored"), t("户", " hh")),
                change=change("monitored"),
                note=t(
                    f"已消除风险 {fmt_count(value('eliminated'), '户')}",
                    f"risk eliminated: {fmt_int(value('eliminated'))} hh",
                ),
                help=kpi.definition("monitored_households"),
                page="monitoring",
            )
        )
    if "overdue" in tiles:
        specs.append(
            dict(
                label=t("逾期未办事项", "Overdue items"),
                value=("▲ " if (value("overdue") or 0) > 0 else "√ ")
                + fmt_count(value("overdue"), t("项", "")),
                change=change("overdue"),
                better="down",
                help=kpi.definition("overdue_items"),
                page="monitoring",
            )
        )
    if "employment_placed" in tiles:
        specs.append(
            dict(
                label=t("务工就业(本年)", "In work (this year)"),
                value=fmt_count(value("employment_placed"), t("人", "")),
                change=change("employment_placed"),
                better="up",
                note=t(
                    f"目标 {fmt_count(value('employment_target'), '人')} · 完成 {fmt_rate(value('employment_rate'))}",
                    f"target {fmt_int(value('employment_target'))} · {fmt_rate(value('employment_rate'))} reached",
                ),
                help=kpi.definition("employment_rate"),
                page="employment",
            )
        )
    if "welfare_post_persons" in tiles:
        specs.append(
            dict(
                label=t("公益岗位安置(本年)", "Welfare posts (this year)"),
                value=fmt_count(value("welfare_post_persons"), t("人", "")),
                change=change("welfare_post_persons"),
                help=kpi.definition("welfare_post_persons"),
                page="employment",
            )
        )
    if "red_list" in tiles:
        specs.append(
            dict(
                label=t("本月人居环境红黑榜", "This month's red/black list"),
                value=t(
                    f"红 {fmt_int(value('red_list'))} · 黑 {fmt_int(value('black_list'))}",
                    f"red {fmt_int(value('red_list'))} · black {fmt_int(value('black_list'))}",
                ),
                note=t("单位:村", "villages"),
                help=kpi.definition("env_black_villages"),
                page="environment",
            )
        )
    # Three per row: wide enough for Chinese labels on a projector; Streamlit stacks them on a phone.
    for start in range(0, len(specs), 3):
        for col, spec in zip(st.columns(3), specs[start : start + 3], strict=False):
            with col:
                kpi.tile(**spec)


def _status_label(status: str) -> str:
    s = theme.STATUS[status]
    return f"{s['icon']} {s['zh'] if lang() != 'en' else s['en']}"


def _league(league: pd.DataFrame) -> None:
    st.subheader(t("乡镇排行", "Townships"))
    keys = [i.key for i in overview.INDICATORS if i.key in league.columns]
    titles = {i.key: t(i.title_zh, i.title_en) for i in overview.INDICATORS}
    shown = pd.DataFrame(
        {
            t("状态", "Status"): league["status"].map(_status_label),
            t("乡镇", "Township"): league["name"],
            **{titles[k]: league[k] for k in keys},
            t("原因", "Why"): league["reasons_en" if lang() == "en" else "reasons_zh"],
        }
    )
    config = {
        titles[k]: st.column_config.NumberColumn(
            format=f"%.{RATE_DIGITS}f%%" if k == "employment_rate" else "localized"
        )
        for k in keys
    }
    if "employment_rate" in keys:
        config[titles["employment_rate"]] = st.column_config.ProgressColumn(
            format=f"%.{RATE_DIGITS}f%%", min_value=0, max_value=120
        )
    status_col = t("状态", "Status")
    colours = {_status_label(k): v["color"] for k, v in theme.STATUS.items()}

    def style(df: pd.DataFrame):
        # Colour repeats the icon and the word, never replaces them.
        return df.style.map(
            lambda v: f"color: {colours.get(v, '#111')}; font-weight: 700", subset=[status_col]
        )

    show_table(
        shown,
        t("乡镇排行", "townships"),
        key="overview_league",
        column_config=config,
        style=style,
        height=height_for(len(shown)),  # every township visible without scrolling
        # on a narrow screen: who, how they stand and why, then the figures the status rule looks at
        priority=[
            status_col,
            t("乡镇", "Township"),
            t("原因", "Why"),
            *(titles[k] for k in ("employment_rate", "overdue", "black_list", "monitored") if k in keys),
        ],
    )
    st.caption(
        t(
            "× 落后:就业完成率居后三位且低于全县,或逾期事项最多;▲ 关注:完成率低于全县或有逾期事项。点击列名排序。",
            "× behind: bottom-three employment share and below the county, or most overdue items; "
            "▲ watch: below the county's share or any overdue item. Click a header to sort.",
        )
    )


def _choropleth(b, league: pd.DataFrame) -> None:
    st.subheader(t("分乡镇地图", "Map by township"))
    # Options are the stable keys, labels come from format_func: a widget value must not change with the
    # language (a translated option is "not in list" after switching).
    choices = {i.key: i for i in overview.INDICATORS if i.key in league.columns}
    ind = choices[
        st.selectbox(
            t("地图指标", "Indicator"),
            options=list(choices),
            format_func=lambda k: t(choices[k].title_zh, choices[k].title_en),
            key="overview_indicator",
        )
    ]
    shapes = b.geo.get("township_boundaries")
    if not shapes:
        st.info(t("数据中没有乡镇边界文件。", "The data has no township boundary file."))
        return
    values = {r["township_code"]: r for r in league.to_dict("records")}
    edges = theme.bins([v[ind.key] for v in values.values()])

    def fmt(v):
        return kpi.fmt_value(v, ind.unit, key=ind.key)

    title = t(ind.title_zh, ind.title_en)
    schematic = geo.has_schematic(shapes)
    notice = t(geo.SCHEMATIC_NOTICE_ZH, geo.SCHEMATIC_NOTICE_EN) if schematic else ""
    chart = charts.choropleth(
        shapes,
        values,
        field=ind.key,
        edges=edges,
        texts={c: fmt((values.get(c) or {}).get(ind.key)) for c in geo.codes(shapes)},
        missing=fmt(None),
        title=title,
        subtitle=notice,
        # a phone's map is too narrow for the key inside it: it goes under the map
        legend=() if viewport.phone() else tuple(legend_items(edges, fmt)),
        legend_title=t(f"图例:{ind.title_zh}", f"Legend: {ind.title_en}"),
    )
    show_chart(
        chart,
        key="overview_map",
        title=t(f"各乡镇{ind.title_zh}", f"{ind.title_en} by township"),
        unit=ind.unit,
        source=source_of(ind.module),
        schematic=schematic,
    )
    if viewport.phone():
        legend(legend_items(edges, fmt), t(f"图例:{ind.title_zh}", f"Legend: {ind.title_en}"))
    if schematic:
        schematic_notice()


def _overdue(day, where) -> None:
    st.markdown(t("**逾期最久的事项**", "**Longest overdue items**"))
    items = compute(monitoring.overdue_list, as_of=day, township=where)
    if items.empty:
        st.success(t("没有逾期事项", "Nothing overdue"), icon=":material/check_circle:")
        return
    label = {k: t(*v) for k, v in monitoring.CHECK_LABELS.items()}
    if can_see_households(where):
        top = items.head(8)
        rows = pd.DataFrame(
            {
                t("事项", "Item"): top["check"].map(label),
                t("乡镇", "Township"): top["township_name"],
                t("村", "Village"): top["village_name"],
                t("户主", "Head"): top["head_masked"],
                t("逾期天数", "Days over"): top["days_over"],
            }
        )
    else:
        # Roles without household access see counts only.
        rows = (
            items.assign(item=items["check"].map(label))
            .groupby(["item", "township_name"], as_index=False)
            .size()
            .rename(
                columns={
                    "item": t("事项", "Item"),
                    "township_name": t("乡镇", "Township"),
                    "size": t("项数", "Items"),
                }
            )
        )
    show_table(rows, t("逾期事项", "overdue"), key="overview_overdue", download=False)
    kpi_link = t(
        f"共 {len(items)} 项,全部清单见防返贫监测页", f"{len(items)} in all; see the monitoring page"
    )
    st.caption(kpi_link)


def _laggards(day) -> None:
    st.markdown(t("**就业目标落后最多的乡镇**", "**Townships furthest behind the employment target**"))
    lag = compute(overview.laggards, as_of=day)
    if lag.empty:
        st.info(t("暂无就业目标数据", "No employment targets in the data"))
        return
    for r in lag.itertuples(index=False):
        gap = r.gap
        status = "behind" if gap > 0 else "good"
        s = theme.STATUS[status]
        text = (
            t(f"差 {fmt_int(gap)} 人", f"{fmt_int(gap)} short")
            if gap > 0
            else t("已完成目标", "target reached")
        )
        st.markdown(
            f"<span style='color:{s['color']};font-weight:700'>{s['icon']}</span> **{safe.text(r.name)}** — "
            + t(
                f"完成 {fmt_rate(r.employment_rate)}({fmt_int(r.employment_placed)}/{fmt_int(r.employment_target)}),{text}",
                f"{fmt_rate(r.employment_rate)} ({fmt_int(r.employment_placed)}/{fmt_int(r.employment_target)}), {text}",
            ),
            unsafe_allow_html=True,
        )


if __name__ == "__main__":
    st.switch_page("app.py", query_params=st.query_params.to_dict())  # keep ?township=…&as_of=…
