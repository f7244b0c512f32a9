"""The 人居环境红黑榜 page through the real router (issue #6): default month, an earlier month, a month
where a township was not inspected, and the Word notice the download button hands out."""

from __future__ import annotations

import io
import shutil

import docx
import pandas as pd
import pytest
from apptest import download_data, open_page
from docx.oxml.ns import qn
from paths import SAMPLE_DIR as SAMPLE
from streamlit.testing.v1 import AppTest

from lulong_data.metrics import environment as env

# Tables without selection carry no element id in AppTest; tell them apart by their columns.
SIGNATURES = {
    "env_red": lambda cols: "主要原因" in cols and "一票否决" not in cols,
    "env_black": lambda cols: "主要原因" in cols and "一票否决" in cols,
    "env_townships": lambda cols: "受检村数" in cols,
    "env_talks": lambda cols: "连续上黑榜(月)" in cols,
}


def table_by_key(at: AppTest, key: str) -> pd.DataFrame:
    found = [d.value for d in at.dataframe if SIGNATURES[key](list(d.value.columns))]
    assert len(found) == 1, f"{key}: {len(found)} tables match"
    return found[0]


@pytest.fixture
def sample(sample_bundle):
    return sample_bundle


def test_default_month_is_the_latest_with_inspections(sample):
    at = open_page("environment")
    months = env.list_months(sample, as_of=sample.as_of)
    assert at.selectbox(key="env_month").value == months[-1]
    lists = env.month_lists(sample, as_of=sample.as_of)
    red, black = table_by_key(at, "env_red"), table_by_key(at, "env_black")
    assert list(red["村"]) == list(lists.red["village"])
    assert list(black["村"]) == list(lists.black["village"])
    assert len(red) == sample.rules.ranking.red_villages
    subheaders = [s.value for s in at.subheader]
    assert any("红榜" in s and "★" in s for s in subheaders) and any(
        "黑榜" in s and "▼" in s for s in subheaders
    )
    captions = " ".join(c.value for c in at.caption)
    assert "示意图,不作为权属界线依据" in captions  # the sample polygons are schematic
    assert {"env_notice_docx", "env_notice_xlsx"} <= {b.key for b in at.download_button}


def test_an_earlier_month(sample):
    at = open_page("environment")
    months = env.list_months(sample, as_of=sample.as_of)
    earlier = months[-5]
    at.selectbox(key="env_month").set_value(earlier).run()
    assert not at.exception
    lists = env.month_lists(sample, as_of=sample.as_of, period=earlier)
    assert list(table_by_key(at, "env_black")["村"]) == list(lists.black["village"])
    ranking = env.township_ranking(sample, as_of=sample.as_of, period=earlier)
    assert list(table_by_key(at, "env_townships")["乡镇"]) == list(ranking["township"])


def test_page_says_when_a_township_was_not_inspected(tmp_path, monkeypatch, sample):
    folder = tmp_path / "data"
    shutil.copytree(SAMPLE, folder)
    scores = pd.read_csv(folder / "environment_scores.csv", dtype=str)
    latest = scores["period"].max()
    gone = "130324201"  # 刘家营乡: no inspection in the latest month
    keep = ~((scores["period"] == latest) & scores["village_code"].str.startswith(gone))
    scores[keep].to_csv(folder / "environment_scores.csv", index=False)
    monkeypatch.setenv("LULONG_DATA_DIR", str(folder))
    # Not the sample any more: open mode refuses it (issue #20), so a leader signs in through the SSO headers.
    from factories import LEADER_HEADERS, LEADER_ROLES

    from components import auth

    roles = tmp_path / "roles.toml"
    roles.write_text(LEADER_ROLES, encoding="utf-8")
    monkeypatch.setenv("LULONG_AUTH", "header")
    monkeypatch.setenv("LULONG_ROLES_FILE", str(roles))
    monkeypatch.setattr(auth, "_headers", lambda: dict(LEADER_HEADERS))
    at = open_page("environment")
    name = sample.frames["townships"].set_index("township_code").loc[gone, "name"]
    assert any(name in i.value and "不参加排名" in i.value for i in at.info)
    townships = table_by_key(at, "env_townships").set_index("乡镇")
    assert pd.isna(townships.loc[name, "排名"]) and "不排名" in townships.loc[name, "榜单"]


def test_word_notice_matches_the_screen(sample):
    at = open_page("environment")
    data = download_data(at, "env_notice_docx")
    doc = docx.Document(io.BytesIO(data))
    # Same rows as the screen, in the same order.
    red_doc, black_doc = doc.tables[0], doc.tables[1]
    screen_red, screen_black = table_by_key(at, "env_red"), table_by_key(at, "env_black")
    col = [c.text for c in red_doc.rows[0].cells].index("村")
    assert [r.cells[col].text for r in red_doc.rows[1:]] == list(screen_red["村"])
    col = [c.text for c in black_doc.rows[0].cells].index("村")
    assert [r.cells[col].text for r in black_doc.rows[1:]] == list(screen_black["村"])
    assert [c.text for c in red_doc.rows[0].cells] == list(screen_red.columns)
    # A4 portrait.
    section = doc.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    # East Asian font on the Normal style and on the runs (Word ignores font.name for Chinese).
    fonts = doc.styles["Normal"].element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "仿宋" and fonts.get(qn("w:eastAsiaTheme")) is None
    cell_run = red_doc.rows[1].cells[col].paragraphs[0].runs[0]
    assert cell_run._r.rPr.rFonts.get(qn("w:eastAsia"))
    title = doc.paragraphs[0].text
    assert title.startswith("卢龙县农村人居环境整治") and "红黑榜通报" in title
    assert "卢龙县农业农村局" in [p.text for p in doc.paragraphs]


def test_excel_notice_downloads():
    at = open_page("environment")
    data = download_data(at, "env_notice_xlsx")
    sheets = pd.read_excel(io.BytesIO(data), sheet_name=None, header=2, engine="openpyxl")
    assert list(sheets) == ["红榜", "黑榜", "乡镇排名", "约谈"]
    assert list(sheets["红榜"]["村"]) == list(table_by_key(at, "env_red")["村"])


def test_why_for_one_village(sample):
    at = open_page("environment")
    lists = env.month_lists(sample, as_of=sample.as_of)
    worst = lists.black.iloc[0]
    at.selectbox(key="env_why_township").set_value(worst["township_code"]).run()
    at.selectbox(key="env_why_village").set_value(worst["village_code"]).run()
    assert not at.exception
    history = [d.value for d in at.dataframe if "问题描述" in d.value.columns]
    assert len(history) == 1 and history[0]["月份"].iloc[-1] == lists.period
    expected = env.village_history(sample, as_of=sample.as_of, village=worst["village_code"])
    assert list(history[0]["总分"]) == list(expected["total"])


def test_english():
    at = open_page("environment", session={"lang": "en"})
    assert at.title[0].value == "Living-environment red/black list"
    assert any("Red list" in s.value for s in at.subheader)
    assert any("Reason" in d.value.columns for d in at.dataframe)
