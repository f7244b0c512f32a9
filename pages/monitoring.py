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
from components.chart import figure_chart
from components.context import as_of, lang, t, term, township
from components.help import definitions
from components.layout import tabbed
from components.monitoring_tables import household_list
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
        [
            ("monitored_households", None, ("monitored_persons",)),
            ("monitored_persons_share", None, ("rural_population",)),
            (
                "eliminated_households",
                None,
                ("eliminated_assisted_households", "eliminated_natural_households"),
            ),
            ("in_procedure_cases", None, None),
            ("overdue_items", None, None),
        ],
        week=True,
        said=frozenset(notes),
        **p,
    )
    for note in notes:
        st.warning(note, icon=":material/warning:")
    tabbed(
        [
            (term("monitoring_objects"), _objects),
            (term("tab_procedure"), _procedure),
            (term("assistance_measures"), _assistance),
            (term("tab_checks"), _checks),
        ],
        d,
        tw,
        notes,
    )


def _objects(d: dt.date, tw: str | None, notes: list[str]) -> None:
    trend = compute(mon.monthly_trend, as_of=d, township=tw)
    if not trend.empty:
        title = term("monthly_trend_chart")
        chart = charts.trend(trend, mv.trend_names(lang()), title=title)
        figure_chart(chart, key="mon_trend", title=title, figure="monitored_households", width=None)
    for col, (by, key) in zip(viewport.columns(3, min_px=300), mv.BREAKDOWNS, strict=True):
        df = compute(mv.breakdown_rows, as_of=d, township=tw, by=by)
        with col:
            if df.empty:
                st.info(t("暂无未消除风险户", "No household with risk not yet eliminated"))
                continue
            title = term(key, name=kpi.label("monitored_households"))
            chart = charts.hbar(df, by, "monitored_households", title=title)
            figure_chart(chart, key=f"mon_by_{by}", title=title, figure="monitored_households", width=None)
    st.subheader(term("monitoring_by_township"))
    show_table(
        compute(mv.township_rows, as_of=d, township=tw),
        "monitoring_townships",
        key="mon_townships",
        columns=mv.TOWNSHIPS,
        column_config={"monitored_persons_share": kpi.column("monitored_persons_share")},
        periods={"as_of": d, "township": tw},
    )
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
        figure_chart(chart, key="mon_funnel", title=title, figure="in_procedure_cases", width=None)
        st.caption(compute(mv.procedure_note, lang=lang()))
    with right:
        comp = compute(mv.compliance_rows, as_of=d, township=tw, lang=lang())
        if comp.empty:
            st.info(t("暂无到期事项", "Nothing due yet"))
        else:
            title = term("on_time_rate_by_township")
            chart = charts.compliance_grid(comp, title=title, row="township_name", col="check_label")
            figure_chart(
                chart, key="mon_compliance", title=title, figure="overdue_items", unit="%", width=None
            )
            st.caption(mv.compliance_note(lang()))
    household_list(mv.OVERDUE_LIST, as_of=d, township=tw, notes=notes)
    definitions("in_procedure_cases", "overdue_items")


def _assistance(d: dt.date, tw: str | None, notes: list[str]) -> None:
    by_cat = compute(mv.measure_rows, as_of=d, township=tw)
    menu = compute(mv.menu_rows, as_of=d, township=tw)
    left, right = viewport.columns(2, min_px=360)
    with left:
        if by_cat.empty:
            st.info(t("暂无帮扶措施", "No measures yet"))
        else:
            title = term("measures_by_category")
            chart = charts.hbar(mv.category_totals(by_cat), "policy_category", "measures", title=title)
            figure_chart(chart, key="mon_measures", title=title, figure="policy_menu_used", width=None)
    with right:
        used = figure("policy_menu_used", as_of=d, township=tw)
        kpi.figure_tile(used, note=kpi.companions([figure("policy_menu_items", as_of=d)]))
        st.caption(safe.text(mv.menu_note(menu, lang())))
    st.subheader(term("by_department"))
    show_table(
        by_cat,
        "monitoring_measures",
        key="mon_measures",
        table="measures",
        columns=mv.BY_CATEGORY,
        column_config={"amount": st.column_config.NumberColumn(format="localized")},
    )
    with st.expander(term("menu_items_used"), expanded=False):
        show_table(menu, "monitoring_menu", key="mon_menu", table="policy_menu", columns=mv.MENU)
    household_list(mv.NO_MEASURE_LIST, as_of=d, township=tw)
    st.subheader(term("batches_heading"))
    show_table(
        compute(mv.batch_rows, as_of=d, township=tw),
        "monitoring_batches",
        key="mon_batches",
        table="batches",
        columns=mv.BATCHES,
    )
    definitions("policy_menu_used", "policy_menu_items")


def _checks(d: dt.date, tw: str | None, notes: list[str]) -> None:
    kpi.figure_tiles(
        [
            ("should_monitor_households", None, None),
            ("no_labour_uncovered_households", None, None),
            ("relapse_households", None, None),
            ("impoverished_households", None, None),
        ],
        as_of=d,
        township=tw,
    )
    st.subheader(term("eligible_for_elimination"))
    st.caption(compute(mv.elimination_rule, as_of=d, lang=lang()))
    for note in compute(mon.elimination_caveats, as_of=d):
        st.warning(note.text(lang()), icon=":material/warning:")
    for i, spec in enumerate(mv.CHECK_LISTS):
        household_list(spec, as_of=d, township=tw, heading=i > 0)  # the first under the rule above
    definitions(
        "should_monitor_households",
        "no_labour_uncovered_households",
        "relapse_households",
        "impoverished_households",
    )


if __name__ == "__main__":
    nav.back_to_router(__file__)  # a legacy run: to the router, keeping the address
