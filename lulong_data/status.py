"""One status rule: which township is 落后 (behind), 关注 (watch) or 正常 (on track) on a date.

The overview league, the map's township profile, the dispatch page, its projector view and paper, and
every export call :func:`township_status`; nothing else judges a township, so no two pages can disagree.
The rule is county policy in ``rules.toml`` ``[status]`` (:class:`StatusRule`), and the words that
explain it (:func:`describe`) and each township's reasons are generated from the same numbers.

What is judged, per township, as of the date:
- overdue procedure items, weighted by kind: an identification past its 15 days (the county's public
  promise) weighs more than a late visit; the points decide, not the count;
- job placements against the pace of the yardstick (:mod:`lulong_data.metrics.pace`: the monthly plan,
  else last year's curve scaled to this year's target);
- villages due a formal talk (约谈: black-listed months running) and the township on the month's black list;
- no skills training this year (when the training ledger is supplied);
- public-welfare posts below their plan (when the county sets one).

Worst first: status, then how many 落后 reasons, then overdue points, then job pace (lowest first), then
the environment rank (lowest first), then the code. Never imports streamlit.
"""

from __future__ import annotations

import datetime as dt
import functools
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

import pandas as pd

from lulong_data.metrics import environment as env
from lulong_data.metrics import monitoring as mon
from lulong_data.metrics import pace
from lulong_data.rules import DEFAULT_RULES_PATH, RulesError

if TYPE_CHECKING:
    from lulong_data.bundle import Bundle

BEHIND, WATCH, GOOD = "behind", "watch", "good"
ORDER = (BEHIND, WATCH, GOOD)  # worst first
LABELS = {BEHIND: ("×", "落后", "behind"), WATCH: ("▲", "关注", "watch"), GOOD: ("√", "正常", "on track")}
CHECKS = tuple(mon.CHECK_LABELS)  # identification, contact, plan, feedback, visit

COLUMNS = [
    "township_code", "name", "status", "rank", "behind_reasons", "overdue", "overdue_points",
    *(f"overdue_{c}" for c in CHECKS), "placed", "expected", "pace_pct", "pace_basis", "talk_villages",
    "env_period", "env_rank", "env_ranked", "env_list", "trainings", "posts", "posts_plan", "posts_pct",
    "reasons_zh", "reasons_en", "short_zh", "short_en",
]  # fmt: skip


def label(status: str, lang: str = "zh") -> str:
    """× 落后 / ▲ 关注 / √ 正常: the icon and the word, never the colour alone."""
    icon, zh, en = LABELS[status]
    return f"{icon} {en if lang == 'en' else zh}"


def explained(row: Mapping, lang: str = "zh") -> tuple[str, str]:
    """A township's status as its label and its reasons as one sentence ("" when it has none): a row of
    :func:`township_status` (or the overview league, which carries the same columns)."""
    return label(row["status"], lang), row.get("reasons_en" if lang == "en" else "reasons_zh") or ""


def _t(lang: str, zh: str, en: str) -> str:
    return en if lang == "en" else zh


# -- the rule (rules.toml [status]) -------------------------------------------------------------------

_DEFAULT_WEIGHTS = {"identification": 5, "contact": 2, "plan": 2, "feedback": 2, "visit": 1}


@dataclass(frozen=True)
class StatusRule:
    weights: Mapping[str, int] = field(default_factory=lambda: dict(_DEFAULT_WEIGHTS))  # points per item
    overdue_behind: int = 5  # overdue points >= this -> behind
    overdue_watch: int = 1  # >= this -> watch
    jobs_behind_pct: float = 90.0  # placements < this % of the pace -> behind
    jobs_watch_pct: float = 100.0  # < this % -> watch
    talk_villages_behind: int = 1  # villages due a talk >= this -> behind (0 = not judged)
    black_list_watch: bool = True  # township on the month's black list -> watch
    no_training_watch: bool = True  # no training session this year -> watch
    posts_watch_pct: float = 100.0  # public-welfare posts < this % of plan -> watch (0 = not judged)
    source: str = ""


def _number(table: dict, key: str, default: float, minimum: float = 0, where: str = "status.") -> float:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
        raise RulesError(
            f"rules.toml: {where}{key} 须为不小于{minimum:g}的数,实为 {value!r} / "
            f"{where}{key} must be a number >= {minimum:g}, got {value!r}"
        )
    return value


