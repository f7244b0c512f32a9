"""AppTest of the 周调度 page (issues #8, 18) on the bundled sample: the page, one date with the sidebar, the
projector view, the sheet, and the ledger as each role sees it.

The page is reached through the router (tests/apptest.py), with the URL's query parameters set first.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from apptest import download_data, download_name
from apptest import open_page as _open
from docx import Document
from paths import SAMPLE_DIR
from streamlit.testing.v1 import AppTest

from lulong_data import dispatch, store
from lulong_data.access import Identity
from lulong_data.store import ledger

D = dt.date


def open_page(**query) -> AppTest:
    return _open("dispatch", query=query)


def shown_headlines(at: AppTest) -> list[list[str]]:
    """(label, value, change) of every tile, as the page shows them."""
    return [[m.label, m.value, m.delta] for m in at.metric]


def expected_headlines(d: dispatch.Dispatch) -> list[list[str]]:
    # The tile's delta carries an ASCII minus (Streamlit reads the arrow from it).
    return [[h.title(), h.shown()[0], h.fmt_change().replace("−", "-")] for h in d.headlines]


def township_frame(at: AppTest):
    found = [df.value for df in at.dataframe if "原因" in df.value.columns and "乡镇" in df.value.columns]
    assert len(found) == 1
    return found[0]


def captions(at: AppTest) -> str:
    return "\n".join(c.value for c in at.caption)


def test_default_date(sample_bundle):
    at = open_page()
    assert at.title[0].value == "周调度"
    d = dispatch.prepare(sample_bundle, as_of=sample_bundle.as_of, comparison="week")
    assert at.date_input(key="dispatch_date").value == sample_bundle.as_of
    assert shown_headlines(at) == expected_headlines(d)
    assert "会议日期 2022-07-26" in captions(at) and "上周(2022-07-19)" in captions(at)
    table = township_frame(at)
    assert len(table) == 12
    assert table.values.tolist() == dispatch.township_table(d).values.tolist()
    order = [dispatch.STATUS_ORDER.index(s) for s in d.townships["status"]]
    assert order == sorted(order) and table.iloc[0, 0] == "× 落后"  # worst first, cue in words
    # The headings the meeting uses, 本周要点 first.
    heads = [s.value for s in at.subheader]
    assert heads[:2] == ["本周要点", "上周交办落实情况"] and "交办事项" in heads and "各部门事项" in heads
    text = " ".join(m.value for m in at.markdown)
    assert dispatch.key_points(d)[0] in text
    assert "需会商的批次" in text and "2022-07-22 县级审定10户" in text


def test_june_30_against_june_23(sample_bundle):
    at = open_page(date="2022-06-30")
    assert at.date_input(key="dispatch_date").value == D(2022, 6, 30)
    assert at.segmented_control(key="dispatch_compare").value == "week"
    d = dispatch.prepare(sample_bundle, as_of=D(2022, 6, 30), comparison="week")
    assert d.since == D(2022, 6, 23)
    assert shown_headlines(at) == expected_headlines(d)
    assert dict((r[0], r[1]) for r in shown_headlines(at))["未消除风险户"] == "424户"
    assert township_frame(at).values.tolist() == dispatch.township_table(d).values.tolist()

    # The Word sheet the button would download: its name carries the date, its figures equal the page's.
    assert download_name(at, "dispatch_docx") == "周调度_2022-06-30.docx"
    doc = Document(io.BytesIO(download_data(at, "周调度_2022-06-30.docx")))
    assert "数据截至 2022-06-30" in "\n".join(p.text for p in doc.paragraphs)
    heads = [[c.text for c in row.cells] for row in doc.tables[0].rows][1:]
    printed = {r[0]: r[1:4] for r in heads} | {r[4]: r[5:8] for r in heads if r[4]}
    for label, value, _ in shown_headlines(at):
        assert printed[label][0] == value
    towns = [[c.text for c in row.cells] for row in doc.tables[1].rows][1:]
    assert towns == township_frame(at).values.tolist()


@pytest.mark.slow
def test_meeting_date_and_sidebar_date_are_one_date(sample_bundle):
    # The sidebar set to 19 July: the meeting follows, and so do its figures and its paper.
    at = _open("dispatch", session={"as_of": D(2022, 7, 19)})
    assert at.date_input(key="dispatch_date").value == D(2022, 7, 19)
    assert "会议日期 2022-07-19 · 数据截至 2022-07-19" in captions(at)
    d = dispatch.prepare(sample_bundle, as_of=D(2022, 7, 19))
    assert shown_headlines(at) == expected_headlines(d)
    doc = Document(io.BytesIO(download_data(at, "dispatch_docx")))
    assert "数据截至 2022-07-19" in "\n".join(p.text for p in doc.paragraphs)
    # The meeting moved on the page: the sidebar follows.
    at.date_input(key="dispatch_date").set_value(D(2022, 7, 12)).run()
    assert not at.exception
    assert at.sidebar.date_input(key="as_of").value == D(2022, 7, 12)
    assert "会议日期 2022-07-12 · 数据截至 2022-07-12" in captions(at)
    # A Monday meeting after the data's last day: Tuesday's figures, the sidebar on the data date.
    at.date_input(key="dispatch_date").set_value(D(2022, 8, 1)).run()
    assert at.sidebar.date_input(key="as_of").value == D(2022, 7, 26)
    assert at.date_input(key="dispatch_date").value == D(2022, 8, 1)
    assert "会议日期 2022-08-01 · 数据截至 2022-07-26" in captions(at)
    # A link with a meeting date moves the sidebar too.
    linked = open_page(date="2022-06-30")
    assert linked.sidebar.date_input(key="as_of").value == D(2022, 6, 30)


def test_comparison_changes_the_period(sample_bundle):
    at = open_page(date="2022-06-30")
    at.segmented_control(key="dispatch_compare").set_value("quarter").run()
    assert not at.exception
    assert at.query_params.get("compare") in ("quarter", ["quarter"])
    assert "季初(2022-03-31)" in captions(at)
    d = dispatch.prepare(sample_bundle, as_of=D(2022, 6, 30), comparison="quarter")
    assert shown_headlines(at) == expected_headlines(d)


def _slide_html(at: AppTest) -> str:
    return " ".join(h.proto.body for h in at.get("html"))


def test_presentation_mode(sample_bundle):
    at = open_page(present="1", date="2022-06-30")
    html = _slide_html(at)
    assert "stSidebar" in html and "display: none" in html  # the sidebar is hidden for this view only
    assert "stAlert" in html  # and the data notices: the room sees the meeting first
    d = dispatch.prepare(sample_bundle, as_of=D(2022, 6, 30))
    assert "data-slide='points'" in html and dispatch.key_points(d)[0] in html  # 本周要点 first
    assert "会议日期 2022-06-30" in html
    # Large HTML, not the page's tiles and grid.
    assert not at.metric and not [df for df in at.dataframe if "原因" in df.value.columns]
    assert at.button(key="dispatch_next").proto.shortcut.lower() == "right"
    assert at.button(key="dispatch_pgdn").proto.shortcut.lower() == "pagedown"  # what a clicker sends
    at.button(key="dispatch_next").click().run()
    assert "data-slide='review'" in _slide_html(at)
    at.button(key="dispatch_slide_2").click().run()
    assert "dp-grid" in _slide_html(at) and "424户" in _slide_html(at)
    at.button(key="dispatch_next").click().run()
    html = _slide_html(at)
    assert "dp-table" in html and "刘田各庄镇" in html and "× 落后" in html
    at.button(key="dispatch_slide_4").click().run()
    assert "需研究决定的事项" in _slide_html(at) and "连续上黑榜需约谈的村" in _slide_html(at)
    at.button(key="dispatch_slide_5").click().run()
    assert "data-slide='items'" in _slide_html(at)
    assert at.button(key="dispatch_next").disabled
    at.button(key="dispatch_leave").click().run()
    assert not at.exception
    assert "present" not in at.query_params
    assert at.title[0].value == "周调度" and len(at.metric) == 9


ROLES = """
[users.shimen]
role = "township"
township = "130324105"

