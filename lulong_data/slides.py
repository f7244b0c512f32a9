"""A 16:9 PowerPoint deck of chosen charts (python-pptx; no Streamlit).

One chart per slide. The title, the unit, the source and the as-of date are real text boxes (editable,
searchable, readable by a screen reader), not pixels of the picture; the picture is the chart alone. The
fonts are named for Chinese Windows (黑体 for titles, 微软雅黑 for the rest) with the East Asian slot set,
so PowerPoint does not fall back to a Latin font for the Chinese text. In demo mode every slide carries
"样例数据" across it.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass

from PIL import Image

TITLE_FONT = "黑体"
TEXT_FONT = "微软雅黑"
SLIDE_W_EMU, SLIDE_H_EMU = 12_192_000, 6_858_000  # 13.333 in × 7.5 in: 16:9
PICTURE_PX = (820, 380)  # chart size for a slide: small in pixels, so its lettering is large on screen


@dataclass(frozen=True)
class Slide:
    title: str
    unit: str
    source: str
    png: bytes  # the chart alone (lulong_data.images.bare_image)
    note: str = ""  # e.g. the schematic-map notice


def _font(run, name: str, size_pt: float, *, bold: bool = False, color: tuple[int, int, int] | None = None):
    from pptx.dml.color import RGBColor
    from pptx.oxml.ns import qn
    from pptx.util import Pt

    font = run.font
    font.name = name  # the Latin slot
    font.size = Pt(size_pt)
    font.bold = bold
    if color:
        font.color.rgb = RGBColor(*color)
    rpr = run._r.get_or_add_rPr()
    for tag in ("a:ea", "a:cs"):  # the East Asian slot decides the font of Chinese characters
        el = rpr.find(qn(tag))
        if el is None:
            el = rpr.makeelement(qn(tag), {})
            rpr.append(el)
        el.set("typeface", name)


def _text(slide, text: str, left, top, width, height, *, size: float, font: str = TEXT_FONT, **kw):
    from pptx.util import Emu

    box = slide.shapes.add_textbox(Emu(left), Emu(top), Emu(width), Emu(height))
    frame = box.text_frame
    frame.word_wrap = True
    lines = text.split("\n")
    for i, line in enumerate(lines):
        p = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = p.add_run()
        run.text = line
        _font(run, font, size, **kw)
    return box


def _watermark(slide, text: str) -> None:
    box = _text(
        slide,
        text,
        SLIDE_W_EMU // 2 - 3_000_000,
        SLIDE_H_EMU // 2 - 700_000,
        6_000_000,
        1_400_000,
        size=96,
        font=TITLE_FONT,
        bold=True,
        color=(0xF4, 0xD4, 0xD4),
    )
    box.rotation = -30
    box.name = "watermark"


def charts_pptx(
    slides: Sequence[Slide],
    *,
    deck_title: str,
    as_of: dt.date,
    watermark: str | None = None,
) -> bytes:
    """A cover slide (``deck_title`` and the date) and one slide per chart, 16:9."""
    from pptx import Presentation
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Emu

    prs = Presentation()
    prs.slide_width, prs.slide_height = Emu(SLIDE_W_EMU), Emu(SLIDE_H_EMU)
    blank = prs.slide_layouts[6]
    when = f"数据截至{as_of.year}年{as_of.month}月{as_of.day}日"

    cover = prs.slides.add_slide(blank)
    if watermark:  # first: every other shape is drawn over it
        _watermark(cover, watermark)
    box = _text(
        cover, deck_title, 600_000, 2_300_000, SLIDE_W_EMU - 1_200_000, 1_400_000, size=40, font=TITLE_FONT
    )
    box.text_frame.paragraphs[0].alignment = PP_ALIGN.CENTER
    box.name = "title"
    sub = _text(cover, when, 600_000, 3_900_000, SLIDE_W_EMU - 1_200_000, 600_000, size=24)
    sub.text_frame.paragraphs[0].alignment = PP_ALIGN.CENTER

    margin = 457_200  # 0.5 in
    for s in slides:
        slide = prs.slides.add_slide(blank)
        if watermark:
            _watermark(slide, watermark)
        title = _text(
            slide, s.title, margin, 250_000, SLIDE_W_EMU - 2 * margin, 700_000, size=30, font=TITLE_FONT
        )
        title.name = "title"
        if s.unit:
            unit = _text(slide, f"单位:{s.unit}", margin, 930_000, 4_000_000, 400_000, size=16)
            unit.name = "unit"
        top, bottom = 1_350_000, 750_000
        with Image.open(io.BytesIO(s.png)) as im:
            w_px, h_px = im.size
        max_w, max_h = SLIDE_W_EMU - 2 * margin, SLIDE_H_EMU - top - bottom
        scale = min(max_w / w_px, max_h / h_px)
        w, h = int(w_px * scale), int(h_px * scale)
        pic = slide.shapes.add_picture(
            io.BytesIO(s.png), Emu((SLIDE_W_EMU - w) // 2), Emu(top), Emu(w), Emu(h)
        )
        pic.name = "chart"
        foot = f"数据来源:{s.source}\u3000\u3000{when}" + (f"\u3000\u3000{s.note}" if s.note else "")
        footer = _text(
            slide, foot, margin, SLIDE_H_EMU - bottom + 150_000, SLIDE_W_EMU - 2 * margin, 450_000, size=14
        )
        footer.name = "footer"
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()
