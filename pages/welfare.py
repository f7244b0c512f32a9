"""兜底保障与民生 (issue #7): 农村低保 and 特困供养 as of a date, new cases and phase-outs, the link to
monitoring (应兜尽兜), student aid, and the county's other reported figures."""

from __future__ import annotations

import streamlit as st

from components import kpi, nav
from components.auth import require_page
from components.cache import compute, figure
from components.chart import figure_chart
from components.context import as_of, can_see_households, lang, t, term, township, unit_header
from components.employment_charts import simple_bars
from components.help import definitions
from components.layout import tabbed
from components.table import column_header, show_view
from components.welfare_charts import class_tier_heat, month_bars, scheme_month_bars
from lulong_data.metrics import indicators as ind
from lulong_data.metrics import monitoring as mon
from lulong_data.metrics import welfare as wf

DIBAO, TEKUN = wf.DIBAO, wf.TEKUN


def render() -> None:
    require_page("welfare")  # re-checked here: a deep link or page switch bypasses the menu
    st.title(term("welfare_title"))
    at = {"as_of": as_of(), "township": township()}  # what every figure on the page stands for
    kpi.figure_tiles(
        [
            (f"assistance_persons:scheme={DIBAO}", term("dibao"), _also(DIBAO)),
            (f"assistance_persons:scheme={TEKUN}", term("tekun"), _also(TEKUN)),
            ("dibao_coverage", None, t("占农村户籍人口", "of rural registered population")),
            ("poverty_assistance_share", None, t("低保 + 特困供养", "dibao + tekun")),
        ],
        **at,
    )
    tabs = [
        (term("tab_dibao_tekun"), _coverage),
        (term("tab_new_phaseout"), _new_and_phaseout),
        (term("tab_monitoring_link"), _monitoring_link),
        (term("tab_student_aid"), _student_aid),
        (term("tab_other_figures"), _indicators),
    ]
    tabbed(tabs, at)


def _also(scheme: str) -> tuple[str, ...]:
    """The households and monthly payments of a scheme, on its tile's second line."""
    return (f"assistance_households:scheme={scheme}", f"assistance_monthly_amount:scheme={scheme}")


def _coverage(at: dict) -> None:
    st.subheader(term("dibao_and_tekun"))
    by_scheme = compute(wf.assistance_by_scheme, **at)
    show_view(wf.with_scheme_names(by_scheme, lang()), wf.SCHEME_TABLE, key="wf_scheme")
    left, right = st.columns([3, 2])
    with left:
        grid = compute(wf.dibao_class_tier, **at)
        title = term("class_tier_heading")
        chart = class_tier_heat(grid)
        figure_chart(chart, key="wf_class_tier", title=title, figure="assistance_households", width="content")
        unclassified = compute(wf.dibao_unclassified, **at)
        st.caption(wf.class_tier_note(int(grid["households"].sum()), unclassified, lang()))
    with right:
        st.markdown(f"**{term('single_person')}**")
        st.markdown(wf.single_person_note(by_scheme, lang()))
    st.markdown(f"**{term('by_township_heading')}**")
    by_tw = compute(wf.assistance_by_township, **at)
    config = {"dibao_coverage": kpi.column("dibao_coverage")}
    show_view(by_tw, wf.TOWNSHIP_TABLE, key="wf_township", column_config=config)
    definitions(
        "assistance_households",
        "assistance_persons",
        "dibao_coverage",
        "poverty_assistance_share",
        "assistance_monthly_amount",
        extra=wf.ACTIVE_NOTE,
    )


