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
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from lulong_data import status as status_rule
from lulong_data.columns import header
from lulong_data.county import name_of
from lulong_data.figures import Caveat, Figure
from lulong_data.formatting import MINUS, MISSING, RATES, fmt_delta, fmt_int, fmt_pct, fmt_rate, fmt_value
from lulong_data.metrics import environment as env
from lulong_data.metrics import meeting as flows
from lulong_data.metrics import monitoring as mon
from lulong_data.metrics import pace, registry
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


LEAD_DAYS = 7  # a meeting may be set up to a week after the data's date (data cut Friday, meeting Monday)


def meeting_window(first: dt.date, data_as_of: dt.date) -> tuple[dt.date, dt.date]:
    """The dates a meeting may be set on: the data's first date to :data:`LEAD_DAYS` after its as-of date."""
    return first, data_as_of + dt.timedelta(days=LEAD_DAYS)


def meeting_day(requested: object, default: dt.date, window: tuple[dt.date, dt.date]) -> dt.date:
    """The meeting date a link asks for (ISO text; none or unreadable: ``default``), kept within ``window``."""
    try:
        day = dt.date.fromisoformat(str(requested)) if requested else default
    except ValueError:
        day = default
    return min(max(day, window[0]), window[1])


def comparison_key(requested: object) -> str:
    """The comparison a link asks for when it is one of :data:`COMPARISONS`, else "week"."""
    return requested if isinstance(requested, str) and requested in COMPARISONS else "week"


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


# The meeting's headline figures: registry names, titled with the registry's own label (the glossary's
# wording; :func:`headline_title`).
HEADLINES: tuple[str, ...] = (
    "monitored_households",
    "monitored_persons",
    "eliminated_households",
    "in_procedure_cases",
    "overdue_items",
    "employment_placed",
    "employment_rate",
    "env_black_villages",
    "env_talk_villages",
)


def headline_title(name: str, lang: str = "zh") -> str:
    """未消除风险户, 务工就业(本年) …: a headline figure's title (registry.title)."""
    return registry.title(name, lang)


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
    # When ``then`` is what the last issued paper printed: the same figure recomputed from today's data
    # (None when they agree), so the meeting hears that the data have changed since.
    revised: float | None = None
    figure: Figure | None = None  # ``now`` as the registry evaluated it: its period and caveats
    # A monthly list (红黑榜) is compared with the list month before, whatever the meeting's comparison (a
    # week earlier it is the same list): what ``then`` is, e.g. ("上月", "last month"); None = the meeting's.
    versus: tuple[str, str] | None = None

    @property
    def change(self) -> float | None:
        if self.now is None or self.then is None:
            return None
        return self.now - self.then

    def title(self, lang: str = "zh") -> str:
        return _t(lang, self.title_zh, self.title_en)

    def since(self, lang: str, meeting: str) -> str:
        """What ``then`` is: the meeting's comparison (``meeting``), or this figure's own (上月)."""
        return meeting if self.versus is None else _t(lang, *self.versus)

    def fmt(self, value: float | None, lang: str = "zh") -> str:
        """A value with its unit, as every tile writes it (lulong_data.formatting.fmt_value)."""
        return fmt_value(value, self.unit, self.key, lang=lang, digits=METRICS[self.key].digits)

    def shown(self, lang: str = "zh") -> tuple[str, str]:
        """Now and then as a tile, the projector and the paper print them. A rate whose change would be lost
        in rounding ("102% 较上周 102% +0.3个百分点", issue 22) is written with one decimal (102.1%, 101.8%)."""
        now, then = self.fmt(self.now, lang), self.fmt(self.then, lang)
        if self.key in RATES and now == then and self.change and round(abs(self.change), 1) > 0:
            return fmt_pct(self.now), fmt_pct(self.then)
        return now, then

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


