"""The data contract (docs/data-contract.md) as data.

Every other module reads the datasets, columns, Chinese aliases, types and rules from here, so the
contract is written down once. The pandera schemas, the loader, the header mapping, the error
messages and the sample generator are all driven by `DATASETS`.

Column kinds:
    code6/code9/code12  digit strings of that length (Excel floats like ``130324100.0`` repaired)
    str                 free text
    int, float          numbers (``min``/``max`` bounds where the contract gives them)
    date                calendar date (YYYY-MM-DD, YYYY/M/D, YYYY年M月D日, Excel serial); empty = unknown.
                        A date column with ``month_ok`` also takes a month (YYYYMM, YYYY-MM, YYYY年M月): it is
                        stored as the month's first day and the row's ``date_precision`` says 月.
    period              month as ``YYYY-MM``
    enum                one of ``values``
    bool                是/否, true/false, 1/0, Y/N
"""

from __future__ import annotations

from dataclasses import dataclass, field

CODE_LENGTH = {"code6": 6, "code9": 9, "code12": 12}


@dataclass(frozen=True)
class Column:
    name: str
    alias: str
    kind: str
    description: str
    required: bool = True  # the column must be present in the file
    nullable: bool = False  # empty cells are allowed
    values: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None
    unique: bool = False  # primary key
    references: str | None = None  # "dataset.column" foreign key
    # Other spellings of enum values accepted on reading (spelling -> contract value), e.g. the national
    # system's 帮扶消除 for the contract's 帮扶后稳定消除.
    synonyms: tuple[tuple[str, str], ...] = ()
    month_ok: bool = False  # a date column that also takes a month-only date (see date_precision)


@dataclass(frozen=True)
class Dataset:
    name: str
    title: str  # Chinese name used in messages
    title_en: str
    columns: tuple[Column, ...]
    required: bool = False  # the folder must contain this dataset
    department: str = ""

    @property
    def key(self) -> str | None:
        return next((c.name for c in self.columns if c.unique), None)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def aliases(self) -> dict[str, str]:
        """Header (canonical or Chinese) -> canonical name."""
        out = {c.name: c.name for c in self.columns}
        out.update({c.alias: c.name for c in self.columns})
        return out


C = Column
_opt = {"required": False, "nullable": True}

RISKS = (
    "因病",
    "因残",
    "因学",
    "因灾",
    "因意外事故",
    "因产业项目失败",
    "因务工就业不稳",
    "缺劳动力",
    "住房安全问题",
    "饮水安全问题",
    "其他",
)
LABOUR_ABILITIES = ("普通劳动力", "技能劳动力", "弱劳动力或半劳动力", "丧失劳动力", "无劳动力")
# The abilities that cannot earn a living from work: the group 公益岗 and 兜底 exist for.
NO_WORK_ABILITIES = ("丧失劳动力", "无劳动力")
MONITORING_CATEGORIES = ("脱贫不稳定户", "边缘易致贫户", "突发严重困难户")
CASE_DATE_ORDER = ("found_on", "verified_on", "village_review_on", "township_audit_on", "approved_on")
# How a risk went away, as the contract spells it, and the national system's spellings (风险消除方式).
ASSISTED_ELIMINATION = "帮扶后稳定消除"  # = 帮扶消除
NATURAL_ELIMINATION = "风险自然消除"  # = 自然消除
ELIMINATION_SYNONYMS = (("帮扶消除", ASSISTED_ELIMINATION), ("自然消除", NATURAL_ELIMINATION))
# 日期精度: 日 = a full date (the default when empty), 月 = the month only (stored as its first day).
DAY, MONTH = "日", "月"
DATE_PRECISIONS = (DAY, MONTH)


def _precision(what: str) -> Column:
    return Column(
        "date_precision",
        "日期精度",
        "enum",
        f"precision of {what}: 日 (full date; empty = 日) or 月 (month only, stored as its first day)",
        values=DATE_PRECISIONS,
        required=False,
        nullable=True,
    )


