"""County rules (deadlines, list sizes, income lines) read from ``rules.toml``.

The rules are county policy, not data: the package ships Lulong's defaults next to this module and a
data folder may override them with its own ``rules.toml``. A bad file fails loudly with
:class:`RulesError` naming the key, because a silently wrong deadline would misreport overdue households.

Keys added after a county may have copied the file (``NEW_KEYS``: document numbers, sources, the elimination
kinds the waiting period applies to, ...) may be left out of a county's file: the packaged value applies.
Every rule names its source (the policy document it comes from) in a ``source`` key of its section.
"""

from __future__ import annotations

import copy
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

DEFAULT_RULES_PATH = Path(__file__).with_name("rules.toml")
TIE_BREAKS = ("fewer_vetoes", "higher_upkeep", "village_code")

__all__ = [
    "DEFAULT_RULES_PATH",
    "Deadlines",
    "Elimination",
    "IncomeLine",
    "Ranking",
    "Rules",
    "RulesError",
    "load_rules",
]


class RulesError(ValueError):
    """rules.toml is unreadable or a key is missing or out of range."""


@dataclass(frozen=True)
class Deadlines:
    identification_days: int  # calendar days found_on -> approved_on
    contact_workdays: int  # working days approved_on -> contact_assigned_on
    plan_workdays: int  # working days contact_assigned_on -> plan_on
    feedback_workdays: int  # working days started_on -> feedback_on


@dataclass(frozen=True)
class Elimination:
    min_months: int
    min_measures: int
    # the elimination kinds the waiting period and the measure rule apply to: 帮扶消除 only, by default
    # (a risk that went away by itself, 自然消除, may be marked eliminated at any time)
    applies_to: tuple[str, ...] = ("帮扶后稳定消除",)
    # 三保障 (义务教育, 住房安全) and 饮水安全 must hold at elimination wherever the data carry them
    require_guarantees: bool = True
    source: str = ""


@dataclass(frozen=True)
class IncomeLine:
    year: int
    amount: float  # 元/人·年
    document: str  # the document's title (descriptive)
    document_no: str = ""  # 文号; empty until the county fills it in


@dataclass(frozen=True)
class Ranking:
    red_villages: int
    black_villages: int
    veto_black: bool
    red_townships: int
    black_townships: int
    talk_after_months: int
    tie_break: tuple[str, ...]


@dataclass(frozen=True)
class Rules:
    deadlines: Deadlines
    visit_max_gap_days: int
    batch_households: int
    elimination: Elimination
    income_lines: tuple[IncomeLine, ...]  # sorted by year
    ranking: Ranking
    source: str = ""  # path of the file the rules came from
    # rule -> the policy document it comes from ("deadlines", "visits", "consultation", "elimination",
    # "ranking"); an income line names its own document
    sources: tuple[tuple[str, str], ...] = ()
    # Every section of the file as read, for the rules other modules own ([dispatch], [status]): the file
    # is parsed once, when the bundle is loaded (section()).
    tables: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def section(self, name: str) -> dict | None:
        """A copy of the ``[name]`` table of the file the rules came from; None when it has none."""
        table = self.tables.get(name)
        return copy.deepcopy(table) if isinstance(table, dict) else None

    def source_of(self, rule: str) -> str:
        """The policy document a rule (a section of rules.toml) comes from; "" if none is named."""
        return dict(self.sources).get(rule, "")

    def income_line(self, year: int) -> IncomeLine | None:
        """The line of ``year``, or None when the rules give none for it. A line is set for each year by the
        province; an earlier year's line is never carried over (a missing line is shown as missing)."""
        return next((line for line in self.income_lines if line.year == int(year)), None)


# Keys a county's own rules.toml may leave out: added after the first release, they take the packaged
# value. "income_lines[].x" stands for the key x of every income line (an absent one is empty).
NEW_KEYS = frozenset(
    {
        "deadlines.source",
        "visits.source",
        "consultation.source",
        "elimination.applies_to",
        "elimination.require_guarantees",
        "elimination.source",
        "income_lines[].document_no",
        "ranking.source",
    }
)
_MISSING = object()


@cache
def _packaged() -> dict:
    return tomllib.loads(DEFAULT_RULES_PATH.read_text(encoding="utf-8-sig"))


def _get(table: dict, key: str, where: str) -> Any:
    if isinstance(table, dict) and key in table:
        return table[key]
    path = f"{where}{key}"
    generic = re.sub(r"\[\d+\]", "[]", path)
    if generic in NEW_KEYS:
        if "[]" in generic:
            return ""  # a per-row key: the packaged rows are other rows
        value: Any = _packaged()
        for part in path.split("."):
            value = value.get(part, _MISSING) if isinstance(value, dict) else _MISSING
        if value is not _MISSING:
            return value
    raise RulesError(f"rules.toml: 缺少 {path} / missing key {path}")


