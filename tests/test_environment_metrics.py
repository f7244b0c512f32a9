"""人居环境红黑榜 metrics on hand-built data (issue #6)."""

from __future__ import annotations

import dataclasses

import pytest

from lulong_data.bundle import Bundle
from lulong_data.metrics import environment as env
from lulong_data.metrics.registry import METRICS
from lulong_data.rules import load_rules

T1, T2, T3 = "130324100", "130324101", "130324102"
TOWNSHIPS = [
    {"township_code": T1, "county_code": "130324", "name": "卢龙镇", "kind": "镇"},
    {"township_code": T2, "county_code": "130324", "name": "潘庄镇", "kind": "镇"},
    {"township_code": T3, "county_code": "130324", "name": "印庄乡", "kind": "乡"},
]
# Four villages in each of T1 and T2; T3 has one village that is never inspected.
VILLAGES = [
    {"village_code": f"{tw}{i:03d}", "township_code": tw, "name": f"{name}{i}村", "kind": "村委会"}
    for tw, name in ((T1, "甲"), (T2, "乙"))
    for i in range(1, 5)
] + [{"village_code": f"{T3}001", "township_code": T3, "name": "丙1村", "kind": "村委会"}]
A1, A2, A3, A4 = (f"{T1}{i:03d}" for i in range(1, 5))
B1, B2, B3, B4 = (f"{T2}{i:03d}" for i in range(1, 5))


def score(period, village, total, *, upkeep=10.0, veto=False, note=None, day=10):
    """A row whose five items add up to ``total`` (upkeep given, the rest spread over the others)."""
    rest = total - upkeep
    garbage = min(25.0, rest)
    rest -= garbage
    appearance = min(25.0, rest)
    rest -= appearance
    toilets = min(20.0, rest)
    sewage = rest - toilets
    return {
        "period": period,
        "village_code": village,
        "inspected_on": f"{period}-{day:02d}",
        "garbage": garbage,
        "toilets": toilets,
        "sewage": sewage,
        "appearance": appearance,
        "upkeep": upkeep,
        "veto": veto,
        "note": note,
    }


def small_rules(**changes):
    rules = load_rules()
    sizes = {"red_villages": 2, "black_villages": 2, "red_townships": 1, "black_townships": 1}
    ranking = dataclasses.replace(rules.ranking, **{**sizes, **changes})
    return dataclasses.replace(rules, ranking=ranking)


def make(rows, *, as_of="2022-07-26", **rule_changes) -> Bundle:
    frames = {"townships": TOWNSHIPS, "villages": VILLAGES, "environment_scores": rows}
    return Bundle.from_frames(frames, as_of=as_of, rules=small_rules(**rule_changes))


def month(period, totals, **extra):
    """Rows for one month from {village: total}; extra[village] = dict of keyword overrides."""
    return [score(period, v, tot, **extra.get(v, {})) for v, tot in totals.items()]


JUNE = {A1: 90, A2: 80, A3: 70, A4: 60, B1: 85, B2: 75, B3: 65, B4: 55}


def test_ranking_ties_follow_the_documented_rule():
    # A1, A2, B1 tie on 90: B1 has a veto (ranks last of the three), A2 has higher upkeep than A1.
    # A3 and A4 tie on 50 with equal upkeep and no veto: the village code decides (A3 before A4).
    totals = {A1: 90, A2: 90, B1: 90, A3: 50, A4: 50, B2: 70, B3: 60, B4: 40}
    extra = {A2: {"upkeep": 14.0}, B1: {"veto": True}}
    b = make(month("2022-06", totals, **extra), veto_black=False)
    df = env.ranked_villages(b, as_of=b.as_of, period="2022-06").set_index("village_code")
    assert [df.loc[v, "rank"] for v in (A2, A1, B1)] == [1, 2, 3]
    assert df.loc[A3, "rank"] < df.loc[A4, "rank"]
    assert sorted(df["rank"]) == list(range(1, 9))  # distinct ranks, no gaps


def test_tie_break_order_comes_from_the_rules():
    totals = {A1: 90, A2: 90}
    extra = {A1: {"upkeep": 14.0}}
    rows = month("2022-06", totals, **extra)
    b = make(rows, tie_break=("village_code",))
    df = env.ranked_villages(b, as_of=b.as_of, period="2022-06").set_index("village_code")
    assert df.loc[A1, "rank"] == 1  # A1 < A2 by code; upkeep ignored
    b = make(rows, tie_break=("higher_upkeep", "village_code"))
    assert env.ranked_villages(b, as_of=b.as_of, period="2022-06").iloc[0]["village_code"] == A1


def test_lists_sizes_and_veto_village_with_high_score_goes_black():
    extra = {A1: {"veto": True, "note": "发现黑臭水体"}}
    b = make(month("2022-06", JUNE, **extra))
    lists = env.month_lists(b, as_of=b.as_of)
    assert lists.period == "2022-06"
    # A1 has the best score but a veto: black, and the red seats go to the next two.
    assert list(lists.red["village_code"]) == [B1, A2]
    assert set(lists.black["village_code"]) == {B4, A4, A1}
    assert list(lists.black["position"]) == [1, 2, 3]  # worst first
    reasons = lists.black.set_index("village_code")["reason"]
    assert reasons[A1] == "发现黑臭水体"
    assert "失分最多" in reasons[B4]  # no note: the item that lost most points


