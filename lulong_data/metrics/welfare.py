"""Social assistance (农村低保, 特困供养; 县民政局) and student aid (县教育局).

"Active on date D" for a social-assistance record: started_on <= D and (ended_on empty or ended_on > D).
A record in its phase-out period (渐退期) is still active: it is still paid.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from lulong_data import departments
from lulong_data.figures import Caveat, Figure, Period
from lulong_data.metrics.places import (
    count,
    in_township,
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


def active_assistance(b: Bundle, as_of: dt.date, township: str | None = None) -> ibis.Table:
    """Social-assistance records active on ``as_of`` (phase-out included), in the township."""
    s = b.table("social_assistance")
    s = s.filter((s.started_on <= as_of) & (s.ended_on.isnull() | (s.ended_on > as_of)))
    return in_township(b, s, township)


@metric(
    "assistance_new_persons",
    label_zh="新增救助对象人数",
    label_en="persons newly covered by social assistance",
    unit="人",
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
    s = s.filter((s.scheme == DIBAO) & s.phaseout_until.notnull() & (s.phaseout_until >= as_of))
    return s.semi_join(poverty_household_ids(b), "household_id")


@metric(
    "phaseout_households",
    label_zh="渐退期脱贫户数",
    label_en="households lifted out of poverty in the dibao phase-out period",
    unit="户",
    basis="stock",
    department=MINZHENG,
    frequency="月",
    pages=("welfare", "press"),
    phrases=("渐退期", "渐退", "不再符合低保条件"),
    scope="全县(或所选乡镇)不再符合农村低保条件、截至所选日期仍处于渐退期的脱贫户",
    method="按户计数;同一户只计1户",
    definition_en="Households lifted out of poverty that no longer qualify for rural dibao and are still in "
    "their phase-out period on the date, each counted once.",
    datasets=("social_assistance", "households"),
)
def phaseout_households(b: Bundle, *, as_of: dt.date, township: str | None = None) -> int:
    return count(b, _phaseout(b, as_of, township).household_id.nunique())


@metric(
    "phaseout_persons",
    label_zh="渐退期人数",
    label_en="persons in the dibao phase-out period",
    unit="人",
    basis="stock",
    department=MINZHENG,
    frequency="月",
    pages=("welfare", "press"),
    phrases=("渐退期", "渐退", "不再符合低保条件"),
    scope="全县(或所选乡镇)截至所选日期仍处于农村低保渐退期的脱贫户",
    method="各渐退期保障户的保障人数相加",
    definition_en="Persons covered by the phase-out records of households lifted out of poverty on the date.",
    datasets=("social_assistance", "households"),
)
def phaseout_persons(b: Bundle, *, as_of: dt.date, township: str | None = None) -> int:
    return count(b, _phaseout(b, as_of, township).persons.sum())


@metric(
    "dibao_coverage",
    label_zh="农村低保覆盖率",
    label_en="rural dibao coverage",
    unit="%",
    basis="stock",
    department=MINZHENG,
    frequency="月",
    pages=("welfare", "press"),
    phrases=("低保覆盖率", "农村低保覆盖率", "覆盖率"),
    scope="全县(或所选乡镇)截至所选日期仍在保障期内(含渐退期)的农村低保对象与农村人口",
    method="农村低保保障人数除以农村人口数,乘以100",
    definition_en="Persons on rural dibao on the date (phase-out included) divided by the rural population, × 100.",
    datasets=("social_assistance", "townships"),
)
def dibao_coverage(b: Bundle, *, as_of: dt.date, township: str | None = None) -> float | None:
    s = active_assistance(b, as_of, township)
    covered = count(b, s.filter(s.scheme == DIBAO).persons.sum())
    t = b.table("townships")
    if township is not None:
        t = t.filter(t.township_code == str(township))
    rural = scalar(b, t.rural_population.sum())
    return covered / rural * 100 if rural else None


@metric(
    "poverty_assistance_share",
    label_zh="脱贫人口中低保特困占比",
    label_en="share of persons lifted out of poverty on dibao or tekun",
    unit="%",
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


def _aid_figure(
    b: Bundle, name: str, as_of: dt.date, year: int, value: Callable[[ibis.Table], float]
) -> Figure | float:
    """Student aid by payment date. A ledger that gives only the year is complete for a past year and,
    for the current one, as of the data's own date: earlier dates cannot be answered from it."""
    year = int(year)
    if not _undated(b, year):
        return value(_aid(b, year, None, paid_by=as_of))  # the registry dates it: 1 January .. as_of
    if year < as_of.year:
        return Figure(name, value(_aid(b, year, None)), Period.year(year), "full_year", (UNDATED,))
    ledger = b.as_of
    if as_of < ledger:
        zh = f"{as_of.year}年{as_of.month}月{as_of.day}日"
        why = Caveat(
            "aid_undated",
            f"学生资助台账未载明发放日期,无法确定截至{zh}的发放情况。",
            f"The student-aid ledger gives no payment dates: what was paid by {as_of.isoformat()} is unknown.",
        )
        return Figure(name, None, Period.year_to_date(as_of, year), "ytd", missing=why)
    period = Period.year_to_date(min(as_of, ledger), year)
    return Figure(
        name, value(_aid(b, year, None)), period, "full_year" if period.is_full_year else "ytd", (UNDATED,)
    )


