"""The register of published figures (issue 19, item 4), on SQLite and PostgreSQL (``state_db_url``).

The press office records what was published, with its source and history; statement and value must agree;
the press checker uses every source, newest first; the register wins over the published_figures file once it
holds a figure, and the file is imported into it on first use. Open mode writes nothing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa

from lulong_data import store, textcheck
from lulong_data.store import register

COUNTY = "130324"
DAY = dt.date(2022, 7, 26)


def _record(url, **kw):
    fields = {"as_of": DAY, "source": "秦皇岛日报", "who": "li"} | kw
    with store.begin(url, write=True) as conn:
        return register.record(conn, COUNTY, **fields)


def _current(url):
    with store.begin(url) as conn:
        return register.current(conn, COUNTY)


def test_the_file_is_imported_once_and_never_over_a_recorded_figure(state_db_url, sample_bundle):
    pubs = register.published_for(sample_bundle, writable=True, url=state_db_url)
    assert len(pubs) == 43 and {p.id for p in pubs} >= {"P01", "P06", "P43"}
    p06 = next(p for p in pubs if p.id == "P06")
    assert (p06.value, p06.unit, p06.metric, p06.source) == (
        4019,
        "人",
        "employment_placed:year=2022",
        "卢龙专场新闻发布会",
    )
    with store.begin(state_db_url) as conn:
        entry = register.history(conn, COUNTY, "P06")[0]
    assert entry.origin == "file" and entry.published_on == dt.date(2022, 7, 27)
    # A second start imports nothing; a figure the office changed is not overwritten by the file.
    _record(
        state_db_url,
        key="P06",
        statement="全县脱贫劳动力实现就业4020人",
        value=4020,
        unit="人",
        metric="employment_placed:year=2022",
    )
    pubs = register.published_for(sample_bundle, writable=True, url=state_db_url)
    assert len(pubs) == 43 and next(p for p in pubs if p.id == "P06").value == 4020
    with store.begin(state_db_url) as conn:
        assert [e.version for e in register.history(conn, COUNTY, "P06")] == [2, 1]
        assert register.count(conn, COUNTY) == 44


def test_statement_and_value_must_agree(state_db_url):
    with pytest.raises(register.RegisterError, match="2434人.*2443"):
        _record(state_db_url, statement="今年安置公益岗位2434人", value=2443, unit="人")
    with pytest.raises(register.RegisterError, match="没有以“户”为单位"):
        _record(state_db_url, statement="今年安置公益岗位2434人", value=2434, unit="户")
    with pytest.raises(register.RegisterError, match="不存在"):
        _record(
            state_db_url, statement="今年安置公益岗位2434人", value=2434, unit="人", metric="no_such_metric"
        )
    assert _current(state_db_url) == []  # nothing was written
    # Written the way it was said: approximations, 万/亿 and a bare count agree with their value.
    assert register.statement_agrees("全县4000余名干部作为帮扶责任人", 4000, "人") is None
    assert register.statement_agrees("整合涉农资金1.5亿元", 15000, "万元") is None
    assert register.statement_agrees("卢龙县下辖12乡镇", 12, "个") is None


def test_a_new_source_is_used_by_the_check(state_db_url, sample_bundle):
    entry = _record(
        state_db_url, statement="全县发放宣传资料3000余份", value=3000, unit="份", note="赶大集活动"
    )
    assert (entry.key, entry.version, entry.source) == ("R0001", 1, "秦皇岛日报")
    pubs = register.published_for(sample_bundle, writable=True, url=state_db_url)
    found = textcheck.check(
        sample_bundle, "组织开展“政策宣传赶大集”活动,发放宣传资料3000余份。", published=pubs
    )
    assert [(f.text, f.verdict, f.source) for f in found] == [("3000余份", "published", "R0001")]
    assert "秦皇岛日报" in found[0].note
    found = textcheck.check(sample_bundle, "发放宣传资料5000余份。", published=pubs)
    assert (found[0].verdict, found[0].value, found[0].source) == ("mismatch", 3000, "R0001")


def test_the_check_uses_every_source_newest_first(state_db_url, sample_bundle):
    """Two sources said the year's placements: the newer figure decides what the text agrees with."""
    _record(
        state_db_url,
        statement="截至9月底,全县脱贫劳动力实现就业4100人",
        value=4100,
        unit="人",
        as_of=dt.date(2022, 9, 30),
        source="统计公报",
        metric="employment_placed:year=2022",
    )
    pubs = register.published_for(sample_bundle, writable=True, url=state_db_url)
    checker = textcheck.Checker(sample_bundle, pubs, dt.date(2022, 9, 30))
    [found] = [f for f in checker.check("全县脱贫劳动力实现就业4100人。") if f.verdict != "not_a_figure"]
    # The sample's data stop at 26 July (4019); the bulletin's 4100 is the newest published figure.
    assert (found.verdict, found.source) == ("published", "R0001") and "统计公报" in found.note
    [found] = checker.check("全县脱贫劳动力实现就业4200人。")
    assert found.verdict == "mismatch" and found.published[:2] == ("R0001", "P06")
    # On 26 July the bulletin's figure (as of 30 September) did not exist yet.
    [found] = textcheck.Checker(sample_bundle, pubs, DAY).check("全县脱贫劳动力实现就业4100人。")
    assert found.verdict == "mismatch" and "R0001" not in found.published


