"""Check every number of a Chinese text against the data and what was already said in public.

The text may be the generated draft, a 发布词 written elsewhere, a newspaper draft or a .docx. Each number
(:mod:`lulong_data.textnumbers`) is matched to a figure by meaning: the wording around it (each figure's
phrases, :mod:`lulong_data.phrases`) and its unit, within its clause first and then its sentence; among
figures worded alike, the value decides. The figure is evaluated at the number's own date (2021年…, 截至
6月30日…, 今年…) and compared the way it is written: exactly at the decimals written, or bracketed by
approximate wording (余/多/超/逾: [n, 1.1n); 近: [0.95n, n); 约/左右: within 5 %; 不足: [0.9n, n)). A change
(比去年增加74人, 提高0.3个百分点, 同比增长3.8%) is compared with the change of the figure on the year before.

Verdicts: ``data`` (agrees with the data), ``published`` (agrees with a published figure — newest first —
but not with the data, e.g. the data moved on since), ``mismatch`` (with the right value and its source),
``unchecked`` (with the reason) and ``not_a_figure`` (years, dates, 期号, 文号, ordinals, names).

No Streamlit here: the page, the Word export and ``python -m lulong_data checktext`` all call :func:`check`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import inspect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

import pandas as pd

from lulong_data import phrases as phrase_mod
from lulong_data import textnumbers as tn

if TYPE_CHECKING:
    from lulong_data.bundle import Bundle

DATA, PUBLISHED, MISMATCH, UNCHECKED, NOT_A_FIGURE = (
    "data",
    "published",
    "mismatch",
    "unchecked",
    "not_a_figure",
)
VERDICTS = (DATA, PUBLISHED, MISMATCH, UNCHECKED, NOT_A_FIGURE)
LABELS = {
    DATA: ("√ 与数据一致", "√ agrees with the data"),
    PUBLISHED: ("√ 与已发布一致", "√ agrees with a published figure"),
    MISMATCH: ("× 不一致", "× contradicts"),
    UNCHECKED: ("○ 无法核对", "○ not checkable"),
    NOT_A_FIGURE: ("— 非统计数字", "— not a figure"),
}
KIND_NAMES = {
    "year": ("年份", "year"),
    "date": ("日期", "date"),
    "issue": ("期号", "issue number"),
    "docno": ("文号", "document number"),
    "ordinal": ("序数", "ordinal"),
    "name": ("名称中的数字", "part of a name"),
    "code": ("编码", "code"),
}


# --- inputs ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Published:
    """A figure said in public: what was said, its value and unit, the date it stands at, where it was said.

    ``metric`` names the registry figure it reproduces (``name`` or ``name:k=v``) when there is one.
    ``recorded`` orders two statements of one date (the newer wins).
    """

    id: str
    statement: str
    value: float
    unit: str
    as_of: dt.date
    source: str = ""
    metric: str | None = None
    recorded: dt.datetime | None = None


def published_from_frame(df: pd.DataFrame | None, default_as_of: dt.date | None = None) -> list[Published]:
    """The ``published_figures`` dataset as :class:`Published` rows (rows without a value are skipped)."""
    if df is None or df.empty:
        return []
    out = []
    for r in df.to_dict("records"):
        value = r.get("value")
        if value is None or pd.isna(value):
            continue
        when = r.get("as_of")
        as_of = pd.Timestamp(when).date() if when is not None and not pd.isna(when) else default_as_of
        if as_of is None:
            continue
        metric = r.get("metric")
        out.append(
            Published(
                id=str(r.get("figure_id") or ""),
                statement=str(r.get("statement") or ""),
                value=float(value),
                unit=str(r.get("unit") or ""),
                as_of=as_of,
                source=str(r.get("source") or ""),
                metric=None if metric is None or pd.isna(metric) or not str(metric).strip() else str(metric),
            )
        )
    return out


# --- output ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Finding:
    """One number of the text and its check."""

    text: str  # as written: "5400余户"
    start: int
    end: int
    verdict: str
    value: float | None = None  # the right value in the text's own unit and magnitude (None: not known)
    source: str | None = None  # metric spec (employment_placed:year=2022), published id (P06), or None
    unit: str = ""  # the text's unit with its magnitude: 万人, 户, %
    label: str = ""  # what the number was read as: 脱贫户数, 年份
    note: str = ""  # a 公文 sentence: the data value and date, the published figure, why not checkable
    note_en: str = ""
    kind: str = "figure"  # figure | year | date | issue | docno | ordinal | name | code
    data_value: float | None = None  # the data's value (text's unit), when computed
    published: tuple[str, ...] = ()  # ids of the published figures compared
    # Whom a press officer asks about the figure: the responsible department's full name (the registry's,
    # as the 口径 names it; an indicator's reporting department), the period the figure stands for
    # (2022年1月1日至7月26日, 截至2022年6月30日) and, for a figure only said in public, where it was said.
    department: str = ""
    period: str = ""
    publication: str = ""

    def to_json(self) -> dict[str, Any]:
        value = self.value
        if value is not None and float(value).is_integer():
            value = int(value)
        return {
            "text": self.text,
            "verdict": self.verdict,
            "value": value,
            "source": self.source,
            "unit": self.unit,
            "label": self.label,
            "note": self.note,
            "start": self.start,
            "end": self.end,
        }

    def source_text(self, lang: str = "zh") -> str:
        """The 来源 of the 核对单: "卢龙县人力资源和社会保障局(2022年1月1日至7月26日)"; a figure known only
        from a publication: "已发布:秦皇岛日报(截至2022年7月26日)"; "" when nothing is known (an unmatched
        number). English: the department's English name (the period is in the note)."""
        if lang == "en":
            from lulong_data.departments import DEPARTMENTS_EN

            return DEPARTMENTS_EN.get(self.department, self.department) or (
                f"published: {self.publication}" if self.publication else ""
            )
        who = self.department or (f"已发布:{self.publication}" if self.publication else "")
        return f"{who}({self.period})" if who and self.period else who

    def right_text(self) -> str:
        """The right value as it should be written: "5494户", "2700万元" (empty when not known)."""
        if self.value is None:
            return ""
        return f"{format_number(self.value)}{self.unit}"


