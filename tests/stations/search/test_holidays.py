"""Opening hours against the mainland holiday calendar: National Day, make-up working days (调休),
`PH off`, years nobody has announced yet, and `load_holidays` updates."""

import datetime

import pytest
from django.core.management import CommandError, call_command

from stations.models import HolidayDay
from stations.search import holidays, hours

pytestmark = pytest.mark.django_db
TZ = hours.STATION_TZ
WEEKDAYS_PH_OFF = "Mo-Fr 09:00-18:00; PH off"
HOLIDAY_HOURS = "Mo-Su 08:00-20:00; PH 10:00-16:00"


@pytest.fixture(autouse=True)
def _fresh_calendar():
    holidays.reset()
    hours._timing_at.cache_clear()
    yield
    holidays.reset()
    hours._timing_at.cache_clear()


def at(text):
    return datetime.datetime.fromisoformat(text).replace(tzinfo=TZ)


def test_it_knows_national_day_2026_and_its_make_up_days():
    assert holidays.day_kind(datetime.date(2026, 10, 1)) == holidays.HOLIDAY
    assert holidays.day_kind(datetime.date(2026, 10, 7)) == holidays.HOLIDAY
    assert holidays.day_kind(datetime.date(2026, 9, 20)) == holidays.WORKDAY  # Sunday, worked
    assert holidays.day_kind(datetime.date(2026, 10, 10)) == holidays.WORKDAY  # Saturday, worked
    assert holidays.day_kind(datetime.date(2026, 10, 8)) == holidays.NORMAL
    assert holidays.day_kind(datetime.date(2031, 10, 1)) == holidays.UNKNOWN
    assert 2026 in holidays.known_years() and 2031 not in holidays.known_years()


def test_it_closes_a_ph_off_station_on_national_day():
    assert hours.timing("open", WEEKDAYS_PH_OFF, at("2026-10-01 12:00")) == (False, None, "2026-10-08T09:00:00+08:00")
    assert hours.timing("open", WEEKDAYS_PH_OFF, at("2026-10-08 12:00")) == (True, "2026-10-08T18:00:00+08:00", None)


def test_it_applies_holiday_hours_on_national_day():
    assert hours.timing("open", HOLIDAY_HOURS, at("2026-10-01 12:00")) == (True, "2026-10-01T16:00:00+08:00", None)
    assert hours.timing("open", HOLIDAY_HOURS, at("2026-10-01 17:00")) == (False, None, "2026-10-02T10:00:00+08:00")
    # Hours without PH ignore holidays, as OpenStreetMap's syntax says.
    assert hours.open_at("open", "Mo-Fr 09:00-18:00", at("2026-10-01 12:00")) is True


def test_it_opens_weekday_stations_on_the_make_up_saturday():
    # Saturday 2026-10-10 is a working day: it follows the working-day (Monday) hours.
    assert hours.timing("open", WEEKDAYS_PH_OFF, at("2026-10-10 12:00")) == (True, "2026-10-10T18:00:00+08:00", None)
    assert hours.open_at("open", "Mo-Fr 09:00-18:00", at("2026-09-20 08:00")) is False
    assert hours.open_at("open", "Mo-Fr 09:00-18:00", at("2026-09-20 09:30")) is True
    assert hours.open_at("open", "Mo-Fr 09:00-18:00", at("2026-10-17 12:00")) is False  # an ordinary Saturday


def test_it_answers_null_for_ph_hours_in_an_unknown_year():
    assert hours.timing("open", WEEKDAYS_PH_OFF, at("2031-10-01 12:00")) == (None, None, None)
    assert hours.open_for("open", WEEKDAYS_PH_OFF, at("2031-10-01 12:00"), 30) is None
    assert hours.open_at("open", "Mo-Fr 09:00-18:00", at("2031-10-01 12:00")) is True  # no PH: no calendar needed


def test_it_tells_whether_a_station_stays_open_long_enough():
    assert hours.open_for("open", "Mo-Su 08:00-18:00", at("2026-12-07 17:00"), 60) is True
    assert hours.open_for("open", "Mo-Su 08:00-18:00", at("2026-12-07 17:00"), 61) is False
    assert hours.open_for("open", "24/7", at("2026-12-07 17:00"), 1440) is True
    assert hours.open_for("closed", "24/7", at("2026-12-07 17:00"), 1) is False


def test_it_loads_a_new_years_notice_from_a_file(tmp_path):
    notice = tmp_path / "2031.csv"
    notice.write_text("date,kind,name\n2031-10-01,holiday,国庆节\n2031-10-02,holiday,国庆节\n2031-09-28,workday,国庆节\n", encoding="utf-8")
    call_command("load_holidays", str(notice))
    assert holidays.known_years()[-1] == 2031
    assert holidays.day_kind(datetime.date(2031, 10, 1)) == holidays.HOLIDAY
    assert holidays.day_kind(datetime.date(2031, 9, 28)) == holidays.WORKDAY
    assert holidays.day_kind(datetime.date(2031, 10, 3)) == holidays.NORMAL
    assert hours.open_at("open", WEEKDAYS_PH_OFF, at("2031-10-01 12:00")) is False
    # Loading the year again replaces it.
    notice.write_text("date,kind,name\n2031-10-03,holiday,国庆节\n", encoding="utf-8")
    call_command("load_holidays", str(notice))
    assert list(HolidayDay.objects.values_list("date", flat=True)) == [datetime.date(2031, 10, 3)]
    assert holidays.day_kind(datetime.date(2031, 10, 1)) == holidays.NORMAL


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("day,kind\n2031-10-01,holiday\n", "header"),
        ("date,kind,name\n2031-13-01,holiday,x\n", "line 2: date"),
        ("date,kind,name\n2031-10-01,party,x\n", "line 2: kind"),
        ("date,kind,name\n2031-10-01,holiday,x\n2031-10-01,workday,y\n", "twice"),
        ("date,kind,name\n", "no days"),
    ],
)
def test_it_refuses_a_bad_holiday_file_and_changes_nothing(tmp_path, text, message):
    HolidayDay.objects.create(date=datetime.date(2030, 1, 1), kind="holiday", year=2030)
    notice = tmp_path / "bad.csv"
    notice.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        call_command("load_holidays", str(notice))
    assert list(HolidayDay.objects.values_list("date", "year")) == [(datetime.date(2030, 1, 1), 2030)]