def _flag(table: dict, key: str, default: bool) -> bool:
    value = table.get(key, default)
    if not isinstance(value, bool):
        raise RulesError(f"rules.toml: status.{key} 须为 true/false / must be true or false, got {value!r}")
    return value


def _status_table(data: Mapping) -> dict:
    table = data.get("status", {})
    if not isinstance(table, dict):
        raise RulesError("rules.toml: [status] 须为表 / must be a table")
    return table


def _section(path: Path) -> dict:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise RulesError(f"无法读取规则文件 {path} / cannot read rules file {path}: {exc}") from exc
    return _status_table(data)


@functools.cache
def _packaged() -> Mapping:
    return MappingProxyType(_section(DEFAULT_RULES_PATH))


def load_rule(path: str | Path | None = None) -> StatusRule:
    """The ``[status]`` section of ``path``; keys it omits come from the packaged rules.toml."""
    path = Path(path) if path else DEFAULT_RULES_PATH
    return _rule(_section(path) if path != DEFAULT_RULES_PATH else {}, str(path))


def _rule(own: Mapping, source: str) -> StatusRule:
    """The rule of a ``[status]`` table ``own`` (keys it omits: the packaged ones)."""
    defaults = _packaged()
    table = {**defaults, **own}
    weights_in = {**defaults.get("overdue_weights", {}), **table.get("overdue_weights", {})}
    if unknown := sorted(set(weights_in) - set(CHECKS)):
        raise RulesError(
            f"rules.toml: status.overdue_weights 含未知事项 {unknown},可选 {list(CHECKS)} / "
            f"unknown items {unknown}, allowed {list(CHECKS)}"
        )
    weights = {
        c: int(_number(weights_in, c, _DEFAULT_WEIGHTS[c], 0, "status.overdue_weights.")) for c in CHECKS
    }
    d = StatusRule()
    rule = StatusRule(
        weights=weights,
        overdue_behind=int(_number(table, "overdue_behind", d.overdue_behind, 1)),
        overdue_watch=int(_number(table, "overdue_watch", d.overdue_watch, 1)),
        jobs_behind_pct=float(_number(table, "jobs_behind_pct", d.jobs_behind_pct)),
        jobs_watch_pct=float(_number(table, "jobs_watch_pct", d.jobs_watch_pct)),
        talk_villages_behind=int(_number(table, "talk_villages_behind", d.talk_villages_behind)),
        black_list_watch=_flag(table, "black_list_watch", d.black_list_watch),
        no_training_watch=_flag(table, "no_training_watch", d.no_training_watch),
        posts_watch_pct=float(_number(table, "posts_watch_pct", d.posts_watch_pct)),
        source=source,
    )
    if rule.overdue_watch > rule.overdue_behind or rule.jobs_behind_pct > rule.jobs_watch_pct:
        raise RulesError(
            "rules.toml: [status] 关注的门槛不能比落后更严 / the watch thresholds must be milder than behind"
        )
    return rule


def rule_for(b: Bundle) -> StatusRule:
    """The rule of the rules file the bundle was loaded with, from the tables read then (rules.toml is
    parsed once, when the bundle is loaded)."""
    return _rule(_status_table(b.rules.tables), b.rules.source or str(DEFAULT_RULES_PATH))


def _points_text(rule: StatusRule, lang: str) -> str:
    """识别认定每项5分,联系人选派、帮扶计划、部门反馈每项2分,走访每项1分 (grouped by points)."""
    groups: dict[int, list[str]] = {}
    for c in CHECKS:
        groups.setdefault(rule.weights[c], []).append(c)
    parts = []
    for points in sorted(groups, reverse=True):
        names = [mon.CHECK_SHORT[c][1 if lang == "en" else 0] for c in groups[points]]
        parts.append(
            _t(lang, f"{'、'.join(names)}每项{points}分", f"{', '.join(names)} {points} point(s) each")
        )
    return _t(lang, ",", "; ").join(parts)


