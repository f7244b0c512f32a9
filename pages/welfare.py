"""兜底保障与民生 (issue #7): 农村低保 and 特困供养 as of a date, new cases and phase-outs, the link to
monitoring (应兜尽兜), student aid, and the county's other reported figures."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from components import kpi, theme
from components.auth import require_page
from components.cache import compute, figure
from components.chart import show_chart
from components.context import as_of, can_see_households, t, township
from components.employment_charts import simple_bars
from components.help import definitions
from components.table import labelled, show_table
from components.welfare_charts import class_tier_heat, month_bars, scheme_month_bars
from lulong_data.formatting import fmt_count, fmt_int, fmt_pct, fmt_wan
from lulong_data.metrics import indicators as ind
from lulong_data.metrics import monitoring as mon
from lulong_data.metrics import welfare as wf

DIBAO, TEKUN = wf.DIBAO, wf.TEKUN
SCHEME_EN = {DIBAO: "rural dibao", TEKUN: "extreme-poverty support (tekun)"}
EDUCATION = "县教育局"  # 数据来源 of the student-aid chart; the others are wf.MINZHENG's


def _scheme(name: str) -> str:
    return t(name, SCHEME_EN.get(name, name))


def _hh_count(households: int, persons: int) -> str:
    return t(
        f"{fmt_int(households)}户 / {fmt_int(persons)}人", f"{fmt_int(households)} hh / {fmt_int(persons)}"
    )


def _coverage(d: dt.date, tw: str | None) -> None:
    st.subheader(t("低保与特困供养", "Dibao and tekun"))
    by_scheme = compute(wf.assistance_by_scheme, as_of=d, township=tw)
    show_table(
        labelled(
            by_scheme.assign(
                scheme=by_scheme["scheme"].map(_scheme),
                monthly_amount=by_scheme["monthly_amount"].map(fmt_wan),
            ),
            {
                "scheme": ("救助类别", "Scheme"),
                "households": ("户数", "Households"),
                "persons": ("人数", "Persons"),
                "single_person": ("其中单人保(户)", "of which single-person"),
                "phaseout": ("其中渐退期(户)", "of which in phase-out"),
                "monthly_amount": ("月保障金", "Monthly payments"),
            },
        ),
        "assistance_by_scheme",
        key="wf_scheme",
    )
    left, right = st.columns([3, 2])
    with left:
        grid = compute(wf.dibao_class_tier, as_of=d, township=tw)
        show_chart(
            class_tier_heat(grid),
            key="wf_class_tier",
            title=t("农村低保户按类别与档次", "Rural dibao households by class and tier"),
            unit=t("户", "households"),
            source=wf.MINZHENG,
            width="content",
        )
        unclassified = compute(wf.dibao_unclassified, as_of=d, township=tw)
        st.caption(
            t(
                f"格中数字为户数(颜色越深户数越多)。合计 {fmt_int(grid['households'].sum())} 户"
                + (
                    f";另有 {fmt_int(unclassified)} 户未填类别或档次,请民政局补录。" if unclassified else "。"
                ),
                f"Households in each cell (darker = more). Total {fmt_int(grid['households'].sum())}"
                + (f"; {fmt_int(unclassified)} more have no class or tier." if unclassified else "."),
            )
        )
    with right:
        st.markdown(t("**单人保**", "**Single-person dibao**"))
        single = by_scheme.set_index("scheme")["single_person"]
        st.markdown(
            t(
                f"对重度残疾人、重病患者等单独施保:农村低保 **{fmt_int(single.get(DIBAO, 0))}** 户,"
                f"特困供养 **{fmt_int(single.get(TEKUN, 0))}** 户。",
                f"Single-person cover for the severely disabled or ill: dibao **{fmt_int(single.get(DIBAO, 0))}**, "
                f"tekun **{fmt_int(single.get(TEKUN, 0))}** households.",
            )
        )
    st.markdown(t("**分乡镇**", "**By township**"))
    by_tw = compute(wf.assistance_by_township, as_of=d, township=tw)
    show_table(
        labelled(
            by_tw.assign(dibao_coverage=by_tw["dibao_coverage"].map(lambda x: fmt_pct(x, 1))),
            {
                "township": ("乡镇", "Township"),
                "dibao_households": ("低保户", "Dibao hh"),
                "dibao_persons": ("低保人数", "Dibao persons"),
                "tekun_persons": ("特困人数", "Tekun persons"),
                "single_person": ("单人保(户)", "Single-person"),
                "dibao_coverage": ("低保覆盖率", "Dibao coverage"),
                "monthly_amount": ("月保障金(元)", "Monthly (yuan)"),
            },
        ),
        "assistance_by_township",
        key="wf_township",
        height=36 * (len(by_tw) + 2),
        column_config={
            t("月保障金(元)", "Monthly (yuan)"): st.column_config.NumberColumn(format="localized")
        },
    )
    definitions(
        "assistance_households",
        "assistance_persons",
        "dibao_coverage",
        "poverty_assistance_share",
        "assistance_monthly_amount",
        extra=(
            "“有效”:纳入日期 ≤ 截至日期,且退出日期为空或晚于截至日期;渐退期内仍发放,计入。",
            "Active: started on or before the date and not ended by then; phase-out is still paid and counted.",
        ),
    )


def _new_and_phaseout(d: dt.date, tw: str | None) -> None:
    year = d.year
    st.subheader(t(f"{year}年新增与渐退", f"New in {year} and phase-out"))
    new_dibao = compute(wf.assistance_new_persons, as_of=d, scheme=DIBAO, year=year, township=tw)
    new_tekun = compute(wf.assistance_new_persons, as_of=d, scheme=TEKUN, year=year, township=tw)
    ph_h = compute(wf.phaseout_households, as_of=d, township=tw)
    ph_p = compute(wf.phaseout_persons, as_of=d, township=tw)
    c = st.columns(3)
    with c[0]:
        kpi.tile(t("今年新增农村低保", f"New dibao, {year}"), fmt_count(new_dibao, t("人", "")))
    with c[1]:
        kpi.tile(t("今年新增特困人员", f"New tekun, {year}"), fmt_count(new_tekun, t("人", "")))
    with c[2]:
        kpi.tile(
            t("渐退期脱贫户", "Households in phase-out"),
            _hh_count(ph_h, ph_p),
            note=t(
                "不再符合低保条件,给予不少于一年的渐退期", "no longer eligible; at least a year's phase-out"
            ),
        )
    left, right = st.columns(2)
    with left:
        new = compute(wf.assistance_new_by_month, as_of=d, year=year, township=tw)
        if new["persons"].sum():
            show_chart(
                scheme_month_bars(
                    new.assign(scheme=new["scheme"].map(_scheme)),
                    value="persons",
                    title=t(f"{year}年每月新增救助人数(人)", f"New persons per month, {year}"),
                    x_title=t("纳入月份", "month included"),
                ),
                key="wf_new_by_month",
                title=t(f"{year}年每月新增救助人数", f"New persons on assistance per month, {year}"),
                unit=t("人", "persons"),
                source=wf.MINZHENG,
            )
        else:
            st.info(t("今年尚无新增记录。", "No new records this year."))
    with right:
        sched = compute(wf.phaseout_schedule, as_of=d, township=tw)
        if sched.empty:
            st.info(t("目前没有处于渐退期的脱贫户。", "No household is in phase-out."))
        else:
            show_chart(
                month_bars(
                    sched,
                    key="month",
                    value="households",
                    title=t("渐退期到期时间(户)", "When phase-outs end (households)"),
                    x_title=t("渐退期截止月份", "month the phase-out ends"),
                    y_title=t("户数(户)", "households"),
                ),
                key="wf_phaseout",
                title=t("渐退期到期时间", "When phase-outs end"),
                unit=t("户", "households"),
                source=wf.MINZHENG,
            )
    if can_see_households(tw):
        with st.expander(
            t(f"渐退期脱贫户名单({fmt_int(ph_h)}户)", f"Households in phase-out ({fmt_int(ph_h)})")
        ):
            show_table(
                labelled(
                    compute(wf.phaseout_list, as_of=d, township=tw),
                    {
                        "household_id": ("户编号", "Household id"),
                        "head_masked": ("户主", "Head"),
                        "township": ("乡镇", "Township"),
                        "village": ("村", "Village"),
                        "persons": ("保障人数", "Persons"),
                        "monthly_amount": ("月保障金(元)", "Monthly (yuan)"),
                        "phaseout_until": ("渐退期截止", "Phase-out ends"),
                    },
                ),
                "phaseout_households",
                key="wf_phaseout_list",
            )
    definitions("assistance_new_persons", "phaseout_households", "phaseout_persons")


def _monitoring_link(d: dt.date, tw: str | None) -> None:
    st.subheader(t("与防返贫监测衔接(应兜尽兜)", "Link with monitoring (cover everyone who should be)"))
    cover = compute(wf.monitored_cover, as_of=d, township=tw)
    c = st.columns(3)
    with c[0]:
        kpi.tile(
            t("监测帮扶中", "Households monitored"),
            fmt_count(cover["monitored"], t("户", "")),
            page="monitoring",
        )
    with c[1]:
        kpi.tile(
            t("其中享受低保或特困", "of which on dibao or tekun"),
            fmt_count(cover["covered"], t("户", "")),
            note=t(
                f"低保 {fmt_int(cover['dibao'])}户 · 特困 {fmt_int(cover['tekun'])}户",
                f"dibao {cover['dibao']} · tekun {cover['tekun']}",
            ),
        )
    gap = cover["should_not_covered"]
    cue = theme.STATUS["good" if gap == 0 else "behind"]
    with c[2]:
        kpi.tile(
            t("整户无劳动能力但未纳入低保特困", "No one can work, yet no cover"),
            f"{cue['icon']} " + fmt_count(gap, t("户", "")),
            note=t(cue["zh"], cue["en"]),
        )
    if gap == 0:
        st.success(
            t(
                f"{cue['icon']} 监测户中整户无劳动能力的均已纳入低保或特困。",
                f"{cue['icon']} All such households are covered.",
            )
        )
    else:
        st.error(
            t(
                f"{cue['icon']} {fmt_int(gap)} 户监测户家庭成员全部丧失劳动力或无劳动力,却没有有效的低保或特困记录,请民政局核查是否应兜尽兜。",
                f"{cue['icon']} {fmt_int(gap)} monitored households where no one can work have no dibao/tekun; 民政局 to check.",
            )
        )
        if can_see_households(tw):
            df = compute(mon.no_labour_without_cover, as_of=d, township=tw, scope="monitored")
            show_table(
                labelled(
                    df,
                    {
                        "household_id": ("户编号", "Household id"),
                        "head_masked": ("户主", "Head"),
                        "township_name": ("乡镇", "Township"),
                        "village_name": ("村", "Village"),
                        "household_type": ("户类型", "Type"),
                        "category": ("监测类别", "Category"),
                        "risk_1": ("主要风险", "Main risk"),
                        "persons": ("人口", "Persons"),
                    },
                ),
                "no_labour_without_cover",
                key="wf_no_cover",
            )
    st.caption(
        t(
            "与“防返贫监测”页使用同一口径:监测中的户,家庭成员全部为丧失劳动力或无劳动力,截至日期没有有效的低保或特困记录。",
            "Same definition as the monitoring page: households under monitoring where every member has lost or has "
            "no labour ability, with no active dibao/tekun record on the date.",
        )
    )


def _student_aid(d: dt.date, tw: str | None) -> None:
    st.subheader(t("学生资助", "Student aid"))
    years = compute(wf.student_aid_years, as_of=d)
    with st.columns([1, 4])[0]:
        year = st.selectbox(t("资助年度", "Year"), years, index=0, key="welfare_aid_year")
    c = st.columns(2)
    for col, name, label in (
        (c[0], "student_aid_students", (f"{year}年受资助学生", f"Students aided, {year}")),
        (c[1], "student_aid_amount", (f"{year}年资助资金", f"Aid paid, {year}")),
    ):
        with col:
            kpi.figure_tile(figure(name, as_of=d, year=year, township=tw), label=t(*label))
    by_stage = compute(wf.student_aid_by, as_of=d, year=year, by="stage", township=tw)
    left, right = st.columns(2)
    with left:
        show_chart(
            simple_bars(
                by_stage,
                "stage",
                "students",
                title=t(f"{year}年按学段受资助学生(人)", f"Students by stage, {year}"),
                key_title=t("学段", "Stage"),
                value_title=t("学生(人)", "students"),
            ),
            key="wf_aid_by_stage",
            title=t(f"{year}年按学段受资助学生", f"Students aided by stage, {year}"),
            unit=t("人", "students"),
            source=EDUCATION,
        )
        show_table(
            labelled(
                by_stage.assign(amount=by_stage["amount"].map(fmt_wan)),
                {
                    "stage": ("学段", "Stage"),
                    "students": ("学生(人)", "Students"),
                    "amount": ("金额", "Amount"),
                },
            ),
            f"student_aid_by_stage_{year}",
            key="wf_aid_stage",
        )
    with right:
        by_prog = compute(wf.student_aid_by, as_of=d, year=year, by="program", township=tw)
        show_table(
            labelled(
                by_prog.assign(amount=by_prog["amount"].map(fmt_wan)),
                {
                    "program": ("资助项目", "Programme"),
                    "students": ("学生(人)", "Students"),
                    "amount": ("金额", "Amount"),
                },
            ),
            f"student_aid_by_program_{year}",
            key="wf_aid_program",
        )
        st.caption(
            t(
                "一名学生享受多个项目时,在每个项目中各计1人,合计人数按不重复学生计。",
                "A student with two programmes counts in each programme row, once in the total.",
            )
        )
    by_tw = compute(wf.student_aid_by, as_of=d, year=year, by="township", township=tw)
    with st.expander(t("按乡镇", "By township")):
        show_table(
            labelled(
                by_tw.assign(amount=by_tw["amount"].map(fmt_wan)),
                {
                    "township": ("乡镇", "Township"),
                    "students": ("学生(人)", "Students"),
                    "amount": ("金额", "Amount"),
                },
            ),
            f"student_aid_by_township_{year}",
            key="wf_aid_township",
        )
    definitions("student_aid_students", "student_aid_amount")


def _indicators(d: dt.date, tw: str | None) -> None:
    st.subheader(t("其他民生指标(部门报送)", "Other figures (reported by departments)"))
    st.info(t(ind.PANEL_NOTE_ZH, ind.PANEL_NOTE_EN), icon=":material/info:")
    panel = compute(ind.indicator_panel, as_of=d)
    show_table(
        labelled(
            panel.assign(value=panel["value"].map(lambda v: f"{v:,.10g}")),
            {
                "indicator": ("指标", "Indicator"),
                "value": ("数值", "Value"),
                "unit": ("单位", "Unit"),
                "period": ("期间", "Period"),
                "department": ("来源单位", "Source"),
            },
        ),
        "indicators",
        key="wf_indicators",
        height=36 * (len(panel) + 2),
    )
    if tw is not None:
        st.caption(t("以上为全县数字(部门未分乡镇报送)。", "County figures (not reported by township)."))


def render() -> None:
    require_page("welfare")  # re-checked here: a deep link or page switch bypasses the menu
    st.title(t("兜底保障与民生", "Social assistance and livelihoods"))
    d, tw = as_of(), township()
    dibao_h = compute(wf.assistance_households, as_of=d, scheme=DIBAO, township=tw)
    dibao_p = compute(wf.assistance_persons, as_of=d, scheme=DIBAO, township=tw)
    tekun_h = compute(wf.assistance_households, as_of=d, scheme=TEKUN, township=tw)
    tekun_p = compute(wf.assistance_persons, as_of=d, scheme=TEKUN, township=tw)
    dibao_amount = compute(wf.assistance_monthly_amount, as_of=d, scheme=DIBAO, township=tw)
    tekun_amount = compute(wf.assistance_monthly_amount, as_of=d, scheme=TEKUN, township=tw)
    coverage = compute(wf.dibao_coverage, as_of=d, township=tw)
    share = compute(wf.poverty_assistance_share, as_of=d, township=tw)
    c = st.columns(4)
    for col, label, persons, households, amount in (
        (c[0], t("农村低保", "Rural dibao"), dibao_p, dibao_h, dibao_amount),
        (c[1], t("特困供养", "Tekun"), tekun_p, tekun_h, tekun_amount),
    ):
        with col:
            kpi.tile(
                label,
                fmt_count(persons, t("人", "")),
                # The metric is in 万元; fmt_wan takes 元.
                note=t(
                    f"{fmt_int(households)}户 · 月保障金 {fmt_wan(amount * 10000)}",
                    f"{fmt_int(households)} households · {fmt_wan(amount * 10000)} a month",
                ),
            )
    with c[2]:
        kpi.tile(
            t("农村低保覆盖率", "Dibao coverage"),
            fmt_pct(coverage, 1),
            note=t("占农村人口", "of rural population"),
        )
    with c[3]:
        kpi.tile(
            t("脱贫人口中低保特困占比", "Poverty-exit persons on dibao/tekun"),
            fmt_pct(share, 0),
            note=t("低保 + 特困供养", "dibao + tekun"),
        )

    tabs = st.tabs(
        [
            t("低保与特困", "Dibao & tekun"),
            t("新增与渐退", "New & phase-out"),
            t("监测衔接", "Monitoring link"),
            t("学生资助", "Student aid"),
            t("其他指标", "Other figures"),
        ]
    )
    with tabs[0]:
        _coverage(d, tw)
    with tabs[1]:
        _new_and_phaseout(d, tw)
    with tabs[2]:
        _monitoring_link(d, tw)
    with tabs[3]:
        _student_aid(d, tw)
    with tabs[4]:
        _indicators(d, tw)


if __name__ == "__main__":
    st.switch_page("app.py", query_params=st.query_params.to_dict())  # keep ?township=…&as_of=…
