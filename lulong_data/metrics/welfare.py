"""Social assistance (农村低保, 特困供养; 县民政局) and student aid (县教育局).

"Active on date D" for a social-assistance record: started_on <= D and (ended_on empty or ended_on > D).
A record in its phase-out period (渐退期) is still active: it is still paid.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from lulong_data import departments
from lulong_data.columns import TableView
from lulong_data.figures import Caveat, Figure, Period, period_end
from lulong_data.metrics.places import (
    RURAL,
    count,
    denominator_figure,
    in_township,
    population,
    population_by_township,
    poverty_household_ids,
    poverty_persons,
    scalar,
    township_rows,
)
from lulong_data.metrics.registry import metric

if TYPE_CHECKING:
    import ibis

    from lulong_data.bundle import Bundle

MINZHENG = departments.MINZHENG
JIAOYU = departments.JIAOYU
DIBAO = "农村低保"
TEKUN = "特困供养"


def single_person(s: ibis.Table) -> ibis.BooleanValue:
    """单人保 (a 农村低保 measure: part of a family, such as a severely disabled or seriously ill member,
    is covered on their own — 民政部《最低生活保障审核确认办法》(民发〔2021〕57号), and the county's own
    account at the press conference: "对符合政策的重度残疾人、重病患者……持续落实'单人保'措施" under 农村低保;
    特困供养 covers persons, so it has none): as recorded, else (the 民政 roster has no such flag)
    persons covered < family size (REAL-EXPORTS.md)."""
    derived = s.family_size.notnull() & (s.persons < s.family_size)
    return (s.scheme == DIBAO) & s.single_person.fill_null(derived).fill_null(False)


def active_assistance(b: Bundle, as_of: dt.date, township: str | None = None) -> ibis.Table:
    """Social-assistance records active on ``as_of`` (phase-out included), in the township."""
    s = b.table("social_assistance")
    s = s.filter((s.started_on <= as_of) & (s.ended_on.isnull() | (s.ended_on > as_of)))
    return in_township(b, s, township)


@metric(
    "assistance_new_persons",
    basis="ytd",
    department=MINZHENG,
    frequency="月",
    pages=("welfare", "press"),
    phrases=(
        "新增农村低保对象@scheme=农村低保",
        "新增低保对象@scheme=农村低保",
        "新增农村低保@scheme=农村低保",
        "新增特困人员@scheme=特困供养",
        "新增特困供养人员@scheme=特困供养",
        "新增特困供养@scheme=特困供养",
        "特困人员@scheme=特困供养",
    ),
    scope="全县(或所选乡镇)所选年度新纳入农村低保或特困供养(按所选救助类别)的保障对象",
    method="以纳入日期为准,各新纳入保障户的保障人数相加",
    definition_en="Persons newly taken into the chosen scheme (rural dibao or tekun) in the year, by date "
    "of inclusion.",
    datasets=("social_assistance",),
)
def assistance_new_persons(
    b: Bundle, *, as_of: dt.date, scheme: str, year: int, township: str | None = None
) -> int:
    s = b.table("social_assistance")
    s = s.filter(
        (s.scheme == scheme)
        & (s.started_on >= dt.date(int(year), 1, 1))
        & (s.started_on <= min(as_of, dt.date(int(year), 12, 31)))
    )
    return count(b, in_township(b, s, township).persons.sum())


def _phaseout(b: Bundle, as_of: dt.date, township: str | None) -> ibis.Table:
    s = active_assistance(b, as_of, township)
    s = s.filter(
        (s.scheme == DIBAO)
        & s.phaseout_until.notnull()
        & (s.phaseout_until >= as_of)
        & (s.phaseout_from.isnull() | (s.phaseout_from <= as_of))  # a phase-out not yet begun is not one
    )
    return s.semi_join(poverty_household_ids(b), "household_id")


@metric(
    "phaseout_households",
    basis="stock",
    department=MINZHENG,
    frequency="月",
    pages=("welfare", "press"),
    phrases=("仍处于渐退期", "渐退期内"),
    scope="全县(或所选乡镇)截至所选日期仍处于农村低保渐退期内的脱贫户,含往年开始、尚未期满的(时点存量)",
    method="按户计数;同一户只计1户",
    definition_en="Households lifted out of poverty still in their rural dibao phase-out period on the date, "
    "including phase-outs begun in earlier years (a stock), each counted once.",
    datasets=("social_assistance", "households"),
)
def phaseout_households(b: Bundle, *, as_of: dt.date, township: str | None = None) -> int:
    return count(b, _phaseout(b, as_of, township).household_id.nunique())


@metric(
    "phaseout_persons",
    basis="stock",
    department=MINZHENG,
    frequency="月",
    pages=("welfare", "press"),
    phrases=("仍处于渐退期", "渐退期内"),
    scope="全县(或所选乡镇)截至所选日期仍处于农村低保渐退期内的脱贫户(时点存量)",
    method="各渐退期保障户的保障人数相加",
    definition_en="Persons covered by the phase-out records of households lifted out of poverty still in "
    "their phase-out period on the date (a stock).",
    datasets=("social_assistance", "households"),
)
def phaseout_persons(b: Bundle, *, as_of: dt.date, township: str | None = None) -> int:
    return count(b, _phaseout(b, as_of, township).persons.sum())


def _phaseout_flow(b: Bundle, as_of: dt.date, year: int, township: str | None) -> ibis.Table | None:
    """农村低保 records of 脱贫户 whose phase-out began in ``year`` (by as_of); None when the folder does not
    record when phase-outs begin (the flow cannot be counted then)."""
    if not b.has_column("social_assistance", "phaseout_from"):
        return None
    first, last = dt.date(int(year), 1, 1), min(as_of, dt.date(int(year), 12, 31))
    s = b.table("social_assistance")
    s = s.filter((s.scheme == DIBAO) & (s.phaseout_from >= first) & (s.phaseout_from <= last))
    return in_township(b, s, township).semi_join(poverty_household_ids(b), "household_id")


PHASEOUT_START_MISSING = Caveat(
    "phaseout_start_missing",
    "数据中没有渐退期起始日期,无法统计年内给予渐退期的户数;请在低保与特困供养表中填写渐退期起始。",
    "The data give no start date of phase-outs, so those begun in the year cannot be counted; fill in the "
    "phase-out start in the social assistance file.",
)


@metric(
    "phaseout_flow_households",
    basis="flow",
    department=MINZHENG,
    frequency="年",
    pages=("welfare", "press"),
    phrases=("不再符合低保条件", "给予渐退期", "渐退期"),
    scope="全县(或所选乡镇)所选年度1月1日至所选日期,因收入增加等不再符合农村低保条件、给予渐退期的脱贫户(年内流量)",
    method="以渐退期起始日期为准,按户计数;同一户只计1户",
    definition_en="Households lifted out of poverty that stopped qualifying for rural dibao and were given a "
    "phase-out period between 1 January and the date (a flow), each counted once.",
    datasets=("social_assistance", "households"),
)
def phaseout_flow_households(b: Bundle, *, as_of: dt.date, year: int, township: str | None = None) -> Figure:
    s = _phaseout_flow(b, as_of, year, township)
    return _flow(
        "phaseout_flow_households", as_of, year, None if s is None else count(b, s.household_id.nunique())
    )


@metric(
    "phaseout_flow_persons",
    basis="flow",
    department=MINZHENG,
    frequency="年",
    pages=("welfare", "press"),
    phrases=("不再符合低保条件", "给予渐退期", "渐退期"),
    scope="全县(或所选乡镇)所选年度1月1日至所选日期给予低保渐退期的脱贫户(年内流量)",
    method="以渐退期起始日期为准,各渐退保障户的保障人数相加",
    definition_en="Persons covered by the phase-out records of households lifted out of poverty begun between "
    "1 January and the date (a flow).",
    datasets=("social_assistance", "households"),
)
def phaseout_flow_persons(b: Bundle, *, as_of: dt.date, year: int, township: str | None = None) -> Figure:
    s = _phaseout_flow(b, as_of, year, township)
    return _flow("phaseout_flow_persons", as_of, year, None if s is None else count(b, s.persons.sum()))


def _flow(name: str, as_of: dt.date, year: int, value: int | None) -> Figure:
    """A phase-out flow: 1 January .. as_of of ``year``; missing (why) when phase-out starts are not recorded."""
    period = Period(dt.date(int(year), 1, 1), min(as_of, dt.date(int(year), 12, 31)))
    return Figure(name, value, period, "flow", missing=PHASEOUT_START_MISSING if value is None else None)


@metric(
    "dibao_coverage",
    digits=1,
    basis="stock",
    department=MINZHENG,
    frequency="月",
    pages=("welfare", "press"),
    phrases=("低保覆盖率", "农村低保覆盖率", "覆盖率"),
    scope="全县(或所选乡镇)截至所选日期仍在保障期内(含渐退期)的农村低保对象与所选日期所在年度的农村户籍人口",
    method="农村低保保障人数除以农村户籍人口数,乘以100;该年度人口未导入时取最近的上一年度并注明",
    definition_en="Persons on rural dibao on the date (phase-out included) divided by the rural registered "
    "population of the year (else the latest earlier year, said so), × 100.",
    datasets=("social_assistance", "townships"),
)
def dibao_coverage(b: Bundle, *, as_of: dt.date, township: str | None = None) -> Figure:
    s = active_assistance(b, as_of, township)
    covered = count(b, s.filter(s.scheme == DIBAO).persons.sum())
    d = population(b, year=as_of.year, scope=RURAL, township=township)
    value = covered / d.persons * 100 if d.persons else None
    return denominator_figure("dibao_coverage", value, d, as_of)


@metric(
    "poverty_assistance_share",
    digits=0,
    basis="stock",
    department=MINZHENG,
    frequency="月",
    pages=("welfare", "press"),
    phrases=("低保和特困供养人员占", "农村低保和特困供养人员占", "低保和特困供养", "脱贫人口中"),
    scope="全县(或所选乡镇)脱贫人口中截至所选日期仍在保障期内(含渐退期)的农村低保对象和特困供养人员",
    method="上述低保和特困供养保障人数相加,除以脱贫人口数,乘以100",
    definition_en="Persons lifted out of poverty on rural dibao or tekun on the date, divided by all persons "
    "lifted out of poverty, × 100.",
    datasets=("social_assistance", "households"),
)
def poverty_assistance_share(b: Bundle, *, as_of: dt.date, township: str | None = None) -> float | None:
    s = active_assistance(b, as_of, township).semi_join(poverty_household_ids(b), "household_id")
    covered = count(b, s.persons.sum())
    total = poverty_persons(b, as_of=as_of, township=township)
    return covered / total * 100 if total else None


def _aid(b: Bundle, year: int, township: str | None, paid_by: dt.date | None = None) -> ibis.Table:
    """The year's aid records (in the township); with ``paid_by``, only those paid on or before it."""
    a = b.table("student_aid")
    a = a.filter(a.year == int(year))
    if paid_by is not None:
        a = a.filter(a.paid_on <= paid_by)
    return in_township(b, a, township)


