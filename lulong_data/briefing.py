"""Draft press text whose every number comes from the 口径 registry, and the checks that keep it honest.

A paragraph is written per theme in the county's register (see the press conference in shared/seed).
Numbers are never typed into the templates: each one is ``registry.compute(b, spec, as_of)``, formatted
and remembered with its spec and position, so the press office (and the tests) can trace it back. A
sentence whose figure cannot be computed (a missing ledger) is left out rather than printed with "—".

The text may be edited on the page before export; ``lulong_data.textcheck`` then reads every number of
the edited text again, by its wording, and flags what no longer agrees with the data or with what was
already said in public.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

import pandas as pd

from lulong_data.county import name_of
from lulong_data.departments import full_name
from lulong_data.formatting import RATE_DIGITS, RATES
from lulong_data.metrics import environment
from lulong_data.metrics.published import DIFFERS, MATCH, decimals
from lulong_data.metrics.registry import METRICS, compute, department_for, lookup, parse_spec

if TYPE_CHECKING:
    from lulong_data.bundle import Bundle

# The briefing is titled with the county whose data it holds (lulong_data.county.name_of).
TITLE_TAIL = "巩固拓展脱贫攻坚成果同乡村振兴有效衔接工作情况"
# Decimals a figure is written with, by unit: the county writes 102%, 3.1%, 583.86万元, 40.8万人.
_UNIT_DIGITS = {"%": 1, "万元": 2, "万人": 1, "分": 1, "万元/月": 2}
_MARK = re.compile("\x00(\\d+)\x00")


# --- the draft -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Figure:
    """One number of a paragraph: the metric spec, its value, and the text written for it."""

    spec: str
    value: float
    text: str  # as written, e.g. "4019"
    digits: int  # decimals written
    start: int  # offsets of ``text`` in the paragraph
    end: int


@dataclass(frozen=True)
class Paragraph:
    theme: str  # key: monitoring, employment, welfare, environment, education_health
    title_zh: str
    title_en: str
    text: str
    figures: tuple[Figure, ...]
    omitted: tuple[str, ...] = ()  # specs that could not be computed: their sentences were left out


@dataclass(frozen=True)
class Draft:
    as_of: dt.date
    title: str
    paragraphs: tuple[Paragraph, ...]

    @property
    def figures(self) -> list[Figure]:
        return [f for p in self.paragraphs for f in p.figures]


class _Missing(Exception):
    """A figure of the sentence cannot be computed: drop the sentence."""


def number_text(value: float, digits: int) -> str:
    """Half-up rounding to ``digits``, trailing zeros dropped (73.0 -> "73", 3.10 -> "3.1"), no separators."""
    q = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    text = f"{q:.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def default_digits(spec: str, value: float) -> int:
    name, _ = parse_spec(spec)
    if name == "indicator":  # an indicator is written as the department gave it (96.8, 2700)
        return min(decimals(value), 2)
    if name in RATES:  # completion rates are published without decimals
        return RATE_DIGITS
    return _UNIT_DIGITS.get(METRICS[name].unit, 0)


@dataclass
class _Filler:
    """Computes figures for the sentence being written and stands a marker in for each number."""

    b: Bundle
    as_of: dt.date
    figures: list[tuple[str, float, int]] = field(default_factory=list)
    _cache: dict[str, float | None] = field(default_factory=dict)

    def value(self, spec: str) -> float | None:
        if spec not in self._cache:
            try:
                # An absent ledger reads as zero to most metrics; in a press text that would be a false 0.
                absent = [d for d in lookup(spec).datasets if not self.b.has(d)]
                v = None if absent else compute(self.b, spec, self.as_of)
            except Exception:  # noqa: BLE001 - any failure means "not computable": the sentence goes
                v = None
            self._cache[spec] = None if v is None or pd.isna(v) else float(v)
        return self._cache[spec]

    def __call__(self, spec: str, digits: int | None = None) -> str:
        v = self.value(spec)
        if v is None:
            raise _Missing(spec)
        self.figures.append((spec, v, default_digits(spec, v) if digits is None else digits))
        return f"\x00{len(self.figures) - 1}\x00"


Sentence = Callable[[_Filler], str]


def _paragraph(
    b: Bundle, as_of: dt.date, theme: str, zh: str, en: str, sentences: list[Sentence]
) -> Paragraph:
    texts: list[str] = []
    raw: list[tuple[str, float, int]] = []
    omitted: list[str] = []
    for sentence in sentences:
        f = _Filler(b, as_of)
        try:
            text = sentence(f)
        except _Missing as exc:
            omitted.append(exc.args[0])
            continue
        # Renumber this sentence's markers into the paragraph's figure list.
        offset = len(raw)
        raw.extend(f.figures)
        texts.append(_MARK.sub(lambda m, o=offset: f"\x00{int(m.group(1)) + o}\x00", text))
    body = "".join(texts)
    out, figures, pos = [], [], 0
    for m in _MARK.finditer(body):
        out.append(body[pos : m.start()])
        spec, value, digits = raw[int(m.group(1))]
        text = number_text(value, digits)
        start = sum(len(s) for s in out)
        figures.append(Figure(spec, value, text, digits, start, start + len(text)))
        out.append(text)
        pos = m.end()
    out.append(body[pos:])
    return Paragraph(theme, zh, en, "".join(out), tuple(figures), tuple(omitted))


def _date_zh(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _monitoring(b: Bundle, d: dt.date) -> list[Sentence]:
    return [
        lambda f: (
            f"{name_of(b)}下辖{f('township_count')}个乡镇、{f('village_count')}个行政村,"
            f"户籍人口{f('registered_population')}万人。"
        ),
        lambda f: f"截至{_date_zh(d)},全县现有脱贫人口{f('poverty_households')}户{f('poverty_persons')}人。",
        lambda f: (
            "坚持把防止返贫动态监测和帮扶作为巩固拓展脱贫攻坚成果的首要任务,畅通农户自主申报、基层干部排查、"
            f"部门筛查预警渠道,目前监测帮扶中的对象{f('monitored_households')}户{f('monitored_persons')}人,"
            f"占农村人口的{f('monitored_persons_share', 2)}%;"
            f"通过帮扶已有{f('eliminated_households')}户标注“风险消除”。"
        ),
        lambda f: (
            f"将{f('policy_menu_items')}项政策制成“菜单”,针对返贫致贫风险和家庭实际情况分类制定帮扶计划,"
            "确保防贫监测户快速享受各项帮扶政策。"
        ),
    ]


def _employment(b: Bundle, d: dt.date) -> list[Sentence]:
    y = d.year
    placed, target, rate = (
        f"employment_placed:year={y}",
        f"employment_target:year={y}",
        f"employment_rate:year={y}",
    )
    sessions, trained = f"training_sessions:year={y}", f"training_participants:year={y}"
    posts, change = f"welfare_post_persons:year={y}", f"welfare_post_persons_change:year={y}"
    months, subsidy = f"welfare_post_months:year={y}", f"welfare_post_subsidy:year={y}"

    def posts_sentence(f: _Filler) -> str:
        delta = f.value(change)
        if delta is None:
            raise _Missing(change)
        # The sign chooses the verb: "增加了−5人" is not how anyone writes.
        if delta > 0:
            tail = f",相比{y - 1}年增加了{f(change)}人"
        elif delta < 0:
            tail = f",相比{y - 1}年减少了{number_text(-delta, 0)}人"
        else:
            tail = f",与{y - 1}年持平"
        return f"今年安置乡村公益岗位{f(posts)}人{tail}。"

    return [
        lambda f: (
            f"{y}年以来,全县脱贫劳动力实现就业{f(placed)}人,完成市下目标任务{f(target)}人的{f(rate, RATE_DIGITS)}%。"
        ),
        lambda f: f"坚持以培训促就业,今年已开展{f(sessions)}期{f(trained)}人实用技术培训。",
        posts_sentence,
        lambda f: f"公益岗签订期限为{f(months)}个月,月补贴{f(subsidy)}元/人。",
    ]


def _welfare(b: Bundle, d: dt.date) -> list[Sentence]:
    y = d.year
    new_dibao = f"assistance_new_persons:scheme=农村低保,year={y}"
    new_tekun = f"assistance_new_persons:scheme=特困供养,year={y}"
    dibao_hh, dibao_p = "assistance_households:scheme=农村低保", "assistance_persons:scheme=农村低保"
    tekun_p = "assistance_persons:scheme=特困供养"
    return [
        lambda f: f"今年以来,全县新增农村低保对象{f(new_dibao)}人,新增特困人员{f(new_tekun)}人。",
        lambda f: f"目前全县保障农村低保对象{f(dibao_hh)}户{f(dibao_p)}人、特困供养人员{f(tekun_p)}人。",
        lambda f: (
            f"对不再符合低保条件的脱贫户{f('phaseout_households')}户、{f('phaseout_persons')}人,"
            "给予不低于一年的渐退期,确保稳定脱贫。"
        ),
        lambda f: (
            f"截至目前,全县农村低保覆盖率为{f('dibao_coverage')}%,"
            f"脱贫人口中农村低保和特困供养人员占{f('poverty_assistance_share', 0)}%,"
            "持续推动兜底保障应保尽保、应养尽养。"
        ),
    ]


def _environment(b: Bundle, d: dt.date) -> list[Sentence]:
    months = environment.list_months(b, as_of=d) if b.has("environment_scores") else []
    if not months:
        return []
    # The list month is named in the spec, so the figure means the same thing whenever it is re-checked.
    period = months[-1]
    ym = f"{int(period[:4])}年{int(period[5:])}月"
    red, black, talk = (f"env_{k}_villages:period={period}" for k in ("red", "black", "talk"))
    mean = f"env_mean_score:period={period}"

    def talks(f: _Filler) -> str:
        n = f.value(talk)
        if not n:
            return ""  # nobody to talk to: say nothing rather than "约谈0个村"
        return f"对连续上黑榜的{f(talk)}个村开展约谈督导,限期整改。"

    return [
        lambda f: (
            "持续深化农村人居环境整治“红黑榜”机制,"
            f"{ym}检查中,全县受检村平均得分{f(mean)}分,{f(red)}个村登上红榜,{f(black)}个村列入黑榜。"
        ),
        talks,
    ]


def _education_health(b: Bundle, d: dt.date) -> list[Sentence]:
    y = d.year
    students, amount = f"student_aid_students:year={y}", f"student_aid_amount:year={y}"
    ind = "indicator:name="
    return [
        lambda f: f"今年以来已为{f(students)}名低收入家庭学生发放资助资金{f(amount)}万元。",
        lambda f: f"全县组建家庭医生签约团队{f(ind + '家庭医生签约团队数')}个,做到应签尽签。",
        lambda f: (
            f"全县城乡居民医保参保率{f(ind + '城乡居民医保参保率')}%,养老保险覆盖率{f(ind + '养老保险覆盖率')}%。"
        ),
    ]


THEMES: tuple[tuple[str, str, str, Callable[[Bundle, dt.date], list[Sentence]]], ...] = (
    ("monitoring", "监测帮扶", "Monitoring and assistance", _monitoring),
    ("employment", "就业帮扶", "Employment", _employment),
    ("welfare", "兜底保障", "Social assistance", _welfare),
    ("environment", "人居环境", "Living environment", _environment),
    ("education_health", "教育医疗", "Education and health", _education_health),
)


def draft(b: Bundle, as_of: dt.date) -> Draft:
    """The briefing draft at ``as_of``: one paragraph per theme (a theme with no computable sentence is empty)."""
    paragraphs = tuple(_paragraph(b, as_of, key, zh, en, build(b, as_of)) for key, zh, en, build in THEMES)
    return Draft(as_of, f"{title(b)}(数据截至{_date_zh(as_of)})", paragraphs)


def title(b: Bundle) -> str:
    """The briefing's title: 卢龙县巩固拓展脱贫攻坚成果同乡村振兴有效衔接工作情况 for Lulong."""
    return name_of(b) + TITLE_TAIL