[users.zhao]
role = "leader"
"""


@pytest.fixture
def signed_in(tmp_path, monkeypatch):
    """Header mode with a leader and a township user, and a state database of this test's own."""
    from components import auth

    roles = tmp_path / "roles.toml"
    roles.write_text(ROLES, encoding="utf-8")
    monkeypatch.setenv("LULONG_AUTH", "header")
    monkeypatch.setenv("LULONG_ROLES_FILE", str(roles))
    monkeypatch.setenv("LULONG_AUDIT_FILE", str(tmp_path / "audit.jsonl"))
    monkeypatch.setenv("LULONG_STATE_DIR", str(tmp_path / "state"))
    who = {"user": "zhao"}
    monkeypatch.setattr(auth, "_headers", lambda: {"X-Remote-User": who["user"]})
    yield who
    store.dispose()


def _editor_rows(at: AppTest) -> list[str]:
    """Titles in the 交办事项 editor (a data editor is an arrow table to AppTest)."""
    frames = [
        df.value for df in at.dataframe if "落实情况" in df.value.columns and "周数" in df.value.columns
    ]
    return frames[0]["事项"].tolist() if frames else []


def test_ledger_as_the_leader_and_as_a_township(signed_in, sample_bundle):
    office = Identity(user="zhao", role="leader", source="header")
    last, now = D(2022, 7, 19), D(2022, 7, 26)
    for code, title in (
        ("130324105", "石门镇逾期未办6项,限期办结"),
        ("130324104", "刘田各庄镇逾期未办7项,限期办结"),
    ):
        ledger.create(county="130324", meeting_on=last, actor=office, draft=ledger.Draft(
            title=title, kind="overdue", unit="镇人民政府", person="镇长", due_on=D(2022, 7, 22), township_code=code))  # fmt: skip

    at = open_page(date="2022-07-26")
    assert "2022-07-19调度会交办2项:已办结0项,在办0项,未办0项,逾期2项。" in captions(at)
    assert at.button(key="dispatch_carry").label == "结转此前未办结事项(2项)到本次会议"
    at.button(key="dispatch_carry").click().run()
    assert not at.exception
    assert _editor_rows(at) == ["石门镇逾期未办6项,限期办结", "刘田各庄镇逾期未办7项,限期办结"]
    assert at.button(key="dispatch_assign") is not None  # the leader assigns from the lists
    text = " ".join(m.value for m in at.markdown)
    assert "上周(7月19日)交办事项2项" in text  # 本周要点 reports the follow-up

    signed_in["user"] = "shimen"  # the same page for 石门镇's user
    town = open_page(date="2022-07-26")
    assert _editor_rows(town) == ["石门镇逾期未办6项,限期办结"]
    assert not [b for b in town.button if b.key == "dispatch_assign"]  # a township does not assign
    assert not [b for b in town.button if b.key == "dispatch_carry"]
    assert ledger.items(county="130324", actor=Identity(user="shimen", role="township", township="130324105",
                                                        source="header"), meeting_on=now)[0].title.startswith("石门镇")  # fmt: skip


