"""One status rule, one result (issue 18 item 1): the overview's league, the dispatch page, the map's
township profile and the printed dispatch paper give every township the same status, at two dates.

Each view is read as the user sees it (AppTest through the router; the Word file's table), then compared
with lulong_data.status.township_status, the only function that judges a township.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from apptest import open_page
from docx import Document

from lulong_data import dispatch, dispatch_report, status

DATES = [dt.date(2022, 7, 26), dt.date(2022, 6, 30)]
LABELS = {status.label(s): s for s in status.ORDER}


def _table(at, *columns: str):
    found = [df.value for df in at.dataframe if set(columns) <= set(df.value.columns)]
    assert len(found) == 1, [list(df.value.columns) for df in at.dataframe]
    return found[0]


def _statuses(rows, name_col: str, status_col: str) -> dict[str, str]:
    return {r[name_col]: LABELS[r[status_col]] for _, r in rows.iterrows()}


@pytest.mark.slow
@pytest.mark.parametrize("day", DATES, ids=str)
def test_every_view_gives_every_township_the_same_status(sample_bundle, day):
    truth = status.township_status(sample_bundle, as_of=day)
    expected = dict(zip(truth["name"], truth["status"], strict=True))
    assert len(expected) == 12 and len(set(expected.values())) > 1  # a test that can tell views apart
    worst_first = truth["name"].tolist()

    overview = open_page("overview", session={"as_of": day})
    league = _table(overview, "状态", "乡镇", "原因")
    assert _statuses(league, "乡镇", "状态") == expected
    assert league["乡镇"].tolist() == worst_first
    rule = status.describe(sample_bundle)  # the rule in words under the league is the rule that judged it
    assert any(rule in c.value for c in overview.caption)

    page = open_page("dispatch", query={"date": day.isoformat()})
    towns = _table(page, "状态", "乡镇", "原因")
    assert _statuses(towns, "乡镇", "状态") == expected
    assert towns["乡镇"].tolist() == worst_first
    assert status.describe(sample_bundle) in " ".join(c.value for c in page.caption)

    paper = Document(io.BytesIO(dispatch_report.build(dispatch.prepare(sample_bundle, as_of=day))))
    printed = [[c.text for c in row.cells] for row in paper.tables[1].rows]
    head, rows = printed[0], printed[1:]
    at_status, at_name = head.index("状态"), head.index("乡镇")
    assert {r[at_name]: LABELS[r[at_status]] for r in rows} == expected
    assert [r[at_name] for r in rows] == worst_first

    # The map page's township profile, township by township (the sidebar's choice opens the profile).
    at = open_page("map", session={"as_of": day})
    for code, name in zip(truth["township_code"], truth["name"], strict=True):
        at.session_state["township"] = code
        at.run()
        assert not at.exception
        line = [m.value for m in at.markdown if m.value.startswith("状态:")]
        assert len(line) == 1, name
        assert line[0].startswith(f"状态:**{status.label(expected[name])}**"), (name, line[0])
