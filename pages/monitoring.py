"""防返贫动态监测 — monitored households, the procedure and its deadlines, assistance, checks (issue #4).

Thin: sidebar choices → cached metrics of lulong_data.metrics.monitoring → components. Household rows go
through components.monitoring_tables, which checks can_see_households for every row.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from components import monitoring_charts as charts
from components import nav, safe, viewport
from components.auth import require_page
from components.cache import compute
from components.chart import show_chart
from components.context import as_of, bundle, lang, t, township
from components.help import metric_help
from components.kpi import tile
from components.monitoring_tables import household_table, rows_height
from components.table import show_table
from lulong_data.formatting import fmt_count, fmt_int, fmt_pct
from lulong_data.metrics import monitoring as mon

WEEK = dt.timedelta(days=7)
SOURCE = "县防贫中心"  # 数据来源 of every chart on this page


def _label(labels: dict[str, tuple[str, str]], code: str) -> str:
    return t(*labels[code])


def _kpis(day: dt.date, tw: str | None) -> None:
    now = compute(mon.summary, as_of=day, township=tw)
    before = compute(mon.summary, as_of=day - WEEK, township=tw)
    overdue = compute(mon.overdue_items, as_of=day, township=tw).value  # caveats: _deadline_notes
    overdue_before = compute(mon.overdue_items, as_of=day - WEEK, township=tw).value
    cols = viewport.columns(5, min_px=170)
    with cols[0]:
        tile(
            t("监测帮扶中(户)", "Households monitored"),
            fmt_count(now.monitored_households, t("户", "")),
            now.monitored_households - before.monitored_households,
            note=t(f"{fmt_int(now.monitored_persons)}人", f"{fmt_int(now.monitored_persons)} persons"),
            help=metric_help("monitored_households"),
        )
    with cols[1]:
        tile(
            t("占农村人口", "Share of rural population"),
            fmt_pct(now.share_pct, 2),
            note=t(
                f"农村人口 {fmt_int(now.rural_population)}人",
                f"rural population {fmt_int(now.rural_population)}",
            ),
            help=metric_help("monitored_persons_share"),
        )
    with cols[2]:
        tile(
            t("风险已消除(户)", "Risk eliminated (households)"),
            fmt_count(now.eliminated_households, t("户", "")),
            now.eliminated_households - before.eliminated_households,
            note=t(
                f"帮扶消除{fmt_int(now.eliminated_assisted_households)}户·"
                f"自然消除{fmt_int(now.eliminated_natural_households)}户",
                f"{fmt_int(now.eliminated_assisted_households)} by assistance · "
                f"{fmt_int(now.eliminated_natural_households)} by itself",
            ),
            help=metric_help("eliminated_households"),
        )
    with cols[3]:
        tile(
            t("认定程序中(户次)", "Cases in procedure"),
            fmt_int(now.in_procedure_cases),
            now.in_procedure_cases - before.in_procedure_cases,
        )
    with cols[4]:
        tile(
            t("逾期未办事项", "Overdue items"),
            fmt_int(overdue),
            overdue - overdue_before,
            better="down",
            help=metric_help("overdue_items"),
        )


def _objects(day: dt.date, tw: str | None) -> None:
    trend = compute(mon.monthly_trend, as_of=day, township=tw)
    names = {
        "identified": t("新纳入监测(户)", "newly monitored"),
        "eliminated_assisted": t("帮扶消除(户)", "eliminated by assistance"),
        "eliminated_natural": t("自然消除(户)", "risk went away by itself"),
    }
    if not trend.empty:
        show_chart(
            charts.trend(trend, names, title=t("每月新纳入与风险消除户数", "Households per month")),
            key="mon_trend",
            title=t(
                "每月新纳入监测与风险消除户数", "Households newly monitored and risk eliminated per month"
            ),
            unit=t("户", "households"),
            source=SOURCE,
            width=None,
        )
    dims = [
        ("category", t("按监测类别", "By category")),
        ("risk_1", t("按主要风险", "By main risk")),
        ("channel", t("按发现途径", "By discovery channel")),
    ]
    cols = st.columns(3)
    for col, (by, title) in zip(cols, dims, strict=True):
        df = compute(mon.breakdown, as_of=day, township=tw, by=by)
        df = df[df["monitored_households"] > 0]
        with col:
            if df.empty:
                st.info(t("暂无监测户", "No households under monitoring"))
            else:
                show_chart(
                    charts.hbar(df, by, "monitored_households", title=title + t("(户)", " (households)")),
                    key=f"mon_by_{by}",
                    title=t("监测户", "Monitored households") + t(title, f": {title}"),
                    unit=t("户", "households"),
                    source=SOURCE,
                    width=None,
                )
    st.subheader(t("各乡镇监测情况", "By township"))
    df = compute(mon.breakdown, as_of=day, township=tw, by="township")
    show_table(
        df[
            [
                "township_name",
                "monitored_households",
                "monitored_persons",
                "eliminated_assisted_households",
                "eliminated_natural_households",
                "rural_population",
                "share_pct",
            ]
        ].rename(
            columns={
                "township_name": t("乡镇", "Township"),
                "monitored_households": t("监测户", "Monitored households"),
                "monitored_persons": t("监测人口", "Monitored persons"),
                "eliminated_assisted_households": t("帮扶消除户", "Eliminated by assistance"),
                "eliminated_natural_households": t("自然消除户", "Went away by itself"),
                "rural_population": t("农村人口", "Rural population"),
                "share_pct": t("占农村人口%", "% of rural population"),
            }
        ),
        "monitoring_townships",
        key="mon_townships",
        height=rows_height(len(df)),
        column_config={
            t("占农村人口%", "% of rural population"): st.column_config.NumberColumn(format="%.2f%%")
        },
    )
    st.caption(
        t(
            "口径:监测户 = 县级审定日期不晚于截至日期且风险未消除的户(一户多次识别计一次);"
            "监测人口按农户表家庭人口;占比 = 监测人口 ÷ 乡镇农村人口。风险消除户不含再次纳入监测的户。",
            "Definition: monitored = approved by the as-of date and not eliminated (a household counts once); "
            "persons from the households roll; share = monitored persons / rural population. "
            "Eliminated excludes households monitored again.",
        )
    )


def _deadline_notes(day: dt.date, tw: str | None) -> list[str]:
    """What every deadline figure must say (estimated calendar, no procedure ledger), shown once under the
    tiles and written into the overdue list's XLSX."""
    notes = [c.text(lang()) for c in compute(mon.deadline_caveats, as_of=day, township=tw)]
    for note in notes:
        st.warning(note)
    return notes


