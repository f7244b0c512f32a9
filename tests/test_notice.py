"""The 红黑榜通报 (Word and Excel) on hand-built data (issue #6)."""

from __future__ import annotations

import datetime as dt
import io

import docx
import pandas as pd
from docx.oxml.ns import qn

from lulong_data import exports, notice
from lulong_data.metrics import environment as env
from tests.test_environment_metrics import A1, B4, JUNE, make, month

AS_OF = dt.date(2022, 7, 26)


def read(data: bytes) -> docx.Document:
    return docx.Document(io.BytesIO(data))


def column(table, name: str) -> list[str]:
    idx = [c.text for c in table.rows[0].cells].index(name)
    return [r.cells[idx].text for r in table.rows[1:]]


def test_notice_tables_are_the_screen_tables():
    b = make(month("2022-06", JUNE, **{A1: {"veto": True, "note": "=发现黑臭水体"}}))
    doc = read(notice.notice_docx(b, as_of=AS_OF))
    lists = env.month_lists(b, as_of=AS_OF)
    red, black, towns = doc.tables[0], doc.tables[1], doc.tables[2]
    assert column(red, "村") == list(notice.red_table(lists)["村"])
    assert column(black, "村") == list(notice.black_table(lists)["村"])
    assert column(black, "一票否决")[-1] == "是"
    assert len(towns.rows) == 1 + 3  # every township, ranked or not
    text = "\n".join(p.text for p in doc.paragraphs)
    assert doc.paragraphs[0].text == "卢龙县农村人居环境整治 2022年6月 红黑榜通报"
    assert "印庄乡本月无受检村，不参加排名" in text  # T3 has no inspection
    assert "其中一票否决1个" in text
    assert "卢龙县农业农村局" in text and "2022年7月26日" in text


def test_notice_page_and_fonts():
    b = make(month("2022-06", JUNE))
    doc = read(notice.notice_docx(b, as_of=AS_OF, issued_on=dt.date(2022, 7, 27)))
    s = doc.sections[0]
    assert (round(s.page_width.mm), round(s.page_height.mm)) == (210, 297)
    assert round(s.top_margin.mm) == 37 and round(s.left_margin.mm) == 28
    for name in ("Normal", "Title", "Heading 1"):
        fonts = doc.styles[name].element.rPr.rFonts
        assert fonts.get(qn("w:eastAsia")), name
        assert fonts.get(qn("w:eastAsiaTheme")) is None, name  # a theme font would override it in Word
    run = doc.tables[0].rows[1].cells[2].paragraphs[0].runs[0]
    assert run._r.rPr.rFonts.get(qn("w:eastAsia")) == exports.BODY_FONT
    assert "2022年7月27日" in [p.text for p in doc.paragraphs]


def test_talks_section_lists_the_flagged_villages():
    b = make(month("2022-06", JUNE) + month("2022-07", JUNE))
    doc = read(notice.notice_docx(b, as_of=AS_OF))
    talks = doc.tables[3]
    assert set(column(talks, "村")) == set(env.talk_flags(b, as_of=AS_OF)["village"])
    assert len(talks.rows) == 3  # header + B4 and A4, black in June and July


def test_notice_without_inspections():
    doc = read(notice.notice_docx(make([]), as_of=AS_OF))
    assert "尚无检查记录" in "\n".join(p.text for p in doc.paragraphs)


def test_xlsx_has_the_four_sheets_and_is_formula_safe():
    b = make(month("2022-06", JUNE, **{B4: {"note": '=HYPERLINK("x")'}}))
    sheets = pd.read_excel(
        io.BytesIO(notice.notice_xlsx(b, as_of=AS_OF)), sheet_name=None, header=2, engine="openpyxl"
    )
    assert list(sheets) == ["红榜", "黑榜", "乡镇排名", "约谈"]
    reasons = sheets["黑榜"]["主要原因"].tolist()
    assert any(str(r).startswith("'=") for r in reasons)


def test_rule_text_uses_the_rules():
    b = make([], red_villages=7, talk_after_months=3)
    zh, en = notice.rule_text(b.rules), notice.rule_text(b.rules, "en")
    assert "前7名" in zh and "连续3个" in zh and "一票否决少者在前" in zh
    assert "top 7" in en and "3 inspection months running" in en
