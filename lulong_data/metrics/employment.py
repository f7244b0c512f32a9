"""Employment of people lifted out of poverty, public-welfare posts and skills training (县人社局).

Each function is self-contained: it states its definition (口径) in the registry and filters by
``as_of`` from the ledgers' own dates. A figure of a year that is over stands for that year: its rows and its
scope are taken at 31 December (``figures.period_end``), whatever later date it is read at.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lulong_data import departments
from lulong_data.columns import TableView
from lulong_data.figures import Figure, period_end
from lulong_data.figures import same_day_year_before as _year_before
from lulong_data.formatting import fmt_int
from lulong_data.metrics.places import count, in_township, persons_in, scalar, township_rows
from lulong_data.metrics.registry import grouped, metric

if TYPE_CHECKING:
    import ibis

    from lulong_data.bundle import Bundle

RENSHE = departments.RENSHE


def in_year(e: ibis.Table, year: int) -> ibis.BooleanValue:
    """Employment rows of ``year``: its ``year`` says so, or (no year given) the work overlaps the year
    (started_on on or before 31 December, ended_on empty or on or after 1 January)."""
    first, last = dt.date(int(year), 1, 1), dt.date(int(year), 12, 31)
    overlaps = (e.started_on <= last) & (e.ended_on.isnull() | (e.ended_on >= first))
    return (e.year == int(year)) | (e.year.isnull() & overlaps)


def scope_persons(b: Bundle, as_of: dt.date) -> ibis.Table:
    """person_id of 脱贫人口 and 防贫监测对象: members of 脱贫户 and of households with a case approved (纳入监测)
    on or before ``as_of``, whether still monitored or since eliminated."""
    h = b.table("households")
    c = b.table("monitoring_cases")
    objects = c.filter(c.approved_on <= as_of).select("household_id")
    poor = h.filter(h.household_type == "脱贫户").select("household_id")
    p = b.table("persons")
    return p.semi_join(poor.union(objects), "household_id").select("person_id")


def in_work(b: Bundle, as_of: dt.date, year: int) -> ibis.Table:
    """Employment rows of persons in scope (脱贫人口 and 监测对象) in work in ``year`` by ``as_of``: rows of
    the year, and rows without a year still running into it (people in work since an earlier year).

    Both the rows and the scope stop at the end of the figure's period (``as_of``, or 31 December of a year
    that is over): a person whose household became a 监测对象 after the year ended is not one of that
    year's monitored workers, whatever the date the year is read at."""
    end = period_end(as_of, year)
    e = b.table("employment")
    e = e.filter(in_year(e, year) & (e.started_on <= end))
    return e.semi_join(scope_persons(b, end), "person_id")


def annual_targets(t: ibis.Table, kind: str = "务工就业") -> ibis.Table:
    """The annual targets of ``kind`` (rows without a month; an empty target_kind is 务工就业)."""
    kinds = t.target_kind.isnull() | (t.target_kind == kind) if kind == "务工就业" else t.target_kind == kind
    return t.filter(t.month.isnull() & kinds)


@metric(
    "employment_placed",
    basis="ytd",
    better="up",
    department=RENSHE,
    frequency="月",
    pages=("overview", "map", "dispatch", "employment", "press"),
    phrases=("实现就业", "完成就业", "务工就业", "脱贫劳动力", "就业人数", "就业"),
    scope="全县(或所选乡镇)脱贫人口和防贫监测对象(统计时段末已纳入监测的户,含已消除风险的)中,所选年度通过劳务输出、"
    "企业吸纳、公益岗位等途径在岗务工就业的人员,包括上年起就业、本年仍在岗的人员",
    method="按人计数;同一人有多次就业记录的只计1人",
    definition_en="Persons lifted out of poverty and members of monitored households in work in the year — "
    "new jobs and jobs held since an earlier year — each counted once.",
    datasets=("employment", "households", "persons"),
)
def employment_placed(b: Bundle, *, as_of: dt.date, year: int, township: str | None = None) -> int:
    return count(b, persons_in(b, in_work(b, as_of, year), township).person_id.nunique())


def _target_rows(b: Bundle, year: int) -> ibis.Table:
    t = annual_targets(b.table("employment_targets"))
    return t.filter(t.year == int(year))


