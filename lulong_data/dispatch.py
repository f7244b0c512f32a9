"""周调度: what the weekly dispatch meeting looks at — what changed, who is behind, what needs a decision.

Nothing here is a new figure. Every number is a topic metric (monitoring, employment, environment)
evaluated at two dates, the meeting date and the comparison date, so the dispatch page, its projector
view, its printed sheet and the topic pages always agree.

Township status (红/黄/绿 = ``behind``/``watch``/``good``, the same cue words as the overview) follows the
``[dispatch]`` section of rules.toml (see :class:`Thresholds`); each row says why in words, so the cue is
never colour alone. Rows are ordered worst first: status, then how many red reasons, then overdue items,
then job pace, then environment rank.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from lulong_data.county import name_of
from lulong_data.formatting import MINUS, MISSING, RATES, fmt_count, fmt_delta, fmt_int, fmt_pct, fmt_rate
from lulong_data.metrics import employment as emp
from lulong_data.metrics import environment as env
from lulong_data.metrics import monitoring as mon
from lulong_data.metrics.overview import townships as township_names
from lulong_data.metrics.registry import METRICS
from lulong_data.rules import DEFAULT_RULES_PATH, RulesError

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


# -- thresholds (rules.toml [dispatch]) ------------------------------------------------------------


@dataclass(frozen=True)
class Thresholds:
    overdue_red: int = 5  # overdue items >= this -> behind
    overdue_amber: int = 1  # >= this -> watch
    jobs_red_pct: float = 90.0  # placements < this % of the straight-line pace -> behind
    jobs_amber_pct: float = 100.0  # < this % -> watch
    talk_villages_red: int = 1  # villages flagged for 约谈 >= this -> behind (0 = never)
    black_list_amber: bool = True  # township on the month's black list -> watch

    def describe(self, lang: str = "zh") -> str:
        """The rule in one sentence, printed under the table and on the sheet."""
        black_zh = ";乡镇上当月人居环境黑榜" if self.black_list_amber else ""
        black_en = "; township on the month's black list" if self.black_list_amber else ""
        return _t(
            lang,
            f"✖ 落后:逾期未办≥{self.overdue_red}项,或务工就业低于序时进度的{self.jobs_red_pct:g}%,"
            f"或有{self.talk_villages_red}个及以上村需约谈。▲ 关注:逾期未办≥{self.overdue_amber}项,"
            f"或就业低于序时进度的{self.jobs_amber_pct:g}%{black_zh}。✔ 正常:其余。",
            f"✖ behind: ≥ {self.overdue_red} overdue items, or placements below {self.jobs_red_pct:g}% "
            f"of the pace, or ≥ {self.talk_villages_red} village(s) due a formal talk. ▲ watch: "
            f"≥ {self.overdue_amber} overdue item(s), or below {self.jobs_amber_pct:g}% of the pace"
            f"{black_en}. ✔ on track: the rest.",
        )


def _number(table: dict, key: str, default: float, minimum: float = 0) -> float:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
        raise RulesError(
            f"rules.toml: dispatch.{key} 须为不小于{minimum:g}的数,实为 {value!r} / "
            f"dispatch.{key} must be a number >= {minimum:g}, got {value!r}"
        )
    return value


def load_thresholds(path: str | Path | None = None) -> Thresholds:
    """The ``[dispatch]`` section of ``path`` (default: the packaged rules); missing keys keep defaults.

    A data folder's own rules.toml may omit the section: the dispatch then uses Lulong's defaults.
    """
    path = Path(path) if path else DEFAULT_RULES_PATH
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise RulesError(f"无法读取规则文件 {path} / cannot read rules file {path}: {exc}") from exc
    table = data.get("dispatch")
    if table is None and path != DEFAULT_RULES_PATH:
        return load_thresholds(None)
    table = table or {}
    d = Thresholds()
    black = table.get("black_list_amber", d.black_list_amber)
    if not isinstance(black, bool):
        raise RulesError("rules.toml: dispatch.black_list_amber 须为 true/false / must be true or false")
    return Thresholds(
        overdue_red=int(_number(table, "overdue_red", d.overdue_red, 1)),
        overdue_amber=int(_number(table, "overdue_amber", d.overdue_amber, 1)),
        jobs_red_pct=float(_number(table, "jobs_red_pct", d.jobs_red_pct)),
        jobs_amber_pct=float(_number(table, "jobs_amber_pct", d.jobs_amber_pct)),
        talk_villages_red=int(_number(table, "talk_villages_red", d.talk_villages_red)),
        black_list_amber=black,
    )


def thresholds_for(b: Bundle) -> Thresholds:
    """The thresholds of the rules file the bundle was loaded with."""
    return load_thresholds(b.rules.source or None)


# -- headline figures now / then / change ----------------------------------------------------------


# The meeting's headline figures: registry names with the meeting's own short wording (fixed texts). The
# unit, better direction and year handling are the registry's.
HEADLINES: tuple[tuple[str, str, str], ...] = (
    ("monitored_households", "监测帮扶中", "Monitored"),
    ("monitored_persons", "监测帮扶中人数", "Monitored persons"),
    ("eliminated_households", "风险已消除", "Risk eliminated"),
    ("in_procedure_cases", "认定程序中", "In procedure"),
    ("overdue_items", "逾期未办事项", "Overdue items"),
    ("employment_placed", "务工就业(本年)", "In work (this year)"),
    ("employment_rate", "就业目标完成率", "Share of job target"),
    ("env_black_villages", "人居环境黑榜村", "Black-listed villages"),
    ("env_talk_villages", "需约谈村", "Villages due a talk"),
)


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
    for name, zh, en in HEADLINES:
        m = METRICS[name]
        params = {"year": as_of.year} if m.yearly else {}
        now, then = (_clean(METRICS[name](b, as_of=d, **params)) for d in (as_of, since))
        out.append(Headline(name, zh, en, m.unit, name, m.better, now, then))
    return tuple(out)


# -- townships: one row each, with a status ---------------------------------------------------------

STATUS_ORDER = ("behind", "watch", "good")  # 红 / 黄 / 绿
STATUS_LABELS = {
    "behind": ("✖", "落后", "behind"),
    "watch": ("▲", "关注", "watch"),
    "good": ("✔", "正常", "on track"),
}


def status_label(status: str, lang: str = "zh") -> str:
    icon, zh, en = STATUS_LABELS[status]
    return f"{icon} {_t(lang, zh, en)}"


def _period_counts(df: pd.DataFrame, col: str, since: dt.date, as_of: dt.date) -> pd.Series:
    """Distinct households per township with ``col`` in (since, as_of]."""
    on = df[col]
    hit = df[(on > pd.Timestamp(since)) & (on <= pd.Timestamp(as_of))]
    return hit.groupby("township_code")["household_id"].nunique()


def _judge(row: dict, th: Thresholds) -> tuple[str, list[tuple[str, str, str]]]:
    """The status of one township and its reasons as (level, zh, en)."""
    reasons: list[tuple[str, str, str]] = []
    n = row["overdue"]
    if n >= th.overdue_red:
        reasons.append(("behind", f"逾期{n}项", f"{n} overdue"))
    elif n >= th.overdue_amber:
        reasons.append(("watch", f"逾期{n}项", f"{n} overdue"))
    pct = row["pace_pct"]
    if pct is not None and pct == pct:
        text = (f"就业为序时进度的{fmt_pct(pct, 0)}", f"jobs at {fmt_pct(pct, 0)} of pace")
        if pct < th.jobs_red_pct:
            reasons.append(("behind", *text))
        elif pct < th.jobs_amber_pct:
            reasons.append(("watch", *text))
    talks = row["talk_villages"]
    if th.talk_villages_red and talks >= th.talk_villages_red:
        reasons.append(("behind", f"{talks}村需约谈", f"{talks} village(s) due a talk"))
    if th.black_list_amber and row["env_list"] == env.BLACK:
        reasons.append(("watch", "人居环境乡镇黑榜", "township on the black list"))
    levels = {level for level, _, _ in reasons}
    status = next((s for s in STATUS_ORDER if s in levels), "good")
    # Red reasons first, so the first words of the cell say why the row is red.
    reasons.sort(key=lambda r: STATUS_ORDER.index(r[0]))
    return status, reasons


def township_rows(
    b: Bundle, *, as_of: dt.date, since: dt.date, thresholds: Thresholds | None = None
) -> pd.DataFrame:
    """One row per township, worst first.

    Columns: township_code, township, new_households (newly approved for monitoring in the period),
    eliminated_households (risk eliminated in the period), overdue (items overdue on as_of),
    overdue_then, overdue_change, placed, target, pace, pace_pct (placed / pace × 100), short,
    env_period, env_rank, env_ranked, env_list ("red"/"black"/None), talk_villages, status
    ("behind"/"watch"/"good"), red_reasons, reasons_zh, reasons_en.
    """
    th = thresholds or thresholds_for(b)
    out = township_names(b).rename(columns={"name": "township"})
    cases = mon.cases(b, as_of=as_of)
    out["new_households"] = out["township_code"].map(_period_counts(cases, "approved_on", since, as_of))
    out["eliminated_households"] = out["township_code"].map(
        _period_counts(cases, "eliminated_on", since, as_of)
    )
    for col, day in (("overdue", as_of), ("overdue_then", since)):
        counts = mon.overdue_list(b, as_of=day).groupby("township_code").size()
        out[col] = out["township_code"].map(counts)
    for col in ("new_households", "eliminated_households", "overdue", "overdue_then"):
        out[col] = out[col].fillna(0).astype("int64")
    out["overdue_change"] = out["overdue"] - out["overdue_then"]

    jobs = emp.employment_by_township(b, as_of=as_of, year=as_of.year)
    out = out.merge(
        jobs[["township_code", "placed", "target", "pace", "short"]], on="township_code", how="left"
    )
    out["placed"] = out["placed"].fillna(0).astype("int64")
    pace = pd.to_numeric(out["pace"], errors="coerce")
    out["pace_pct"] = (out["placed"] / pace.where(pace > 0) * 100).astype("float64")

    months = env.list_months(b, as_of=as_of)
    rank = env.township_ranking(b, as_of=as_of)[["township_code", "rank", "ranked", "list"]]
    out = out.merge(
        rank.rename(columns={"rank": "env_rank", "ranked": "env_ranked", "list": "env_list"}),
        on="township_code",
        how="left",
    )
    out["env_period"] = months[-1] if months else None
    out["env_list"] = out["env_list"].astype(object).where(out["env_list"].notna(), None)
    talks = env.talk_flags(b, as_of=as_of).groupby("township_code").size()
    out["talk_villages"] = out["township_code"].map(talks).fillna(0).astype("int64")

    judged = [_judge(r, th) for r in out.to_dict("records")]
    out["status"] = [s for s, _ in judged]
    out["red_reasons"] = [sum(level == "behind" for level, _, _ in r) for _, r in judged]
    out["reasons_zh"] = ["、".join(zh for _, zh, _ in r) for _, r in judged]
    out["reasons_en"] = ["; ".join(en for _, _, en in r) for _, r in judged]
    return sort_worst_first(out)


def sort_worst_first(df: pd.DataFrame) -> pd.DataFrame:
    """Status, then red reasons, overdue items, job pace (lowest first), environment rank (lowest first)."""
    key = pd.DataFrame(
        {
            "status": df["status"].map(STATUS_ORDER.index),
            "red": -df["red_reasons"],
            "overdue": -df["overdue"],
            "pace": df["pace_pct"].fillna(float("inf")),
            "env": -pd.to_numeric(df["env_rank"], errors="coerce").fillna(0),
            "code": df["township_code"],
        },
        index=df.index,
    )
    order = key.sort_values(list(key.columns), kind="stable").index
    return df.loc[order].reset_index(drop=True)


# -- items that need a decision ----------------------------------------------------------------------


@dataclass(frozen=True)
class Decisions:
    overdue: pd.DataFrame  # per township and check: township_code, township, check, items, max_days_over
    overdue_items: pd.DataFrame  # household rows (masked names), longest overdue first: for allowed roles
    jobs_behind: pd.DataFrame  # townships short of the pace: township, placed, pace, target, short
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
    behind = emp.townships_behind_pace(b, as_of=as_of, year=as_of.year)
    batches = mon.consultation_batches(b, as_of=as_of)
    batches = batches[batches["approved_on"] > pd.Timestamp(since)].reset_index(drop=True)
    return Decisions(
        overdue=grouped.drop(columns=["_total", "_check"]).reset_index(drop=True),
        overdue_items=items,
        jobs_behind=behind[["township_code", "township", "placed", "pace", "target", "short"]],
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
    thresholds: Thresholds
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
    th = thresholds_for(b)
    return Dispatch(
        meeting=as_of,
        since=since,
        comparison=comparison,
        data_as_of=b.as_of,
        thresholds=th,
        headlines=headlines(b, as_of=as_of, since=since),
        townships=township_rows(b, as_of=as_of, since=since, thresholds=th),
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
    if pd.isna(r["pace"]):
        return _t(lang, f"{fmt_int(r['placed'])}(无目标)", f"{fmt_int(r['placed'])} (no target)")
    return f"{fmt_int(r['placed'])}/{fmt_int(r['pace'])}({fmt_pct(r['pace_pct'], 0)})"


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
            f"{r.township}:已就业{fmt_int(r.placed)}人,序时进度{fmt_int(r.pace)}人,差{fmt_int(r.short)}人",
            f"{r.township}: {fmt_int(r.placed)} in work, pace {fmt_int(r.pace)}, {fmt_int(r.short)} short",
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
