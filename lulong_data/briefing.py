"""Draft press text whose every number comes from the 口径 registry, and the checks that keep it honest.

A paragraph is written per theme in the county's register (see the press conference in shared/seed).
Numbers are never typed into the templates: each one is ``registry.evaluate(b, spec, as_of=…)``, formatted
and remembered with its spec and position, so the press office (and the tests) can trace it back. A
sentence whose figure cannot be computed (a missing ledger) is left out rather than printed with "—".

The text may be edited on the page before export; ``lulong_data.textcheck`` then reads every number of
the edited text again, by its wording, and flags what no longer agrees with the data or with what was
already said in public.
"""

from __future__ import annotations

import calendar
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
from lulong_data.metrics.registry import METRICS, department_for, evaluate, lookup, parse_spec

if TYPE_CHECKING:
    from lulong_data.bundle import Bundle
    from lulong_data.figures import Period

# The briefing is titled with the county whose data it holds (lulong_data.county.name_of).
TITLE_TAIL = "巩固拓展脱贫攻坚成果同乡村振兴有效衔接工作情况"
# Decimals a figure is written with, by unit: the county writes 102%, 3.1%, 583.86万元, 40.8万人.
_UNIT_DIGITS = {"%": 1, "万元": 2, "万人": 1, "分": 1, "万元/月": 2}
_MARK = re.compile("\x00(\\d+)\x00")


# --- the draft -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Figure:
    """One number of a paragraph: the metric spec, its value, and the text written for it.

    A derived number (a change on the year before) has a spec with a ``#`` tail: ``spec#yoy``.
    """

    spec: str
    value: float
    text: str  # as written, e.g. "4019"
    digits: int  # decimals written
    start: int  # offsets of ``text`` in the paragraph
    end: int


@dataclass(frozen=True)
class Paragraph:
    theme: str  # key: headline_N, lead, monitoring, employment, welfare, education, health, environment
    title_zh: str
    title_en: str
    text: str
    figures: tuple[Figure, ...]
    omitted: tuple[str, ...] = ()  # specs that could not be computed: their sentences were left out
    department: str = ""  # the departments the paragraph cites, in order, joined by 、 (its attributions)


def part_label(p: Paragraph, lang: str = "zh") -> str:
    """The editor's label of a paragraph: its title, and how many sentences were left out for want of data."""
    n = len(p.omitted)
    if lang == "en":
        return p.title_en + (f" ({n} sentence(s) left out: no data)" if n else "")
    return p.title_zh + (f"(缺数据,省略{n}句)" if n else "")


@dataclass(frozen=True)
class Draft:
    """A 通稿: headline options, the 导语 (lead) and one body paragraph per theme, each with attribution."""

    as_of: dt.date
    title: str  # the first headline option
    paragraphs: tuple[Paragraph, ...]  # the body
    lead: Paragraph | None = None
    headlines: tuple[Paragraph, ...] = ()

    @property
    def parts(self) -> list[Paragraph]:
        """The lead and the body paragraphs, in reading order (what the editor shows)."""
        return ([self.lead] if self.lead is not None else []) + list(self.paragraphs)

    @property
    def figures(self) -> list[Figure]:
        return [f for p in self.parts for f in p.figures]


class _Missing(Exception):
    """A figure of the sentence cannot be computed: drop the sentence."""


