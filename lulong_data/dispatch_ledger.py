"""The dispatch page's ledger, as tables and actions (the page only draws them; never imports streamlit).

- :func:`review_table` — 上周交办落实情况: the previous meeting's items and where each stands now;
- :func:`items_table` / :func:`save_edits` — 交办事项 of this meeting (assigned or carried), editable: the
  leader and data office change anything, a township its own items' status and 落实情况; a row someone
  else saved in between is reported, never overwritten;
- :func:`candidates_table` / :func:`assign` — the lists of the page as rows to tick and assign;
- :func:`previous_paper` — the last issued paper, as the comparison of the week.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from lulong_data import store
from lulong_data.access import TOWNSHIP, Identity
from lulong_data.dispatch import Previous
from lulong_data.dispatch_items import Candidate
from lulong_data.store import ledger, papers

# Column names of the editable tables (Chinese first; the page shows them as they are).
ID, VERSION, PICK = "编号", "_version", "交办"
TITLE, UNIT, PERSON, LEADER, DUE, STATE, PROGRESS = (
    "事项",
    "责任单位",
    "责任人",
    "包联县领导",
    "办结时限",
    "状态",
    "落实情况",
)
SINCE, WEEKS, LIST, LINE, REF = "交办日期", "周数", "清单", "情况", "_ref"
EDITABLE_BY_TOWNSHIP = (STATE, PROGRESS)
EDITABLE = (TITLE, UNIT, PERSON, LEADER, DUE, STATE, PROGRESS)
_FIELDS = {TITLE: "title", UNIT: "unit", PERSON: "person", LEADER: "leader", DUE: "due_on", STATE: "status",
           PROGRESS: "progress"}  # fmt: skip


def _row(item: ledger.Item, on: dt.date) -> dict:
    return {
        ID: item.id,
        TITLE: item.title,
        UNIT: item.unit,
        PERSON: item.person,
        LEADER: item.leader or "",
        DUE: item.due_on,
        STATE: item.state(on),
        PROGRESS: item.progress or "",
        SINCE: item.assigned_on,
        WEEKS: item.weeks(on),
        VERSION: item.version,
    }


def items_table(items: Sequence[ledger.Item], on: dt.date) -> pd.DataFrame:
    """One row per item; 状态 is as of ``on`` (逾期 when past its deadline and not done)."""
    cols = [
        ID,
        STATE,
        TITLE,
        UNIT,
        PERSON,
        LEADER,
        DUE,
        PROGRESS,
        SINCE,
        WEEKS,
        VERSION,
    ]  # 状态 where it is seen
    return pd.DataFrame([_row(i, on) for i in items], columns=cols)


def review_table(review: ledger.Review) -> pd.DataFrame:
    """上周交办落实情况: read-only, late ones first."""
    df = items_table(review.items, review.meeting_on).drop(columns=[VERSION])
    order = {s: i for i, s in enumerate(ledger.STATES)}
    return df.sort_values([STATE, ID], key=lambda s: s.map(order) if s.name == STATE else s).reset_index(
        drop=True
    )


def review_summary(review: ledger.Review, lang: str = "zh") -> str:
    if review.previous is None:
        return "此前会议尚无交办事项。" if lang != "en" else "No earlier meeting assigned items."
    c, n = review.counts(), len(review.items)
    if lang == "en":
        return (f"Meeting of {review.previous:%Y-%m-%d}: {n} item(s) — {c['办结']} done, {c['在办']} in progress, "
                f"{c['未办']} not started, {c['逾期']} overdue.")  # fmt: skip
    return (f"{review.previous:%Y-%m-%d}调度会交办{n}项:已办结{c['办结']}项,在办{c['在办']}项,未办{c['未办']}项,"
            f"逾期{c['逾期']}项。")  # fmt: skip


@dataclass(frozen=True)
class Saved:
    changed: int
    problems: tuple[str, ...]  # one sentence per row that was not saved (conflict, scope, bad value)


def _value(column: str, value):
    if column == DUE:
        if value is None or (not isinstance(value, dt.date) and pd.isna(value)):
            return None  # a cleared date: refused by the ledger with a message, never a crash
        return value if isinstance(value, dt.date) else pd.Timestamp(value).date()
    if column == STATE and value == ledger.LATE:
        return None  # 逾期 is read off the date, never stored
    return value if not (isinstance(value, float) and pd.isna(value)) else None


def save_edits(
    url: str | None, before: pd.DataFrame, after: pd.DataFrame, *, actor: Identity, today: dt.date
) -> Saved:
    """Save every row of ``after`` that differs from ``before`` (same 编号), each at the version it was
    read with. Columns a township may not change are ignored for it (the editor disables them too)."""
    columns = EDITABLE_BY_TOWNSHIP if actor.role == TOWNSHIP else EDITABLE
    old = before.set_index(ID)
    changed, problems = 0, []
    for _, row in after.iterrows():
        item_id = int(row[ID])
        if item_id not in old.index:
            continue
        was = old.loc[item_id]
        changes = {}
        for col in columns:
            new, prev = _value(col, row[col]), _value(col, was[col])
            if new != prev and not (col == STATE and new is None):
                changes[_FIELDS[col]] = new
        if not changes:
            continue
        try:
            ledger.update(
                url, item_id=item_id, version=int(was[VERSION]), changes=changes, actor=actor, today=today
            )
            changed += 1
        except store.StoreError as exc:
            problems.append(f"第{item_id}号:{exc}")
    return Saved(changed, tuple(problems))


def candidates_table(cands: Sequence[Candidate], meeting: dt.date, taken: set[str]) -> pd.DataFrame:
    """The lists as rows to tick: 清单, 情况, the proposed 事项/责任单位/时限; rows already assigned and
    open (``taken``: their source refs) are left out."""
    rows = [
        {
            PICK: False,
            LIST: ledger.KINDS[c.kind][0],
            LINE: c.line_zh,
            TITLE: c.title,
            UNIT: c.unit,
            PERSON: "",
            LEADER: "",
            DUE: c.due_on(meeting),
            REF: c.source_ref,
        }
        for c in cands
        if c.source_ref not in taken
    ]
    return pd.DataFrame(rows, columns=[PICK, LIST, LINE, TITLE, UNIT, PERSON, LEADER, DUE, REF])


def assign(
    url: str | None,
    picked: pd.DataFrame,
    cands: Sequence[Candidate],
    *,
    county: str,
    meeting: dt.date,
    actor: Identity,
) -> Saved:
    """Create an item for every ticked row (its 责任人 must be filled in)."""
    by_ref = {c.source_ref: c for c in cands}
    created, problems = 0, []
    for _, row in picked[picked[PICK].astype(bool)].iterrows():
        c = by_ref.get(row[REF])
        if c is None:
            continue
        draft = ledger.Draft(
            title=row[TITLE], kind=c.kind, unit=row[UNIT], person=row[PERSON], due_on=_value(DUE, row[DUE]),
            leader=row[LEADER] or None, township_code=c.township_code, source_ref=c.source_ref,
        )  # fmt: skip
        try:
            ledger.create(url, county=county, meeting_on=meeting, draft=draft, actor=actor)
            created += 1
        except store.StoreError as exc:
            problems.append(f"{row[LINE]}:{exc}")
    return Saved(created, tuple(problems))


def taken_refs(url: str | None, *, county: str, actor: Identity) -> set[str]:
    """Source refs of open items: those list rows are already assigned."""
    return {
        i.source_ref for i in ledger.items(url, county=county, actor=actor, open_only=True) if i.source_ref
    }


def carried(open_items: Sequence[ledger.Item], meeting: dt.date) -> list[ledger.Item]:
    """The open items assigned at an earlier meeting: what "carry over to this meeting" would move."""
    return [i for i in open_items if i.meeting_on < meeting]


def previous_paper(url: str | None, *, county: str, meeting: dt.date, actor: Identity) -> Previous | None:
    """The last paper issued before this meeting, as the week's comparison (None: none issued yet)."""
    p = papers.last_before(url, county=county, meeting_on=meeting, actor=actor)
    if p is None:
        return None
    return Previous(p.label("zh"), p.label("en"), p.meeting_on, p.data_as_of, p.figures)
