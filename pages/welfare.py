"""兜底保障与民生 (issue #7): 农村低保 and 特困供养 as of a date, new cases and phase-outs, the link to
monitoring (应兜尽兜), student aid, and the county's other reported figures."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from components import kpi, nav
from components.auth import require_page
from components.cache import compute, figure
from components.chart import figure_chart
from components.context import as_of, can_see_households, lang, t, term, township, unit_header
from components.employment_charts import simple_bars
from components.help import definitions
from components.layout import tabbed
from components.table import column_header, show_table
from components.welfare_charts import class_tier_heat, month_bars, scheme_month_bars
from lulong_data.metrics import indicators as ind
from lulong_data.metrics import monitoring as mon
from lulong_data.metrics import welfare as wf

DIBAO, TEKUN = wf.DIBAO, wf.TEKUN


def render() -> None:
    require_page("welfare")  # re-checked here: a deep link or page switch bypasses the menu
    st.title(term("welfare_title"))
    d, tw = as_of(), township()
    kpi.figure_tiles(
        [(f"assistance_persons:scheme={DIBAO}", term("dibao"), _also(DIBAO)),
         (f"assistance_persons:scheme={TEKUN}", term("tekun"), _also(TEKUN)),
         ("dibao_coverage", None, t("占农村户籍人口", "of rural registered population")),
         ("poverty_assistance_share", None, t("低保 + 特困供养", "dibao + tekun"))],
        as_of=d, township=tw,
    )  # fmt: skip
    tabbed(
        [(term("tab_dibao_tekun"), _coverage), (term("tab_new_phaseout"), _new_and_phaseout),
         (term("tab_monitoring_link"), _monitoring_link), (term("tab_student_aid"), _student_aid),
         (term("tab_other_figures"), _indicators)], d, tw,
    )  # fmt: skip


def _also(scheme: str) -> tuple[str, ...]:
    """The households and monthly payments of a scheme, on its tile's second line."""
    return (f"assistance_households:scheme={scheme}", f"assistance_monthly_amount:scheme={scheme}")


def _coverage(d: dt.date, tw: str | None) -> None:
    st.subheader(term("dibao_and_tekun"))
    by_scheme = compute(wf.assistance_by_scheme, as_of=d, township=tw)
    show_table(
        wf.with_scheme_names(by_scheme, lang()), "assistance_by_scheme", key="wf_scheme", table="assistance_by_scheme",
        columns=("scheme", "households", "persons", "phaseout", "monthly_amount"),
    )  # fmt: skip
    left, right = st.columns([3, 2])
    with left:
        grid = compute(wf.dibao_class_tier, as_of=d, township=tw)
        title = term("class_tier_heading")
        chart = class_tier_heat(grid)
        figure_chart(chart, key="wf_class_tier", title=title, figure="assistance_households", width="content")
        unclassified = compute(wf.dibao_unclassified, as_of=d, township=tw)
        st.caption(wf.class_tier_note(int(grid["households"].sum()), unclassified, lang()))
    with right:
        st.markdown(f"**{term('single_person')}**")
        st.markdown(wf.single_person_note(by_scheme, lang()))
    st.markdown(f"**{term('by_township_heading')}**")
    by_tw = compute(wf.assistance_by_township, as_of=d, township=tw)
    show_table(
        by_tw, "assistance_by_township", key="wf_township",
        columns=("township", "dibao_households", "dibao_persons", "single_person", "tekun_persons",
                 "dibao_coverage", "dibao_amount", "tekun_amount"),
        column_config={"dibao_coverage": kpi.column("dibao_coverage")}, priority=wf.TOWNSHIP_PRIORITY,
    )  # fmt: skip
    definitions(
        "assistance_households", "assistance_persons", "dibao_coverage", "poverty_assistance_share",
        "assistance_monthly_amount", extra=wf.ACTIVE_NOTE,
    )  # fmt: skip