def _undated(b: Bundle, year: int) -> bool:
    """Whether the year's aid records lack payment dates (the ledger then says only the year)."""
    a = b.table("student_aid")
    a = a.filter(a.year == int(year))
    return count(b, a.filter(a.paid_on.isnull()).count()) > 0


def _aid_as_of(b: Bundle, year: int, township: str | None, as_of: dt.date) -> ibis.Table | None:
    """The year's aid records known to have been paid by ``as_of`` (by 31 December for a year that is over,
    whatever later date it is read at); None when the ledger cannot tell (it gives only the year, and
    ``as_of`` is before the data's own date in that year)."""
    year = int(year)
    if not _undated(b, year):
        return _aid(b, year, township, paid_by=period_end(as_of, year))
    if year < as_of.year or as_of >= b.as_of:
        return _aid(b, year, township)
    return None


def _aid_figure(
    b: Bundle, name: str, as_of: dt.date, year: int, value: Callable[[ibis.Table], float]
) -> Figure | float:
    """Student aid by payment date. A ledger that gives only the year is complete for a past year and,
    for the current one, as of the data's own date: earlier dates cannot be answered from it."""
    year = int(year)
    known = _aid_as_of(b, year, None, as_of)
    if not _undated(b, year):
        return value(known)  # the registry dates it: 1 January .. as_of
    if known is None:
        zh = f"{as_of.year}年{as_of.month}月{as_of.day}日"
        why = Caveat(
            "aid_undated",
            f"学生资助台账未载明发放日期,无法确定截至{zh}的发放情况。",
            f"The student-aid ledger gives no payment dates: what was paid by {as_of.isoformat()} is unknown.",
        )
        return Figure(name, None, Period.year_to_date(as_of, year), "ytd", missing=why)
    if year < as_of.year:
        return Figure(name, value(known), Period.year(year), "full_year", (UNDATED,))
    period = Period.year_to_date(min(as_of, b.as_of), year)
    basis = "full_year" if period.is_full_year else "ytd"
    return Figure(name, value(known), period, basis, (UNDATED,))


