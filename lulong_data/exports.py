"""Files the dashboard hands out: spreadsheets, Word documents (and, later, chart images)."""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

# A spreadsheet cell starting with one of these is run as a formula by Excel/WPS (CSV/formula
# injection; the full-width forms are turned into ASCII by some Chinese input paths). Exported cells are
# data, never formulas.
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
# A plain number ("-5", "+3.25", "1e-3") is not a formula: it stays as it is, so it stays a number.
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def safe_cell(value: object) -> object:
    """Neutralise text that Excel/WPS would run as a formula by prefixing an apostrophe (text cells only:
    numbers, negative ones included, are returned unchanged)."""
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells and headers are formula-safe (numeric columns untouched)."""
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_numeric_dtype(s) or pd.api.types.is_datetime64_any_dtype(s):
            continue
        if isinstance(s.dtype, pd.CategoricalDtype):
            s = s.astype(object)
        out[col] = s.map(safe_cell)
    out.columns = [str(safe_cell(str(c))) for c in out.columns]
    return out


_safe_frame = safe_frame  # the old private name


def to_xlsx(
    sheets: pd.DataFrame | Mapping[str, pd.DataFrame],
    *,
    title: str | None = None,
    notes: Sequence[str] = (),
) -> bytes:
    """One or several frames as an XLSX workbook; text cells are formula-safe.

    ``title`` (e.g. "数据截至 2022-07-26") goes in the first row above the table so a printed sheet
    says what it is; ``notes`` (e.g. "2027年节假日安排未导入,按周一至周五估算。") one per row below it.
    """
    if isinstance(sheets, pd.DataFrame):
        sheets = {"数据": sheets}
    lines = ([title] if title else []) + list(notes)
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        for name, df in sheets.items():
            start = len(lines) + 1 if lines else 0
            safe_frame(df).to_excel(writer, sheet_name=name[:31], index=False, startrow=start)
            ws = writer.sheets[name[:31]]
            for row, line in enumerate(lines, start=1):
                ws.cell(row=row, column=1, value=safe_cell(line))
            for i, col in enumerate(df.columns, start=1):
                width = max([len(str(col))] + [len(str(v)) for v in df[col].head(200)]) + 2
                ws.column_dimensions[ws.cell(row=start + 1, column=i).column_letter].width = min(
                    width * 1.6, 60
                )
    return buf.getvalue()


# --- Word documents (通报, 调度材料, 新闻稿) ----------------------------------------------------------
# Word picks the font of Chinese characters from w:eastAsia only; python-docx's ``font.name`` sets the
# Latin slots, so without this the Chinese text falls back to whatever the reader's Word likes (docs/pitfalls.md).
# Theme attributes (w:eastAsiaTheme, ...) win over explicit names in Word, so they are removed.
BODY_FONT = "仿宋"  # 公文 body (GB/T 9704 uses 仿宋_GB2312; 仿宋 ships with every Chinese Windows)
TITLE_FONT = "宋体"
HEADING_FONT = "黑体"
LATIN_FONT = "Times New Roman"
# Names Word/LibreOffice may use when the first choice is missing (font table w:altName).
FONT_FALLBACKS = {"仿宋": "Noto Serif CJK SC", "宋体": "SimSun", "黑体": "Noto Sans CJK SC"}
_THEME_ATTRS = ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme")


def set_fonts(element, east_asian: str, latin: str = LATIN_FONT) -> None:
    """Set Latin and East Asian font names on a style, run or rPrDefault element (its w:rPr)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rpr = element if element.tag == qn("w:rPr") else element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in _THEME_ATTRS:
        fonts.attrib.pop(qn(f"w:{attr}"), None)
    for attr, name in (("ascii", latin), ("hAnsi", latin), ("cs", latin), ("eastAsia", east_asian)):
        fonts.set(qn(f"w:{attr}"), name)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")


