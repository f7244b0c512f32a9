"""The figures that move come first (issue 22): off target or changed over the last seven days."""

from __future__ import annotations

from lulong_data import attention
from lulong_data.attention import signal


def test_a_figure_that_stood_still_for_a_week_goes_last_however_large():
    names = ["poverty_persons", "monitored_households", "overdue_items", "employment_placed"]
    values = {
        "poverty_persons": 9236,
        "monitored_households": 386,
        "overdue_items": 19,
        "employment_placed": 4019,
    }
    week = {
        "poverty_persons": 9236,
        "monitored_households": 372,
        "overdue_items": 14,
        "employment_placed": 4008,
    }
    better = {"overdue_items": "down", "employment_placed": "up"}
    targets = {"employment_placed": 3800}  # ahead of the pace to date: on target
    order = attention.ordered(names, values, week, better=better, targets=targets)
    assert order == ["overdue_items", "monitored_households", "employment_placed", "poverty_persons"]


def test_fewer_is_better_means_off_target_above_zero():
    assert signal("overdue_items", 3, 3, better="down").off_target
    assert not signal("overdue_items", 0, 0, better="down").off_target
    assert signal("env_black_villages", 11, 11, better="down").rank == 1  # off target, did not move


def test_a_target_or_a_pace_to_date():
    assert signal("employment_placed", 3700, 3650, better="up", target=3800).off_target
    assert not signal("employment_rate", 102, 101.7, better="up", target=100).off_target
    assert signal("employment_rate", 96, 96, better="up", target=100).off_target


def test_missing_values_neither_move_nor_miss_a_target():
    s = signal("employment_rate", None, 90, better="up", target=100)
    assert not s.moved and not s.off_target and s.rank == 3
    assert not signal("x", float("nan"), 1).moved


def test_the_page_order_is_kept_within_a_rank():
    signals = [signal(n, 1, 0) for n in ("c", "a", "b")]
    assert attention.order(signals) == ["c", "a", "b"]