def test_list_sizes_come_from_the_rules():
    b = make(month("2022-06", JUNE), red_villages=3, black_villages=1)
    lists = env.month_lists(b, as_of=b.as_of)
    assert len(lists.red) == 3 and len(lists.black) == 1
    assert METRICS["env_red_villages"](b, as_of=b.as_of) == 3
    assert METRICS["env_black_villages"](b, as_of=b.as_of) == 1


def test_lists_never_overlap_in_a_small_month():
    b = make(month("2022-06", {A1: 90, A2: 80, A3: 70}))  # 3 villages, lists of 2 + 2
    lists = env.month_lists(b, as_of=b.as_of)
    assert list(lists.red["village_code"]) == [A1]
    assert list(lists.black["village_code"]) == [A3]


def test_two_months_running_black_is_flagged_for_a_talk():
    # Bottom two each month: May B3, A4 (B4 scores 99); June B4, A4; July B4, B3 (A4 recovers).
    may = month("2022-05", {**JUNE, B4: 99})
    june = month("2022-06", JUNE)
    july = month("2022-07", {**JUNE, A4: 95})
    b = make(may + june + july)
    talks = env.talk_flags(b, as_of=b.as_of)  # July: B4 black June and July; B3 not in June
    assert list(talks["village_code"]) == [B4]
    row = talks.iloc[0]
    assert row["months_running"] == 2 and row["since"] == "2022-06"
    june_talks = env.talk_flags(b, as_of=b.as_of, period="2022-06")
    assert list(june_talks["village_code"]) == [A4]  # black in May and June
    assert METRICS["env_talk_villages"](b, as_of=b.as_of) == 1


def test_talk_rule_length_comes_from_the_rules():
    rows = month("2022-06", JUNE) + month("2022-07", JUNE)
    assert env.talk_flags(make(rows, talk_after_months=3), as_of=dt_date("2022-07-26")).empty
    assert len(env.talk_flags(make(rows, talk_after_months=1), as_of=dt_date("2022-07-26"))) == 2


def test_movement_against_the_previous_list_month():
    june = month("2022-06", JUNE)
    july = month("2022-07", {**JUNE, A3: 95})  # A3 jumps onto the red list, B1 falls off
    b = make(june + july)
    mv = env.movement(b, as_of=b.as_of)
    red = mv[mv["list"] == "red"].set_index("village_code")
    assert red.loc[A3, "status"] == "new"
    assert red.loc[B1, "status"] == "off" and red.loc[B1, "previous_position"] == 2
    assert red.loc[A1, "status"] == "stay" and red.loc[A1, "change"] == -1  # 1st -> 2nd


def test_township_without_inspection_is_not_ranked():
    b = make(month("2022-06", JUNE))
    tr = env.township_ranking(b, as_of=b.as_of).set_index("township_code")
    # Means: T1 (90+80+70+60)/4 = 75, T2 (85+75+65+55)/4 = 70.
    assert tr.loc[T1, "mean_score"] == 75 and tr.loc[T1, "rank"] == 1 and tr.loc[T1, "list"] == "red"
    assert tr.loc[T2, "rank"] == 2 and tr.loc[T2, "list"] == "black"
    assert not tr.loc[T3, "inspected"] and tr.loc[T3, "villages"] == 0
    assert tr.loc[T3, "list"] is None and tr["rank"].isna().sum() == 1
    hist = env.township_rank_history(b, as_of=b.as_of)
    assert set(hist["township_code"]) == {T1, T2}


def test_inspections_after_as_of_do_not_count():
    rows = month("2022-06", JUNE) + [score("2022-07", A1, 99, day=30)]
    b = make(rows, as_of="2022-07-26")
    assert env.list_months(b, as_of=b.as_of) == ["2022-06"]
    assert env.month_lists(b, as_of=b.as_of).period == "2022-06"


def test_item_losses_and_village_history():
    rows = month("2022-06", JUNE) + month("2022-07", JUNE)
    b = make(rows)
    county = env.item_losses(b, as_of=b.as_of).set_index("item")
    assert county.loc["upkeep", "mean_lost"] == pytest.approx(5.0)
    assert county["lost_share"].sum() == pytest.approx(1.0)
    one = env.item_losses(b, as_of=b.as_of, village=A4).set_index("item")
    assert one["mean_lost"].sum() == pytest.approx(40.0)  # A4 scored 60
    assert env.item_losses(b, as_of=b.as_of, township=T3)["villages"].iloc[0] == 0
    hist = env.village_history(b, as_of=b.as_of, village=A4)
    assert list(hist["period"]) == ["2022-06", "2022-07"] and list(hist["total"]) == [60, 60]
    assert METRICS["env_mean_score"](b, as_of=b.as_of, township=T1) == 75


def test_no_inspections_at_all():
    b = make([])
    assert env.month_lists(b, as_of=b.as_of).period is None
    assert env.talk_flags(b, as_of=b.as_of).empty
    assert METRICS["env_red_villages"](b, as_of=b.as_of) is None


def dt_date(text):
    import datetime as dt

    return dt.date.fromisoformat(text)
