"""交办事项台账: what the weekly dispatch meeting assigns, to whom, by when — carried week to week.

An item has a 责任单位 (unit), 责任人 (person), 包联县领导 (leader, optional), 办结时限 (due_on) and a status
未办 / 在办 / 办结; 逾期 is not stored but read off the date (:meth:`Item.state`): an item becomes overdue by
the calendar, not by someone remembering to mark it. Each item is on the meeting that assigned it and on
every later meeting it is carried to while open (``ledger_reviews``), so a meeting opens with
上周交办落实情况: the items of the previous meeting, with what happened to them since.

Who may do what (issue 18):
- open mode: nothing (:func:`lulong_data.store.require_writer`); the press role: nothing (no dispatch page);
- leader and data office: create, carry over, and change any item of their county;
- township users: see and update only their own township's items, and only status and 落实情况 — the
  meeting, not the township, sets owners and deadlines. County-wide items are not theirs.

Every change is written with an event (who, role, when, old → new values) in the same transaction, and
guarded by the row's version: an update made from a stale copy raises :class:`ConflictError` instead of
overwriting what someone else saved (optimistic concurrency; the page reloads and shows the current row).
Never imports streamlit; the database is :mod:`lulong_data.store`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from lulong_data import store
from lulong_data.access import DATA, LEADER, TOWNSHIP, Identity
from lulong_data.store.schema import ledger_events, ledger_items, ledger_reviews

OPEN, DOING, DONE, LATE = "未办", "在办", "办结", "逾期"
STATUSES = (OPEN, DOING, DONE)  # stored
STATES = (LATE, OPEN, DOING, DONE)  # shown: 逾期 first, it needs attention first
STATE_EN = {OPEN: "not started", DOING: "in progress", DONE: "done", LATE: "overdue"}

# Where an item came from (the list on the dispatch page it was created from), or typed in at the meeting.
KINDS: dict[str, tuple[str, str]] = {
    "overdue": ("逾期未办事项", "overdue procedure items"),
    "no_measure": ("审定后未落实帮扶措施", "approved, no assistance measure"),
    "uncovered": ("应兜未兜", "no-labour household without cover"),
    "eligible": ("符合风险消除条件", "eligible for risk elimination"),
    "jobs": ("就业落后序时进度", "jobs behind the pace"),
    "training": ("本年未开展技能培训", "no training this year"),
    "posts": ("公益岗位低于计划", "welfare posts below plan"),
    "talk": ("约谈", "formal talk (约谈)"),
    "batch": ("批次会商", "batch consultation (会商)"),
    "manual": ("会议交办", "assigned at the meeting"),
}
OWNER_FIELDS = ("title", "unit", "person", "leader", "due_on", "township_code")  # leader / data office only
PROGRESS_FIELDS = ("status", "progress")  # also the item's own township
MAX_TEXT = {"title": 500, "unit": 100, "person": 100, "leader": 100, "progress": 2000}


@dataclass(frozen=True)
class Draft:
    """A new item before it is saved (built from a list row by lulong_data.dispatch_ledger, or typed in)."""

    title: str
    kind: str
    unit: str  # 责任单位, full name
    person: str  # 责任人
    due_on: dt.date  # 办结时限
    leader: str | None = None  # 包联县领导
    township_code: str | None = None  # None = county-wide
    source_ref: str | None = None  # stable key of the list row (no item twice for one row)
    progress: str | None = None


@dataclass(frozen=True)
class Item:
    id: int
    county_code: str
    title: str
    kind: str
    source_ref: str | None
    township_code: str | None
    unit: str
    person: str
    leader: str | None
    due_on: dt.date
    status: str
    progress: str | None
    assigned_on: dt.date
    meeting_on: dt.date
    closed_on: dt.date | None
    created_at: dt.datetime
    created_by: str
    updated_at: dt.datetime
    updated_by: str
    version: int

    def state(self, on: dt.date) -> str:
        """未办 / 在办 / 办结 / 逾期 on ``on`` (逾期 = not done and past its deadline)."""
        if self.status == DONE:
            return DONE
        return LATE if self.due_on < on else self.status

    def weeks(self, on: dt.date) -> int:
        """How many meetings it has been on up to ``on`` (1 = assigned this week)."""
        return max(1, (on - self.assigned_on).days // 7 + 1)


@dataclass(frozen=True)
class Event:
    id: int
    item_id: int
    at: dt.datetime
    who: str
    role: str
    action: str  # create / update / carry
    changes: dict[str, list[Any]]
    version: int


# -- checks ---------------------------------------------------------------------------------------------


def _may_write(actor: Identity | None) -> Identity:
    store.require_writer(actor)
    if actor.role not in (LEADER, DATA, TOWNSHIP):
        raise store.ReadOnlyError("此角色不能修改交办事项。/ This role cannot change dispatch items.")
    return actor


def _may_assign(actor: Identity | None) -> Identity:
    actor = _may_write(actor)
    if actor.role == TOWNSHIP:
        raise store.ReadOnlyError(
            "交办事项由县领导或县防贫中心在调度会上交办,乡镇只填报落实情况。/ Items are assigned by the leader or "
            "the data office; a township reports progress."
        )
    return actor


def _in_scope(actor: Identity, township_code: str | None) -> bool:
    return actor.role != TOWNSHIP or (township_code is not None and township_code == actor.township)


def _clean_text(name: str, value: Any, *, required: bool) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise store.StoreError(f"请填写{_FIELD_ZH[name]}。/ {name} is required.")
        return None
    text = str(value).strip()
    if any(ord(ch) < 32 and ch not in "\t\n" for ch in text):
        raise store.StoreError(f"{_FIELD_ZH[name]}含控制字符。/ {name} contains control characters.")
    limit = MAX_TEXT[name]
    if len(text) > limit:
        raise store.StoreError(
            f"{_FIELD_ZH[name]}不能超过{limit}字。/ {name} is longer than {limit} characters."
        )
    return text


_FIELD_ZH = {
    "title": "事项",
    "unit": "责任单位",
    "person": "责任人",
    "leader": "包联县领导",
    "due_on": "办结时限",
    "status": "状态",
    "progress": "落实情况",
    "township_code": "乡镇",
}


def _check(values: Mapping[str, Any]) -> dict[str, Any]:
    """Validated, normalised values of the fields given (required ones must not be empty)."""
    out: dict[str, Any] = {}
    for name, value in values.items():
        if name in ("title", "unit", "person"):
            out[name] = _clean_text(name, value, required=True)
        elif name in ("leader", "progress"):
            out[name] = _clean_text(name, value, required=False)
        elif name == "due_on":
            if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
                raise store.StoreError("请选择办结时限(日期)。/ due_on must be a date.")
            out[name] = value
        elif name == "status":
            if value not in STATUSES:
                raise store.StoreError(f"状态须为{'/'.join(STATUSES)}。/ status must be one of {STATUSES}.")
            out[name] = value
        elif name == "township_code":
            if value is not None and not (isinstance(value, str) and len(value) == 9 and value.isdigit()):
                raise store.StoreError(f"乡镇代码须为9位数字:{value!r} / township code must be 9 digits.")
            out[name] = value
        else:
            raise store.StoreError(f"不能修改的字段:{name} / not a field that can be changed: {name}")
    return out


# -- reading --------------------------------------------------------------------------------------------


def _item(row: Mapping[str, Any]) -> Item:
    return Item(**{f.name: row[f.name] for f in fields(Item)})


def _select_items(county: str, actor: Identity | None) -> sa.Select:
    q = sa.select(ledger_items).where(ledger_items.c.county_code == county)
    if actor is not None and actor.role == TOWNSHIP:
        q = q.where(ledger_items.c.township_code == (actor.township or "-"))
    return q


def _readable(url: str | None, actor: Identity | None):
    """The engine to read from, or None: open mode never creates a database just to find it empty."""
    create = actor is not None and actor.source != "open"
    return store.engine(url, create=create)


def items(
    url: str | None = None,
    *,
    county: str,
    actor: Identity | None,
    meeting_on: dt.date | None = None,
    open_only: bool = False,
) -> list[Item]:
    """The items ``actor`` may see: all of the county, or (``meeting_on``) those on that meeting — assigned
    there or carried to it. Oldest assignment first."""
    eng = _readable(url, actor)
    if eng is None:
        return []
    q = _select_items(county, actor)
    if meeting_on is not None:
        on = sa.select(ledger_reviews.c.item_id).where(
            (ledger_reviews.c.county_code == county) & (ledger_reviews.c.meeting_on == meeting_on)
        )
        q = q.where(ledger_items.c.id.in_(on))
    if open_only:
        q = q.where(ledger_items.c.status != DONE)
    with eng.connect() as conn:
        rows = conn.execute(q.order_by(ledger_items.c.assigned_on, ledger_items.c.id)).mappings().all()
    return [_item(r) for r in rows]


def get(url: str | None = None, *, item_id: int, actor: Identity | None) -> Item | None:
    eng = _readable(url, actor)
    if eng is None:
        return None
    with eng.connect() as conn:
        row = conn.execute(sa.select(ledger_items).where(ledger_items.c.id == item_id)).mappings().first()
    if row is None or (actor is not None and not _in_scope(actor, row["township_code"])):
        return None
    return _item(row)


def meetings(url: str | None = None, *, county: str, actor: Identity | None) -> list[dt.date]:
    """Dates of the meetings that assigned or reviewed items, newest first."""
    eng = _readable(url, actor)
    if eng is None:
        return []
    q = (
        sa.select(ledger_reviews.c.meeting_on)
        .where(ledger_reviews.c.county_code == county)
        .distinct()
        .order_by(ledger_reviews.c.meeting_on.desc())
    )
    with eng.connect() as conn:
        return list(conn.execute(q).scalars())


def previous_meeting(url: str | None = None, *, county: str, before: dt.date, actor: Identity | None):
    """The last meeting before ``before`` that had items (None: this is the first)."""
    return next((m for m in meetings(url, county=county, actor=actor) if m < before), None)


@dataclass(frozen=True)
class Review:
    """上周交办落实情况: the previous meeting's items and where each stands on this meeting's date."""

    meeting_on: dt.date  # this meeting
    previous: dt.date | None  # the meeting reviewed (None: no earlier meeting had items)
    items: tuple[Item, ...]

    def counts(self) -> dict[str, int]:
        """未办 / 在办 / 办结 / 逾期 counts on this meeting's date."""
        out = dict.fromkeys(STATES, 0)
        for item in self.items:
            out[item.state(self.meeting_on)] += 1
        return out