def _new_and_phaseout(at: dict) -> None:
    year = at["as_of"].year
    st.subheader(term("new_and_phaseout_in_year", year=year))
    flow = kpi.companions([figure(f"phaseout_flow_persons:year={year}", **at)])
    now = kpi.companions([figure("phaseout_households", **at), figure("phaseout_persons", **at)])
    kpi.figure_tiles(
        [
            (f"assistance_new_persons:scheme={DIBAO},year={year}", term("new_dibao_this_year"), None),
            (f"assistance_new_persons:scheme={TEKUN},year={year}", term("new_tekun_this_year"), None),
            (
                f"phaseout_flow_households:year={year}",
                term("phaseout_given_this_year"),
                wf.phaseout_note(flow, now, lang()),
            ),
        ],
        **at,
    )
    left, right = st.columns(2)
    with left:
        by_month = compute(wf.assistance_new_by_month, year=year, **at)
        if by_month["persons"].sum():
            title = term("new_by_month_chart", year=year)
            shown = wf.with_scheme_names(by_month, lang())
            chart = scheme_month_bars(shown, value="persons", title=title, x_title=term("month_included"))
            figure_chart(chart, key="wf_new_by_month", title=title, figure="assistance_new_persons")
        else:
            st.info(t("今年尚无新增记录。", "No new records this year."))
    with right:
        sched = compute(wf.phaseout_schedule, **at)
        if sched.empty:
            st.info(t("目前没有处于渐退期的脱贫户。", "No household is in phase-out."))
        else:
            title = term("phaseout_ends_chart")
            axes = {"x_title": term("phaseout_end_month"), "y_title": unit_header("households_count")}
            chart = month_bars(sched, key="month", value="households", title=title, **axes)
            figure_chart(chart, key="wf_phaseout", title=title, figure="phaseout_households")
    if can_see_households(at["township"]):
        with st.expander(term("phaseout_list")):
            show_view(compute(wf.phaseout_list, **at), wf.PHASEOUT_TABLE, key="wf_phaseout_list")
    definitions(
        "assistance_new_persons", "phaseout_flow_households", "phaseout_flow_persons", "phaseout_households"
    )


def _monitoring_link(at: dict) -> None:
    st.subheader(term("monitoring_link_heading"))
    kpi.figure_tiles(
        [
            ("monitored_households", None, None),
            ("monitored_assisted_households", None, None),
            ("no_labour_uncovered_households", None, None),
        ],
        short=True,
        **at,
    )
    gap = figure("no_labour_uncovered_households", **at).value or 0
    kpi.status_line(*wf.cover_finding(gap, lang()))
    if gap and can_see_households(at["township"]):
        uncovered = compute(mon.no_labour_without_cover, scope="monitored", **at)
        show_view(uncovered, wf.NO_COVER_TABLE, key="wf_no_cover")
    st.caption(t(*wf.COVER_NOTE))


def _student_aid(at: dict) -> None:
    st.subheader(term("tab_student_aid"))
    with st.columns([1, 4])[0]:
        years = compute(wf.student_aid_years, as_of=at["as_of"])
        year = st.selectbox(term("aid_year"), years, key="welfare_aid_year")
    at = {**at, "year": year}  # what the tiles' and tables' figures stand for
    kpi.figure_tiles(
        [
            ("student_aid_students", kpi.in_year("student_aid_students", year), None),
            ("student_aid_amount", term("aid_paid_in_year", year=year), None),
        ],
        **at,
    )
    by_stage = compute(wf.student_aid_by, by="stage", **at)
    left, right = st.columns(2)
    with left:
        title = term("aid_by_stage_chart", year=year)
        stage = column_header("stage", table="student_aid")
        chart = simple_bars(by_stage, "stage", "students", title=title, key_title=stage)
        figure_chart(chart, key="wf_aid_by_stage", title=title, figure="student_aid_students")
        show_view(by_stage, wf.AID_STAGE_TABLE, key="wf_aid_stage", periods=at)
    with right:
        by_program = compute(wf.student_aid_by, by="program", **at)
        show_view(by_program, wf.AID_PROGRAM_TABLE, key="wf_aid_program", periods=at)
        st.caption(t(*wf.STUDENT_NOTE))
    with st.expander(term("by_township_heading")):
        by_township = compute(wf.student_aid_by, by="township", **at)
        show_view(by_township, wf.AID_TOWNSHIP_TABLE, key="wf_aid_township", periods=at)
    definitions("student_aid_students", "student_aid_amount")


def _indicators(at: dict) -> None:
    st.subheader(term("other_indicators"))
    st.info(t(ind.PANEL_NOTE_ZH, ind.PANEL_NOTE_EN), icon=":material/info:")
    panel = compute(ind.indicator_panel, as_of=at["as_of"])
    show_view(ind.panel_rows(panel), ind.PANEL_TABLE, key="wf_indicators")
    if at["township"] is not None:
        st.caption(t("以上为全县数字(部门未分乡镇报送)。", "County figures (not reported by township)."))


if __name__ == "__main__":
    nav.back_to_router(__file__)  # a legacy run: to the router, keeping the address
