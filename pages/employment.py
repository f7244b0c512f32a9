"""就业帮扶 (issue #5): placements against the city's target, channels and places of work, public-welfare
posts, skills training, and the data office's reconciliation of the employment ledgers."""

from __future__ import annotations

import streamlit as st

from components import kpi, nav
from components.auth import require_page
from components.cache import compute, figure
from components.chart import show_chart, source_of
from components.context import as_of, can_see_households, lang, t, term, township, unit_header
from components.employment_charts import bullet_chart, cumulative_chart, simple_bars, year_bars
from components.help import definitions
from components.layout import tabbed
from components.table import column_header, show_table, show_view
from lulong_data.metrics import employment as em
from lulong_data.metrics import pace
from lulong_data.metrics import reconciliation as rc

_PACE = {"pace": st.column_config.NumberColumn(format="%.0f")}


def render() -> None:
    require_page("employment")  # re-checked here: a deep link or page switch bypasses the menu
    st.title(term("employment_title"))
    d, tw = as_of(), township()
    with st.columns([1, 4])[0]:
        year = st.selectbox(term("year"), compute(em.employment_years, as_of=d), key="employment_year")
    _headline(compute(em.progress, as_of=d, year=year, township=tw))
    tabs = [
        (term("tab_target"), _targets),
        (term("tab_channels"), _channels),
        (term("welfare_post", short=True), _posts),
        (term("tab_training"), _training),
        (term("tab_reconciliation"), _reconciliation),
    ]
    tabbed(tabs, {"as_of": d, "year": year, "township": tw})  # what every figure below stands for


def _headline(p: em.Progress) -> None:
    tiles = p.tiles(lang())  # (figure, status cue or None, change on a week ago)
    kpi.figure_row([(f, kpi.short_label(f.name), cue and kpi.cue(*cue), ch) for f, cue, ch in tiles])


def _chart(chart, key: str, title: str, source: str, **kw) -> None:
    show_chart(
        chart, key=key, title=title, unit=kpi.unit("employment_placed"), source=source_of(source), **kw
    )


def _targets(at: dict) -> None:
    st.subheader(term("target_and_pace"))
    year = at["year"]
    by_t = compute(em.employment_by_township, **at)
    title = term("employment_target_chart", year=year)
    if em.has_progress(by_t):
        _chart(bullet_chart(by_t, year=year), "emp_bullet", title, "employment_placed")
        st.caption(t(*em.BULLET_NOTE))
    target = figure("employment_target", **at).value
    cum = compute(em.employment_cumulative, **at)
    title = term("cumulative_chart", year=year)
    _chart(cumulative_chart(cum, year=year, target=target), "emp_cumulative", title, "employment_placed")
    behind = compute(em.townships_behind_pace, **at)
    st.markdown(f"**{term('behind_pace_townships')}**")
    kpi.status_line(*em.behind_summary(behind, lang()))
    show_view(behind, em.BEHIND_TABLE, key="emp_behind", column_config=_PACE, empty=None, periods=at)
    with st.expander(term("table_by_township")):
        config = {**_PACE, "rate": kpi.column("employment_rate")}
        show_view(by_t, em.TOWNSHIP_TABLE, key="emp_by_township", periods=at, column_config=config)
    note = compute(pace.pace_note, as_of=at["as_of"], year=year)
    definitions("employment_placed", "employment_target", "employment_rate", "employment_pace", extra=note)


def _channels(at: dict) -> None:
    st.subheader(term("channels_and_places"))
    year = at["year"]
    st.caption(t(*em.same_period_note(at["as_of"], year)))
    for col, fn, key, title in zip(
        st.columns(2),
        (em.employment_by_channel, em.employment_by_location),
        ("channel", "location"),
        (term("by_channel_in_year", year=year), term("by_place_in_year", year=year)),
        strict=True,
    ):
        df = compute(fn, **at)
        with col:
            chart = year_bars(df, key, title=title, year=year, key_title=column_header(key))
            _chart(chart, f"emp_by_{key}", title, "employment_placed")
            show_table(
                em.share_rows(df),
                f"employment_by_{key}_{year}",
                key=f"emp_{key}",
                columns=(key, "persons", "persons_prev", "change", "share"),
                table="employment_channels",
                year=year,
                periods=at,
            )