def number_text(value: float, digits: int) -> str:
    """Half-up rounding to ``digits``, trailing zeros dropped (73.0 -> "73", 3.10 -> "3.1"), no separators."""
    q = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    text = f"{q:.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def default_digits(spec: str, value: float) -> int:
    name, _ = parse_spec(spec.partition("#")[0])
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
    _cache: dict[tuple[str, dt.date], tuple[float | None, Period | None]] = field(default_factory=dict)

    def _figure(self, spec: str, at: dt.date | None = None) -> tuple[float | None, Period | None]:
        key = (spec, at or self.as_of)
        if key not in self._cache:
            v, period = None, None
            try:
                # An absent ledger reads as zero to most metrics; in a press text that would be a false 0.
                if all(self.b.has(d) for d in lookup(spec).datasets):
                    fig = evaluate(self.b, spec, as_of=key[1])
                    v, period = fig.value, fig.period
            except Exception:  # noqa: BLE001 - any failure means "not computable": the sentence goes
                v = None
            self._cache[key] = (None if v is None or pd.isna(v) else float(v), period)
        return self._cache[key]

    def value(self, spec: str, at: dt.date | None = None) -> float | None:
        """The figure ``spec`` names at ``at`` (default: the draft's date); None when it cannot be computed."""
        return self._figure(spec, at)[0]

    def stated_at(self, spec: str) -> str:
        """ "截至6月底," when ``spec`` is a point-in-time figure of an earlier date than the draft's (an
        indicator reported for 30 June, issue 17 item 4), else "" (the release's own date covers it)."""
        period = self._figure(spec)[1]
        if period is None or period.start is not None or period.end >= self.as_of:
            return ""
        return _as_at_zh(period.end, self.as_of) + ","

    def __call__(self, spec: str, digits: int | None = None) -> str:
        v = self.value(spec)
        if v is None:
            raise _Missing(spec)
        return self.number(v, default_digits(spec, v) if digits is None else digits, spec)

    def number(self, value: float, digits: int, spec: str) -> str:
        """A marker for a number the sentence computed itself (a change), remembered under ``spec``."""
        self.figures.append((spec, value, digits))
        return f"\x00{len(self.figures) - 1}\x00"

    def change(
        self,
        spec: str,
        before: str,
        *,
        at: dt.date | None = None,
        since: str = "上年",
        unit: str = "人",
        points: bool = False,
        level: bool = False,
    ) -> str:
        """ "比上年同期增加533人" (``spec`` now against ``before`` at ``at``), or "" when either is missing.

        ``points``: a rate's change in 个百分点 (提高/下降); ``level``: a level such as a score, 提高/下降
        in ``unit``. Zero reads "与上年持平".
        """
        now, then = self.value(spec), self.value(before, at)
        if now is None or then is None or (then == 0 and not points):
            return ""
        period = self._figure(spec)[1]
        if at is not None and period is not None and period.end <= at:
            return ""  # the figure itself is of that date (an indicator last reported at the year's end)
        digits = default_digits(spec, now)
        delta = now - then
        if Decimal(number_text(abs(delta), digits)) == 0:
            return f"与{since}持平"
        up, down = ("提高", "下降") if points or level else ("增加", "减少")
        verb = up if delta > 0 else down
        tail = "个百分点" if points else unit
        return f"比{since}{verb}{self.number(abs(delta), digits, spec + '#yoy')}{tail}"


Sentence = Callable[[_Filler], str]


def _paragraph(
    b: Bundle,
    as_of: dt.date,
    theme: str,
    zh: str,
    en: str,
    sentences: list[Sentence],
    attribute: bool = False,
    speaker: str = "",
) -> Paragraph:
    """The sentences that can be computed, as one paragraph. ``attribute``: each figure is cited to the
    department that owns it (:func:`department_of`) — the first sentence with figures opens with
    "记者从…获悉,", a later one whose figures belong to another department with "据…统计," — so a paragraph
    never names an office as the source of a figure it does not own. ``speaker``: the department saying
    the paragraph (a bureau's 答问口径): its own figures need no citation, another's get "据…统计,"."""
    texts: list[str] = []
    raw: list[tuple[str, float, int]] = []
    omitted: list[str] = []
    cited: list[str] = []  # every attribution of the paragraph, in order
    said_by = speaker  # the attribution in force
    for sentence in sentences:
        f = _Filler(b, as_of)
        try:
            text = sentence(f)
        except _Missing as exc:
            omitted.append(exc.args[0])
            continue
        who = _attribution(b, tuple(spec.partition("#")[0] for spec, *_ in f.figures)) if attribute else ""
        if who and who != said_by:  # a sentence without figures, or with the same owner's, cites nobody
            text = (f"据{who}统计," if said_by else f"记者从{who}获悉,") + text
            said_by = who
            cited.append(who)
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
    text = "".join(out)
    return Paragraph(theme, zh, en, text, tuple(figures), tuple(omitted), "、".join(dict.fromkeys(cited)))


