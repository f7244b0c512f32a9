"""The wordings a text uses for each figure (the press checker matches numbers by them).

The end state (PLAN §2) is one list: each registry entry's ``phrases``. Until every entry carries them,
this table fills the gaps in one place; :func:`phrase_table` merges both (the registry's own phrases
first). A metric that takes a categorical parameter (``scheme=农村低保``) needs phrases per parameter
value; they are written here under the spec with that parameter, and a registry entry may write one as
``"新增农村低保对象@scheme=农村低保"``. Indicators (figures the departments report, read from the data
folder's ``indicators``) are named by the data, so their phrases are kept by indicator name; an indicator
not listed is matched by its own name (and that name without a trailing 数/人数/数量).
"""

from __future__ import annotations

import inspect
from typing import Any

METRIC_PHRASES: dict[str, tuple[str, ...]] = {
    "township_count": ("乡镇", "下辖"),
    "village_count": ("行政村",),
    "registered_population": ("户籍人口", "户籍总人口"),
    "poverty_households": ("脱贫户", "脱贫人口", "建档立卡脱贫户"),
    "poverty_persons": ("脱贫人口", "脱贫群众", "建档立卡脱贫人口"),
    "policy_menu_items": ("政策制成", "菜单", "政策菜单", "项政策"),
    "employment_placed": ("实现就业", "完成就业", "务工就业", "脱贫劳动力", "就业人数", "就业"),
    "employment_target": ("目标任务", "市下目标", "就业目标", "任务数"),
    "employment_rate": ("目标任务的", "完成市下目标", "完成目标", "完成率", "全年任务的", "任务的"),
    "welfare_post_persons": ("公益岗位", "公益岗", "公益性岗位", "安置岗位", "岗位安置"),
    "welfare_post_months": ("签订期限", "聘期", "期限"),
    "welfare_post_subsidy": ("月补贴", "补贴标准", "补贴"),
    "training_sessions": ("实用技术培训", "技术培训", "培训"),
    "training_participants": ("实用技术培训", "技术培训", "培训"),
    "employment_pace": ("序时进度",),
    "welfare_post_weak_share": ("弱半劳力", "60岁以上"),
    "env_red_villages": ("红榜", "登上红榜", "上红榜"),
    "env_black_villages": ("黑榜", "列入黑榜", "上黑榜"),
    "env_talk_villages": ("约谈", "连续上黑榜"),
    "env_mean_score": ("平均得分", "平均分", "得分"),
    "monitored_households": ("监测帮扶中", "监测帮扶对象", "监测对象", "防贫监测户", "监测户"),
    "monitored_persons": ("监测帮扶中", "监测帮扶对象", "监测对象", "监测人口"),
    "monitored_persons_share": ("占农村人口",),
    "eliminated_households": ("风险消除", "消除风险", "风险已消除", "稳定消除"),
    "overdue_items": ("逾期",),
    "phaseout_households": ("渐退期", "渐退", "不再符合低保条件"),
    "phaseout_persons": ("渐退期", "渐退", "不再符合低保条件"),
    "dibao_coverage": ("低保覆盖率", "农村低保覆盖率"),
    "poverty_assistance_share": (
        "低保和特困供养人员占",
        "农村低保和特困供养人员占",
        "低保和特困供养",
        "脱贫人口中",
    ),
    "student_aid_students": ("低收入家庭学生", "受资助学生", "学生"),
    "student_aid_amount": ("资助资金", "资助金", "资助"),
    "assistance_new_persons:scheme=农村低保": ("新增农村低保对象", "新增低保对象", "新增农村低保"),
    "assistance_new_persons:scheme=特困供养": (
        "新增特困人员",
        "新增特困供养人员",
        "新增特困供养",
        "特困人员",
    ),
    "assistance_households:scheme=农村低保": ("农村低保对象", "低保对象", "低保户", "保障农村低保"),
    "assistance_persons:scheme=农村低保": ("农村低保对象", "低保对象", "保障农村低保"),
    "assistance_households:scheme=特困供养": ("特困供养人员", "特困供养", "特困人员"),
    "assistance_persons:scheme=特困供养": ("特困供养人员", "特困供养", "特困人员"),
    "assistance_monthly_amount": ("保障金", "月保障金"),
}

INDICATOR_PHRASES: dict[str, tuple[str, ...]] = {
    "家庭医生签约团队数": ("家庭医生签约团队", "签约团队"),
    "城乡居民医保参保率": ("城乡居民医保参保率", "医保参保率", "参保率"),
    "养老保险覆盖率": ("养老保险覆盖率", "养老保险"),
    "县本级衔接资金": ("衔接资金", "县本级财政投入"),
    "资产收益人均年收入": ("资产收益",),
    "公益岗人均增收": ("人均增收",),
    "帮扶责任人": ("帮扶责任人",),
    "科技特派专家团": ("科技特派专家团", "专家团"),
    "省级科技特派员": ("省级科技特派员",),
    "县级科技特派员": ("县级科技特派员",),
    "整合涉农资金": ("整合涉农资金", "涉农资金"),
    "防贫工作站": ("防贫工作站",),
    "巡回宣讲": ("巡回宣讲", "宣讲"),
    "培训人次": ("培训",),
    "农村幼儿园覆盖率": ("幼儿园覆盖率",),
    "乡镇卫生院": ("乡镇卫生院", "卫生院"),
    "村卫生室": ("村卫生室", "卫生室"),
}


def _split(entry: str) -> tuple[str, str]:
    """ "新增农村低保对象@scheme=农村低保" -> ("新增农村低保对象", "scheme=农村低保")."""
    phrase, _, params = entry.partition("@")
    return phrase.strip(), params.strip()


def phrase_table(metrics: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    """Spec (name, or name:k=v for a categorical parameter) -> phrases, for every metric that has any.

    ``metrics`` is the registry (``METRICS``). The registry's own ``phrases`` come first; this module's
    table adds what the registry does not say yet.
    """
    table: dict[str, list[str]] = {}
    for name, m in metrics.items():
        for entry in getattr(m, "phrases", ()) or ():
            phrase, params = _split(entry)
            key = f"{name}:{params}" if params else name
            table.setdefault(key, [])
            if phrase and phrase not in table[key]:
                table[key].append(phrase)
    for key, phrases in METRIC_PHRASES.items():
        if key.partition(":")[0] not in metrics:
            continue
        table.setdefault(key, [])
        table[key].extend(p for p in phrases if p not in table[key])
    # A metric with a categorical parameter is matched only through its parameterised entries.
    out = {}
    for key, phrases in table.items():
        name = key.partition(":")[0]
        if ":" not in key and _categorical(metrics[name]):
            continue
        out[key] = tuple(phrases)
    return out


def _categorical(m: Any) -> bool:
    params = inspect.signature(m.fn).parameters
    return any(
        p.default is inspect.Parameter.empty and p.kind is inspect.Parameter.KEYWORD_ONLY and n != "as_of"
        for n, p in params.items()
        if n not in ("year",)
    )


def indicator_phrases(name: str) -> tuple[str, ...]:
    """Phrases of a reported indicator: the table's, else its name and the name without 数/人数/数量."""
    if name in INDICATOR_PHRASES:
        return INDICATOR_PHRASES[name]
    out = [name]
    for tail in ("人数", "数量", "数"):
        if name.endswith(tail) and len(name) - len(tail) >= 2:
            out.append(name[: -len(tail)])
            break
    return tuple(out)