UNDATED = Caveat(
    "aid_undated",
    "学生资助台账未载明发放日期,按年度统计至台账截至日期。",
    "The student-aid ledger gives no payment dates: counted by year up to the ledger's date.",
)


@metric(
    "student_aid_students",
    basis="ytd",
    department=JIAOYU,
    frequency="年",
    pages=("welfare", "press"),
    phrases=("低收入家庭学生", "受资助学生", "学生", "资助"),
    scope="全县(或所选乡镇)所选年度获得各级各类学生资助的低收入家庭学生",
    method="按学生计数,同一学生获得多个资助项目的只计1人;以发放日期为准,台账未载明发放日期的按年度计",
    definition_en="Students from low-income families who received aid in the year, each once; by date of "
    "payment, or by year where the ledger gives no dates.",
    datasets=("student_aid",),
)
def student_aid_students(
    b: Bundle, *, as_of: dt.date, year: int, township: str | None = None
) -> Figure | int:
    def students(a: ibis.Table) -> int:
        a = in_township(b, a, township)
        return count(b, a.student_id.nunique()) + count(b, a.filter(a.student_id.isnull()).count())

    return _aid_figure(b, "student_aid_students", as_of, year, students)


@metric(
    "student_aid_amount",
    basis="ytd",
    department=JIAOYU,
    frequency="年",
    pages=("welfare", "press"),
    phrases=("资助资金", "资助金", "资助"),
    scope="全县(或所选乡镇)所选年度向低收入家庭学生发放的各级各类资助资金",
    method="各资助项目发放金额相加,以万元为单位;以发放日期为准,台账未载明发放日期的按年度计",
    definition_en="Student aid paid in the year, in 10,000 yuan; by date of payment, or by year where the "
    "ledger gives no dates.",
    datasets=("student_aid",),
)
def student_aid_amount(
    b: Bundle, *, as_of: dt.date, year: int, township: str | None = None
) -> Figure | float:
    def amount(a: ibis.Table) -> float:
        return (scalar(b, in_township(b, a, township).amount.sum()) or 0) / 10000

    return _aid_figure(b, "student_aid_amount", as_of, year, amount)