def test_open_mode_shows_no_writing_controls():
    at = open_page()
    keys = {b.key for b in at.button}
    assert not keys & {"dispatch_carry", "dispatch_assign", "dispatch_items_save"}
    assert "材料由县领导或县防贫中心印发。" in captions(at)


def test_issue_the_paper_and_reopen_it(signed_in, sample_bundle):
    at = open_page(date="2022-07-19")
    issue = next(b for b in at.button if "印发本期材料" in b.label)
    issue.click().run()
    assert not at.exception
    assert "本次会议材料已印发:2022年第1期(卢龙县防贫中心)" in " ".join(s.value for s in at.success)
    stored = download_data(at, "dispatch_paper_1")
    text = "\n".join(p.text for p in Document(io.BytesIO(stored)).paragraphs)
    assert "2022年第1期    卢龙县防贫中心    2022年7月19日" in text and "(草稿" not in text
    # The next week compares with it.
    week = open_page(date="2022-07-26")
    assert "对比 上期材料(2022年第1期,数据截至2022-07-19)" in captions(week)
    assert download_data(week, "dispatch_paper_1") == stored


def _backfilled_cases(folder) -> bytes:
    """monitoring_cases.csv with one more case: a household approved on 15 July that the paper of 19 July
    did not know about (the data office back-fills the procedure ledger)."""
    import pandas as pd

    cases = pd.read_csv(folder / "monitoring_cases.csv", dtype=str, keep_default_na=False)
    homes = pd.read_csv(folder / "households.csv", dtype=str, keep_default_na=False)
    spare = homes[
        ~homes["household_id"].isin(cases["household_id"]) & (homes["household_type"] == "一般农户")
    ]
    row = {c: "" for c in cases.columns} | {
        "case_id": "JC20229999", "household_id": spare["household_id"].iloc[0], "category": "边缘易致贫户",
        "risk_1": "因病", "channel": "农户自主申报", "found_on": "2022-07-05", "verified_on": "2022-07-06",
        "village_review_on": "2022-07-08", "township_audit_on": "2022-07-12", "approved_on": "2022-07-15",
        "contact_assigned_on": "2022-07-15", "plan_on": "2022-07-15",
    }  # fmt: skip
    return pd.concat([cases, pd.DataFrame([row])]).to_csv(index=False).encode("utf-8")