# Extension (multi-county folders): the county a row belongs to. Optional; required on county-wide rows
# (empty township_code) only when the folder holds more than one county (checks.county_rows).
COUNTY_CODE = C(
    "county_code",
    "县代码",
    "code6",
    "county the row belongs to (extension); = township_code[:6] when both are filled",
    **_opt,
)

DATASETS: dict[str, Dataset] = {
    d.name: d
    for d in [
        Dataset(
            "townships",
            "乡镇",
            "townships",
            (
                C("township_code", "乡镇代码", "code9", "NBS 9-digit township code", unique=True),
                C("county_code", "县代码", "code6", "NBS 6-digit county code"),
                C("name", "乡镇名称", "str", "township name"),
                C("kind", "类型", "enum", "镇, 乡 or 街道", values=("镇", "乡", "街道")),
                C("seat_lon", "驻地经度", "float", "seat longitude, WGS84", min=-180, max=180, **_opt),
                C("seat_lat", "驻地纬度", "float", "seat latitude, WGS84", min=-90, max=90, **_opt),
                C("population", "户籍人口", "int", "registered population", min=0, **_opt),
                C("rural_population", "农村人口", "int", "rural registered population", min=0, **_opt),
            ),
            required=True,
        ),
        Dataset(
            "villages",
            "行政村",
            "villages",
            (
                C("village_code", "村代码", "code12", "NBS 12-digit village code", unique=True),
                C(
                    "township_code",
                    "乡镇代码",
                    "code9",
                    "township the village belongs to",
                    references="townships.township_code",
                ),
                C("name", "村名称", "str", "village name; not unique, always join on the code"),
                C("kind", "类型", "enum", "village unit kind", values=("村委会", "居委会", "类似居委会")),
                C("lon", "经度", "float", "longitude, WGS84", min=-180, max=180, **_opt),
                C("lat", "纬度", "float", "latitude, WGS84", min=-90, max=90, **_opt),
            ),
            required=True,
        ),
        Dataset(
            "households",
            "农户",
            "households",
            (
                C("household_id", "户编号", "str", "stable pseudonymous household id", unique=True),
                C("village_code", "村代码", "code12", "village", references="villages.village_code"),
                C("household_type", "户类型", "enum", "脱贫户 or 一般农户", values=("脱贫户", "一般农户")),
                C(
                    "exit_year",
                    "脱贫年度",
                    "int",
                    "year lifted out of poverty (脱贫户 only)",
                    min=2014,
                    max=2020,
                    nullable=True,
                ),
                C("persons", "家庭人口", "int", "household size; equals its rows in persons", min=1),
                C("head_name", "户主姓名", "str", "head of household; always displayed masked", **_opt),
                C(
                    "income_per_capita",
                    "人均纯收入",
                    "float",
                    "latest net income per head, 元 (of the income year)",
                    min=0,
                    **_opt,
                ),
                C("income_year", "收入年度", "int", "year of income_per_capita", min=2000, max=2100, **_opt),
                C(
                    "no_labour_household",
                    "整户无劳动能力兜底保障户",
                    "bool",
                    "flagged as a household whose members all lack labour (兜底保障)",
                    **_opt,
                ),
                C("education_ok", "义务教育保障", "bool", "compulsory education secured", **_opt),
                C("housing_ok", "住房安全保障", "bool", "safe housing secured", **_opt),
                C("water_ok", "饮水安全保障", "bool", "safe drinking water secured", **_opt),
            ),
            required=True,
            department="县防贫中心",
        ),
        Dataset(
            "persons",
            "家庭成员",
            "household members",
            (
                C("person_id", "人编号", "str", "stable pseudonymous person id", unique=True),
                C("household_id", "户编号", "str", "household", references="households.household_id"),
                C("sex", "性别", "enum", "sex", values=("男", "女")),
                C("birth_year", "出生年份", "int", "year of birth", min=1900, max=2030),
                C("labour_ability", "劳动能力", "enum", "labour ability", values=LABOUR_ABILITIES),
                C("health", "健康状况", "enum", "health", values=("健康", "长期慢性病", "患有大病", "残疾")),
            ),
            required=True,
            department="县防贫中心",
        ),
        Dataset(
            "monitoring_cases",
            "监测对象",
            "monitoring cases",
            (
                C("case_id", "监测编号", "str", "one identification of a household", unique=True),
                C("household_id", "户编号", "str", "household", references="households.household_id"),
                C("category", "监测对象类别", "enum", "monitoring category", values=MONITORING_CATEGORIES),
                C("risk_1", "风险类型1", "enum", "main risk", values=RISKS),
                C("risk_2", "风险类型2", "enum", "second risk", values=RISKS, **_opt),
                C("risk_3", "风险类型3", "enum", "third risk", values=RISKS, **_opt),
                C(
                    "channel",
                    "发现途径",
                    "enum",
                    "how the risk was found (from the county's procedure ledger; empty = not imported)",
                    values=("农户自主申报", "基层干部排查", "部门筛查预警"),
                    **_opt,
                ),
                C(
                    "found_on",
                    "发现日期",
                    "date",
                    "risk found (clue date; from the county's procedure ledger)",
                    month_ok=True,
                    **_opt,
                ),
                C("verified_on", "入户核实日期", "date", "home verification", nullable=True),
                C(
                    "village_review_on",
                    "村级评议公示日期",
                    "date",
                    "village review and notice",
                    nullable=True,
                ),
                C("township_audit_on", "乡镇审核日期", "date", "township audit", nullable=True),
                C(
                    "approved_on",
                    "县级审定日期",
                    "date",
                    "county approval = inclusion; empty = in procedure",
                    nullable=True,
                    month_ok=True,
                ),
                C(
                    "contact_assigned_on",
                    "联系人选派日期",
                    "date",
                    "contact assigned and first visit",
                    nullable=True,
                ),
                C("plan_on", "帮扶计划日期", "date", "assistance plan made", nullable=True),
                C(
                    "income_per_capita",
                    "识别时人均纯收入",
                    "float",
                    "net income per head at identification, 元",
                    min=0,
                    nullable=True,
                ),
                C(
                    "eliminated_on",
                    "风险消除日期",
                    "date",
                    "risk eliminated; empty = still monitored",
                    nullable=True,
                    month_ok=True,
                ),
                C(
                    "elimination_kind",
                    "消除方式",
                    "enum",
                    "how the risk went away (帮扶消除 / 自然消除 are read as these two)",
                    values=(ASSISTED_ELIMINATION, NATURAL_ELIMINATION),
                    nullable=True,
                    synonyms=ELIMINATION_SYNONYMS,
                ),
                _precision("found_on, approved_on and eliminated_on"),
                C(
                    "income_at_elimination",
                    "消除时人均纯收入",
                    "float",
                    "net income per head at elimination, 元 (the export's latest 人均纯收入)",
                    min=0,
                    **_opt,
                ),
                C(
                    "poverty_outcome",
                    "返贫致贫标识",
                    "enum",
                    "返贫 (a 脱贫户 fell back into poverty) or 致贫 (a 一般农户 fell into poverty); empty = neither",
                    values=("返贫", "致贫"),
                    **_opt,
                ),
            ),
            department="县防贫中心",
        ),
        Dataset(
            "policy_menu",
            "帮扶政策菜单",
            "policy menu",
            (
                C("policy_code", "政策编号", "str", "menu item code", unique=True),
                C("name", "政策名称", "str", "policy name"),
                C("department", "责任单位", "str", "responsible department"),
                C(
                    "category",
                    "类别",
                    "enum",
                    "policy category",
                    values=("产业", "就业", "教育", "健康", "住房", "饮水", "兜底", "金融", "综合"),
                ),
            ),
            department="县防贫中心",
        ),
        Dataset(
            "assistance_measures",
            "帮扶措施",
            "assistance measures",
            (
                C("measure_id", "措施编号", "str", "measure id", unique=True),
                C("case_id", "监测编号", "str", "monitoring case", references="monitoring_cases.case_id"),
                C("policy_code", "政策编号", "str", "menu item", references="policy_menu.policy_code"),
                C("started_on", "落实日期", "date", "measure put in place", month_ok=True),
                C(
                    "feedback_on",
                    "反馈日期",
                    "date",
                    "department feedback to the county centre",
                    nullable=True,
                ),
                C("amount", "金额", "float", "amount, 元", min=0, **_opt),
                _precision("started_on (月 = the export gives no day: the feedback deadline is not judged)"),
            ),
            department="县防贫中心",
        ),
        Dataset(
            "visits",
            "走访记录",
            "visits",
            (
                C("visit_id", "走访编号", "str", "visit id", unique=True),
                C("case_id", "监测编号", "str", "monitoring case", references="monitoring_cases.case_id"),
                C("visited_on", "走访日期", "date", "date of the home visit"),
                C(
                    "visitor_role",
                    "走访人身份",
                    "enum",
                    "who visited",
                    values=("帮扶责任人", "网格员", "驻村工作队", "乡镇干部"),
                ),
            ),
            department="县防贫中心",
        ),
        Dataset(
            "employment",
            "脱贫劳动力务工就业",
            "employment",
            (
                C("record_id", "记录编号", "str", "record id", unique=True),
                C("person_id", "人编号", "str", "person in work", references="persons.person_id"),
                C(
                    "year",
                    "年度",
                    "int",
                    "year; empty = every year the record overlaps (started_on .. ended_on)",
                    min=2000,
                    max=2100,
                    **_opt,
                ),
                C(
                    "channel",
                    "就业渠道",
                    "enum",
                    "how the person found work",
                    values=("劳务输出", "县内企业吸纳", "帮扶车间", "公益岗位", "自主创业", "灵活就业"),
                ),
                C("location", "务工地点", "enum", "where", values=("县内", "省内县外", "省外")),
                C(
                    "started_on",
                    "就业日期",
                    "date",
                    "start of work; not after its year (earlier = still in work)",
                    month_ok=True,
                ),
                C(
                    "ended_on",
                    "结束日期",
                    "date",
                    "end of work; empty = still in work",
                    month_ok=True,
                    **_opt,
                ),
                _precision("started_on and ended_on"),
            ),
            department="县人社局",
        ),
        Dataset(
            "employment_targets",
            "就业目标任务",
            "employment targets",
            (
                C("year", "年度", "int", "year", min=2000, max=2100),
                C(
                    "township_code",
                    "乡镇代码",
                    "code9",
                    "township; empty = the county total set by the city",
                    nullable=True,
                    references="townships.township_code",
                ),
                C("target", "目标人数", "int", "persons to place", min=0),
                COUNTY_CODE,
                C(
                    "month",
                    "月份",
                    "int",
                    "month of a monthly cumulative plan; empty = the annual target",
                    min=1,
                    max=12,
                    **_opt,
                ),
                C(
                    "target_kind",
                    "任务类型",
                    "enum",
                    "务工就业 (empty = 务工就业) or 公益岗位",
                    values=("务工就业", "公益岗位"),
                    **_opt,
                ),
            ),
            department="县人社局",
        ),
        Dataset(
            "welfare_jobs",
            "乡村公益性岗位",
            "public-welfare posts",
            (
                C("job_id", "岗位编号", "str", "post id", unique=True),
                C("person_id", "人编号", "str", "post holder", references="persons.person_id"),
                C("year", "年度", "int", "year", min=2000, max=2100),
                C(
                    "post_type",
                    "岗位类型",
                    "enum",
                    "post type",
                    values=("保洁员", "护路员", "护林员", "护水员", "村务协管员", "养老护理员", "其他"),
                ),
                C(
                    "village_code",
                    "村代码",
                    "code12",
                    "village of the post",
                    references="villages.village_code",
                ),
                C("months", "聘期月数", "int", "term in months", min=1, max=12),
                C("monthly_subsidy", "月补贴", "float", "monthly subsidy, 元", min=0),
                C("started_on", "上岗日期", "date", "start of the post"),
            ),
            department="县人社局",
        ),
        Dataset(
            "trainings",
            "技能培训",
            "trainings",
            (
                C("training_id", "培训编号", "str", "training session id", unique=True),
                C("year", "年度", "int", "year", min=2000, max=2100),
                C("title", "培训名称", "str", "title"),
                C(
                    "township_code",
                    "乡镇代码",
                    "code9",
                    "township where held",
                    references="townships.township_code",
                    **_opt,
                ),
                C("started_on", "开班日期", "date", "first day"),
                C("participants", "参训人数", "int", "participants", min=0),
            ),
            department="县人社局",
        ),
        Dataset(
            "environment_scores",
            "人居环境月度评分",
            "living-environment scores",
            (
                C("period", "月份", "period", "month inspected, YYYY-MM"),
                C("village_code", "村代码", "code12", "village", references="villages.village_code"),
                C("inspected_on", "检查日期", "date", "inspection date; within period"),
                C("garbage", "垃圾治理", "float", "garbage, 0-25", min=0, max=25),
                C("toilets", "厕所革命", "float", "toilets, 0-20", min=0, max=20),
                C("sewage", "污水治理", "float", "sewage, 0-15", min=0, max=15),
                C("appearance", "村容村貌", "float", "village appearance, 0-25", min=0, max=25),
                C("upkeep", "长效管护", "float", "long-term upkeep, 0-15", min=0, max=15),
                C("veto", "一票否决", "bool", "veto finding: black list whatever the score"),
                C("note", "问题描述", "str", "one-line reason shown on the list", **_opt),
            ),
            department="县农业农村局",
        ),
        Dataset(
            "social_assistance",
            "低保与特困供养",
            "social assistance",
            (
                C("record_id", "记录编号", "str", "record id", unique=True),
                C(
                    "household_id",
                    "户编号",
                    "str",
                    "household on the households roll, if any",
                    references="households.household_id",
                    **_opt,
                ),
                C("village_code", "村代码", "code12", "village", references="villages.village_code"),
                C("scheme", "救助类别", "enum", "scheme", values=("农村低保", "特困供养")),
                C("persons", "保障人数", "int", "persons covered", min=1),
                C(
                    "dibao_class",
                    "分类施保类别",
                    "int",
                    "dibao class 1-12 (低保 only)",
                    min=1,
                    max=12,
                    **_opt,
                ),
                C("tier", "档次", "int", "dibao tier 1-4 (低保 only)", min=1, max=4, **_opt),
                C(
                    "single_person",
                    "单人保",
                    "bool",
                    "single-person dibao; empty = persons < family_size",
                    **_opt,
                ),
                C("started_on", "纳入日期", "date", "date included", month_ok=True),
                C("ended_on", "退出日期", "date", "date left", **_opt),
                C("phaseout_until", "渐退期截止", "date", "end of the phase-out period", **_opt),
                C("monthly_amount", "月保障金", "float", "monthly payment, 元", min=0),
                C(
                    "family_size",
                    "家庭人口数",
                    "int",
                    "persons in the family (保障人数 may be fewer)",
                    min=1,
                    **_opt,
                ),
                _precision("started_on"),
                C(
                    "phaseout_from",
                    "渐退期起始",
                    "date",
                    "start of the phase-out period (the household stopped qualifying)",
                    **_opt,
                ),
            ),
            department="县民政局",
        ),
        Dataset(
            "student_aid",
            "学生资助",
            "student aid",
            (
                C("record_id", "记录编号", "str", "record id (one student, one programme)", unique=True),
                C("village_code", "村代码", "code12", "village", references="villages.village_code"),
                C(
                    "household_id",
                    "户编号",
                    "str",
                    "household, if on the roll",
                    references="households.household_id",
                    **_opt,
                ),
                C("year", "年度", "int", "year", min=2000, max=2100),
                C(
                    "stage",
                    "学段",
                    "enum",
                    "school stage",
                    values=("学前", "义务教育", "普通高中", "中职", "高校"),
                ),
                C("program", "资助项目", "str", "aid programme"),
                C("amount", "资助金额", "float", "amount, 元", min=0),
                C(
                    "student_id",
                    "学生编号",
                    "str",
                    "pseudonymous student id (one student may have several programmes)",
                    **_opt,
                ),
                C(
                    "paid_on",
                    "发放日期",
                    "date",
                    "date the aid was paid; empty = known only by year (figures then say so)",
                    **_opt,
                ),
            ),
            department="县教育局",
        ),
        Dataset(
            "indicators",
            "其他指标",
            "other indicators",
            (
                C("indicator", "指标", "str", "indicator name"),
                C("period", "期间", "str", "YYYY or YYYY-MM-DD"),
                C(
                    "township_code",
                    "乡镇代码",
                    "code9",
                    "township; empty = county",
                    references="townships.township_code",
                    **_opt,
                ),
                C("value", "数值", "float", "value"),
                C("unit", "单位", "str", "unit"),
                C("department", "来源单位", "str", "source department"),
                COUNTY_CODE,
            ),
        ),
        Dataset(
            "holidays",
            "节假日安排",
            "holiday schedule",
            (
                C("date", "日期", "date", "the day", unique=True),
                C(
                    "kind",
                    "类型",
                    "enum",
                    "休 (day off) or 班 (adjusted working day, 调休)",
                    values=("休", "班"),
                ),
                C("name", "节日", "str", "holiday name", **_opt),
                C("source", "依据文号", "str", "the State Council notice it comes from"),
            ),
            department="县防贫中心",
        ),
        Dataset(
            "population",
            "人口",
            "population",
            (
                C("year", "年度", "int", "year", min=2000, max=2100),
                C(
                    "township_code",
                    "乡镇代码",
                    "code9",
                    "township; empty = county",
                    references="townships.township_code",
                    **_opt,
                ),
                COUNTY_CODE,
                C("basis", "口径", "enum", "户籍 (registered) or 常住 (resident)", values=("户籍", "常住")),
                C("scope", "范围", "enum", "总人口 (all) or 农村人口 (rural)", values=("总人口", "农村人口")),
                C("persons", "人数", "int", "persons", min=0),
                C("source", "来源", "str", "where the figure comes from (e.g. 公安户籍统计, 统计年鉴)"),
            ),
        ),
        Dataset(
            "published_figures",
            "已发布口径",
            "published figures",
            (
                C("figure_id", "编号", "str", "figure id", unique=True),
                C("statement", "表述", "str", "the published wording"),
                C("value", "数值", "float", "value as published"),
                C("unit", "单位", "str", "unit"),
                C("as_of", "截至日期", "date", "as-of date of the figure"),
                C("source", "出处", "str", "where it was said"),
                C(
                    "metric",
                    "对应指标",
                    "str",
                    "dashboard metric that must reproduce it: name[:k=v,...]",
                    **_opt,
                ),
            ),
        ),
    ]
}


