"""周调度 (issue #8) on hand-built ledgers: changes between two dates, worst-first order, the thresholds."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest
from factories import T1, T2, V1, V2, V3, bundle_from_frames

from lulong_data import dispatch
from lulong_data.dispatch import Thresholds, comparison_date, load_thresholds
from lulong_data.metrics.registry import METRICS
from lulong_data.rules import DEFAULT_RULES_PATH, RulesError

D = dt.date
NOW, THEN = D(2022, 7, 26), D(2022, 7, 19)

# H1-H2 in T1 (卢龙镇); H3-H9 in T2 (潘庄镇). One person each.
HOMES = {"H1": V1, "H2": V2, **{f"H{i}": V3 for i in range(3, 10)}}
# 脱贫户 in work (the 就业 口径 counts 脱贫人口 and monitoring objects): one in T1, three in T2.
WORKERS = {"W1": V1, "W3": V3, "W4": V3, "W5": V3}


def _case(cid: str, hh: str, found: str, approved: str | None = None, **kw) -> dict:
    row = {
        "case_id": cid,
        "household_id": hh,
        "category": "边缘易致贫户",
        "risk_1": "因病",
        "channel": "农户自主申报",
        "found_on": found,
        "approved_on": approved,
        # Contact and plan on the day of approval: those deadlines stay quiet.
        "contact_assigned_on": approved,
        "plan_on": approved,
    }
    row.update(kw)
    return row


CASES = [
    _case("C1", "H1", "2022-06-01", "2022-06-05"),  # monitored at both dates
    _case("C2", "H2", "2022-07-10", "2022-07-21"),  # approved in the period (T1)
    # Eliminated in the period (T2); its first visit gap (due 2022-03-07) is overdue on THEN and closed
    # late by the elimination on NOW.
    _case(
        "C3", "H3", "2022-01-01", "2022-01-05", eliminated_on="2022-07-22", elimination_kind="帮扶后稳定消除"
    ),
    _case("C4", "H4", "2022-07-01"),  # still in procedure: identification overdue since 2022-07-16
    # A batch: five households approved on one day in the period (会商).
    *[_case(f"C{i}", f"H{i}", "2022-07-15", "2022-07-20") for i in range(5, 10)],
]


def sample(**extra) -> object:
    frames = {
        "households": [
            {
                "household_id": h,
                "village_code": v,
                "household_type": "一般农户" if h in HOMES else "脱贫户",
                "exit_year": None if h in HOMES else 2016,
                "persons": 1,
                "head_name": "张三",
            }
            for h, v in {**HOMES, **WORKERS}.items()
        ],
        "persons": [
            {
                "person_id": f"P{h}",
                "household_id": h,
                "sex": "男",
                "birth_year": 1970,
                "labour_ability": "普通劳动力",
                "health": "健康",
            }
            for h in {**HOMES, **WORKERS}
        ],  # fmt: skip
        "monitoring_cases": CASES,
        # Targets of 4 each: on 26 July (day 207 of 365) the pace is 4 × 207/365 = 2.27.
        "employment_targets": [
            {"year": 2022, "township_code": T1, "target": 4},
            {"year": 2022, "township_code": T2, "target": 4},
        ],
        "employment": [
            {
                "record_id": f"E{p}",
                "person_id": f"P{p}",
                "year": 2022,
                "channel": "劳务输出",
                "location": "省外",
                "started_on": "2022-03-01",
            }
            for p in WORKERS
        ],  # fmt: skip
        # the visit ledger is there but records no visit (no visits file at all: gaps are not judged)
        "visits": [],
    }
    frames.update(extra)
    return bundle_from_frames(as_of=NOW, **frames)


@pytest.fixture(scope="module")
def b():
    return sample()


# -- comparison dates --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "meeting, comparison, expected",
    [
        (D(2022, 7, 26), "week", D(2022, 7, 19)),
        (D(2022, 7, 26), "month", D(2022, 6, 26)),
        (D(2022, 3, 31), "month", D(2022, 2, 28)),  # no 31 February
        (D(2022, 7, 26), "quarter", D(2022, 6, 30)),
        (D(2022, 2, 10), "quarter", D(2021, 12, 31)),
        (D(2022, 7, 26), "year", D(2021, 12, 31)),
    ],
)
def test_comparison_date(meeting, comparison, expected):
    assert comparison_date(meeting, comparison) == expected


def test_unknown_comparison():
    with pytest.raises(ValueError, match="comparison"):
        comparison_date(NOW, "fortnight")


# -- what changed --------------------------------------------------------------------------------------


def test_headlines_now_then_change(b):
    h = {x.key: x for x in dispatch.headlines(b, as_of=NOW, since=THEN)}
    # On THEN: H1 and H3 monitored; C2, C4 and the batch C5-C9 in procedure; C3's visit gap and C4
    # overdue.
    # On NOW: H1, H2, H5-H9 monitored, H3 eliminated; only C4 in procedure and overdue.
    expected = {
        "monitored_households": (7, 2, 5),
        "eliminated_households": (1, 0, 1),
        "in_procedure_cases": (1, 7, -6),
        "overdue_items": (1, 2, -1),
        "employment_placed": (4, 4, 0),
        "employment_rate": (50.0, 50.0, 0.0),
    }
    for key, (now, then, change) in expected.items():
        assert (h[key].now, h[key].then, h[key].change) == (now, then, change), key
    assert h["overdue_items"].trend == "better" and h["overdue_items"].fmt_change() == "−1"
    assert h["monitored_households"].trend is None  # a size: neither better nor worse
    assert h["employment_rate"].fmt_change() == "0.0个百分点"
    # No environment inspections: "—", not zero.
    assert h["env_black_villages"].now is None and h["env_black_villages"].fmt_change() == "—"


def test_headlines_are_the_registered_metrics(b):
    """The dispatch computes nothing of its own: each figure is the registered 口径 at that date."""
    for x in dispatch.headlines(b, as_of=NOW, since=THEN):
        assert x.metric == x.key and x.key in METRICS  # every headline is a registry name (issue 21)
        params = {"year": 2022} if x.metric.startswith("employment") else {}
        for day, value in ((NOW, x.now), (THEN, x.then)):
            expected = METRICS[x.metric](b, as_of=day, **params)
            assert value == (None if expected is None else pytest.approx(float(expected))), x.key


def test_township_rows_count_the_period(b):
    rows = dispatch.township_rows(b, as_of=NOW, since=THEN).set_index("township_code")
    assert rows.loc[T1, ["new_households", "eliminated_households"]].tolist() == [1, 0]
    assert rows.loc[T2, ["new_households", "eliminated_households"]].tolist() == [5, 1]
    assert rows.loc[T2, ["overdue", "overdue_then", "overdue_change"]].tolist() == [1, 2, -1]
    assert rows.loc[T1, "overdue"] == 0
    # Jobs: T1 placed 1 against a pace of 2.27 (44%): behind; T2 placed 3 (132%).
    assert rows.loc[T1, "pace"] == pytest.approx(4 * 207 / 365)
    assert rows.loc[T1, "pace_pct"] == pytest.approx(100 / (4 * 207 / 365))
    assert rows.loc[T2, "placed"] == 3


def test_worst_first_and_status(b):
    rows = dispatch.township_rows(b, as_of=NOW, since=THEN)
    assert rows["township_code"].tolist() == [T1, T2]
    assert rows["status"].tolist() == ["behind", "watch"]  # jobs 44% of pace; one overdue item
    assert rows.loc[0, "reasons_zh"] == "就业为序时进度的44%"
    assert rows.loc[1, "reasons_zh"] == "逾期1项"
    # Stricter thresholds turn T2 red as well; then the red reasons and overdue items decide.
    strict = Thresholds(overdue_red=1, jobs_red_pct=40)
    rows = dispatch.township_rows(b, as_of=NOW, since=THEN, thresholds=strict)
    assert rows["township_code"].tolist() == [T2, T1]
    assert rows["status"].tolist() == ["behind", "watch"]


def test_sort_worst_first_keys():
    df = pd.DataFrame(
        {
            "township_code": ["a", "b", "c", "d", "e"],
            "status": ["good", "watch", "behind", "behind", "behind"],
            "red_reasons": [0, 0, 1, 2, 1],
            "overdue": [0, 3, 2, 0, 7],
            "pace_pct": [120.0, 95.0, 80.0, float("nan"), 80.0],
            "env_rank": [1, 2, 3, 4, 5],
        }
    )
    assert dispatch.sort_worst_first(df)["township_code"].tolist() == ["d", "e", "c", "b", "a"]


# -- the red/amber/green thresholds --------------------------------------------------------------------


def _row(overdue=0, pct=150.0, talks=0, env_list=None) -> dict:
    return {"overdue": overdue, "pace_pct": pct, "talk_villages": talks, "env_list": env_list}


@pytest.mark.parametrize(
    "row, status",
    [
        (_row(), "good"),
        (_row(overdue=1), "watch"),
        (_row(overdue=4), "watch"),
        (_row(overdue=5), "behind"),
        (_row(pct=100.0), "good"),
        (_row(pct=99.9), "watch"),
        (_row(pct=90.0), "watch"),
        (_row(pct=89.9), "behind"),
        (_row(pct=float("nan")), "good"),  # no target: no job cue
        (_row(talks=1), "behind"),
        (_row(env_list="black"), "watch"),
        (_row(env_list="red"), "good"),
    ],
)
def test_thresholds(row, status):
    assert dispatch._judge(row, Thresholds())[0] == status


def test_black_list_cue_can_be_turned_off():
    assert dispatch._judge(_row(env_list="black"), Thresholds(black_list_amber=False))[0] == "good"
    assert dispatch._judge(_row(talks=3), Thresholds(talk_villages_red=0))[0] == "good"


def test_reasons_red_first():
    status, reasons = dispatch._judge(_row(overdue=2, talks=1, env_list="black"), Thresholds())
    assert status == "behind"
    assert [r[0] for r in reasons] == ["behind", "watch", "watch"]


def test_rules_file_thresholds(tmp_path):
    assert load_thresholds() == Thresholds()  # the packaged [dispatch] section states the defaults
    assert "[dispatch]" in DEFAULT_RULES_PATH.read_text(encoding="utf-8")
    text = DEFAULT_RULES_PATH.read_text(encoding="utf-8")
    own = tmp_path / "rules.toml"
    own.write_text(text.replace("overdue_red = 5", "overdue_red = 3"), encoding="utf-8")
    assert load_thresholds(own).overdue_red == 3
    # A folder's rules without the section fall back to Lulong's defaults.
    own.write_text(text.split("[dispatch]")[0], encoding="utf-8")
    assert load_thresholds(own) == Thresholds()
    own.write_text(text.replace("jobs_red_pct = 90", 'jobs_red_pct = "90"'), encoding="utf-8")
    with pytest.raises(RulesError, match="dispatch.jobs_red_pct"):
        load_thresholds(own)


def test_describe_names_the_numbers():
    text = Thresholds().describe("zh")
    assert "≥5项" in text and "90%" in text and "✖" in text and "▲" in text and "✔" in text


# -- items that need a decision ------------------------------------------------------------------------


def test_decisions(b):
    dec = dispatch.decisions(b, as_of=NOW, since=THEN)
    assert dec.overdue[["township_code", "check", "items"]].values.tolist() == [[T2, "identification", 1]]
    assert dec.jobs_behind["township_code"].tolist() == [T1]
    assert dec.jobs_behind["short"].tolist() == [math.ceil(4 * 207 / 365 - 1)]
    assert dec.batches["approved_on"].dt.date.tolist() == [D(2022, 7, 20)]
    assert dec.batches["households"].tolist() == [5]
    # A week earlier the batch is not in the period.
    assert dispatch.decisions(b, as_of=NOW, since=D(2022, 7, 20)).batches.empty


def test_prepare_and_text(b):
    d = dispatch.prepare(b, as_of=NOW, comparison="week")
    assert d.since == THEN and d.data_as_of == NOW
    assert "会议日期 2022-07-26" in d.dates_line() and "上周(2022-07-19)" in d.dates_line()
    table = dispatch.township_table(d)
    assert table.iloc[0, 0] == "✖ 落后" and table.iloc[1, 0] == "▲ 关注"
    assert table["逾期(项)"].tolist() == ["0", "1(−1)"]
    sections = {s.key: s for s in dispatch.decision_sections(d)}
    assert sections["batches"].lines == ("2022-07-20 县级审定5户(潘庄镇)",)
    assert sections["talks"].lines == () and sections["talks"].none
    en = dispatch.township_table(d, "en")
    assert en.iloc[0, 0] == "✖ behind"
