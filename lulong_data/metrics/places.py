"""Places: townships, villages, the households roll, and the township filter every metric shares.

"Township of a village" is its ``township_code`` in villages (joined on code: names repeat).
"Township of a person" is the township of the village of their household.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import ibis

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
    "乡镇数",
    "townships",
    "个",
    "县防贫中心",
    "年",
    "乡镇表的行数。",
    "Rows of townships.",
    datasets=("townships",),
)
def township_count(b: Bundle, *, as_of: dt.date) -> int:
    return count(b, b.table("townships").count())


@metric(
    "village_count",
    "行政村数",
    "administrative villages",
    "个",
    "县防贫中心",
    "年",
    "行政村表中类型为“村委会”的村数(居委会不计)。",
    "Villages of kind 村委会 (residents' committees not counted).",
    datasets=("villages",),
)
def village_count(b: Bundle, *, as_of: dt.date, township: str | None = None) -> int:
    v = b.table("villages")
    if township is not None:
        v = v.filter(v.township_code == str(township))
    return count(b, v.filter(v.kind == "村委会").count())


@metric(
    "registered_population",
    "户籍人口",
    "registered population",
    "万人",
    "县公安局",
    "年",
    "各乡镇户籍人口之和,除以10000。",
    "Sum of townships.population / 10,000.",
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
    "脱贫户数",
    "households lifted out of poverty",
    "户",
    "县防贫中心",
    "实时",
    "农户表中户类型为“脱贫户”的户数。",
    "Households with household_type 脱贫户.",
    datasets=("households",),
)
def poverty_households(b: Bundle, *, as_of: dt.date, township: str | None = None) -> int:
    return count(b, poverty_household_ids(b, township).count())


@metric(
    "poverty_persons",
    "脱贫人口",
    "persons lifted out of poverty",
    "人",
    "县防贫中心",
    "实时",
    "脱贫户家庭人口(households.persons)之和。",
    "Sum of households.persons over 脱贫户.",
    datasets=("households",),
)
def poverty_persons(b: Bundle, *, as_of: dt.date, township: str | None = None) -> int:
    h = households_in(b, township)
    return count(b, h.filter(h.household_type == POVERTY).persons.sum())


@metric(
    "policy_menu_items",
    "帮扶政策菜单项数",
    "items on the assistance policy menu",
    "项",
    "县防贫中心",
    "年",
    "帮扶政策菜单的行数。",
    "Rows of policy_menu.",
    datasets=("policy_menu",),
)
def policy_menu_items(b: Bundle, *, as_of: dt.date) -> int:
    return count(b, b.table("policy_menu").count())
