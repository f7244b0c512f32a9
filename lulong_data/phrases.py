"""The wordings a text uses for each figure (the press checker matches numbers by them).

Each registry entry carries its ``phrases`` (PLAN §2); :func:`phrase_table` reads them. A metric that takes
a categorical parameter (``scheme=农村低保``) has phrases per parameter value, written
``"新增农村低保对象@scheme=农村低保"``; its phrases without one are ignored (they could mean either value).
Indicators (figures the departments report, read from the data folder's ``indicators``) are named by the
data, not by the registry, so their phrases are kept here by indicator name; an indicator not listed is
matched by its own name (and that name without a trailing 数/人数/数量).
"""

from __future__ import annotations

import inspect
from typing import Any

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

    ``metrics`` is the registry (``METRICS``).
    """
    table: dict[str, list[str]] = {}
    for name, m in metrics.items():
        for entry in getattr(m, "phrases", ()) or ():
            phrase, params = _split(entry)
            key = f"{name}:{params}" if params else name
            table.setdefault(key, [])
            if phrase and phrase not in table[key]:
                table[key].append(phrase)
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
