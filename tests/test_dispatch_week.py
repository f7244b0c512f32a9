"""The week of the dispatch meeting (issue 18 items 3–6): 本周要点 written from the data, the lists the
meeting can assign and the line of each bureau, the meeting date against the data date, and numbered
papers that stay as issued — and what the next meeting compares with — after new data are published."""

from __future__ import annotations

import datetime as dt
import io
import math

import pandas as pd
import pytest
from docx import Document

from lulong_data import dispatch, dispatch_items, dispatch_ledger, dispatch_report, status, store
from lulong_data.access import Identity
from lulong_data.bundle import Bundle
from lulong_data.formatting import fmt_rate
from lulong_data.metrics import environment as env
from lulong_data.metrics import monitoring as mon
from lulong_data.metrics import pace, registry
from lulong_data.store import ledger, papers

D = dt.date
LAST, NOW = D(2022, 7, 19), D(2022, 7, 26)
OFFICE = Identity(user="防贫中心王", role="data", source="accounts")
LEADER = Identity(user="赵县长", role="leader", source="header")
TOWN = Identity(user="石门张", role="township", township="130324105", source="accounts")


def _overdue_by_township(b: Bundle, day: dt.date) -> pd.DataFrame:
    """Overdue items per township and check on ``day``, most first (ties: township code)."""
    items = mon.overdue_list(b, as_of=day)
    g = items.groupby(["township_code", "township_name", "check"]).size().rename("n").reset_index()
    g["total"] = g.groupby("township_code")["n"].transform("sum")
    g["order"] = g["check"].map({c: i for i, c in enumerate(mon.CHECK_LABELS)})
    return g.sort_values(["total", "township_code", "order"], ascending=[False, True, True])


def test_key_points_in_official_sentences(sample_bundle):
    """The issue's own example sentence, its numbers counted here from the data and the registry."""
    b = sample_bundle
    cases = b.frames["monitoring_cases"]

    def households(col: str) -> int:
        on = cases[col]
        return cases[(on > pd.Timestamp(LAST)) & (on <= pd.Timestamp(NOW))]["household_id"].nunique()

    new, gone = households("approved_on"), households("eliminated_on")
    monitored = registry.evaluate(b, "monitored_households", as_of=NOW).value
    now, then = (registry.evaluate(b, "overdue_items", as_of=day).value for day in (NOW, LAST))
    assert new and gone and now > then  # the sentence's every clause is exercised
    towns = _overdue_by_township(b, NOW).drop_duplicates("township_code").head(2)
    top = "、".join(f"{r.township_name}({r.total}项)" for r in towns.itertuples(index=False))

    d = dispatch.prepare(b, as_of=NOW)
    points = dispatch.key_points(d)
    assert points[0] == (
        f"本周新纳入监测{new}户、风险消除{gone}户,未消除风险{monitored}户;逾期未办{now}项,较上周增加{now - then}项,"
        f"集中在{top}。"
    )
    truth = status.township_status(b, as_of=NOW)
    behind = truth[truth["status"] == "behind"]["name"].tolist()
    watch = int((truth["status"] == "watch").sum())
    assert behind and points[1] == f"落后乡镇{len(behind)}个({'、'.join(behind)}),需关注乡镇{watch}个。"
    county = pace.county_pace(b, as_of=NOW)
    rate = registry.evaluate(b, "employment_rate", as_of=NOW, year=2022).value
    assert points[2] == (
        f"务工就业{county['placed']}人,完成年度目标的{fmt_rate(rate)},为序时进度的{county['pct']:.1f}%"
        "(按上年同期累计进度折算)"
        + ("。" if d.decisions.jobs_behind.empty else points[2][points[2].index(";落后序时进度") :])
    )
    talks = env.talk_flags(b, as_of=NOW)
    worst = talks.sort_values("months_running", ascending=False).iloc[0]
    assert points[3] == (
        f"连续上黑榜需约谈的村{len(talks)}个,其中{worst['township']}{worst['village']}已连续{worst['months_running']}个月。"
    )
    assert county["placed"] >= 1000 and not any(f"{county['placed']:,}" in p for p in points)  # 公文: 4019
    assert dispatch.key_points(d, "en")[0].startswith(
        f"This week: {new} households newly monitored, {gone} with"
    )