# -- dashboard breakdowns (issue #7) ---------------------------------------------------------------
# Tables for the 兜底保障与民生 page. One social-assistance record is one assisted household (保障户):
# its ``persons`` are the members covered. Breakdowns reuse the filters above, so they add up to the
# headline figures of the same 口径.

import ibis  # noqa: E402
import pandas as pd  # noqa: E402

SCHEMES = (DIBAO, TEKUN)
DIBAO_CLASSES = tuple(range(1, 13))
DIBAO_TIERS = tuple(range(1, 5))
STUDENT_STAGES = ("学前", "义务教育", "普通高中", "中职", "高校")


def _township_names(b: Bundle, township: str | None = None, year: int | None = None) -> pd.DataFrame:
    """township_code, township and its rural registered population of ``year`` (population table first)."""
    out = township_rows(b, township)
    if year is None:
        return out.assign(rural_population=pd.Series(pd.NA, index=out.index, dtype="Float64"))
    rural = population_by_township(b, year=int(year))
    return out.assign(rural_population=out["township_code"].map(rural).astype("Float64"))


def _with_township(b: Bundle, s: ibis.Table) -> ibis.Table:
    v = b.table("villages").select("village_code", "township_code")
    return s.left_join(v, "village_code").drop("village_code_right")


@metric(
    "assistance_households",
    basis="stock",
    department=MINZHENG,
    frequency="月",
    pages=("welfare", "press"),
    phrases=(
        "农村低保对象@scheme=农村低保",
        "低保对象@scheme=农村低保",
        "低保户@scheme=农村低保",
        "保障农村低保@scheme=农村低保",
        "特困供养人员@scheme=特困供养",
        "特困供养@scheme=特困供养",
        "特困人员@scheme=特困供养",
    ),
    scope="全县(或所选乡镇)截至所选日期仍在保障期内(含渐退期)的农村低保或特困供养(按所选救助类别)保障户",
    method="按保障户计数",
    definition_en="Households covered by the chosen scheme on the date, phase-out included.",
    datasets=("social_assistance",),
)
def assistance_households(b: Bundle, *, as_of: dt.date, scheme: str, township: str | None = None) -> int:
    s = active_assistance(b, as_of, township)
    return count(b, s.filter(s.scheme == scheme).count())


@metric(
    "assistance_persons",
    basis="stock",
    department=MINZHENG,
    frequency="月",
    pages=("welfare", "press"),
    phrases=(
        "农村低保对象@scheme=农村低保",
        "低保对象@scheme=农村低保",
        "保障农村低保@scheme=农村低保",
        "特困供养人员@scheme=特困供养",
        "特困供养@scheme=特困供养",
        "特困人员@scheme=特困供养",
    ),
    scope="全县(或所选乡镇)截至所选日期仍在保障期内(含渐退期)的农村低保或特困供养(按所选救助类别)保障户",
    method="各保障户的保障人数相加",
    definition_en="Persons covered by the chosen scheme on the date, phase-out included.",
    datasets=("social_assistance",),
)
def assistance_persons(b: Bundle, *, as_of: dt.date, scheme: str, township: str | None = None) -> int:
    s = active_assistance(b, as_of, township)
    return count(b, s.filter(s.scheme == scheme).persons.sum())