def declare_fallbacks(doc, fallbacks: Mapping[str, str] | None = None) -> None:
    """Font-table entries naming an alternative for each Chinese font (read by Word and LibreOffice)."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml import OxmlElement, parse_xml
    from docx.oxml.ns import qn
    from lxml import etree

    try:
        part = doc.part.part_related_by(RT.FONT_TABLE)
    except KeyError:
        return  # a template without a font table: the names alone still work
    # python-docx keeps the font table as an opaque blob: parse, extend, write back.
    table = parse_xml(part.blob)
    known = {f.get(qn("w:name")) for f in table.findall(qn("w:font"))}
    for name, alt in (FONT_FALLBACKS if fallbacks is None else fallbacks).items():
        if name in known:
            continue
        font = OxmlElement("w:font")
        font.set(qn("w:name"), name)
        alt_el = OxmlElement("w:altName")
        alt_el.set(qn("w:val"), alt)
        charset = OxmlElement("w:charset")
        charset.set(qn("w:val"), "86")  # GB2312
        font.append(alt_el)
        font.append(charset)
        table.append(font)
    part._blob = etree.tostring(table, xml_declaration=True, encoding="UTF-8", standalone=True)


def new_document(*, body_font: str = BODY_FONT, body_pt: float = 14) -> Any:
    """An A4 python-docx Document with 公文 margins and Chinese fonts on every style used.

    Margins follow GB/T 9704 (top 37 mm, bottom 35 mm, left 28 mm, right 26 mm). Normal text is
    ``body_font``; headings 黑体; tables inherit Normal.
    """
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt, RGBColor

    doc = Document()
    for section in doc.sections:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
    # Document defaults carry theme fonts in the stock template: replace them too.
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault")) if defaults is not None else None
    if rpr_default is not None and rpr_default.find(qn("w:rPr")) is not None:
        set_fonts(rpr_default.find(qn("w:rPr")), body_font)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(body_pt)
    set_fonts(normal.element, body_font)
    for name, size in (("Title", 22), ("Heading 1", 16), ("Heading 2", 14)):
        style = doc.styles[name]
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.color.rgb = RGBColor(0, 0, 0)  # the template's blue reads as a hyperlink in print
        set_fonts(style.element, TITLE_FONT if name == "Title" else HEADING_FONT)
    declare_fallbacks(doc)
    return doc


def add_paragraph(
    doc: Any, text: str, *, bold: bool = False, align: str | None = None, font: str | None = None
):
    """A Normal paragraph; ``align`` is "center", "right" or None; the run carries the East Asian font."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    p = doc.add_paragraph()
    run = p.add_run(text)
    run.bold = bold
    set_fonts(run._r, font or BODY_FONT)
    if align:
        p.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}[align]
    return p


def add_title(doc: Any, text: str):
    """The document title: centred, 宋体 22 pt bold (二号), Title style so outlines find it."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    p = doc.add_paragraph(style="Title")
    run = p.add_run(text)
    set_fonts(run._r, TITLE_FONT)
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return p


def add_heading(doc: Any, text: str, level: int = 1):
    p = doc.add_heading(level=level)
    run = p.add_run(text)
    set_fonts(run._r, HEADING_FONT)
    return p


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def add_table(doc: Any, df: pd.DataFrame, *, font_pt: float = 10.5, font: str | None = None):
    """``df`` as a bordered table with a bold header row repeated on every page; cells as plain text."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    table = doc.add_table(rows=1, cols=len(df.columns))
    table.style = "Table Grid"
    header = table.rows[0]
    repeat = OxmlElement("w:tblHeader")  # repeat the header row after a page break
    repeat.set(qn("w:val"), "true")
    header._tr.get_or_add_trPr().append(repeat)
    rows = [[str(c) for c in df.columns]] + [[_cell_text(v) for v in r] for r in df.itertuples(index=False)]
    widths = _column_widths(doc, rows)
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width  # the grid: LibreOffice/WPS read this, Word reads the cell widths
    for i, values in enumerate(rows):
        cells = header.cells if i == 0 else table.add_row().cells
        for cell, value, width in zip(cells, values, widths, strict=True):
            cell.width = width
            p = cell.paragraphs[0]
            run = p.add_run(value)
            run.font.size = Pt(font_pt)
            run.bold = i == 0
            set_fonts(run._r, font or BODY_FONT)
            if i == 0:
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return table


def _text_width(text: str) -> int:
    # A CJK character is about twice as wide as a Latin one.
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _column_widths(doc: Any, rows: list[list[str]]) -> list[int]:
    """Column widths (EMU) proportional to the longest text, capped so one long column cannot crush the rest."""
    section = doc.sections[-1]
    usable = section.page_width - section.left_margin - section.right_margin
    need = [max(6, min(30, max(_text_width(r[i]) for r in rows))) for i in range(len(rows[0]))]
    return [int(usable * n / sum(need)) for n in need]


def docx_bytes(doc: Any) -> bytes:
    """The document as .docx bytes (for st.download_button)."""
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


# --- demo mode ---------------------------------------------------------------------------------------------
DEMO_MARK = "样例数据"


def demo_mode(folder, settings=None) -> bool:
    """Whether files exported now come from fictitious data: open mode, or the bundled sample folder.

    Every picture, slide and document exported in demo mode carries :data:`DEMO_MARK`, so a sample
    figure pasted into a real document gives itself away.
    """
    from lulong_data import access
    from lulong_data.settings import get_settings

    s = settings or get_settings()
    return s.auth_mode == "open" or access.is_sample_folder(folder)


def demo_mark(folder, settings=None) -> str | None:
    """:data:`DEMO_MARK` when files exported now come from fictitious data (:func:`demo_mode`), else None:
    the ``watermark`` of a picture, slide or document."""
    return DEMO_MARK if demo_mode(folder, settings) else None