UNDATED = Caveat(
    "aid_undated",
    "学生资助台账未载明发放日期,按年度统计至台账截至日期。",
    "The student-aid ledger gives no payment dates: counted by year up to the ledger's date.",
)


@metric(
    "student_aid_students",
    label_zh="受资助学生人数",
    label_en="students receiving aid",
    unit="人",
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
    label_zh="学生资助资金",
    label_en="student aid paid",
    unit="万元",
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


def _township_names(b: Bundle, township: str | None = None) -> pd.DataFrame:
    return township_rows(b, township, "rural_population")


def _with_township(b: Bundle, s: ibis.Table) -> ibis.Table:
    v = b.table("villages").select("village_code", "township_code")
    return s.left_join(v, "village_code").drop("village_code_right")


@metric(
    "assistance_households",
    label_zh="救助户数",
    label_en="households covered by social assistance",
    unit="户",
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
    label_zh="救助人数",
    label_en="persons covered by social assistance",
    unit="人",
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
    label_zh="低保特困月保障金",
    label_en="monthly social-assistance payments",
    unit="万元/月",
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
    """Per scheme, active on as_of: households, persons, single_person (单人保 households),
    phaseout (households in 渐退期, any household), monthly_amount (元)."""
    s = active_assistance(b, as_of, township)
    agg = b.execute(
        s.group_by("scheme").aggregate(
            households=s.count(),
            persons=s.persons.sum(),
            single_person=s.single_person.fill_null(False).cast("int64").sum(),
            phaseout=(s.phaseout_until.notnull() & (s.phaseout_until >= as_of)).cast("int64").sum(),
            monthly_amount=s.monthly_amount.sum(),
        )
    )
    out = pd.DataFrame({"scheme": list(SCHEMES)}).merge(agg, on="scheme", how="left")
    ints = ["households", "persons", "single_person", "phaseout"]
    out[ints] = out[ints].fillna(0).astype("int64")
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


def assistance_by_township(b: Bundle, *, as_of: dt.date, township: str | None = None) -> pd.DataFrame:
    """Per township, active on as_of: dibao_households, dibao_persons, tekun_households, tekun_persons,
    single_person, monthly_amount (元), rural_population, dibao_coverage (%)."""
    s = _with_township(b, active_assistance(b, as_of, township))
    agg = b.execute(
        s.group_by("township_code").aggregate(
            dibao_households=(s.scheme == DIBAO).cast("int64").sum(),
            dibao_persons=ibis.ifelse(s.scheme == DIBAO, s.persons, 0).sum(),
            tekun_households=(s.scheme == TEKUN).cast("int64").sum(),
            tekun_persons=ibis.ifelse(s.scheme == TEKUN, s.persons, 0).sum(),
            single_person=s.single_person.fill_null(False).cast("int64").sum(),
            monthly_amount=s.monthly_amount.sum(),
        )
    )
    out = _township_names(b, township).merge(agg, on="township_code", how="left")
    ints = ["dibao_households", "dibao_persons", "tekun_households", "tekun_persons", "single_person"]
    out[ints] = out[ints].fillna(0).astype("int64")
    out["monthly_amount"] = out["monthly_amount"].fillna(0.0)
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


def student_aid_by(
    b: Bundle, *, as_of: dt.date, year: int, by: str, township: str | None = None
) -> pd.DataFrame:
    """Student aid of the year by ``stage``, ``program`` or ``township``: students (as
    student_aid_students counts them, within each group), records, amount (元).

    A student aided by two programmes counts once in the total but once in each programme's row.
    """
    a = _aid(b, year, township)
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
