"""The one column-label table: what every table column on a page and in a spreadsheet is called.

A page shows a table by its frame's column keys (``components.table.show_table(df, …, columns=[...])``);
the header comes from here, so a column is called the same on every page and in every export, and the
privacy guard decides on the keys (:data:`HOUSEHOLD_KEYS`), never on the words on screen.

A column that holds a figure names the registered metric it shows per row (``metric``), so every number
in a table is traceable to the registry in two hops, like a tile. ``table`` scopes an entry to one table
when a key means something else there ("persons" of a welfare post is not "persons" of a dibao record);
a header may hold ``{year}`` / ``{prev}`` (the year before), filled in by the caller.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lulong_data.bundle import Bundle

__all__ = [
    "COLUMNS",
    "HOUSEHOLD_KEYS",
    "Column",
    "TableView",
    "UnknownColumn",
    "column",
    "header",
    "periods_note",
]


class UnknownColumn(KeyError):
    """A column key the table does not have."""


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    metric: str | None = None  # the registry name whose value the column holds per row (a figure)
    table: str | None = None  # None: every table; else only the named table


@dataclass(frozen=True)
class TableView:
    """What a page's table shows, decided beside the frame it shows (a view model): the file name of its
    download (:meth:`file_stem`), the frame's column keys in order, the scope of those keys in the
    column-label table, and the columns that matter most on a narrow screen (None: in order).
    components.table.show_view shows a frame by one."""

    stem: str
    columns: tuple[str, ...]
    table: str | None = None
    priority: tuple[str, ...] | None = None

    def file_stem(self, year: int | None = None, of: object = None) -> str:
        """The download's file name before its date: the stem with ``year`` filled in, then ``_of`` (what
        the table is of: a list month, a village) when given."""
        stem = self.stem.format(year=year)
        return stem if of is None else f"{stem}_{of}"


# Keys that identify a household or a person: a table holding one is household-level (never for a role
# without household access, never in an export for it).
HOUSEHOLD_KEYS = frozenset(
    {"household_id", "head_masked", "head_name", "person_id", "case_id", "record_id", "record_ids", "job_id"}
)

_ROWS: tuple[Column, ...] = (
    # -- places and identities (not figures) ----------------------------------------------------------
    Column("township", "乡镇", "Township"),
    Column("township_name", "乡镇", "Township"),
    Column("name", "乡镇", "Township"),
    Column("village", "村", "Village"),
    Column("village_name", "村", "Village"),
    Column("kind", "类型", "Kind"),
    Column("head_masked", "户主", "Head"),
    Column("household_id", "户编号", "Household id"),
    Column("person_id", "人编号", "Person id"),
    Column("record_id", "记录编号", "Record id"),
    Column("record_ids", "记录编号", "Record ids"),
    Column("job_id", "岗位编号", "Post id"),
    Column("case_id", "监测编号", "Case"),
    Column("year", "年度", "Year"),
    Column("status", "状态", "Status"),
    Column("reasons", "原因", "Why"),
    Column("check", "事项", "Item"),
    Column("label", "指标", "Indicator", table="profile"),
    Column("township_text", "本乡镇", "Township", table="profile"),
    Column("county_text", "全县", "County", table="profile"),
    Column("rank_text", "排名", "Rank", table="profile"),
    Column("period_text", "统计时段", "Period", table="profile"),
    Column("days_over", "逾期天数", "Days over"),
    Column("items", "项数", "Items", metric="overdue_items"),
    # -- employment ----------------------------------------------------------------------------------
    Column("placed", "已就业(人)", "Placed", metric="employment_placed"),
    Column("target", "目标任务(人)", "Target", metric="employment_target"),
    Column("gap", "距目标差(人)", "To target", metric="employment_target"),
    Column("rate", "完成率", "Rate", metric="employment_rate"),
    Column("pace", "序时进度(人)", "Pace to date", metric="employment_pace"),
    Column("short", "落后序时进度(人)", "Short of pace", metric="employment_pace"),
    Column("channel", "就业渠道", "Channel"),
    Column("location", "务工地点", "Place of work"),
    Column("persons", "{year}年(人)", "{year}", metric="employment_placed", table="employment_channels"),
    Column(
        "persons_prev", "{prev}年同期(人)", "{prev} same date", "employment_placed", "employment_channels"
    ),
    Column("change", "增减(人)", "Change", metric="employment_placed", table="employment_channels"),
    Column("share", "占比", "Share", metric="employment_placed", table="employment_channels"),
    Column("township", "乡镇(岗位所在村)", "Township (of the post's village)", table="welfare_posts"),
    Column("persons", "{year}年(人)", "{year}", metric="welfare_post_persons", table="welfare_posts"),
    Column("persons_prev", "{prev}年同期(人)", "{prev} same period", "welfare_post_persons", "welfare_posts"),
    Column("change", "增减(人)", "Change", metric="welfare_post_persons_change", table="welfare_posts"),
    Column("months", "聘期中位数(月)", "Median term (months)", metric="welfare_post_months"),
    Column("subsidy", "月补贴中位数(元)", "Median subsidy (yuan)", metric="welfare_post_subsidy"),
    Column("post_type", "岗位类型", "Post type"),
    Column("labour_ability", "劳动能力", "Labour ability"),
    Column("sessions", "期数", "Sessions", metric="training_sessions"),
    Column("participants", "参训人数", "Participants", metric="training_participants"),
    Column("title", "培训名称", "Title"),
    Column("started_on", "开班日期", "Start", table="trainings"),
    Column("started_on", "日期", "Date"),
    Column("rows", "记录条数", "Rows"),
    Column("channels", "就业渠道", "Channels"),
    # -- social assistance and student aid -----------------------------------------------------------
    Column("scheme", "救助类别", "Scheme"),
    Column("households", "户数", "Households", metric="assistance_households", table="assistance_by_scheme"),
    Column("persons", "人数", "Persons", metric="assistance_persons", table="assistance_by_scheme"),
    Column("single_person", "其中单人保(户)", "of which single-person", "assistance_households"),
    Column("phaseout", "其中渐退期(户)", "of which in phase-out", "phaseout_households"),
    Column("monthly_amount", "月保障金(元)", "Monthly (yuan)", "assistance_monthly_amount"),
    Column("dibao_households", "低保户", "Dibao hh", metric="assistance_households"),
    Column("dibao_persons", "低保人数", "Dibao persons", metric="assistance_persons"),
    Column("tekun_persons", "特困人数", "Tekun persons", metric="assistance_persons"),
    Column("dibao_coverage", "低保覆盖率(%)", "Dibao coverage (%)", metric="dibao_coverage"),
    Column("dibao_amount", "低保金(元/月)", "Dibao (yuan/month)", "assistance_monthly_amount"),
    Column("tekun_amount", "特困供养金(元/月)", "Tekun (yuan/month)", "assistance_monthly_amount"),
    Column("persons", "保障人数", "Persons", metric="phaseout_persons", table="phaseout_list"),
    Column("phaseout_until", "渐退期截止", "Phase-out ends"),
    Column("household_type", "户类型", "Household type"),
    Column("category", "监测类别", "Category"),
    Column("risk_1", "主要风险", "Main risk"),
    Column("persons", "家庭人口", "Persons", metric="monitored_persons", table="no_labour_without_cover"),
    Column("stage", "学段", "Stage", table="student_aid"),
    Column("program", "资助项目", "Programme"),
    Column("students", "学生(人)", "Students", metric="student_aid_students"),
    Column("amount", "金额(元)", "Amount (yuan)", metric="student_aid_amount", table="student_aid"),
    Column("indicator", "指标", "Indicator"),
    Column("value", "数值", "Value", metric="indicator", table="indicators"),
    Column("unit", "单位", "Unit"),
    Column("period_text", "统计时点或时段", "Period"),
    Column("department", "来源单位", "Source"),
    # -- the press page: the figures of a draft with their 口径 (lulong_data.briefing.figures_frame) ----------
    Column("figure", "指标", "Figure", table="press_figures"),
    Column("value", "数值", "Value", table="press_figures"),
    Column("unit", "单位", "Unit", table="press_figures"),
    Column("definition", "口径", "Definition", table="press_figures"),
    Column("department", "来源", "Source", table="press_figures"),
    Column("frequency", "更新频次", "Frequency", table="press_figures"),
    Column("spec", "指标代码", "Metric", table="press_figures"),
    # -- the press page: the number check of a text, the Word file's 核对单 (textcheck.findings_frame) -------
    Column("no", "序号", "No.", table="press_check"),
    Column("paragraph", "段落", "Paragraph", table="press_check"),
    Column("text", "文中数字", "In the text", table="press_check"),
    Column("verdict", "核对结果", "Check", table="press_check"),
    Column("right_value", "正确值", "Right value", table="press_check"),
    Column("figure", "指标", "Read as", table="press_check"),
    Column("source", "来源", "Source", table="press_check"),
    Column("note", "说明", "Note", table="press_check"),
    Column("spec", "指标代码", "Metric", table="press_check"),
    # -- monitoring: household lists (table "household_list"), measures, the policy menu, batches ---------
    Column("stage", "所处环节", "Stage"),
    Column("start_on", "起算日期", "Clock starts"),
    Column("due_on", "应办结日期", "Due"),
    Column("approved_on", "纳入日期", "Approved"),
    Column("eliminated_on", "消除日期", "Eliminated"),
    Column("elimination_kind", "消除方式", "How eliminated"),
    Column("days_monitored", "监测天数", "Days monitored"),
    Column("measures", "帮扶措施数(项)", "Measures"),
    Column("income_latest", "最新人均纯收入(元)", "Latest income per head (yuan)"),
    Column("income_year", "收入年度", "Income year"),
    Column("income_line", "监测标准(元)", "Monitoring line (yuan)"),
    Column("income_at_elimination", "消除时人均纯收入(元)", "Income per head at elimination (yuan)"),
    Column("persons", "家庭人口", "Persons", table="household_list"),
    Column("reason", "问题", "Problem", table="household_list"),
    Column("policy_category", "类别", "Category"),
    Column("policy_department", "责任单位", "Department"),
    Column("measures", "措施(项)", "Measures", table="measures"),
    Column("households", "户数", "Households", table="measures"),
    Column("amount", "金额(元)", "Amount (yuan)", table="measures"),
    Column("policy_code", "编号", "Code"),
    Column("name", "政策", "Policy", table="policy_menu"),
    Column("category", "类别", "Category", table="policy_menu"),
    Column("department", "责任单位", "Department", table="policy_menu"),
    Column("measures", "使用次数", "Times used", table="policy_menu"),
    Column("households", "户数", "Households", table="policy_menu"),
    Column("approved_on", "审定日期", "Approved on", table="batches"),
    Column("households", "全县户数", "Households (county)", table="batches"),
    Column("townships", "涉及乡镇", "Townships", table="batches"),
    Column("households_in_area", "本范围户数", "Households in scope", table="batches"),
    # -- the dispatch meeting's township table (lulong_data.dispatch.township_frame: text cells) ---------
    Column(
        "newly_monitored_households",
        "新纳入监测(户)",
        "New (hh)",
        "newly_monitored_households",
        "dispatch_townships",
    ),
    Column(
        "newly_eliminated_households",
        "新消除风险(户)",
        "Eliminated (hh)",
        "newly_eliminated_households",
        "dispatch_townships",
    ),  # fmt: skip
    Column("overdue_text", "逾期(项)", "Overdue", metric="overdue_items", table="dispatch_townships"),
    Column(
        "jobs_text", "就业/序时进度", "Jobs / pace", metric="employment_placed", table="dispatch_townships"
    ),
    Column("env_text", "人居环境", "Environment", table="dispatch_townships"),
    # -- living environment --------------------------------------------------------------------------
    Column("change_text", "变化", "Change"),
    Column("position", "本月序号", "Position"),
    Column("previous_position", "上月序号", "Last month"),
    Column("period", "月份", "Month", table="village_history"),
    Column("total", "总分", "Total", metric="env_mean_score"),
    Column("garbage", "垃圾治理", "Garbage", metric="env_mean_score"),
    Column("toilets", "厕所革命", "Toilets", metric="env_mean_score"),
    Column("sewage", "污水治理", "Sewage", metric="env_mean_score"),
    Column("appearance", "村容村貌", "Appearance", metric="env_mean_score"),
    Column("upkeep", "长效管护", "Upkeep", metric="env_mean_score"),
    Column("rank", "全县排名", "County rank"),
    Column("list_text", "榜单", "List"),
    Column("note", "问题描述", "Note"),
    Column("position", "序号", "No.", table="env_list"),
    Column("rank", "全县排名", "County rank", table="env_list"),
    Column("score", "得分", "Score", metric="env_mean_score"),
    Column("veto_text", "一票否决", "Veto"),
    Column("reason", "主要原因", "Reason"),
    Column("rank", "排名", "Rank", table="env_townships"),
    Column("villages", "受检村数", "Villages inspected", metric="env_inspected_villages"),
    Column("mean_score", "平均得分", "Mean score", metric="env_mean_score"),
    Column("months_running", "连续上黑榜(月)", "Months running on black list", metric="env_talk_villages"),
    Column("since", "起始月份", "Since"),
)

COLUMNS: dict[tuple[str | None, str], Column] = {(c.table, c.key): c for c in _ROWS}


def column(key: str, table: str | None = None) -> Column:
    """The entry of ``key`` in ``table`` (its own entry, else the general one); a registry name is its own
    column (the figure's short label, per township or per row). Raises UnknownColumn."""
    found = COLUMNS.get((table, key)) or COLUMNS.get((None, key))
    if found is None:
        from lulong_data.metrics import METRICS

        if key in METRICS:
            m = METRICS[key]
            return Column(key, m.label("zh", short=True), m.label("en", short=True), metric=key)
        raise UnknownColumn(f"{key!r}" + (f" (table {table!r})" if table else ""))
    return found


def header(key: str, lang: str = "zh", *, table: str | None = None, year: int | None = None) -> str:
    """The header of column ``key``: "已就业(人)", "2022年(人)" (``year``), "2021年同期(人)"."""
    c = column(key, table)
    text = c.en if lang == "en" else c.zh
    if year is not None:
        text = text.format(year=year, prev=year - 1)
    return text


def periods_note(
    b: Bundle,
    *,
    keys: tuple[str, ...],
    as_of: dt.date,
    table: str | None = None,
    lang: str = "zh",
    **params: Any,
) -> str:
    """Which period the figure columns ``keys`` of a table stand for (issue 17.4), in words:
    "统计时段:已就业(人)1月1日至7月26日;目标任务(人)2022年全年。", or "" when no column is a figure.

    Each figure column is its metric evaluated at ``as_of`` with the ``params`` the table was built with
    (township, year) — a column whose header holds ``{prev}`` stands for the same period of the year before.
    A metric that needs another parameter (a list month, a scheme) is left out: the table's title says which.
    """
    from dataclasses import replace

    from lulong_data.figures import periods_text
    from lulong_data.metrics import METRICS
    from lulong_data.metrics.registry import evaluate

    year = params.get("year")
    labelled = []
    for key in keys:
        c = column(key, table)
        if c.metric is None or set(METRICS[c.metric].params) - {"township", "year"}:
            continue
        m = METRICS[c.metric]
        fig = evaluate(b, c.metric, as_of=as_of, **{k: v for k, v in params.items() if k in m.params})
        if "{prev}" in c.zh:
            fig = replace(fig, period=fig.period.year_before())
        labelled.append((header(key, lang, table=table, year=year), fig))
    return periods_text(labelled, lang, today=as_of) if labelled else ""
