"""防返贫动态监测 (issue #4): households whose risk is not yet eliminated, the identification procedure and its
deadlines, assistance, and the checks. Every tile is a registry name, every table shows keys of the one
column-label table, and the lists, rule texts and cues come from lulong_data.metrics.monitoring_view.
Household rows go through components.monitoring_tables, which checks can_see_households for every row."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from components import kpi, nav, safe, viewport
from components import monitoring_charts as charts
from components.auth import require_page
from components.cache import compute, figure
from components.chart import show_chart, source_of
from components.context import as_of, lang, t, term, township
from components.help import definitions
from components.layout import tabbed
from components.monitoring_tables import household_table
from components.table import show_table
from lulong_data.metrics import monitoring as mon
from lulong_data.metrics import monitoring_view as mv


def render() -> None:
    require_page("monitoring")  # re-checked here: a deep link or page switch bypasses the menu
    st.title(term("monitoring_title"))
    d, tw = as_of(), township()
    # What every deadline figure, list and export must say (an estimated calendar, no county ledger): said
    # once under the tiles, and written into the overdue list's spreadsheet.
    notes = [c.text(lang()) for c in compute(mon.deadline_caveats, as_of=d, township=tw)]

    p = {"as_of": d, "township": tw}
    kpi.figure_tiles(
        [("monitored_households", None, kpi.companions([figure("monitored_persons", **p)])),
         ("monitored_persons_share", None, kpi.companions([figure("rural_population", **p)])),
         ("eliminated_households", None, kpi.companions([figure("eliminated_assisted_households", **p),
                                                         figure("eliminated_natural_households", **p)])),
         ("in_procedure_cases", None, None),
         ("overdue_items", None, None)],
        week=True, said=frozenset(notes), **p,
    )  # fmt: skip
    for note in notes:
        st.warning(note, icon=":material/warning:")
    tabbed(
        [(term("monitoring_objects"), _objects), (term("tab_procedure"), _procedure),
         (term("assistance_measures"), _assistance), (term("tab_checks"), _checks)],
        d, tw, notes,
    )  # fmt: skip


def _chart(chart, key: str, title: str, name: str) -> None:  # unit and source: the figure's (registry)
    show_chart(chart, key=key, title=title, unit=kpi.unit(name), source=source_of(name), width=None)


def _objects(d: dt.date, tw: str | None, notes: list[str]) -> None:
    trend = compute(mon.monthly_trend, as_of=d, township=tw)
    if not trend.empty:
        names = {"identified": term("new_monitoring"),
                 "eliminated_assisted": kpi.short_label("eliminated_assisted_households"),
                 "eliminated_natural": kpi.short_label("eliminated_natural_households")}  # fmt: skip
        title = term("monthly_trend_chart")
        _chart(charts.trend(trend, names, title=title), "mon_trend", title, "monitored_households")
    dims = (("category", "by_category"), ("risk_1", "by_main_risk"), ("channel", "by_channel"))
    for col, (by, key) in zip(viewport.columns(3, min_px=300), dims, strict=True):
        df = compute(mon.breakdown, as_of=d, township=tw, by=by)
        df = df[df["monitored_households"] > 0]
        with col:
            if df.empty:
                st.info(t("暂无未消除风险户", "No household with risk not yet eliminated"))
                continue
            title = term(key, name=kpi.label("monitored_households"))
            _chart(charts.hbar(df, by, "monitored_households", title=title), f"mon_by_{by}", title, "monitored_households")  # fmt: skip
    st.subheader(term("monitoring_by_township"))
    show_table(
        compute(mv.township_rows, as_of=d, township=tw), "monitoring_townships", key="mon_townships",
        columns=mv.TOWNSHIPS, column_config={"monitored_persons_share": kpi.column("monitored_persons_share")},
        periods={"as_of": d, "township": tw},
    )  # fmt: skip
    definitions(*mv.TOWNSHIPS[1:], "eliminated_households")


def _procedure(d: dt.date, tw: str | None, notes: list[str]) -> None:
    left, right = viewport.columns([2, 3], min_px=360)
    with left:
        funnel = compute(mv.funnel_rows, as_of=d, township=tw, lang=lang())
        title = term("procedure_funnel")
        over = compute(mv.over_label, lang=lang())
        chart = charts.funnel(
            funnel, title=title, cases_label=kpi.unit("in_procedure_cases"), overdue_label=over
        )
        _chart(chart, "mon_funnel", title, "in_procedure_cases")
        st.caption(compute(mv.procedure_note, lang=lang()))
    with right:
        comp = compute(mv.compliance_rows, as_of=d, township=tw, lang=lang())
        if comp.empty:
            st.info(t("暂无到期事项", "Nothing due yet"))
        else:
            title = term("on_time_rate_by_township")
            chart = charts.compliance_grid(comp, title=title, row="township_name", col="check_label")
            show_chart(chart, key="mon_compliance", title=title, unit="%", source=source_of("overdue_items"), width=None)  # fmt: skip
            st.caption(mv.compliance_note(lang()))
    st.subheader(term("overdue_list"))
    household_table(
        compute(mv.household_list, name="overdue", as_of=d, township=tw, lang=lang()), "monitoring_overdue",
        key="mon_overdue", columns=mv.OVERDUE, counter="procedure_item", notes=notes,
    )  # fmt: skip
    definitions("in_procedure_cases", "overdue_items")


def _assistance(d: dt.date, tw: str | None, notes: list[str]) -> None:
    by_cat = compute(mv.measure_rows, as_of=d, township=tw)
    menu = compute(mv.menu_rows, as_of=d, township=tw)
    left, right = viewport.columns(2, min_px=360)
    with left:
        if by_cat.empty:
            st.info(t("暂无帮扶措施", "No measures yet"))
        else:
            per_cat = by_cat.groupby("policy_category", as_index=False)["measures"].sum()
            title = term("measures_by_category")
            _chart(charts.hbar(per_cat, "policy_category", "measures", title=title), "mon_measures", title, "policy_menu_used")  # fmt: skip
    with right:
        used = figure("policy_menu_used", as_of=d, township=tw)
        kpi.figure_tile(used, note=kpi.companions([figure("policy_menu_items", as_of=d)]))
        st.caption(safe.text(mv.menu_note(menu, lang())))
    st.subheader(term("by_department"))
    show_table(
        by_cat, "monitoring_measures", key="mon_measures", table="measures", columns=mv.BY_CATEGORY,
        column_config={"amount": st.column_config.NumberColumn(format="localized")},
    )  # fmt: skip
    with st.expander(term("menu_items_used"), expanded=False):
        show_table(menu, "monitoring_menu", key="mon_menu", table="policy_menu", columns=mv.MENU)
    st.subheader(term("no_measure_yet"))
    household_table(
        compute(mv.household_list, name="no_measure", as_of=d, township=tw, lang=lang()), "monitoring_no_measure",
        key="mon_nomeasure", columns=mv.NO_MEASURE,
    )  # fmt: skip
    st.subheader(term("batches_heading"))
    show_table(
        compute(mv.batch_rows, as_of=d, township=tw), "monitoring_batches", key="mon_batches", table="batches",
        columns=mv.BATCHES,
    )  # fmt: skip
    definitions("policy_menu_used", "policy_menu_items")


def _checks(d: dt.date, tw: str | None, notes: list[str]) -> None:
    kpi.figure_tiles(
        [("should_monitor_households", None, None), ("no_labour_uncovered_households", None, None),
         ("relapse_households", None, None), ("impoverished_households", None, None)],
        as_of=d, township=tw,
    )  # fmt: skip
    st.subheader(term("eligible_for_elimination"))
    st.caption(compute(mv.elimination_rule, as_of=d, lang=lang()))
    for note in compute(mon.elimination_caveats, as_of=d):
        st.warning(note.text(lang()), icon=":material/warning:")

    def rows(name: str):
        return compute(mv.household_list, name=name, as_of=d, township=tw, lang=lang())

    household_table(rows("candidates"), "monitoring_eligible", key="mon_eligible", columns=mv.CANDIDATES)
    st.subheader(term("no_labour_unflagged"))
    household_table(rows("unflagged"), "monitoring_unflagged", key="mon_unflagged", columns=mv.UNFLAGGED)
    st.subheader(term("should_monitor"))
    st.caption(t(*mv.SHOULD_NOTE))
    household_table(rows("should"), "monitoring_should", key="mon_should", columns=mv.SHOULD)
    st.subheader(term("no_labour_no_cover"))
    household_table(rows("no_cover"), "monitoring_no_cover", key="mon_nocover", columns=mv.NO_COVER)
    st.subheader(term("eliminations_in_doubt"))
    household_table(
        rows("premature"),
        "monitoring_premature",
        key="mon_premature",
        columns=mv.PREMATURE,
        counter="doubtful_elimination",
    )
    definitions("should_monitor_households", "no_labour_uncovered_households", "relapse_households",
                "impoverished_households")  # fmt: skip


if __name__ == "__main__":
    nav.back_to_router(__file__)  # a legacy run: to the router, keeping the address