def format_number(value: float) -> str:
    """17.0 -> "17", 0.20000001 -> "0.2" (at most 4 decimals, trailing zeros dropped)."""
    q = Decimal(repr(float(value))).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    text = f"{q:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def summary(findings: Iterable[Finding]) -> dict[str, int]:
    """Counts per verdict (every verdict present, zero when none)."""
    out = dict.fromkeys(VERDICTS, 0)
    for f in findings:
        out[f.verdict] += 1
    return out


def summary_text(findings: Sequence[Finding], lang: str = "zh") -> str:
    """ "共核对数字12个:与数据一致9个,与已发布一致1个,不一致1个,无法核对1个。" (years etc. not counted)."""
    s = summary(findings)
    total = sum(v for k, v in s.items() if k != NOT_A_FIGURE)
    if lang == "en":
        return (
            f"{total} numbers checked: {s[DATA]} agree with the data, {s[PUBLISHED]} with a published figure, "
            f"{s[MISMATCH]} contradict, {s[UNCHECKED]} not checkable."
        )
    return (
        f"共核对数字{total}个:与数据一致{s[DATA]}个,与已发布一致{s[PUBLISHED]}个,"
        f"不一致{s[MISMATCH]}个,无法核对{s[UNCHECKED]}个。"
    )


# --- units -------------------------------------------------------------------------------------------------
def family(unit: str, scale: float = 1.0) -> tuple[str, float]:
    """(unit family, multiplier to its base): 万人 -> (人, 1e4); 元/人·月 -> (元, 1); 个百分点 -> (pp, 1)."""
    u = (unit or "").strip().replace("％", "%")
    if len(u) > 1 and u[0] in "万亿":
        scale *= 1e4 if u[0] == "万" else 1e8
        u = u[1:]
    if u.startswith("千元"):
        scale, u = scale * 1e3, u[1:]
    if u.startswith("元"):
        return "元", scale
    if u in ("名", "位", "人"):
        return "人", scale
    if u in ("", "个", "村", "个村", "座"):
        return "个", scale
    if u in ("百分点", "个百分点"):
        return "pp", scale
    return u, scale