def test_key_points_follow_the_data(sample_bundle):
    """Another date, other sentences: nothing in them is fixed text."""
    d = dispatch.prepare(sample_bundle, as_of=D(2022, 6, 30))
    first = dispatch.key_points(d)[0]
    new = registry.evaluate(
        sample_bundle, "newly_monitored_households", as_of=d.data_as_of, since=d.since
    ).value
    assert (
        first.startswith(f"本周新纳入监测{new}户")
        and f"未消除风险{int(d.headline('monitored_households').now)}户" in first
    )


def test_meeting_after_the_data_uses_the_latest_data_date(sample_bundle):
    """Data cut on Tuesday 26 July, meeting on Monday 1 August: the figures are those of 26 July."""
    d = dispatch.prepare(sample_bundle, as_of=D(2022, 8, 1))
    assert d.meeting == D(2022, 8, 1) and d.data_as_of == NOW and d.since == LAST
    assert "会议日期 2022-08-01 · 数据截至 2022-07-26" in d.dates_line()
    same = dispatch.prepare(sample_bundle, as_of=NOW)
    assert [h.now for h in d.headlines] == [h.now for h in same.headlines]
    # A meeting on 19 July shows 19 July's figures and says so (not the data's own date).
    early = dispatch.prepare(sample_bundle, as_of=LAST)
    assert early.data_as_of == LAST and "数据截至 2022-07-19" in early.dates_line()


def test_candidates_name_owners_and_no_household(sample_bundle):
    d = dispatch.prepare(sample_bundle, as_of=NOW)
    cands = dispatch_items.candidates(sample_bundle, as_of=d.data_as_of, since=d.since)
    kinds = {c.kind for c in cands}
    assert {"overdue", "uncovered", "eligible", "training", "talk", "batch", "no_measure"} <= kinds
    # Jobs: a row per township behind the pace — none in the sample on 26 July (every township is past
    # last year's curve; test_jobs_behind_the_pace_become_items_for_the_labour_bureau makes one).
    behind = d.decisions.jobs_behind["township_code"].tolist()
    assert [c.township_code for c in cands if c.kind == "jobs"] == behind
    assert len({c.source_ref for c in cands}) == len(cands)  # one stable key per row
    worst = _overdue_by_township(sample_bundle, NOW)
    worst = worst[worst["township_code"] == worst["township_code"].iloc[0]]
    town, total = worst["township_name"].iloc[0], int(worst["total"].iloc[0])
    parts = "、".join(
        f"{mon.CHECK_SHORT[c][0]}{n}项" for c, n in zip(worst["check"], worst["n"], strict=True)
    )
    first = next(c for c in cands if c.kind == "overdue")
    assert first.title == f"{town}逾期未办{total}项({parts}),限期办结"
    assert first.unit == f"{town}人民政府" and first.due_on(NOW) == NOW + dt.timedelta(days=7)
    talk = next(c for c in cands if c.kind == "talk")
    assert talk.unit == "卢龙县农业农村局" and talk.title.startswith("约谈印庄镇大道王庄村")
    assert next(c for c in cands if c.kind == "uncovered").unit == "卢龙县民政局"
    heads = set(d.decisions.overdue_items["head_masked"])
    text = " ".join(c.title + c.line_zh for c in cands)
    assert not any(h in text for h in heads if len(h) > 1)


def _raised_target(b: Bundle, code: str, extra: int) -> Bundle:
    """The sample with one township's 2022 job target raised so that it is ``extra`` people behind."""
    frames = {name: df.copy() for name, df in b.frames.items() if name in b.present}
    t = frames["employment_targets"]
    row = (t["year"] == 2022) & (t["township_code"] == code)
    share = pace.yardstick(b, as_of=NOW).share
    placed = int(pace.township_pace(b, as_of=NOW).set_index("township_code").loc[code, "placed"])
    t.loc[row, "target"] = math.ceil((placed + extra) / share)
    return Bundle.from_frames(frames, as_of=b.as_of, rules=b.rules, manifest=b.manifest, geo=b.geo)


