import datetime as dt

import pytest

from lulong_data.workdays import CalendarNotCovered, add_workdays, deadline, is_workday, workdays_between

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


def test_year_not_covered():
    with pytest.raises(CalendarNotCovered, match="2030") as err:
        is_workday(D(2030, 3, 4))
    assert err.value.year == 2030
    with pytest.raises(CalendarNotCovered):
        add_workdays(D(2029, 12, 31), 3)