@metric(
    "employment_target",
    basis="full_year",
    department=RENSHE,
    frequency="年",
    pages=("overview", "map", "employment", "press"),
    phrases=("目标任务", "市下目标", "就业目标", "任务数"),
    scope="秦皇岛市下达全县(或分解到所选乡镇)的所选年度脱贫劳动力务工就业目标任务",
    method="取市下达的全县目标人数;未下达全县总数的,为各乡镇目标人数之和",
    definition_en="The year's target for persons lifted out of poverty in work set by the city for the county "
    "(or the township's share); without a county figure, the sum of the township targets.",
    datasets=("employment_targets",),
)
def employment_target(b: Bundle, *, as_of: dt.date, year: int, township: str | None = None) -> int | None:
    t = _target_rows(b, year)
    if township is not None:
        return scalar(b, t.filter(t.township_code == str(township)).target.sum())
    county = scalar(b, t.filter(t.township_code.isnull()).target.sum())
    if county is not None:
        return county
    return scalar(b, t.filter(t.township_code.notnull()).target.sum())


@metric(
    "employment_rate",
    basis="ytd",
    better="up",
    department=RENSHE,
    frequency="月",
    pages=("overview", "map", "dispatch", "employment", "press"),
    phrases=("目标任务的", "完成市下目标", "完成目标", "完成率", "全年任务的", "任务的", "完成", "目标任务"),
    scope="全县(或所选乡镇)脱贫人口和防贫监测对象务工就业人数与全年就业目标任务",
    method="年初至所选日期的务工就业人数除以全年目标任务人数,乘以100",
    when="所选年度1月1日至所选日期(目标任务为全年数);所选年度已结束的,为全年",
    definition_en="Persons in work so far this year divided by the full-year target, × 100.",
    datasets=("employment", "employment_targets"),
)
def employment_rate(b: Bundle, *, as_of: dt.date, year: int, township: str | None = None) -> float | None:
    target = employment_target(b, as_of=as_of, year=year, township=township)
    if not target:
        return None
    return employment_placed(b, as_of=as_of, year=year, township=township) / target * 100


def _posts(b: Bundle, as_of: dt.date, year: int, township: str | None) -> ibis.Table:
    # A post belongs to the township of its village (posts are allocated to villages). A past year's posts
    # are those taken up by its 31 December, whatever the date it is read at.
    w = b.table("welfare_jobs")
    w = w.filter((w.year == int(year)) & (w.started_on <= period_end(as_of, year)))
    return in_township(b, w, township)


@metric(
    "welfare_post_persons",
    basis="ytd",
    department=RENSHE,
    frequency="月",
    pages=("overview", "map", "employment", "press"),
    phrases=("公益岗位", "公益岗", "公益性岗位", "安置岗位", "岗位安置", "安置"),
    scope="全县(或所选乡镇)所选年度通过乡村公益岗位托底安置的弱半劳力、无法外出和无业可就的脱贫人口",
    method="按人计数,以上岗日期为准;同一人只计1人",
    definition_en="Persons placed on rural public-welfare posts in the year (by start date), each counted once.",
    datasets=("welfare_jobs",),
)
def welfare_post_persons(b: Bundle, *, as_of: dt.date, year: int, township: str | None = None) -> int:
    return count(b, _posts(b, as_of, year, township).person_id.nunique())


@metric(
    "welfare_post_persons_change",
    basis="ytd",
    department=RENSHE,
    frequency="月",
    pages=("employment", "press"),
    phrases=("相比", "增加", "减少", "公益岗位"),
    scope="全县(或所选乡镇)公益岗位安置人数,本年与上年同期",
    method="本年1月1日至所选日期的安置人数,减去上年1月1日至上年同一日期的安置人数;所选年度已结束的,"
    "为两个全年数之差",
    when="本年1月1日至所选日期,与上年同期相比",
    definition_en="Persons placed on public-welfare posts from 1 January to the date, minus those placed in the "
    "same days of the year before.",
    datasets=("welfare_jobs",),
)
def welfare_post_persons_change(b: Bundle, *, as_of: dt.date, year: int, township: str | None = None) -> int:
    # The same days of the year before (上年同期), never this year's part against last year's whole.
    end = min(as_of, dt.date(int(year), 12, 31))
    now = welfare_post_persons(b, as_of=end, year=year, township=township)
    before = welfare_post_persons(b, as_of=_year_before(end), year=int(year) - 1, township=township)
    return now - before


@metric(
    "welfare_post_months",
    basis="ytd",
    department=RENSHE,
    frequency="年",
    pages=("employment", "press"),
    phrases=("签订期限", "聘期", "期限"),
    scope="全县(或所选乡镇)所选年度已上岗的乡村公益岗位",
    method="各岗位签订期限(月数)的中位数",
    when="所选年度1月1日至所选日期已上岗的岗位;所选年度已结束的,为全年",
    definition_en="Median contract term, in months, of the year's public-welfare posts taken up so far.",
    datasets=("welfare_jobs",),
)
def welfare_post_months(b: Bundle, *, as_of: dt.date, year: int, township: str | None = None) -> float | None:
    return scalar(b, _posts(b, as_of, year, township).months.median())


