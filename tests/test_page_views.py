"""The view models pages call (issue 21 item 2): what a page shows is decided here, in plain Python."""

from __future__ import annotations

import datetime as dt

from lulong_data import access, status
from lulong_data.metrics import overview


def test_status_explained_gives_label_and_reasons_in_the_language():
    row = {"status": status.BEHIND, "reasons_zh": "逾期3项", "reasons_en": "3 overdue"}
    assert status.explained(row, "zh") == ("× 落后", "逾期3项")
    assert status.explained(row, "en") == ("× behind", "3 overdue")
    assert status.explained({"status": status.GOOD, "reasons_zh": None}) == ("√ 正常", "")


def test_small_counts_are_hidden_only_from_roles_without_village_counts():
    assert access.small_count(access.PRESS, 5) == 5
    assert access.small_count(access.LEADER, 5) is None
    assert access.small_count("nobody", 7) == 7  # an unknown role sees least


def test_profile_trends_cover_twelve_months_and_the_year_so_far():
    monitored, placed = overview.profile_trends(dt.date(2022, 7, 26))
    assert (monitored.name, monitored.months) == ("monitored_households", 12)
    assert (placed.name, placed.months) == ("employment_placed", 7)
    assert placed.title.startswith("2022年") and "12" in monitored.title
    assert overview.profile_trends(dt.date(2022, 7, 26), "en")[1].title.endswith(
        "2022 (cumulative, month-ends)"
    )


def test_meeting_day_reads_a_link_within_the_window():
    from lulong_data import dispatch

    window = dispatch.meeting_window(dt.date(2021, 1, 4), dt.date(2022, 7, 26))
    assert window == (dt.date(2021, 1, 4), dt.date(2022, 8, 2))  # a week after the data: Monday's meeting
    side = dt.date(2022, 7, 26)
    assert dispatch.meeting_day("2022-07-19", side, window) == dt.date(2022, 7, 19)
    assert dispatch.meeting_day(None, side, window) == side
    assert dispatch.meeting_day("19 July", side, window) == side  # unreadable: the sidebar's date
    assert dispatch.meeting_day("2030-01-01", side, window) == dt.date(2022, 8, 2)
    assert dispatch.meeting_day("2000-01-01", side, window) == dt.date(2021, 1, 4)
    assert dispatch.comparison_key("month") == "month"
    assert dispatch.comparison_key("fortnight") == dispatch.comparison_key(None) == "week"


def test_carried_items_are_the_open_ones_of_earlier_meetings():
    from types import SimpleNamespace

    from lulong_data import dispatch_ledger

    items = [SimpleNamespace(meeting_on=dt.date(2022, 7, d)) for d in (11, 18, 25)]
    assert dispatch_ledger.carried(items, dt.date(2022, 7, 18)) == items[:1]


def test_uploaded_text_is_read_by_its_extension():
    import io

    import docx

    from lulong_data import textcheck

    doc = docx.Document()
    doc.add_paragraph("脱贫人口5494人")
    buf = io.BytesIO()
    doc.save(buf)
    assert textcheck.file_text("通稿.DOCX", buf.getvalue()) == "脱贫人口5494人"
    assert textcheck.file_text("a.txt", "务工4019人\xff".encode() + b"\xff") == "务工4019人ÿ\ufffd"


def test_findings_of_several_texts_carry_the_label_of_their_text():
    from lulong_data import textcheck

    findings, where = textcheck.located([["a1", "a2"], [], ["c1"]], ["标题", "导语", "就业"])
    assert findings == ["a1", "a2", "c1"] and where == ["标题", "标题", "就业"]


def test_part_label_says_how_many_sentences_were_left_out():
    from lulong_data import briefing

    p = briefing.Paragraph("employment", "就业", "Employment", "…", (), omitted=("a", "b"))
    assert briefing.part_label(p) == "就业(缺数据,省略2句)"
    assert briefing.part_label(p, "en") == "Employment (2 sentence(s) left out: no data)"
    assert briefing.part_label(briefing.Paragraph("lead", "导语", "Lead", "…", ())) == "导语"