def _round(value: float, places: int) -> Decimal:
    exact = Decimal(repr(float(value))).quantize(Decimal("1e-9"), rounding=ROUND_HALF_UP)
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def agrees(token: tn.Token, value: float, sign: int = 1) -> bool:
    """Whether ``value`` (in the token's unit and magnitude) is what the token says.

    ``sign`` is −1 for a decrease (减少207人 claims −207).
    """
    if token.value is None:
        return False
    if sign < 0:
        value = -value
    if value < 0 and token.approx is None and token.high is None:
        return False
    n, d = token.value, token.decimals
    if token.high is not None:
        return Decimal(repr(n)) <= _round(value, d) <= Decimal(repr(token.high))
    a = token.approx
    if a is None:
        return _round(value, d) == _round(n, d)
    # Bounds multiplied out (5400 × 1.1 is 5940.000000000001 in floating point).
    if a == "over":
        return n <= value and value * 10 < n * 11
    if a == "near":
        return value * 100 >= n * 95 and value < n
    if a == "about":
        return abs(value - n) * 100 <= n * 5
    if a == "under":
        return value * 10 >= n * 9 and value < n
    if a == "atleast":
        return value >= n
    if a == "atmost":
        return value <= n
    raise ValueError(f"unknown approximation {a!r}")


# --- what a number can mean --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Meaning:
    """A figure a number may stand for: a registry metric (with categorical parameters), a reported
    indicator, or a published statement with no metric behind it."""

    key: str  # "poverty_households", "assistance_new_persons:scheme=农村低保", "indicator:name=…", "published:R01"
    label: str
    phrases: tuple[str, ...]
    unit: str
    kind: str  # metric | indicator | published
    yearly: bool = False
    takes_period: bool = False
    change_metric: str | None = None  # a registered metric giving this figure's change on the year before


@dataclass
class _Eval:
    verdict: str
    value: float | None = None
    source: str | None = None
    note: str = ""
    note_en: str = ""
    data_value: float | None = None
    published: tuple[str, ...] = ()
    period: str = ""  # the period of the figure the number was compared with (data or published)