@metric(
    "assistance_monthly_amount",
    basis="stock",
    department=MINZHENG,
    frequency="月",
    pages=("welfare",),
    phrases=("保障金", "月保障金"),
    scope="全县(或所选乡镇)截至所选日期仍在保障期内(含渐退期)的农村低保和特困供养保障户(可按救助类别)",
    method="各保障户每月保障金相加,以万元为单位",
    definition_en="Monthly payments to households on rural dibao and tekun on the date, in 10,000 yuan.",
    datasets=("social_assistance",),
)
def assistance_monthly_amount(
    b: Bundle, *, as_of: dt.date, township: str | None = None, scheme: str | None = None
) -> float:
    s = active_assistance(b, as_of, township)
    if scheme is not None:
        s = s.filter(s.scheme == scheme)
    return (scalar(b, s.monthly_amount.sum()) or 0) / 10000


def assistance_by_scheme(b: Bundle, *, as_of: dt.date, township: str | None = None) -> pd.DataFrame:
    """Per scheme, active on as_of: households, persons, single_person (单人保 households; None for
    特困供养, which has no such measure), phaseout (households in 渐退期, any household), monthly_amount (元)."""
    s = active_assistance(b, as_of, township)
    agg = b.execute(
        s.group_by("scheme").aggregate(
            households=s.count(),
            persons=s.persons.sum(),
            single_person=single_person(s).cast("int64").sum(),
            phaseout=(s.phaseout_until.notnull() & (s.phaseout_until >= as_of)).cast("int64").sum(),
            monthly_amount=s.monthly_amount.sum(),
        )
    )
    out = pd.DataFrame({"scheme": list(SCHEMES)}).merge(agg, on="scheme", how="left")
    ints = ["households", "persons", "single_person", "phaseout"]
    out[ints] = out[ints].fillna(0).astype("int64")
    out["single_person"] = out["single_person"].astype(object).where(out["scheme"] == DIBAO, None)
    out["monthly_amount"] = out["monthly_amount"].fillna(0.0).astype("float64")
    return out


def dibao_class_tier(b: Bundle, *, as_of: dt.date, township: str | None = None) -> pd.DataFrame:
    """分类施保: active 农村低保 records by class (1–12) × tier (1–4), every cell present (48 rows).

    Columns: dibao_class, tier, households, persons. Records with no class or tier are not in the grid;
    :func:`dibao_unclassified` counts them, so grid + unclassified = the 低保 total.
    """
    s = active_assistance(b, as_of, township)
    s = s.filter((s.scheme == DIBAO) & s.dibao_class.notnull() & s.tier.notnull())
    agg = b.execute(
        s.group_by("dibao_class", "tier").aggregate(households=s.count(), persons=s.persons.sum())
    )
    grid = pd.MultiIndex.from_product([DIBAO_CLASSES, DIBAO_TIERS], names=["dibao_class", "tier"]).to_frame(
        index=False
    )
    agg = agg.astype({"dibao_class": "int64", "tier": "int64"})
    out = grid.merge(agg, on=["dibao_class", "tier"], how="left")
    out[["households", "persons"]] = out[["households", "persons"]].fillna(0).astype("int64")
    return out


def dibao_unclassified(b: Bundle, *, as_of: dt.date, township: str | None = None) -> int:
    """Active 农村低保 records with no class or tier (a data-quality finding for 民政局)."""
    s = active_assistance(b, as_of, township)
    return count(b, s.filter((s.scheme == DIBAO) & (s.dibao_class.isnull() | s.tier.isnull())).count())


# What the township table keeps on a narrow screen (其中单人保 is the first to go: the page states it beside
# the 分类施保 grid).
TOWNSHIP_PRIORITY = (
    "township", "dibao_households", "dibao_persons", "tekun_persons", "dibao_coverage", "dibao_amount",
    "tekun_amount", "single_person",
)  # fmt: skip


def assistance_by_township(b: Bundle, *, as_of: dt.date, township: str | None = None) -> pd.DataFrame:
    """Per township, active on as_of: dibao_households, dibao_persons, tekun_households, tekun_persons,
    single_person (低保 单人保 households), dibao_amount and tekun_amount (元 a month: 低保金 and 特困供养金
    are different funds, never added up here), rural_population, dibao_coverage (%)."""
    s = _with_township(b, active_assistance(b, as_of, township))
    agg = b.execute(
        s.group_by("township_code").aggregate(
            dibao_households=(s.scheme == DIBAO).cast("int64").sum(),
            dibao_persons=ibis.ifelse(s.scheme == DIBAO, s.persons, 0).sum(),
            tekun_households=(s.scheme == TEKUN).cast("int64").sum(),
            tekun_persons=ibis.ifelse(s.scheme == TEKUN, s.persons, 0).sum(),
            single_person=single_person(s).cast("int64").sum(),
            dibao_amount=ibis.ifelse(s.scheme == DIBAO, s.monthly_amount, 0).sum(),
            tekun_amount=ibis.ifelse(s.scheme == TEKUN, s.monthly_amount, 0).sum(),
        )
    )
    out = _township_names(b, township, as_of.year).merge(agg, on="township_code", how="left")
    ints = ["dibao_households", "dibao_persons", "tekun_households", "tekun_persons", "single_person"]
    out[ints] = out[ints].fillna(0).astype("int64")
    out[["dibao_amount", "tekun_amount"]] = out[["dibao_amount", "tekun_amount"]].fillna(0.0)
    rural = out["rural_population"].astype("float64")
    out["dibao_coverage"] = (out["dibao_persons"] / rural * 100).where(rural > 0)
    return out


