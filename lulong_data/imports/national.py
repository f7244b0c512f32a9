"""The national monitoring system's person-level export → households, persons, monitoring_cases and
assistance_measures.

One row per person; a household is the rows sharing a 户编号, its head the row whose 与户主关系 is 户主,
and every household field is read from the head's row (members that disagree are reported). A household
with a 监测对象类别 and a 识别监测时间 is one monitoring case, identified in that month:
``case_id = <household_id>-<YYYYMM>``, stable from one week's export to the next. The export holds no
procedure (发现途径, step dates, visits): those columns stay empty until the county's ledger is imported,
except that a case the --base folder already holds keeps the procedure it has there.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lulong_data.contract import Problem
from lulong_data.imports import people, report, values
from lulong_data.imports.profiles import Profile, norm
from lulong_data.imports.state import State, col_names

DATASETS = ("households", "persons", "monitoring_cases", "assistance_measures")
PROCEDURE = (
    "channel",
    "found_on",
    "verified_on",
    "village_review_on",
    "township_audit_on",
    "contact_assigned_on",
    "plan_on",
)
# Household fields compared across members (a disagreement is reported; the head's row wins).
CHECKED = ("village", "household_type", "category", "identified", "eliminated_on")


def shape(state: State, frame: pd.DataFrame, profile: Profile) -> None:
    """Derive the four datasets from the concatenated rows of every national sheet into ``state``."""
    cols = col_names(frame, state)
    problems: list[Problem] = []
    frame, found = state.own_persons(frame, cols)
    problems += found
    frame["household_id"] = people.household_ids(frame["household"])
    problems += people.first_rows(
        frame["household_id"].isna(),
        frame,
        "missing_value",
        "error",
        cols.get("household", {}),
        target="户编号",
    )

    # one row per person: the same number twice is a slip of the export
    dup = frame["id_ok"] & frame["person_id"].duplicated(keep="first")
    if dup.any():
        firsts = frame[frame["id_ok"]].drop_duplicates("person_id").set_index("person_id")["_row"]
        d = frame[dup].head(50)
        for file, row, pid in zip(d["_file"], d["_row"], d["person_id"], strict=True):
            problems.append(
                report.problem("person_twice", file, severity="warning", row=int(row), first=int(firsts[pid]))
            )
    frame = frame[frame["id_ok"] & ~dup & frame["household_id"].notna()]

    # persons
    sex_col, found = values.enum(frame, "sex", profile, cols.get("sex", {}))
    problems += found
    differs = sex_col.notna() & frame["id_sex"].notna() & sex_col.ne(frame["id_sex"])
    problems += people.first_rows(differs, frame, "sex_differs", "warning", cols.get("sex", {}))
    sex = frame["id_sex"].where(frame["id_sex"].notna(), sex_col)
    no_birth = frame["id_birth_year"].isna()
    problems += people.first_rows(no_birth, frame, "birth_unknown", "error", cols.get("id_number", {}))
    labour, found = values.enum(frame, "labour", profile, cols.get("labour", {}), required=True)
    problems += found
    health, found = values.enum(frame, "health", profile, cols.get("health", {}), required=True)
    problems += found

    # households: the head's row
    heads = set(norm(h) for h in profile.options.get("head_relations", ["户主"]))
    is_head = values.remap(frame["relation"].fillna(""), lambda v: norm(v) in heads, dtype=bool)
    # the first head row of each household (else its first row), households in id order: a sort of integer
    # codes (ids numbered in sorted order) instead of the ids themselves
    sorted_codes, _ = pd.factorize(frame["household_id"], sort=True)
    by = np.lexsort((np.arange(len(frame)), ~is_head.to_numpy(dtype=bool), sorted_codes))
    first = np.ones(len(by), dtype=bool)
    first[1:] = sorted_codes[by][1:] != sorted_codes[by][:-1]
    head_idx = frame.index[by[first]]
    n_heads = is_head.groupby(frame["household_id"]).sum()
    for hid in n_heads[n_heads == 0].index[:50]:
        row = frame.loc[frame["household_id"] == hid].iloc[0]
        problems.append(
            report.problem("no_head", row["_file"], severity="warning", row=int(row["_row"]), value=hid)
        )
    for hid, count in n_heads[n_heads > 1].head(50).items():
        row = frame.loc[(frame["household_id"] == hid) & is_head].iloc[1]
        problems.append(
            report.problem(
                "two_heads",
                row["_file"],
                severity="warning",
                row=int(row["_row"]),
                value=hid,
                count=int(count),
            )
        )
    hh = frame.loc[head_idx].set_index("household_id", drop=False)

    # members of one household that disagree with its head, per household field (households in id order)
    hcodes, hids = pd.factorize(frame["household_id"])
    by_household = np.argsort(hcodes, kind="stable")  # the rows of each household, together, in order
    starts = np.concatenate([[0], np.cumsum(np.bincount(hcodes, minlength=len(hids)))])
    first_of = by_household[starts[:-1]]  # the first row of each household (none is empty)
    for name in CHECKED:
        if name not in frame:
            continue
        v = frame[name].fillna("")
        vcodes, _ = pd.factorize(v)
        # a household holds two values when a member's differs from its first member's
        differs = vcodes != vcodes[first_of][hcodes]
        distinct = np.bincount(hcodes[differs], minlength=len(hids))
        bad = np.sort(np.asarray(hids[distinct > 0], dtype=object))
        for hid in bad[:50]:
            code = hids.get_loc(hid)
            rows = frame.iloc[by_household[starts[code] : starts[code + 1]]]
            head_value = hh.at[hid, name] if pd.notna(hh.at[hid, name]) else ""
            member = rows[rows[name].fillna("").ne(head_value)].iloc[0]
            problems.append(
                report.problem(
                    "household_differs",
                    member["_file"],
                    severity="warning",
                    row=int(member["_row"]),
                    column=cols.get(name, {}).get(member["_file"], name),
                    household=hid,
                    head=hh.at[hid, name] or "",
                )
            )

    village, found = state.resolver.resolve(hh, "", _first(cols.get("township")), _first(cols.get("village")))
    problems += found
    htype, found = values.enum(hh, "household_type", profile, cols.get("household_type", {}), required=True)
    problems += found
    exit_year, found = values.number(hh, "exit_year", cols.get("exit_year", {}), integer=True)
    problems += found
    exit_year = exit_year.where(htype.eq("脱贫户").to_numpy(dtype=bool))  # both are indexed like hh
    members = frame.groupby("household_id").size()
    stated, found = values.number(hh, "family_size", cols.get("family_size", {}), integer=True)
    problems += found
    size_bad = stated.notna() & stated.ne(members.reindex(hh.index).astype("Int64"))
    for hid in hh.index[size_bad.fillna(False).to_numpy(dtype=bool)][:50]:
        problems.append(
            report.problem(
                "size_differs",
                hh.at[hid, "_file"],
                severity="warning",
                row=int(hh.at[hid, "_row"]),
                value=hid,
                stated=int(stated[hid]),
                rows=int(members[hid]),
            )
        )
    income, found = values.number(hh, "income", cols.get("income", {}))
    problems += found
    income_year, found = values.number(hh, "income_year", cols.get("income_year", {}), integer=True)
    problems += found
    flags = {}
    for target, column in (
        ("no_labour", "no_labour_household"),
        ("education_ok", "education_ok"),
        ("housing_ok", "housing_ok"),
        ("water_ok", "water_ok"),
    ):
        flags[column], found = values.boolean(hh, target, profile, cols.get(target, {}))
        problems += found

    households = pd.DataFrame(
        {
            "household_id": hh["household_id"].astype("str"),
            "village_code": village.astype("str"),
            "household_type": htype,
            "exit_year": exit_year,
            "persons": members.reindex(hh.index).astype("Int64"),
            "head_name": hh["name"].astype("str")
            if "name" in hh
            else pd.Series(np.nan, index=hh.index, dtype="str"),
            "income_per_capita": income,
            "income_year": income_year,
            **flags,
        }
    ).reset_index(drop=True)
    keep_hh = households["village_code"].notna() & households["household_type"].notna()

    persons = pd.DataFrame(
        {
            "person_id": frame["person_id"].astype("str"),
            "household_id": frame["household_id"].astype("str"),
            "sex": sex.astype("str"),
            "birth_year": frame["id_birth_year"].astype("Int64"),
            "labour_ability": labour,
            "health": health,
        }
    ).reset_index(drop=True)

    cases, measures, found = _cases(state, hh, htype, income, profile, cols)
    problems += found

    state.problems += problems
    state.replace("households", households[keep_hh.to_numpy()].reset_index(drop=True))
    state.replace("persons", persons)
    state.replace("monitoring_cases", cases)
    state.replace("assistance_measures", measures)
    state.after_replacing(("households", "persons", "monitoring_cases", "assistance_measures"))


def _first(d: dict[str, str] | None) -> str | None:
    return next(iter(d.values()), None) if d else None


def _cases(
    state: State,
    hh: pd.DataFrame,
    htype: pd.Series,
    income: pd.Series,
    profile: Profile,
    cols: dict[str, dict[str, str]],
) -> tuple[pd.DataFrame, pd.DataFrame, list[Problem]]:
    problems: list[Problem] = []
    category, found = values.enum(hh, "category", profile, cols.get("category", {}))
    problems += found
    risks = {}
    for i in range(1, 6):
        risks[i], found = values.enum(hh, f"risk_{i}", profile, cols.get(f"risk_{i}", {}))
        problems += found
    identified, _, found = values.when(hh, "identified", cols.get("identified", {}), month=True)
    problems += found
    done, found = values.boolean(hh, "eliminated", profile, cols.get("eliminated", {}))
    problems += found
    gone_on, _, found = values.when(hh, "eliminated_on", cols.get("eliminated_on", {}), month=True)
    problems += found
    kind, found = values.enum(hh, "elimination_kind", profile, cols.get("elimination_kind", {}))
    problems += found
    outcome, found = values.enum(hh, "outcome", profile, cols.get("outcome", {}))
    problems += found

    is_case = category.notna()
    eliminated = done.fillna(False).astype(bool) | gone_on.notna()
    # The three risk columns the contract keeps: the first three filled, in order.
    r = pd.DataFrame({i: risks[i] for i in range(1, 6)}, index=hh.index)
    filled = r.notna()
    n_risks = filled.sum(axis=1)
    # the k-th filled risk of each row: a stable sort puts filled cells first, keeping their order
    order = np.argsort(~filled.to_numpy(), axis=1, kind="stable")
    first3 = np.take_along_axis(r.to_numpy(dtype=object), order, axis=1)[:, :3]
    packed = pd.DataFrame(first3, index=hh.index, columns=[1, 2, 3]).where(
        pd.DataFrame({k: n_risks >= k for k in (1, 2, 3)}, index=hh.index)
    )
    more = n_risks.gt(3) & is_case
    if bool(more.any()):
        col = _first(cols.get("risk_4")) or "风险4"
        problems.append(
            report.problem(
                "risks_dropped",
                str(hh.loc[more, "_file"].iloc[0]),
                severity="warning",
                column=col,
                count=int(more.sum()),
            )
        )

    checks = {
        "识别监测时间": identified.isna(),
        "致贫/返贫风险": n_risks.eq(0),
        "消除监测时间": eliminated & gone_on.isna(),
        "风险消除方式": eliminated & kind.isna(),
    }
    incomplete = pd.Series(False, index=hh.index)
    for what, mask in checks.items():
        mask = mask & is_case & ~incomplete
        problems += people.first_rows(mask, hh, "case_incomplete", "warning", {}, what=f"「{what}」")
        incomplete |= mask
    ok = (is_case & ~incomplete).to_numpy()

    sel = hh[ok]
    month = identified[ok].dt.strftime("%Y%m")
    case_id = (sel["household_id"] + "-" + month).astype("str")
    packed = packed[ok]
    elim = eliminated[ok]
    cases = pd.DataFrame(
        {
            "case_id": case_id.to_numpy(),
            "household_id": sel["household_id"].to_numpy(),
            "category": category[ok].to_numpy(),
            "risk_1": packed[1].to_numpy(),
            "risk_2": packed[2].to_numpy(),
            "risk_3": packed[3].to_numpy(),
            "approved_on": identified[ok].to_numpy(),
            "eliminated_on": gone_on[ok].where(elim).to_numpy(),
            "elimination_kind": kind[ok].where(elim).to_numpy(),
            "income_at_elimination": income[ok].where(elim).to_numpy(),
            "poverty_outcome": outcome[ok].to_numpy(),
            "date_precision": "月",
        }
    )
    cases = state.typed("monitoring_cases", cases)
    cases = _keep_procedure(state, cases, problems)
    earlier = _earlier_cases(state, cases, hh.index)
    if len(earlier):
        problems.append(report.problem("kept_earlier_cases", "", severity="warning", count=len(earlier)))
    cases = pd.concat([cases, earlier, _still_in_procedure(state, cases, hh.index)])
    cases = cases.reset_index(drop=True)

    # measures: one row per (case, policy code)
    measure_cols = [c for c in hh.columns if c.startswith("measures#")]
    menu = state.frames["policy_menu"]
    codes = set(menu["policy_code"].dropna())
    by_name = {
        norm(n): c for c, n in zip(menu["policy_code"], menu["name"], strict=True) if isinstance(n, str)
    }
    mapping = profile.value_map("measures")
    found_items = pd.concat(
        [_split_cells(sel[c], profile.separators).assign(col=c) for c in measure_cols]
        or [pd.DataFrame({"idx": [], "text": [], "col": []})],
        ignore_index=True,
    )
    measures = state.empty("assistance_measures")
    if len(found_items):
        uniq = {t: _policy(t, mapping, by_name, codes) for t in found_items["text"].unique()}
        found_items["code"] = found_items["text"].map(uniq)
        bad = found_items["code"].isna()
        if bad.any():
            for text, grp in found_items[bad].groupby("text", sort=False):
                first = sel.loc[grp["idx"].iloc[0]]
                problems.append(
                    report.problem(
                        "unmapped_measure",
                        first["_file"],
                        severity="warning",
                        row=int(first["_row"]),
                        column=_measure_col(hh, cols, grp["col"].iloc[0], first["_file"]),
                        value=f"{text}",
                    )
                )
        good = found_items[~bad & found_items["code"].ne("")]
        cid = case_id.reindex(good["idx"]).to_numpy()
        started = identified[ok].reindex(good["idx"]).to_numpy()
        m = pd.DataFrame(
            {
                "case_id": cid,
                "policy_code": good["code"].to_numpy(),
                "started_on": started,
                "date_precision": "月",
            }
        )
        m = m.drop_duplicates(["case_id", "policy_code"]).reset_index(drop=True)
        m.insert(0, "measure_id", m["case_id"] + "-" + m["policy_code"])
        measures = state.typed("assistance_measures", m)
        measures = _keep_measure_dates(state, measures)
        if len(measures):
            problems.append(report.problem("measures_undated", "", severity="warning", count=len(measures)))
    if len(earlier):
        measures = pd.concat([measures, _measures_of(state, earlier)], ignore_index=True)
    return cases, measures, problems


def _split_cells(cells: pd.Series, separators: tuple[str, ...]) -> pd.DataFrame:
    """The values of a multi-select column (``产业帮扶、就业帮扶``) one per row: idx (the cell's index label),
    text (stripped, never empty), in the order of the cells and of the values in each."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pa.array(cells, type=pa.string(), from_pandas=True)
    arr = arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr
    unit = "\x1f"  # every separator becomes one, then one split
    for sep in separators:
        arr = pc.replace_substring(arr, sep, unit)
    lists = pc.split_pattern(arr, unit)
    parts = pc.utf8_trim_whitespace(pc.list_flatten(lists))
    parent = pc.list_parent_indices(lists).to_numpy()
    keep = pc.fill_null(pc.greater(pc.binary_length(parts), 0), False)
    return pd.DataFrame(
        {
            "idx": cells.index[parent[keep.to_numpy(zero_copy_only=False)]],
            "text": pd.Series(parts.filter(keep), dtype="str"),
        }
    )


def _measure_col(hh: pd.DataFrame, cols: dict, key: str, file: str) -> str:
    return cols.get(key, {}).get(file, key.split("#")[0])


def _policy(text: str, mapping: dict[str, str], by_name: dict[str, str], codes: set[str]) -> str | None:
    n = norm(text)
    if n in mapping:
        code = mapping[n]
        return code if code == "" or code in codes else None
    if n in by_name:
        return by_name[n]
    if text in codes:
        return text
    return None


def _keep_procedure(state: State, cases: pd.DataFrame, problems: list[Problem]) -> pd.DataFrame:
    """A case --base already holds keeps its procedure (from the ledger, which the export lacks)."""
    base = state.base_frames.get("monitoring_cases")
    if base is None or base.empty:
        return cases
    base = base.set_index("case_id")
    common = pd.Series(people.isin(cases["case_id"], base.index), index=cases.index)
    if not common.any():
        return cases
    have = [c for c in PROCEDURE if c in base.columns]
    kept = base.loc[cases.loc[common, "case_id"], have]
    has_any = kept.notna().any(axis=1).to_numpy()
    for c in have:
        cases.loc[common, c] = kept[c].to_numpy()
    # the ledger's exact days of approval and elimination, where they lie in the months the export gives
    old = base.loc[cases.loc[common, "case_id"]].reset_index()
    new = cases.loc[common].reset_index()
    month = lambda s: s.dt.to_period("M")  # noqa: E731
    same = (month(old["approved_on"]) == month(new["approved_on"])).to_numpy() & (
        (old["eliminated_on"].isna() & new["eliminated_on"].isna())
        | (month(old["eliminated_on"]) == month(new["eliminated_on"]))
    ).to_numpy()
    exact = old.get("date_precision", pd.Series(np.nan, index=old.index)).fillna("日").ne("月").to_numpy()
    take = same & exact
    idx = new.loc[take, "index"].to_numpy()
    for c in ("approved_on", "eliminated_on"):
        cases.loc[idx, c] = old.loc[take, c].to_numpy()
    cases.loc[idx, "date_precision"] = "日"
    if has_any.sum():
        problems.append(report.problem("kept_procedure", "", severity="warning", count=int(has_any.sum())))
    return cases


def _earlier_cases(state: State, cases: pd.DataFrame, households: pd.Index) -> pd.DataFrame:
    """Closed cases of --base for households the export lists, identified before the household's case in the
    export (or with none there): the national system shows a household's latest identification only, so a
    household whose risk was eliminated in 2021 and that was identified again in 2022 lists the 2022 case
    alone. The earlier case is history the county's folder keeps, with its procedure and measures."""
    base = state.base_frames.get("monitoring_cases")
    if base is None or base.empty:
        return cases.iloc[:0]
    closed = base[base["approved_on"].notna() & base["eliminated_on"].notna()]
    closed = closed[people.isin(closed["household_id"], households)]
    closed = closed[~people.isin(closed["case_id"], cases["case_id"])]
    if closed.empty:
        return cases.iloc[:0]
    first = cases.groupby("household_id")["approved_on"].min()
    since = closed["household_id"].map(first)
    before = since.isna() | (closed["approved_on"].dt.to_period("M") < since.dt.to_period("M"))
    return state.typed("monitoring_cases", closed[before.to_numpy()])


def _measures_of(state: State, cases: pd.DataFrame) -> pd.DataFrame:
    """The measures --base holds for ``cases``."""
    base = state.base_frames.get("assistance_measures")
    if base is None or base.empty:
        return state.empty("assistance_measures")
    return state.typed("assistance_measures", base[people.isin(base["case_id"], cases["case_id"])])


def _still_in_procedure(state: State, cases: pd.DataFrame, households: pd.Index) -> pd.DataFrame:
    """Cases of --base still in procedure (from the ledger: found, not yet approved) for households the export
    lists, unless the export now has a case of that household identified in or after the month they were
    found: the national system holds approved cases only, so it cannot list them yet."""
    base = state.base_frames.get("monitoring_cases")
    if base is None or base.empty:
        return cases.iloc[:0]
    pending = base[base["approved_on"].isna() & base["found_on"].notna()]
    pending = pending[people.isin(pending["household_id"], households)]
    if pending.empty:
        return cases.iloc[:0]
    latest = cases.groupby("household_id")["approved_on"].max()
    since = pending["household_id"].map(latest)
    approved_after = since.notna() & (since.dt.to_period("M") >= pending["found_on"].dt.to_period("M"))
    return state.typed("monitoring_cases", pending[~approved_after.to_numpy()])


def _keep_measure_dates(state: State, measures: pd.DataFrame) -> pd.DataFrame:
    base = state.base_frames.get("assistance_measures")
    if base is None or base.empty:
        return measures
    base = base.set_index("measure_id")
    common = pd.Series(people.isin(measures["measure_id"], base.index), index=measures.index)
    if common.any():
        ids = measures.loc[common, "measure_id"]
        for c in ("started_on", "feedback_on", "amount", "date_precision"):
            if c in base.columns:
                old = base.loc[ids, c].to_numpy()
                keep = pd.notna(old)
                idx = measures.index[common.to_numpy()][keep]
                measures.loc[idx, c] = old[keep]
    return measures