@metric(
    "welfare_post_subsidy",
    basis="ytd",
    department=RENSHE,
    frequency="年",
    pages=("employment", "press"),
    phrases=("月补贴", "补贴标准", "补贴"),
    scope="全县(或所选乡镇)所选年度已上岗的乡村公益岗位",
    method="各岗位每人每月补贴标准(元)的中位数",
    when="所选年度1月1日至所选日期已上岗的岗位;所选年度已结束的,为全年",
    definition_en="Median monthly subsidy per person, in yuan, of the year's public-welfare posts taken up so far.",
    datasets=("welfare_jobs",),
)
def welfare_post_subsidy(
    b: Bundle, *, as_of: dt.date, year: int, township: str | None = None
) -> float | None:
    return scalar(b, _posts(b, as_of, year, township).monthly_subsidy.median())


def _trainings(b: Bundle, as_of: dt.date, year: int, township: str | None) -> ibis.Table:
    t = b.table("trainings")
    t = t.filter((t.year == int(year)) & (t.started_on <= period_end(as_of, year)))
    return t if township is None else t.filter(t.township_code == str(township))


@metric(
    "training_sessions",
    basis="ytd",
    department=RENSHE,
    frequency="月",
    pages=("employment", "press"),
    phrases=("实用技术培训", "技术培训", "培训"),
    scope="全县(或所选乡镇)所选年度面向脱贫劳动力开办的实用技术培训班",
    method="按开班日期计入,每期计1期",
    definition_en="Practical skills training sessions for people lifted out of poverty, counted by start date.",
    datasets=("trainings",),
)
def training_sessions(b: Bundle, *, as_of: dt.date, year: int, township: str | None = None) -> int:
    return count(b, _trainings(b, as_of, year, township).count())


@metric(
    "training_participants",
    basis="ytd",
    department=RENSHE,
    frequency="月",
    pages=("employment", "press"),
    phrases=("实用技术培训", "技术培训", "培训"),
    scope="全县(或所选乡镇)所选年度已开班的实用技术培训",
    method="各期参训人数相加",
    definition_en="Participants of the year's practical skills training sessions started so far, added up.",
    datasets=("trainings",),
)
def training_participants(b: Bundle, *, as_of: dt.date, year: int, township: str | None = None) -> int:
    return count(b, _trainings(b, as_of, year, township).participants.sum())


# -- dashboard breakdowns (issue #5) ---------------------------------------------------------------
# Tables for the 就业帮扶 page. They reuse the filters above so every breakdown adds up to the headline
# figure of the same 口径; the headline numbers themselves always come from the functions above.

import math  # noqa: E402  (imports of the appended section)

import ibis  # noqa: E402
import pandas as pd  # noqa: E402

WEAK_ABILITIES = ("弱劳动力或半劳动力", "丧失劳动力", "无劳动力")
ELDERLY_AGE = 60  # age in the year = year − birth_year


def person_places(b: Bundle) -> ibis.Table:
    """person_id -> household_id, village_code, township_code, township (name): "township of a person"."""
    p = b.table("persons").select("person_id", "household_id")
    h = b.table("households").select("household_id", "village_code")
    v = b.table("villages").select("village_code", "township_code")
    t = b.table("townships").select("township_code", township="name")
    return p.join(h, "household_id").join(v, "village_code").join(t, "township_code")


def _townships(b: Bundle, township: str | None = None) -> pd.DataFrame:
    return township_rows(b, township)


same_day_year_before = _year_before  # 上年同期 (lulong_data.figures), kept here for its callers


def target_pace(target: float | None, year: int, d: dt.date) -> float | None:
    """Straight-line pace: target × day-of-year(d) / days-in-year (0 before the year, target after it):
    on 2 July of a common year (day 183 of 365) 50.1% of the target. The last resort of the county's
    yardstick (lulong_data.metrics.pace), used when there is neither a monthly plan nor last year's curve.
    """
    if target is None:
        return None
    start, end = dt.date(int(year), 1, 1), dt.date(int(year), 12, 31)
    if d < start:
        return 0.0
    if d >= end:
        return float(target)
    return float(target) * ((d - start).days + 1) / ((end - start).days + 1)