@dataclass
class Checker:
    """Checks texts against one bundle and one list of published figures (reusable for many texts)."""

    b: Bundle
    published: Sequence[Published] = ()
    as_of: dt.date | None = None
    _values: dict[tuple[str, dt.date], tuple[float | None, str]] = field(default_factory=dict)
    _panels: dict[dt.date, pd.DataFrame] = field(default_factory=dict)

    def __post_init__(self) -> None:
        from lulong_data.metrics.registry import METRICS, lookup

        lookup("township_count")  # fills the registry
        self.as_of = self.as_of or self.b.as_of
        self.metrics = METRICS
        self.meanings = self._meanings()

    # -- meanings --
    def _meanings(self) -> list[Meaning]:
        out: list[Meaning] = []
        for key, words in phrase_mod.phrase_table(self.metrics).items():
            name = key.partition(":")[0]
            if name.endswith("_change") and name[: -len("_change")] in self.metrics:
                continue  # the change of another figure (see change_metric)
            m = self.metrics[name]
            params = inspect.signature(m.fn).parameters
            label = getattr(m, "label_zh", None) or m.title_zh
            extra = key.partition(":")[2]
            if extra:
                label += f"({extra.partition('=')[2]})"
            change = f"{name}_change" if f"{name}_change" in self.metrics else None
            out.append(
                Meaning(
                    key, label, tuple(words), m.unit, "metric", "year" in params, "period" in params, change
                )
            )
        if self.b.has("indicators"):
            df = self.b.frames["indicators"]
            county = df[df["township_code"].isna()]
            for name, rows in county.groupby("indicator", sort=True):
                unit = rows["unit"].dropna()
                out.append(
                    Meaning(
                        f"indicator:name={name}",
                        str(name),
                        phrase_mod.indicator_phrases(str(name)),
                        str(unit.iloc[-1]) if len(unit) else "",
                        "indicator",
                    )
                )
        for p in self.published:
            if p.metric is None:
                out.append(
                    Meaning(f"published:{p.id}", p.statement, _statement_phrases(p), p.unit, "published")
                )
        return out

    # -- data --
    def _metric_value(self, spec: str, date: dt.date) -> tuple[float | None, str, str]:
        """(value, why missing, the period it stands for) of a metric spec at ``date``; cached."""
        from lulong_data.metrics.registry import evaluate

        key = (spec, date)
        if key not in self._values:
            try:
                fig = evaluate(self.b, spec, as_of=date)
                value = None if fig.value is None or pd.isna(fig.value) else float(fig.value)
                why = "" if value is not None else (fig.missing.zh if fig.missing else "数据不足,无法计算")
                when = fig.period.text("zh")
            except Exception as exc:  # noqa: BLE001 - a figure that fails is not checkable, the text still is
                value, why, when = None, f"计算出错({type(exc).__name__})", ""
            self._values[key] = (value, why, when)
        return self._values[key]

    def _indicator(self, name: str, date: dt.date) -> tuple[float | None, str, str]:
        """(value, unit, period) of a county indicator at ``date`` (the latest period on or before it)."""
        from lulong_data.metrics.indicators import indicator_panel

        if date not in self._panels:
            self._panels[date] = indicator_panel(self.b, date)
        panel = self._panels[date]
        rows = panel[panel["indicator"] == name]
        if rows.empty:
            return None, "", ""
        r = rows.iloc[0]
        return float(r["value"]), str(r["unit"] or ""), str(r["period"])

    def _spec(
        self, meaning: Meaning, ctx: tn.Context, year: int | None = None, month: str | None = None
    ) -> str:
        params = []
        base = meaning.key
        if meaning.yearly:
            params.append(f"year={year if year is not None else ctx.year}")
        if meaning.takes_period and (month or ctx.month):
            params.append(f"period={month or ctx.month}")
        if not params:
            return base
        return base + ("," if ":" in base else ":") + ",".join(params)

    def _value(
        self,
        meaning: Meaning,
        ctx: tn.Context,
        *,
        year: int | None = None,
        date: dt.date | None = None,
        month: str | None = None,
    ):
        """(value in the meaning's unit, unit, spec/source, date, why missing); ``month`` (YYYY-MM) names
        another list month than the sentence's."""
        date = date or ctx.date
        if meaning.kind == "indicator":
            name = meaning.key.partition("=")[2]
            value, unit, period = self._indicator(name, date)
            why = "" if value is not None else f"截至{_date_zh(date)}没有该项报送数据"
            return value, unit or meaning.unit, meaning.key, date, why, period
        spec = self._spec(meaning, ctx, year, month)
        value, why, when = self._metric_value(spec, date)
        return value, meaning.unit, spec, date, why, when

    # -- checking --
    def check(self, text: str) -> list[Finding]:
        tokens = tn.read(text)
        ctxs = tn.contexts(text, tokens, self.as_of)
        pieces = tn.pieces(text)
        out = []
        for t in tokens:
            if t.kind != "figure":
                zh, en = KIND_NAMES[t.kind]
                out.append(
                    Finding(
                        t.text,
                        t.start,
                        t.end,
                        NOT_A_FIGURE,
                        label=zh,
                        kind=t.kind,
                        note=f"{zh},不是统计数字",
                        note_en=f"a {en}, not a figure",
                    )
                )
                continue
            out.append(self._check_figure(text, t, ctxs[t.start], pieces))
        return out

    def _check_figure(self, text: str, t: tn.Token, ctx: tn.Context, pieces: list[tn.Piece]) -> Finding:
        fam, scale = family(t.unit, t.scale)
        base = Finding(t.text, t.start, t.end, UNCHECKED, unit=t.written_unit, kind="figure")
        piece = next(p for p in pieces if p.start <= t.start < p.end)
        clause = next(((a, b) for a, b in piece.clauses if a <= t.start < b), (piece.start, piece.end))
        kinds = (["pct"] if fam == "%" else ["pp"] if fam == "pp" else ["abs"]) if ctx.change else ["level"]
        scored = []
        for meaning in self.meanings:
            m_fam = family(meaning.unit)[0]
            for kind in kinds:
                if kind == "level" and m_fam != fam:
                    continue
                if kind == "abs" and (m_fam != fam or meaning.kind == "published"):
                    continue
                if kind == "pct" and meaning.kind == "published":
                    continue
                if kind == "pp" and (m_fam != "%" or meaning.kind == "published"):
                    continue
                c_cov, c_dist = _coverage(text, clause, meaning.phrases, t)
                # The sentence up to the end of the number's clause: a subject carries forward
                # (脱贫户940户、1721人), an aside in parentheses has only its own words.
                s_cov, s_dist = _coverage(text, (piece.start, clause[1]), meaning.phrases, t)
                if s_cov == 0 or ((ctx.aside or ctx.part) and c_cov == 0):
                    continue
                if ctx.planned and not any(w in meaning.label for w in ("目标", "计划", "任务")):
                    continue  # a plan is checked against a target, never against what happened
                # Wording in the clause decides; without any, the nearest wording before it in the sentence.
                score = (c_cov, 0, s_cov) if c_cov else (0, -s_dist, s_cov)
                scored.append((score, min(c_dist, s_dist), meaning, kind))
        if not scored:
            if ctx.planned:
                return replace(
                    base, note="计划数,不与实际数核对", note_en="a plan, not checked against what happened"
                )
            return replace(
                base,
                note="文中说法对应不到登记的指标或已发布数字,无法核对",
                note_en="the wording names no registered figure and no published one",
            )
        best = max(s for s, *_ in scored)
        ties = sorted((x for x in scored if x[0] == best), key=lambda x: x[1])
        results = [
            (meaning, kind, self._evaluate(t, ctx, meaning, kind, scale)) for _, _, meaning, kind in ties
        ]
        for wanted in (DATA, PUBLISHED, MISMATCH, UNCHECKED):
            for meaning, kind, r in results:
                if r.verdict == wanted:
                    label = meaning.label + ({"abs": "增减", "pct": "增幅", "pp": "增减"}.get(kind, ""))
                    return replace(
                        base,
                        verdict=r.verdict,
                        value=r.value,
                        source=r.source,
                        label=label,
                        note=r.note,
                        note_en=r.note_en,
                        data_value=r.data_value,
                        published=r.published,
                        period=r.period if r.verdict != UNCHECKED else "",
                        **self._answerable(r.source),
                    )
        raise AssertionError("unreachable")

    def _evaluate(self, t: tn.Token, ctx: tn.Context, meaning: Meaning, kind: str, scale: float) -> _Eval:
        sign = ctx.change or 1
        if kind == "level":
            data = self._level(t, ctx, meaning, scale)
        else:
            data = self._change(ctx, meaning, kind, scale)
        value, source, why, when = data
        pubs = self._published_for(meaning, ctx) if kind == "level" else self._published_change(meaning, ctx)
        checked = tuple(p.id for p in pubs)
        if value is not None and agrees(t, value, sign):
            note = f"数据为{format_number(_written(value, t.decimals))}{t.written_unit}({when})"
            differing = [p for p in pubs if not agrees(t, self._pub_value(p, scale), sign)]
            if differing:
                p = differing[0]
                note += f";已发布{p.id}为{format_number(self._pub_value(p, scale))}{t.written_unit}(截至{_date_zh(p.as_of)})"
            return _Eval(
                DATA, _written(value, t.decimals), source, note, "agrees with the data", value, checked, when
            )
        for p in pubs:
            pv = self._pub_value(p, scale)
            if agrees(t, pv, sign):
                note = f"与已发布{p.id}一致({p.source or '来源未注明'},截至{_date_zh(p.as_of)})"
                if value is not None:
                    note += f";数据现为{format_number(_written(value, t.decimals))}{t.written_unit}({when}),引用时请注明时间"
                return _Eval(
                    PUBLISHED, pv, p.id, note, f"agrees with published {p.id}", value, checked, _as_at(p)
                )
        if value is not None:
            right = _written(value, t.decimals)
            note = f"数据为{format_number(right)}{t.written_unit}({when})"
            if kind != "level":
                verb = "增加" if value >= 0 else "减少"
                note = f"数据为{verb}{format_number(abs(right))}{t.written_unit}({when})"
            if pubs:
                p = pubs[0]
                note += f";已发布{p.id}为{format_number(self._pub_value(p, scale))}{t.written_unit}"
            return _Eval(
                MISMATCH, right, source, note, f"the data say {format_number(right)}", value, checked, when
            )
        if pubs:
            p = pubs[0]
            pv = self._pub_value(p, scale)
            note = f"已发布{p.id}为{format_number(pv)}{t.written_unit}({p.source},截至{_date_zh(p.as_of)});{why or '无数据'}"
            return _Eval(
                MISMATCH,
                pv,
                p.id,
                note,
                f"published {p.id} says {format_number(pv)}",
                None,
                checked,
                _as_at(p),
            )
        return _Eval(
            UNCHECKED, None, source, why or "无数据,无法核对", "no data to check it against", None, checked
        )

    def _level(self, t: tn.Token, ctx: tn.Context, meaning: Meaning, scale: float):
        if meaning.kind == "published":
            return None, None, "无数据支撑的已发布数字", ""
        value, unit, source, date, why, period = self._value(meaning, ctx)
        if value is None:
            return None, source, why, ""
        if meaning.kind == "indicator":
            when = _period_zh(period) if period else f"截至{_date_zh(date)}"
        else:  # the registry's own period: 截至2022年7月26日, 2022年1月1日至7月26日, 2022年7月
            when = period or f"截至{_date_zh(date)}"
        return convert(value, unit, scale), source, why, when

    def _change(self, ctx: tn.Context, meaning: Meaning, kind: str, scale: float):
        """(change in the token's scale, source, why missing, when) of the figure on the year before."""
        y = ctx.year
        base = ctx.base_year if ctx.base_year is not None and ctx.base_year < y else y - 1
        if meaning.kind == "indicator":
            now = self._value(meaning, ctx)
            before = self._value(meaning, ctx, date=dt.date(base, 12, 31))
            desc = f"{_period_zh(now[5])}较{_period_zh(before[5])}" if now[5] and before[5] else ""
            source = meaning.key
        elif meaning.yearly:
            now = self._value(meaning, ctx, year=y)
            if ctx.same_period:  # 比上年同期: last year's figure at the same date
                before = self._value(meaning, ctx, year=base, date=_year_before(ctx.date))
                desc = f"{y}年较{base}年同期"
            else:  # 比上年: last year's figure for the year (a past year's figure stands for that year,
                # whatever the date it is read at: figures.period_end)
                before = self._value(meaning, ctx, year=base)
                desc = f"{y}年较{base}年"
            source = now[2]
            if base != y - 1 and not before[0]:
                return None, source, f"数据中没有{base}年的数字,无法核对与{base}年相比的变化", ""
            if kind == "abs" and meaning.change_metric and base == y - 1 and not ctx.same_period:
                spec = f"{meaning.change_metric}:year={y}"
                if ":" in meaning.key:
                    spec = meaning.change_metric + ":" + meaning.key.partition(":")[2] + f",year={y}"
                v, why, _ = self._metric_value(spec, ctx.date)
                if v is not None:
                    return convert(v, meaning.unit, scale), spec, "", desc
        elif meaning.takes_period and ctx.month and ctx.same_period:
            # 比上年同月: the same month's list of the year before, as it stood on the same date
            month = f"{int(ctx.month[:4]) - 1:04d}{ctx.month[4:]}"
            now = self._value(meaning, ctx)
            before = self._value(meaning, ctx, date=_year_before(ctx.date), month=month)
            desc = f"{_period_zh(ctx.month)}较{_period_zh(month)}"
            source = now[2]
        else:
            if ctx.base_year is not None and ctx.base_year < y - 1:
                base_date = dt.date(base, 12, 31)
            else:
                base_date = dt.date(y - 1, 12, 31) if ctx.base_year_end else _year_before(ctx.date)
            now = self._value(meaning, ctx)
            before = self._value(meaning, ctx, date=base_date)
            desc = f"截至{_date_zh(ctx.date)}较{_date_zh(base_date)}"
            source = now[2]
        if now[0] is None or before[0] is None:
            return None, source, now[4] or before[4] or "无上年数据,无法计算变化", ""
        a, b = now[0], before[0]
        if kind == "pct":
            if b == 0:
                return None, source, "上年为0,无法计算增幅", ""
            return (a / b - 1) * 100, f"{source}#pct_change", "", desc
        suffix = "#pp_change" if kind == "pp" else "#change"
        return convert(a - b, now[1], scale), f"{source}{suffix}", "", desc

    def _published_for(self, meaning: Meaning, ctx: tn.Context) -> list[Published]:
        """Published figures of the same meaning and year, stated at or before the number's date, newest first."""
        if meaning.kind == "published":
            pubs = [p for p in self.published if f"published:{p.id}" == meaning.key]
        else:
            pubs = []
            for p in self.published:
                if p.metric is None or p.as_of > ctx.date:
                    continue
                key, year = _published_key(p.metric)
                if key != meaning.key:
                    continue
                if meaning.yearly and (year or p.as_of.year) != ctx.year:
                    continue
                if not meaning.yearly and year is not None and year != ctx.year:
                    continue
                pubs.append(p)
        return sorted(pubs, key=lambda p: (p.as_of, p.recorded or dt.datetime.min), reverse=True)

    def _published_change(self, meaning: Meaning, ctx: tn.Context) -> list[Published]:
        """Published changes on the year before (a change counted from another year compares with none)."""
        if not meaning.change_metric or ctx.base_year not in (None, ctx.year - 1):
            return []
        change = Meaning(
            meaning.change_metric + meaning.key[len(meaning.key.partition(":")[0]) :],
            "",
            (),
            meaning.unit,
            "metric",
            True,
        )
        return self._published_for(change, ctx)

    def _answerable(self, source: str | None) -> dict[str, str]:
        """``department`` (and ``publication``) of the figure ``source`` names: a metric spec (a change's
        ``#…`` tail dropped), an indicator, or a published figure's id (its metric's department when it
        names one)."""
        if not source:
            return {}
        pub = next((p for p in self.published if p.id == source), None)
        if pub is not None:
            spec = pub.metric
            out = {"publication": pub.source or "来源未注明"}
        else:
            spec, out = source.partition("#")[0], {}
        if spec:
            from lulong_data.briefing import department_of

            # a published figure naming a metric the registry no longer has: its publication only
            with contextlib.suppress(KeyError, ValueError):
                out["department"] = department_of(self.b, spec)
        return out

    @staticmethod
    def _pub_value(p: Published, scale: float) -> float:
        return convert(p.value, p.unit, scale)


