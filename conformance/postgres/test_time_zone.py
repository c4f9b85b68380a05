"""The session time zone as psycopg users meet it: psycopg builds aware datetimes in the zone the
server reports (ParameterStatus TimeZone), so after SET TIME ZONE every timestamptz it returns must
carry that zone's tzinfo and offset, in text and binary results alike, on both targets."""
from __future__ import annotations

import datetime as dt
import zoneinfo

import psycopg
import pytest

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def test_set_time_zone_gives_aware_datetimes_in_that_zone(connect):
    c = connect(autocommit=True)
    c.execute("SET TIME ZONE 'America/New_York'")
    assert c.info.parameter_status("TimeZone") == "America/New_York"
    winter, summer = c.execute(
        "SELECT timestamptz '2024-01-15 17:00+00', timestamptz '2024-07-15 16:00+00'").fetchone()
    assert winter == dt.datetime(2024, 1, 15, 12, 0, tzinfo=NEW_YORK)
    assert (winter.tzinfo, winter.utcoffset()) == (NEW_YORK, dt.timedelta(hours=-5))
    assert (summer.hour, summer.utcoffset()) == (12, dt.timedelta(hours=-4))
    binary = c.cursor(binary=True).execute("SELECT timestamptz '2024-07-15 16:00+00'").fetchone()[0]
    assert (binary, binary.tzinfo) == (summer, NEW_YORK)


def test_naive_parameter_is_read_in_the_session_zone(connect):
    c = connect(autocommit=True)
    c.execute("SET TIME ZONE 'America/New_York'")
    row = c.execute("SELECT %s::timestamptz::text", (dt.datetime(2024, 3, 10, 12, 0),)).fetchone()
    assert row == ("2024-03-10 12:00:00-04",)


def test_set_local_is_reported_and_undone_by_rollback(connect):
    c = connect()
    c.execute("SET LOCAL TIME ZONE 'Asia/Tokyo'")
    assert c.info.parameter_status("TimeZone") == "Asia/Tokyo"
    assert c.execute("SELECT timestamptz '2024-01-01 00:00+00'").fetchone()[0].utcoffset() == dt.timedelta(hours=9)
    c.rollback()
    assert c.info.parameter_status("TimeZone") == "Etc/UTC"
    assert c.execute("SHOW timezone").fetchone() == ("Etc/UTC",)


def test_startup_option_sets_the_zone_and_reset_returns_to_it(connect):
    c = connect(autocommit=True, options="-c TimeZone=Europe/Paris")
    assert c.info.parameter_status("TimeZone") == "Europe/Paris"
    assert c.execute("SELECT timestamptz '2024-01-01 00:00+00'::text").fetchone() == ("2024-01-01 01:00:00+01",)
    c.execute("SET TIME ZONE 'UTC'")
    c.execute("RESET timezone")
    assert c.execute("SHOW timezone").fetchone() == ("Europe/Paris",)
    assert c.info.parameter_status("TimeZone") == "Europe/Paris"


def test_unknown_zone_in_startup_option_is_refused(connect):
    with pytest.raises(psycopg.OperationalError, match='invalid value for parameter "TimeZone": "Foo/Bar"'):
        connect(options="-c TimeZone=Foo/Bar")