@metric(
    "employment_pace",
    basis="ytd",
    department=RENSHE,
    frequency="月",
    pages=("employment", "dispatch"),
    phrases=("序时进度",),
    scope="全县(或所选乡镇)所选年度就业目标任务",
    method="按县定月度累计计划计算,月内按天数折算;未设月度计划的,以上年同期全县累计就业人数占上年全年的比例"
    "乘以本年目标任务;既无月度计划也无上年就业数据的,按全年均匀推进计算(不取整)。所选年度结束后为全年目标任务",
    when="所选年度1月1日至所选日期",
    definition_en="The county's one yardstick: its monthly cumulative plan, pro "
    "rata within the month; without one, last year's county-wide share of placements by the same day times "
    "this year's target; without last year's placements either, an even pace (unrounded). The full target "
    "once the year is over.",
    datasets=("employment_targets",),
)
def employment_pace(b: Bundle, *, as_of: dt.date, year: int, township: str | None = None) -> float | None:
    from lulong_data.metrics import pace  # pace builds on this module

    return pace.expected(b, as_of=as_of, year=year, township=township)


def _first_rows(b: Bundle, as_of: dt.date, year: int) -> ibis.Table:
    """One row per person of the year: the first by started_on, then record_id (a person counts once)."""
    e = in_work(b, as_of, year)
    w = ibis.window(group_by="person_id", order_by=[e.started_on, e.record_id])
    return e.mutate(_n=ibis.row_number().over(w)).filter(lambda x: x._n == 0).drop("_n")


def employment_by_township(
    b: Bundle, *, as_of: dt.date, year: int, township: str | None = None
) -> pd.DataFrame:
    """Per township: placed, target (None when the township has none), gap to target, rate, pace, short.

    Columns: township_code, township, placed, target, gap (target − placed, ≥ 0), rate (%), pace,
    short (people short of the pace, ⌈pace − placed⌉; 0 when on pace or no target), status
    ("ahead" / "behind" / "no_target"). The placed column adds up to employment_placed of the county.
    """
    first = _first_rows(b, as_of, year).join(person_places(b), "person_id")
    placed = b.execute(first.group_by("township_code").aggregate(placed=first.person_id.nunique()))
    t = _target_rows(b, year)
    targets = b.execute(
        t.filter(t.township_code.notnull()).group_by("township_code").aggregate(target=t.target.sum())
    )
    out = _townships(b, township)
    out = out.merge(placed, on="township_code", how="left").merge(targets, on="township_code", how="left")
    out["placed"] = out["placed"].fillna(0).astype("int64")
    out["target"] = out["target"].astype("Int64")
    has = out["target"].notna()
    out["gap"] = (out["target"] - out["placed"]).clip(lower=0)
    out["rate"] = (out["placed"] / out["target"].astype("float64") * 100).where(has & (out["target"] > 0))
    out["pace"] = _township_paces(b, as_of, int(year), out)
    short = (out["pace"] - out["placed"]).apply(lambda x: math.ceil(x - 1e-9) if x == x and x > 0 else 0)
    out["short"] = short.astype("int64")
    out["status"] = [
        "no_target" if not h else ("behind" if s > 0 else "ahead")
        for h, s in zip(has, out["short"], strict=True)
    ]
    return out


def _township_paces(b: Bundle, as_of: dt.date, year: int, out: pd.DataFrame) -> pd.Series:
    """Each township's pace by the county's one yardstick (lulong_data.metrics.pace.expected)."""
    if dt.date(year, 1, 1) <= as_of < dt.date(year, 12, 31):
        from lulong_data.metrics import pace  # pace builds on this module

        paces = pace.expected_by_township(b, as_of=as_of)
        values = [paces.get(c, (None, "none"))[0] for c in out["township_code"]]
    else:
        values = [target_pace(None if pd.isna(x) else int(x), year, as_of) for x in out["target"]]
    return pd.Series(values, index=out.index, dtype="float64")


def townships_behind_pace(
    b: Bundle, *, as_of: dt.date, year: int, township: str | None = None
) -> pd.DataFrame:
    """Townships with fewer placements than the pace (the county's yardstick), most people short first."""
    df = employment_by_township(b, as_of=as_of, year=year, township=township)
    df = df[df["status"] == "behind"]
    return df.sort_values(["short", "township_code"], ascending=[False, True]).reset_index(drop=True)