# --- what a figure is called -----------------------------------------------------------------------------
def spec_title(spec: str, lang: str = "zh") -> str:
    """A figure's name for a table: the metric title with its parameters, e.g. 脱贫劳动力务工就业人数(2022年)."""
    name, params = parse_spec(spec)
    if name == "indicator":
        return str(params.get("name", name)) + (f"({params['period']})" if "period" in params else "")
    m = METRICS[name]
    title = (m.title_en or m.title_zh) if lang == "en" else m.title_zh
    extras = [str(params["scheme"])] if "scheme" in params else []
    if "year" in params:
        extras.append(f"{params['year']}年" if lang != "en" else str(params["year"]))
    if "period" in params:
        extras.append(str(params["period"]))
    if not extras:
        return title
    return f"{title}({','.join(extras)})" if lang != "en" else f"{title} ({', '.join(extras)})"


def _indicator_row(b: Bundle, name: str) -> dict[str, Any]:
    df = b.frames["indicators"]
    rows = df[(df["indicator"] == name) & df["township_code"].isna()]
    return rows.iloc[-1].to_dict() if len(rows) else {}


def figures_table(b: Bundle, d: Draft, lang: str = "zh") -> pd.DataFrame:
    """One row per figure of the draft with its 口径: 指标, 数值, 单位, 口径, 来源, 频次."""
    en = lang == "en"
    rows, seen = [], set()
    for fig in d.figures:
        if fig.spec in seen:
            continue
        seen.add(fig.spec)
        name, params = parse_spec(fig.spec)
        m = METRICS[name]
        unit, dept, definition = (
            m.unit,
            m.department,
            (m.definition_en or m.definition_zh) if en else m.definition_zh,
        )
        if name == "indicator":
            row = _indicator_row(b, str(params.get("name")))
            unit, dept = row.get("unit") or "", row.get("department") or m.department
            dept = full_name(None if pd.isna(dept) else str(dept), name_of(b))
        else:
            dept = department_for(m, name_of(b))
        rows.append(
            {
                ("Figure" if en else "指标"): spec_title(fig.spec, lang),
                ("Value" if en else "数值"): fig.text,
                ("Unit" if en else "单位"): "" if pd.isna(unit) else str(unit),
                ("Definition" if en else "口径"): definition,
                ("Source" if en else "来源"): "" if pd.isna(dept) else str(dept),
                ("Frequency" if en else "更新频次"): m.frequency,
                ("Metric" if en else "指标代码"): fig.spec,
            }
        )
    return pd.DataFrame(rows)