def describe(rule: StatusRule | Bundle, lang: str = "zh") -> str:
    """The rule in words, generated from its numbers (printed under every status table)."""
    r = rule if isinstance(rule, StatusRule) else rule_for(rule)
    behind_zh = [f"逾期未办事项计分≥{r.overdue_behind}分", f"务工就业低于序时进度的{r.jobs_behind_pct:g}%"]
    behind_en = [
        f"overdue points ≥ {r.overdue_behind}",
        f"placements below {r.jobs_behind_pct:g}% of the pace",
    ]
    if r.talk_villages_behind:
        behind_zh.append(f"有{r.talk_villages_behind}个及以上村需约谈")
        behind_en.append(f"≥ {r.talk_villages_behind} village(s) due a formal talk")
    watch_zh = [f"逾期计分≥{r.overdue_watch}分", f"就业低于序时进度的{r.jobs_watch_pct:g}%"]
    watch_en = [f"overdue points ≥ {r.overdue_watch}", f"placements below {r.jobs_watch_pct:g}% of the pace"]
    if r.black_list_watch:
        watch_zh.append("乡镇上当月人居环境黑榜")
        watch_en.append("township on the month's black list")
    if r.no_training_watch:
        watch_zh.append("本年未开展技能培训")
        watch_en.append("no skills training this year")
    if r.posts_watch_pct:
        watch_zh.append(f"公益岗位安置低于计划的{r.posts_watch_pct:g}%")
        watch_en.append(f"public-welfare posts below {r.posts_watch_pct:g}% of plan")
    return _t(
        lang,
        f"× 落后:{',或'.join(behind_zh)}。▲ 关注:{',或'.join(watch_zh)}。√ 正常:其余。"
        f"逾期计分:{_points_text(r, lang)}。排序:落后在前,同一状态按落后项数、逾期计分、就业进度、人居环境名次。",
        f"× behind: {', or '.join(behind_en)}. ▲ watch: {', or '.join(watch_en)}. √ on track: the rest. "
        f"Overdue points: {_points_text(r, lang)}. Order: behind first; within a status by behind reasons, "
        "overdue points, job pace, environment rank.",
    )


# -- judging ----------------------------------------------------------------------------------------


def _judge(row: Mapping, r: StatusRule) -> list[tuple[str, str, str, str, str]]:
    """(level, zh, en, short zh, short en) reasons of one township, most serious first (the short forms
    fit a projector's table cell)."""
    out: list[tuple[str, str, str, str, str]] = []
    points, n = row["overdue_points"], row["overdue"]
    if points >= r.overdue_watch:
        ident = row["overdue_identification"]
        extra_zh = f"(其中识别认定超时{ident}项)" if ident else ""
        extra_en = f" ({ident} identification)" if ident else ""
        out.append(
            (
                BEHIND if points >= r.overdue_behind else WATCH,
                f"逾期未办{n}项{extra_zh},计{points}分",
                f"{n} overdue{extra_en}, {points} points",
                f"逾期{n}项{points}分",
                f"{n} overdue",
            )
        )
    pct = row["pace_pct"]
    if pct is not None and pct == pct and pct < r.jobs_watch_pct:
        out.append(
            (
                BEHIND if pct < r.jobs_behind_pct else WATCH,
                f"务工就业为序时进度的{pct:.1f}%",
                f"jobs at {pct:.1f}% of the pace",
                f"就业{pct:.1f}%",
                f"jobs {pct:.1f}%",
            )
        )
    talks = row["talk_villages"]
    if r.talk_villages_behind and talks >= r.talk_villages_behind:
        out.append((BEHIND, f"{talks}个村连续上黑榜需约谈", f"{talks} village(s) due a formal talk", f"{talks}村约谈",
                    f"{talks} talk(s)"))  # fmt: skip
    if r.black_list_watch and row["env_list"] == env.BLACK:
        period = row["env_period"]
        out.append(
            (WATCH, f"人居环境乡镇黑榜({period})", f"on the {period} black list", "黑榜", "black list")
        )
    if r.no_training_watch and row["trainings"] == 0:
        out.append((WATCH, "本年未开展技能培训", "no skills training this year", "未培训", "no training"))
    posts = row["posts_pct"]
    if r.posts_watch_pct and posts is not None and posts == posts and posts < r.posts_watch_pct:
        out.append((WATCH, f"公益岗位为计划的{posts:.0f}%", f"welfare posts at {posts:.0f}% of plan", f"公益岗{posts:.0f}%",
                    f"posts {posts:.0f}%"))  # fmt: skip
    out.sort(key=lambda x: ORDER.index(x[0]))  # stable: the order above within a level
    return out


