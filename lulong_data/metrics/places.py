"""Places: townships, villages, the households roll, and the township filter every metric shares.

"Township of a village" is its ``township_code`` in villages (joined on code: names repeat).
"Township of a person" is the township of the village of their household.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import ibis

from lulong_data.departments import FANGPIN, GOVERNMENT, XIANGCUN
from lulong_data.metrics.registry import grouped, metric

if TYPE_CHECKING:
    from lulong_data.bundle import Bundle
    from lulong_data.figures import Figure

POVERTY = "脱贫户"  # household_type of households lifted out of poverty


# -- shared helpers -------------------------------------------------------------------------------


def scalar(b: Bundle, expr: ibis.Expr) -> Any:
    """Execute a scalar expression; SQL NULL / NaN -> None."""
    value = b.execute(expr)
    try:
        if value is None or value != value:  # NaN
            return None
    except (TypeError, ValueError):  # pd.NA
        return None
    return value.item() if hasattr(value, "item") else value


def count(b: Bundle, expr: ibis.Expr) -> int:
    """Execute a count or a sum of counts; empty -> 0."""
    value = scalar(b, expr)
    return 0 if value is None else int(value)


def in_township(b: Bundle, t: ibis.Table, township: str | None, col: str = "village_code") -> ibis.Table:
    """Rows of ``t`` whose village (``col``) lies in ``township``; all rows when township is None."""
    if township is None:
        return t
    v = b.table("villages")
    v = v.filter(v.township_code == str(township)).select("village_code")
    return t.semi_join(v, t[col] == v.village_code)


def township_rows(b: Bundle, township: str | None = None, *extra: str) -> Any:
    """township_code, township (its name) and the ``extra`` columns of every township (or of ``township``),
    in code order: the frame per-township tables are merged onto."""
    t = b.table("townships")
    if township is not None:
        t = t.filter(t.township_code == str(township))
    cols = t.select("township_code", *extra, township="name")
    return b.execute(cols.order_by("township_code")).reset_index(drop=True)[
        ["township_code", "township", *extra]
    ]


def households_in(b: Bundle, township: str | None) -> ibis.Table:
    """The households roll, narrowed to a township."""
    return in_township(b, b.table("households"), township)


def persons_in(b: Bundle, t: ibis.Table, township: str | None, col: str = "person_id") -> ibis.Table:
    """Rows of ``t`` whose person (``col``) belongs to a household of ``township``."""
    if township is None:
        return t
    p = b.table("persons")
    p = p.semi_join(households_in(b, township), "household_id").select("person_id")
    return t.semi_join(p, t[col] == p.person_id)


def poverty_household_ids(b: Bundle, township: str | None = None) -> ibis.Table:
    """household_id of every 脱贫户 (in the township)."""
    h = households_in(b, township)
    return h.filter(h.household_type == POVERTY).select("household_id")


# -- denominators by year --------------------------------------------------------------------------

RURAL, TOTAL = "农村人口", "总人口"
REGISTERED = "户籍"
POPULATION_FALLBACK = "population_fallback"


@dataclass(frozen=True)
class Denominator:
    """A population figure used as a denominator, and what it is: the year and 口径 (户籍/常住) of the
    population table, or the townships table's figure (no year, no 口径) when the table has none."""

    persons: int | None
    year: int | None  # None: from the townships table
    basis: str | None  # 户籍 / 常住; None: from the townships table

    @property
    def fallback(self) -> bool:
        return self.year is None

    def caveat(self, as_of_year: int) -> Any:
        """The note a figure divided by this must carry, or None when it is the year's own figure."""
        from lulong_data.figures import Caveat

        if self.persons is None:
            return None
        if self.fallback:
            return Caveat(
                POPULATION_FALLBACK,
                "人口数取自乡镇表,未注明年度和户籍/常住口径;请在人口表中导入各年度人口。",
                "The population comes from the townships table, with no year and no registered/resident "
                "basis; import the population by year.",
            )
        if self.year != as_of_year:
            return Caveat(
                POPULATION_FALLBACK,
                f"{as_of_year}年人口未导入,按{self.year}年{self.basis}人口计算。",
                f"No population of {as_of_year} imported; the {self.year} {self.basis} population is used.",
            )
        return None