def test_jobs_behind_the_pace_become_items_for_the_labour_bureau(sample_bundle):
    shimen = "130324105"
    b = _raised_target(sample_bundle, shimen, 30)
    row = pace.township_pace(b, as_of=NOW).set_index("township_code").loc[shimen]
    short = math.ceil(row["expected"] - row["placed"])
    assert short >= 30 and row["basis"] == "last_year"
    d = dispatch.prepare(b, as_of=NOW)
    assert d.decisions.jobs_behind["township_code"].tolist() == [shimen]
    cands = dispatch_items.candidates(b, as_of=d.data_as_of, since=d.since)
    [jobs] = [c for c in cands if c.kind == "jobs"]
    assert jobs.title == f"石门镇务工就业落后序时进度{short}人,加快推进"
    assert jobs.unit == "卢龙县人力资源和社会保障局" and jobs.source_ref == f"jobs:{shimen}"
    lines = {x.key: x for x in dispatch_items.bureau_lines(cands, [], county="卢龙县")}
    assert jobs in lines["renshe"].lines
    assert f";落后序时进度的乡镇1个(石门镇差{short}人)。" in dispatch.key_points(d)[2]


def test_a_line_per_bureau_with_full_names(sample_bundle):
    d = dispatch.prepare(sample_bundle, as_of=NOW)
    cands = dispatch_items.candidates(sample_bundle, as_of=d.data_as_of, since=d.since)
    item = ledger.Item(1, "130324", "补足公益岗位", "posts", None, None, "卢龙县人力资源和社会保障局", "沈局长",
                       None, NOW, "未办", None, NOW, NOW, None, store.now(), "x", store.now(), "x", 1)  # fmt: skip
    lines = dispatch_items.bureau_lines(cands, [item], county="卢龙县")
    assert [b.name for b in lines] == [
        "卢龙县乡村振兴局", "卢龙县人力资源和社会保障局", "卢龙县民政局", "卢龙县农业农村局", "卢龙县教育局",
        "卢龙县卫生健康局",
    ]  # fmt: skip
    by = {b.key: b for b in lines}
    assert by["renshe"].items == (item,) and any(c.kind == "training" for c in by["renshe"].lines)
    assert any(c.kind == "uncovered" for c in by["minzheng"].lines)
    assert any(c.kind == "talk" for c in by["nongye"].lines)
    assert any("因病" in c.line_zh for c in by["weijian"].lines)  # risk without a health measure


def _republished(b: Bundle) -> Bundle:
    """The same data with a back-filled case: a household approved on 15 July that the 19 July paper did
    not know about (and one more person in it)."""
    frames = {name: df.copy() for name, df in b.frames.items() if name in b.present}
    cases = frames["monitoring_cases"]
    spare = frames["households"][~frames["households"]["household_id"].isin(cases["household_id"])].iloc[0]
    row = cases.iloc[0].copy()
    row["case_id"], row["household_id"] = "JC_BACKFILL_1", spare["household_id"]
    for col in ("found_on", "verified_on", "village_review_on", "township_audit_on"):
        row[col] = pd.Timestamp("2022-07-05")
    row["approved_on"] = row["contact_assigned_on"] = row["plan_on"] = pd.Timestamp("2022-07-15")
    row["eliminated_on"], row["elimination_kind"] = pd.NaT, None
    frames["monitoring_cases"] = pd.concat([cases, row.to_frame().T], ignore_index=True)
    return Bundle.from_frames(frames, as_of=b.as_of, rules=b.rules, manifest=b.manifest, geo=b.geo)