def employment_cumulative(
    b: Bundle, *, as_of: dt.date, year: int, township: str | None = None
) -> pd.DataFrame:
    """Cumulative placements at each month end of the year up to as_of (and at as_of), with the pace (the
    county's yardstick on each of those days).

    Columns: date, month (1–12), placed (distinct persons whose first row of the year started on or
    before date), pace (None without a target). The last row is as_of itself when it is mid-month.
    """
    from lulong_data.metrics import pace  # pace builds on this module

    first = persons_in(b, _first_rows(b, as_of, year), township)
    starts = b.execute(first.select("started_on"))["started_on"]
    starts = pd.to_datetime(starts).dt.date.sort_values().tolist()
    target = employment_target(b, as_of=as_of, year=year, township=township)
    end = min(as_of, dt.date(int(year), 12, 31))
    rows = []
    for m in range(1, 13):
        last = (dt.date(int(year), m + 1, 1) if m < 12 else dt.date(int(year) + 1, 1, 1)) - dt.timedelta(
            days=1
        )
        d = min(last, end)
        if d < dt.date(int(year), m, 1):
            break
        placed = sum(1 for s in starts if s <= d)
        rows.append(
            {
                "date": d,
                "month": m,
                "placed": placed,
                "pace": pace.expected(b, as_of=d, year=year, township=township)
                if target is not None
                else None,
            }
        )
    return pd.DataFrame(rows, columns=["date", "month", "placed", "pace"])


def _by_dimension(
    b: Bundle, col: str, values: tuple[str, ...], as_of: dt.date, year: int, township: str | None
) -> pd.DataFrame:
    before = same_day_year_before(as_of)
    frames = []
    for label, y, d in (("persons", int(year), as_of), ("persons_prev", int(year) - 1, before)):
        first = persons_in(b, _first_rows(b, d, y), township)
        frames.append(b.execute(first.group_by(col).aggregate(**{label: first.person_id.nunique()})))
    out = pd.DataFrame({col: list(values)})
    for f in frames:
        out = out.merge(f, on=col, how="left")
    out[["persons", "persons_prev"]] = out[["persons", "persons_prev"]].fillna(0).astype("int64")
    out["change"] = out["persons"] - out["persons_prev"]
    total = out["persons"].sum()
    out["share"] = out["persons"] / total * 100 if total else float("nan")
    return out


EMPLOYMENT_CHANNELS = ("劳务输出", "县内企业吸纳", "帮扶车间", "公益岗位", "自主创业", "灵活就业")
EMPLOYMENT_LOCATIONS = ("县内", "省内县外", "省外")


def employment_by_channel(
    b: Bundle, *, as_of: dt.date, year: int, township: str | None = None
) -> pd.DataFrame:
    """Placements by channel with 上年同期 (same calendar day a year earlier) and the change.

    A person with rows in two channels counts once, in the channel of their first row of the year
    (earliest started_on, then record_id), so the channels add up to employment_placed.
    Columns: channel, persons, persons_prev, change, share (%).
    """
    return _by_dimension(b, "channel", EMPLOYMENT_CHANNELS, as_of, year, township)


def employment_by_location(
    b: Bundle, *, as_of: dt.date, year: int, township: str | None = None
) -> pd.DataFrame:
    """Placements by place of work (县内/省内县外/省外); same rules as :func:`employment_by_channel`."""
    return _by_dimension(b, "location", EMPLOYMENT_LOCATIONS, as_of, year, township)


WELFARE_POST_TYPES = ("保洁员", "护路员", "护林员", "护水员", "村务协管员", "养老护理员", "其他")


def _this_and_last(as_of: dt.date, year: int) -> tuple[tuple[int, dt.date], tuple[int, dt.date]]:
    """(year, as_of) and the same period of the year before: (year − 1, the same calendar day)."""
    end = min(as_of, dt.date(int(year), 12, 31))
    return (int(year), as_of), (int(year) - 1, same_day_year_before(end))


def _post_stats(b: Bundle, posts: ibis.Table, key: str) -> pd.DataFrame:
    return b.execute(
        posts.group_by(key).aggregate(
            persons=posts.person_id.nunique(),
            months=posts.months.median(),
            subsidy=posts.monthly_subsidy.median(),
        )
    )


def welfare_posts_by_type(
    b: Bundle, *, as_of: dt.date, year: int, township: str | None = None
) -> pd.DataFrame:
    """Per post type: persons, median months and monthly subsidy, and persons of the year before.

    The year before is counted over the same period (上年同期, the 口径 of welfare_post_persons_change).
    Columns: post_type, persons, months, subsidy, persons_prev, change.
    """
    (y, d), (y0, d0) = _this_and_last(as_of, year)
    now = _post_stats(b, _posts(b, d, y, township), "post_type")
    prev = _post_stats(b, _posts(b, d0, y0, township), "post_type")
    out = pd.DataFrame({"post_type": list(WELFARE_POST_TYPES)}).merge(now, on="post_type", how="left")
    out = out.merge(
        prev[["post_type", "persons"]].rename(columns={"persons": "persons_prev"}), on="post_type", how="left"
    )
    out[["persons", "persons_prev"]] = out[["persons", "persons_prev"]].fillna(0).astype("int64")
    out["change"] = out["persons"] - out["persons_prev"]
    return out


