"""周调度: what the weekly dispatch meeting looks at — what changed, who is behind, what needs a decision.

Nothing here is a new figure. Every number is a topic metric (monitoring, employment, environment)
evaluated at two dates, the meeting date and the comparison date, so the dispatch page, its projector
view, its printed sheet and the topic pages always agree.

Township status (``behind``/``watch``/``good``) is :func:`lulong_data.status.township_status`, the one rule
the overview and map use too; each row says why in words, so the cue is never colour alone, and rows come
worst first in that rule's order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from lulong_data import status as status_rule
from lulong_data.county import name_of
from lulong_data.formatting import MINUS, MISSING, RATES, fmt_count, fmt_delta, fmt_int, fmt_pct, fmt_rate
from lulong_data.metrics import environment as env
from lulong_data.metrics import monitoring as mon
from lulong_data.metrics import pace
from lulong_data.metrics.registry import METRICS

if TYPE_CHECKING:
    from lulong_data.bundle import Bundle

# -- the comparison period -------------------------------------------------------------------------

COMPARISONS: dict[str, tuple[str, str]] = {
    "week": ("上周", "last week"),
    "month": ("上月", "last month"),
    "quarter": ("季初", "start of quarter"),
    "year": ("年初", "start of year"),
}


def comparison_date(meeting: dt.date, comparison: str = "week") -> dt.date:
    """The date the meeting compares with.

    week: seven days earlier; month: the same day a month earlier (31 March -> 28/29 February);
    quarter / year: the last day before the quarter / year began, so the change is "so far this quarter".
    """
    if comparison == "week":
        return meeting - dt.timedelta(days=7)
    if comparison == "month":
        first = meeting.replace(day=1)
        prev_last = first - dt.timedelta(days=1)
        return prev_last.replace(day=min(meeting.day, prev_last.day))
    if comparison == "quarter":
        start = meeting.replace(month=(meeting.month - 1) // 3 * 3 + 1, day=1)
        return start - dt.timedelta(days=1)
    if comparison == "year":
        return dt.date(meeting.year - 1, 12, 31)
    raise ValueError(f"comparison must be one of {list(COMPARISONS)}, not {comparison!r}")


def _t(lang: str, zh: str, en: str) -> str:
    return en if lang == "en" else zh


# -- headline figures now / then / change ----------------------------------------------------------


@dataclass(frozen=True)
class HeadlineSpec:
    key: str
    title_zh: str
    title_en: str
    unit: str
    metric: str  # the registered 口径 it shows ("" when the figure is part of a registered summary)
    better: str | None  # "up", "down" or None (a size, neither)
    value: Callable[[Bundle, dt.date, int], Any]


def _registered(name: str, yearly: bool = False) -> Callable[[Bundle, dt.date, int], Any]:
    def value(b: Bundle, day: dt.date, year: int) -> Any:
        params = {"year": year} if yearly else {}
        return METRICS[name](b, as_of=day, **params)

    return value


HEADLINES: tuple[HeadlineSpec, ...] = (
    HeadlineSpec(
        "monitored_households", "监测帮扶中", "Monitored", "户", "monitored_households", None,
        _registered("monitored_households"),
    ),
    HeadlineSpec(
        "monitored_persons", "监测帮扶中人数", "Monitored persons", "人", "monitored_persons", None,
        _registered("monitored_persons"),
    ),
    HeadlineSpec(
        "eliminated_households", "风险已消除", "Risk eliminated", "户", "eliminated_households", "up",
        _registered("eliminated_households"),
    ),
    HeadlineSpec(
        "in_procedure", "认定程序中", "In procedure", "件", "", None,
        lambda b, d, y: mon.summary(b, as_of=d).in_procedure_cases,
    ),
    HeadlineSpec(
        "overdue_items", "逾期未办事项", "Overdue items", "项", "overdue_items", "down",
        _registered("overdue_items"),
    ),
    HeadlineSpec(
        "employment_placed", "务工就业(本年)", "In work (this year)", "人", "employment_placed", "up",
        _registered("employment_placed", yearly=True),
    ),
    HeadlineSpec(
        "employment_rate", "就业目标完成率", "Share of job target", "%", "employment_rate", "up",
        _registered("employment_rate", yearly=True),
    ),
    HeadlineSpec(
        "env_black_villages", "人居环境黑榜村", "Black-listed villages", "个", "env_black_villages", "down",
        _registered("env_black_villages"),
    ),
    HeadlineSpec(
        "env_talk_villages", "需约谈村", "Villages due a talk", "个", "env_talk_villages", "down",
        _registered("env_talk_villages"),
    ),
)  # fmt: skip


@dataclass(frozen=True)
class Headline:
    key: str
    title_zh: str
    title_en: str
    unit: str
    metric: str
    better: str | None
    now: float | None
    then: float | None

    @property
    def change(self) -> float | None:
        if self.now is None or self.then is None:
            return None
        return self.now - self.then

    def title(self, lang: str = "zh") -> str:
        return _t(lang, self.title_zh, self.title_en)

    def fmt(self, value: float | None, lang: str = "zh") -> str:
        """A value with its unit (units dropped in English, where the title says what is counted)."""
        if self.key in RATES:
            return fmt_rate(value)
        if self.unit == "%":
            return fmt_pct(value)
        return fmt_count(value, _t(lang, self.unit, ""))

    def fmt_change(self, lang: str = "zh") -> str:
        """+12 / −3 / 0; a rate changes in percentage points."""
        c = self.change
        if c is None:
            return MISSING
        if self.unit == "%":
            sign = "+" if round(c, 1) > 0 else (MINUS if round(c, 1) < 0 else "")
            return sign + fmt_pct(abs(c)).rstrip("%") + _t(lang, "个百分点", " pp")
        return fmt_delta(c)

    @property
    def trend(self) -> str | None:
        """ "better", "worse" or None (no change, or a size with no good direction)."""
        c = self.change
        if not c or self.better is None or (self.unit == "%" and round(c, 1) == 0):
            return None
        return "better" if (c > 0) == (self.better == "up") else "worse"


def _clean(value: Any) -> float | None:
    if value is None:
        return None
    try:
        return None if pd.isna(value) else float(value)
    except (TypeError, ValueError):
        return None


def headlines(b: Bundle, *, as_of: dt.date, since: dt.date) -> tuple[Headline, ...]:
    """Every headline figure at ``as_of`` and at ``since`` (yearly figures of as_of's year at both)."""
    out = []
    for s in HEADLINES:
        now, then = (_clean(s.value(b, d, as_of.year)) for d in (as_of, since))
        out.append(Headline(s.key, s.title_zh, s.title_en, s.unit, s.metric, s.better, now, then))
    return tuple(out)


# -- townships: one row each, with the one status ------------------------------------------------------

STATUS_ORDER = status_rule.ORDER  # behind, watch, good
status_label = status_rule.label


def _period_counts(df: pd.DataFrame, col: str, since: dt.date, as_of: dt.date) -> pd.Series:
    """Distinct households per township with ``col`` in (since, as_of]."""
    on = df[col]
    hit = df[(on > pd.Timestamp(since)) & (on <= pd.Timestamp(as_of))]
    return hit.groupby("township_code")["household_id"].nunique()


def township_rows(b: Bundle, *, as_of: dt.date, since: dt.date) -> pd.DataFrame:
    """One row per township, worst first: :func:`lulong_data.status.township_status` (status, reasons,
    overdue items and points, job pace, environment) plus what changed in the period: township (name),
    new_households (newly approved for monitoring), eliminated_households (risk eliminated),
    overdue_then (overdue items on ``since``) and overdue_change.
    """
    out = status_rule.township_status(b, as_of=as_of).rename(columns={"name": "township"})
    cases = mon.cases(b, as_of=as_of)
    out["new_households"] = out["township_code"].map(_period_counts(cases, "approved_on", since, as_of))
    out["eliminated_households"] = out["township_code"].map(
        _period_counts(cases, "eliminated_on", since, as_of)
    )
    then = mon.overdue_list(b, as_of=since).groupby("township_code").size()
    out["overdue_then"] = out["township_code"].map(then)
    for col in ("new_households", "eliminated_households", "overdue_then"):
        out[col] = out[col].fillna(0).astype("int64")
    out["overdue_change"] = out["overdue"] - out["overdue_then"]
    return out


# -- items that need a decision ----------------------------------------------------------------------


@dataclass(frozen=True)
class Decisions:
    overdue: pd.DataFrame  # per township and check: township_code, township, check, items, max_days_over
    overdue_items: pd.DataFrame  # household rows (masked names), longest overdue first: for allowed roles
    jobs_behind: pd.DataFrame  # townships short of the pace: township, placed, expected, target, short, pct
    talks: pd.DataFrame  # villages black-listed N months running: village, township, months_running, since
    batches: pd.DataFrame  # approval days of >= batch_households households in the period (会商)


def decisions(b: Bundle, *, as_of: dt.date, since: dt.date) -> Decisions:
    items = mon.overdue_list(b, as_of=as_of)
    grouped = (
        items.groupby(["township_code", "township_name", "check"], as_index=False)
        .agg(items=("case_id", "size"), max_days_over=("days_over", "max"))
        .rename(columns={"township_name": "township"})
    )
    order = {c: i for i, c in enumerate(mon.CHECK_LABELS)}
    grouped["_total"] = grouped.groupby("township_code")["items"].transform("sum")
    grouped["_check"] = grouped["check"].map(order)
    grouped = grouped.sort_values(["_total", "township_code", "_check"], ascending=[False, True, True])
    jobs = pace.township_pace(b, as_of=as_of)
    behind = jobs[jobs["short"] > 0].sort_values(["short", "township_code"], ascending=[False, True])
    batches = mon.consultation_batches(b, as_of=as_of)
    batches = batches[batches["approved_on"] > pd.Timestamp(since)].reset_index(drop=True)
    return Decisions(
        overdue=grouped.drop(columns=["_total", "_check"]).reset_index(drop=True),
        overdue_items=items,
        jobs_behind=behind[
            ["township_code", "township", "placed", "expected", "target", "short", "pct"]
        ].reset_index(drop=True),
        talks=env.talk_flags(b, as_of=as_of),
        batches=batches,
    )


# -- the whole meeting ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dispatch:
    meeting: dt.date  # the figures are as of this date
    since: dt.date  # ... compared with this one
    comparison: str  # key of COMPARISONS
    data_as_of: dt.date  # the data's own as-of date
    rule: status_rule.StatusRule
    yardstick: pace.Yardstick  # how the job pace was set (monthly plan / last year's curve / even)
    headlines: tuple[Headline, ...]
    townships: pd.DataFrame
    decisions: Decisions
    batch_households: int  # the 会商 rule, for the wording
    county_zh: str = ""  # whose meeting: the title of the printed page (lulong_data.county.name_of)
    county_en: str = ""

    @property
    def env_period(self) -> str | None:
        periods = self.townships["env_period"].dropna()
        return str(periods.iloc[0]) if len(periods) else None

    def headline(self, key: str) -> Headline:
        return next(h for h in self.headlines if h.key == key)

    def rule_text(self, lang: str = "zh") -> str:
        """The status rule and the job yardstick in words (under every township table)."""
        return status_rule.describe(self.rule, lang) + " " + self.yardstick.text(lang)

    def comparison_label(self, lang: str = "zh") -> str:
        zh, en = COMPARISONS[self.comparison]
        return _t(lang, f"{zh}({self.since:%Y-%m-%d})", f"{en} ({self.since:%Y-%m-%d})")

    def period_label(self, lang: str = "zh") -> str:
        return _t(
            lang,
            f"{self.since + dt.timedelta(days=1):%Y-%m-%d} 至 {self.meeting:%Y-%m-%d}",
            f"{self.since + dt.timedelta(days=1):%Y-%m-%d} to {self.meeting:%Y-%m-%d}",
        )

    def dates_line(self, lang: str = "zh", *, period: bool = True) -> str:
        """Meeting date, data as-of date and comparison (and the period): on every view of the meeting."""
        text = _t(
            lang,
            f"会议日期 {self.meeting:%Y-%m-%d} · 数据截至 {self.data_as_of:%Y-%m-%d} · "
            f"对比 {self.comparison_label('zh')}",
            f"Meeting {self.meeting:%Y-%m-%d} · data as of {self.data_as_of:%Y-%m-%d} · "
            f"compared with {self.comparison_label('en')}",
        )
        return text + (
            _t(lang, f" · 本期 {self.period_label(lang)}", f" · period {self.period_label(lang)}")
            if period
            else ""
        )


def prepare(b: Bundle, *, as_of: dt.date, comparison: str = "week") -> Dispatch:
    """Everything the meeting shows, at ``as_of`` (the meeting date) against the comparison date."""
    since = comparison_date(as_of, comparison)
    rule = status_rule.rule_for(b)
    return Dispatch(
        meeting=as_of,
        since=since,
        comparison=comparison,
        data_as_of=b.as_of,
        rule=rule,
        yardstick=pace.yardstick(b, as_of=as_of),
        headlines=headlines(b, as_of=as_of, since=since),
        townships=township_rows(b, as_of=as_of, since=since),
        decisions=decisions(b, as_of=as_of, since=since),
        batch_households=b.rules.batch_households,
        county_zh=name_of(b, "zh"),
        county_en=name_of(b, "en"),
    )


# -- the same tables and sentences for page, projector and paper -----------------------------------


def headline_table(d: Dispatch, lang: str = "zh") -> pd.DataFrame:
    """Indicator, now, then, change — as text, exactly as shown and printed."""
    return pd.DataFrame(
        {
            _t(lang, "指标", "Indicator"): [h.title(lang) for h in d.headlines],
            _t(lang, "本期", "Now"): [h.fmt(h.now, lang) for h in d.headlines],
            _t(lang, "上期", "Then"): [h.fmt(h.then, lang) for h in d.headlines],
            _t(lang, "变化", "Change"): [h.fmt_change(lang) for h in d.headlines],
        }
    )


def _jobs_text(r: pd.Series, lang: str) -> str:
    if pd.isna(r["expected"]):
        return _t(lang, f"{fmt_int(r['placed'])}(无目标)", f"{fmt_int(r['placed'])} (no target)")
    return f"{fmt_int(r['placed'])}/{fmt_int(r['expected'])}({fmt_pct(r['pace_pct'], 0)})"


def _env_text(r: pd.Series, lang: str) -> str:
    if pd.isna(r["env_rank"]):
        return _t(lang, "未检查", "not inspected")
    lists = {env.RED: ("红榜", "red list"), env.BLACK: ("黑榜", "black list")}
    rank = f"{int(r['env_rank'])}/{int(r['env_ranked'])}"
    name = lists.get(r["env_list"])
    return rank + (" " + _t(lang, *name) if name else "")


def township_table(d: Dispatch, lang: str = "zh") -> pd.DataFrame:
    """The township rows as text, worst first (page, projector and sheet show this very frame)."""
    df = d.townships
    overdue = [
        fmt_int(n) + (f"({fmt_delta(c)})" if c else "")
        for n, c in zip(df["overdue"], df["overdue_change"], strict=True)
    ]
    return pd.DataFrame(
        {
            _t(lang, "状态", "Status"): [status_label(s, lang) for s in df["status"]],
            _t(lang, "乡镇", "Township"): df["township"],
            _t(lang, "新纳入(户)", "New (hh)"): df["new_households"].map(fmt_int),
            _t(lang, "消除(户)", "Eliminated (hh)"): df["eliminated_households"].map(fmt_int),
            _t(lang, "逾期(项)", "Overdue"): overdue,
            _t(lang, "就业/序时进度", "Jobs / pace"): [_jobs_text(r, lang) for _, r in df.iterrows()],
            _t(lang, "人居环境", "Environment"): [_env_text(r, lang) for _, r in df.iterrows()],
            _t(lang, "原因", "Why"): df["reasons_en" if lang == "en" else "reasons_zh"].replace("", MISSING),
        }
    )


@dataclass(frozen=True)
class DecisionSection:
    key: str  # overdue, jobs, talks, batches
    title: str
    lines: tuple[str, ...]  # one sentence per item; empty = nothing to decide
    none: str  # what to say when there is nothing


def decision_sections(d: Dispatch, lang: str = "zh") -> tuple[DecisionSection, ...]:
    """The four kinds of item that need a decision, each as short sentences (no household names)."""
    dec = d.decisions
    checks = {k: _t(lang, *v) for k, v in mon.CHECK_SHORT.items()}
    overdue = []
    for _code, g in dec.overdue.groupby("township_code", sort=False):
        parts = _t(lang, "、", ", ").join(f"{checks.get(c, c)}{n}{_t(lang, '项', '')}" for c, n in zip(
            g["check"], g["items"], strict=True))  # fmt: skip
        overdue.append(
            _t(
                lang,
                f"{g['township'].iloc[0]}:{parts},最长逾期{fmt_int(g['max_days_over'].max())}天",
                f"{g['township'].iloc[0]}: {parts}; longest {fmt_int(g['max_days_over'].max())} days over",
            )
        )
    jobs = [
        _t(
            lang,
            f"{r.township}:已就业{fmt_int(r.placed)}人,序时进度{fmt_int(r.expected)}人,差{fmt_int(r.short)}人",
            f"{r.township}: {fmt_int(r.placed)} in work, pace {fmt_int(r.expected)}, {fmt_int(r.short)} short",
        )
        for r in dec.jobs_behind.itertuples(index=False)
    ]
    talks = [
        _t(
            lang,
            f"{r.township} {r.village}:连续{fmt_int(r.months_running)}个月上黑榜(自{r.since}起)",
            f"{r.village}, {r.township}: black-listed {fmt_int(r.months_running)} months running "
            f"(since {r.since})",
        )
        for r in dec.talks.itertuples(index=False)
    ]
    batches = [
        _t(
            lang,
            f"{r.approved_on:%Y-%m-%d} 县级审定{fmt_int(r.households)}户({r.townships})",
            f"{r.approved_on:%Y-%m-%d}: {fmt_int(r.households)} households approved ({r.townships})",
        )
        for r in dec.batches.itertuples(index=False)
    ]
    n = d.batch_households
    return (
        DecisionSection(
            "overdue",
            _t(lang, "逾期未办的程序事项", "Overdue procedure items"),
            tuple(overdue),
            _t(lang, "无逾期事项", "Nothing overdue"),
        ),
        DecisionSection(
            "jobs",
            _t(lang, "就业落后序时进度的乡镇", "Townships behind the job pace"),
            tuple(jobs),
            _t(lang, "各乡镇均达到序时进度", "Every township is on pace"),
        ),
        DecisionSection(
            "talks",
            _t(lang, "连续上黑榜需约谈的村", "Villages black-listed running: formal talk (约谈)"),
            tuple(talks),
            _t(lang, "无需约谈的村", "No village due a talk"),
        ),
        DecisionSection(
            "batches",
            _t(lang, f"需会商的批次(同日审定≥{n}户)", f"Batches for consultation (≥ {n} approved in a day)"),
            tuple(batches),
            _t(lang, "本期无需会商的批次", "No batch in the period"),
        ),
    )
