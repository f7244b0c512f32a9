"""AppTest of the press page (issue #9): figures, draft, checks, downloads; aggregates only.

The page is reached through the router (tests/apptest.py).
"""

from __future__ import annotations

import io
import json
import re

import docx
import openpyxl
import pytest
from apptest import download_data, download_name, open_page, vega_charts
from PIL import Image
from streamlit.testing.v1 import AppTest

from lulong_data import briefing

# Column names and values that would mean rows below township level.
HOUSEHOLD_COLUMNS = {
    "户主",
    "户编号",
    "人编号",
    "监测编号",
    "村",
    "村名",
    "行政村",
    "household_id",
    "person_id",
    "case_id",
}
BELOW_TOWNSHIP = re.compile(r"\b(H\d{15}|P\d{17}|JC\d{8}|\d{12})\b")


def open_press(**state) -> AppTest:
    return open_page("press", session=state)


def _charts(at: AppTest) -> list[list]:
    """The data frames of every Altair chart on the page."""
    return [frames for _, frames in vega_charts(at)]


EMPLOYMENT = "press_text_2022-07-26_employment"


def _area(at: AppTest, key: str):
    return at.text_area(key=key)


def test_press_page_on_the_sample(sample_bundle):
    at = open_press(role="press")
    assert at.title[0].value == "新闻发布"
    # The release: headline options, a lead and one editable paragraph per theme, each attributed.
    areas = [a for a in at.text_area if a.key.startswith("press_text_")]
    assert [a.label for a in areas] == [
        "导语",
        "防止返贫监测帮扶",
        "就业帮扶",
        "兜底保障",
        "教育帮扶",
        "健康帮扶和社会保障",
        "人居环境",
    ]
    employment = _area(at, EMPLOYMENT).value
    assert employment.startswith("记者从卢龙县人力资源和社会保障局获悉,今年以来,")
    # 533: 4019 against 3486 in work on 26 July 2021 (脱贫人口 + 监测对象, still in work included; 口径 v2)
    assert "全县脱贫劳动力实现就业4019人,比上年同期增加533人,完成市下目标任务3946人的102%" in employment
    assert "今年安置乡村公益岗位2434人,比上年增加207人" in employment  # the news
    assert "2022年以来" not in " ".join(a.value for a in areas)
    assert "比上年增加207人" in at.radio(key="press_headline").options[2]
    assert any("文中每个数字都与数据或已发布数字一致" in s.value for s in at.success)
    # Every press-conference figure matches.
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["√ 一致"] == "43" and tiles["× 不一致"] == "0" and tiles["○ 无法计算"] == "0"
    published = next(d.value for d in at.dataframe if "发布表述" in d.value.columns)
    assert set(published["状态"]) == {"√ 一致"}
    # The draft's figures with their 口径, headed by the one column table (lulong_data.columns).
    figures = next(d.value for d in at.dataframe if "口径" in d.value.columns)
    assert list(figures.columns) == ["指标", "数值", "单位", "口径", "来源", "更新频次", "指标代码"]
    assert "卢龙县人力资源和社会保障局" in set(figures["来源"])
    sheet = openpyxl.load_workbook(io.BytesIO(download_data(at, "press_published_xlsx"))).active
    assert str(sheet["A1"].value).startswith("样例数据")  # a spreadsheet of the sample says so
    # Aggregates only: no household or village column, no household, person, case or village code.
    for frame in (d.value for d in at.dataframe):
        assert not HOUSEHOLD_COLUMNS & set(map(str, frame.columns)), list(frame.columns)
        cells = " ".join(str(v) for v in frame.astype(str).to_numpy().ravel())
        assert not BELOW_TOWNSHIP.search(cells), BELOW_TOWNSHIP.search(cells)
    for area in at.text_area:
        assert not BELOW_TOWNSHIP.search(area.value)
    # Charts are township- or county-level, with print downloads named in Chinese.
    charts = _charts(at)
    assert len(charts) == 4
    for frames in charts:
        for frame in frames:
            assert not HOUSEHOLD_COLUMNS & set(map(str, frame.columns)), list(frame.columns)
            assert not BELOW_TOWNSHIP.search(" ".join(frame.astype(str).to_numpy().ravel()))
    assert download_name(at, "press_chart_employment_png") == "卢龙县_就业目标完成情况_2022-07-26.png"
    assert download_name(at, "press_chart_environment_svg") == "卢龙县_人居环境红黑榜_2022-07-26.svg"
    png = download_data(at, "press_chart_employment_png")
    assert Image.open(io.BytesIO(png)).width >= 1440
    svg = download_data(at, "press_chart_environment_svg").decode()
    # the month a news text reports: June, the last whose inspections are over on 26 July
    assert briefing.reported_month(sample_bundle, sample_bundle.as_of) == ("2022-06", False)
    assert "卢龙县2022年6月人居环境红黑榜" in svg and "数据来源:卢龙县农业农村局" in svg
    assert "样例数据" in svg  # the bundled sample: demo mode
    # The Word release: the chosen headline, the edited text, the four charts as pictures, the 核对单.
    doc = docx.Document(io.BytesIO(download_data(at, "press_word")))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert doc.paragraphs[0].text == at.radio(key="press_headline").value
    assert employment in text and "(数据截至2022年7月26日)" in text and "核对单" in text
    assert len(doc.inline_shapes) == 4
    assert "样例数据" in doc.sections[0].header.paragraphs[0].text