def review(url: str | None = None, *, county: str, meeting_on: dt.date, actor: Identity | None) -> Review:
    previous = previous_meeting(url, county=county, before=meeting_on, actor=actor)
    if previous is None:
        return Review(meeting_on, None, ())
    return Review(meeting_on, previous, tuple(items(url, county=county, actor=actor, meeting_on=previous)))


def history(url: str | None = None, *, item_id: int, actor: Identity | None) -> list[Event]:
    """Every change of an item, oldest first (empty if ``actor`` may not see it)."""
    if get(url, item_id=item_id, actor=actor) is None:
        return []
    with store.engine(url).connect() as conn:
        rows = conn.execute(
            sa.select(ledger_events).where(ledger_events.c.item_id == item_id).order_by(ledger_events.c.id)
        ).mappings()
        return [Event(**{f.name: r[f.name] for f in fields(Event)}) for r in rows]


# -- writing --------------------------------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _event(
    conn: Connection, item: Mapping, actor: Identity, action: str, changes: dict, at: dt.datetime
) -> None:
    conn.execute(
        ledger_events.insert().values(
            item_id=item["id"],
            county_code=item["county_code"],
            at=at,
            who=actor.user,
            role=actor.role,
            action=action,
            changes={k: [_jsonable(a), _jsonable(b)] for k, (a, b) in changes.items()},
            version=item["version"],
        )
    )


