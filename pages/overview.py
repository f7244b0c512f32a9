"""总览: headline tiles with the week's change, the township league table, a choropleth, and what needs
attention. Every figure is a registry name listed in lulong_data.metrics.overview (TILES, LEAGUE)."""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from components import kpi, nav, safe, theme, viewport
from components.auth import require_page
from components.cache import compute, figure
from components.context import as_of, bundle, can_see_households, lang, t, term, township
from components.map import figure_choropleth
from components.table import show_table, status_style
from lulong_data import status
from lulong_data.figures import periods_text
from lulong_data.formatting import fmt_int
from lulong_data.metrics import monitoring, overview


def render() -> None:
    require_page("overview")  # re-checked here: a deep link or page switch bypasses the menu
    day, where = as_of(), township()
    st.title(term("page_overview"))
    _tiles(compute(overview.tiles, as_of=day, township=where))
    league = compute(overview.league, as_of=day)
    _league(league)
    # The map beside what needs attention: on a projector both fit one screen; a phone stacks them.
    map_col, attention = viewport.columns([1, 1], min_px=420, gap="large")
    with map_col:
        _choropleth(league)
    with attention:
        st.subheader(term("needs_attention"))
        _laggards(day, league)
        _overdue(day, where)


def _tiles(tiles: tuple[overview.Tile, ...]) -> None:
    # Three per row: wide enough for Chinese labels on a projector; Streamlit stacks them on a phone.
    for start in range(0, len(tiles), 3):
        for col, tile in zip(st.columns(3), tiles[start : start + 3], strict=False):
            with col:
                kpi.figures_tile(tile, label=term(tile.label), page=tile.page)


def _league(league: pd.DataFrame) -> None:
    st.subheader(term("township_league"))
    reasons = "reasons_en" if lang() == "en" else "reasons_zh"
    label = partial(status.label, lang=lang())  # the one rule's own words (√ 正常 / ▲ 关注 / × 落后)
    shown = league.assign(status=league["status"].map(label), reasons=league[reasons])
    config = {n: kpi.column(n) for n in overview.LEAGUE}
    county = compute(overview.values, as_of=as_of())  # each column's period: the county figure's
    show_table(
        shown,
        t("乡镇排行", "townships"),
        key="overview_league",
        columns=("status", "name", *overview.LEAGUE, "reasons"),
        column_config=config,
        style=status_style(lang()),
        # on a narrow screen: who, how they stand and why, then the figures the status rule looks at
        priority=("status", "name", "reasons", "employment_rate", "overdue_items", "env_black_villages"),
        note=periods_text([(kpi.short_label(n), county[n]) for n in overview.LEAGUE], lang(), today=as_of()),
    )
    # The one status rule (lulong_data.status), in words generated from rules.toml: the dispatch meeting and
    # the map print the same sentence.
    st.caption(status.describe(bundle(), lang()) + " " + t("点击列名排序。", "Click a header to sort."))


def _choropleth(league: pd.DataFrame) -> None:
    st.subheader(term("map_by_township"))
    # Options are registry names, labels come from format_func: a widget value must not change with the
    # language (a translated option is "not in list" after switching).
    name = st.selectbox(
        term("map_indicator"), overview.LEAGUE, format_func=kpi.label, key="overview_indicator"
    )
    figure_choropleth(league, name, key="overview_map")


def _overdue(day, where) -> None:
    st.markdown(f"**{term('longest_overdue')}**")
    for note in compute(monitoring.deadline_caveats, as_of=day, township=where):
        st.caption(note.text(lang()))  # e.g. the year's holiday schedule is not imported: weekdays estimated
    households = can_see_households(where)
    rows = compute(overview.overdue_view, as_of=day, township=where, households=households, lang=lang())
    if rows.empty:
        st.success(t("没有逾期事项", "Nothing overdue"), icon=":material/check_circle:")
        return
    show_table(
        rows,
        t("逾期事项", "overdue"),
        key="overview_overdue",
        download=False,
        columns=("check", "township_name", "village_name", "head_masked", "days_over", "items"),
    )
    total = fmt_int(figure("overdue_items", as_of=day, township=where).value)
    st.caption(term("overdue_total_note", n=total))


def _laggards(day, league: pd.DataFrame) -> None:
    st.markdown(f"**{term('furthest_behind_target')}**")
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