def _new_and_phaseout(d: dt.date, tw: str | None) -> None:
    year = d.year
    st.subheader(term("new_and_phaseout_in_year", year=year))
    flow = kpi.companions([figure(f"phaseout_flow_persons:year={year}", as_of=d, township=tw)])
    now = kpi.companions([figure("phaseout_households", as_of=d, township=tw), figure("phaseout_persons", as_of=d, township=tw)])  # fmt: skip
    kpi.figure_tiles(
        [(f"assistance_new_persons:scheme={DIBAO},year={year}", term("new_dibao_this_year"), None),
         (f"assistance_new_persons:scheme={TEKUN},year={year}", term("new_tekun_this_year"), None),
         (f"phaseout_flow_households:year={year}", term("phaseout_given_this_year"),
          f"{flow} · " + t(f"不再符合低保条件(年内流量)· 目前{now}(时点)", f"no longer eligible (this year) · now: {now}"))],
        as_of=d, township=tw,
    )  # fmt: skip
    left, right = st.columns(2)
    with left:
        by_month = compute(wf.assistance_new_by_month, as_of=d, year=year, township=tw)
        if by_month["persons"].sum():
            title = term("new_by_month_chart", year=year)
            shown = wf.with_scheme_names(by_month, lang())
            chart = scheme_month_bars(shown, value="persons", title=title, x_title=term("month_included"))
            figure_chart(chart, key="wf_new_by_month", title=title, figure="assistance_new_persons")
        else:
            st.info(t("今年尚无新增记录。", "No new records this year."))
    with right:
        sched = compute(wf.phaseout_schedule, as_of=d, township=tw)
        if sched.empty:
            st.info(t("目前没有处于渐退期的脱贫户。", "No household is in phase-out."))
        else:
            title = term("phaseout_ends_chart")
            chart = month_bars(
                sched, key="month", value="households", title=title,
                x_title=term("phaseout_end_month"), y_title=unit_header("households_count"),
            )  # fmt: skip
            figure_chart(chart, key="wf_phaseout", title=title, figure="phaseout_households")
    if can_see_households(tw):
        with st.expander(term("phaseout_list")):
            show_table(
                compute(wf.phaseout_list, as_of=d, township=tw), "phaseout_households", key="wf_phaseout_list",
                table="phaseout_list",
                columns=("household_id", "head_masked", "township", "village", "persons", "monthly_amount",
                         "phaseout_until"),
            )  # fmt: skip
    definitions("assistance_new_persons", "phaseout_flow_households", "phaseout_flow_persons", "phaseout_households")  # fmt: skip


def _monitoring_link(d: dt.date, tw: str | None) -> None:
    st.subheader(term("monitoring_link_heading"))
    kpi.figure_tiles(
        [("monitored_households", None, None), ("monitored_assisted_households", None, None),
         ("no_labour_uncovered_households", None, None)], as_of=d, township=tw, short=True,
    )  # fmt: skip
    gap = figure("no_labour_uncovered_households", as_of=d, township=tw).value or 0
    kpi.status_line(*wf.cover_finding(gap, lang()))
    if gap and can_see_households(tw):
        show_table(
            compute(mon.no_labour_without_cover, as_of=d, township=tw, scope="monitored"), "no_labour_without_cover",
            key="wf_no_cover", table="no_labour_without_cover",
            columns=("household_id", "head_masked", "township_name", "village_name", "household_type", "category",
                     "risk_1", "persons"),
        )  # fmt: skip
    st.caption(t(*wf.COVER_NOTE))


def _student_aid(d: dt.date, tw: str | None) -> None:
    st.subheader(term("tab_student_aid"))
    with st.columns([1, 4])[0]:
        year = st.selectbox(term("aid_year"), compute(wf.student_aid_years, as_of=d), key="welfare_aid_year")  # fmt: skip
    at = {"as_of": d, "year": year, "township": tw}  # what the tiles' and tables' figures stand for
    kpi.figure_tiles(
        [("student_aid_students", term("in_year", year=year, name=kpi.short_label("student_aid_students")), None),
         ("student_aid_amount", term("aid_paid_in_year", year=year), None)], **at,
    )  # fmt: skip

    def aid(by: str):
        return compute(wf.student_aid_by, by=by, **at)

    by_stage = aid("stage")
    left, right = st.columns(2)
    with left:
        title = term("aid_by_stage_chart", year=year)
        chart = simple_bars(
            by_stage, "stage", "students", title=title,
            key_title=column_header("stage", table="student_aid"), value_title=column_header("students"),
        )  # fmt: skip
        figure_chart(chart, key="wf_aid_by_stage", title=title, figure="student_aid_students")
        show_table(by_stage, f"student_aid_by_stage_{year}", key="wf_aid_stage", table="student_aid",
                   columns=("stage", "students", "amount"), periods=at)  # fmt: skip
    with right:
        show_table(aid("program"), f"student_aid_by_program_{year}", key="wf_aid_program", table="student_aid",
                   columns=("program", "students", "amount"), periods=at)  # fmt: skip
        st.caption(t(*wf.STUDENT_NOTE))
    with st.expander(term("by_township_heading")):
        show_table(aid("township"), f"student_aid_by_township_{year}", key="wf_aid_township", table="student_aid",
                   columns=("township", "students", "amount"), periods=at)  # fmt: skip
    definitions("student_aid_students", "student_aid_amount")


def _indicators(d: dt.date, tw: str | None) -> None:
    st.subheader(term("other_indicators"))
    st.info(t(ind.PANEL_NOTE_ZH, ind.PANEL_NOTE_EN), icon=":material/info:")
    panel = compute(ind.indicator_panel, as_of=d)
    show_table(
        ind.panel_rows(panel), "indicators", key="wf_indicators",
        table="indicators", columns=("indicator", "value", "unit", "period_text", "department"),
    )  # fmt: skip
    if tw is not None:
        st.caption(t("以上为全县数字(部门未分乡镇报送)。", "County figures (not reported by township)."))


if __name__ == "__main__":
    nav.back_to_router(__file__)  # a legacy run: to the router, keeping the address