def population(
    b: Bundle, *, year: int, scope: str = RURAL, township: str | None = None, basis: str = REGISTERED
) -> Denominator:
    """The population of ``scope`` (农村人口/总人口) and ``basis`` (户籍/常住) of the county or a township for
    ``year``: the population table's row of that year, else of the latest earlier year (the caveat says
    which), else the townships table (rural_population / population, with a caveat)."""
    p = b.frames["population"]
    p = p[(p["scope"] == scope) & (p["basis"] == basis) & p["year"].notna()]
    if township is not None:
        p = p[p["township_code"] == str(township)]
    years = sorted({int(y) for y in p["year"] if int(y) <= int(year)})
    if years:
        rows = p[p["year"] == years[-1]]
        county = rows[rows["township_code"].isna()]
        total = county["persons"].sum() if township is None and len(county) else rows["persons"].sum()
        return Denominator(int(total), years[-1], basis)
    column = "rural_population" if scope == RURAL else "population"
    t = b.frames["townships"]
    if township is not None:
        t = t[t["township_code"] == str(township)]
    values = t[column].dropna()
    return Denominator(int(values.sum()) if len(values) else None, None, None)


def population_by_township(b: Bundle, *, year: int, scope: str = RURAL, basis: str = REGISTERED) -> Any:
    """township_code -> population of ``scope`` for ``year`` (as :func:`population`, township by township)."""
    import pandas as pd

    codes = b.frames["townships"]["township_code"].dropna().tolist()
    return pd.Series(
        {c: population(b, year=year, scope=scope, township=c, basis=basis).persons for c in codes},
        dtype="Float64",
    )


# -- metrics --------------------------------------------------------------------------------------


@metric(
    "township_count",
    basis="stock",
    department=GOVERNMENT,
    frequency="年",
    pages=("press",),
    phrases=("乡镇", "下辖"),
    scope="县域内的乡、镇",
    method="按国家统计用区划代码清点的乡镇个数",
    definition_en="Townships of the county by the official division codes.",
    datasets=("townships",),
)
def township_count(b: Bundle, *, as_of: dt.date) -> int:
    return count(b, b.table("townships").count())


@metric(
    "village_count",
    basis="stock",
    department=GOVERNMENT,
    frequency="年",
    pages=("press",),
    phrases=("行政村",),
    scope="全县(或所选乡镇)的村民委员会;社区居民委员会不计",
    method="按国家统计用区划代码清点的村民委员会个数",
    definition_en="Villages' committees of the county (or township) by the official division codes; "
    "residents' committees are not counted.",
    datasets=("villages",),
)
def village_count(b: Bundle, *, as_of: dt.date, township: str | None = None) -> int:
    v = b.table("villages")
    if township is not None:
        v = v.filter(v.township_code == str(township))
    return count(b, v.filter(v.kind == "村委会").count())


@metric(
    "registered_population",
    basis="stock",
    department=GOVERNMENT,
    frequency="年",
    pages=("press",),
    phrases=("户籍人口", "户籍总人口"),
    scope="户籍登记在全县(或所选乡镇)的人口,按所选日期所在年度的户籍人口统计;该年度未导入时取最近的上一年度并注明",
    method="该年度户籍总人口,以万人为单位;未导入分年度户籍人口的,取各乡镇户籍人口之和并注明",
    definition_en="Persons with household registration in the county (or township) in the year of the date "
    "(else the latest earlier year, said so), in 10,000s.",
    datasets=("townships",),
)
def registered_population(b: Bundle, *, as_of: dt.date, township: str | None = None) -> Figure:
    d = population(b, year=as_of.year, scope=TOTAL, township=township)
    value = None if d.persons is None else d.persons / 10000
    return denominator_figure("registered_population", value, d, as_of)