def _procedure(day: dt.date, tw: str | None, notes: list[str]) -> None:
    funnel = compute(mon.procedure_funnel, as_of=day, township=tw)
    funnel["label"] = funnel["stage"].map(lambda s: _label(mon.STAGE_LABELS, s) + t("(已完成)", " done"))
    left, right = st.columns([2, 3])
    with left:
        show_chart(
            charts.funnel(
                funnel,
                title=t("认定程序中的户次(按已完成环节)", "Cases in procedure, by last step done"),
                cases_label=t("户次", "cases"),
                overdue_label=t("超15天", "over 15 days"),
            ),
            key="mon_funnel",
            title=t("认定程序中的户次(按已完成环节)", "Cases in procedure, by last step done"),
            unit=t("户次", "cases"),
            source=SOURCE,
            width=None,
        )
        st.caption(t("发现 → 入户核实 → 村级评议公示 → 乡镇审核 → 县级审定,全程不超过15天。",
                     "Found → verified → village review → township audit → county approval, within 15 days."))  # fmt: skip
    with right:
        comp = compute(mon.compliance, as_of=day, township=tw)
        if comp.empty:
            st.info(t("暂无到期事项", "Nothing due yet"))
        else:
            comp["check_label"] = comp["check"].map(lambda c: _label(mon.CHECK_SHORT, c))
            show_chart(
                charts.compliance_grid(
                    comp,
                    title=t("各乡镇按时办结率", "On-time rate by township"),
                    row="township_name",
                    col="check_label",
                ),
                key="mon_compliance",
                title=t("各乡镇按时办结率", "On-time rate by township"),
                unit="%",
                source=SOURCE,
                width=None,
            )
            st.caption(
                t(
                    "√ ≥95% 正常 · ▲ 80–95% 关注 · × <80% 落后。时限:"
                    + "、".join(t(*v) for v in mon.CHECK_LABELS.values())
                    + "。按时办结率 = 按时 ÷(按时 + 超时办结 + 逾期未办);未到期事项不计。工作日按国务院节假日安排(含调休)。",
                    "√ ≥95% on track · ▲ 80–95% watch · × <80% behind. Deadlines: "
                    + ", ".join(t(*v) for v in mon.CHECK_LABELS.values())
                    + ". Rate = on time / (on time + done late + overdue); items not yet due are not counted. "
                    "Working days follow the State Council calendar.",
                )
            )
    st.subheader(t("逾期未办清单", "Overdue list"))
    overdue = compute(mon.overdue_list, as_of=day, township=tw)
    household_table(
        overdue,
        "monitoring_overdue",
        key="mon_overdue",
        total_label=t("逾期未办事项", "Overdue items"),
        notes=notes,
    )