@pytest.mark.slow
def test_an_issued_paper_reopens_unchanged_after_new_data(sample_bundle, state_db_url):
    county = "130324"
    d = dispatch.prepare(sample_bundle, as_of=LAST)
    issued = papers.issue(
        state_db_url, county=county, meeting_on=LAST, data_as_of=d.data_as_of, office="卢龙县防贫中心", lang="zh",
        fingerprint=sample_bundle.fingerprint[:64], figures=dispatch.snapshot(d), actor=OFFICE,
        docx=lambda label, office: dispatch_report.build(d, issue=dispatch_report.Issue(label, office)),
    )  # fmt: skip
    assert issued.label() == "2022年第1期" and issued.number == 1
    word = papers.word_file(state_db_url, paper_id=issued.id, actor=LEADER)
    text = "\n".join(p.text for p in Document(io.BytesIO(word)).paragraphs)
    assert "2022年第1期    卢龙县防贫中心    2022年7月19日" in text and "数据截至 2022-07-19" in text

    newer = _republished(sample_bundle)
    monitored = next(h for h in d.headlines if h.key == "monitored_households")
    redone = dispatch.prepare(newer, as_of=LAST).headline("monitored_households")
    assert redone.now == monitored.now + 1  # the new data do change the 19 July figure

    # Reopened after the new data: the same bytes, the same figures.
    again = papers.for_meeting(state_db_url, county=county, meeting_on=LAST, actor=TOWN)
    assert papers.word_file(state_db_url, paper_id=again.id, actor=TOWN) == word
    assert again.figures == dispatch.snapshot(d) and again.data_as_of == LAST
    # It cannot be issued twice for one meeting.
    with pytest.raises(store.StoreError, match="已印发"):
        papers.issue(state_db_url, county=county, meeting_on=LAST, data_as_of=LAST, office="x", lang="zh",
                     fingerprint="x", figures={}, docx=b"x", actor=OFFICE)  # fmt: skip

    # The next meeting compares with what the paper said, and notes that the data changed since.
    previous = dispatch_ledger.previous_paper(state_db_url, county=county, meeting=NOW, actor=LEADER)
    assert previous.label_zh == "2022年第1期"
    week = dispatch.prepare(newer, as_of=NOW, previous=previous)
    h = week.headline("monitored_households")
    assert h.then == monitored.now and h.revised == monitored.now + 1
    assert "上期材料(2022年第1期,数据截至2022-07-19)" in week.dates_line()
    notes = week.revisions()
    assert (
        notes[0]
        == f"2022年第1期所列未消除风险户为{monitored.now:.0f}户,按目前数据为{monitored.now + 1:.0f}户(数据已更新)。"
    )
    assert len(notes) == 2 and notes[1].startswith(
        "2022年第1期所列未消除风险人口为"
    )  # the household's people
    assert "上期材料印发后数据有更新,详见说明。" in dispatch.key_points(week)
    assert h.change == h.now - monitored.now  # 较上周 = against the issued figure
    # Township overdue changes are against the paper's townships too.
    printed = {t["township_code"]: t["overdue"] for t in issued.figures["townships"]}
    rows = week.townships.set_index("township_code")
    assert all(rows.loc[c, "overdue_then"] == n for c, n in printed.items())
    # The next paper is number 2.
    second = papers.issue(state_db_url, county=county, meeting_on=NOW, data_as_of=NOW, office="卢龙县防贫中心",
                          lang="zh", fingerprint="f", figures=dispatch.snapshot(week), docx=b"docx", actor=LEADER)  # fmt: skip
    assert second.number == 2 and [
        p.number for p in papers.listing(state_db_url, county=county, actor=TOWN)
    ] == [2, 1]


def test_issuing_is_for_the_leader_and_the_office(state_db_url):
    kwargs = dict(county="130324", meeting_on=NOW, data_as_of=NOW, office="卢龙县防贫中心", lang="zh",
                  fingerprint="f", figures={}, docx=b"x")  # fmt: skip
    for who in (
        TOWN,
        Identity(user="访客", role="data", source="open"),
        Identity(user="p", role="press", source="header"),
    ):
        with pytest.raises(store.ReadOnlyError):
            papers.issue(state_db_url, actor=who, **kwargs)
    with pytest.raises(store.StoreError, match="印发单位"):
        papers.issue(state_db_url, actor=OFFICE, **{**kwargs, "office": " "})
    assert papers.listing(state_db_url, county="130324", actor=LEADER) == []


