"""The operator-maintained status file: which coins/networks have deposits or withdrawals suspended.

Format (YAML)::

    suspended:
      - coin: USDT            # required
        network: TRC20        # optional: every network of the coin when absent
        direction: withdraw   # deposit | withdraw | both
        until: 2025-06-01T12:00:00Z   # optional: the entry expires then (naive times are UTC)
        note: Wallet maintenance       # optional: shown to the user as written

The file is re-read when its modification time changes, so operators edit it without a restart. A missing
file means nothing is suspended; a broken file keeps the last good contents and sets `error`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.errors import ConfigError
from bot.yamlio import load_yaml


class Suspension(BaseModel):
    """One suspended coin (on one network, or all), one or both directions."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    coin: str = Field(min_length=1)
    network: str | None = None
    direction: Literal["deposit", "withdraw", "both"] = "both"
    until: datetime | None = None
    note: str = ""

    @field_validator("coin", "network")
    @classmethod
    def _upper(cls, value: str | None) -> str | None:
        return value.strip().upper() if value else value

    @field_validator("until")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value

    def applies(self, coin: str, network: str | None, direction: str, now: datetime) -> bool:
        """True when this entry covers `coin` on `network` in `direction` at `now`."""
        if self.until is not None and now >= self.until:
            return False
        if self.direction not in ("both", direction) or self.coin != coin.upper():
            return False
        return self.network is None or (network is not None and self.network == network.upper())


class StatusFile(BaseModel):
    """The whole status file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    suspended: list[Suspension] = Field(default_factory=list)


def parse_status(text: str, source: str = "status file") -> StatusFile:
    """Parse and validate status YAML; raise ConfigError naming the entry and key of each problem."""
    try:
        data = load_yaml(text) or {}
        return StatusFile.model_validate(data)
    except ValidationError as error:
        lines = [f"{source}: {'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()]
        raise ConfigError(lines) from None
    except Exception as error:
        raise ConfigError([f"{source}: not valid YAML: {error}"]) from None


class StatusBoard:
    """Answers "is this suspended?" from the status file at `path` (or fixed `entries`, for tests)."""

    def __init__(self, path: Path | str | None = None, *, entries: list[Suspension] | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self._status = StatusFile(suspended=entries or [])
        self._stamp: float | None = None
        self.error = ""

    def _refresh(self) -> None:
        if self.path is None:
            return
        try:
            stamp = self.path.stat().st_mtime
        except FileNotFoundError:
            self._status, self._stamp, self.error = StatusFile(), None, ""
            return
        if stamp == self._stamp:
            return
        self._stamp = stamp
        try:
            self._status = parse_status(self.path.read_text(encoding="utf-8"), self.path.name)
            self.error = ""
        except ConfigError as error:
            self.error = str(error)   # keep the last good contents

    def entries(self) -> list[Suspension]:
        """The current suspensions (re-reading the file when it changed)."""
        self._refresh()
        return list(self._status.suspended)

    def suspension(self, coin: str, network: str | None, direction: str, now: datetime) -> Suspension | None:
        """The first entry covering `coin`/`network`/`direction` at `now`, else None."""
        return next((e for e in self.entries() if e.applies(coin, network, direction, now)), None)