def _assistance(day: dt.date, tw: str | None) -> None:
    by_cat = compute(mon.measures_by_category, as_of=day, township=tw)
    cov = compute(mon.menu_coverage, as_of=day, township=tw)
    left, right = st.columns(2)
    with left:
        if by_cat.empty:
            st.info(t("暂无帮扶措施", "No measures yet"))
        else:
            per_cat = by_cat.groupby("policy_category", as_index=False)["measures"].sum()
            show_chart(
                charts.hbar(
                    per_cat,
                    "policy_category",
                    "measures",
                    title=t("帮扶措施(项次,按类别)", "Measures by category"),
                ),
                key="mon_measures",
                title=t("帮扶措施(按类别)", "Assistance measures by category"),
                unit=t("项次", "measures"),
                source=SOURCE,
                width=None,
            )
    with right:
        used = int((cov["measures"] > 0).sum())
        st.metric(t("政策菜单使用情况", "Policy menu items used"), f"{used} / {len(cov)}")
        unused = cov.loc[cov["measures"] == 0, "name"].tolist()
        if unused:
            st.caption(t("尚未使用:", "Not used yet: ") + "、".join(map(safe.text, unused)))
    st.subheader(t("按责任单位", "By department"))
    show_table(
        by_cat.rename(
            columns={
                "policy_category": t("类别", "Category"),
                "policy_department": t("责任单位", "Department"),
                "measures": t("措施(项次)", "Measures"),
                "households": t("户数", "Households"),
                "amount": t("金额(元)", "Amount (yuan)"),
            }
        ),
        "monitoring_measures",
        key="mon_measures",
        height=rows_height(len(by_cat)),
        column_config={t("金额(元)", "Amount (yuan)"): st.column_config.NumberColumn(format="localized")},
    )
    with st.expander(t("37项政策菜单逐项使用情况", "Every menu item"), expanded=False):
        show_table(
            cov.rename(
                columns={
                    "policy_code": t("编号", "Code"),
                    "name": t("政策", "Policy"),
                    "category": t("类别", "Category"),
                    "department": t("责任单位", "Department"),
                    "measures": t("使用次数", "Times used"),
                    "households": t("户数", "Households"),
                }
            ),
            "monitoring_menu",
            key="mon_menu",
        )
    st.subheader(t("尚无帮扶措施的监测户", "Monitored households with no measure yet"))
    none = compute(mon.households_without_measure, as_of=day, township=tw)
    household_table(none, "monitoring_no_measure", key="mon_nomeasure", total_label=t("户数", "Households"))
    st.subheader(
        t("批次识别5户以上(须县级会商)", "Batches of 5+ households approved on one day (county consultation)")
    )
    batches = compute(mon.consultation_batches, as_of=day, township=tw)
    show_table(
        batches.assign(approved_on=batches["approved_on"].dt.strftime("%Y-%m-%d")).rename(
            columns={
                "approved_on": t("审定日期", "Approved on"),
                "households": t("全县户数", "Households (county)"),
                "townships": t("涉及乡镇", "Townships"),
                "households_in_area": t("本范围户数", "Households in scope"),
            }
        ),
        "monitoring_batches",
        key="mon_batches",
    )