def test_ledger_tables_and_edits(sample_bundle, state_db_url):
    """The page's editor rows back into the ledger: a township's status change is saved, an edit made
    from a stale copy is reported, not written."""
    d = dispatch.prepare(sample_bundle, as_of=NOW)
    cands = dispatch_items.candidates(sample_bundle, as_of=d.data_as_of, since=d.since)
    table = dispatch_ledger.candidates_table(cands, NOW, taken=set())
    shimen = table[table["情况"].str.startswith("石门镇:识别认定")].index
    table.loc[shimen, "交办"] = True
    table.loc[shimen, "责任人"] = "张镇长"
    table.loc[table.index[0], "交办"] = True  # ticked, but no 责任人: refused with a reason
    saved = dispatch_ledger.assign(state_db_url, table, cands, county="130324", meeting=NOW, actor=LEADER)
    assert saved.changed == 1 and len(saved.problems) == 1 and "责任人" in saved.problems[0]
    [item] = ledger.items(state_db_url, county="130324", actor=TOWN)
    assert item.unit == "石门镇人民政府" and item.source_ref == "overdue:130324105"
    taken = dispatch_ledger.taken_refs(state_db_url, county="130324", actor=LEADER)
    assert "overdue:130324105" in taken
    assert "overdue:130324105" not in set(dispatch_ledger.candidates_table(cands, NOW, taken)["_ref"])

    before = dispatch_ledger.items_table([item], NOW)
    after = before.copy()
    after.loc[0, "状态"], after.loc[0, "落实情况"] = "在办", "已入户核查"
    after.loc[0, "责任人"] = "别人"  # a township cannot reassign: ignored for it
    ok = dispatch_ledger.save_edits(state_db_url, before, after, actor=TOWN, today=NOW)
    assert ok == dispatch_ledger.Saved(1, ())
    now = ledger.get(state_db_url, item_id=item.id, actor=LEADER)
    assert (now.status, now.progress, now.person) == ("在办", "已入户核查", "张镇长")
    cleared = after.assign(**{"办结时限": [None]})
    refused = dispatch_ledger.save_edits(state_db_url, dispatch_ledger.items_table([ledger.get(
        state_db_url, item_id=item.id, actor=LEADER)], NOW), cleared, actor=LEADER, today=NOW)  # fmt: skip
    assert refused.changed == 0 and "办结时限" in refused.problems[0]
    stale = dispatch_ledger.save_edits(
        state_db_url, before, after.assign(**{"落实情况": "旧的"}), actor=LEADER, today=NOW
    )
    assert stale.changed == 0 and "已被石门张" in stale.problems[0]


def test_a_decision_list_says_what_its_count_counts(sample_bundle):
    """逾期未办的程序事项(6个乡镇): the count in a decision list's heading is of its lines (townships,
    villages, batches), and says so, so it is not read as the number of overdue items."""
    d = dispatch.prepare(sample_bundle, as_of=NOW)
    sections = {s.key: s for s in dispatch.decision_sections(d)}
    towns = _overdue_by_township(sample_bundle, NOW)["township_code"].nunique()
    assert towns > 0 and sections["overdue"].heading() == f"逾期未办的程序事项({towns}个乡镇)"
    talks = sections["talks"]
    assert talks.heading() == f"连续上黑榜需约谈的村({len(talks.lines)}个村)" and talks.lines
    en = {s.key: s for s in dispatch.decision_sections(d, "en")}["overdue"]
    assert en.heading("en") == f"Overdue procedure items ({towns} townships)"
    empty = {s.key: s for s in dispatch.decision_sections(d)}["jobs"]
    assert empty.lines or empty.heading() == empty.title  # nothing listed: no "(0个乡镇)"