def create(
    url: str | None = None, *, county: str, meeting_on: dt.date, draft: Draft, actor: Identity | None
) -> Item:
    """Save a new item assigned at the meeting of ``meeting_on``."""
    actor = _may_assign(actor)
    if draft.kind not in KINDS:
        raise store.StoreError(f"未知的事项来源:{draft.kind} / unknown kind {draft.kind!r}")
    values = _check(
        {k: v for k, v in asdict(draft).items() if k in (*OWNER_FIELDS, "progress")}
    )  # validated copies of the draft's fields
    now = store.now()
    with store.begin(url, write=True) as conn:
        if draft.source_ref:
            dup = conn.execute(
                sa.select(ledger_items.c.id, ledger_items.c.assigned_on).where(
                    (ledger_items.c.county_code == county)
                    & (ledger_items.c.source_ref == draft.source_ref)
                    & (ledger_items.c.status != DONE)
                )
            ).first()
            if dup is not None:
                raise store.StoreError(
                    f"该事项已于{dup.assigned_on:%Y-%m-%d}交办(第{dup.id}号),尚未办结。/ Already assigned on "
                    f"{dup.assigned_on:%Y-%m-%d} (no. {dup.id}) and not done."
                )
        row = {
            **values,
            "county_code": county,
            "kind": draft.kind,
            "source_ref": draft.source_ref,
            "status": OPEN,
            "assigned_on": meeting_on,
            "meeting_on": meeting_on,
            "closed_on": None,
            "created_at": now,
            "created_by": actor.user,
            "updated_at": now,
            "updated_by": actor.user,
            "version": 1,
        }
        item_id = conn.execute(ledger_items.insert().values(**row)).inserted_primary_key[0]
        row["id"] = item_id
        conn.execute(
            ledger_reviews.insert().values(
                item_id=item_id, meeting_on=meeting_on, county_code=county, status=OPEN
            )
        )
        _event(conn, row, actor, "create", {k: (None, v) for k, v in values.items() if v is not None}, now)
        return _item(
            conn.execute(sa.select(ledger_items).where(ledger_items.c.id == item_id)).mappings().one()
        )


