"""What the monitoring page shows, decided here: the lists shaped for tables, and the judgments and rule texts
printed beside them (issue 21: the page only describes the screen).

Every list keeps ``township_code`` (the page shows a household row only to a role that may see that
township's households) and names its columns by keys of :mod:`lulong_data.columns`; the constants below are
the columns a table shows, in order. Codes become words here (the step, the stage, why a row is listed),
dates become ``YYYY-MM-DD`` text, departments their full names.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from lulong_data.county import name_of
from lulong_data.departments import full_name
from lulong_data.metrics import monitoring as mon

if TYPE_CHECKING:
    from lulong_data.bundle import Bundle

PLACE = ("township_name", "village_name", "head_masked")
OVERDUE = ("check", "case_id", *PLACE, "stage", "start_on", "due_on", "days_over")
NO_MEASURE = ("case_id", *PLACE, "category", "risk_1", "approved_on", "days_monitored")
CANDIDATES = ("case_id", *PLACE, "category", "approved_on", "days_monitored", "measures", "income_latest",
              "income_year", "income_line")  # fmt: skip
UNFLAGGED = ("case_id", *PLACE, "category", "risk_1", "persons")
SHOULD = (*PLACE, "household_type", "persons", "income_latest", "income_year", "income_line", "reason")
NO_COVER = ("case_id", *PLACE, "household_type", "category", "risk_1", "persons")
PREMATURE = ("case_id", *PLACE, "approved_on", "eliminated_on", "elimination_kind", "days_monitored", "measures",
             "income_at_elimination", "income_line", "reason")  # fmt: skip
TOWNSHIPS = ("township_name", "monitored_households", "monitored_persons", "eliminated_assisted_households",
             "eliminated_natural_households", "rural_population", "monitored_persons_share")  # fmt: skip
BY_CATEGORY = ("policy_category", "policy_department", "measures", "households", "amount")
MENU = ("policy_code", "name", "category", "department", "measures", "households")
BATCHES = ("approved_on", "households", "townships", "households_in_area")

# Why a row is on a list: (column of the list, zh, en), in the order they are named.
_DOUBTS = (
    ("too_soon", "帮扶消除监测期不足", "assisted: monitored too briefly"),
    ("no_measure", "消除前无帮扶措施", "no measure before"),
    ("below_line", "消除时收入低于当年监测标准", "income at elimination below the year's line"),
    ("no_labour", "整户无劳动能力,应兜底保障", "no one can work: 兜底, not assisted elimination"),
    ("guarantee_gap", "三保障或饮水安全未保障", "education, housing or water not secured"),
)
_SHOULD = (
    ("below_line", "最新收入低于当年监测标准", "latest income below the year's line"),
    ("guarantee_gap", "三保障或饮水安全未保障", "education, housing or water not secured"),
)

# Compliance cue bands (on-time rate in %): at or above the first √ 正常, at or above the second ▲ 关注,
# below × 落后 — the grid's colour and icon and the caption under it both come from here.
COMPLIANCE_BANDS = (95.0, 80.0)

SHOULD_NOTE = (
    "未纳入监测的脱贫户和一般农户中,最新人均纯收入低于当年监测标准,或义务教育、住房安全、饮水安全未保障的户。",
    "脱贫户 and 一般农户 not monitored whose latest income is below the year's line, or whose education, housing "
    "or water is not secured.",
)


def _pick(lang: str) -> int:
    return 1 if lang == "en" else 0


def rows(df: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """A household list for the screen and its spreadsheet: the step and the stage in words, why the row is
    listed (``reason``, for the eliminations in doubt and 应纳未纳), dates as ``YYYY-MM-DD``."""
    out = df.copy()
    i = _pick(lang)
    why = _DOUBTS if "too_soon" in out else _SHOULD if "below_line" in out else ()
    if why:
        words = [
            [w[1 + i] for w in why if bool(r[w[0]])] for r in out[[w[0] for w in why]].to_dict("records")
        ]
        out["reason"] = [("、" if i == 0 else "; ").join(w) for w in words]
    if "check" in out:
        out["check"] = out["check"].map(lambda c: mon.CHECK_LABELS[c][i])
    if "stage" in out:
        out["stage"] = out["stage"].map(lambda c: mon.STAGE_LABELS[c][i])
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.strftime("%Y-%m-%d").fillna("")
    return out


# The household lists of the page, by name: the function that builds each (all take as_of and township).
LISTS = {
    "overdue": mon.overdue_list,
    "no_measure": mon.households_without_measure,
    "candidates": mon.elimination_candidates,
    "unflagged": mon.no_labour_unflagged,
    "should": mon.should_be_monitored,
    "no_cover": mon.no_labour_without_cover,
    "premature": mon.premature_eliminations,
}


@dataclass(frozen=True)
class HouseholdList:
    """A household list as the page shows it: which list (a key of :data:`LISTS`), its heading (a glossary
    key), its columns (keys of lulong_data.columns, table "household_list"), its file stem and widget key,
    what counts its rows (a glossary key: "共22户", "共22项") and a sentence under the heading (zh, en)."""

    name: str
    heading: str
    columns: tuple[str, ...]
    file: str
    key: str
    counter: str = "household"
    note: tuple[str, str] | None = None


OVERDUE_LIST = HouseholdList(
    "overdue", "overdue_list", OVERDUE, "monitoring_overdue", "mon_overdue", counter="procedure_item"
)
NO_MEASURE_LIST = HouseholdList(
    "no_measure", "no_measure_yet", NO_MEASURE, "monitoring_no_measure", "mon_nomeasure"
)
# The checks tab, in order; the first comes under the elimination rule the page states.
CHECK_LISTS = (
    HouseholdList(
        "candidates", "eligible_for_elimination", CANDIDATES, "monitoring_eligible", "mon_eligible"
    ),
    HouseholdList("unflagged", "no_labour_unflagged", UNFLAGGED, "monitoring_unflagged", "mon_unflagged"),
    HouseholdList("should", "should_monitor", SHOULD, "monitoring_should", "mon_should", note=SHOULD_NOTE),
    HouseholdList("no_cover", "no_labour_no_cover", NO_COVER, "monitoring_no_cover", "mon_nocover"),
    HouseholdList(
        "premature",
        "eliminations_in_doubt",
        PREMATURE,
        "monitoring_premature",
        "mon_premature",
        counter="doubtful_elimination",
    ),
)
HOUSEHOLD_LISTS = (OVERDUE_LIST, NO_MEASURE_LIST, *CHECK_LISTS)


def household_list(
    b: Bundle, *, name: str, as_of: dt.date, township: str | None = None, lang: str = "zh"
) -> pd.DataFrame:
    """The household list ``name`` (a key of :data:`LISTS`) shaped for the screen (:func:`rows`)."""
    return rows(LISTS[name](b, as_of=as_of, township=township), lang)


def trend_names(lang: str = "zh") -> dict[str, str]:
    """The series of the monthly trend chart (mon.monthly_trend's columns) by name: newly monitored, and
    eliminated with assistance / naturally (the registry's short labels)."""
    from lulong_data import glossary
    from lulong_data.metrics.registry import METRICS

    return {
        "identified": glossary.term("new_monitoring", lang),
        "eliminated_assisted": METRICS["eliminated_assisted_households"].label(lang, short=True),
        "eliminated_natural": METRICS["eliminated_natural_households"].label(lang, short=True),
    }


# The breakdowns of the households not yet out of risk: (the case column, the chart title's glossary key).
BREAKDOWNS = (("category", "by_category"), ("risk_1", "by_main_risk"), ("channel", "by_channel"))


def breakdown_rows(b: Bundle, *, as_of: dt.date, township: str | None = None, by: str) -> pd.DataFrame:
    """The monitored households by ``by`` (see :data:`BREAKDOWNS`), only the values that have any."""
    df = mon.breakdown(b, as_of=as_of, township=township, by=by)
    return df[df["monitored_households"] > 0]


def category_totals(by_category: pd.DataFrame) -> pd.DataFrame:
    """:func:`measure_rows` summed by policy category (the chart of measures): policy_category, measures."""
    return by_category.groupby("policy_category", as_index=False)["measures"].sum()


def township_rows(b: Bundle, *, as_of: dt.date, township: str | None = None) -> pd.DataFrame:
    """The monitored and eliminated households, persons, rural population and the monitored share by
    township, each column a registered figure (keys :data:`TOWNSHIPS`)."""
    df = mon.breakdown(b, as_of=as_of, township=township, by="township")
    return df.rename(columns={"share_pct": "monitored_persons_share"})


def measure_rows(b: Bundle, *, as_of: dt.date, township: str | None = None) -> pd.DataFrame:
    """Measures by policy category and responsible department (full name), keys :data:`BY_CATEGORY`."""
    df = mon.measures_by_category(b, as_of=as_of, township=township)
    return df.assign(policy_department=_departments(b, df["policy_department"]))


def menu_rows(b: Bundle, *, as_of: dt.date, township: str | None = None) -> pd.DataFrame:
    """Every item of the policy menu with its use (keys :data:`MENU`), departments by full name."""
    df = mon.menu_coverage(b, as_of=as_of, township=township)
    return df.assign(department=_departments(b, df["department"]))


def _departments(b: Bundle, names: pd.Series) -> list[str]:
    county = name_of(b)
    return [full_name(n if isinstance(n, str) else None, county) for n in names]


def menu_note(menu: pd.DataFrame, lang: str = "zh") -> str:
    """The policies not used yet, in one sentence ("" when every one was used)."""
    unused = menu.loc[menu["measures"] == 0, "name"].tolist()
    if not unused:
        return ""
    return ("Not used yet: " + ", ".join(unused)) if lang == "en" else "尚未使用:" + "、".join(unused)


def batch_rows(b: Bundle, *, as_of: dt.date, township: str | None = None) -> pd.DataFrame:
    """Days the county approved a batch that needs 会商 (keys :data:`BATCHES`), dates as text."""
    return rows(mon.consultation_batches(b, as_of=as_of, township=township))


def funnel_rows(b: Bundle, *, as_of: dt.date, township: str | None = None, lang: str = "zh") -> pd.DataFrame:
    """Households in the identification procedure by the last step done (``label``), with those past the
    15 days (:func:`monitoring.procedure_funnel`)."""
    df = mon.procedure_funnel(b, as_of=as_of, township=township)
    done = " done" if lang == "en" else "(已完成)"
    return df.assign(label=[mon.STAGE_LABELS[s][_pick(lang)] + done for s in df["stage"]])


def over_label(b: Bundle, *, lang: str = "zh") -> str:
    """What the funnel calls the households past the identification deadline ("超15天")."""
    days = b.rules.deadlines.identification_days
    return f"over {days} days" if lang == "en" else f"超{days}天"


def procedure_note(b: Bundle, *, lang: str = "zh") -> str:
    """The identification procedure and its deadline, in words (rules.toml)."""
    days = b.rules.deadlines.identification_days
    steps = [step[2 + _pick(lang)] for step in mon.STEPS]
    if lang == "en":
        return " → ".join(steps) + f", within {days} days."
    return " → ".join(steps) + f",全程不超过{days}天。"


def compliance_cue(rate: float | None) -> str:
    """The status key of an on-time rate ("good" / "watch" / "behind"; "" when nothing was due)."""
    if rate is None or rate != rate:
        return ""
    good, watch = COMPLIANCE_BANDS
    return "good" if rate >= good else "watch" if rate >= watch else "behind"


def compliance_rows(
    b: Bundle, *, as_of: dt.date, township: str | None = None, lang: str = "zh"
) -> pd.DataFrame:
    """On-time rates by township and step (:func:`monitoring.compliance`) with the step's short name
    (``check_label``) and its cue (``cue``, :func:`compliance_cue`)."""
    df = mon.compliance(b, as_of=as_of, township=township)
    return df.assign(
        check_label=[mon.CHECK_SHORT[c][_pick(lang)] for c in df["check"]],
        cue=[compliance_cue(r) for r in df["rate_pct"]],
    )


def compliance_note(lang: str = "zh") -> str:
    """The bands, the deadlines and how the on-time rate is counted, in words."""
    good, watch = (f"{v:g}%" for v in COMPLIANCE_BANDS)
    steps = [v[_pick(lang)] for v in mon.CHECK_LABELS.values()]
    if lang == "en":
        return (
            f"√ ≥{good} on track · ▲ {watch}–{good} watch · × <{watch} behind. Deadlines: {', '.join(steps)}. "
            "Rate = on time / (on time + done late + overdue); items not yet due are not counted. Working days "
            "follow the State Council's holiday schedule."
        )
    return (
        f"√ ≥{good} 正常 · ▲ {watch}–{good} 关注 · × <{watch} 落后。时限:{'、'.join(steps)}。"
        "按时办结率 = 按时 ÷(按时 + 超时办结 + 逾期未办);未到期事项不计。工作日按国务院办公厅公布的节假日安排(含调休)。"
    )


def elimination_rule(b: Bundle, *, as_of: dt.date, lang: str = "zh") -> str:
    """The conditions of 帮扶消除 as rules.toml sets them, with the year's income line ("—" when the county
    has not supplied it: the caveat says so)."""
    el, line = b.rules.elimination, b.rules.income_line(as_of.year)
    amount = f"{line.amount:,.0f}" if line else "—"
    if lang == "en":
        return (
            f"Monitored ≥ {el.min_months} months, ≥ {el.min_measures} measure(s), latest income per head not below "
            f"the {as_of.year} monitoring line ({amount} yuan), no gap in education, housing or water, not a "
            "household where no one can work."
        )
    return (
        f"纳入监测满{el.min_months}个月、至少{el.min_measures}项帮扶措施、最新人均纯收入不低于{as_of.year}年监测标准"
        f"({amount}元)、三保障和饮水安全无缺项、非整户无劳动能力户。"
    )
