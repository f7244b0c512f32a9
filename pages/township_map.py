"""乡镇地图: the county's townships coloured by one indicator; click a township for its profile."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import charts, kpi, nav, safe, theme, viewport
from components.auth import require_page
from components.cache import compute
from components.chart import figure_chart
from components.context import as_of, bundle, lang, role, t, term, township
from components.map import figure_choropleth, figure_map, schematic_notice
from components.table import show_table
from lulong_data import access, geo, status
from lulong_data.metrics import overview
from lulong_data.settings import get_settings


def render() -> None:
    require_page("map")  # re-checked here: a deep link or page switch bypasses the menu
    st.title(term("page_map"))
    day = as_of()
    league = compute(overview.league, as_of=day)
    # Registry names as options (labels via format_func): the value survives a language switch.
    index = overview.LEAGUE.index("employment_rate")
    name = st.selectbox(
        term("map_indicator"), overview.LEAGUE, index=index, format_func=kpi.label, key="map_indicator"
    )
    _map_and_profile(name, league)


@st.fragment
def _map_and_profile(name: str, league: pd.DataFrame) -> None:
    # A fragment: a click reruns only the map and the profile, and pans/zooms rerun nothing.
    b = bundle()
    shapes = b.geo.get("township_boundaries")
    county = b.geo.get("county_boundary")
    if not shapes and not county:
        return st.info(
            t("数据中没有边界文件,无法绘制地图。", "The data has no boundary files; no map to draw.")
        )
    values = {r["township_code"]: r for r in league.to_dict("records")}
    # Halves (the county is tall and narrow: the map loses nothing); stacked where a half would be narrower
    # than a profile's key columns. The tables inside know their share (components.viewport).
    map_col, side = viewport.columns([1, 1], min_px=380, gap="large")
    with map_col:
        clicked = figure_map(
            league,
            name,
            townships=shapes,
            county=county,
            selected=township(),  # the sidebar's choice only: a click must not change the map's script
            tile_url=get_settings().tile_url,
            key=f"township_map_{lang()}",
        )
        if geo.has_schematic(shapes):
            schematic_notice()
        if shapes:
            _export(name)
    with side:
        chosen = clicked or township()
        if chosen is None or chosen not in values:
            return st.info(term("map_click_hint"), icon=":material/touch_app:")
        _profile(chosen, values[chosen]["name"], values[chosen])


def _export(name: str) -> None:
    """The same figure as a picture: the interactive map above cannot be saved as PNG/SVG (issue #9)."""
    with st.expander(term("download_map_picture")):
        st.caption(term("map_export_note"))
        figure_choropleth(compute(overview.league, as_of=as_of()), name, key="map_export", with_legend=False)


def _profile(code: str, name: str, row: dict) -> None:
    day = as_of()
    st.subheader(term("township_profile", name=safe.text(name)))
    # The one status rule (lulong_data.status), the same words as the overview and the dispatch meeting.
    label, reasons = status.explained(row, lang())
    st.markdown(f"{term('status')}:**{label}**" + (f" — {safe.text(reasons)}" if reasons else ""))
    prof = overview.profile_of(compute(overview.profiles, as_of=day), code)
    show_table(
        overview.profile_view(prof, lang(), fmt=kpi.fmt_value),
        t(f"{name}_概况", f"{code}_profile"),
        key="map_profile",
        download=False,
        columns=overview.PROFILE_COLUMNS,
        table="profile",
        priority=overview.PROFILE_PRIORITY,
    )
    st.caption(term("profile_rank_note"))
    for trend, colour in zip(overview.profile_trends(day, lang()), (theme.BLUE, theme.GREEN), strict=True):
        trends = compute(overview.township_trends, as_of=day, name=trend.name, months=trend.months)
        frame = overview.trend_of(trends, code)
        chart = charts.trend(frame, title=trend.title, y_title=kpi.unit(trend.name), color=colour)
        title = term("of_township", name=name, label=trend.title)
        figure_chart(chart, key=f"map_trend_{trend.name}", title=title, figure=trend.name)

    small = access.small_count(role(), get_settings().small_count)
    vil = compute(overview.villages, as_of=day, township=code, small=small)
    st.markdown(f"**{term('villages_of', name=safe.text(name), n=len(vil))}**")
    if small is not None:
        st.caption(term("small_counts_note", small=small))
    counts = ("poverty_households", "poverty_persons", "monitored_households")
    show_table(
        vil,
        t(f"{name}_村", f"{code}_villages"),
        key="map_villages",
        height=320,
        columns=("village_name", "kind", *counts),
        periods={"as_of": day, "township": code},
        priority=("village_name", "monitored_households", "poverty_households"),
    )


if __name__ == "__main__":
    nav.back_to_router(__file__)  # a legacy run: to the router, keeping the address
