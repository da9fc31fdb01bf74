"""Shared helpers: an engine with a fixed clock and a `Chat` that drives it the way the service will (guarded
text -> extract_entities -> engine)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.intake import IntakeEngine, IntakeState, IntakeStep, StatusBoard
from bot.intake.status import Suspension
from bot.security.entities import extract_entities

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


class Chat:
    """One intake conversation: `start(...)`, then `say(text)`; every step is kept in `steps`."""

    def __init__(self, engine: IntakeEngine) -> None:
        self.engine = engine
        self.steps: list[IntakeStep] = []

    @property
    def step(self) -> IntakeStep:
        return self.steps[-1]

    @property
    def state(self) -> IntakeState:
        return self.step.state

    def start(self, form: str, language: str, first: str = "", **kwargs) -> IntakeStep:
        self.steps.append(self.engine.start(form, language, extract_entities(first), text=first, now=NOW, **kwargs))
        return self.step

    def say(self, text: str) -> IntakeStep:
        # Round-trip the state through JSON-ready dicts, as the service stores it between turns.
        state = IntakeState.from_dict(self.state.to_dict())
        self.steps.append(self.engine.answer(state, text, extract_entities(text), now=NOW))
        return self.step


@pytest.fixture
def engine() -> IntakeEngine:
    board = StatusBoard(entries=[Suspension(coin="USDT", network="TRC20", direction="withdraw",
                                            note="Wallet maintenance.")])
    return IntakeEngine(status=board, placeholders={"exchange_name": "Kestrel"}, clock=lambda: NOW)


@pytest.fixture
def chat(engine: IntakeEngine) -> Chat:
    return Chat(engine)
