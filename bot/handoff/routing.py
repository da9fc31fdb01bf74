"""Which team takes a handoff, whether it is open now, and how long the user will wait."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from bot.config import DAYS, HandoffSettings, TeamSettings


def _clock(value: str) -> time | None:
    """A HH:MM time; None for 24:00 (end of day)."""
    hours, minutes = (int(part) for part in value.split(":"))
    return None if hours == 24 else time(hours, minutes)


def is_open(team: TeamSettings, now: datetime) -> bool:
    """True when `now` (any time zone) falls inside the team's business hours in its own zone."""
    local = now.astimezone(ZoneInfo(team.timezone))
    if DAYS[local.weekday()] not in team.days:
        return False
    opens, closes = _clock(team.open) or time(0), _clock(team.close)
    current = local.time().replace(tzinfo=None)
    if closes is None:
        return current >= opens
    if opens <= closes:
        return opens <= current < closes
    return current >= opens or current < closes   # hours past midnight, e.g. 20:00-04:00


def serves(team: TeamSettings, language: str | None) -> bool:
    """True when the team takes conversations in `language` ("*" takes every language)."""
    return "*" in team.languages or (language is not None and language in team.languages)


@dataclass(frozen=True)
class Route:
    """Where a handoff goes: the team, and whether it is live (team open) or a ticket (off hours)."""

    team: str
    live: bool


class Router:
    """Routes handoffs by language and business hours, and estimates waits."""

    def __init__(self, settings: HandoffSettings) -> None:
        self.settings = settings

    def team_names(self) -> list[str]:
        """Every configured team."""
        return [team.name for team in self.settings.teams]

    def route(self, language: str | None, now: datetime | None = None) -> Route:
        """The first open team serving the language; off hours, a ticket for the first team serving it."""
        now = now or datetime.now(UTC)
        candidates = [team for team in self.settings.teams if serves(team, language)] or self.settings.teams[:1]
        for team in candidates:
            if is_open(team, now):
                return Route(team.name, live=True)
        return Route(candidates[0].name, live=False)

    def route_to(self, team_name: str, now: datetime | None = None) -> Route:
        """A transfer to a named team (live when it is open)."""
        team = next((t for t in self.settings.teams if t.name == team_name), None)
        if team is None:
            from bot.errors import InputError

            raise InputError(f"unknown team {team_name!r}; teams are {self.team_names()}")
        return Route(team.name, live=is_open(team, now or datetime.now(UTC)))

    def wait_minutes(self, position: int) -> int:
        """The estimate shown to the user who is `position`-th in the queue."""
        return max(1, math.ceil(position * self.settings.minutes_per_handoff))

    def ticket_number(self, sequence: int) -> str:
        """A human-readable ticket number such as KS-000042."""
        return f"{self.settings.ticket_prefix}-{sequence:06d}"
