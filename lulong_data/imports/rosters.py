"""民政 rosters (农村低保 / 特困人员 查询 exports) → social_assistance.

A roster replaces the records of its own scheme only. Records are linked to the households roll through the
pseudonym of the 户主身份证号 (低保) or the person's 身份证号码 (特困): the same number gives the same pseudonym
as in the national export, so no number is needed to join them. 单人保 = 保障人口数 < 家庭人口数 (the roster
has no such flag); 分档类型 and 分类 text (一档, 第三类 …) become the contract's tier and class through the
profile. A 停保 row keeps its record with its end date (history), or is left out when it has none.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lulong_data.contract import Problem
from lulong_data.imports import people, report, values
from lulong_data.imports.profiles import Profile
from lulong_data.imports.state import State

SCHEMES = {"dibao": ("农村低保", "D"), "tekun": ("特困供养", "T")}


def shape_dibao(state: State, frame: pd.DataFrame, profile: Profile) -> None:
    _shape(state, frame, profile, "dibao")


def shape_tekun(state: State, frame: pd.DataFrame, profile: Profile) -> None:
    _shape(state, frame, profile, "tekun")


def _shape(state: State, frame: pd.DataFrame, profile: Profile, kind: str) -> None:
    scheme, letter = SCHEMES[kind]
    cols = state.headers
    problems: list[Problem] = []
    frame, found = state.own_persons(frame, cols)
    problems += found
    frame = frame[frame["id_ok"]]

    village, found = state.resolver.resolve(
        frame, "", _first(cols.get("township")), _first(cols.get("village"))
    )
    problems += found
    persons, found = values.number(frame, "persons", cols.get("persons", {}), integer=True)
    problems += found
    if kind == "tekun":
        persons = persons.fillna(1)
    problems += people.first_rows(
        persons.isna(), frame, "missing_value", "error", cols.get("persons", {}), target="保障人口数"
    )
    family, found = values.number(frame, "family_size", cols.get("family_size", {}), integer=True)
    problems += found
    amount, found = values.number(frame, "amount", cols.get("amount", {}))
    problems += found
    problems += people.first_rows(
        amount.isna(), frame, "missing_value", "error", cols.get("amount", {}), target="月保障金额"
    )
    started, p_start, found = values.when(frame, "started", cols.get("started", {}))
    problems += found
    problems += people.first_rows(
        started.isna(), frame, "missing_value", "error", cols.get("started", {}), target="纳入时间"
    )
    status, found = values.enum(frame, "status", profile, cols.get("status", {}))
    problems += found
    ended, _, found = values.when(frame, "ended", cols.get("ended", {}))
    problems += found
    stopped = status.eq("停保").fillna(False).astype(bool)
    no_end = stopped & ended.isna()
    problems += people.first_rows(no_end, frame, "ended_record", "warning", cols.get("status", {}))
    tier = dibao_class = phaseout = pd.Series(np.nan, index=frame.index)
    if kind == "dibao":
        tier, found = values.number(frame, "tier", cols.get("tier", {}), integer=True, profile=profile)
        problems += found
        dibao_class, found = values.number(
            frame, "dibao_class", cols.get("dibao_class", {}), integer=True, profile=profile
        )
        problems += found
        phaseout, _, found = values.when(frame, "phaseout", cols.get("phaseout", {}))
        problems += found
        # the contract needs class and tier on every 低保 record: say so on the roster's own rows
        for target, values_, zh in (("dibao_class", dibao_class, "分类施保类别"), ("tier", tier, "档次")):
            if target not in frame:
                names = "、".join(profile.tables["roster"].names(target))
                problems.append(
                    report.problem("missing_column", str(frame["_file"].iloc[0]), target=zh, names=names)
                )
                continue
            bad = values_.isna() | ~values_.between(1, 12 if target == "dibao_class" else 4).fillna(False)
            problems += people.first_rows(
                bad, frame, "missing_value", "error", cols.get(target, {}), value=target, target=zh
            )
    single = (
        (persons < family).astype("boolean")
        if kind == "dibao"
        else pd.Series(pd.NA, index=frame.index, dtype="boolean")
    )
    single = single.where(family.notna() & persons.notna(), pd.NA) if kind == "dibao" else single

    household = state.frames["persons"].drop_duplicates("person_id").set_index("person_id")["household_id"]
    records = pd.DataFrame(
        {
            "person_id": frame["person_id"].to_numpy(),
            "household_id": frame["person_id"].map(household).to_numpy(),
            "village_code": village.to_numpy(),
            "scheme": scheme,
            "persons": persons.to_numpy(),
            "dibao_class": dibao_class.to_numpy(),
            "tier": tier.to_numpy(),
            "single_person": single.to_numpy(),
            "started_on": started.to_numpy(),
            "ended_on": ended.to_numpy(),
            "phaseout_until": phaseout.to_numpy(),
            "monthly_amount": amount.to_numpy(),
            "family_size": family.to_numpy(),
            "date_precision": p_start.to_numpy(),
            "_row": frame["_row"].to_numpy(),
            "_file": frame["_file"].to_numpy(),
        }
    )
    records = records[~no_end.to_numpy() & records["started_on"].notna().to_numpy()]
    key = records["person_id"].str[1:13] + "-" + records["started_on"].dt.strftime("%Y%m")
    dup = key.duplicated(keep="first")
    if dup.any():
        first = records.loc[~dup].assign(_k=key[~dup]).set_index("_k")["_row"]
        d = records[dup].head(50)
        for file, row, k in zip(d["_file"], d["_row"], key[dup].head(50), strict=True):
            problems.append(
                report.problem(
                    "roster_twice", file, severity="warning", row=int(row), first=int(first[k]), scheme=scheme
                )
            )
    records = records[~dup.to_numpy()]
    records.insert(0, "record_id", f"MZ{letter}-" + key[~dup])
    records = records.drop(columns=["person_id", "_row", "_file"])

    old = state.frames["social_assistance"]
    kept = old[old["scheme"].ne(scheme).fillna(True)]
    new = state.typed("social_assistance", records)
    merged = pd.concat([state.typed("social_assistance", kept), new], ignore_index=True) if len(kept) else new
    state.problems += problems
    state.replace("social_assistance", merged)
    state.rows[f"social_assistance ({scheme})"] = len(new)


def _first(d: dict[str, str] | None) -> str | None:
    return next(iter(d.values()), None) if d else None