# --- checks --------------------------------------------------------------------------------------------
PUBLISHED_LABELS = {
    MATCH: ("✅ 一致", "✅ matches"),
    DIFFERS: ("⚠️ 不一致", "⚠️ differs"),
    "not computable": ("❔ 无法计算", "❔ not computable"),
}


def _signed(x: float) -> str:
    text = number_text(abs(x), min(decimals(abs(x)), 2))
    return ("+" if x > 0 else "−") + text if x else "0"


def published_label(row: dict[str, Any] | pd.Series, lang: str = "zh") -> str:
    """The status of a check_published row as icon + words (+ difference or reason)."""
    en = lang == "en"
    status = row["status"]
    label = PUBLISHED_LABELS.get(status, ("", ""))[1 if en else 0]
    if status == DIFFERS:
        return f"{label} ({'difference' if en else '差值'} {_signed(float(row['difference']))})"
    if status != MATCH:
        reason = str(row.get("reason") or "")
        zh, _, english = reason.partition(" / ")
        return f"{label} ({english or zh if en else zh})"
    return label


# --- chart data for the press page (aggregates: county and townships, never villages or households) ----
def employment_by_township(b: Bundle, as_of: dt.date) -> pd.DataFrame:
    """township, placed, target of the as-of year (the employment metric's own township table)."""
    from lulong_data.metrics.employment import employment_by_township as by_township

    df = by_township(b, as_of=as_of, year=as_of.year)
    return df[["township_code", "township", "placed", "target"]].reset_index(drop=True)


def monitoring_by_category(b: Bundle, as_of: dt.date) -> pd.DataFrame:
    """category, monitored_households, eliminated_households (households, county-wide)."""
    from lulong_data.metrics.monitoring import breakdown

    df = breakdown(b, as_of=as_of, by="category")
    return df[["category", "monitored_households", "eliminated_households"]].reset_index(drop=True)


def env_lists_by_township(b: Bundle, as_of: dt.date) -> tuple[str | None, pd.DataFrame]:
    """(list month, township, red, black): villages per township on the month's lists, every township."""
    lists = environment.month_lists(b, as_of=as_of)
    names = b.frames["townships"][["township_code", "name"]].rename(columns={"name": "township"})
    out = names.copy()
    for key, frame in (("red", lists.red), ("black", lists.black)):
        counts = frame.groupby("township_code").size().rename(key)
        out = out.merge(counts, left_on="township_code", right_index=True, how="left")
        out[key] = out[key].fillna(0).astype("int64")
    return lists.period, out.sort_values("township_code").reset_index(drop=True)