def headlines(
    b: Bundle, *, as_of: dt.date, since: dt.date, issued: dict[str, float | None] | None = None
) -> tuple[Headline, ...]:
    """Every headline figure at ``as_of`` and at ``since`` (yearly figures of as_of's year at both).

    ``issued``: the values the last issued paper printed (key -> value); they become ``then`` and the
    recomputation at ``since`` is kept as ``revised`` where it differs. A monthly list (the metric's
    ``previous``) is compared with the list month before instead (registry.earlier), as its tiles are.
    """
    out = []
    for name in HEADLINES:
        m = METRICS[name]
        params = {"year": as_of.year} if m.yearly else {}
        fig = registry.evaluate(b, name, as_of=as_of, **params)
        title_zh, title_en = headline_title(name, "zh"), headline_title(name, "en")
        now, revised, versus = _clean(fig.value), None, None
        if m.previous is not None:  # a monthly list: against the list month before
            then = _clean(registry.earlier(b, name, as_of=as_of, **params).value)
            versus = COMPARISONS["month"]
        else:
            then = _clean(METRICS[name](b, as_of=since, **params))
            if issued is not None and name in issued:
                printed = _clean(issued[name])
                revised = then if _differs(then, printed) else None
                then = printed
        out.append(
            Headline(name, title_zh, title_en, m.unit, name, m.better, now, then, revised, fig, versus)
        )
    return tuple(out)


