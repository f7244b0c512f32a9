"""Every number of a Chinese text, read the way a press officer reads it (no data, no Streamlit).

:func:`read` finds each number with what surrounds it: the unit and its magnitude (户, 人, 万人, 亿元, %,
个百分点), approximate wording (5400余户, 近5500户, 约41万人, 超过9000人, 不足5000户), ranges (4000—4100人),
Chinese numerals (五千四百余户, 四十点八万人, 百分之九十六点八), and what is not a figure at all: years
(2022年), dates (7月27日, 2022-07-26), issue numbers (第12期), document numbers (卢政〔2022〕1号, 1号文件),
ordinals (第一位) and names (“131”服务, 4G). It also reads the context a figure needs to be checked: the
year or date it is stated for (2021年…, 今年…, 截至6月30日…), whether it is a change (比去年增加74人,
提高0.3个百分点) and the 由…提高到… construction (the first number is last year's).

Positions index the text as given: full-width digits are read as digits without shifting anything.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field

# --- characters ----------------------------------------------------------------------------------------
_FULLWIDTH = str.maketrans("０１２３４５６７８９．％～", "0123456789.%~")
CN_DIGITS = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
CN_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_BIG = {"万": 10_000, "亿": 100_000_000}
_CN = "〇零一二两三四五六七八九十百千万亿点"

SENTENCE_END = "。!?;!?;\n"
CLAUSE_END = SENTENCE_END + ",,、::()()\u3000 "  # a space parts a headline's two halves
_OPEN_PAREN, _CLOSE_PAREN = "((", "))"
_QUOTES = {"“": "”", "‘": "’", "《": "》", "〈": "〉", '"': '"', "「": "」", "『": "』"}

# Units a figure can carry, longest first so 个百分点 wins over 个 and 人次 over 人.
UNITS = (
    "个百分点",
    "百分点",
    "元/人·月",
    "元/人/月",
    "元/月/人",
    "元/人·年",
    "元/人/年",
    "元/人",
    "元/月",
    "元/年",
    "人次",
    "户次",
    "个月",
    "周岁",
    "公里",
    "%",
    "户",
    "人",
    "名",
    "位",
    "个",
    "项",
    "期",
    "次",
    "场",
    "份",
    "条",
    "类",
    "档",
    "步",
    "天",
    "年",
    "家",
    "所",
    "座",
    "处",
    "台",
    "套",
    "批",
    "例",
    "亩",
    "吨",
    "间",
    "元",
    "分",
    "村",
    "岁",
    "支",
    "队",
    "团",
    "篇",
    "件",
    "起",
    "张",
    "册",
    "棵",
    "米",
)
_UNIT_RE = "|".join(re.escape(u) for u in UNITS)

# Approximate wording. Prefixes and suffixes map to one of: over (余/多/超/逾), near, about, under,
# atleast, atmost. See lulong_data.textcheck.agrees for what each brackets.
PREFIXES = {
    "将近": "near",
    "接近": "near",
    "近": "near",
    "大约": "about",
    "约": "about",
    "超过": "over",
    "超": "over",
    "逾": "over",
    "高于": "over",
    "不足": "under",
    "不到": "under",
    "少于": "under",
    "低于": "under",
    "不少于": "atleast",
    "不低于": "atleast",
    "至少": "atleast",
    "不超过": "atmost",
    "最多": "atmost",
    "不高于": "atmost",
}
_PREFIX_RE = "|".join(sorted(PREFIXES, key=len, reverse=True))
SUFFIXES = {"以上": "over", "以下": "atmost", "左右": "about", "上下": "about"}

_ARABIC = r"\d+(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_CN_NUM = f"[{_CN}]+"
FIGURE = re.compile(
    rf"(?P<pre>{_PREFIX_RE})?"
    rf"(?P<pct>百分之)?"
    rf"(?P<num>{_ARABIC}|{_CN_NUM})"
    rf"(?:(?P<mag1>万|亿)?(?P<unit1>{_UNIT_RE})?\s*(?P<rsep>[-—–~至到])\s*(?P<num2>{_ARABIC}))?"
    rf"(?P<post1>余|多)?"
    rf"(?P<mag>万|亿)?"
    rf"(?P<post2>余|多)?"
    rf"(?P<unit>{_UNIT_RE})?"
    rf"(?P<post3>以上|以下|左右|上下|多)?"
)

# Not figures. Order matters: the first pattern to claim a span wins.
_CN_DIGIT = "〇零一二三四五六七八九"
_FUNCTION_WORDS = ("根据", "按照", "依据", "依照", "印发", "转发", "执行", "落实", "参照", "见", "据")
DOCNO = re.compile(
    r"(?P<prefix>[\u4e00-\u9fff]{1,6})?[〔\[［【(（]\s*(?:19|20)\d{2}\s*[〕\]］】)）]\s*第?\s*\d+\s*号"
    r"|\d+\s*号文件?"
    r"|第\s*\d+\s*号"
)
ISSUE = re.compile(rf"第\s*(?:\d+|[{_CN_DIGIT}十百]+)\s*期")
ORDINAL = re.compile(rf"第\s*(?:\d+|[{_CN_DIGIT}两十百千]+)\s*(?:[个位名次届场批条款项章节轮季])?")
YEAR_RANGE = re.compile(r"(?:19|20)\d{2}\s*[-—–~至到]\s*(?:19|20)\d{2}\s*年度?")
ISO_DATE = re.compile(r"(?:19|20)\d{2}[-/.]\d{1,2}[-/.]\d{1,2}|(?:19|20)\d{2}-\d{1,2}(?![\d.])")
DATE = re.compile(
    r"(?P<year>(?:19|20)\d{2}年)?(?P<month>\d{1,2})月(?P<tail>\d{1,2}日|份|底|末|初|上旬|中旬|下旬)?"
    rf"|(?P<cyear>[{_CN_DIGIT}]{{4}}年)(?P<cmonth>[一二三四五六七八九十]{{1,2}})月(?P<cday>[一二三四五六七八九十]{{1,3}}日)?"
    r"|(?<![\d.])(?P<day>\d{1,2})日"
)
YEAR = re.compile(rf"(?:19|20)\d{{2}}\s*年度?|[{_CN_DIGIT}]{{4}}年")
NAME_LATIN = re.compile(r"\d+[A-Za-z]+")
# A list number at the start of a line: "1.记者:", "2、", "(3)".
LIST_NUMBER = re.compile(r"(?m)(?<=^)[ \t\u3000]*(?P<n>\d{1,2}[.、.)](?!\d)|[((]\d{1,2}[))])")
CODE = re.compile(r"(?<![\d.])\d{7,}(?![\d.])")

# Context words.
RELATIVE_YEARS = {
    "今年": 0,
    "本年": 0,
    "年内": 0,
    "当年": 0,
    "本年度": 0,
    "去年": -1,
    "上年": -1,
    "上一年": -1,
    "前年": -2,
}
_RELATIVE_RE = re.compile("|".join(sorted(RELATIVE_YEARS, key=len, reverse=True)))
_COMPARE_BEFORE = re.compile(r"(?:相比|相较|较之|同比|比|较|与)(?:于)?\s*$")
_YEAR_END = re.compile(r"^(?:的)?(?:年末|年底|末|底)")
_CHANGE_VERB = re.compile(
    r"(?P<verb>增加|增长|提高|提升|上升|扩大|减少|下降|降低|回落|缩小|增|减|降|多|少)(?:了)?\s*$"
)
_NEGATIVE = ("减少", "下降", "降低", "回落", "缩小", "减", "降", "少")
_FROM_TO = re.compile(
    r"(?:由|从)(?P<first>[^,,。;;]*?)(?:提高|增加|增长|上升|提升|扩大|延长|下降|减少|降低|缩短|调整|调高|调低)"
    r"(?:了)?(?:到|为|至)"
)
_AS_OF_MARK = re.compile(r"截至|截止|到")
_PLANNED = re.compile(r"计划|预计|力争|拟|预期")
_HALF_YEAR = re.compile(r"上半年")


@dataclass(frozen=True)
class Token:
    """One number of the text (or a year, date, 期号, 文号, ordinal, name that looks like one).

    ``value`` is the number as written in units of ``scale`` (5400 for 5400余户, 40.8 for 40.8万人, 1.5 for
    1.5亿元); ``high`` the upper end of a range; ``decimals`` the decimals written; ``unit`` the unit after
    the magnitude ("户", "人", "元/人", "%", "个百分点", "" for a bare count such as 12乡镇).
    """

    text: str
    start: int
    end: int
    kind: str  # figure | year | date | issue | docno | ordinal | name | code
    value: float | None = None
    high: float | None = None
    decimals: int = 0
    scale: float = 1.0
    unit: str = ""
    approx: str | None = None  # over | near | about | under | atleast | atmost

    @property
    def magnitude(self) -> str:
        return {1e4: "万", 1e8: "亿"}.get(self.scale, "")

    @property
    def written_unit(self) -> str:
        """The unit with its magnitude as the text has it: 万人, 亿元, 户."""
        return self.magnitude + self.unit


@dataclass(frozen=True)
class Context:
    """What the sentence says about a figure: its year, its date, a list month, and whether it is a change."""

    year: int  # the year the figure is stated for
    explicit_year: bool  # the text names the year (2021年, 去年…) rather than defaulting to as-of
    date: dt.date  # the date the figure stands at (截至…), default the text's as-of date
    month: str | None = None  # YYYY-MM when the sentence names a month (2022年7月检查中…)
    change: int = 0  # +1 an increase, -1 a decrease, 0 a level
    base_year_end: bool = False  # a change on the end of the previous year (比上年末) rather than a year ago
    base_year: int | None = None  # the year a change is counted from when the text names it (相比2020年)
    aside: bool = False  # inside parentheses: its wording is its own, not the sentence's
    same_period: bool = False  # 同期/同比/同月: a year-to-date figure (a month's list) compared with the same
    # date (the same month) a year before
    part: bool = False  # its clause opens with 其中: a part of the figure before it, never that figure
    planned: bool = False  # 计划/预计/力争/拟: a plan, not what happened


@dataclass(frozen=True)
class Piece:
    """A sentence of the text and its clauses (offsets into the whole text)."""

    start: int
    end: int
    clauses: tuple[tuple[int, int], ...] = field(default=())


# --- Chinese numerals ------------------------------------------------------------------------------------
def cn_number(text: str) -> float | None:
    """一万二千 -> 12000, 四十点八 -> 40.8, 两千四百三十四 -> 2434, 十二 -> 12; None for a malformed one
    (十二五, 二〇二二 outside a year)."""
    if not text:
        return None
    whole, _, frac = text.partition("点")
    if frac and not all(c in CN_DIGITS for c in frac):
        return None
    total, section, digit, last = 0, 0, None, None
    for ch in whole:
        if ch in "零〇" and last in ("unit", "big"):
            continue  # 一百零三: a zero between places
        if ch in CN_DIGITS:
            if digit is not None and last == "digit":
                return None  # two digits in a row: 十二五, 二〇二二
            digit, last = CN_DIGITS[ch], "digit"
        elif ch in CN_UNITS:
            section += (1 if digit is None else digit) * CN_UNITS[ch]
            digit, last = None, "unit"
        elif ch in CN_BIG:
            section += digit or 0
            total += (section or 1) * CN_BIG[ch]
            section, digit, last = 0, None, "big"
        else:
            return None
    value = total + section + (digit or 0)
    if frac:
        value = float(f"{value}." + "".join(str(CN_DIGITS[c]) for c in frac))
    return float(value)


def _cn_year(text: str) -> int:
    return int("".join(str(CN_DIGITS[c]) for c in text[:4]))


# --- sentences and clauses ------------------------------------------------------------------------------
def pieces(text: str) -> list[Piece]:
    """Sentences (split at 。!?; and line ends) with their clauses (split further at ,、:)."""
    out, start = [], 0
    for i, ch in enumerate(text + "\n"):
        if ch in SENTENCE_END or i == len(text):
            if i > start:
                clauses, c0 = [], start
                for j in range(start, i + 1):
                    if j == i or text[j] in CLAUSE_END:
                        if j > c0:
                            clauses.append((c0, j))
                        c0 = j + 1
                out.append(Piece(start, i, tuple(clauses)))
            start = i + 1
    return out


def _quoted_spans(text: str) -> list[tuple[int, int]]:
    """Spans inside quotation marks and book-title marks: “131”服务, 《…》 — names, not figures."""
    spans, i = [], 0
    while i < len(text):
        close = _QUOTES.get(text[i])
        if close:
            j = text.find(close, i + 1)
            if j != -1 and j - i <= 60:
                spans.append((i + 1, j))
                i = j + 1
                continue
        i += 1
    return spans


# --- reading -----------------------------------------------------------------------------------------------
def _decimals(num: str) -> int:
    return len(num.partition(".")[2]) if "." in num else 0


def _arabic(num: str) -> float:
    return float(num.replace(",", ""))


def read(text: str) -> list[Token]:
    """Every number of ``text`` in order, each as a :class:`Token`."""
    norm = text.translate(_FULLWIDTH)
    taken = [False] * len(norm)
    tokens: list[Token] = []

    def free(a: int, b: int) -> bool:
        return not any(taken[a:b])

    def claim(a: int, b: int, kind: str, **kw) -> None:
        for k in range(a, b):
            taken[k] = True
        tokens.append(Token(text[a:b], a, b, kind, **kw))

    for m in DOCNO.finditer(norm):
        a = m.start()
        prefix = m.groupdict().get("prefix") or ""
        for word in _FUNCTION_WORDS:  # 根据冀民〔2021〕35号: the number is 冀民〔2021〕35号
            k = prefix.rfind(word)
            if k != -1:
                a = m.start() + k + len(word)
                prefix = prefix[k + len(word) :]
        if free(a, m.end()):
            claim(a, m.end(), "docno")
    for m in LIST_NUMBER.finditer(norm):
        claim(*m.span("n"), "ordinal")
    for pattern, kind in ((ISSUE, "issue"), (ORDINAL, "ordinal")):
        for m in pattern.finditer(norm):
            if free(m.start(), m.end()) and m.end() > m.start() + 1:
                claim(m.start(), m.end(), kind)
    for m in YEAR_RANGE.finditer(norm):
        if free(m.start(), m.end()):
            claim(m.start(), m.end(), "year")
    for m in ISO_DATE.finditer(norm):
        if free(m.start(), m.end()):
            claim(m.start(), m.end(), "date")
    for m in DATE.finditer(norm):
        if m.group("month") is not None:
            month = int(m.group("month"))
            before = norm[m.start() - 1] if m.start() else ""
            if not 1 <= month <= 12 or before.isdigit() or before == ".":
                continue
        if free(m.start(), m.end()):
            claim(m.start(), m.end(), "date")
    for m in YEAR.finditer(norm):
        if free(m.start(), m.end()) and not (m.start() and norm[m.start() - 1].isdigit()):
            claim(m.start(), m.end(), "year")
    for a, b in _quoted_spans(norm):
        for m in re.finditer(r"\d+(?:\.\d+)?", norm[a:b]):
            if free(a + m.start(), a + m.end()):
                claim(a + m.start(), a + m.end(), "name")
        for k in range(a, b):
            taken[k] = True  # Chinese numerals in a name (“四个不摘”) are not figures either
    for m in NAME_LATIN.finditer(norm):
        if free(m.start(), m.end()) and not (m.start() and norm[m.start() - 1].isdigit()):
            claim(m.start(), m.end(), "name")
    for m in CODE.finditer(norm):
        if free(m.start(), m.end()):
            claim(m.start(), m.end(), "code")

    pos = 0
    while pos < len(norm):
        m = FIGURE.search(norm, pos)
        if m is None:
            break
        token = _figure(text, norm, m, free)
        if token is None:
            pos = m.start("num") + 1 if m.start("num") >= pos else m.end()
            pos = max(pos, m.start() + 1)
            continue
        claim(token.start, token.end, "figure", **_fields(token))
        pos = token.end
    return sorted(tokens, key=lambda t: t.start)


def _fields(t: Token) -> dict:
    return {
        "value": t.value,
        "high": t.high,
        "decimals": t.decimals,
        "scale": t.scale,
        "unit": t.unit,
        "approx": t.approx,
    }


def _figure(text: str, norm: str, m: re.Match, free) -> Token | None:
    num = m.group("num")
    start, end = m.start(), m.end()
    if not free(m.start("num"), m.end("num")):
        return None
    if m.start("num") and (norm[m.start("num") - 1].isdigit() or norm[m.start("num") - 1] == "."):
        return None
    scale = {None: 1.0, "万": 1e4, "亿": 1e8}[m.group("mag")]
    high = None
    chinese = not num[0].isdigit()
    if chinese:
        if m.group("rsep"):
            return None
        digits = num
        # A trailing 万/亿 of the numeral is its magnitude: 四十点八万人 = 40.8 × 万 (precision 0.1万).
        if digits[-1] in CN_BIG and m.group("mag") is None:
            scale, digits = float(CN_BIG[digits[-1]]), digits[:-1]
        if not digits:  # 近万人: the magnitude alone, only with approximate wording
            if not m.group("pre"):
                return None
            value = 1.0
        else:
            if len(digits) == 1 and scale == 1.0 and not m.group("pct"):
                return None  # 一是, 三级, 两不愁, 三个方面: words, not figures
            value = cn_number(digits)
            if value is None:
                return None
        decimals = _decimals(digits.replace("点", "."))
    else:
        value, decimals = _arabic(num), _decimals(num)
        if m.group("rsep"):
            # 600元至650元: both ends may carry the unit (then it must be the same)
            if m.group("unit1") and m.group("unit") and m.group("unit1") != m.group("unit"):
                return None
            # 由9个月到10个月 is a change of value, not a range
            if (
                re.search(r"(?:由|从)\s*$", norm[max(0, start - 3) : m.start("num")])
                and m.group("rsep") in "至到"
            ):
                return None
            high = _arabic(m.group("num2"))
            if m.group("mag1"):
                scale = {"万": 1e4, "亿": 1e8}[m.group("mag1")]
    unit = "%" if m.group("pct") else (m.group("unit") or "")
    if m.group("pct") and m.group("unit"):
        return None
    if m.group("unit") is None and m.group("rsep") is None and m.group("unit1"):
        unit = m.group("unit1")
    approx = PREFIXES.get(m.group("pre") or "")
    for post in ("post1", "post2"):
        if m.group(post):
            approx = approx or "over"
    if m.group("post3"):
        approx = approx or SUFFIXES.get(m.group("post3"), "over")
    if chinese and not unit:
        return None  # a Chinese numeral without a unit is a word (千方百计), not a figure
    if not free(start, end):
        # Something else (a date, a name) begins inside: keep only the number itself.
        end = m.end("num")
        while end > m.start("num") and not free(m.start("num"), end):
            end -= 1
        if end <= m.start("num"):
            return None
        return Token(text[m.start("num") : end], m.start("num"), end, "figure", value, None, decimals)
    return Token(text[start:end], start, end, "figure", value, high, decimals, scale, unit, approx)


# --- context -----------------------------------------------------------------------------------------------
def _date_of(token: Token, base_year: int) -> tuple[dt.date | None, str | None, int | None]:
    """(date a date token points at — the last day for a month —, YYYY-MM, year) of a date/year token."""
    s = token.text.translate(_FULLWIDTH)
    m = re.fullmatch(r"((?:19|20)\d{2})[-/.](\d{1,2})(?:[-/.](\d{1,2}))?", s)
    if m:
        y, mo = int(m.group(1)), int(m.group(2))
        day = int(m.group(3)) if m.group(3) else calendar.monthrange(y, mo)[1]
        return _safe_date(y, mo, day), f"{y:04d}-{mo:02d}", y
    m = DATE.fullmatch(s)
    if m and m.group("month"):
        y = int(m.group("year")[:4]) if m.group("year") else base_year
        mo = int(m.group("month"))
        tail = m.group("tail") or ""
        if tail.endswith("日"):
            day = int(tail[:-1])
        elif tail in ("初", "上旬"):
            day = 10 if tail == "上旬" else 1
        elif tail == "中旬":
            day = 20
        else:
            day = calendar.monthrange(y, mo)[1]
        return _safe_date(y, mo, day), f"{y:04d}-{mo:02d}", y if m.group("year") else None
    if m and m.group("cyear"):
        y, mo = _cn_year(m.group("cyear")), int(cn_number(m.group("cmonth")) or 1)
        day = int(cn_number(m.group("cday")[:-1]) or 1) if m.group("cday") else calendar.monthrange(y, mo)[1]
        return _safe_date(y, mo, day), f"{y:04d}-{mo:02d}", y
    m = re.match(r"((?:19|20)\d{2})", s)
    if m:
        return None, None, int(m.group(1))
    m = re.match(f"([{_CN_DIGIT}]{{4}})年", s)
    if m:
        return None, None, _cn_year(m.group(1))
    return None, None, None


def _safe_date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def contexts(text: str, tokens: list[Token], as_of: dt.date) -> dict[int, Context]:
    """The :class:`Context` of every figure token (keyed by its start offset)."""
    norm = text.translate(_FULLWIDTH)
    out: dict[int, Context] = {}
    for piece in pieces(text):
        inside = [t for t in tokens if piece.start <= t.start < piece.end]
        # Year and date markers of the sentence, in order: (offset, year, date, month, is_base, year_end)
        marks: list[tuple[int, int | None, dt.date | None, str | None, bool, bool]] = []
        for t in inside:
            if t.kind in ("year", "date"):
                date, month, year = _date_of(t, as_of.year)
                before = norm[max(piece.start, t.start - 4) : t.start]
                is_base = bool(_COMPARE_BEFORE.search(before))
                year_end = bool(_YEAR_END.match(norm[t.end : t.end + 3]))
                if date is None and year is not None and year < as_of.year and not is_base:
                    # 2021年…: a stock stated for an earlier year stands at that year's end
                    date = dt.date(year, 12, 31)
                marks.append((t.start, year, date, month, is_base, year_end))
        for m in _RELATIVE_RE.finditer(norm, piece.start, piece.end):
            before = norm[max(piece.start, m.start() - 4) : m.start()]
            is_base = bool(_COMPARE_BEFORE.search(before))
            year = as_of.year + RELATIVE_YEARS[m.group()]
            year_end = bool(_YEAR_END.match(norm[m.end() : m.end() + 3]))
            date = dt.date(year, 12, 31) if year < as_of.year and not is_base else None
            marks.append((m.start(), year, date, None, is_base, year_end))
        for m in _HALF_YEAR.finditer(norm, piece.start, piece.end):
            marks.append((m.start(), None, dt.date(as_of.year, 6, 30), None, False, False))
        marks.sort()
        from_to = [
            (m.start("first"), m.end("first")) for m in _FROM_TO.finditer(norm, piece.start, piece.end)
        ]
        for t in inside:
            if t.kind != "figure":
                continue
            year, explicit, date, month = as_of.year, False, as_of, None
            for off, y, d, mo, is_base, _ in marks:
                if off >= t.start or is_base:
                    continue
                if any(a <= off < b <= t.start for a, b in from_to):
                    continue  # 由上年的9个月延长至10个月: 上年 is the first number's year, not the second's
                if y is not None:
                    year, explicit = y, True
                    date = d if d is not None else (as_of if y >= as_of.year else dt.date(y, 12, 31))
                if (
                    d is not None
                    and _AS_OF_MARK.search(norm[max(piece.start, off - 3) : off])
                    or (d is not None and y is None)
                ):
                    date = d
                if mo is not None:
                    month = mo
            date = min(date, as_of)  # a text cannot state a figure beyond its own date
            # 由600元提高到650元: the first number is the earlier year's unless a year is named for it
            for a, b in from_to:
                if a <= t.start < b and not any(a <= off < t.start for off, *_ in marks):
                    year, explicit = year - 1, True
                    date = dt.date(year, 12, 31) if year < as_of.year else date
            change, year_end, base_year = 0, False, None
            before = norm[max(piece.start, t.start - 6) : t.start]
            verb = _CHANGE_VERB.search(before)
            if verb and not before[: verb.start()].endswith("新"):
                change = -1 if verb.group("verb") in _NEGATIVE else 1
                year_end = any(ye for off, *_, ye in marks if off < t.start) or bool(
                    re.search(r"年末|年底|年初", norm[piece.start : t.start])
                )
                bases = [
                    y for off, y, _, _, is_base, _ in marks if is_base and off < t.start and y is not None
                ]
                base_year = bases[-1] if bases else None
            depth = 0
            for ch in norm[piece.start : t.start]:
                depth += (ch in _OPEN_PAREN) - (ch in _CLOSE_PAREN)
            same = bool(change) and bool(re.search(r"同期|同比|同月", norm[piece.start : t.start]))
            clause = next(((a, b) for a, b in piece.clauses if a <= t.start < b), (piece.start, piece.end))
            part = norm[clause[0] : t.start].lstrip().startswith("其中")
            planned = bool(_PLANNED.search(norm[clause[0] : t.start]))
            out[t.start] = Context(
                year, explicit, date, month, change, year_end, base_year, depth > 0, same, part, planned
            )
    return out
