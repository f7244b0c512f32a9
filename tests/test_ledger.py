"""交办事项台账 (issue 18 item 3) in the state database, on SQLite and PostgreSQL (``state_db_url``):
create, update, carry over, a concurrent update from two real connections, township scoping, the audit
of every change, and open mode writing nothing."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import sqlalchemy as sa

from lulong_data import store
from lulong_data.access import Identity
from lulong_data.store import ledger
from lulong_data.store.ledger import Draft

D = dt.date
COUNTY = "130324"
T1, T2 = "130324104", "130324105"  # 刘田各庄镇, 石门镇
M1, M2, M3 = D(2022, 7, 18), D(2022, 7, 25), D(2022, 8, 1)  # three Monday meetings

LEADER = Identity(user="赵县长", role="leader", source="header")
OFFICE = Identity(user="防贫中心王", role="data", source="accounts")
TOWN1 = Identity(user="刘田各庄李", role="township", township=T1, source="accounts")
TOWN2 = Identity(user="石门张", role="township", township=T2, source="accounts")
PRESS = Identity(user="宣传部", role="press", source="header")
VISITOR = Identity(user="访客", role="data", source="open")


def draft(township: str | None = T1, **kw) -> Draft:
    values = dict(
        title="逾期未办7项(其中识别认定超时3项),限期办结",
        kind="overdue",
        unit="刘田各庄镇人民政府",
        person="李镇长",
        leader="赵永刚",
        due_on=D(2022, 7, 22),
        township_code=township,
        source_ref=f"overdue:{township}",
    )
    values.update(kw)
    return Draft(**values)


def test_create_and_read_back(state_db_url):
    item = ledger.create(state_db_url, county=COUNTY, meeting_on=M1, draft=draft(), actor=LEADER)
    assert item.id and item.version == 1 and item.status == "未办"
    assert item.assigned_on == item.meeting_on == M1 and item.created_by == "赵县长"
    assert item.state(M1) == "未办" and item.state(M2) == "逾期"  # past 22 July and not done
    assert ledger.items(state_db_url, county=COUNTY, actor=LEADER) == [item]
    assert ledger.items(state_db_url, county="130302", actor=LEADER) == []  # another county's database rows
    # The same list row cannot be assigned twice while the first is open.
    with pytest.raises(store.StoreError, match="已于2022-07-18交办"):
        ledger.create(state_db_url, county=COUNTY, meeting_on=M2, draft=draft(), actor=OFFICE)


def test_required_fields_and_limits(state_db_url):
    for bad, match in (
        (draft(unit=" "), "责任单位"),
        (draft(person=""), "责任人"),
        (draft(title="x" * 501), "500"),
        (draft(progress="a\x00b"), "控制字符"),
        (draft(kind="whatever"), "未知"),
    ):
        with pytest.raises(store.StoreError, match=match):
            ledger.create(state_db_url, county=COUNTY, meeting_on=M1, draft=bad, actor=LEADER)
    assert ledger.items(state_db_url, county=COUNTY, actor=LEADER) == []


def test_update_records_who_when_what(state_db_url):
    item = ledger.create(state_db_url, county=COUNTY, meeting_on=M1, draft=draft(), actor=LEADER)
    doing = ledger.update(
        state_db_url, item_id=item.id, version=1, changes={"status": "在办", "progress": "已入户核查3户"},
        actor=TOWN1,
    )  # fmt: skip
    assert doing.version == 2 and doing.status == "在办" and doing.updated_by == "刘田各庄李"
    done = ledger.update(
        state_db_url,
        item_id=item.id,
        version=2,
        changes={"status": "办结"},
        actor=TOWN1,
        today=D(2022, 7, 21),
    )
    assert done.status == "办结" and done.closed_on == D(2022, 7, 21) and done.state(M2) == "办结"
    moved = ledger.update(
        state_db_url, item_id=item.id, version=3, changes={"due_on": D(2022, 7, 29)}, actor=LEADER
    )
    assert moved.due_on == D(2022, 7, 29) and moved.version == 4
    # Saving the same values again changes nothing and writes no event.
    same = ledger.update(state_db_url, item_id=item.id, version=4, changes={"status": "办结"}, actor=LEADER)
    assert same.version == 4

    events = ledger.history(state_db_url, item_id=item.id, actor=LEADER)
    assert [(e.action, e.who, e.role, e.version) for e in events] == [
        ("create", "赵县长", "leader", 1),
        ("update", "刘田各庄李", "township", 2),
        ("update", "刘田各庄李", "township", 3),
        ("update", "赵县长", "leader", 4),
    ]
    assert events[1].changes == {"status": ["未办", "在办"], "progress": [None, "已入户核查3户"]}
    assert events[2].changes == {"status": ["在办", "办结"], "closed_on": [None, "2022-07-21"]}
    assert events[3].changes == {"due_on": ["2022-07-22", "2022-07-29"]}
    assert all(e.at.tzinfo is not None for e in events)
    assert events[0].at <= events[-1].at <= store.now()


def test_carry_over_week_to_week_and_last_weeks_review(state_db_url):
    a = ledger.create(state_db_url, county=COUNTY, meeting_on=M1, draft=draft(), actor=LEADER)
    b = ledger.create(state_db_url, county=COUNTY, meeting_on=M1, draft=draft(T2, unit="石门镇人民政府",
                      source_ref=f"overdue:{T2}"), actor=LEADER)  # fmt: skip
    ledger.update(
        state_db_url, item_id=b.id, version=1, changes={"status": "办结"}, actor=TOWN2, today=D(2022, 7, 20)
    )

    carried = ledger.carry_over(state_db_url, county=COUNTY, to_meeting=M2, actor=OFFICE)
    assert [i.id for i in carried] == [a.id]  # the open one; the done one stays on its meeting
    assert ledger.carry_over(state_db_url, county=COUNTY, to_meeting=M2, actor=OFFICE) == []  # idempotent
    new = ledger.create(state_db_url, county=COUNTY, meeting_on=M2, draft=draft(T2, title="公益岗位低于计划",
                        kind="posts", source_ref=f"posts:{T2}", due_on=D(2022, 8, 5)), actor=LEADER)  # fmt: skip

    # Meeting of 25 July opens with the meeting of 18 July: one done, one overdue.
    r = ledger.review(state_db_url, county=COUNTY, meeting_on=M2, actor=LEADER)
    assert r.previous == M1 and [i.id for i in r.items] == [a.id, b.id]
    assert r.counts() == {"逾期": 1, "未办": 0, "在办": 0, "办结": 1}
    on_m2 = ledger.items(state_db_url, county=COUNTY, actor=LEADER, meeting_on=M2)
    assert [i.id for i in on_m2] == [a.id, new.id]  # carried + assigned this week
    assert ledger.get(state_db_url, item_id=a.id, actor=LEADER).weeks(M2) == 2

    # A week later, still open: carried again; the review of 1 August is the meeting of 25 July.
    ledger.carry_over(state_db_url, county=COUNTY, to_meeting=M3, actor=OFFICE)
    r3 = ledger.review(state_db_url, county=COUNTY, meeting_on=M3, actor=LEADER)
    assert r3.previous == M2 and [i.id for i in r3.items] == [a.id, new.id]
    assert ledger.get(state_db_url, item_id=a.id, actor=LEADER).weeks(M3) == 3
    assert ledger.meetings(state_db_url, county=COUNTY, actor=LEADER) == [M3, M2, M1]
    actions = [e.action for e in ledger.history(state_db_url, item_id=a.id, actor=LEADER)]
    assert actions == ["create", "carry", "carry"]
    # The first meeting has nothing to review.
    assert ledger.review(state_db_url, county=COUNTY, meeting_on=M1, actor=LEADER).previous is None


def test_two_connections_updating_at_once_never_lose_an_update(state_db_url):
    """Two sessions read version 1 and save at the same moment, each on its own connection: one wins,
    the other is told (ConflictError) and nothing of the winner is overwritten."""
    item = ledger.create(state_db_url, county=COUNTY, meeting_on=M1, draft=draft(), actor=LEADER)
    store.dispose()  # no engine shared between the two sessions: each thread opens its own connection
    start, results = threading.Barrier(2), {}

    def save(who: Identity, text: str) -> None:
        eng = store.raw_engine(state_db_url)
        try:
            start.wait()
            with eng.connect() as conn:  # hold a second real connection open during the race
                conn.execute(sa.text("SELECT 1"))
                results[who.user] = ledger.update(
                    state_db_url, item_id=item.id, version=1, changes={"progress": text}, actor=who
                )
        except store.ConflictError as exc:
            results[who.user] = exc
        finally:
            eng.dispose()

    threads = [threading.Thread(target=save, args=a) for a in ((LEADER, "县里督办"), (TOWN1, "镇里已办"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    winners = [v for v in results.values() if isinstance(v, ledger.Item)]
    losers = [v for v in results.values() if isinstance(v, store.ConflictError)]
    assert len(winners) == 1 and len(losers) == 1, results
    final = ledger.get(state_db_url, item_id=item.id, actor=LEADER)
    assert final.version == 2 and final.progress == winners[0].progress
    assert losers[0].current["version"] == 2 and "已被" in str(losers[0])
    assert [e.action for e in ledger.history(state_db_url, item_id=item.id, actor=LEADER)] == [
        "create",
        "update",
    ]


def test_many_sessions_retrying_keep_every_update(state_db_url):
    """Six sessions each append a line to 落实情况 at once, reloading and retrying on a conflict: all six
    lines are kept (what optimistic versioning promises: no update is lost, none overwritten)."""
    item = ledger.create(state_db_url, county=COUNTY, meeting_on=M1, draft=draft(), actor=LEADER)
    start, errors = threading.Barrier(6), []

    def append(n: int) -> None:
        try:
            start.wait()
            for _ in range(50):
                current = ledger.get(state_db_url, item_id=item.id, actor=LEADER)
                text = ((current.progress or "") + f"[{n}]").strip()
                try:
                    ledger.update(state_db_url, item_id=item.id, version=current.version,
                                  changes={"progress": text}, actor=OFFICE)  # fmt: skip
                    return
                except store.ConflictError:
                    continue
            errors.append(f"session {n} never got through")
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(repr(exc))

    threads = [threading.Thread(target=append, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    final = ledger.get(state_db_url, item_id=item.id, actor=LEADER)
    assert sorted(final.progress.strip("[]").split("][")) == [str(n) for n in range(6)]
    assert final.version == 7


def test_township_users_see_and_update_only_their_own(state_db_url):
    mine = ledger.create(state_db_url, county=COUNTY, meeting_on=M1, draft=draft(T1), actor=LEADER)
    theirs = ledger.create(
        state_db_url, county=COUNTY, meeting_on=M1, draft=draft(T2, source_ref="x"), actor=LEADER
    )
    county_wide = ledger.create(state_db_url, county=COUNTY, meeting_on=M1, draft=draft(None, source_ref="y",
                                unit="卢龙县人力资源和社会保障局"), actor=LEADER)  # fmt: skip
    assert [i.id for i in ledger.items(state_db_url, county=COUNTY, actor=TOWN1)] == [mine.id]
    assert [i.id for i in ledger.items(state_db_url, county=COUNTY, actor=LEADER)] == [
        mine.id,
        theirs.id,
        county_wide.id,
    ]
    assert ledger.get(state_db_url, item_id=theirs.id, actor=TOWN1) is None
    assert ledger.history(state_db_url, item_id=theirs.id, actor=TOWN1) == []
    for other in (theirs, county_wide):
        with pytest.raises(store.ScopeError):
            ledger.update(state_db_url, item_id=other.id, version=1, changes={"status": "在办"}, actor=TOWN1)
    # A township reports progress; the meeting sets owners and deadlines.
    with pytest.raises(store.ScopeError, match="办结时限"):
        ledger.update(
            state_db_url, item_id=mine.id, version=1, changes={"due_on": D(2022, 9, 1)}, actor=TOWN1
        )
    with pytest.raises(store.ReadOnlyError):
        ledger.create(
            state_db_url, county=COUNTY, meeting_on=M1, draft=draft(T1, source_ref="z"), actor=TOWN1
        )
    with pytest.raises(store.ReadOnlyError):
        ledger.carry_over(state_db_url, county=COUNTY, to_meeting=M2, actor=TOWN1)
    # Nothing of theirs changed.
    assert ledger.get(state_db_url, item_id=theirs.id, actor=LEADER).version == 1


def test_open_mode_and_press_write_nothing(state_db_url, tmp_path):
    for who in (VISITOR, PRESS, None):
        with pytest.raises(store.ReadOnlyError):
            ledger.create(state_db_url, county=COUNTY, meeting_on=M1, draft=draft(), actor=who)
    assert ledger.items(state_db_url, county=COUNTY, actor=LEADER) == []
    # Reading in open mode does not create the SQLite file.
    fresh = f"sqlite:///{tmp_path / 'nothing' / 'state.sqlite'}"
    assert ledger.items(fresh, county=COUNTY, actor=VISITOR) == []
    assert ledger.review(fresh, county=COUNTY, meeting_on=M2, actor=VISITOR).items == ()
    assert not (tmp_path / "nothing").exists()
