"""乡镇地图: the county's townships coloured by one indicator; click a township for its profile."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import charts, kpi, safe, theme
from components.auth import require_page
from components.cache import compute
from components.chart import show_chart, source_of
from components.context import as_of, bundle, lang, role, t, township
from components.map import build_map, legend_items, schematic_notice, show_map
from components.table import show_table
from lulong_data import access, geo
from lulong_data.metrics import overview
from lulong_data.privacy import protect_counts
from lulong_data.settings import get_settings


def render() -> None:
    require_page("map")  # re-checked here: a deep link or page switch bypasses the menu
    st.title(t("乡镇地图", "Township map"))
    day = as_of()
    league = compute(overview.league, as_of=day)
    # Stable keys as options (labels via format_func): the value survives a language switch.
    choices = {i.key: i for i in overview.INDICATORS if i.key in league.columns}
    key = st.selectbox(
        t("地图指标", "Indicator"),
        options=list(choices),
        index=list(choices).index("employment_rate") if "employment_rate" in choices else 0,
        format_func=lambda k: t(choices[k].title_zh, choices[k].title_en),
        key="map_indicator",
    )
    _map_and_profile(choices[key], league)


@st.fragment
def _map_and_profile(ind: overview.Indicator, league: pd.DataFrame) -> None:
    # A fragment: a click reruns only the map and the profile, and pans/zooms rerun nothing.
    b = bundle()
    shapes = b.geo.get("township_boundaries")
    county = b.geo.get("county_boundary")
    if not shapes and not county:
        st.info(t("数据中没有边界文件,无法绘制地图。", "The data has no boundary files; no map to draw."))
        return
    values = {r["township_code"]: r for r in league.to_dict("records")}
    edges = theme.bins([v[ind.key] for v in values.values()])
    title = t(ind.title_zh, ind.title_en)

    def fmt(v):
        return kpi.fmt_value(v, ind.unit, key=ind.key)

    def tooltip(props) -> str:
        return f"{props.get('name', '')}: {title} {fmt(props.get(ind.key))}"

    map_col, side = st.columns([3, 2], gap="large")
    with map_col:
        m = build_map(
            shapes,
            county,
            values,
            field=ind.key,
            tooltip=tooltip,
            edges=edges,
            label=lambda props: fmt(props.get(ind.key)),
            selected=township(),  # the sidebar's choice only: a click must not change the map's script
            tile_url=get_settings().tile_url,
            legend=(title, legend_items(edges, fmt)),
        )
        clicked = show_map(m, key=f"township_map_{lang()}")
        if geo.has_schematic(shapes):
            schematic_notice()
        if shapes:
            _export(shapes, values, ind, edges, fmt)
    with side:
        chosen = clicked or township()
        if chosen is None or chosen not in values:
            st.info(
                t(
                    "点击地图上的乡镇,查看该乡镇的村、数字和趋势。",
                    "Click a township to see its villages, figures and trends.",
                ),
                icon=":material/touch_app:",
            )
            return
        _profile(chosen, values[chosen]["name"])


def _export(shapes, values, ind: overview.Indicator, edges: list[float], fmt) -> None:
    """The same indicator as a picture: the interactive map above cannot be saved as PNG/SVG (issue #9)."""
    with st.expander(t("下载地图图片(PNG / SVG)", "Download the map as a picture (PNG / SVG)")):
        st.caption(
            t(
                "上方交互地图(含底图)无法导出为图片;此处为同一指标的乡镇分级图,可下载打印分辨率的 PNG 和 SVG。",
                "The interactive map above (with its base map) cannot be saved as a picture; this is the same "
                "indicator as a township chart, downloadable as print-resolution PNG and SVG.",
            )
        )
        title = t(f"各乡镇{ind.title_zh}", f"{ind.title_en} by township")
        show_chart(
            charts.choropleth(
                shapes,
                values,
                field=ind.key,
                edges=edges,
                texts={c: fmt((values.get(c) or {}).get(ind.key)) for c in geo.codes(shapes)},
                missing=fmt(None),
                title=title,
                legend=tuple(legend_items(edges, fmt)),
                legend_title=t(f"图例:{ind.title_zh}", f"Legend: {ind.title_en}"),
            ),
            key="map_export",
            title=title,
            unit=ind.unit,
            source=source_of(ind.module),
            schematic=geo.has_schematic(shapes),
        )


def _profile(code: str, name: str) -> None:
    day = as_of()
    st.subheader(t(f"{safe.text(name)} 概况", f"{safe.text(name)}: profile"))
    prof = compute(overview.profile, as_of=day, township=code)
    rows = pd.DataFrame(
        {
            t("指标", "Indicator"): [
                t(zh, en) for zh, en in zip(prof["title_zh"], prof["title_en"], strict=True)
            ],
            t("本乡镇", "Township"): [
                kpi.fmt_value(v, u) for v, u in zip(prof["township"], prof["unit"], strict=True)
            ],
            t("全县", "County"): [
                kpi.fmt_value(v, u) for v, u in zip(prof["county"], prof["unit"], strict=True)
            ],
            t("排名", "Rank"): [
                "—" if pd.isna(r) else t(f"第{int(r)}/{n}", f"{int(r)} of {n}")
                for r, n in zip(prof["rank"], prof["of"], strict=True)
            ],
        }
    )
    show_table(rows, t(f"{name}_概况", f"{code}_profile"), key="map_profile", download=False)
    st.caption(
        t(
            "排名:有方向的指标从好到差,其余从大到小。",
            "Rank: best first where there is a direction, else largest first.",
        )
    )

    trend = compute(overview.trend, as_of=day, key="monitored", township=code, months=12)
    show_chart(
        charts.trend(
            trend,
            title=t("在监测户(近12个月月末)", "Monitored households (last 12 month-ends)"),
            y_title=t("户", "hh"),
        ),
        key="map_trend_monitored",
        title=t(f"{name}在监测户(近12个月月末)", f"{name}: monitored households (last 12 month-ends)"),
        unit=t("户", "households"),
        source=source_of("monitoring"),
    )
    placed = compute(overview.trend, as_of=day, key="employment_placed", township=code, months=day.month)
    show_chart(
        charts.trend(
            placed,
            title=t(f"{day.year}年务工就业人数(月末累计)", f"In work in {day.year} (cumulative, month-ends)"),
            y_title=t("人", "persons"),
            color=theme.GREEN,
        ),
        key="map_trend_placed",
        title=t(f"{name}{day.year}年务工就业人数(月末累计)", f"{name}: in work in {day.year} (cumulative)"),
        unit=t("人", "persons"),
        source=source_of("employment"),
    )

    vil = compute(overview.villages, as_of=day, township=code)
    st.markdown(
        t(f"**{safe.text(name)}的村({len(vil)}个)**", f"**Villages of {safe.text(name)} ({len(vil)})**")
    )
    shown = pd.DataFrame(
        {
            t("村", "Village"): vil["name"],
            t("类型", "Kind"): vil["kind"],
            t("脱贫户", "Households out of poverty"): vil["poverty_households"],
            t("脱贫人口", "Persons"): vil["poverty_persons"],
            **({t("在监测户", "Monitored"): vil["monitored"]} if "monitored" in vil else {}),
        }
    )
    if not access.can(role(), access.VILLAGES):
        # Press: a village with 2 households in a list is nearly a name, so small counts read "<5", and
        # enough others read "×" that the township total (public) gives none of them away.
        counts = [c for c in shown.columns if c not in (t("村", "Village"), t("类型", "Kind"))]
        shown = protect_counts(shown, counts, get_settings().small_count)
        st.caption(
            t(
                f"按保密规则,小于{get_settings().small_count}的数显示为“<{get_settings().small_count}”,"
                "另有部分数显示为“×”,以免由乡镇合计推算出来。",
                f"Counts below {get_settings().small_count} read “<{get_settings().small_count}”, and some "
                "others “×”, so none can be worked out from the township total.",
            )
        )
    show_table(shown, t(f"{name}_村", f"{code}_villages"), key="map_villages", height=320)


if __name__ == "__main__":
    st.switch_page("app.py", query_params=st.query_params.to_dict())  # keep ?township=…&as_of=…