@pytest.mark.slow
def test_an_issued_paper_reopens_unchanged_after_new_data_are_published(tmp_path, monkeypatch):
    """Issue 18 (must show): the data office publishes a new version after the paper of 19 July was issued;
    the paper reopens byte for byte as issued, and the next meeting compares with what it printed and says
    where the data have changed since."""
    import shutil

    from components import auth
    from lulong_data import publishing
    from lulong_data.settings import get_settings

    data = tmp_path / "data"
    shutil.copytree(SAMPLE_DIR, data)
    roles = tmp_path / "roles.toml"
    roles.write_text('[users.zhao]\nrole = "leader"\n', encoding="utf-8")
    for name, value in {
        "LULONG_DATA_DIR": data, "LULONG_VERSIONS_DIR": tmp_path / "versions", "LULONG_AUTH": "header",
        "LULONG_ROLES_FILE": roles, "LULONG_AUDIT_FILE": tmp_path / "audit.jsonl",
        "LULONG_STATE_DIR": tmp_path / "state",
    }.items():  # fmt: skip
        monkeypatch.setenv(name, str(value))
    monkeypatch.setattr(auth, "_headers", lambda: {"X-Remote-User": "zhao"})
    try:
        at = open_page(date="2022-07-19")
        next(b for b in at.button if "印发本期材料" in b.label).click().run()
        assert not at.exception
        issued = download_data(at, "dispatch_paper_1")
        monitored = dict((r[0], r[1]) for r in shown_headlines(at))["未消除风险户"]

        result = publishing.store_for(get_settings()).publish(
            [("monitoring_cases.csv", _backfilled_cases(data))], who="li", note="补录程序台账"
        )
        assert result.ok, result.problems

        again = open_page(date="2022-07-19")  # the same meeting, on the new data
        now = dict((r[0], r[1]) for r in shown_headlines(again))["未消除风险户"]
        assert int(now.rstrip("户")) == int(monitored.rstrip("户")) + 1  # the new data do change 19 July
        assert download_data(again, "dispatch_paper_1") == issued  # the paper as it was handed out
        text = "\n".join(p.text for p in Document(io.BytesIO(issued)).paragraphs)
        assert f"未消除风险{monitored}" in text  # its own figure, not today's

        week = open_page(date="2022-07-26")
        notes = captions(week)
        assert "对比 上期材料(2022年第1期,数据截至2022-07-19)" in notes
        assert f"2022年第1期所列未消除风险户为{monitored},按目前数据为{now}(数据已更新)。" in notes
        assert download_data(week, "dispatch_paper_1") == issued
    finally:
        store.dispose()
