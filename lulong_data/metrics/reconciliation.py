"""Reconciliation of the employment ledgers for the data office (县防贫中心 with 县人社局).

Each check returns the rows to fix, one per finding, with the household's pseudonymous id and the head's
name masked. The contract says these are data-quality findings, not load failures: the figures are still
computed, and the list tells the clerk which rows to look at.

Both ledgers are read as known on ``as_of``: rows whose own date (started_on) is after it are left out, so
a check at an earlier date shows what the office could have seen then.

Checks:
    posts_without_employment   a 公益岗位 row (welfare_jobs) with no employment row of channel 公益岗位
                               for the same person and year
    employment_without_post    an employment row of channel 公益岗位 with no welfare_jobs row for the same
                               person and year
    duplicate_employment       a person with several employment rows in one year (counted once in the
                               figures: the rows say different things and one of them is probably wrong)
    no_work_labour_export      an employment row of channel 劳务输出 for a person recorded as 丧失劳动力
                               or 无劳动力 (one of the two ledgers is wrong)
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pandas as pd

from lulong_data import departments
from lulong_data.contract import NO_WORK_ABILITIES
from lulong_data.metrics.employment import in_year
from lulong_data.metrics.places import in_township, persons_in
from lulong_data.metrics.registry import metric
from lulong_data.privacy import mask_name

if TYPE_CHECKING:
    import ibis

    from lulong_data.bundle import Bundle

__all__ = [
    "CHECKS",
    "duplicate_employment",
    "employment_without_post",
    "no_work_labour_export",
    "posts_without_employment",
    "summary",
]

NOTE = (
    "以下为数据质量提示,不影响上面数字的计算;请卢龙县人力资源和社会保障局据此核实更正台账。",
    "Data-quality findings: the figures above are still computed; the county's Human Resources and Social "
    "Security Bureau should check these rows.",
)
# The columns of the findings lists, in order (lulong_data.columns gives their headers).
COLUMNS = (
    "year", "job_id", "record_id", "person_id", "household_id", "head_masked", "township", "village",
    "post_type", "labour_ability", "location", "rows", "channels", "record_ids", "started_on",
)  # fmt: skip

WELFARE_CHANNEL = "公益岗位"
EXPORT_CHANNEL = "劳务输出"

# check -> (Chinese title, English title, what to do)
CHECKS: dict[str, tuple[str, str, str, str]] = {
    "posts_without_employment": (
        "公益岗位无就业记录",
        "welfare posts with no employment row",
        "在就业表补录渠道为“公益岗位”的记录,或核实岗位是否真实在岗。",
        "Add an employment row with channel 公益岗位, or check the post is really held.",
    ),
    "employment_without_post": (
        "就业记录为公益岗位但无岗位台账",
        "公益岗位 employment rows with no post",
        "在公益岗位表补录岗位,或更正就业渠道。",
        "Add the post to welfare_jobs, or correct the channel.",
    ),
    "duplicate_employment": (
        "同一年度重复就业记录",
        "persons with several employment rows in a year",
        "统计中只计1人;请核实保留哪条记录。",
        "Counted once in the figures; decide which row is right.",
    ),
    "no_work_labour_export": (
        "丧失/无劳动力人员登记为劳务输出",
        "persons without labour ability recorded as 劳务输出",
        "核实劳动能力或就业渠道,更正其中错误的一项。",
        "Check the labour ability or the channel and correct the wrong one.",
    ),
}


def _employment(b: Bundle, as_of: dt.date, year: int | None, township: str | None) -> ibis.Table:
    e = b.table("employment")
    e = e.filter(e.started_on <= as_of)
    if year is not None:
        # a row without a year (contract v2: in work from its start to its end) is a row of this year here,
        # so that it meets the year's posts and the year's other rows
        e = e.filter(in_year(e, year)).mutate(year=e.year.fill_null(int(year)))
    return persons_in(b, e, township)


def _posts(b: Bundle, as_of: dt.date, year: int | None, township: str | None) -> ibis.Table:
    # As welfare_post_persons: a post belongs to the township of its village.
    w = b.table("welfare_jobs")
    w = w.filter(w.started_on <= as_of)
    if year is not None:
        w = w.filter(w.year == int(year))
    return in_township(b, w, township)


def _with_people(b: Bundle, t: ibis.Table) -> pd.DataFrame:
    """Rows of ``t`` (with person_id) plus household, place, labour ability and the masked head name."""
    p = b.table("persons").select("person_id", "household_id", "labour_ability", "birth_year")
    h = b.table("households").select("household_id", "head_name", hh_village="village_code")
    v = b.table("villages").select("village_code", "township_code", village="name")
    tw = b.table("townships").select("township_code", township="name")
    j = t.left_join(p, "person_id").left_join(h, "household_id")
    j = j.left_join(v, j.hh_village == v.village_code).left_join(tw, "township_code")
    cols = [c for c in t.columns] + [
        "household_id",
        "head_name",
        "township_code",
        "township",
        "village",
        "labour_ability",
    ]
    df = b.execute(j.select(*cols))
    df["head_masked"] = df.pop("head_name").map(mask_name)
    for col in ("started_on",):
        if col in df:
            df[col] = pd.to_datetime(df[col]).dt.date
    return df


_PEOPLE_COLS = ["person_id", "household_id", "head_masked", "township_code", "township", "village"]


def _sorted(df: pd.DataFrame, cols: list[str], keys: list[str]) -> pd.DataFrame:
    return df[cols].sort_values(keys).reset_index(drop=True)


def posts_without_employment(
    b: Bundle, *, as_of: dt.date, year: int | None = None, township: str | None = None
) -> pd.DataFrame:
    """welfare_jobs rows with no employment row of channel 公益岗位 for the same person and year."""
    e = _employment(b, as_of, year, None)
    e = e.filter(e.channel == WELFARE_CHANNEL).select("person_id", "year").distinct()
    w = _posts(b, as_of, year, township)
    w = w.anti_join(e, ["person_id", "year"]).select("job_id", "person_id", "year", "post_type", "started_on")
    df = _with_people(b, w)
    cols = ["year", "job_id", *_PEOPLE_COLS, "post_type", "started_on"]
    return _sorted(df, cols, ["year", "township_code", "person_id", "job_id"])


def employment_without_post(
    b: Bundle, *, as_of: dt.date, year: int | None = None, township: str | None = None
) -> pd.DataFrame:
    """employment rows of channel 公益岗位 with no welfare_jobs row for the same person and year."""
    w = _posts(b, as_of, year, None).select("person_id", "year").distinct()
    e = _employment(b, as_of, year, township)
    e = e.filter(e.channel == WELFARE_CHANNEL).anti_join(w, ["person_id", "year"])
    df = _with_people(b, e.select("record_id", "person_id", "year", "channel", "location", "started_on"))
    cols = ["year", "record_id", *_PEOPLE_COLS, "location", "started_on"]
    return _sorted(df, cols, ["year", "township_code", "person_id", "record_id"])


def duplicate_employment(
    b: Bundle, *, as_of: dt.date, year: int | None = None, township: str | None = None
) -> pd.DataFrame:
    """Persons with more than one employment row in a year: one row per (person, year) with the number
    of rows, their channels and record ids (in started_on order)."""
    e = _employment(b, as_of, year, township)
    dup = e.group_by("person_id", "year").aggregate(rows=e.count()).filter(lambda x: x.rows > 1)
    rows = e.semi_join(dup, ["person_id", "year"]).select(
        "record_id", "person_id", "year", "channel", "started_on"
    )
    df = _with_people(b, rows)
    cols = ["year", *_PEOPLE_COLS, "rows", "channels", "record_ids"]
    if df.empty:
        return pd.DataFrame({c: pd.Series([], dtype="object") for c in cols})
    df = df.sort_values(["started_on", "record_id"])
    keys = ["year", *_PEOPLE_COLS]
    out = (
        df.groupby(keys, dropna=False, sort=False)
        .agg(
            rows=("record_id", "size"),
            channels=("channel", lambda s: "、".join(s)),
            record_ids=("record_id", lambda s: "、".join(s)),
        )
        .reset_index()
    )
    out["rows"] = out["rows"].astype("int64")
    return _sorted(out, cols, ["year", "township_code", "person_id"])


def no_work_labour_export(
    b: Bundle, *, as_of: dt.date, year: int | None = None, township: str | None = None
) -> pd.DataFrame:
    """employment rows of channel 劳务输出 whose person is recorded 丧失劳动力 or 无劳动力."""
    e = _employment(b, as_of, year, township)
    e = e.filter(e.channel == EXPORT_CHANNEL)
    p = b.table("persons")
    e = e.semi_join(p.filter(p.labour_ability.isin(NO_WORK_ABILITIES)), "person_id")
    df = _with_people(b, e.select("record_id", "person_id", "year", "location", "started_on"))
    cols = ["year", "record_id", *_PEOPLE_COLS, "labour_ability", "location", "started_on"]
    return _sorted(df, cols, ["year", "township_code", "person_id", "record_id"])


FUNCTIONS = {
    "posts_without_employment": posts_without_employment,
    "employment_without_post": employment_without_post,
    "duplicate_employment": duplicate_employment,
    "no_work_labour_export": no_work_labour_export,
}


def summary(
    b: Bundle, *, as_of: dt.date, year: int | None = None, township: str | None = None
) -> pd.DataFrame:
    """One row per check: check, title_zh, title_en, action_zh, action_en, findings (rows of its list)."""
    rows = []
    for name, fn in FUNCTIONS.items():
        zh, en, act_zh, act_en = CHECKS[name]
        n = len(fn(b, as_of=as_of, year=year, township=township))
        rows.append(
            {
                "check": name,
                "title_zh": zh,
                "title_en": en,
                "action_zh": act_zh,
                "action_en": act_en,
                "findings": n,
            }
        )
    return pd.DataFrame(rows)


@metric(
    "employment_ledger_findings",
    basis="ytd",
    better="down",
    department=departments.FANGPIN,
    frequency="实时",
    pages=("employment",),
    phrases=("台账核对",),
    scope="所选年度就业台账与公益岗位台账中,按所选核对项(公益岗位无就业记录、就业记录为公益岗位但无岗位台账、"
    "同一年度重复就业记录、丧失或无劳动力人员登记为劳务输出)查出的记录",
    method="按查出的记录计数,每条计1条;截至所选日期已登记的记录",
    definition_en="Rows of the year's employment and public-welfare post ledgers found by the chosen check.",
    datasets=("employment",),
)
def employment_ledger_findings(
    b: Bundle, *, as_of: dt.date, check: str, year: int, township: str | None = None
) -> int:
    return len(FUNCTIONS[check](b, as_of=as_of, year=year, township=township))