def test_slides_hold_the_charts_with_chinese_text():
    from pptx import Presentation
    from pptx.util import Emu

    at = open_press()
    assert download_name(at, "press_pptx") == "卢龙县_新闻发布图表_2022-07-26.pptx"
    deck = Presentation(io.BytesIO(download_data(at, "press_pptx")))
    assert (deck.slide_width, deck.slide_height) == (Emu(12_192_000), Emu(6_858_000))  # 16:9
    slides = list(deck.slides)
    assert len(slides) == 5  # a cover and one slide per chart
    cover = {s.name: s for s in slides[0].shapes}
    assert cover["title"].text_frame.text == "卢龙县巩固拓展脱贫攻坚成果\n同乡村振兴有效衔接图表"
    titles = []
    for slide in slides[1:]:
        shapes = {s.name: s for s in slide.shapes}
        assert shapes["chart"].shape_type == 13  # a picture
        with Image.open(io.BytesIO(shapes["chart"].image.blob)) as im:
            assert im.width > 1000
        titles.append(shapes["title"].text_frame.text)
        assert shapes["unit"].text_frame.text.startswith("单位:")
        assert "数据来源:卢龙县" in shapes["footer"].text_frame.text
        assert shapes["watermark"].text_frame.text == "样例数据"
    assert "卢龙县2022年6月人居环境红黑榜" in titles  # the month that is over (see above)
    assert "卢龙县2022年各乡镇脱贫劳动力就业与目标任务" in titles
    assert "卢龙县防返贫监测对象分类情况(截至2022年7月26日)" in titles  # a point in time says its year


def test_an_edited_number_is_flagged_with_the_right_value():
    at = open_press()
    original = _area(at, EMPLOYMENT).value
    _area(at, EMPLOYMENT).set_value(original.replace("4019", "4020")).run()
    assert not at.exception, at.exception
    assert any(
        "1个数字与数据或已发布数字不一致" in e.value and "“4020人”应为4019人" in e.value for e in at.error
    )
    check = next(d.value for d in at.dataframe if "文中数字" in d.value.columns)
    row = check[check["文中数字"] == "4020人"].iloc[0]
    assert row["核对结果"] == "× 不一致" and row["正确值"] == "4019人"
    # Whom to ask and for which period; the metric code last, for the data office (issue 19 review).
    assert row["来源"] == "卢龙县人力资源和社会保障局(2022年1月1日至7月26日)" and row["段落"] == "就业帮扶"
    assert row["指标代码"] == "employment_placed:year=2022" and list(check.columns)[-1] == "指标代码"
    # Moving a figure earlier in its sentence does not change what it is read as (issue 19).
    moved = original.replace(
        "实现就业4019人,比上年同期增加533人,完成市下目标任务3946人的102%",
        "完成市下目标任务3946人的102%,实现就业4019人,比上年同期增加533人",
    )
    assert moved != original
    _area(at, EMPLOYMENT).set_value(moved).run()
    assert any("文中每个数字都与数据或已发布数字一致" in s.value for s in at.success)


