"""Issue 17: the app keeps working in a year nobody has supplied a holiday schedule for.

The bundled sample moved forward to January 2027 (chinesecalendar 1.11 stops at 2026, and the folder has no
holidays table): every page builds without an error element, and the monitoring page says that deadlines are
estimated on weekdays."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from apptest import download_data, open_page, switch_to
from docx import Document
from time_travel import shifted_sample

from lulong_data import access, dispatch, dispatch_report
from lulong_data.bundle import load_bundle
from lulong_data.metrics import compute, monitoring

AS_OF = dt.date(2027, 1, 20)
DATA_ROLES = '[groups."data-office"]\nrole = "data"\n'
DATA_HEADERS = {"X-Remote-User": "li", "X-Remote-Groups": "data-office"}
ESTIMATE = "2027年节假日安排未导入,按周一至周五估算。"


@pytest.fixture(scope="module")
def folder_2027(tmp_path_factory):
    return shifted_sample(tmp_path_factory.mktemp("y2027") / "data", years=5, as_of=AS_OF)


@pytest.fixture
def data_office(folder_2027, tmp_path, monkeypatch):
    """The app reads the 2027 folder as the data office (open mode serves the sample only)."""
    from components import auth

    roles = tmp_path / "roles.toml"
    roles.write_text(DATA_ROLES, encoding="utf-8")
    monkeypatch.setenv("LULONG_DATA_DIR", str(folder_2027))
    monkeypatch.setenv("LULONG_VERSIONS_DIR", str(tmp_path / "store"))
    monkeypatch.setenv("LULONG_AUDIT_FILE", str(tmp_path / "audit.jsonl"))
    monkeypatch.setenv("LULONG_AUTH", "header")
    monkeypatch.setenv("LULONG_ROLES_FILE", str(roles))
    monkeypatch.setattr(auth, "_headers", lambda: dict(DATA_HEADERS))


def test_the_2027_folder_validates_and_warns_about_the_calendar(folder_2027):
    b = load_bundle(folder_2027)
    assert b.as_of == AS_OF and not b.errors
    (warning,) = [p for p in b.warnings if p.code == "calendar_not_covered"]
    assert "2027年节假日安排未导入" in warning.message_zh
    # nor has the county a 2027 income line: said on the data-status page, and no 2023 line is reused
    (line,) = [p for p in b.warnings if p.code == "income_line_missing"]
    assert line.file == "rules.toml" and "2027年防止返贫监测收入标准" in line.message_zh
    assert compute(b, "should_monitor_households", AS_OF) is None
    assert monitoring.elimination_candidates(b, as_of=AS_OF).empty
    notes = monitoring.deadline_caveats(b, as_of=AS_OF)
    assert [c.code for c in notes] == ["calendar_estimated"]
    assert notes[0].zh == ESTIMATE
    assert not monitoring.overdue_list(b, as_of=AS_OF).empty  # deadlines are still judged, on weekdays


@pytest.mark.slow
def test_every_page_builds_in_2027_and_monitoring_says_the_calendar_is_estimated(data_office):
    pages = access.PAGES[access.DATA]
    at = open_page(pages[0], check=False)
    for url_path in pages:
        if url_path != pages[0]:
            switch_to(at, url_path, check=False)
        assert not at.exception, f"{url_path}: {[e.value for e in at.exception]}"
        # st.error is also how the 兜底 page flags households for 民政局 (应兜尽兜): a finding in the data,
        # not a failure of the page; anything else shown as an error fails the test
        errors = [e.value for e in at.error if "应兜尽兜" not in e.value]
        assert not errors, f"{url_path}: {errors}"
        if url_path == "monitoring":
            assert ESTIMATE in [w.value for w in at.warning]
            # the overdue list's spreadsheet says it too, under its title
            sheet = openpyxl.load_workbook(io.BytesIO(download_data(at, "mon_overdue_xlsx"))).active
            assert [row[0] for row in sheet.iter_rows(min_row=1, max_row=2, values_only=True)] == [
                "数据截至 2027-01-20",
                ESTIMATE,
            ]
        if url_path == "overview":  # next to the longest overdue items
            assert ESTIMATE in [c.value for c in at.caption]


@pytest.mark.slow
def test_the_dispatch_meeting_says_the_calendar_is_estimated(folder_2027, data_office):
    """What the overdue figures rest on is said wherever the meeting counts them: 本周要点 right after the
    overdue sentence, under the overdue list on the page and in the paper, and on the 乡镇一页纸."""
    b = load_bundle(folder_2027)
    d = dispatch.prepare(b, as_of=AS_OF)
    assert d.caveat_texts() == (ESTIMATE,) and "2027" in d.caveat_texts("en")[0]
    points = dispatch.key_points(d)
    assert "逾期未办" in points[0] and points[1] == ESTIMATE
    assert dispatch.snapshot(d)["caveats"] == [ESTIMATE]  # an issued paper keeps it with its figures

    paper = Document(io.BytesIO(dispatch_report.build(d)))
    assert ESTIMATE in [p.text for p in paper.paragraphs]  # 本周要点
    overdue_box = paper.tables[3].rows[0].cells[0]
    assert overdue_box.paragraphs[-1].text == "注:" + ESTIMATE

    worst = d.townships.sort_values("overdue", ascending=False).iloc[0]
    assert worst["overdue"] > 0
    notes = monitoring.deadline_caveats(b, as_of=AS_OF, township=worst["township_code"])
    sheet = Document(io.BytesIO(dispatch_report.township_sheet(d, worst["township_code"], caveats=notes)))
    assert "注:" + ESTIMATE in [p.text for p in sheet.paragraphs]

    at = open_page("dispatch")
    assert ESTIMATE in [c.value for c in at.caption]  # under the overdue list
    assert any(ESTIMATE in m.value for m in at.markdown)  # 本周要点