def test_withdrawing_keeps_the_history(state_db_url):
    entry = _record(state_db_url, statement="悬挂条幅20余条", value=20, unit="条")
    with store.begin(state_db_url, write=True) as conn:
        register.withdraw(conn, COUNTY, entry.key, who="li", note="统计有误")
    assert _current(state_db_url) == []
    with store.begin(state_db_url) as conn:
        versions = register.history(conn, COUNTY, entry.key)
        assert [(v.version, v.withdrawn) for v in versions] == [(2, True), (1, False)]
        assert versions[0].note == "统计有误"
        assert [e.key for e in register.current(conn, COUNTY, withdrawn=True)] == [entry.key]


def test_read_only_uses_the_register_when_it_holds_figures_and_creates_nothing(tmp_path, sample_bundle):
    path = tmp_path / "state.sqlite"
    url = f"sqlite:///{path}"
    # No database: the file's figures, and no file is created.
    pubs = register.published_for(sample_bundle, writable=False, url=url)
    assert len(pubs) == 43 and not path.exists()
    # A register with figures (a signed-in session imported and recorded): read as it stands.
    register.published_for(sample_bundle, writable=True, url=url)
    _record(url, statement="悬挂条幅20余条", value=20, unit="条")
    store.dispose()
    before = path.stat().st_mtime_ns
    pubs = register.published_for(sample_bundle, writable=False, url=url)
    assert len(pubs) == 44 and pubs[0].id in {"R0001"} | {p.id for p in pubs}
    assert "R0001" in {p.id for p in pubs}
    with sa.create_engine(url).connect() as conn:
        assert conn.execute(sa.text("select count(*) from register_figures")).scalar_one() == 44
    assert Path(path).stat().st_mtime_ns == before


def test_each_county_has_its_own_register(state_db_url, three_county_bundle):
    from lulong_data.county import counties, subset

    codes = [c for c, _ in counties(three_county_bundle)]
    first, second = subset(three_county_bundle, codes[0]), subset(three_county_bundle, codes[1])
    a = register.published_for(first, writable=True, url=state_db_url)
    _record(state_db_url, statement="悬挂条幅20余条", value=20, unit="条")  # recorded for 130324
    with store.begin(state_db_url) as conn:
        assert {e.key for e in register.current(conn, codes[1])} == {
            p.id for p in register.published_for(second, writable=True, url=state_db_url)
        }
    assert len(a) == len(textcheck.default_published(first))


def test_checktext_reads_the_register(tmp_path, capsys, monkeypatch, sample_bundle):
    import json

    from lulong_data.__main__ import main

    url = f"sqlite:///{tmp_path / 'state.sqlite'}"
    monkeypatch.setenv("LULONG_DB_URL", url)
    monkeypatch.delenv("LULONG_DATA_DIR", raising=False)
    register.published_for(sample_bundle, writable=True, url=url)
    _record(url, statement="全县发放宣传资料3000余份", value=3000, unit="份")
    f = tmp_path / "稿.txt"
    f.write_text("发放宣传资料3000余份。", encoding="utf-8")
    assert main(["checktext", str(f), "--format", "json"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert (row["verdict"], row["source"]) == ("published", "R0001")


def test_a_file_row_whose_statement_says_otherwise_is_named_and_not_imported(state_db_url, sample_bundle):
    wrong = textcheck.Published("P99", "今年安置公益岗位2434人", 2443, "人", DAY, "新闻发布会")
    assert register.disagreements([*textcheck.default_published(sample_bundle), wrong]) == [
        ("P99", "表述为“2434人”,与填写的数值 2443人 不一致。")
    ]
    with store.begin(state_db_url, write=True) as conn:
        assert register.import_file(conn, COUNTY, [wrong]) == 0