@metric(
    "rural_population",
    basis="stock",
    department=GOVERNMENT,
    frequency="年",
    pages=("monitoring",),
    phrases=("农村户籍人口",),
    scope="户籍登记在全县(或所选乡镇)农村的人口,按所选日期所在年度统计;该年度未导入时取最近的上一年度并注明",
    method="该年度农村户籍人口数;未导入分年度人口的,取各乡镇农村人口之和并注明",
    definition_en="Persons with a rural household registration in the county (or township) in the year of the "
    "date (else the latest earlier year, said so): the denominator of the monitored share.",
    datasets=("townships",),
)
def rural_population(b: Bundle, *, as_of: dt.date, township: str | None = None) -> Figure:
    d = population(b, year=as_of.year, scope=RURAL, township=township)
    return denominator_figure("rural_population", d.persons, d, as_of)


def denominator_figure(name: str, value: float | None, d: Denominator, as_of: dt.date) -> Figure:
    """A figure computed on a population: a stock on ``as_of`` that says when the population is not the
    year's own (population_fallback)."""
    from lulong_data.figures import Figure, Period
    from lulong_data.metrics.registry import NO_VALUE

    caveat = d.caveat(as_of.year)
    return Figure(
        name,
        value,
        Period.point(as_of),
        "stock",
        caveats=(caveat,) if caveat is not None else (),
        missing=NO_VALUE if value is None else None,
    )


@metric(
    "poverty_households",
    basis="stock",
    department=XIANGCUN,
    frequency="实时",
    pages=("overview", "map", "press"),
    phrases=("脱贫户", "脱贫人口", "建档立卡脱贫户"),
    scope="全县(或所选乡镇)防止返贫监测信息系统中标识为脱贫户的农户",
    method="按户计数,每户计1户",
    definition_en="Households marked as lifted out of poverty in the monitoring system, one per household.",
    datasets=("households",),
)
def poverty_households(b: Bundle, *, as_of: dt.date, township: str | None = None) -> int:
    return count(b, poverty_household_ids(b, township).count())


@metric(
    "poverty_persons",
    basis="stock",
    department=XIANGCUN,
    frequency="实时",
    pages=("overview", "map", "press"),
    phrases=("脱贫人口", "脱贫群众", "建档立卡脱贫人口"),
    scope="全县(或所选乡镇)脱贫户的家庭成员",
    method="各脱贫户家庭人口数相加",
    definition_en="Members of the households lifted out of poverty: the sum of their household sizes.",
    datasets=("households",),
)
def poverty_persons(b: Bundle, *, as_of: dt.date, township: str | None = None) -> int:
    h = households_in(b, township)
    return count(b, h.filter(h.household_type == POVERTY).persons.sum())


@metric(
    "policy_menu_items",
    basis="stock",
    department=FANGPIN,
    frequency="年",
    pages=("press",),
    phrases=("政策制成", "菜单", "政策菜单", "项政策", "政策"),
    scope="“菜单点帮”机制下制成菜单、供防贫监测户选用的帮扶政策",
    method="按政策项计数",
    definition_en="Assistance policies on the menu of the 'menu' mechanism, one per policy.",
    datasets=("policy_menu",),
)
def policy_menu_items(b: Bundle, *, as_of: dt.date) -> int:
    return count(b, b.table("policy_menu").count())


@grouped("poverty_households", "poverty_persons", zero=("poverty_households", "poverty_persons"))
def poverty_by_township(b: Bundle, *, as_of: dt.date) -> Any:
    """poverty_households and poverty_persons per township_code (the township of the household's village)."""
    h = b.table("households")
    h = h.filter(h.household_type == POVERTY)
    v = b.table("villages").select("village_code", "township_code")
    j = h.join(v, "village_code")
    g = j.group_by("township_code").aggregate(poverty_households=j.count(), poverty_persons=j.persons.sum())
    return b.execute(g).set_index("township_code")