def month_dates(dataset: str) -> tuple[str, ...]:
    """The date columns of ``dataset`` that may hold a month only (its date_precision says which rows do)."""
    return tuple(c.name for c in DATASETS[dataset].columns if c.month_ok)


# Dates scheduled ahead on purpose (a phase-out end, next year's holidays): they neither set the as-of date
# nor count as "after the as-of date".
FORWARD_DATES = frozenset({("social_assistance", "phaseout_until"), ("holidays", "date")})
# Datasets that are not ledgers of events (statements about the data, calendars, reference counts): their
# dates never set the as-of date or the first date of the data.
NOT_LEDGERS = frozenset({"published_figures", "holidays", "population"})

# Other files of a data folder that are not tables.
MANIFEST_FILE = "manifest.toml"
RULES_FILE = "rules.toml"  # optional override of the county rules shipped with the package
GEO_FILES = ("township_boundaries.geojson", "county_boundary.geojson")
TABLE_SUFFIXES = (".csv", ".parquet", ".xlsx")


@dataclass(frozen=True)
class Problem:
    """One finding about a data folder, ready to show to a clerk.

    ``row`` is the spreadsheet row (header = 1); None when the problem is about a file or column.
    """

    severity: str  # "error" | "warning"
    file: str
    message_zh: str
    message_en: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    code: str = ""  # stable machine code, e.g. "bad_date", "fk_missing"
    extra: dict = field(default_factory=dict, compare=False, hash=False)