@grouped("employment_placed", "employment_target", "employment_rate", zero=("employment_placed",))
def _employment_grouped(b: Bundle, *, as_of: dt.date, year: int) -> pd.DataFrame:
    by = employment_by_township(b, as_of=as_of, year=year).set_index("township_code")
    return by.rename(
        columns={"placed": "employment_placed", "target": "employment_target", "rate": "employment_rate"}
    )


def welfare_posts_by_township(
    b: Bundle, *, as_of: dt.date, year: int, township: str | None = None
) -> pd.DataFrame:
    """Per township (of the post's village): persons, median months and subsidy, the year before, change."""
    v = b.table("villages").select("village_code", "township_code")
    frames = []
    for y, d in _this_and_last(as_of, year):
        posts = _posts(b, d, y, township).join(v, "village_code")
        frames.append(_post_stats(b, posts, "township_code"))
    out = _townships(b, township).merge(frames[0], on="township_code", how="left")
    out = out.merge(
        frames[1][["township_code", "persons"]].rename(columns={"persons": "persons_prev"}),
        on="township_code",
        how="left",
    )
    out[["persons", "persons_prev"]] = out[["persons", "persons_prev"]].fillna(0).astype("int64")
    out["change"] = out["persons"] - out["persons_prev"]
    return out


def _holder_groups(b: Bundle, as_of: dt.date, year: int, township: str | None) -> pd.DataFrame:
    posts = _posts(b, as_of, year, township).select("person_id").distinct()
    p = b.table("persons").select("person_id", "labour_ability", "birth_year")
    df = b.execute(posts.left_join(p, "person_id").select("person_id", "labour_ability", "birth_year"))
    weak = df["labour_ability"].isin(WEAK_ABILITIES)
    old = (int(year) - df["birth_year"].astype("Float64")) >= ELDERLY_AGE
    df["group"] = "other"
    df.loc[old.fillna(False).astype(bool) & ~weak, "group"] = "elderly"
    df.loc[df["labour_ability"] == "弱劳动力或半劳动力", "group"] = "weak"
    df.loc[df["labour_ability"].isin(("丧失劳动力", "无劳动力")), "group"] = "none"
    return df


def welfare_post_holders(
    b: Bundle, *, as_of: dt.date, year: int, township: str | None = None
) -> pd.DataFrame:
    """Post holders by group, each person once: weak (弱劳动力或半劳动力), none (丧失/无劳动力),
    elderly (60+ in the year with other abilities), other. Columns: group, persons, share (%)."""
    df = _holder_groups(b, as_of, year, township)
    groups = ("weak", "none", "elderly", "other")
    counts = df["group"].value_counts()
    out = pd.DataFrame({"group": groups, "persons": [int(counts.get(g, 0)) for g in groups]})
    total = out["persons"].sum()
    out["share"] = out["persons"] / total * 100 if total else float("nan")
    return out


@metric(
    "welfare_post_weak_share",
    basis="ytd",
    department=RENSHE,
    frequency="月",
    pages=("employment",),
    phrases=("弱半劳力", "60岁以上"),
    scope="全县(或所选乡镇)所选年度公益岗位在岗人员",
    method="劳动能力为弱劳动力或半劳动力、丧失劳动力、无劳动力,或当年年满60周岁的在岗人数,除以在岗总人数,"
    "乘以100;同一人只计1次",
    when="所选年度1月1日至所选日期已上岗的岗位;所选年度已结束的,为全年",
    definition_en="Post holders with weak, half, lost or no labour ability or aged 60 or over in the year, "
    "divided by all post holders, × 100; each person once.",
    datasets=("welfare_jobs", "persons"),
)
def welfare_post_weak_share(
    b: Bundle, *, as_of: dt.date, year: int, township: str | None = None
) -> float | None:
    df = _holder_groups(b, as_of, year, township)
    if df.empty:
        return None
    return float((df["group"] != "other").sum() / len(df) * 100)


def trainings_by_year(b: Bundle, *, as_of: dt.date, township: str | None = None) -> pd.DataFrame:
    """Sessions and participants per year (started on or before as_of, and by the end of the row's year, as
    :func:`training_sessions` counts them). Columns: year, sessions, participants."""
    t = b.table("trainings")
    t = t.filter((t.started_on <= as_of) & (t.started_on.year() <= t.year))
    if township is not None:
        t = t.filter(t.township_code == str(township))
    out = b.execute(t.group_by("year").aggregate(sessions=t.count(), participants=t.participants.sum()))
    out = out.sort_values("year").reset_index(drop=True)
    return out.astype({"year": "int64", "sessions": "int64", "participants": "int64"})