def _posts(at: dict) -> None:
    st.subheader(term("welfare_post"))
    year = at["year"]
    kpi.versus_tiles(
        [
            ("welfare_post_persons", term("posts_in_year", year=year)),
            ("welfare_post_months", term("post_term_median")),
            ("welfare_post_subsidy", term("post_subsidy_median")),
            ("welfare_post_weak_share", term("post_weak_share")),
        ],
        **at,
    )
    left, right = st.columns(2)
    with left:
        title = term("posts_by_type", year=year, prev=year - 1)
        by_type = compute(em.welfare_posts_by_type, **at)
        chart = year_bars(by_type, "post_type", title=title, year=year, key_title=column_header("post_type"))
        _chart(chart, "emp_posts_type", title, "welfare_post_persons")
    with right:
        title = term("post_holders_chart", year=year)
        rows = em.holder_rows(compute(em.welfare_post_holders, **at), lang())
        chart = simple_bars(rows, "group", "persons", title=title, value_title=unit_header("persons"))
        _chart(chart, "emp_post_holders", title, "welfare_post_weak_share")
        st.caption(t(*em.HOLDER_NOTE))
    by_township = compute(em.welfare_posts_by_township, **at)
    show_view(by_township, em.POSTS_TABLE, key="emp_posts_township", year=year, periods=at)
    definitions(
        "welfare_post_persons",
        "welfare_post_months",
        "welfare_post_subsidy",
        "welfare_post_weak_share",
        "welfare_post_persons_change",
    )


def _training(at: dict) -> None:
    st.subheader(term("skills_training"))
    year = at["year"]
    kpi.figure_tiles(
        [
            ("training_sessions", kpi.in_year("training_sessions", year), None),
            ("training_participants", kpi.in_year("training_participants", year), None),
        ],
        **at,
    )
    by_year = compute(em.trainings_by_year, as_of=at["as_of"], township=at["township"])
    left, right = st.columns(2)
    with left:
        if not by_year.empty:
            title = term("training_by_year")
            rows = em.training_year_rows(by_year, lang())
            chart = simple_bars(rows, "year", "participants", title=title, key_title=column_header("year"))
            _chart(chart, "emp_train_by_year", title, "training_participants")
            show_view(by_year, em.TRAINING_YEARS_TABLE, key="emp_train_year")
    with right:
        by_township = compute(em.trainings_by_township, **at)
        show_view(by_township, em.TRAINING_TOWNSHIPS_TABLE, key="emp_train_township", periods=at)
    with st.expander(term("training_list", year=year)):
        show_view(compute(em.training_list, **at), em.TRAINING_LIST, key="emp_train_list", year=year)
    definitions("training_sessions", "training_participants")


def _reconciliation(at: dict) -> None:
    st.subheader(term("ledger_reconciliation"))
    st.caption(t(*rc.NOTE))
    summary = compute(rc.summary, **at)
    kpi.figure_tiles(
        [
            (f"employment_ledger_findings:check={c}", (zh, en), None)
            for c, zh, en in summary[["check", "title_zh", "title_en"]].itertuples(index=False)
        ],
        **at,
    )
    for row in summary.itertuples(index=False):
        with st.expander(t(f"{row.title_zh}({row.findings})", f"{row.title_en} ({row.findings})")):
            st.caption(t(row.action_zh, row.action_en))
            if not can_see_households(at["township"]):
                st.info(t("本角色不显示到户明细。", "Household rows are not shown to this role."))
                continue
            df = compute(rc.FUNCTIONS[row.check], **at)
            show_table(
                df,
                f"reconciliation_{row.check}_{at['year']}",
                key=f"emp_recon_{row.check}",
                columns=rc.COLUMNS,
            )


if __name__ == "__main__":
    nav.back_to_router(__file__)  # a legacy run: to the router, keeping the address