def test_any_text_is_checked(tmp_path):
    at = open_press()
    at.text_area(key="press_any_text").set_value(
        "2022年安排衔接资金2800万元;全县现有脱贫人口5400余户9200余人。"
    ).run()
    assert not at.exception, at.exception
    check = next(
        d.value for d in at.dataframe if "文中数字" in d.value.columns and "段落" not in d.value.columns
    )
    assert list(check["文中数字"]) == ["2022年", "2800万元", "5400余户", "9200余人"]
    assert list(check["核对结果"]) == ["— 非统计数字", "× 不一致", "√ 与数据一致", "√ 与数据一致"]
    assert check.iloc[1]["正确值"] == "2700万元"


PRESS_ROLES = '[groups."press-office"]\nrole = "press"\n'
PRESS_HEADERS = {"X-Remote-User": "li", "X-Remote-Groups": "press-office"}


@pytest.fixture
def press_officer(tmp_path, monkeypatch):
    """A press officer signed in through the SSO headers (open mode records nothing); audit log in tmp."""
    from components import auth

    roles = tmp_path / "roles.toml"
    roles.write_text(PRESS_ROLES, encoding="utf-8")
    monkeypatch.setenv("LULONG_AUDIT_FILE", str(tmp_path / "audit.jsonl"))
    monkeypatch.setenv("LULONG_AUTH", "header")
    monkeypatch.setenv("LULONG_ROLES_FILE", str(roles))
    monkeypatch.setattr(auth, "_headers", lambda: dict(PRESS_HEADERS))
    return tmp_path / "audit.jsonl"


@pytest.mark.slow
def test_word_export_is_refused_on_a_contradiction_and_carries_a_check_sheet_when_confirmed(press_officer):
    at = open_press()
    assert download_name(at, "press_word") == "新闻通稿_2022-07-26.docx"  # nothing contradicts: offered
    _area(at, EMPLOYMENT).set_value(_area(at, EMPLOYMENT).value.replace("4019", "4109")).run()
    assert not at.exception, at.exception
    # Refused: no download, a reason, a confirmation to tick.
    assert not [b for b in at.get("download_button") if b.proto.id.endswith("press_word")]
    assert any("暂不能导出" in e.value for e in at.error)
    at.checkbox(key="press_confirm").check().run()
    assert not at.exception, at.exception
    doc = docx.Document(io.BytesIO(download_data(at, "press_word")))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "实现就业4109人" in text  # the text as the officer wrote it
    assert "核对单" in text and "经li于" in text and "确认后导出" in text
    # The sample names no publishing office: the byline says so, never the data office (issue 19 review).
    assert (
        doc.paragraphs[1].text == "〔发稿单位未设置〕" and "卢龙县防贫中心(样例" not in doc.paragraphs[2].text
    )
    assert any("未填写发稿单位(press_office)" in w.value for w in at.warning)
    sheet = doc.tables[-1]
    header = [c.text for c in sheet.rows[0].cells]
    assert header[:4] == ["序号", "文中数字", "核对结果", "正确值"]
    rows = {r.cells[1].text: [c.text for c in r.cells] for r in sheet.rows[1:]}
    assert header[5:] == ["来源", "说明", "指标代码"]
    assert rows["4109人"][2:4] == ["× 不一致", "4019人"]
    assert rows["4109人"][5] == "卢龙县人力资源和社会保障局(2022年1月1日至7月26日)"
    assert rows["4109人"][7] == "employment_placed:year=2022"
    code = sheet.rows[1].cells[7].paragraphs[0].runs[0].font  # the code column is small and grey
    assert code.size.pt == 7 and str(code.color.rgb) == "808080"
    assert rows["3946人"][2] == "√ 与数据一致"
    # The audit log has the export with its check summary.
    entry = [json.loads(line) for line in press_officer.read_text(encoding="utf-8").splitlines()][-1]
    assert (
        entry["action"] == "export" and entry["detail"] == "新闻通稿_2022-07-26.docx" and entry["who"] == "li"
    )
    assert entry["confirmed"] is True and entry["check"]["mismatch"] == 1 and entry["check"]["data"] > 20


def test_english_interface():
    at = open_press(lang="en")
    assert at.title[0].value == "Press office"
    assert {m.label for m in at.metric} >= {"√ match", "× differ", "○ not computable"}


