"""The county's own procedure ledger → the procedure of monitoring_cases, visits, and measure dates.

Joined by 户编号 (as household_id, see :func:`people.household_ids`). A ledger row of the *cases* layout
finds its case by the identification month (识别监测时间) when it gives one, else by the month of its
县级审定日期; a row with no approval yet is a case still in procedure and is added as one (it needs
监测对象类别 and a risk, as every case does). Visits go to the case of the household that was under
monitoring on the day (else the latest one approved before it); the *visits* layout replaces all visits.
A *measures* row gives a measure its real 落实日期 and 反馈日期.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from lulong_data.contract import Problem
from lulong_data.imports import people, report, values
from lulong_data.imports.profiles import Profile, norm
from lulong_data.imports.state import State

STEPS = (
    "found_on",
    "verified_on",
    "village_review_on",
    "township_audit_on",
    "approved_on",
    "contact_assigned_on",
    "plan_on",
)


def shape(state: State, tables: dict[str, pd.DataFrame], profile: Profile) -> None:
    problems: list[Problem] = []
    if "cases" in tables:
        problems += _cases(state, tables["cases"], profile)
    if "visits" in tables:
        problems += _visits(state, tables["visits"], profile)
    if "measures" in tables:
        problems += _measures(state, tables["measures"], profile)
    state.problems += problems


def _households(state: State, frame: pd.DataFrame, problems: list[Problem]) -> pd.DataFrame:
    cols = state.headers
    frame = frame.copy()
    frame["household_id"] = people.household_ids(frame["household"])
    problems += people.first_rows(
        frame["household_id"].isna(),
        frame,
        "missing_value",
        "error",
        cols.get("household", {}),
        target="户编号",
    )
    known = state.frames["households"]["household_id"].dropna()
    unknown = frame["household_id"].notna() & ~pd.Series(
        people.isin(frame["household_id"], known), index=frame.index
    )
    problems += people.first_rows(unknown, frame, "household_unknown", "warning", {}, value="household_id")
    return frame[frame["household_id"].notna() & ~unknown]


def _cases(state: State, frame: pd.DataFrame, profile: Profile) -> list[Problem]:
    cols = state.headers
    problems: list[Problem] = []
    frame = _households(state, frame, problems)
    dates = {}
    for step in STEPS:
        dates[step], _, found = values.when(frame, step, cols.get(step, {}))
        problems += found
    identified, _, found = values.when(frame, "identified", cols.get("identified", {}), month=True)
    problems += found
    gone_on, _, found = values.when(frame, "eliminated_on", cols.get("eliminated_on", {}))
    problems += found
    channel, found = values.enum(frame, "channel", profile, cols.get("channel", {}))
    problems += found
    kind, found = values.enum(frame, "elimination_kind", profile, cols.get("elimination_kind", {}))
    problems += found
    category, found = values.enum(frame, "category", profile, cols.get("category", {}))
    problems += found
    risks = {}
    for i in (1, 2, 3):
        risks[i], found = values.enum(frame, f"risk_{i}", profile, cols.get(f"risk_{i}", {}))
        problems += found

    cases = _with_columns(state, "monitoring_cases", state.frames["monitoring_cases"].copy())
    index = {cid: i for i, cid in enumerate(cases["case_id"])}
    # a case whose id follows another scheme (kept from a folder made before imports) is found by its
    # household and month of approval
    approved_month = cases["approved_on"].dt.to_period("M")
    by_month = {
        (h, m): i
        for i, (h, m) in enumerate(zip(cases["household_id"], approved_month, strict=True))
        if pd.notna(m)
    }
    month = identified.where(identified.notna(), dates["approved_on"].dt.to_period("M").dt.to_timestamp())
    case_id = frame["household_id"] + "-" + month.dt.strftime("%Y%m")
    new_rows = []
    matched = 0
    open_ = cases["approved_on"].isna()
    pending = dict(zip(cases.loc[open_, "household_id"], cases.index[open_.to_numpy()], strict=True))
    # each household's first approved case: a closed case of the ledger before it is an earlier one
    first = cases.groupby("household_id")["approved_on"].min().dt.to_period("M").to_dict()
    earlier = 0
    for i, (pos, cid) in enumerate(zip(frame.index, case_id, strict=True)):
        row = index.get(cid) if isinstance(cid, str) else None
        if row is None and isinstance(cid, str):
            row = by_month.get((frame.at[pos, "household_id"], month.iat[i].to_period("M")))
        if row is not None:
            for step in STEPS:
                value = dates[step].iat[i]
                if pd.isna(value):
                    continue
                if step == "approved_on":
                    old = cases.at[row, "approved_on"]
                    if pd.notna(old) and old.to_period("M") != value.to_period("M"):
                        continue
                cases.at[row, step] = value
            if pd.notna(channel.iat[i]):
                cases.at[row, "channel"] = channel.iat[i]
            # the exact day of elimination, when it lies in the month the national export gives
            gone, old = gone_on.iat[i], cases.at[row, "eliminated_on"]
            if pd.notna(gone) and pd.notna(old) and gone.to_period("M") == old.to_period("M"):
                cases.at[row, "eliminated_on"] = gone
            exact_start = pd.notna(dates["approved_on"].iat[i])
            exact_end = pd.isna(old) or (pd.notna(gone) and gone.to_period("M") == old.to_period("M"))
            if exact_start and exact_end:
                cases.at[row, "date_precision"] = "日"
            matched += 1
            continue
        if pd.notna(dates["approved_on"].iat[i]) or pd.notna(identified.iat[i]):
            hid = frame.at[pos, "household_id"]
            since = first.get(hid)
            if (
                isinstance(cid, str)
                and pd.notna(gone_on.iat[i])
                and pd.notna(kind.iat[i])
                and pd.notna(category.iat[i])
                and pd.notna(risks[1].iat[i])
                and (since is None or pd.isna(since) or month.iat[i].to_period("M") < since)
            ):
                # a closed case the export no longer lists (the household was identified again later)
                exact = pd.notna(dates["approved_on"].iat[i])
                new_rows.append(
                    {
                        "case_id": cid,
                        "household_id": hid,
                        "category": category.iat[i],
                        **{f"risk_{k}": risks[k].iat[i] for k in (1, 2, 3)},
                        "channel": channel.iat[i],
                        **{step: dates[step].iat[i] for step in STEPS},
                        "approved_on": dates["approved_on"].iat[i] if exact else month.iat[i],
                        "eliminated_on": gone_on.iat[i],
                        "elimination_kind": kind.iat[i],
                        "date_precision": "日" if exact else "月",
                    }
                )
                earlier += 1
                continue
            # approved, but not in the national export the base holds
            problems.append(
                report.problem(
                    "case_unknown",
                    frame.at[pos, "_file"],
                    severity="warning",
                    row=int(frame.at[pos, "_row"]),
                    value=frame.at[pos, "household_id"],
                )
            )
            continue
        # still in procedure: a new case
        if pd.isna(category.iat[i]) or pd.isna(risks[1].iat[i]) or pd.isna(dates["found_on"].iat[i]):
            what = "「监测对象类别」「风险类型」或「发现日期」"
            problems.append(
                report.problem(
                    "case_incomplete",
                    frame.at[pos, "_file"],
                    severity="warning",
                    row=int(frame.at[pos, "_row"]),
                    what=what,
                )
            )
            continue
        found_on = dates["found_on"].iat[i]
        hid = frame.at[pos, "household_id"]
        if hid in pending:  # the household's case in procedure (a household has one at a time): update it
            row = pending[hid]
            for step in STEPS:
                cases.at[row, step] = dates[step].iat[i]
            for col, v in (("category", category), ("channel", channel)):
                cases.at[row, col] = v.iat[i]
            for k in (1, 2, 3):
                cases.at[row, f"risk_{k}"] = risks[k].iat[i]
            cases.at[row, "date_precision"] = "日"
            matched += 1
            continue
        new_rows.append(
            {
                "case_id": f"{frame.at[pos, 'household_id']}-L{found_on:%Y%m%d}",
                "household_id": frame.at[pos, "household_id"],
                "category": category.iat[i],
                "risk_1": risks[1].iat[i],
                "risk_2": risks[2].iat[i],
                "risk_3": risks[3].iat[i],
                "channel": channel.iat[i],
                **{step: dates[step].iat[i] for step in STEPS},
                "date_precision": "日",
            }
        )
    if new_rows:
        added = state.typed("monitoring_cases", pd.DataFrame(new_rows)).drop_duplicates("case_id")
        added = added[~added["case_id"].isin(cases["case_id"])]
        cases = pd.concat([state.typed("monitoring_cases", cases), added], ignore_index=True)
    state.replace("monitoring_cases", cases)
    state.rows["monitoring_cases (ledger matched)"] = matched
    if earlier:
        problems.append(report.problem("ledger_earlier_cases", "", severity="warning", count=earlier))
    return problems


def _with_columns(state: State, dataset: str, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every column the import writes (a --base file may lack the optional ones)."""
    empty = state.empty(dataset)
    for col in empty.columns:
        if col not in frame:
            frame[col] = pd.Series(
                pd.NA if empty[col].dtype in ("Int64", "boolean") else np.nan,
                index=frame.index,
                dtype=empty[col].dtype,
            )
    return frame