# --- helpers -------------------------------------------------------------------------------------------------
def convert(value: float, unit: str, scale: float) -> float:
    """``value`` in ``unit`` expressed in a text's magnitude ``scale`` (15000 万元 -> 1.5 for 亿元)."""
    _, unit_scale = family(unit)
    return value * unit_scale / scale


def _written(value: float, decimals: int) -> float:
    return float(_round(value, decimals))


def _date_zh(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _as_at(p: Published) -> str:
    return f"截至{_date_zh(p.as_of)}"


def _period_zh(period: str) -> str:
    """An indicator's period in words: 2022 -> 2022年, 2022-06 -> 2022年6月, 2022-06-30 -> 截至2022年6月30日."""
    parts = period.split("-")
    try:
        if len(parts) == 1:
            return f"{int(parts[0])}年"
        if len(parts) == 2:
            return f"{int(parts[0])}年{int(parts[1])}月"
        return "截至" + _date_zh(dt.date.fromisoformat(period))
    except ValueError:
        return period


def _year_before(d: dt.date) -> dt.date:
    try:
        return d.replace(year=d.year - 1)
    except ValueError:  # 29 February
        return d.replace(year=d.year - 1, day=28)


def _published_key(spec: str) -> tuple[str, int | None]:
    """A published figure's metric spec without year/period: the meaning it states, and its year."""
    from lulong_data.metrics.registry import parse_spec

    try:
        name, params = parse_spec(spec)
    except ValueError:
        return spec, None
    year = params.pop("year", None)
    period = params.pop("period", None)
    if year is None and period is not None and str(period)[:4].isdigit() and name == "indicator":
        year = int(str(period)[:4])
    params.pop("township", None)
    key = name + (":" + ",".join(f"{k}={v}" for k, v in params.items()) if params else "")
    return key, None if year is None else int(year)


def _statement_phrases(p: Published) -> tuple[str, ...]:
    """Wordings of a published statement with no metric: the words just before and after its number."""
    tokens = [t for t in tn.read(p.statement) if t.kind == "figure"]
    if not tokens:
        return (p.statement,)
    t = min(tokens, key=lambda x: abs((x.value or 0) * x.scale - p.value * family(p.unit)[1]))
    pieces = tn.pieces(p.statement)
    piece = next((x for x in pieces if x.start <= t.start < x.end), None)
    a, b = (piece.start, piece.end) if piece else (0, len(p.statement))
    for c0, c1 in piece.clauses if piece else ():
        if c0 <= t.start < c1:
            a, b = c0, c1
    before, after = p.statement[a : t.start], p.statement[t.end : b]
    out = [before[-k:] for k in range(2, len(before) + 1)] + [after[:k] for k in range(2, len(after) + 1)]
    return tuple(dict.fromkeys(x for x in out if x.strip())) or (p.statement,)


def _coverage(text: str, span: tuple[int, int], words: Sequence[str], t: tn.Token) -> tuple[int, int]:
    """(characters of ``span`` covered by the phrases, distance from the token to the nearest one)."""
    a, b = span
    covered: set[int] = set()
    dist = 10**6
    region = text[a:b]
    for w in words:
        if not w:
            continue
        i = region.find(w)
        while i != -1:
            s, e = a + i, a + i + len(w)
            if not (s >= t.start and e <= t.end):  # the number's own text is not its wording
                covered.update(range(s, e))
                dist = min(dist, t.start - e if e <= t.start else s - t.end if s >= t.end else 0)
            i = region.find(w, i + 1)
    return len(covered), dist


# --- entry points --------------------------------------------------------------------------------------------
def default_published(b: Bundle) -> list[Published]:
    """The published figures a check uses by default: the bundle's ``published_figures``."""
    if not b.has("published_figures"):
        return []
    return published_from_frame(b.frames["published_figures"], b.as_of)


def check(
    b: Bundle, text: str, *, as_of: dt.date | None = None, published: Sequence[Published] | None = None
) -> list[Finding]:
    """Every number of ``text`` checked against ``b`` at ``as_of`` (default: the data's date) and the
    published figures (default: the bundle's published_figures)."""
    pubs = default_published(b) if published is None else published
    return Checker(b, pubs, as_of).check(text)


def docx_text(data: bytes) -> str:
    """The text of a .docx (paragraphs, then table cells), one paragraph per line."""
    import io

    import docx

    doc = docx.Document(io.BytesIO(data))
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            lines.extend(cell.text for cell in row.cells)
    return "\n".join(lines)


def file_text(name: str, data: bytes) -> str:
    """The text of an uploaded file: a .docx read by :func:`docx_text`, anything else as UTF-8 (a byte that
    is not UTF-8 becomes U+FFFD and is then no digit)."""
    return docx_text(data) if name.lower().endswith(".docx") else data.decode("utf-8", "replace")


def located(found: Sequence[Sequence[Finding]], labels: Sequence[str]) -> tuple[list[Finding], list[str]]:
    """The findings of several texts (:func:`check_texts`) as one list, and for each the label of the text
    it was found in (the 通稿's headline and paragraphs)."""
    findings = [f for part in found for f in part]
    return findings, [label for label, part in zip(labels, found, strict=True) for _ in part]


def contradictions(findings: Iterable[Finding]) -> list[Finding]:
    """The numbers that disagree with the data or with what was published."""
    return [f for f in findings if f.verdict == MISMATCH]


# The columns of :func:`findings_frame`, headed by lulong_data.columns (table "press_check"): the responsible
# department and period (来源) for the press officer, the metric code (指标代码) last, for the data office.
CHECK_COLUMNS = ("no", "paragraph", "text", "verdict", "right_value", "figure", "source", "note", "spec")


def findings_frame(
    findings: Sequence[Finding], lang: str = "zh", *, where: Sequence[str] | None = None
) -> pd.DataFrame:
    """One row per number, by column key (:data:`CHECK_COLUMNS`; ``paragraph`` only when ``where`` names
    the paragraph of each finding, same length) — the page's table and the Word file's 核对单."""
    en = lang == "en"
    rows = [
        {
            "no": i,
            "paragraph": where[i - 1] if where is not None else "",
            "text": f.text,
            "verdict": LABELS[f.verdict][1 if en else 0],
            "right_value": f.right_text() if f.verdict == MISMATCH else "",
            "figure": f.label,
            "source": f.source_text(lang),
            "note": (f.note_en or f.note) if en else f.note,
            "spec": f.source or "",
        }
        for i, f in enumerate(findings, start=1)
    ]
    keys = [k for k in CHECK_COLUMNS if k != "paragraph" or where is not None]
    return pd.DataFrame(rows, columns=list(CHECK_COLUMNS))[keys]


def findings_table(
    findings: Sequence[Finding], lang: str = "zh", *, where: Sequence[str] | None = None
) -> pd.DataFrame:
    """:func:`findings_frame` with its headers (序号, (段落,) 文中数字, 核对结果, 正确值, 指标, 来源, 说明, 指标代码)."""
    from lulong_data.columns import header

    df = findings_frame(findings, lang, where=where)
    return df.rename(columns={k: header(k, lang, table="press_check") for k in df.columns})


def check_texts(
    b: Bundle,
    texts: Sequence[str],
    as_of: dt.date | None = None,
    published: Sequence[Published] | None = None,
) -> list[list[Finding]]:
    """:func:`check` of several texts (the paragraphs of one draft) with one set of figures."""
    pubs = default_published(b) if published is None else published
    checker = Checker(b, pubs, as_of)
    return [checker.check(text) for text in texts]
