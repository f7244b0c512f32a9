"""What a reader should look at first (issue 22): the figures that move.

A headline figure "moves" when it is off its target or changed over the last seven days; a figure that
has stood still for a week (脱贫人口, fixed since the last identification) goes after them, however large.
Pages put their tiles in this order; which figure is off target is decided here, not on a page:

- a figure where fewer is better (``better == "down"``: overdue items, black-listed villages, villages due
  a talk) is off target whenever it is above zero — its target is none;
- a figure with a target or a pace to date (``targets``: 务工就业 against 序时进度, a completion rate
  against 100 %) is off target while it is below it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

WEEK_DAYS = 7


def _number(x: object) -> float | None:
    if x is None or isinstance(x, bool):
        return None
    try:
        value = float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(value) else value


@dataclass(frozen=True)
class Signal:
    """Why a figure does or does not ask for attention."""

    name: str
    off_target: bool
    moved: bool

    @property
    def rank(self) -> int:
        """0 first: off target and moving, then off target, then moved, then still."""
        return {(True, True): 0, (True, False): 1, (False, True): 2, (False, False): 3}[
            (self.off_target, self.moved)
        ]


def signal(
    name: str,
    value: object,
    week_ago: object,
    *,
    better: str | None = None,
    target: object = None,
) -> Signal:
    """The signal of one figure: ``value`` now, ``week_ago`` seven days earlier, ``better`` its direction
    ("up", "down" or None) and ``target`` the value it should reach by now (None: it has none)."""
    now, before, goal = _number(value), _number(week_ago), _number(target)
    moved = now is not None and before is not None and now != before
    if now is None:
        off = False
    elif goal is not None:
        off = now > goal if better == "down" else now < goal
    else:
        off = better == "down" and now > 0
    return Signal(name, off, moved)


def order(signals: Iterable[Signal]) -> list[str]:
    """Names in the order a reader should see them: by :attr:`Signal.rank`, keeping the given order
    within a rank (the page's own order of importance)."""
    listed = list(signals)
    return [s.name for s in sorted(listed, key=lambda s: s.rank)]


def ordered(
    names: Iterable[str],
    values: Mapping[str, object],
    week_ago: Mapping[str, object],
    *,
    better: Mapping[str, str | None],
    targets: Mapping[str, object] | None = None,
) -> list[str]:
    """:func:`order` of ``names`` from their values now and a week ago."""
    goals = targets or {}
    return order(
        signal(n, values.get(n), week_ago.get(n), better=better.get(n), target=goals.get(n)) for n in names
    )