def test_the_register_accepts_a_new_source_and_the_check_uses_it(press_officer, tmp_path, monkeypatch):
    monkeypatch.setenv("LULONG_DB_URL", f"sqlite:///{tmp_path / 'state.sqlite'}")
    at = open_press()
    register = next(d.value for d in at.dataframe if "发布表述" in d.value.columns)
    assert len(register) == 43  # the published_figures file, imported on first start

    def record(statement: str, value: float, unit: str, source: str) -> None:
        at.text_input(key="press_reg_statement").input(statement)
        at.number_input(key="press_reg_value").set_value(value)
        at.text_input(key="press_reg_unit").input(unit)
        at.selectbox(key="press_reg_source").set_value(source)
        next(b for b in at.button if b.label == "登记").click().run()
        assert not at.exception, at.exception

    # A statement that says otherwise than its value is refused.
    record("今年安置公益岗位2434人", 2443, "人", "秦皇岛日报")
    assert any("未登记" in e.value and "2434人" in e.value for e in at.error)
    # A new source is recorded …
    record("全县发放宣传资料3000余份", 3000, "份", "秦皇岛日报")
    assert any("已登记 R0001" in s.value for s in at.success)
    register = next(d.value for d in at.dataframe if "发布表述" in d.value.columns)
    assert len(register) == 44 and "秦皇岛日报" in set(register["出处"])
    # … and the check of any text uses it.
    at.text_area(key="press_any_text").set_value("组织开展宣传活动,发放宣传资料3000余份。").run()
    check = next(
        d.value for d in at.dataframe if "文中数字" in d.value.columns and "段落" not in d.value.columns
    )
    row = check[check["文中数字"] == "3000余份"].iloc[0]
    assert row["核对结果"] == "√ 与已发布一致" and row["指标代码"] == "R0001"
    assert row["来源"].startswith("已发布:秦皇岛日报(截至")


def test_open_mode_records_nothing(tmp_path, monkeypatch):
    path = tmp_path / "state.sqlite"
    monkeypatch.setenv("LULONG_DB_URL", f"sqlite:///{path}")
    at = open_press()
    assert any("演示模式(未登录)不保存登记" in i.value for i in at.info)
    assert not [b for b in at.button if b.label == "登记"]
    assert not path.exists()


def test_conference_package_as_separate_checked_documents():
    import zipfile

    at = open_press()
    names = [
        download_name(at, f"press_pkg_{k}") for k in ("host", "statement", "qa_employment", "qa_welfare")
    ]
    assert names == [
        "卢龙县新闻发布会_主持词_2022-07-26.docx",
        "卢龙县新闻发布会_发布词_2022-07-26.docx",
        "卢龙县新闻发布会_答问口径(卢龙县人力资源和社会保障局)_2022-07-26.docx",
        "卢龙县新闻发布会_答问口径(卢龙县民政局)_2022-07-26.docx",
    ]
    host = docx.Document(io.BytesIO(download_data(at, "press_pkg_host")))
    text = "\n".join(p.text for p in host.paragraphs)
    assert (
        "各位媒体朋友" in text
        and "出席今天发布会的有" in text
        and "卢龙县人力资源和社会保障局负责同志×××" in text
    )
    statement = docx.Document(io.BytesIO(download_data(at, "press_pkg_statement")))
    text = "\n".join(p.text for p in statement.paragraphs)
    assert (
        "一、防止返贫监测帮扶" in text
        and "二、就业帮扶" in text
        and "安置乡村公益岗位2434人,比上年增加207人" in text
    )
    assert "核对单" in text and "不一致0个" in text  # every number checked
    qa = docx.Document(io.BytesIO(download_data(at, "press_pkg_qa_employment")))
    text = "\n".join(p.text for p in qa.paragraphs)
    assert "问:近年来,卢龙县在就业帮扶方面做了哪些工作?" in text and "答:感谢这位记者的提问。今年以来" in text
    definitions = qa.tables[0]
    assert [c.text for c in definitions.rows[0].cells] == ["指标", "数值", "单位", "口径", "来源"]
    assert "4019" in [r.cells[1].text for r in definitions.rows]
    with zipfile.ZipFile(io.BytesIO(download_data(at, "press_pkg_zip"))) as z:
        assert len(z.namelist()) == 8 and all(n.endswith(".docx") for n in z.namelist())
