"""One status rule (issue 18 item 1): weighted overdue items, the job yardstick, 约谈, black list, training,
posts; worst first; described in words generated from the rule; configured in rules.toml [status]."""

from __future__ import annotations

import datetime as dt

import pytest
from factories import T1, T2, V1, V3, bundle_from_frames

from lulong_data import status
from lulong_data.bundle import Bundle
from lulong_data.rules import DEFAULT_RULES_PATH, RulesError, load_rules
from lulong_data.status import StatusRule

D = dt.date
NOW = D(2022, 7, 26)


def _case(cid: str, hh: str, found: str, approved: str | None = None, **kw) -> dict:
    row = {"case_id": cid, "household_id": hh, "category": "边缘易致贫户", "risk_1": "因病",
           "channel": "农户自主申报", "found_on": found, "approved_on": approved,
           "contact_assigned_on": approved, "plan_on": approved}  # fmt: skip
    row.update(kw)
    return row


def weighted_bundle():
    """T1: one case past its 15 days of identification. T2: three monitored households whose last visit
    was more than 61 days ago (three late visits)."""
    homes = {"H1": V1, "H2": V3, "H3": V3, "H4": V3}
    households = [{"household_id": h, "village_code": v, "household_type": "一般农户", "persons": 1}
                  for h, v in homes.items()]  # fmt: skip
    cases = [
        _case("C1", "H1", "2022-07-01"),  # identification due 2022-07-16: overdue
        *[_case(f"C{i}", f"H{i}", "2022-03-01", "2022-03-05") for i in (2, 3, 4)],  # never visited
    ]
    # the visit ledger is there but records no visit (without a visits file, gaps are not judged)
    return bundle_from_frames(as_of=NOW, households=households, monitoring_cases=cases, visits=[])


def test_identification_outranks_late_visits():
    df = status.township_status(weighted_bundle(), as_of=NOW)
    rows = df.set_index("township_code")
    assert rows.loc[T1, "overdue"] == 1 and rows.loc[T1, "overdue_identification"] == 1
    assert rows.loc[T2, "overdue"] == 3 and rows.loc[T2, "overdue_visit"] == 3
    # One overdue identification (5 points) is worse than three late visits (3 points).
    assert rows.loc[T1, "overdue_points"] == 5 and rows.loc[T2, "overdue_points"] == 3
    assert df["township_code"].tolist() == [T1, T2]
    assert df["status"].tolist() == ["behind", "watch"] and df["rank"].tolist() == [1, 2]
    assert rows.loc[T1, "reasons_zh"] == "逾期未办1项(其中识别认定超时1项),计5分"
    assert rows.loc[T2, "reasons_zh"] == "逾期未办3项,计3分"
    assert rows.loc[T2, "reasons_en"] == "3 overdue, 3 points"
    # Counting items instead of points (every weight 1) would put T2 first.
    flat = StatusRule(weights=dict.fromkeys(status.CHECKS, 1), overdue_behind=3)
    assert status.township_status(weighted_bundle(), as_of=NOW, rule=flat)["township_code"].tolist() == [
        T2,
        T1,
    ]


def _row(points=0, n=0, ident=0, pct=150.0, talks=0, env_list=None, trainings=1, posts=float("nan")) -> dict:
    return {"overdue_points": points, "overdue": n, "overdue_identification": ident, "pace_pct": pct,
            "talk_villages": talks, "env_list": env_list, "env_period": "2022-07", "trainings": trainings,
            "posts_pct": posts}  # fmt: skip


def _level(row: dict, rule: StatusRule | None = None) -> str:
    reasons = status._judge(row, rule or StatusRule())
    return reasons[0][0] if reasons else "good"


@pytest.mark.parametrize(
    "row, expected",
    [
        (_row(), "good"),
        (_row(points=1, n=1), "watch"),
        (_row(points=4, n=4), "watch"),
        (_row(points=5, n=1, ident=1), "behind"),
        (_row(pct=100.0), "good"),
        (_row(pct=99.9), "watch"),
        (_row(pct=90.0), "watch"),
        (_row(pct=89.9), "behind"),
        (_row(pct=float("nan")), "good"),  # no target: no job cue
        (_row(talks=1), "behind"),
        (_row(env_list="black"), "watch"),
        (_row(env_list="red"), "good"),
        (_row(trainings=0), "watch"),
        (_row(trainings=None), "good"),  # no training ledger: not judged
        (_row(posts=99.0), "watch"),
        (_row(posts=100.0), "good"),
    ],
)
def test_levels(row, expected):
    assert _level(row) == expected


