"""人居环境红黑榜 page (issue #6): the month's red/black lists, township ranking, where points are lost,
and the notice (通报) as Word and Excel.

Thin by design: every figure comes from lulong_data.metrics.environment (cached through components.cache);
the tables shown are the same frames the notice prints (lulong_data.notice), so screen and paper agree.
"""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from components import environment_charts as charts
from components import files, kpi, nav, safe, viewport
from components.auth import require_page
from components.cache import compute
from components.chart import figure_chart
from components.context import as_of, bundle, lang, t, term, township
from components.table import show_table, show_view
from lulong_data import geo, notice
from lulong_data.metrics import environment as env

MONTH_KEY = "env_month"
# Badges, not colour alone: the word and the icon carry the meaning; the tint only helps the eye.
RED_BADGE = ":orange-background[★ {}]"
BLACK_BADGE = ":gray-background[▼ {}]"


def _pick_month(months: list[str]) -> str:
    options = list(reversed(months))  # latest first: the default is the latest month up to as_of
    if st.session_state.get(MONTH_KEY) not in options:
        st.session_state.pop(MONTH_KEY, None)  # the as-of date moved and the month is gone
    label = term("inspection_month")
    hint = t(*env.MONTH_HINT)
    return st.selectbox(
        label, options, format_func=lambda p: notice.period_label(p, lang()), key=MONTH_KEY, help=hint
    )


def _kpis(period: str, vetoes: int) -> None:
    veto = env.veto_note(vetoes, lang())
    kpi.figure_tiles(
        [
            (f"env_inspected_villages:period={period}", kpi.short_label("env_inspected_villages"), None),
            (f"env_red_villages:period={period}", "★ " + kpi.short_label("env_red_villages"), None),
            (f"env_black_villages:period={period}", "▼ " + kpi.short_label("env_black_villages"), veto),
            (f"env_talk_villages:period={period}", kpi.short_label("env_talk_villages"), None),
            (f"env_mean_score:period={period}", term("county_mean_score"), None),
        ],
        as_of=as_of(),
    )


def _lists(lists: env.MonthLists, period: str) -> None:
    """The two lists side by side, each with its movement against the previous list month under it."""
    tw = township()
    if tw:
        mine = compute(env.month_lists, as_of=as_of(), period=period, township=tw)
        st.caption(env.township_note(len(mine.red), len(mine.black), lang()))
    mv = compute(env.movement, as_of=as_of(), period=period) if lists.previous else None
    halves = viewport.columns(2, min_px=420)
    for col, name, badge in zip(halves, ("red", "black"), (RED_BADGE, BLACK_BADGE), strict=True):
        rows, n = getattr(lists, name), len(getattr(lists, name))
        title = term(f"{name}_list_villages", n=n)
        with col:
            st.subheader(badge.format(title))
            listed = notice.list_rows(rows, lang(), black=name == "black")
            show_view(listed, notice.LIST_TABLES[name], key=f"env_{name}", whole=True, of=period)
            if mv is None:
                st.info(t("没有更早的检查月份可比较。", "No earlier inspection month to compare with."))
                continue
            month = notice.period_label(lists.previous, lang())
            st.markdown(f"**{term('against_month', month=month)}**")
            show_table(
                env.movement_view(mv, name, lang()),
                f"{name}_movement_{period}",
                key=f"env_mv_{name}",
                download=False,
                whole=True,
                columns=env.MOVEMENT_COLUMNS,
            )


def _talks(talks: pd.DataFrame, period: str) -> None:
    n = bundle().rules.ranking.talk_after_months
    st.subheader(term("formal_talks"))
    kpi.status_line(*env.talk_finding(len(talks), n, lang()))
    if talks.empty:
        return
    show_view(notice.talk_rows(talks), notice.TALK_TABLE, key="env_talks", whole=True, of=period)


