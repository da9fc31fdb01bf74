"""Routing by language and business hours, wait estimates, and the teams' configuration checks."""

from datetime import UTC, datetime

import pytest

from bot.config import HandoffSettings, TeamSettings
from bot.handoff.routing import Route, Router, is_open

ASIA = TeamSettings(name="asia", languages=["zh-CN", "ja"], timezone="Asia/Shanghai", open="08:00", close="23:00")
NIGHT = TeamSettings(name="night", languages=["en"], timezone="UTC", open="20:00", close="04:00")
WEEKDAYS = TeamSettings(name="office", languages=["de"], timezone="Europe/Berlin",
                        days=["mon", "tue", "wed", "thu", "fri"], open="09:00", close="17:00")
GLOBAL = TeamSettings(name="global", languages=["*"])


def at(hour: int, minute: int = 0, day: int = 24) -> datetime:
    """A UTC time on Tuesday 24 November 2026 (or another day of that month)."""
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def test_hours_are_read_in_the_team_time_zone():
    """08:00-23:00 Shanghai is 00:00-15:00 UTC."""
    assert is_open(ASIA, at(0, 0)) and is_open(ASIA, at(14, 59))
    assert not is_open(ASIA, at(15, 0)) and not is_open(ASIA, at(23, 59))


def test_hours_may_run_past_midnight():
    """A 20:00-04:00 shift is open late evening and early morning, closed at noon."""
    assert is_open(NIGHT, at(22)) and is_open(NIGHT, at(3, 59))
    assert not is_open(NIGHT, at(4)) and not is_open(NIGHT, at(12))


def test_closed_days_are_closed():
    """An office team is closed on Saturday even within its hours."""
    assert is_open(WEEKDAYS, at(10))             # Tuesday 11:00 Berlin
    assert not is_open(WEEKDAYS, at(10, day=28))  # Saturday


def test_route_prefers_an_open_team_serving_the_language_and_falls_back_to_a_ticket():
    """Chinese goes live to asia by day; at night no team serving it is open, so it becomes an asia ticket."""
    router = Router(HandoffSettings(teams=[ASIA, NIGHT]))
    assert router.route("zh-CN", at(3)) == Route("asia", live=True)
    night = router.route("zh-CN", at(18))
    assert (night.team, night.live) == ("asia", False)


def test_wildcard_team_takes_any_language():
    """A '*' team serves languages no other team lists."""
    router = Router(HandoffSettings(teams=[ASIA, GLOBAL]))
    assert router.route("fr", at(18)).team == "global" and router.route("fr", at(18)).live


def test_unknown_language_goes_to_the_first_team():
    """With no team serving the language, the first configured team gets it."""
    router = Router(HandoffSettings(teams=[NIGHT, WEEKDAYS]))
    assert router.route("ko", at(22)).team == "night"


def test_wait_estimate_and_ticket_numbers():
    """The estimate grows with the position; ticket numbers are zero-padded with the prefix."""
    router = Router(HandoffSettings(minutes_per_handoff=2.5, ticket_prefix="KS"))
    assert [router.wait_minutes(p) for p in (1, 2, 3)] == [3, 5, 8]
    assert router.ticket_number(42) == "KS-000042"


def test_transfer_to_an_unknown_team_names_the_known_ones():
    """Transferring to a team that does not exist is an input error listing the teams."""
    from bot.errors import InputError

    with pytest.raises(InputError, match="asia"):
        Router(HandoffSettings(teams=[ASIA])).route_to("billing")


@pytest.mark.parametrize("field, value, message", [
    ("open", "25:00", "HH:MM"), ("close", "9am", "HH:MM"), ("timezone", "Mars/Olympus", "time zone"),
    ("days", ["funday"], "unknown day")])
def test_bad_team_settings_say_what_is_wrong(field, value, message):
    """Invalid hours, zones and days are rejected with a message naming the problem."""
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match=message):
        TeamSettings(name="x", languages=["en"], **{field: value})