def trainings_by_township(
    b: Bundle, *, as_of: dt.date, year: int, township: str | None = None
) -> pd.DataFrame:
    """Sessions and participants per township of the year; rows with no township are 未注明 (code None)."""
    t = _trainings(b, as_of, year, township)
    agg = b.execute(
        t.group_by("township_code").aggregate(sessions=t.count(), participants=t.participants.sum())
    )
    out = _townships(b, township).merge(agg, on="township_code", how="left")
    rest = agg[agg["township_code"].isna()]
    if not rest.empty:
        out = pd.concat([out, rest.assign(township="未注明乡镇")], ignore_index=True)
    out[["sessions", "participants"]] = out[["sessions", "participants"]].fillna(0).astype("int64")
    return out


def training_list(b: Bundle, *, as_of: dt.date, year: int, township: str | None = None) -> pd.DataFrame:
    """The year's sessions, newest first: training_id, title, township, started_on, participants."""
    t = _trainings(b, as_of, year, township)
    tw = b.table("townships").select("township_code", township="name")
    df = b.execute(
        t.left_join(tw, "township_code").select(
            "training_id", "title", "township", "started_on", "participants"
        )
    )
    return df.sort_values(["started_on", "training_id"], ascending=[False, True]).reset_index(drop=True)


def employment_years(b: Bundle, *, as_of: dt.date) -> list[int]:
    """Years with employment, target, post or training rows, up to the year of as_of (newest first)."""
    years: set[int] = set()
    for name in ("employment", "employment_targets", "welfare_jobs", "trainings"):
        t = b.table(name)
        years |= {int(y) for y in b.execute(t.select("year").distinct())["year"].dropna()}
    e = b.table("employment")
    first = pd.to_datetime(scalar(b, e.filter(e.year.isnull()).started_on.min()))
    if pd.notna(first):  # rows without a year count in every year from their start
        years |= set(range(first.year, as_of.year + 1))
    return sorted((y for y in years if y <= as_of.year), reverse=True) or [as_of.year]


@grouped("welfare_post_persons", zero=("welfare_post_persons",))
def _posts_grouped(b: Bundle, *, as_of: dt.date, year: int) -> pd.DataFrame:
    by = welfare_posts_by_township(b, as_of=as_of, year=year).set_index("township_code")
    return by.rename(columns={"persons": "welfare_post_persons"})


# -- the page's headline: figures and what they mean -------------------------------------------------


@dataclass(frozen=True)
class Progress:
    """Placements against the target and the pace, as registered figures, with the judgments in words:
    the year's target met or not; ahead of or behind the pace to date (and by how many)."""

    placed: Figure
    week_ago: Figure
    target: Figure
    rate: Figure
    pace: Figure

    @property
    def week_change(self) -> float | None:
        if self.placed.value is None or self.week_ago.value is None:
            return None
        return self.placed.value - self.week_ago.value

    def target_cue(self, lang: str = "zh") -> tuple[str, str]:
        """(status, words): good = the year's target is met (完成率 ≥ 100%), watch = not yet."""
        met = self.rate.value is not None and self.rate.value >= 100
        if lang == "en":
            return ("good", "yearly target met") if met else ("watch", "not yet met")
        return ("good", "已完成全年目标") if met else ("watch", "未完成")

    def pace_cue(self, lang: str = "zh") -> tuple[str, str]:
        """(status, words): good = placements at or above the pace to date, behind = below it."""
        placed, pace = self.placed.value, self.pace.value
        if pace is None or placed is None:
            return ("watch", "no target" if lang == "en" else "无目标,不判断")
        diff = placed - pace
        n = fmt_int(abs(diff))
        if diff >= 0:
            return ("good", f"{n} ahead" if lang == "en" else f"超出{n}人")
        return ("behind", f"{n} behind" if lang == "en" else f"落后{n}人")

    def tiles(self, lang: str = "zh") -> list[tuple[Figure, tuple[str, str] | None, float | None]]:
        """The headline's tiles in order: (figure, its judgment (status, words) or None, its change on a
        week earlier or None) — placed, target, rate (target met?), pace (ahead or behind?)."""
        return [
            (self.placed, None, self.week_change),
            (self.target, None, None),
            (self.rate, self.target_cue(lang), None),
            (self.pace, self.pace_cue(lang), None),
        ]


