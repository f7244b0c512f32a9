"""乡镇地图: the county's townships coloured by one indicator; click a township for its profile."""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from components import charts, kpi, nav, safe, theme
from components.auth import require_page
from components.cache import compute
from components.chart import show_chart, source_of
from components.context import as_of, bundle, lang, role, t, term, township
from components.map import build_map, figure_choropleth, legend_items, schematic_notice, show_map
from components.table import show_table
from lulong_data import access, geo, status
from lulong_data.metrics import METRICS, overview
from lulong_data.settings import get_settings


def render() -> None:
    require_page("map")  # re-checked here: a deep link or page switch bypasses the menu
    st.title(term("page_map"))
    day = as_of()
    league = compute(overview.league, as_of=day)
    # Registry names as options (labels via format_func): the value survives a language switch.
    index = overview.LEAGUE.index("employment_rate")
    name = st.selectbox(term("map_indicator"), overview.LEAGUE, index=index, format_func=kpi.label, key="map_indicator")  # fmt: skip
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
    edges = theme.bins([v[name] for v in values.values()])
    title, unit = kpi.label(name), METRICS[name].unit
    fmt = partial(kpi.fmt_value, unit=unit, key=name)
    map_col, side = st.columns([3, 2], gap="large")
    with map_col:
        m = build_map(
            shapes, county, values, field=name, edges=edges, tile_url=get_settings().tile_url,
            tooltip=lambda props: f"{props.get('name', '')}: {title} {fmt(props.get(name))}",
            label=lambda props: fmt(props.get(name)),
            selected=township(),  # the sidebar's choice only: a click must not change the map's script
            legend=(title, legend_items(edges, fmt)),
        )  # fmt: skip
        clicked = show_map(m, key=f"township_map_{lang()}")
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
    reasons = row.get("reasons_en" if lang() == "en" else "reasons_zh") or ""
    st.markdown(
        f"{term('status')}:**{status.label(row['status'], lang())}**"
        + (f" — {safe.text(reasons)}" if reasons else "")
    )
    prof = compute(overview.profile, as_of=day, township=code)
    rows = overview.profile_view(prof, lang(), fmt=kpi.fmt_value)
    show_table(
        rows, t(f"{name}_概况", f"{code}_profile"), key="map_profile", download=False,
        columns=("label", "township_text", "county_text", "rank_text", "period_text"), table="profile",
    )  # fmt: skip
    st.caption(term("profile_rank_note"))

    for fig, months, colour, title in (
        ("monitored_households", 12, theme.BLUE, term("trend_12_months", name=kpi.label("monitored_households"))),
        ("employment_placed", day.month, theme.GREEN,
         term("trend_in_year", year=day.year, name=kpi.short_label("employment_placed"))),
    ):  # fmt: skip
        trend = compute(overview.trend, as_of=day, name=fig, township=code, months=months)
        chart = charts.trend(trend, title=title, y_title=kpi.unit(fig), color=colour)
        unit = METRICS[fig].unit
        show_chart(
            chart,
            key=f"map_trend_{fig}",
            title=term("of_township", name=name, label=title),
            unit=unit,
            source=source_of(fig),
        )

    # Press: a village with 2 households in a list is nearly a name, so small counts read "<5", and
    # enough others read "×" that the township total (public) gives none of them away.
    small = None if access.can(role(), access.VILLAGES) else get_settings().small_count
    vil = compute(overview.villages, as_of=day, township=code, small=small)
    counts = ("poverty_households", "poverty_persons", "monitored_households")
    st.markdown(f"**{term('villages_of', name=safe.text(name), n=len(vil))}**")
    if small is not None:
        st.caption(term("small_counts_note", small=small))
    show_table(
        vil, t(f"{name}_村", f"{code}_villages"), key="map_villages", height=320,
        columns=("village_name", "kind", *counts), periods={"as_of": day, "township": code},
    )  # fmt: skip


if __name__ == "__main__":
    nav.back_to_router(__file__)  # a legacy run: to the router, keeping the address