def test_cues_can_be_turned_off():
    off = StatusRule(
        black_list_watch=False, talk_villages_behind=0, no_training_watch=False, posts_watch_pct=0
    )
    for row in (_row(env_list="black"), _row(talks=3), _row(trainings=0), _row(posts=10.0)):
        assert _level(row, off) == "good"


def test_reasons_behind_first():
    reasons = status._judge(_row(points=2, n=2, talks=1, env_list="black"), StatusRule())
    assert [r[0] for r in reasons] == ["behind", "watch", "watch"]
    assert reasons[0][1] == "1个村连续上黑榜需约谈"


def test_describe_is_generated_from_the_rule():
    text = status.describe(StatusRule())
    assert "计分≥5分" in text and "90%" in text and "识别认定每项5分" in text and "走访每项1分" in text
    assert text.startswith("× 落后") and "▲ 关注" in text and "√ 正常" in text
    changed = status.describe(StatusRule(weights={**StatusRule().weights, "visit": 3}, jobs_behind_pct=80))
    assert "走访每项3分" in changed and "80%" in changed and "90%" not in changed
    assert "overdue points ≥ 5" in status.describe(StatusRule(), "en")
    off = status.describe(StatusRule(no_training_watch=False, posts_watch_pct=0))
    assert "培训" not in off and "公益岗位" not in off


def test_rules_file(tmp_path):
    assert status.load_rule() == StatusRule(source=str(DEFAULT_RULES_PATH))  # the file states the defaults
    text = DEFAULT_RULES_PATH.read_text(encoding="utf-8")
    own = tmp_path / "rules.toml"
    own.write_text(text.replace("identification = 5", "identification = 8"), encoding="utf-8")
    assert status.load_rule(own).weights["identification"] == 8
    # A county's rules without the section (written before it existed) take Lulong's defaults.
    own.write_text(text.split("[status]")[0], encoding="utf-8")
    assert status.load_rule(own).weights == StatusRule().weights
    own.write_text(text.replace("jobs_behind_pct = 90", 'jobs_behind_pct = "90"'), encoding="utf-8")
    with pytest.raises(RulesError, match="status.jobs_behind_pct"):
        status.load_rule(own)
    own.write_text(text.replace("visit = 1", "visit = 1\nvisits = 2"), encoding="utf-8")
    with pytest.raises(RulesError, match="visits"):
        status.load_rule(own)
    own.write_text(text.replace("overdue_watch = 1", "overdue_watch = 9"), encoding="utf-8")
    with pytest.raises(RulesError, match="watch"):
        status.load_rule(own)


def test_the_bundles_rule_comes_from_the_file_as_it_was_loaded(tmp_path):
    """rules.toml is parsed once, when the bundle is loaded: rule_for reads the tables kept then."""
    text = DEFAULT_RULES_PATH.read_text(encoding="utf-8")
    own = tmp_path / "rules.toml"
    own.write_text(text.replace("identification = 5", "identification = 8"), encoding="utf-8")
    b = Bundle.from_frames({}, as_of="2022-07-26", rules=load_rules(own))
    own.write_text(text.replace("identification = 5", "identification = 3"), encoding="utf-8")  # later
    rule = status.rule_for(b)
    assert rule.weights["identification"] == 8 and rule.source == str(own)
    assert status.rule_for(Bundle.from_frames({}, as_of="2022-07-26")) == StatusRule(
        source=str(DEFAULT_RULES_PATH)
    )


def test_sample_worst_first_and_reasons_in_words(sample_bundle):
    df = status.township_status(sample_bundle, as_of=NOW)
    assert len(df) == 12 and df["rank"].tolist() == list(range(1, 13))
    order = [status.ORDER.index(s) for s in df["status"]]
    assert order == sorted(order)
    for _, r in df.iterrows():
        assert (r["status"] == "good") == (r["reasons_zh"] == ""), r["name"]
    behind = df[df["status"] == "behind"]
    assert (behind["behind_reasons"] >= 1).all()
    assert status.status_of(sample_bundle, as_of=NOW) == dict(
        zip(df["township_code"], df["status"], strict=True)
    )
