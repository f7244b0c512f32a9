import datetime as dt

import pandas as pd
from factories import bundle_from_frames

from lulong_data.workdays import (
    WorkCalendar,
    add_workdays,
    calendar_of,
    coverage_problems,
    deadline,
    is_workday,
    workdays_between,
)

D = dt.date


def test_national_day_2022_adjusted_working_days():
    # 2022-10-01..07 holiday; Sat 10-08 and Sun 10-09 were working days (调休).
    assert not is_workday(D(2022, 10, 3))
    assert is_workday(D(2022, 10, 8)) and is_workday(D(2022, 10, 9))
    assert add_workdays(D(2022, 9, 30), 1) == D(2022, 10, 8)
    assert add_workdays(D(2022, 10, 8), 1) == D(2022, 10, 9)
    assert add_workdays(D(2022, 10, 9), 1) == D(2022, 10, 10)
    assert workdays_between(D(2022, 9, 30), D(2022, 10, 10)) == 3


def test_spring_festival_2022():
    # 2022-01-31..02-06 holiday; Sat 01-29 and Sun 01-30 were working days.
    assert is_workday(D(2022, 1, 29)) and is_workday(D(2022, 1, 30))
    assert not is_workday(D(2022, 2, 1))
    assert add_workdays(D(2022, 1, 30), 1) == D(2022, 2, 7)
    assert deadline(D(2022, 1, 28), 2) == D(2022, 1, 30)


def test_plain_weekend():
    # Fri 2022-06-10 -> Mon 2022-06-13 (no holiday nearby).
    assert not is_workday(D(2022, 6, 11))
    assert add_workdays(D(2022, 6, 10), 1) == D(2022, 6, 13)
    assert workdays_between(D(2022, 6, 10), D(2022, 6, 13)) == 1
    assert workdays_between(D(2022, 6, 13), D(2022, 6, 10)) == 0
    assert workdays_between(D(2022, 6, 13), D(2022, 6, 13)) == 0
    assert add_workdays(D(2022, 6, 10), 0) == D(2022, 6, 10)


def test_datetime_input_is_a_day():
    assert add_workdays(dt.datetime(2022, 9, 30, 15, 0), 1) == D(2022, 10, 8)


def test_a_year_nobody_supplied_is_estimated_monday_to_friday_and_flagged():
    """2030: neither a holidays table nor chinesecalendar knows it. Nothing raises; weekdays count."""
    assert is_workday(D(2030, 3, 4))  # a Monday
    assert not is_workday(D(2030, 3, 9))  # a Saturday
    assert add_workdays(D(2029, 12, 31), 3) == D(2030, 1, 3)  # 1 January counted as a working day
    cal = WorkCalendar()
    assert cal.source(2030) == "estimate"
    caveat = cal.caveat([2022, 2030])
    assert caveat.code == "calendar_estimated"
    assert caveat.zh == "2030年节假日安排未导入,按周一至周五估算。"
    assert "2030" in caveat.en and "Monday to Friday" in caveat.en
    assert cal.caveat([2022]) is None


def _holidays(*rows):
    return pd.DataFrame(
        [{"date": pd.Timestamp(d), "kind": k, "name": "", "source": "国务院办公厅通知"} for d, k in rows]
    )


def test_a_year_supplied_only_by_the_data_office_table():
    """2027 is not in chinesecalendar 1.11: the folder's holidays table makes it a known year."""
    table = _holidays(("2027-01-01", "休"), ("2027-02-06", "班"), ("2027-02-08", "休"), ("2027-02-09", "休"))
    cal = WorkCalendar(table)
    assert cal.source(2027) == "holidays"
    assert cal.caveat([2027]) is None  # not estimated
    assert not cal.is_workday(D(2027, 1, 1))  # a Friday, 休
    assert cal.is_workday(D(2027, 2, 6))  # a Saturday, 班 (调休)
    assert not cal.is_workday(D(2027, 2, 7))  # an ordinary Sunday
    assert cal.is_workday(D(2027, 2, 5))  # an ordinary Friday
    assert cal.add_workdays(D(2026, 12, 31), 1) == D(2027, 1, 4)  # over New Year's Day and the weekend
    assert cal.add_workdays(D(2027, 2, 5), 2) == D(2027, 2, 10)  # Sat 6 (班), then 8 and 9 休
    assert cal.workdays_between(D(2027, 2, 5), D(2027, 2, 10)) == 2
    # the packaged calendar alone would have estimated it
    assert WorkCalendar().source(2027) == "estimate"


def test_the_table_wins_over_chinesecalendar_for_the_years_it_covers():
    # chinesecalendar says Mon 2022-10-03 is a holiday; a table covering 2022 that omits it decides
    cal = WorkCalendar(_holidays(("2022-10-08", "班")))
    assert cal.source(2022) == "holidays" and cal.source(2021) == "chinesecalendar"
    assert cal.is_workday(D(2022, 10, 3)) and cal.is_workday(D(2022, 10, 8))
    assert not cal.is_workday(D(2021, 10, 4))  # 2021 still from chinesecalendar


def test_the_folder_calendar_of_a_bundle():
    b = bundle_from_frames(holidays=_holidays(("2027-01-01", "休")))
    assert calendar_of(b).source(2027) == "holidays"
    assert calendar_of(b) is calendar_of(b)  # built once per bundle
    assert calendar_of(bundle_from_frames()).source(2027) == "estimate"


def test_check_warns_when_the_as_of_year_or_the_next_30_days_are_not_covered():
    assert coverage_problems(None, D(2026, 11, 1)) == []  # 2026 known, +30 days still 2026
    (p,) = coverage_problems(None, D(2026, 12, 15))  # the next 30 days reach 2027
    assert p.code == "calendar_not_covered" and p.severity == "warning" and p.file == "holidays.csv"
    assert "2027年节假日安排未导入" in p.message_zh and "2026-12-15" in p.message_zh
    assert coverage_problems(_holidays(("2027-01-01", "休")), D(2026, 12, 15)) == []
    (p,) = coverage_problems(None, D(2027, 1, 15))  # the data's own year: one warning for 2027
    assert "2027年" in p.message_zh