def assistance_new_by_month(
    b: Bundle, *, as_of: dt.date, year: int, township: str | None = None
) -> pd.DataFrame:
    """New records by month of started_on in the year (≤ as_of), per scheme: month, scheme, households,
    persons. The persons add up to assistance_new_persons of the scheme."""
    s = b.table("social_assistance")
    s = s.filter(
        (s.started_on >= dt.date(int(year), 1, 1)) & (s.started_on <= min(as_of, dt.date(int(year), 12, 31)))
    )
    s = in_township(b, s, township)
    agg = b.execute(
        s.group_by(month=s.started_on.month(), scheme=s.scheme).aggregate(
            households=s.count(), persons=s.persons.sum()
        )
    )
    last = as_of.month if as_of.year == int(year) else (12 if as_of.year > int(year) else 0)
    grid = pd.MultiIndex.from_product([range(1, last + 1), SCHEMES], names=["month", "scheme"]).to_frame(
        index=False
    )
    agg = agg.astype({"month": "int64"})
    out = grid.merge(agg, on=["month", "scheme"], how="left")
    out[["households", "persons"]] = out[["households", "persons"]].fillna(0).astype("int64")
    return out


def phaseout_schedule(b: Bundle, *, as_of: dt.date, township: str | None = None) -> pd.DataFrame:
    """When the phase-outs of :func:`phaseout_households` end: month (YYYY-MM of phaseout_until),
    households (distinct per month), persons. The persons add up to phaseout_persons."""
    s = _phaseout(b, as_of, township)
    df = b.execute(s.select("household_id", "persons", "phaseout_until"))
    if df.empty:
        return pd.DataFrame({"month": pd.Series([], dtype="str"), "households": [], "persons": []})
    df["month"] = pd.to_datetime(df["phaseout_until"]).dt.strftime("%Y-%m")
    out = (
        df.groupby("month")
        .agg(households=("household_id", "nunique"), persons=("persons", "sum"))
        .reset_index()
    )
    return out.astype({"households": "int64", "persons": "int64"})


def phaseout_list(b: Bundle, *, as_of: dt.date, township: str | None = None) -> pd.DataFrame:
    """The phase-out records (household level, name masked), ending soonest first."""
    from lulong_data.privacy import mask_name

    s = _with_township(b, _phaseout(b, as_of, township))
    h = b.table("households").select("household_id", "head_name")
    v = b.table("villages").select("village_code", village="name")
    tw = b.table("townships").select("township_code", township="name")
    j = s.left_join(h, "household_id").left_join(v, "village_code").left_join(tw, "township_code")
    df = b.execute(
        j.select(
            "record_id", "household_id", "head_name", "township_code", "township", "village", "persons",
            "monthly_amount", "phaseout_until",
        )
    )  # fmt: skip
    df["head_masked"] = df.pop("head_name").map(mask_name)
    df["phaseout_until"] = pd.to_datetime(df["phaseout_until"]).dt.date
    cols = ["record_id", "household_id", "head_masked", "township_code", "township", "village", "persons",
            "monthly_amount", "phaseout_until"]  # fmt: skip
    return df[cols].sort_values(["phaseout_until", "record_id"]).reset_index(drop=True)


def monitored_cover(b: Bundle, *, as_of: dt.date, township: str | None = None) -> dict[str, int]:
    """Monitored households (as the monitoring page counts them) and how many have an active 低保/特困
    record: {"monitored", "covered", "dibao", "tekun", "should_not_covered"}. The last is
    len(monitoring.no_labour_without_cover(scope="monitored")): the same function as the monitoring page."""
    from lulong_data.metrics import monitoring

    df = monitoring.cases(b, as_of=as_of, township=township)
    ids = sorted(set(df.loc[df["status"] == "monitored", "household_id"]))
    s = active_assistance(b, as_of, township)
    cover = b.execute(s.filter(s.household_id.notnull()).select("household_id", "scheme").distinct())
    cover = cover[cover["household_id"].isin(ids)]
    gap = monitoring.no_labour_without_cover(b, as_of=as_of, township=township, scope="monitored")
    return {
        "monitored": len(ids),
        "covered": int(cover["household_id"].nunique()),
        "dibao": int((cover["scheme"] == DIBAO).sum()),
        "tekun": int((cover["scheme"] == TEKUN).sum()),
        "should_not_covered": int(gap["household_id"].nunique()) if not gap.empty else 0,
    }