def _date_zh(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _as_at_zh(end: dt.date, as_of: dt.date) -> str:
    """截至6月底 / 截至6月15日 / 截至2021年底 / 截至2021年6月底 (the year only when it is not the release's)."""
    year = "" if end.year == as_of.year else f"{end.year}年"
    if end.month == 12 and end.day == 31 and year:
        return f"截至{year[:-1]}年底"
    if (end + dt.timedelta(days=1)).day == 1:
        return f"截至{year}{end.month}月底"
    return f"截至{year}{end.month}月{end.day}日"


def _year_before(d: dt.date) -> dt.date:
    try:
        return d.replace(year=d.year - 1)
    except ValueError:  # 29 February
        return d.replace(year=d.year - 1, day=28)


def _optional(text: str) -> str:
    """A change clause after a comma, or nothing when the change is not known."""
    return f",{text}" if text else ""


def _monitoring(b: Bundle, d: dt.date) -> list[Sentence]:
    year_end = dt.date(d.year - 1, 12, 31)

    def eliminated_sentence(f: _Filler) -> str:
        # 风险消除 counts both kinds (issue 17 item 2): the sentence says so instead of "通过帮扶", and
        # names each kind when both are known and add up.
        total = "eliminated_households"
        text = f"已有{f(total)}户标注“风险消除”" + _optional(
            f.change(total, total, at=year_end, since="上年末", unit="户")
        )
        assisted, natural = "eliminated_assisted_households", "eliminated_natural_households"
        a, n = f.value(assisted), f.value(natural)
        if a is not None and n is not None and a + n == f.value(total) and a and n:
            text += f",其中帮扶后稳定消除{f(assisted)}户、风险自然消除{f(natural)}户"
        return text + "。"

    # One sentence per owner (the county's divisions and population: 县人民政府; 脱贫人口: 乡村振兴局;
    # 监测对象: 防贫中心) so each is cited for its own figures.
    return [
        lambda f: (
            f"{name_of(b)}下辖{f('township_count')}个乡镇、{f('village_count')}个行政村,"
            f"户籍人口{f('registered_population')}万人。"
        ),
        lambda f: f"全县现有脱贫人口{f('poverty_households')}户{f('poverty_persons')}人。",
        # The county's own words (seed transcript: 乡村干部排查), not the national system's value 基层干部排查.
        lambda f: "全县畅通农户自主申报、乡村干部排查、部门筛查预警渠道,对符合条件的及时纳为监测对象。",
        lambda f: (
            f"目前尚未消除风险的监测对象{f('monitored_households')}户"
            f"{f('monitored_persons')}人,占农村人口的{f('monitored_persons_share', 2)}%。"
        ),
        eliminated_sentence,
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
    months0, subsidy0 = f"welfare_post_months:year={y - 1}", f"welfare_post_subsidy:year={y - 1}"

    def posts_sentence(f: _Filler) -> str:
        delta = f.value(change)
        if delta is None:
            raise _Missing(change)
        # The sign chooses the verb: "增加了−5人" is not how anyone writes. The increase is the news.
        if delta > 0:
            tail = f",比上年增加{f(change)}人"
        elif delta < 0:
            tail = f",比上年减少{f.number(-delta, 0, change)}人"
        else:
            tail = ",与上年持平"
        return f"今年安置乡村公益岗位{f(posts)}人{tail}。"

    def terms_sentence(f: _Filler) -> str:
        parts = []
        if f.value(months0) and f.value(months) != f.value(months0):
            verb = "延长至" if f.value(months) > f.value(months0) else "缩短为"
            parts.append(f"公益岗签订期限由上年的{f(months0)}个月{verb}{f(months)}个月")
        else:
            parts.append(f"公益岗签订期限为{f(months)}个月")
        if f.value(subsidy0) and f.value(subsidy) != f.value(subsidy0):
            verb = "提高到" if f.value(subsidy) > f.value(subsidy0) else "调整为"
            parts.append(f"月补贴由上年的{f(subsidy0)}元/人{verb}{f(subsidy)}元/人")
        else:
            parts.append(f"月补贴{f(subsidy)}元/人")
        return ",".join(parts) + "。"

    return [
        lambda f: (
            f"今年以来,全县脱贫劳动力实现就业{f(placed)}人"
            + _optional(
                f.change(placed, f"employment_placed:year={y - 1}", at=_year_before(d), since="上年同期")
            )
            + f",完成市下目标任务{f(target)}人的{f(rate, RATE_DIGITS)}%。"
        ),
        lambda f: f"坚持以培训促就业,今年已开展实用技术培训{f(sessions)}期{f(trained)}人。",
        posts_sentence,
        terms_sentence,
    ]


def _welfare(b: Bundle, d: dt.date) -> list[Sentence]:
    y = d.year
    new_dibao = f"assistance_new_persons:scheme=农村低保,year={y}"
    new_tekun = f"assistance_new_persons:scheme=特困供养,year={y}"
    dibao_hh, dibao_p = "assistance_households:scheme=农村低保", "assistance_persons:scheme=农村低保"
    tekun_p = "assistance_persons:scheme=特困供养"
    # the year's flow (households that stopped qualifying this year), as the county reports it (P20/P21)
    phaseout_h, phaseout_p = f"phaseout_flow_households:year={y}", f"phaseout_flow_persons:year={y}"
    year_end = dt.date(y - 1, 12, 31)
    return [
        lambda f: f"今年以来,全县新增农村低保对象{f(new_dibao)}人、特困人员{f(new_tekun)}人。",
        lambda f: f"目前全县保障农村低保对象{f(dibao_hh)}户{f(dibao_p)}人、特困供养人员{f(tekun_p)}人。",
        lambda f: (
            f"对不再符合低保条件的脱贫户{f(phaseout_h)}户、{f(phaseout_p)}人,"
            "给予不低于一年的渐退期,确保稳定脱贫。"
        ),
        lambda f: (
            f"截至目前,全县农村低保覆盖率为{f('dibao_coverage')}%"
            + _optional(
                f.change("dibao_coverage", "dibao_coverage", at=year_end, since="上年末", points=True)
            )
            + f";脱贫人口中农村低保和特困供养人员占{f('poverty_assistance_share', 0)}%,"
            "持续推动兜底保障应保尽保、应养尽养。"
        ),
    ]


def _education(b: Bundle, d: dt.date) -> list[Sentence]:
    y = d.year
    students, amount = f"student_aid_students:year={y}", f"student_aid_amount:year={y}"
    before = f"student_aid_students:year={y - 1}"

    def paid(f: _Filler) -> str:
        if f.value(students) == 0:  # nothing paid yet this year (before the spring term): no "0名…0万元"
            return ""
        return (
            f"今年以来已为{f(students)}名低收入家庭学生发放资助资金{f(amount)}万元"
            + _optional(
                f.change(students, before, at=_year_before(d), since="上年同期", unit="名").replace(
                    "比", "受资助学生比", 1
                )
            )
            + "。"
        )

    return [paid]


_IND = "indicator:name="


def _unless_same(f: _Filler, spec: str, previous: str) -> str:
    """:meth:`_Filler.stated_at` of ``spec``, or "" when the previous sentence's figure said the same date."""
    own = f.stated_at(spec)
    return "" if own == f.stated_at(previous) else own


def _health(b: Bundle, d: dt.date) -> list[Sentence]:
    year_end = dt.date(d.year - 1, 12, 31)
    teams, insured, pension = (
        _IND + n for n in ("家庭医生签约团队数", "城乡居民医保参保率", "养老保险覆盖率")
    )
    return [
        # Each says the date it was reported for when that is earlier than the release's; a sentence whose
        # date is the one just said does not repeat it.
        lambda f: (
            f"{f.stated_at(teams)}全县组建家庭医生签约团队{f(teams)}个"
            + _optional(f.change(teams, teams, at=year_end, since="上年末", unit="个"))
            + ",做到应签尽签。"
        ),
        lambda f: (
            f"{_unless_same(f, insured, teams)}全县城乡居民医保参保率{f(insured)}%"
            + _optional(f.change(insured, insured, at=year_end, since="上年末", points=True))
            + "。"
        ),
        lambda f: (
            f"{_unless_same(f, pension, insured)}养老保险覆盖率{f(pension)}%"
            + _optional(f.change(pension, pension, at=year_end, since="上年末", points=True))
            + "。"
        ),
    ]


def _month_end(period: str) -> dt.date:
    """The last day of a list month "YYYY-MM"."""
    year, month = int(period[:4]), int(period[5:7])
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def reported_month(b: Bundle, as_of: dt.date) -> tuple[str | None, bool]:
    """(list month, still running) that a news text reports: the last month whose inspections are over
    (the month in progress is a running count, not a result); only when there is none yet the running
    month, which the text then says is running. (None, False) without inspections."""
    months = environment.list_months(b, as_of=as_of) if b.has("environment_scores") else []
    over = [m for m in months if _month_end(m) <= as_of]
    if over:
        return over[-1], False
    return (months[-1], True) if months else (None, False)


def _environment(b: Bundle, d: dt.date) -> list[Sentence]:
    period, still_running = reported_month(b, d)
    if period is None:
        return []
    # The list month is named in the spec, so the figure means the same thing whenever it is re-checked.
    ym = f"{int(period[:4])}年{int(period[5:])}月"
    running = f"(检查尚未结束,为截至{d.month}月{d.day}日的结果)" if still_running else ""
    red, black, talk = (f"env_{k}_villages:period={period}" for k in ("red", "black", "talk"))
    mean = f"env_mean_score:period={period}"
    # the same month a year before, as its list stood on the same date (the checker reads 比上年同月 so)
    mean_before = f"env_mean_score:period={int(period[:4]) - 1:04d}{period[4:]}"

    def talks(f: _Filler) -> str:
        n = f.value(talk)
        if not n:
            return ""  # nobody to talk to: say nothing rather than "约谈0个村"
        return f"连续上黑榜的{f(talk)}个村列入约谈督导名单,限期整改。"  # the list, not a claim it took place

    return [
        lambda f: (
            "持续深化农村人居环境整治“红黑榜”机制,"
            f"{ym}检查中{running},全县受检村平均得分{f(mean)}分"
            + _optional(
                f.change(mean, mean_before, at=_year_before(d), since="上年同月", unit="分", level=True)
            )
            + f",{f(red)}个村登上红榜,{f(black)}个村列入黑榜。"
        ),
        talks,
    ]


# key, title (zh, en), sentences, the specs whose department answers for the theme at a press conference
# (press_package's 答问口径; the 通稿 cites each figure's own department, see _paragraph)
THEMES: tuple[tuple[str, str, str, Callable[[Bundle, dt.date], list[Sentence]], tuple[str, ...]], ...] = (
    ("monitoring", "防止返贫监测帮扶", "Monitoring and assistance", _monitoring, ("monitored_households",)),
    ("employment", "就业帮扶", "Employment", _employment, ("employment_placed",)),
    ("welfare", "兜底保障", "Social assistance", _welfare, ("phaseout_households",)),
    ("education", "教育帮扶", "Education", _education, ("student_aid_students",)),
    (
        "health",
        "健康帮扶和社会保障",
        "Health and social insurance",
        _health,
        (_IND + "家庭医生签约团队数", _IND + "城乡居民医保参保率", _IND + "养老保险覆盖率"),
    ),
    ("environment", "人居环境", "Living environment", _environment, ("env_red_villages",)),
)


def department_name(b: Bundle, raw: str) -> str:
    """A department's full name for print: 卢龙县人力资源和社会保障局 (never 县人社局); lulong_data.departments."""
    return full_name((raw or "").strip() or None, name_of(b)) or ""


def department_of(b: Bundle, spec: str) -> str:
    """The full name of the department responsible for the figure ``spec`` names (an indicator: the
    department that reported it)."""
    name, params = parse_spec(spec)
    if name == "indicator":
        row = _indicator_row(b, str(params.get("name")))
        raw = row.get("department")
        return "" if raw is None or pd.isna(raw) else department_name(b, str(raw))
    return department_for(METRICS[name], name_of(b)) if name in METRICS else ""


def _attribution(b: Bundle, specs: tuple[str, ...]) -> str:
    names = list(dict.fromkeys(filter(None, (department_of(b, s) for s in specs))))
    if len(names) > 1:  # 卢龙县卫生健康局、医疗保障局: the county is named once
        county = name_of(b)
        names = [names[0]] + [n.removeprefix(county) for n in names[1:]]
    return "、".join(names)


def _lead(b: Bundle, d: dt.date) -> list[Sentence]:
    y = d.year
    return [
        lambda f: (
            f"今年以来,{name_of(b)}坚持把防止返贫动态监测和帮扶作为巩固拓展脱贫攻坚成果的首要任务,"
            "守底线、抓发展、促振兴。"
        ),
        lambda f: (
            f"截至{d.month}月{d.day}日,全县脱贫劳动力实现就业{f(f'employment_placed:year={y}')}人,"
            f"完成市下目标任务的{f(f'employment_rate:year={y}', RATE_DIGITS)}%;"
            f"安置乡村公益岗位{f(f'welfare_post_persons:year={y}')}人"
            + (
                f",比上年增加{f(f'welfare_post_persons_change:year={y}')}人"
                if (f.value(f"welfare_post_persons_change:year={y}") or 0) > 0
                else ""
            )
            + "。"
        ),
    ]


def _headlines(b: Bundle, d: dt.date) -> list[tuple[str, Sentence]]:
    y, county = d.year, name_of(b)
    return [
        ("steady", lambda f: f"{county}扎实推进巩固拓展脱贫攻坚成果同乡村振兴有效衔接"),
        ("jobs", lambda f: f"{county}今年以来脱贫劳动力实现就业{f(f'employment_placed:year={y}')}人"),
        (
            "posts",
            lambda f: (
                f"{county}安置乡村公益岗位{f(f'welfare_post_persons:year={y}')}人\u3000"
                f"比上年增加{f(f'welfare_post_persons_change:year={y}')}人"
                if (f.value(f"welfare_post_persons_change:year={y}") or 0) > 0
                else ""
            ),
        ),
    ]


def draft(b: Bundle, as_of: dt.date) -> Draft:
    """The 通稿 at ``as_of``: headline options, a lead and one paragraph per theme (a theme with no computable
    sentence is empty), every figure cited to the department that owns it. Each paragraph names its sources
    afresh: a paragraph may be quoted on its own, and the one before it may have cited another office."""
    lead = _paragraph(b, as_of, "lead", "导语", "Lead", _lead(b, as_of), attribute=True)
    paragraphs = tuple(
        _paragraph(b, as_of, key, zh, en, build(b, as_of), attribute=True) for key, zh, en, build, _ in THEMES
    )
    headlines = tuple(
        p
        for key, sentence in _headlines(b, as_of)
        if (p := _paragraph(b, as_of, f"headline_{key}", "标题", "Headline", [sentence])).text
    )
    title = headlines[0].text if headlines else f"{name_of(b)}{TITLE_TAIL}"
    return Draft(as_of, title, paragraphs, lead, headlines)


def byline(b: Bundle) -> dict[str, str]:
    """Who issues the 通稿 and who prepared its data, for the Word file (briefing_doc.briefing_docx).

    ``issued_by``: the county's publishing office (发稿单位), the manifest's ``press_office`` — "" when the
    data folder does not name it (the 通稿 then says so; it is never guessed, and never the data office).
    ``prepared_by``: the manifest's ``prepared_by``, the office that prepared the data; it is credited in
    the annex, not cited as a source (each figure cites its own department, :func:`department_of`).
    """
    manifest = b.manifest or {}
    return {
        key: str(manifest.get(field) or "").strip()
        for key, field in (("issued_by", "press_office"), ("prepared_by", "prepared_by"))
    }


def title(b: Bundle) -> str:
    """The briefing's title: 卢龙县巩固拓展脱贫攻坚成果同乡村振兴有效衔接工作情况 for Lulong."""
    return name_of(b) + TITLE_TAIL


# --- what a figure is called -----------------------------------------------------------------------------
def spec_title(spec: str, lang: str = "zh") -> str:
    """A figure's name for a table: the metric title with its parameters, e.g. 脱贫人口和监测对象务工就业人数(2022年)."""
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


# The columns of :func:`figures_frame`, headed by lulong_data.columns (table "press_figures").
FIGURE_COLUMNS = ("figure", "value", "unit", "definition", "department", "frequency", "spec")


def figures_table(b: Bundle, d: Draft, lang: str = "zh") -> pd.DataFrame:
    """:func:`figures_frame` with its headers (指标, 数值, 单位, 口径, 来源, 更新频次, 指标代码) for a document."""
    from lulong_data.columns import header

    df = figures_frame(b, d, lang)
    return df.rename(columns={k: header(k, lang, table="press_figures") for k in FIGURE_COLUMNS})


def figures_frame(b: Bundle, d: Draft, lang: str = "zh") -> pd.DataFrame:
    """One row per figure of the draft with its 口径, by column key (:data:`FIGURE_COLUMNS`)."""
    en = lang == "en"
    rows, seen = [], set()
    for fig in d.figures:
        if fig.spec in seen:
            continue
        seen.add(fig.spec)
        spec, _, derived = fig.spec.partition("#")
        name, params = parse_spec(spec)
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
        label = spec_title(spec, lang)
        if derived:  # a change on the year before, computed from the figure above it
            label += " (change on the year before)" if en else "(较上年增减)"
            definition = (
                "The figure less the same figure a year before (or at the end of the previous year)."
                if en
                else "本项数值减去上年同期(或上年末)数值。"
            )
            if unit == "%":
                unit = "percentage points" if en else "个百分点"
        rows.append(
            {
                "figure": label,
                "value": fig.text,
                "unit": "" if pd.isna(unit) else str(unit),
                "definition": definition,
                "department": "" if pd.isna(dept) else department_name(b, str(dept)),
                "frequency": m.frequency,
                "spec": fig.spec,
            }
        )
    return pd.DataFrame(rows, columns=list(FIGURE_COLUMNS))


# --- checks --------------------------------------------------------------------------------------------
PUBLISHED_LABELS = {
    MATCH: ("√ 一致", "√ matches"),
    DIFFERS: ("× 不一致", "× differs"),
    "not computable": ("○ 无法计算", "○ not computable"),
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
    """(list month, township, red, black): villages per township on the lists of the month a news text
    reports (:func:`reported_month`), every township."""
    lists = environment.month_lists(b, as_of=as_of, period=reported_month(b, as_of)[0])
    names = b.frames["townships"][["township_code", "name"]].rename(columns={"name": "township"})
    out = names.copy()
    for key, frame in (("red", lists.red), ("black", lists.black)):
        counts = frame.groupby("township_code").size().rename(key)
        out = out.merge(counts, left_on="township_code", right_index=True, how="left")
        out[key] = out[key].fillna(0).astype("int64")
    return lists.period, out.sort_values("township_code").reset_index(drop=True)
