"""周调度 (issue #8) on hand-built ledgers: changes between two dates, worst-first order (the status rule
itself is tested in test_status.py)."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from factories import T1, T2, V1, V2, V3, bundle_from_frames

from lulong_data import dispatch, status
from lulong_data.dispatch import comparison_date
from lulong_data.metrics import registry
from lulong_data.metrics.registry import METRICS

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
            if day == THEN and METRICS[x.metric].previous is not None:  # a monthly list: the month before
                expected = registry.earlier(b, x.metric, as_of=NOW, **params).value
            assert value == (None if expected is None else pytest.approx(float(expected))), x.key


def test_township_rows_count_the_period(b):
    rows = dispatch.township_rows(b, as_of=NOW, since=THEN).set_index("township_code")
    flows = ["newly_monitored_households", "newly_eliminated_households"]  # registry names (the period's)
    assert rows.loc[T1, flows].tolist() == [1, 0]
    assert rows.loc[T2, flows].tolist() == [5, 1]
    for name in flows:  # the registered figure for the county is the townships' sum, for the same period
        fig = registry.evaluate(b, name, as_of=NOW, since=THEN)
        assert fig.value == rows[name].sum() and fig.period.text() == "2022年7月20日至7月26日"
    assert rows.loc[T2, ["overdue", "overdue_then", "overdue_change"]].tolist() == [1, 2, -1]
    assert rows.loc[T1, "overdue"] == 0
    # Jobs: no placements last year, so the even pace: T1 placed 1 against 2.27 (44%); T2 placed 3 (132%).
    assert rows.loc[T1, "expected"] == pytest.approx(4 * 207 / 365)
    assert rows.loc[T1, "pace_pct"] == pytest.approx(100 / (4 * 207 / 365))
    assert rows.loc[T2, "placed"] == 3


def test_worst_first_and_status_are_the_status_rule(b):
    rows = dispatch.township_rows(b, as_of=NOW, since=THEN)
    one_rule = status.township_status(b, as_of=NOW)
    assert rows["township_code"].tolist() == one_rule["township_code"].tolist() == [T2, T1]
    assert rows["status"].tolist() == one_rule["status"].tolist() == ["behind", "behind"]
    # Both have one behind reason; T2's overdue identification (5 points) puts it first.
    assert rows.loc[0, "reasons_zh"] == "逾期未办1项(其中识别认定超时1项),计5分"
    assert rows.loc[1, "reasons_zh"] == "务工就业为序时进度的44.1%"


# -- items that need a decision ------------------------------------------------------------------------


def test_decisions(b):
    dec = dispatch.decisions(b, as_of=NOW, since=THEN)
    assert dec.overdue[["township_code", "check", "items"]].values.tolist() == [[T2, "identification", 1]]
    assert dec.jobs_behind["township_code"].tolist() == [T1]
    assert dec.jobs_behind["expected"].tolist() == [pytest.approx(4 * 207 / 365)]
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
    assert table.iloc[0, 0] == "× 落后" and table.iloc[1, 0] == "× 落后"
    assert list(table.columns) == ["状态", "乡镇", "新纳入监测(户)", "新消除风险(户)", "逾期(项)", "就业/序时进度",
                                   "人居环境", "原因"]  # fmt: skip
    assert table["逾期(项)"].tolist() == ["1(−1)", "0"]
    assert table["新纳入监测(户)"].tolist() == ["5", "1"] and table["新消除风险(户)"].tolist() == ["1", "0"]
    assert "均匀进度" in d.rule_text() and "识别认定每项5分" in d.rule_text()
    sections = {s.key: s for s in dispatch.decision_sections(d)}
    assert sections["batches"].lines == ("2022-07-20 县级审定5户(潘庄镇)",)
    assert sections["talks"].lines == () and sections["talks"].none
    en = dispatch.township_table(d, "en")
    assert en.iloc[0, 0] == "× behind" and list(en.columns)[2:4] == ["New (hh)", "Eliminated (hh)"]