@metric(
    "monitored_assisted_households",
    basis="stock",
    department=MINZHENG,
    frequency="月",
    pages=("welfare",),
    phrases=("监测户", "低保", "特困"),
    scope="全县(或所选乡镇)截至所选日期尚未消除风险的防止返贫监测对象中,有有效农村低保或特困供养记录的户",
    method="按户计数;同时享受两项的只计1户",
    definition_en="Households under monitoring on the date with an active rural dibao or tekun record, each once.",
    datasets=("monitoring_cases", "social_assistance"),
)
def monitored_assisted_households(b: Bundle, *, as_of: dt.date, township: str | None = None) -> int:
    return monitored_cover(b, as_of=as_of, township=township)["covered"]


@metric(
    "no_labour_uncovered_households",
    basis="stock",
    better="down",
    department=MINZHENG,
    frequency="月",
    pages=("welfare", "monitoring"),
    phrases=("整户无劳动能力",),
    scope="全县(或所选乡镇)截至所选日期尚未消除风险、家庭成员全部丧失劳动力或无劳动力的防止返贫监测对象",
    method="其中截至所选日期没有有效农村低保或特困供养记录的户数(应兜尽兜核查)",
    definition_en="Households under monitoring on the date whose members have all lost or have no labour "
    "ability and that have no active rural dibao or tekun record (to be checked: cover all who should be).",
    datasets=("monitoring_cases", "persons", "social_assistance"),
)
def no_labour_uncovered_households(b: Bundle, *, as_of: dt.date, township: str | None = None) -> int:
    return monitored_cover(b, as_of=as_of, township=township)["should_not_covered"]


def student_aid_by(
    b: Bundle, *, as_of: dt.date, year: int, by: str, township: str | None = None
) -> pd.DataFrame:
    """Student aid of the year by ``stage``, ``program`` or ``township``: students (as
    student_aid_students counts them, within each group), records, amount (元).

    A student aided by two programmes counts once in the total but once in each programme's row. Only aid
    known to have been paid by ``as_of`` (see :func:`_aid_as_of`): no rows when the ledger cannot tell.
    """
    a = _aid_as_of(b, year, township, as_of)
    if a is None:
        a = _aid(b, year, township).filter(ibis.literal(False))
    if by == "township":
        a = _with_township(b, a)
        key = "township_code"
    elif by in ("stage", "program"):
        key = by
    else:
        raise ValueError(f"by must be stage, program or township, not {by!r}")
    agg = b.execute(
        a.group_by(key).aggregate(
            with_id=a.student_id.nunique(),
            without_id=a.student_id.isnull().cast("int64").sum(),
            records=a.count(),
            amount=a.amount.sum(),
        )
    )
    agg["students"] = (agg.pop("with_id").fillna(0) + agg.pop("without_id").fillna(0)).astype("int64")
    agg["records"] = agg["records"].astype("int64")
    if by == "township":
        out = _township_names(b, township).drop(columns="rural_population").merge(agg, on=key, how="left")
    elif by == "stage":
        out = pd.DataFrame({"stage": list(STUDENT_STAGES)}).merge(agg, on=key, how="left")
    else:
        out = agg.sort_values("amount", ascending=False)
    out[["students", "records"]] = out[["students", "records"]].fillna(0).astype("int64")
    out["amount"] = out["amount"].fillna(0.0)
    return out[
        [key] + (["township"] if by == "township" else []) + ["students", "records", "amount"]
    ].reset_index(drop=True)


def student_aid_years(b: Bundle, *, as_of: dt.date) -> list[int]:
    """Years with student-aid rows, up to the year of as_of (newest first)."""
    a = b.table("student_aid")
    years = {int(y) for y in b.execute(a.select("year").distinct())["year"].dropna()}
    return sorted((y for y in years if y <= as_of.year), reverse=True) or [as_of.year]


# -- words of the 兜底保障 page (judgments and notes beside the figures they are about) ----------------

SCHEME_EN = {DIBAO: "rural dibao", TEKUN: "extreme-poverty support (tekun)"}
ACTIVE_NOTE = (
    "“有效”:纳入日期 ≤ 截至日期,且退出日期为空或晚于截至日期;渐退期内仍发放,计入。",
    "Active: started on or before the date and not ended by then; phase-out is still paid and counted.",
)
STUDENT_NOTE = (
    "一名学生享受多个项目时,在每个项目中各计1人,合计人数按不重复学生计。",
    "A student with two programmes counts in each programme row, once in the total.",
)
COVER_NOTE = (
    "与“防返贫监测”页使用同一口径:监测中的户,家庭成员全部为丧失劳动力或无劳动力,截至日期没有有效的低保或特困记录。",
    "Same definition as the monitoring page: households under monitoring where every member has lost or has "
    "no labour ability, with no active dibao/tekun record on the date.",
)