def _differs(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return (a is None) != (b is None)
    return abs(a - b) > 1e-9


# -- townships: one row each, with the one status ------------------------------------------------------

STATUS_ORDER = status_rule.ORDER  # behind, watch, good
FLOWS = (flows.NEW, flows.ELIMINATED)  # registry names of the period's flows
status_label = status_rule.label


def township_rows(b: Bundle, *, as_of: dt.date, since: dt.date) -> pd.DataFrame:
    """One row per township, worst first: :func:`lulong_data.status.township_status` (status, reasons,
    overdue items and points, job pace, environment) plus what changed in the period, as registry names:
    township (name), newly_monitored_households, newly_eliminated_households (the period's flows,
    lulong_data.metrics.meeting), overdue_then (overdue items on ``since``) and overdue_change.
    """
    out = status_rule.township_status(b, as_of=as_of).rename(columns={"name": "township"})
    period = registry.by_townships(b, FLOWS, as_of=as_of, since=since)
    for name in FLOWS:
        out[name] = out["township_code"].map(period[name])
    then = mon.overdue_list(b, as_of=since).groupby("township_code").size()
    out["overdue_then"] = out["township_code"].map(then)
    for col in (*FLOWS, "overdue_then"):
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
class Previous:
    """The last issued paper (lulong_data.store.papers): the meeting compares with what it said."""

    label_zh: str  # 2022年第11期
    label_en: str
    meeting_on: dt.date
    data_as_of: dt.date
    figures: dict  # the paper's snapshot (:func:`snapshot`)

    def headline_values(self) -> dict[str, float | None]:
        return {h["key"]: h["now"] for h in self.figures.get("headlines", [])}

    def township_overdue(self) -> dict[str, int]:
        return {t["township_code"]: t["overdue"] for t in self.figures.get("townships", [])}


@dataclass(frozen=True)
class Dispatch:
    meeting: dt.date  # the meeting's date
    since: dt.date  # the figures are compared with this date
    comparison: str  # key of COMPARISONS
    data_as_of: dt.date  # the figures are as of this date: the latest data date on or before the meeting
    rule: status_rule.StatusRule
    yardstick: pace.Yardstick  # how the job pace was set (monthly plan / last year's curve / even)
    headlines: tuple[Headline, ...]
    townships: pd.DataFrame
    decisions: Decisions
    batch_households: int  # the 会商 rule, for the wording
    county_zh: str = ""  # whose meeting: the title of the printed page (lulong_data.county.name_of)
    county_en: str = ""
    previous: Previous | None = None  # the issued paper "then" comes from (None: recomputed at since)
    # What the overdue figures rest on (registry "overdue_items" caveats = monitoring.deadline_caveats): a
    # year counted on weekdays, cases without the county's ledger, no visit records. Printed under every
    # overdue count and list of the meeting (page, paper, 本周要点).
    caveats: tuple[Caveat, ...] = ()

    def caveat_texts(self, lang: str = "zh") -> tuple[str, ...]:
        return tuple(c.text(lang) for c in self.caveats)

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
        if self.previous is not None:
            p = self.previous
            return _t(
                lang,
                f"上期材料({p.label_zh},数据截至{self.since:%Y-%m-%d})",
                f"the last paper ({p.label_en}, data as of {self.since:%Y-%m-%d})",
            )
        return _t(lang, f"{zh}({self.since:%Y-%m-%d})", f"{en} ({self.since:%Y-%m-%d})")

    def revisions(self, lang: str = "zh") -> tuple[str, ...]:
        """Where the data changed after the last paper was issued: its figure and today's for that date."""
        if self.previous is None:
            return ()
        label = _t(lang, self.previous.label_zh, self.previous.label_en)
        return tuple(
            _t(
                lang,
                f"{label}所列{h.title_zh}为{h.fmt(h.then, 'zh')},按目前数据为{h.fmt(h.revised, 'zh')}(数据已更新)。",
                f"{label} printed {h.title_en} {h.fmt(h.then, 'en')}; today's data give {h.fmt(h.revised, 'en')}.",
            )
            for h in self.headlines
            if h.revised is not None
        )

    def period_label(self, lang: str = "zh") -> str:
        return _t(
            lang,
            f"{self.since + dt.timedelta(days=1):%Y-%m-%d} 至 {self.data_as_of:%Y-%m-%d}",
            f"{self.since + dt.timedelta(days=1):%Y-%m-%d} to {self.data_as_of:%Y-%m-%d}",
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


def prepare(
    b: Bundle, *, as_of: dt.date, comparison: str = "week", previous: Previous | None = None
) -> Dispatch:
    """Everything the meeting of ``as_of`` shows. The figures are as of the latest data date on or before
    the meeting (data cut on Friday, meeting on Monday: Friday's figures).

    "week" compares with ``previous`` — the last issued paper — when there is one: its data date, and the
    values it printed (where today's data say otherwise, the headline carries ``revised``). Without one,
    and for the other comparisons, the figures are recomputed at the comparison date.
    """
    on = min(as_of, b.as_of)
    use_paper = previous is not None and comparison == "week" and previous.data_as_of < on
    since = previous.data_as_of if use_paper else comparison_date(on, comparison)
    rule = status_rule.rule_for(b)
    towns = township_rows(b, as_of=on, since=since)
    if use_paper:
        printed = previous.township_overdue()
        then = towns["township_code"].map(printed)
        towns["overdue_then"] = then.fillna(towns["overdue_then"]).astype("int64")
        towns["overdue_change"] = towns["overdue"] - towns["overdue_then"]
    return Dispatch(
        meeting=as_of,
        since=since,
        comparison=comparison,
        data_as_of=on,
        rule=rule,
        yardstick=pace.yardstick(b, as_of=on),
        headlines=headlines(
            b, as_of=on, since=since, issued=previous.headline_values() if use_paper else None
        ),
        townships=towns,
        decisions=decisions(b, as_of=on, since=since),
        batch_households=b.rules.batch_households,
        county_zh=name_of(b, "zh"),
        county_en=name_of(b, "en"),
        previous=previous if use_paper else None,
        caveats=registry.evaluate(b, "overdue_items", as_of=on).caveats,
    )


def snapshot(d: Dispatch) -> dict:
    """What an issued paper keeps as data (JSON): its dates, headline values, townships and lines."""
    return {
        "meeting": d.meeting.isoformat(),
        "data_as_of": d.data_as_of.isoformat(),
        "since": d.since.isoformat(),
        "comparison": d.comparison,
        "headlines": [
            {"key": h.key, "title_zh": h.title_zh, "unit": h.unit, "now": h.now, "then": h.then}
            for h in d.headlines
        ],
        "townships": [
            {
                "township_code": r["township_code"],
                "township": r["township"],
                "status": r["status"],
                "overdue": int(r["overdue"]),
                "overdue_points": int(r["overdue_points"]),
                "reasons_zh": r["reasons_zh"],
            }
            for r in d.townships.to_dict("records")
        ],
        "township_table": township_table(d).values.tolist(),
        "decisions": {s.key: list(s.lines) for s in decision_sections(d)},
        "caveats": list(d.caveat_texts("zh")),
    }


# -- the same tables and sentences for page, projector and paper -----------------------------------


def headline_table(d: Dispatch, lang: str = "zh") -> pd.DataFrame:
    """Indicator, now, then, change — as text, exactly as shown and printed; a figure compared with its
    own earlier period (a monthly list: 上月) says so in its "then" cell."""

    def then(h: Headline) -> str:
        own = "" if h.versus is None else _t(lang, f"({h.versus[0]})", f" ({h.versus[1]})")
        return h.shown(lang)[1] + own

    return pd.DataFrame(
        {
            _t(lang, "指标", "Indicator"): [h.title(lang) for h in d.headlines],
            _t(lang, "本期", "Now"): [h.shown(lang)[0] for h in d.headlines],
            _t(lang, "上期", "Then"): [then(h) for h in d.headlines],
            _t(lang, "变化", "Change"): [h.fmt_change(lang) for h in d.headlines],
        }
    )


def _jobs_text(r: pd.Series, lang: str) -> str:
    if pd.isna(r["expected"]):
        return _t(lang, f"{fmt_int(r['placed'])}(无目标)", f"{fmt_int(r['placed'])} (no target)")
    return f"{fmt_int(r['placed'])}/{fmt_int(r['expected'])}({fmt_pct(r['pace_pct'], 1)})"


def _env_text(r: pd.Series, lang: str) -> str:
    if pd.isna(r["env_rank"]):
        return _t(lang, "未检查", "not inspected")
    lists = {env.RED: ("红榜", "red list"), env.BLACK: ("黑榜", "black list")}
    rank = f"{int(r['env_rank'])}/{int(r['env_ranked'])}"
    name = lists.get(r["env_list"])
    return rank + (" " + _t(lang, *name) if name else "")


# The township table's columns: keys of the one column-label table (lulong_data.columns, table
# "dispatch_townships"); a figure column names its registered metric there.
TOWNSHIP_TABLE = "dispatch_townships"
TOWNSHIP_COLUMNS = ("status", "township", *FLOWS, "overdue_text", "jobs_text", "env_text", "reasons")
# On a narrow screen the table shows these first: who is behind and why.
TOWNSHIP_PRIORITY = ("status", "township", "overdue_text", "reasons", "jobs_text", "env_text")


def township_frame(d: Dispatch, lang: str = "zh") -> pd.DataFrame:
    """The township rows as text, worst first, keyed by :data:`TOWNSHIP_COLUMNS` (the page shows it
    through the column table; :func:`township_table` is the same frame with its headers)."""
    df = d.townships
    overdue = [
        fmt_int(n) + (f"({fmt_delta(c)})" if c else "")
        for n, c in zip(df["overdue"], df["overdue_change"], strict=True)
    ]
    return pd.DataFrame(
        {
            "status": [status_label(s, lang) for s in df["status"]],
            "township": df["township"],
            **{name: df[name].map(fmt_int) for name in FLOWS},
            "overdue_text": overdue,
            "jobs_text": [_jobs_text(r, lang) for _, r in df.iterrows()],
            "env_text": [_env_text(r, lang) for _, r in df.iterrows()],
            "reasons": df["reasons_en" if lang == "en" else "reasons_zh"].replace("", MISSING),
        }
    )[list(TOWNSHIP_COLUMNS)].reset_index(drop=True)


def township_table(d: Dispatch, lang: str = "zh") -> pd.DataFrame:
    """The township rows as text, worst first, with their headers (projector and paper print this very
    frame; the page shows :func:`township_frame` under the same headers)."""
    return township_frame(d, lang).rename(columns=lambda k: header(k, lang, table=TOWNSHIP_TABLE))


@dataclass(frozen=True)
class DecisionSection:
    key: str  # overdue, jobs, talks, batches
    title: str
    lines: tuple[str, ...]  # one sentence per item; empty = nothing to decide
    none: str  # what to say when there is nothing
    notes: tuple[str, ...] = ()  # said under the list whatever it holds (the deadlines' caveats)
    counter: tuple[str, str] = ("项", "")  # what one line counts (个乡镇, 个村, 批), zh and en

    def heading(self, lang: str = "zh") -> str:
        """The title with how many lines follow and what they count: 逾期未办的程序事项(6个乡镇) — not "(6)",
        which reads as six items when 22 are overdue in six townships."""
        if not self.lines:
            return self.title
        n = len(self.lines)
        return (
            f"{self.title}({n}{self.counter[0]})" if lang == "zh" else f"{self.title} ({n} {self.counter[1]})"
        )


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
            d.caveat_texts(lang),
            ("个乡镇", "townships"),
        ),
        DecisionSection(
            "jobs",
            _t(lang, "就业落后序时进度的乡镇", "Townships behind the job pace"),
            tuple(jobs),
            _t(lang, "各乡镇均达到序时进度", "Every township is on pace"),
            counter=("个乡镇", "townships"),
        ),
        DecisionSection(
            "talks",
            _t(lang, "连续上黑榜需约谈的村", "Villages black-listed running: formal talk (约谈)"),
            tuple(talks),
            _t(lang, "无需约谈的村", "No village due a talk"),
            counter=("个村", "villages"),
        ),
        DecisionSection(
            "batches",
            _t(lang, f"需会商的批次(同日审定≥{n}户)", f"Batches for consultation (≥ {n} approved in a day)"),
            tuple(batches),
            _t(lang, "本期无需会商的批次", "No batch in the period"),
            counter=("批", "batches"),
        ),
    )


