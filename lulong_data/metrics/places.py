"""Places: townships, villages, the households roll, and the township filter every metric shares.

"Township of a village" is its ``township_code`` in villages (joined on code: names repeat).
"Township of a person" is the township of the village of their household.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import ibis

from lulong_data.departments import FANGPIN, GOVERNMENT, XIANGCUN
from lulong_data.metrics.registry import metric

if TYPE_CHECKING:
    from lulong_data.bundle import Bundle

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


# -- metrics --------------------------------------------------------------------------------------


@metric(
    "township_count",
    label_zh="乡镇数",
    label_en="townships",
    unit="个",
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
    label_zh="行政村数",
    label_en="administrative villages",
    unit="个",
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
    label_zh="户籍人口",
    label_en="registered population",
    unit="万人",
    basis="stock",
    department=GOVERNMENT,
    frequency="年",
    pages=("press",),
    phrases=("户籍人口", "户籍总人口"),
    scope="户籍登记在全县(或所选乡镇)的人口",
    method="各乡镇户籍人口相加,以万人为单位",
    definition_en="Persons with household registration in the county (or township), in 10,000s.",
    datasets=("townships",),
)
def registered_population(b: Bundle, *, as_of: dt.date, township: str | None = None) -> float | None:
    t = b.table("townships")
    if township is not None:
        t = t.filter(t.township_code == str(township))
    total = scalar(b, t.population.sum())
    return None if total is None else total / 10000


@metric(
    "poverty_households",
    label_zh="脱贫户数",
    label_en="households lifted out of poverty",
    unit="户",
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
    label_zh="脱贫人口",
    label_en="persons lifted out of poverty",
    unit="人",
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
    label_zh="帮扶政策菜单项数",
    label_en="items on the assistance policy menu",
    unit="项",
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