def scheme_name(scheme: str, lang: str = "zh") -> str:
    return SCHEME_EN.get(scheme, scheme) if lang == "en" else scheme


def with_scheme_names(df: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """``df`` with its ``scheme`` column in words of ``lang`` (:func:`scheme_name`), for a table or chart."""
    return df.assign(scheme=df["scheme"].map(lambda s: scheme_name(s, lang)))


def class_tier_note(households: int, unclassified: int, lang: str = "zh") -> str:
    """The caption of the class × tier grid: its total, and the records 民政局 must still classify."""
    from lulong_data.formatting import fmt_int

    if lang == "en":
        tail = f"; {fmt_int(unclassified)} more have no class or tier." if unclassified else "."
        return f"Households in each cell (darker = more). Total {fmt_int(households)}" + tail
    tail = f";另有{fmt_int(unclassified)}户未填类别或档次,请卢龙县民政局补录。" if unclassified else "。"
    return f"格中数字为户数(颜色越深户数越多)。合计{fmt_int(households)}户" + tail


def single_person_note(by_scheme: pd.DataFrame, lang: str = "zh") -> str:
    """单人保 households of each scheme in a sentence (:func:`assistance_by_scheme`)."""
    from lulong_data.formatting import fmt_int

    d = fmt_int(by_scheme.set_index("scheme")["single_person"].get(DIBAO) or 0)
    if lang == "en":
        return f"Rural dibao granted to the severely disabled or ill on their own: **{d}** households."
    return f"对重度残疾人、重病患者等实行“单人保”,单独纳入农村低保 **{d}** 户。"


def cover_finding(gap: int, lang: str = "zh") -> tuple[str, str]:
    """(status, sentence): 应兜尽兜 on the monitoring link — every no-labour household covered, or how many
    are not (for 卢龙县民政局 to check)."""
    from lulong_data.formatting import fmt_int

    if gap == 0:
        if lang == "en":
            return ("good", "All monitored households where no one can work are covered.")
        return ("good", "监测户中整户无劳动能力的均已纳入低保或特困。")
    if lang == "en":
        return ("behind", f"{fmt_int(gap)} monitored households where no one can work have no dibao/tekun; "
                "the Civil Affairs Bureau to check.")  # fmt: skip
    return (
        "behind",
        f"{fmt_int(gap)}户监测户家庭成员全部丧失劳动力或无劳动力,却没有有效的低保或特困记录,"
        "请卢龙县民政局核查是否应兜尽兜。",
    )


def phaseout_note(flow: str, now: str, lang: str = "zh") -> str:
    """The second line of the phase-outs-given tile: this year's persons (``flow``, the flow figure's
    words) and, apart from the flow, who is in phase-out on the date (``now``: households and persons)."""
    if lang == "en":
        return f"{flow} · no longer eligible (this year) · now: {now}"
    return f"{flow} · 不再符合低保条件(年内流量)· 目前{now}(时点)"


# -- what the page's tables show (lulong_data.columns) ----------------------------------------------------

SCHEME_TABLE = TableView(
    "assistance_by_scheme",
    ("scheme", "households", "persons", "phaseout", "monthly_amount"),
    table="assistance_by_scheme",
)
TOWNSHIP_TABLE = TableView(
    "assistance_by_township",
    (
        "township",
        "dibao_households",
        "dibao_persons",
        "single_person",
        "tekun_persons",
        "dibao_coverage",
        "dibao_amount",
        "tekun_amount",
    ),
    priority=TOWNSHIP_PRIORITY,
)
PHASEOUT_TABLE = TableView(
    "phaseout_households",
    ("household_id", "head_masked", "township", "village", "persons", "monthly_amount", "phaseout_until"),
    table="phaseout_list",
)
NO_COVER_TABLE = TableView(
    "no_labour_without_cover",
    (
        "household_id",
        "head_masked",
        "township_name",
        "village_name",
        "household_type",
        "category",
        "risk_1",
        "persons",
    ),
    table="no_labour_without_cover",
)
AID_STAGE_TABLE = TableView(
    "student_aid_by_stage_{year}", ("stage", "students", "amount"), table="student_aid"
)
AID_PROGRAM_TABLE = TableView(
    "student_aid_by_program_{year}", ("program", "students", "amount"), table="student_aid"
)
AID_TOWNSHIP_TABLE = TableView(
    "student_aid_by_township_{year}", ("township", "students", "amount"), table="student_aid"
)