def test_release_docx_prints_the_edited_text(sample_bundle):
    import io

    import docx

    from lulong_data import briefing, press_package

    d = briefing.draft(sample_bundle, sample_bundle.as_of)
    texts = [f"第{i}段改过的文字。" for i, _ in enumerate(d.parts)]
    data = press_package.release_docx(sample_bundle, d, headline="改过的标题", texts=texts)
    body = [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]
    assert "改过的标题" in body and texts[0] in body and texts[-1] in body


def test_overdue_view_names_the_deadline_and_gives_counts_only_without_household_access(sample_bundle):
    from lulong_data.metrics import monitoring

    day = sample_bundle.as_of
    rows = overview.overdue_view(sample_bundle, as_of=day, households=True)
    counts = overview.overdue_view(sample_bundle, as_of=day, households=False, lang="en")
    assert not rows.empty and set(rows["check"]) <= {zh for zh, _ in monitoring.CHECK_LABELS.values()}
    assert list(counts.columns) == ["check", "township_name", "items"]
    assert set(counts["check"]) <= {en for _, en in monitoring.CHECK_LABELS.values()}


def test_monitoring_breakdowns_keep_only_values_with_households(sample_bundle):
    from lulong_data.metrics import monitoring as mon
    from lulong_data.metrics import monitoring_view as mv

    day = sample_bundle.as_of
    for by, _ in mv.BREAKDOWNS:
        full = mon.breakdown(sample_bundle, as_of=day, by=by)
        shown = mv.breakdown_rows(sample_bundle, as_of=day, by=by)
        assert (shown["monitored_households"] > 0).all()
        assert shown["monitored_households"].sum() == full["monitored_households"].sum()
    by_cat = mv.measure_rows(sample_bundle, as_of=day)
    totals = mv.category_totals(by_cat)
    assert totals["policy_category"].is_unique and totals["measures"].sum() == by_cat["measures"].sum()
    assert set(mv.trend_names("en")) == {"identified", "eliminated_assisted", "eliminated_natural"}


def test_environment_notes_and_the_schematic_caption():
    from lulong_data import geo
    from lulong_data.metrics import environment as env

    assert env.veto_note(0) is None
    assert env.veto_note(2) == "其中一票否决2个" and env.veto_note(2, "en") == "of which 2 vetoed"
    assert env.MOVEMENT_COLUMNS[0] == "change_text" and "list_text" in env.HISTORY_COLUMNS
    plain = {"type": "FeatureCollection", "features": []}
    assert geo.schematic_caption(plain) is None
    feature = {"type": "Feature", "properties": {"schematic": True}, "geometry": None}
    sketch = {"type": "FeatureCollection", "features": [feature]}
    assert geo.schematic_caption(sketch) == geo.SCHEMATIC_NOTICE_ZH
    assert geo.schematic_caption(sketch, "en") == geo.SCHEMATIC_NOTICE_EN


def test_employment_view_rows_name_groups_and_years():
    import pandas as pd

    from lulong_data.metrics import employment as em

    holders = pd.DataFrame({"group": ["weak", "elderly"], "persons": [3, 4]})
    assert em.holder_rows(holders)["group"].tolist() == ["弱劳动力或半劳动力", "60岁及以上(其他劳动能力)"]
    assert em.holder_rows(holders, "en")["group"].tolist() == [
        "weak or half labour",
        "aged 60+ (other abilities)",
    ]
    by_year = pd.DataFrame({"year": [2021, 2022], "participants": [5, 6]})
    assert em.training_year_rows(by_year)["year"].tolist() == ["2021年", "2022年"]
    assert em.training_year_rows(by_year, "en")["year"].tolist() == ["2021", "2022"]
    none = pd.DataFrame({"target": [None, None], "placed": [0, 0]})
    assert not em.has_progress(none)
    assert em.has_progress(none.assign(placed=[0, 1])) and em.has_progress(none.assign(target=[5, None]))


