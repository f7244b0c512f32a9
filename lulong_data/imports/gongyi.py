"""乡村公益性岗位人员花名册 (the 公益岗 roster) → welfare_jobs.

One row per person and post. The holder is found through the pseudonym of the ID number (never kept), the
post's village through the places resolver as on the rosters. A roster replaces the posts of the years it
lists and keeps the other years of --base, so this year's roster imported week after week leaves last
year's posts as they were.

The metrics count a post in its ``year`` once its ``started_on`` has come (employment._posts): a post taken
up last year and continuing is listed on this year's roster with its old 上岗时间, so its year is the
roster's, not its start's. A row's year is its 年度 cell, else the latest 上岗 year of its file.
``job_id`` = ``G<year>-`` + the pseudonym's first 12 hex + ``-<上岗 YYYYMM>``: the same post keeps its id
from one week's roster to the next.
"""

from __future__ import annotations

import pandas as pd

from lulong_data.contract import Problem
from lulong_data.imports import people, report, values
from lulong_data.imports.profiles import Profile
from lulong_data.imports.state import State


def shape(state: State, frame: pd.DataFrame, profile: Profile) -> None:
    cols = state.headers
    problems: list[Problem] = []
    frame, found = state.own_persons(frame, cols)
    problems += found
    frame = frame[frame["id_ok"]]
    unknown = pd.Series(
        ~people.isin(frame["person_id"], state.frames["persons"]["person_id"].dropna()), index=frame.index
    )
    problems += people.first_rows(unknown, frame, "person_unknown", "warning", cols.get("id_number", {}))
    frame = frame[~unknown.to_numpy()]

    village, found = state.resolver.resolve(
        frame, "", _first(cols.get("township")), _first(cols.get("village"))
    )
    problems += found
    post_type, found = _post_type(frame, profile, cols.get("post_type", {}))
    problems += found
    started, _, found = values.when(frame, "started", cols.get("started", {}))
    problems += found
    problems += people.first_rows(
        started.isna(), frame, "missing_value", "error", cols.get("started", {}), target="上岗时间"
    )
    months, found = values.number(
        _stripped(frame, "months", r"\s*个?月$"), "months", cols.get("months", {}), integer=True
    )
    problems += found
    problems += _required_in(frame, months, 1, 12, "months", cols, "聘期(月)")
    subsidy, found = values.number(
        _stripped(frame, "subsidy", r"\s*(?:元)?\s*(?:/人)?\s*(?:/月|每月|/每月)$"),
        "subsidy",
        cols.get("subsidy", {}),
    )
    problems += found
    problems += _required_in(frame, subsidy, 0, None, "subsidy", cols, "月补贴(元)")
    given, found = values.number(
        _stripped(frame, "year", r"\s*年度?$"), "year", cols.get("year", {}), integer=True
    )
    problems += found
    # the roster's year: the latest 上岗 year of its file (a continuing post started earlier)
    file_year = started.dt.year.groupby(frame["_file"].to_numpy()).transform("max")
    year = given.astype("Float64").fillna(pd.Series(file_year.to_numpy(), index=frame.index)).astype("Int64")

    posts = pd.DataFrame(
        {
            "person_id": frame["person_id"].to_numpy(),
            "year": year.to_numpy(),
            "post_type": post_type.to_numpy(),
            "village_code": village.to_numpy(),
            "months": months.to_numpy(),
            "monthly_subsidy": subsidy.to_numpy(),
            "started_on": started.to_numpy(),
            "_row": frame["_row"].to_numpy(),
            "_file": frame["_file"].to_numpy(),
        }
    )
    posts = posts[posts["started_on"].notna().to_numpy() & posts["year"].notna().to_numpy()]
    key = (
        "G"
        + posts["year"].astype("str")
        + "-"
        + posts["person_id"].str[1:13]
        + "-"
        + posts["started_on"].dt.strftime("%Y%m")
    )
    dup = key.duplicated(keep="first")
    if dup.any():
        first = posts.loc[~dup].assign(_key=key[~dup]).set_index("_key")["_row"]
        d = posts[dup].head(50)
        for file, row, k in zip(d["_file"], d["_row"], key[dup].head(50), strict=True):
            problems.append(
                report.problem("post_twice", file, severity="warning", row=int(row), first=int(first[k]))
            )
    posts = posts[~dup.to_numpy()]
    posts.insert(0, "job_id", key[~dup])
    years = set(posts["year"].dropna().astype(int))
    new = state.typed("welfare_jobs", posts.drop(columns=["_row", "_file"]))

    old = state.frames.get("welfare_jobs")
    kept = old[~old["year"].isin(years).fillna(False)] if old is not None and len(old) else None
    merged = (
        pd.concat([state.typed("welfare_jobs", kept), new], ignore_index=True)
        if kept is not None and len(kept)
        else new
    )
    merged = merged.sort_values(["year", "job_id"], kind="stable").reset_index(drop=True)
    state.problems += problems
    state.replace("welfare_jobs", merged)
    state.rows["welfare_jobs"] = len(new)


def _post_type(
    frame: pd.DataFrame, profile: Profile, columns: dict[str, str]
) -> tuple[pd.Series, list[Problem]]:
    """岗位类型 through the profile; a value it does not know is imported as 其他, with a warning naming it."""
    out, found = values.enum(frame, "post_type", profile, columns)
    problems = [p for p in found if p.code != "import_unmapped_value"]
    raw = frame["post_type"] if "post_type" in frame else pd.Series(pd.NA, index=frame.index, dtype="str")
    filled = raw.fillna("").str.strip().ne("")
    unmapped = filled & out.isna()
    problems += values._report("unmapped_post_type", frame, raw, unmapped, columns, "warning")
    problems += people.first_rows(~filled, frame, "missing_value", "error", columns, target="岗位类型")
    return out.where(~unmapped, "其他"), problems


def _stripped(frame: pd.DataFrame, target: str, pattern: str) -> pd.DataFrame:
    """``frame`` with a unit (个月, 元/月, 年度) cut off the end of the ``target`` column's cells."""
    if target not in frame:
        return frame
    cells = frame[target]
    cut = cells.str.replace(pattern, "", regex=True)
    if cut.equals(cells):
        return frame
    return frame.assign(**{target: cut})


def _required_in(
    frame: pd.DataFrame,
    numbers: pd.Series,
    low: float,
    high: float | None,
    target: str,
    cols: dict[str, dict[str, str]],
    zh: str,
) -> list[Problem]:
    """An error for every row whose number is missing (a bad number has had its warning) or out of range."""
    columns = cols.get(target, {})
    raw = frame[target] if target in frame else pd.Series("", index=frame.index, dtype="str")
    empty = raw.fillna("").str.strip().eq("")
    problems = people.first_rows(empty, frame, "missing_value", "error", columns, target=zh)
    outside = numbers.notna() & (numbers < low)
    if high is not None:
        outside |= numbers.notna() & (numbers > high)
    outside = outside.fillna(False).astype(bool)
    problems += people.first_rows(
        outside | (numbers.isna() & ~empty),
        frame,
        "out_of_range",
        "error",
        columns,
        value=target,
        range=f"{low:g}–{high:g}" if high is not None else f"≥ {low:g}",
    )
    return problems


def _first(d: dict[str, str] | None) -> str | None:
    return next(iter(d.values()), None) if d else None