def _checks(day: dt.date, tw: str | None) -> None:
    rules = bundle().rules
    el, income = rules.elimination, rules.income_line(day.year)
    amount = fmt_int(income.amount) if income else "—"
    line = compute(mon.elimination_candidates, as_of=day, township=tw)
    st.subheader(t("符合帮扶消除条件", "Eligible for elimination by assistance"))
    st.caption(
        t(
            f"纳入监测满{el.min_months}个月、至少{el.min_measures}项帮扶措施、最新人均纯收入不低于"
            f"{day.year}年监测标准({amount}元)、三保障和饮水安全无缺项、非整户无劳动能力户。",
            f"Monitored ≥ {el.min_months} months, ≥ {el.min_measures} measure(s), latest income per head not "
            f"below the {day.year} monitoring line ({amount} yuan), no gap in education, housing or water, not "
            "a household where no one can work.",
        )
    )
    for note in compute(mon.elimination_caveats, as_of=day):
        st.warning(note.text(lang()))
    household_table(line, "monitoring_eligible", key="mon_eligible", total_label=t("户数", "Households"))
    st.subheader(
        t("整户无劳动能力、未标注兜底保障户", "No one can work, not flagged 整户无劳动能力兜底保障户")
    )
    unflagged = compute(mon.no_labour_unflagged, as_of=day, township=tw)
    household_table(
        unflagged, "monitoring_unflagged", key="mon_unflagged", total_label=t("户数", "Households")
    )
    st.subheader(t("应纳未纳", "Should be monitored but are not"))
    st.caption(
        t(
            "未纳入监测的脱贫户和一般农户中,最新人均纯收入低于当年监测标准,或义务教育、住房安全、饮水安全未保障的户。",
            "脱贫户 and 一般农户 not monitored whose latest income is below the year's line, or whose education, "
            "housing or water is not secured.",
        )
    )
    should = compute(mon.should_be_monitored, as_of=day, township=tw)
    household_table(should, "monitoring_should", key="mon_should", total_label=t("户数", "Households"))
    st.subheader(t("整户无劳动能力、未纳入低保特困(应兜尽兜)", "No one can work, no 低保/特困 cover"))
    gap = compute(mon.no_labour_without_cover, as_of=day, township=tw)
    household_table(gap, "monitoring_no_cover", key="mon_nocover", total_label=t("户数", "Households"))
    st.subheader(t("风险消除存疑", "Eliminations in doubt"))
    early = compute(mon.premature_eliminations, as_of=day, township=tw)
    household_table(early, "monitoring_premature", key="mon_premature", total_label=t("户次", "Cases"))


def render() -> None:
    require_page("monitoring")  # re-checked here: a deep link or page switch bypasses the menu
    day, tw = as_of(), township()
    st.title(t("防返贫动态监测", "Monitoring against relapse into poverty"))
    _kpis(day, tw)
    notes = _deadline_notes(day, tw)
    tabs = st.tabs(
        [
            t("监测对象", "Monitored households"),
            t("认定程序与时限", "Procedure and deadlines"),
            t("帮扶措施", "Assistance"),
            t("核查清单", "Checks"),
        ]
    )
    with tabs[0]:
        _objects(day, tw)
    with tabs[1]:
        _procedure(day, tw, notes)
    with tabs[2]:
        _assistance(day, tw)
    with tabs[3]:
        _checks(day, tw)


if __name__ == "__main__":
    nav.back_to_router(__file__)  # a legacy run: to the router, keeping the address