def progress(b: Bundle, *, as_of: dt.date, year: int, township: str | None = None) -> Progress:
    """The employment page's headline figures for ``year`` at ``as_of`` (and placements a week earlier)."""
    from lulong_data.metrics.registry import evaluate

    def fig(name: str, day: dt.date = as_of) -> Figure:
        return evaluate(b, name, as_of=day, year=year, township=township)

    week = as_of - dt.timedelta(days=7)
    return Progress(fig("employment_placed"), fig("employment_placed", week), *map(fig, _HEADLINE))


_HEADLINE = ("employment_target", "employment_rate", "employment_pace")


BULLET_NOTE = (
    "灰色宽条 = 目标任务;蓝色窄条 = 已就业人数;黑色竖线 = 截至当日的序时进度。"
    "条后文字:已就业 / 目标 · 完成率 · 距目标差额,√ 超序时进度 / × 落后序时进度。",
    "Grey wide bar = target; blue narrow bar = placed; black tick = pace to date. "
    "Text: placed / target · rate · still to go; √ ahead of pace / × behind pace.",
)


def same_period_note(as_of: dt.date, year: int) -> tuple[str, str]:
    """How the channel and place tables compare with last year, in words (zh, en)."""
    d = min(as_of, dt.date(int(year), 12, 31))
    before = same_day_year_before(d)
    return (
        f"与上年同期比较:{year}年截至 {d:%m月%d日} 对比 {int(year) - 1}年截至 {before:%m月%d日}"
        "(上年同月同日;2月29日按2月28日)。一人多条记录只计一次,计入其当年第一条记录的渠道和地点。",
        f"Compared with the same date a year earlier: {year} to {d:%d %b} vs {int(year) - 1} to {before:%d %b} "
        "(29 Feb → 28 Feb). A person with several rows counts once, in the channel and place of their "
        "first row of the year.",
    )


GROUP_LABELS = {
    "weak": ("弱劳动力或半劳动力", "weak or half labour"),
    "none": ("丧失劳动力/无劳动力", "lost or no labour"),
    "elderly": ("60岁及以上(其他劳动能力)", "aged 60+ (other abilities)"),
    "other": ("其他", "others"),
}


def holder_rows(holders: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """:func:`welfare_post_holders` with each group in words (:data:`GROUP_LABELS`), for its chart."""
    return holders.assign(group=[GROUP_LABELS[g][1 if lang == "en" else 0] for g in holders["group"]])


def training_year_rows(by_year: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """:func:`trainings_by_year` with the year as a label ("2022年" / "2022"), for its chart's axis."""
    return by_year.assign(year=by_year["year"].astype(str) + ("" if lang == "en" else "年"))


def has_progress(by_township: pd.DataFrame) -> bool:
    """Whether the targets chart has anything to show: a township target, or anyone placed."""
    return bool(by_township["target"].notna().any() or by_township["placed"].sum())


def behind_summary(behind: pd.DataFrame, lang: str = "zh") -> tuple[str, str]:
    """(status, sentence) about the townships behind the pace (:func:`townships_behind_pace`)."""
    if behind.empty:
        return ("good", "No township is behind pace." if lang == "en" else "没有乡镇落后于序时进度。")
    n, short = len(behind), fmt_int(behind["short"].sum())
    if lang == "en":
        return ("behind", f"{n} townships behind pace, {short} persons short in all.")
    return ("behind", f"{n}个乡镇落后于序时进度,合计差{short}人。")


# -- what the page's tables show (lulong_data.columns) and the rules' texts --------------------------------

BEHIND_TABLE = TableView("employment_behind_pace_{year}", ("township", "placed", "target", "pace", "short"))
TOWNSHIP_TABLE = TableView(
    "employment_by_township_{year}", ("township", "placed", "target", "gap", "rate", "pace", "short")
)
POSTS_TABLE = TableView(
    "welfare_posts_by_township_{year}",
    ("township", "persons", "persons_prev", "change", "months", "subsidy"),
    table="welfare_posts",
)
TRAINING_YEARS_TABLE = TableView("trainings", ("year", "sessions", "participants"))
TRAINING_TOWNSHIPS_TABLE = TableView("trainings_by_township_{year}", ("township", "sessions", "participants"))
TRAINING_LIST = TableView(
    "trainings_{year}", ("started_on", "title", "township", "participants"), table="trainings"
)
HOLDER_NOTE = ("每人只计一组;年龄 = 年度 − 出生年份。", "Each person in one group; age = year − birth year.")


def share_rows(by: pd.DataFrame) -> pd.DataFrame:
    """:func:`employment_by_channel` / :func:`employment_by_location` with the share to one decimal."""
    return by.assign(share=by["share"].round(1))
