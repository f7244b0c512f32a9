"""A change must be readable next to the figures it is between (issue 22: "102% 较上周 102% +0.3个百分点")."""

from __future__ import annotations

from lulong_data.dispatch import Headline


def _rate(now: float, then: float) -> Headline:
    return Headline("employment_rate", "就业目标完成率", "Share", "%", "employment_rate", "up", now, then)


def test_a_rate_change_lost_in_rounding_gets_one_decimal():
    h = _rate(101.84 + 0.3, 101.84)
    assert h.fmt(h.now) == h.fmt(h.then) == "102%"  # what the tile said before
    assert h.shown() == ("102.1%", "101.8%") and h.fmt_change() == "+0.3个百分点"


def test_rates_that_read_apart_keep_their_usual_form():
    assert _rate(102.0, 95.0).shown() == ("102%", "95%")
    assert _rate(102.0, 102.0).shown() == ("102%", "102%")  # no change, nothing to show
    counts = Headline("overdue_items", "逾期未办事项", "Overdue", "项", "overdue_items", "down", 22, 11)
    assert counts.shown() == ("22项", "11项")
