"""就业帮扶 (issue #5): placements against the city's target, channels and places of work, public-welfare
posts, skills training, and the data office's reconciliation of the employment ledgers."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from components import kpi, nav
from components.auth import require_page
from components.cache import compute, figure
from components.chart import show_chart, source_of
from components.context import as_of, can_see_households, lang, t, term, township, unit_header
from components.employment_charts import bullet_chart, cumulative_chart, simple_bars, year_bars
from components.help import definitions
from components.layout import tabbed
from components.table import column_header, show_table
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
    tabbed(
        [(term("tab_target"), _targets), (term("tab_channels"), _channels), (term("welfare_post", short=True), _posts),
         (term("tab_training"), _training), (term("tab_reconciliation"), _reconciliation)],
        year, d, tw,
    )  # fmt: skip


def _headline(p: em.Progress) -> None:
    kpi.figure_row(
        [(p.placed, kpi.short_label("employment_placed"), None, p.week_change),
         (p.target, kpi.short_label("employment_target"), None, None),
         (p.rate, kpi.short_label("employment_rate"), kpi.cue(*p.target_cue(lang())), None),
         (p.pace, kpi.short_label("employment_pace"), kpi.cue(*p.pace_cue(lang())), None)]
    )  # fmt: skip


def _chart(chart, key: str, title: str, source: str, **kw) -> None:
    show_chart(
        chart, key=key, title=title, unit=kpi.unit("employment_placed"), source=source_of(source), **kw
    )


def _targets(year: int, d: dt.date, tw: str | None) -> None:
    st.subheader(term("target_and_pace"))
    by_t = compute(em.employment_by_township, as_of=d, year=year, township=tw)
    title = term("employment_target_chart", year=year)
    if em.has_progress(by_t):
        _chart(bullet_chart(by_t, year=year), "emp_bullet", title, "employment_placed")
        st.caption(t(*em.BULLET_NOTE))
    target = figure("employment_target", as_of=d, year=year, township=tw).value
    cum = compute(em.employment_cumulative, as_of=d, year=year, township=tw)
    title = term("cumulative_chart", year=year)
    _chart(cumulative_chart(cum, year=year, target=target), "emp_cumulative", title, "employment_placed")
    behind = compute(em.townships_behind_pace, as_of=d, year=year, township=tw)
    st.markdown(f"**{term('behind_pace_townships')}**")
    kpi.status_line(*em.behind_summary(behind, lang()))
    show_table(
        behind, f"employment_behind_pace_{year}", key="emp_behind", column_config=_PACE,
        columns=("township", "placed", "target", "pace", "short"), empty=None, periods=_at(d, year, tw),
    )  # fmt: skip
    with st.expander(term("table_by_township")):
        show_table(
            by_t, f"employment_by_township_{year}", key="emp_by_township", periods=_at(d, year, tw),
            columns=("township", "placed", "target", "gap", "rate", "pace", "short"),
            column_config={**_PACE, "rate": kpi.column("employment_rate")},
        )  # fmt: skip
    definitions("employment_placed", "employment_target", "employment_rate", "employment_pace", extra=compute(pace.pace_note, as_of=d, year=year))  # fmt: skip


def _at(d: dt.date, year: int, tw: str | None) -> dict:
    return {"as_of": d, "year": year, "township": tw}  # what a table's figures were computed for


def _channels(year: int, d: dt.date, tw: str | None) -> None:
    st.subheader(term("channels_and_places"))
    st.caption(t(*em.same_period_note(d, year)))
    for col, fn, key, title in zip(
        st.columns(2),
        (em.employment_by_channel, em.employment_by_location),
        ("channel", "location"),
        (term("by_channel_in_year", year=year), term("by_place_in_year", year=year)),
        strict=True,
    ):
        df = compute(fn, as_of=d, year=year, township=tw)
        with col:
            chart = year_bars(df, key, title=title, year=year, key_title=column_header(key))
            _chart(chart, f"emp_by_{key}", title, "employment_placed")
            show_table(
                df.assign(share=df["share"].round(1)), f"employment_by_{key}_{year}", key=f"emp_{key}",
                columns=(key, "persons", "persons_prev", "change", "share"), table="employment_channels",
                year=year, periods=_at(d, year, tw),
            )  # fmt: skip


def _posts(year: int, d: dt.date, tw: str | None) -> None:
    st.subheader(term("welfare_post"))
    kpi.versus_tiles(
        [("welfare_post_persons", term("posts_in_year", year=year)),
         ("welfare_post_months", term("post_term_median")), ("welfare_post_subsidy", term("post_subsidy_median")),
         ("welfare_post_weak_share", term("post_weak_share"))],
        as_of=d, year=year, township=tw,
    )  # fmt: skip
    by_type = compute(em.welfare_posts_by_type, as_of=d, year=year, township=tw)
    holders = compute(em.welfare_post_holders, as_of=d, year=year, township=tw)
    left, right = st.columns(2)
    with left:
        title = term("posts_by_type", year=year, prev=year - 1)
        chart = year_bars(by_type, "post_type", title=title, year=year, key_title=column_header("post_type"))
        _chart(chart, "emp_posts_type", title, "welfare_post_persons")
    with right:
        title = term("post_holders_chart", year=year)
        rows = em.holder_rows(holders, lang())
        chart = simple_bars(
            rows, "group", "persons", title=title, key_title=None, value_title=unit_header("persons")
        )
        _chart(chart, "emp_post_holders", title, "welfare_post_weak_share")
        st.caption(
            t("每人只计一组;年龄 = 年度 − 出生年份。", "Each person in one group; age = year − birth year.")
        )
    show_table(
        compute(em.welfare_posts_by_township, as_of=d, year=year, township=tw),
        f"welfare_posts_by_township_{year}", key="emp_posts_township", table="welfare_posts", year=year,
        periods=_at(d, year, tw),
        columns=("township", "persons", "persons_prev", "change", "months", "subsidy"),
    )  # fmt: skip
    definitions("welfare_post_persons", "welfare_post_months", "welfare_post_subsidy", "welfare_post_weak_share",
                "welfare_post_persons_change")  # fmt: skip


def _training(year: int, d: dt.date, tw: str | None) -> None:
    st.subheader(term("skills_training"))
    kpi.figure_tiles(
        [("training_sessions", term("in_year", year=year, name=kpi.short_label("training_sessions")), None),
         ("training_participants", term("in_year", year=year, name=kpi.short_label("training_participants")), None)],
        as_of=d, year=year, township=tw,
    )  # fmt: skip
    by_year = compute(em.trainings_by_year, as_of=d, township=tw)
    left, right = st.columns(2)
    with left:
        if not by_year.empty:
            title = term("training_by_year")
            chart = simple_bars(
                em.training_year_rows(by_year, lang()), "year", "participants", title=title, key_title=column_header("year"),
                value_title=column_header("participants"),
            )  # fmt: skip
            _chart(chart, "emp_train_by_year", title, "training_participants")
            show_table(by_year, "trainings", key="emp_train_year", columns=("year", "sessions", "participants"))  # fmt: skip
    with right:
        show_table(
            compute(em.trainings_by_township, as_of=d, year=year, township=tw), f"trainings_by_township_{year}",
            key="emp_train_township", columns=("township", "sessions", "participants"), periods=_at(d, year, tw),
        )  # fmt: skip
    with st.expander(term("training_list", year=year)):
        show_table(
            compute(em.training_list, as_of=d, year=year, township=tw), f"trainings_{year}",
            key="emp_train_list", columns=("started_on", "title", "township", "participants"), table="trainings",
        )  # fmt: skip
    definitions("training_sessions", "training_participants")


def _reconciliation(year: int, d: dt.date, tw: str | None) -> None:
    st.subheader(term("ledger_reconciliation"))
    st.caption(t(*rc.NOTE))
    summary = compute(rc.summary, as_of=d, year=year, township=tw)
    kpi.figure_tiles(
        [(f"employment_ledger_findings:check={c}", (zh, en), None)
         for c, zh, en in summary[["check", "title_zh", "title_en"]].itertuples(index=False)],
        as_of=d, year=year, township=tw,
    )  # fmt: skip
    for row in summary.itertuples(index=False):
        with st.expander(t(f"{row.title_zh}({row.findings})", f"{row.title_en} ({row.findings})")):
            st.caption(t(row.action_zh, row.action_en))
            if not can_see_households(tw):
                st.info(t("本角色不显示到户明细。", "Household rows are not shown to this role."))
                continue
            df = compute(rc.FUNCTIONS[row.check], as_of=d, year=year, township=tw)
            show_table(df, f"reconciliation_{row.check}_{year}", key=f"emp_recon_{row.check}", columns=rc.COLUMNS)  # fmt: skip


if __name__ == "__main__":
    nav.back_to_router(__file__)  # a legacy run: to the router, keeping the address