def _townships(period: str) -> None:
    b = bundle()
    st.subheader(term("township_ranking"))
    ranking = compute(env.township_ranking, as_of=as_of(), period=period)
    unranked = env.unranked_note(ranking, lang())
    if unranked:
        st.info(unranked)
    left, right = viewport.columns([5, 6], min_px=380)
    with left:
        rows = notice.township_rows(ranking, lang())
        show_view(rows, notice.TOWNSHIP_TABLE, key="env_townships", whole=True, of=period)
    with right:
        boundaries = b.geo.get("township_boundaries")
        if not boundaries:
            st.info(
                t("数据文件夹中没有乡镇边界,无法绘制地图。", "No township boundaries in the data: no map.")
            )
        else:
            caption = geo.schematic_caption(boundaries, lang())
            title = term("env_map_title", month=notice.period_label(period, lang()))
            labels = env.chart_labels(lang())
            chart = charts.township_map(boundaries, ranking, labels=labels, title=title, notice=caption)
            # Schematic polygons: the export carries the notice and show_chart's caption repeats it.
            figure_chart(chart, key="env_map", title=title, figure="env_mean_score", schematic=bool(caption))
    st.markdown(f"**{term('rank_trend')}({term('rank_unit')})**")
    history = compute(env.township_rank_history, as_of=as_of(), period=period, months=12)
    chart = charts.rank_trend(history, labels=env.chart_labels(lang()), selected=township())
    title, unit = term("rank_trend"), term("rank_unit")
    figure_chart(chart, key="env_trend", title=title, figure="env_mean_score", unit=unit, width=None)


def _why(period: str) -> None:
    st.subheader(term("points_lost"))
    st.caption(t(*env.LOSS_NOTE))
    towns, _ = env.scopes(compute(env.ranked_villages, as_of=as_of(), period=period))
    c1, c2 = st.columns(2)
    with c1:
        codes = list(towns)
        default = codes.index(township()) if township() in codes else 0
        tw = st.selectbox(
            term("township"), codes, index=default, format_func=towns.get, key="env_why_township"
        )
    _, names = env.scopes(compute(env.ranked_villages, as_of=as_of(), period=period), tw)
    with c2:
        whole = f"— {term('whole_township')} —"
        village = st.selectbox(
            term("village_optional"),
            [None, *names],
            format_func=lambda c: whole if c is None else names[c],
            key="env_why_village",
        )
    frames = compute(
        env.losses_by_scope, as_of=as_of(), period=period, township=tw, village=village, lang=lang()
    )
    chart = charts.losses_chart(frames, labels=env.chart_labels(lang()), lang=lang())
    title = term("points_lost_in", month=notice.period_label(period, lang()))
    unit = term("points_lost_unit")
    figure_chart(chart, key="env_losses", title=title, figure="env_mean_score", unit=unit)
    if village:
        history = compute(env.village_history, as_of=as_of(), village=village)
        title = term("monthly_score_of", name=names[village])
        st.markdown(f"**{term('monthly_score_of', name=safe.text(names[village]))}**")
        chart = charts.village_history_chart(history, labels=env.chart_labels(lang()))
        figure_chart(chart, key="env_vhist", title=title, figure="env_mean_score")
        show_view(env.history_view(history, lang()), env.HISTORY_TABLE, key="env_vhist", of=village)


def _exports(period: str) -> None:
    st.subheader(term("export_notice"))
    st.caption(t(*notice.NOTICE_NOTE))
    day, stem = as_of(), f"红黑榜通报_{period}"
    notices = (
        ("docx", term("download_word_notice"), notice.notice_docx),
        ("xlsx", term("download_xlsx"), notice.notice_xlsx),
    )
    for col, (ext, label, make) in zip(st.columns(2), notices, strict=True):
        build = partial(make, bundle(), as_of=day, period=period)
        files.download(label, build, f"{stem}.{ext}", key=f"env_notice_{ext}", where=col)


def render() -> None:
    require_page("environment")  # re-checked here: a deep link or page switch bypasses the menu
    b = bundle()
    st.title(term("red_black_list"))
    with st.expander(term("ranking_rule")):
        st.markdown(notice.rule_text(b.rules, lang()))
    months = compute(env.list_months, as_of=as_of())
    if not months:
        return st.info(
            t("截至所选日期尚无人居环境检查记录。", "No living-environment inspection up to the date.")
        )
    period = _pick_month(months)
    lists = compute(env.month_lists, as_of=as_of(), period=period)
    talks = compute(env.talk_flags, as_of=as_of(), period=period)
    _kpis(period, lists.vetoes)
    _lists(lists, period)
    _talks(talks, period)
    _townships(period)
    _why(period)
    _exports(period)


if __name__ == "__main__":
    nav.back_to_router(__file__)  # a legacy run: to the router, keeping the address