def township_status(b: Bundle, *, as_of: dt.date, rule: StatusRule | None = None) -> pd.DataFrame:
    """Every township's status on ``as_of``, worst first (see the module doc). Columns: :data:`COLUMNS`.

    ``rank`` is 1 for the worst township; ``reasons_zh`` / ``reasons_en`` are the generated sentences
    ("逾期未办9项(其中识别认定超时2项),计19分、务工就业为序时进度的85%"), empty when on track.
    """
    r = rule or rule_for(b)
    towns = b.execute(b.table("townships").select("township_code", "name").order_by("township_code"))
    out = towns.reset_index(drop=True)
    codes = out["township_code"]

    items = mon.overdue_list(b, as_of=as_of)
    by_kind = items.groupby(["township_code", "check"]).size().unstack(fill_value=0)
    for c in CHECKS:
        col = by_kind[c] if c in by_kind.columns else pd.Series(dtype="int64")
        out[f"overdue_{c}"] = codes.map(col).fillna(0).astype("int64")
    out["overdue"] = sum(out[f"overdue_{c}"] for c in CHECKS)
    out["overdue_points"] = sum(out[f"overdue_{c}"] * r.weights[c] for c in CHECKS).astype("int64")

    jobs = pace.township_pace(b, as_of=as_of).set_index("township_code")
    out["placed"] = codes.map(jobs["placed"]).fillna(0).astype("int64")
    out["expected"] = codes.map(jobs["expected"]).astype("float64")
    out["pace_pct"] = codes.map(jobs["pct"]).astype("float64")
    out["pace_basis"] = codes.map(jobs["basis"]).fillna("none")

    months = env.list_months(b, as_of=as_of)
    out["env_period"] = months[-1] if months else None
    ranking = env.township_ranking(b, as_of=as_of).set_index("township_code")
    out["env_rank"] = codes.map(ranking["rank"]).astype("Int64")
    out["env_ranked"] = codes.map(ranking["ranked"]).astype("Int64")
    out["env_list"] = codes.map(ranking["list"]).astype(object)
    out["env_list"] = out["env_list"].where(out["env_list"].notna(), None)
    talks = env.talk_flags(b, as_of=as_of).groupby("township_code").size()
    out["talk_villages"] = codes.map(talks).fillna(0).astype("int64")

    idle = pace.no_training(b, as_of=as_of)
    out["trainings"] = None if idle is None else codes.map(lambda c: 0 if c in idle else 1)
    out["trainings"] = out["trainings"].astype("Int64")
    posts = pace.posts_against_plan(b, as_of=as_of).set_index("township_code")
    out["posts"] = codes.map(posts["persons"]).fillna(0).astype("int64")
    out["posts_plan"] = codes.map(posts["plan"]).astype("float64")
    out["posts_pct"] = codes.map(posts["pct"]).astype("float64")

    judged = [_judge(row, r) for row in out.to_dict("records")]
    out["status"] = [next((x[0] for x in j), GOOD) for j in judged]
    out["behind_reasons"] = [sum(x[0] == BEHIND for x in j) for j in judged]
    out["reasons_zh"] = [";".join(x[1] for x in j) for j in judged]
    out["reasons_en"] = ["; ".join(x[2] for x in j) for j in judged]
    out["short_zh"] = ["·".join(x[3] for x in j) for j in judged]
    out["short_en"] = [" · ".join(x[4] for x in j) for j in judged]
    key = pd.DataFrame(
        {
            "status": out["status"].map(ORDER.index),
            "behind": -out["behind_reasons"],
            "points": -out["overdue_points"],
            "pace": out["pace_pct"].fillna(float("inf")),
            "env": -out["env_rank"].astype("float64").fillna(0),
            "code": out["township_code"],
        }
    )
    out = out.loc[key.sort_values(list(key.columns), kind="stable").index].reset_index(drop=True)
    out["rank"] = range(1, len(out) + 1)
    return out[COLUMNS]


def status_of(b: Bundle, *, as_of: dt.date) -> dict[str, str]:
    """township_code -> status on ``as_of`` (for map colours and quick look-ups)."""
    df = township_status(b, as_of=as_of)
    return dict(zip(df["township_code"], df["status"], strict=True))