def _case_for(state: State, households: pd.Series, on: pd.Series) -> pd.Series:
    """For each (household, date): the case under monitoring that day (by month, since approval and
    elimination may be month-only), else the latest approved on or before it; NaN when none."""
    cases = state.frames["monitoring_cases"][["case_id", "household_id", "approved_on", "eliminated_on"]]
    left = pd.DataFrame(
        {"household_id": households.to_numpy(), "on": on.to_numpy(), "_i": np.arange(len(on))}
    )
    j = left.merge(cases, on="household_id", how="left")
    start = j["approved_on"].dt.to_period("M").dt.to_timestamp()
    stop = j["eliminated_on"] + pd.offsets.MonthEnd(0)
    j["during"] = (start <= j["on"]) & (j["eliminated_on"].isna() | (j["on"] <= stop))
    j["before"] = start <= j["on"]
    j = j[j["before"].fillna(False)]
    j = j.sort_values(["_i", "during", "approved_on"])
    best = j.drop_duplicates("_i", keep="last").set_index("_i")["case_id"]
    return pd.Series(best.reindex(np.arange(len(on))).to_numpy(), index=on.index, dtype="str")


def _visits(state: State, frame: pd.DataFrame, profile: Profile) -> list[Problem]:
    cols = state.headers
    problems: list[Problem] = []
    frame = _households(state, frame, problems)
    on, _, found = values.when(frame, "visited_on", cols.get("visited_on", {}))
    problems += found
    role, found = values.enum(frame, "visitor_role", profile, cols.get("visitor_role", {}), required=True)
    problems += found
    case = _case_for(state, frame["household_id"], on)
    lost = case.isna() & on.notna()
    problems += people.first_rows(lost, frame, "case_unknown", "warning", {}, value="household_id")
    visits = pd.DataFrame(
        {"case_id": case.to_numpy(), "visited_on": on.to_numpy(), "visitor_role": role.to_numpy()}
    )
    visits = visits[visits["case_id"].notna() & visits["visited_on"].notna()].reset_index(drop=True)
    base = visits["case_id"] + "-V" + visits["visited_on"].dt.strftime("%Y%m%d")
    seq = base.groupby(base).cumcount()
    visits.insert(0, "visit_id", base.where(seq.eq(0), base + "-" + (seq + 1).astype(str)))
    state.replace("visits", visits)
    return problems