def _str(table: dict, key: str, where: str) -> str:
    value = _get(table, key, where)
    if not isinstance(value, str):
        raise RulesError(f"rules.toml: {where}{key} 须为文字 / must be text, got {value!r}")
    return value


def _int(table: dict, key: str, where: str, minimum: int = 0) -> int:
    value = _get(table, key, where)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise RulesError(
            f"rules.toml: {where}{key} 须为不小于{minimum}的整数,实为 {value!r} / "
            f"{where}{key} must be an integer >= {minimum}, got {value!r}"
        )
    return value


def _parse(data: dict, source: str) -> Rules:
    dl = _get(data, "deadlines", "")
    deadlines = Deadlines(
        identification_days=_int(dl, "identification_days", "deadlines.", 1),
        contact_workdays=_int(dl, "contact_workdays", "deadlines."),
        plan_workdays=_int(dl, "plan_workdays", "deadlines."),
        feedback_workdays=_int(dl, "feedback_workdays", "deadlines."),
    )
    el = _get(data, "elimination", "")
    lines = []
    for i, row in enumerate(_get(data, "income_lines", "")):
        where = f"income_lines[{i}]."
        amount = _get(row, "amount", where)
        if isinstance(amount, bool) or not isinstance(amount, int | float) or amount <= 0:
            raise RulesError(f"rules.toml: {where}amount 须为正数 / must be a positive number: {amount!r}")
        lines.append(
            IncomeLine(
                _int(row, "year", where, 2000),
                float(amount),
                str(_get(row, "document", where)),
                _str(row, "document_no", where),
            )
        )
    years = [line.year for line in lines]
    if len(set(years)) != len(years):
        raise RulesError("rules.toml: income_lines 年度重复 / duplicate year in income_lines")
    rk = _get(data, "ranking", "")
    tie = tuple(_get(rk, "tie_break", "ranking."))
    if unknown := [t for t in tie if t not in TIE_BREAKS]:
        raise RulesError(
            f"rules.toml: ranking.tie_break 含未知项 {unknown},可选 {list(TIE_BREAKS)} / "
            f"unknown tie-break {unknown}, allowed {list(TIE_BREAKS)}"
        )
    veto_black = _get(rk, "veto_black", "ranking.")
    if not isinstance(veto_black, bool):
        raise RulesError("rules.toml: ranking.veto_black 须为 true/false / must be true or false")
    ranking = Ranking(
        red_villages=_int(rk, "red_villages", "ranking."),
        black_villages=_int(rk, "black_villages", "ranking."),
        veto_black=veto_black,
        red_townships=_int(rk, "red_townships", "ranking."),
        black_townships=_int(rk, "black_townships", "ranking."),
        talk_after_months=_int(rk, "talk_after_months", "ranking.", 1),
        tie_break=tie,
    )
    applies_to = _get(el, "applies_to", "elimination.")
    kinds = ("帮扶后稳定消除", "风险自然消除")
    if not isinstance(applies_to, list) or any(k not in kinds for k in applies_to):
        raise RulesError(
            f"rules.toml: elimination.applies_to 须为 {list(kinds)} 中的项 / must list items of {list(kinds)}, "
            f"got {applies_to!r}"
        )
    guarantees = _get(el, "require_guarantees", "elimination.")
    if not isinstance(guarantees, bool):
        raise RulesError("rules.toml: elimination.require_guarantees 须为 true/false / must be true or false")
    visits, consultation = _get(data, "visits", ""), _get(data, "consultation", "")
    sources = (
        ("deadlines", _str(dl, "source", "deadlines.")),
        ("visits", _str(visits, "source", "visits.")),
        ("consultation", _str(consultation, "source", "consultation.")),
        ("elimination", _str(el, "source", "elimination.")),
        ("ranking", _str(rk, "source", "ranking.")),
    )
    return Rules(
        deadlines=deadlines,
        visit_max_gap_days=_int(visits, "max_gap_days", "visits.", 1),
        batch_households=_int(consultation, "batch_households", "consultation.", 1),
        elimination=Elimination(
            min_months=_int(el, "min_months", "elimination."),
            min_measures=_int(el, "min_measures", "elimination."),
            applies_to=tuple(applies_to),
            require_guarantees=guarantees,
            source=sources[3][1],
        ),
        income_lines=tuple(sorted(lines, key=lambda line: line.year)),
        ranking=ranking,
        source=source,
        sources=sources,
        tables=MappingProxyType(copy.deepcopy(data)),
    )


def load_rules(path: str | Path | None = None) -> Rules:
    """Read rules from ``path`` (default: the packaged Lulong rules). Raises RulesError if bad."""
    path = Path(path) if path is not None else DEFAULT_RULES_PATH
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        raise RulesError(f"无法读取规则文件 {path} / cannot read rules file {path}: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(f"规则文件格式错误 {path} / rules file is not valid TOML {path}: {exc}") from exc
    return _parse(data, str(path))
