"""The 务工 monitoring sheet → employment.

One row per person and job. A job counts in every year it overlaps (contract v2: ``year`` left empty), so a
person who started in an earlier year and still works (开始时间 last year, no 结束时间) counts this year
too. ``location`` comes from a 务工地点 column when the sheet has one, else from 务工所在省/县 compared with
the county's own province and county (places.toml).
"""

from __future__ import annotations

import pandas as pd

from lulong_data.contract import Problem
from lulong_data.imports import people, report, values
from lulong_data.imports.profiles import Profile, norm
from lulong_data.imports.state import State


def shape(state: State, frame: pd.DataFrame, profile: Profile) -> None:
    cols = state.headers
    problems: list[Problem] = []
    frame, found = people.pseudonymise(frame.copy(), state.secret, cols.get("id_number", {}))
    problems += found
    frame = frame[frame["id_ok"]]
    unknown = pd.Series(
        ~people.isin(frame["person_id"], state.frames["persons"]["person_id"].dropna()), index=frame.index
    )
    problems += people.first_rows(unknown, frame, "person_unknown", "warning", cols.get("id_number", {}))
    frame = frame[~unknown.to_numpy()]

    channel, found = values.enum(frame, "channel", profile, cols.get("channel", {}), required=True)
    problems += found
    location, found = values.enum(frame, "location", profile, cols.get("location", {}))
    problems += found
    if "location" not in frame:
        location = _location(frame, state)
        missing = location.isna()
        problems += people.first_rows(
            missing,
            frame,
            "missing_value",
            "error",
            cols.get("work_province", {}),
            target="务工地点(务工所在省/县)",
        )
    started, p1, found = values.when(frame, "started", cols.get("started", {}))
    problems += found
    problems += people.first_rows(
        started.isna(), frame, "missing_value", "error", cols.get("started", {}), target="开始时间"
    )
    ended, p2, found = values.when(frame, "ended", cols.get("ended", {}))
    problems += found
    # a month-only date counts from the month's first day; an end month lasts to its last day
    ended = ended.where(p2.ne("月"), ended + pd.offsets.MonthEnd(0))
    backwards = ended.notna() & started.notna() & (ended < started)
    problems += people.first_rows(backwards, frame, "date_order", "error", cols.get("ended", {}))
    precision = p1.where(p1.eq("月") | p2.ne("月"), "月")

    jobs = pd.DataFrame(
        {
            "person_id": frame["person_id"].to_numpy(),
            "channel": channel.to_numpy(),
            "location": location.to_numpy(),
            "started_on": started.to_numpy(),
            "ended_on": ended.to_numpy(),
            "date_precision": precision.to_numpy(),
            "_row": frame["_row"].to_numpy(),
            "_file": frame["_file"].to_numpy(),
        }
    )
    jobs = jobs[jobs["started_on"].notna()]
    key = jobs["person_id"] + "-" + jobs["started_on"].dt.strftime("%Y%m%d")
    dup = key.duplicated(keep="first")
    if dup.any():
        first = jobs.loc[~dup].assign(_key=key[~dup]).set_index("_key")["_row"]
        d = jobs[dup].head(50)
        for file, row, k in zip(d["_file"], d["_row"], key[dup].head(50), strict=True):
            problems.append(
                report.problem("duplicate_row", file, severity="warning", row=int(row), first=int(first[k]))
            )
    jobs = jobs[~dup.to_numpy()]
    jobs.insert(0, "record_id", "W" + key[~dup].str[1:])
    state.problems += problems
    state.replace("employment", jobs.drop(columns=["_row", "_file"]))


def _location(frame: pd.DataFrame, state: State) -> pd.Series:
    places = state.resolver.places
    province = frame["work_province"].fillna("").map(norm) if "work_province" in frame else None
    county = frame["work_county"].fillna("").map(norm) if "work_county" in frame else None
    out = pd.Series(pd.NA, index=frame.index, dtype="str")
    home_p = norm(places.province_name)
    home_c = norm(state.resolver.county_name)
    if province is not None:
        out[(province.ne("") & ~province.str.startswith(home_p[:2])).to_numpy()] = "省外"
        inside = province.ne("") & province.str.startswith(home_p[:2])
        out[inside.to_numpy()] = "省内县外"
    if county is not None:
        here = county.ne("") & (county.eq(home_c) | county.eq(home_c.rstrip("县")))
        out[here.to_numpy()] = "县内"
        if province is None:
            out[(county.ne("") & ~here).to_numpy()] = pd.NA  # another county, province unknown
    return out