def test_employment_headline_tiles_carry_their_judgments(sample_bundle):
    from lulong_data.metrics import employment as em

    day = sample_bundle.as_of
    p = em.progress(sample_bundle, as_of=day, year=day.year)
    tiles = p.tiles()
    assert [f.name for f, _, _ in tiles] == [
        "employment_placed",
        "employment_target",
        "employment_rate",
        "employment_pace",
    ]
    assert tiles[0][2] == p.week_change and tiles[1][1:] == (None, None)
    assert tiles[2][1] == p.target_cue() and tiles[3][1] == p.pace_cue("zh")
    assert p.tiles("en")[3][1] == p.pace_cue("en")


def test_employment_tables_name_their_columns_and_files():
    import pandas as pd

    from lulong_data.metrics import employment as em

    assert em.BEHIND_TABLE.file_stem(2022) == "employment_behind_pace_2022"
    assert (
        em.BEHIND_TABLE.columns[-1] == "short"
        and em.TOWNSHIP_TABLE.columns[:3] == em.BEHIND_TABLE.columns[:3]
    )
    assert em.POSTS_TABLE.table == "welfare_posts" and em.TRAINING_YEARS_TABLE.file_stem(2022) == "trainings"
    assert em.share_rows(pd.DataFrame({"share": [12.345, 87.655]}))["share"].tolist() == [12.3, 87.7]


def test_pace_note_of_a_past_year_is_its_year_end(sample_bundle):
    from lulong_data.metrics import pace

    day = sample_bundle.as_of
    assert pace.pace_note(sample_bundle, as_of=day, year=day.year - 1) == pace.pace_note(
        sample_bundle, as_of=dt.date(day.year - 1, 12, 31)
    )
    assert pace.pace_note(sample_bundle, as_of=day, year=day.year) == pace.pace_note(sample_bundle, as_of=day)


def test_welfare_scheme_names_and_indicator_values_for_tables():
    import pandas as pd

    from lulong_data.metrics import indicators as ind
    from lulong_data.metrics import welfare as wf

    df = pd.DataFrame({"scheme": [wf.DIBAO, wf.TEKUN], "persons": [1, 2]})
    assert wf.with_scheme_names(df)["scheme"].tolist() == [wf.DIBAO, wf.TEKUN]
    assert wf.with_scheme_names(df, "en")["scheme"].tolist() == [
        wf.scheme_name(s, "en") for s in df["scheme"]
    ]
    panel = pd.DataFrame({"value": [1234.5, 3.0, 0.125]})
    assert ind.panel_rows(panel)["value"].tolist() == ["1,234.5", "3", "0.125"]


def test_welfare_phaseout_note_and_tables():
    from lulong_data.metrics import indicators as ind
    from lulong_data.metrics import welfare as wf

    assert wf.phaseout_note("12人", "3户 · 7人") == "12人 · 不再符合低保条件(年内流量)· 目前3户 · 7人(时点)"
    assert wf.phaseout_note("12 persons", "3", "en") == "12 persons · no longer eligible (this year) · now: 3"
    assert wf.AID_STAGE_TABLE.file_stem(2022) == "student_aid_by_stage_2022"
    assert wf.TOWNSHIP_TABLE.priority == wf.TOWNSHIP_PRIORITY
    assert set(wf.TOWNSHIP_TABLE.columns) == set(wf.TOWNSHIP_PRIORITY)
    assert "household_id" in wf.PHASEOUT_TABLE.columns and "household_id" in wf.NO_COVER_TABLE.columns
    assert ind.PANEL_TABLE.file_stem() == "indicators"


def test_environment_tables_are_named_by_list_month_or_village():
    from lulong_data import notice
    from lulong_data.metrics import environment as env

    assert notice.LIST_TABLES["red"].file_stem(of="2022-07") == "red_list_2022-07"
    assert notice.LIST_TABLES["black"].priority == notice.LIST_PRIORITY
    assert notice.TALK_TABLE.file_stem(of="2022-07") == "talks_2022-07"
    assert notice.TOWNSHIP_TABLE.columns == notice.TOWNSHIP_COLUMNS
    assert env.HISTORY_TABLE.file_stem(of="130324100201") == "village_history_130324100201"
    assert (
        env.MONTH_HINT[0].startswith("默认")
        and "满分" in env.LOSS_NOTE[0]
        and "仿宋" in notice.NOTICE_NOTE[0]
    )
