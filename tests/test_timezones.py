"""Festival time zones (crm.timezones): a meeting at Cannes is entered and shown in Paris
time and kept in UTC."""
from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from crm.timezones import (COUNTRY_TIMEZONES, TIMEZONES, event_timezone, meeting_timezone,
                           timezone_label, to_local, to_utc)


@pytest.mark.parametrize(("country", "zone"), [
    ("FR", "Europe/Paris"), ("KZ", "Asia/Almaty"), ("JP", "Asia/Tokyo"), ("BR", "UTC"),
    (None, "UTC"),
])
def test_an_event_is_in_its_countrys_zone_else_utc(country, zone):
    assert event_timezone(SimpleNamespace(country=country)) == zone


def test_without_an_event_a_meeting_is_in_utc():
    assert event_timezone(None) == "UTC"
    assert meeting_timezone(SimpleNamespace(event=None)) == "UTC"
    assert meeting_timezone(SimpleNamespace(event=SimpleNamespace(country="FR"))) == "Europe/Paris"


def test_every_country_zone_is_offered_by_the_form():
    assert set(COUNTRY_TIMEZONES.values()) <= set(TIMEZONES)


def test_labels_carry_the_offset_in_force_at_the_time():
    assert timezone_label("UTC") == "UTC"
    assert timezone_label("Europe/Paris", datetime(2018, 5, 14, tzinfo=UTC)) == "Paris (UTC+02:00)"
    assert timezone_label("Europe/Paris", datetime(2018, 1, 14, tzinfo=UTC)) == "Paris (UTC+01:00)"
    assert timezone_label("America/Los_Angeles",
                          datetime(2018, 1, 14, tzinfo=UTC)) == "Los Angeles (UTC-08:00)"


def test_wall_clock_time_and_utc_convert_both_ways():
    moment = to_utc(datetime(2018, 5, 14, 10, 30), "Europe/Paris")

    assert moment == datetime(2018, 5, 14, 8, 30, tzinfo=UTC)
    assert to_local(moment, "Europe/Paris") == datetime(2018, 5, 14, 10, 30)
    assert to_local(datetime(2018, 9, 15, 4, 0, 59, 5, tzinfo=UTC), "Asia/Almaty") == \
        datetime(2018, 9, 15, 10, 0)