# -- 本周要点: the meeting in a few 公文 sentences (first slide, first paragraph) ------------------------

_PERIOD_WORDS = {"week": ("本周", "This week"), "month": ("本月", "This month"), "quarter": ("本季度", "This quarter"),
                 "year": ("今年以来", "This year")}  # fmt: skip


def _top_overdue(d: Dispatch, lang: str, n: int = 2) -> str:
    towns = d.townships[d.townships["overdue"] > 0].sort_values(
        ["overdue", "township_code"], ascending=[False, True]
    )
    parts = [
        _t(lang, f"{r.township}({r.overdue}项)", f"{r.township} ({r.overdue})")
        for r in towns.head(n).itertuples(index=False)
    ]
    return _t(lang, "、", ", ").join(parts)


def _n(value: float | None) -> str:
    """A count in a 公文 sentence: 4019, not 4,019."""
    return MISSING if value is None else str(round(value))


def key_points(d: Dispatch, lang: str = "zh", *, review=None) -> tuple[str, ...]:
    """本周要点: sentences written from the figures, e.g. "本周新纳入监测19户、风险消除5户;逾期未办19项,
    较上周增加5项,集中在刘田各庄镇(7项)、石门镇(6项)。" ``review``: the ledger's 上周交办落实情况
    (lulong_data.store.ledger.Review), when the meeting has one."""
    word_zh, word_en = _PERIOD_WORDS[d.comparison]
    prev_zh = "较上期" if d.previous is not None else f"较{COMPARISONS[d.comparison][0]}"
    new = int(d.townships[flows.NEW].sum())
    gone = int(d.townships[flows.ELIMINATED].sum())
    monitored = d.headline("monitored_households")
    overdue = d.headline("overdue_items")
    points = []
    first_zh = f"{word_zh}新纳入监测{new}户、风险消除{gone}户,未消除风险{_n(monitored.now)}户"
    first_en = f"{word_en}: {new} households newly monitored, {gone} with risk eliminated; {_n(monitored.now)} monitored"
    if overdue.now:
        change = overdue.change
        move_zh = (
            "" if change is None else (f",{prev_zh}增加{_n(change)}项" if change > 0 else
                                       f",{prev_zh}减少{_n(-change)}项" if change < 0 else f",与{prev_zh[1:]}持平")
        )  # fmt: skip
        move_en = "" if change is None else f" ({fmt_delta(change)} on the comparison)"
        first_zh += f";逾期未办{_n(overdue.now)}项{move_zh},集中在{_top_overdue(d, 'zh')}"
        first_en += f"; {_n(overdue.now)} items overdue{move_en}, mostly {_top_overdue(d, 'en')}"
    else:
        first_zh += ";无逾期未办事项"
        first_en += "; nothing overdue"
    points.append(_t(lang, first_zh + "。", first_en + "."))
    if d.caveats:  # what the overdue count rests on, said right after it
        points.append(_t(lang, "".join(d.caveat_texts("zh")), " ".join(d.caveat_texts("en"))))

    behind = d.townships[d.townships["status"] == status_rule.BEHIND]["township"].tolist()
    watch = int((d.townships["status"] == status_rule.WATCH).sum())
    if behind:
        points.append(
            _t(lang, f"落后乡镇{len(behind)}个({'、'.join(behind)}),需关注乡镇{watch}个。",
               f"{len(behind)} township(s) behind ({', '.join(behind)}); {watch} to watch.")
        )  # fmt: skip
    else:
        points.append(_t(lang, f"无落后乡镇,需关注乡镇{watch}个。", f"No township behind; {watch} to watch."))

    placed, rate = d.headline("employment_placed"), d.headline("employment_rate")
    jobs = d.decisions.jobs_behind
    county_pct = None
    expected = d.townships["expected"].dropna()
    if len(expected) and expected.sum() > 0:
        county_pct = d.townships["placed"].sum() / expected.sum() * 100
    if placed.now is not None and county_pct is not None:
        basis = pace.basis_text(d.yardstick.basis, "zh")
        text_zh = f"务工就业{_n(placed.now)}人,完成年度目标的{fmt_rate(rate.now)},为序时进度的{county_pct:.1f}%({basis})"
        text_en = (f"{_n(placed.now)} in work, {fmt_rate(rate.now)} of the year's target and {county_pct:.1f}% "
                   f"of the pace ({pace.basis_text(d.yardstick.basis, 'en')})")  # fmt: skip
        if len(jobs):
            names = "、".join(f"{r.township}差{r.short}人" for r in jobs.head(3).itertuples(index=False))
            text_zh += f";落后序时进度的乡镇{len(jobs)}个({names})"
            text_en += f"; {len(jobs)} township(s) behind the pace"
        points.append(_t(lang, text_zh + "。", text_en + "."))

    talks = d.decisions.talks
    if len(talks):
        worst = talks.iloc[0]
        points.append(
            _t(lang, f"连续上黑榜需约谈的村{len(talks)}个,其中{worst['township']}{worst['village']}已连续"
                     f"{int(worst['months_running'])}个月。",
               f"{len(talks)} village(s) due a formal talk; {worst['village']} ({worst['township']}) "
               f"{int(worst['months_running'])} months running.")
        )  # fmt: skip
    if review is not None and review.previous is not None and review.items:
        c = review.counts()
        points.append(
            _t(lang, f"上周({review.previous.month}月{review.previous.day}日)交办事项{len(review.items)}项,已办结{c['办结']}项、在办{c['在办']}项、"
                     f"未办{c['未办']}项、逾期{c['逾期']}项。",
               f"Items of the last meeting ({review.previous:%Y-%m-%d}): {len(review.items)}; {c['办结']} done, "
               f"{c['在办']} in progress, {c['未办']} not started, {c['逾期']} overdue.")
        )  # fmt: skip
    if d.revisions():
        points.append(
            _t(
                lang,
                "上期材料印发后数据有更新,详见说明。",
                "Data changed after the last paper was issued; see the notes.",
            )
        )
    return tuple(points)