def _measures(state: State, frame: pd.DataFrame, profile: Profile) -> list[Problem]:
    cols = state.headers
    problems: list[Problem] = []
    frame = _households(state, frame, problems)
    started, _, found = values.when(frame, "started_on", cols.get("started_on", {}))
    problems += found
    feedback, _, found = values.when(frame, "feedback_on", cols.get("feedback_on", {}))
    problems += found
    amount, found = values.number(frame, "amount", cols.get("amount", {}))
    problems += found
    menu = state.frames["policy_menu"]
    codes = set(menu["policy_code"].dropna())
    by_name = {
        norm(n): c for c, n in zip(menu["policy_code"], menu["name"], strict=True) if isinstance(n, str)
    }
    mapping = profile.value_map("measure")
    text = frame[[c for c in frame.columns if c.startswith("measure")][0]].fillna("")
    seps = re.compile("|".join(re.escape(s) for s in profile.separators))

    def code_of(t: str) -> str | None:
        n = norm(t)
        return mapping.get(n) or by_name.get(n) or (t if t in codes else None)

    code = text.map(lambda t: code_of(seps.split(t)[0].strip()) if t else None)
    bad = text.ne("") & code.isna()
    problems += people.first_rows(
        bad, frame.assign(_text=text), "unmapped_measure", "warning", {}, value="_text"
    )
    case = _case_for(state, frame["household_id"], started.fillna(pd.Timestamp.max.normalize()))
    measures = _with_columns(state, "assistance_measures", state.frames["assistance_measures"].copy())
    ids = case + "-" + code
    index = {m: i for i, m in enumerate(measures["measure_id"])}
    added = []
    for i, mid in enumerate(ids):
        if not isinstance(mid, str):
            continue
        if mid in index:
            r = index[mid]
            for c, v in (("started_on", started), ("feedback_on", feedback), ("amount", amount)):
                if pd.notna(v.iat[i]):
                    measures.at[r, c] = v.iat[i]
            if pd.notna(started.iat[i]):
                measures.at[r, "date_precision"] = "日"
        elif pd.notna(started.iat[i]):
            added.append(
                {
                    "measure_id": mid,
                    "case_id": case.iat[i],
                    "policy_code": code.iat[i],
                    "started_on": started.iat[i],
                    "feedback_on": feedback.iat[i],
                    "amount": amount.iat[i],
                    "date_precision": "日",
                }
            )
    if added:
        measures = pd.concat(
            [measures, state.typed("assistance_measures", pd.DataFrame(added).drop_duplicates("measure_id"))],
            ignore_index=True,
        )
    state.replace("assistance_measures", measures)
    return problems