def update(
    url: str | None = None,
    *,
    item_id: int,
    version: int,
    changes: Mapping[str, Any],
    actor: Identity | None,
    today: dt.date | None = None,
) -> Item:
    """Change an item read at ``version``. Raises :class:`~lulong_data.store.ConflictError` if it has
    changed since (nothing is written), :class:`~lulong_data.store.ScopeError` outside the actor's
    township or fields. Marking it 办结 records ``today`` as closed_on; reopening clears it."""
    actor = _may_write(actor)
    values = _check(changes)
    if actor.role == TOWNSHIP and (outside := sorted(set(values) - set(PROGRESS_FIELDS))):
        raise store.ScopeError(
            f"乡镇只能填报状态和落实情况,不能修改{'、'.join(_FIELD_ZH[f] for f in outside)}。/ A township may change "
            "only status and progress."
        )
    now = store.now()
    with store.begin(url, write=True) as conn:
        current = conn.execute(sa.select(ledger_items).where(ledger_items.c.id == item_id)).mappings().first()
        if current is None or not _in_scope(actor, current["township_code"]):
            raise store.ScopeError(
                f"没有第{item_id}号交办事项,或不属于本乡镇。/ No item {item_id} in your scope."
            )
        if "township_code" in values and not _in_scope(actor, values["township_code"]):
            raise store.ScopeError("不能把事项移到其他乡镇。/ Cannot move an item to another township.")
        if current["version"] != version:
            raise store.ConflictError(_conflict_text(current), dict(current))
        diff = {k: (current[k], v) for k, v in values.items() if current[k] != v}
        if "status" in diff:
            closed = (today or dt.date.today()) if values["status"] == DONE else None
            if closed != current["closed_on"]:
                diff["closed_on"] = (current["closed_on"], closed)
        if not diff:
            return _item(current)
        new = {k: b for k, (_a, b) in diff.items()}
        result = conn.execute(
            ledger_items.update()
            .where((ledger_items.c.id == item_id) & (ledger_items.c.version == version))
            .values(**new, updated_at=now, updated_by=actor.user, version=version + 1)
        )
        if result.rowcount != 1:  # changed between our read and our write (PostgreSQL waited for its lock)
            latest = (
                conn.execute(sa.select(ledger_items).where(ledger_items.c.id == item_id)).mappings().one()
            )
            raise store.ConflictError(_conflict_text(latest), dict(latest))
        row = conn.execute(sa.select(ledger_items).where(ledger_items.c.id == item_id)).mappings().one()
        _event(conn, row, actor, "update", diff, now)
        return _item(row)


def _conflict_text(current: Mapping) -> str:
    when = current["updated_at"].astimezone().strftime("%Y-%m-%d %H:%M")
    return (
        f"第{current['id']}号事项已被{current['updated_by']}于{when}修改,请查看最新内容后再改。/ Item {current['id']} "
        f"was changed by {current['updated_by']} at {when}; review it and change it again."
    )


def carry_over(
    url: str | None = None, *, county: str, to_meeting: dt.date, actor: Identity | None
) -> list[Item]:
    """Put every open item of earlier meetings on the meeting of ``to_meeting`` (idempotent): each gets a
    review row for that meeting and a 'carry' event. Returns the items carried now."""
    actor = _may_assign(actor)
    now = store.now()
    carried = []
    with store.begin(url, write=True) as conn:
        rows = (
            conn.execute(
                sa.select(ledger_items)
                .where(
                    (ledger_items.c.county_code == county)
                    & (ledger_items.c.status != DONE)
                    & (ledger_items.c.meeting_on < to_meeting)
                )
                .order_by(ledger_items.c.id)
            )
            .mappings()
            .all()
        )
        for row in rows:
            result = conn.execute(
                ledger_items.update()
                .where((ledger_items.c.id == row["id"]) & (ledger_items.c.version == row["version"]))
                .values(
                    meeting_on=to_meeting, updated_at=now, updated_by=actor.user, version=row["version"] + 1
                )
            )
            if result.rowcount != 1:
                raise store.ConflictError(_conflict_text(row), dict(row))
            conn.execute(
                ledger_reviews.insert().values(
                    item_id=row["id"], meeting_on=to_meeting, county_code=county, status=row["status"]
                )
            )
            new = {**row, "meeting_on": to_meeting, "version": row["version"] + 1}
            _event(conn, new, actor, "carry", {"meeting_on": (row["meeting_on"], to_meeting)}, now)
            carried.append(_item(new | {"updated_at": now, "updated_by": actor.user}))
    return carried


def by_unit(rows: Iterable[Item]) -> dict[str, list[Item]]:
    """Items grouped by 责任单位, in the order the units first appear."""
    out: dict[str, list[Item]] = {}
    for item in rows:
        out.setdefault(item.unit, []).append(item)
    return out
