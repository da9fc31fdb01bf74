"""The intake's state (JSON-serialisable, kept in the conversation state between turns) and the step it returns."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields
from typing import Any, Literal

from bot.intake.checks import Finding

Phase = Literal["collecting", "confirming", "choosing", "done", "cancelled", "solved"]
StepKind = Literal["ask", "reask", "summary", "done", "cancelled", "solved"]
FINISHED: tuple[str, ...] = ("done", "cancelled", "solved")
STATE_VERSION = 1


@dataclass
class IntakeState:
    """Where one intake stands. `answers` maps a field to its value (None: skipped or unknown, see `marks`);
    `marks` qualifies answers: skipped | unknown | unverified | invalid_checksum | unchecked."""

    form_id: str
    language: str
    answers: dict[str, str | None] = dataclasses.field(default_factory=dict)
    marks: dict[str, str] = dataclasses.field(default_factory=dict)
    current: str | None = None      # the field whose answer the last reply asked for
    phase: Phase = "collecting"
    # failed tries per field (an invalid answer or "don't know")
    attempts: dict[str, int] = dataclasses.field(default_factory=dict)
    confirmed: bool = False
    corrections: list[dict[str, Any]] = dataclasses.field(default_factory=list)   # {field, old, new}
    findings: list[dict[str, Any]] = dataclasses.field(default_factory=list)      # Finding.to_dict() + source
    checked: dict[str, str] = dataclasses.field(default_factory=dict)    # check -> the inputs it last ran on
    review: bool = False            # a change asked from the summary: return to it once answered
    handoff_opened: bool = False    # urgent form: the handoff opened at the first step
    utc_offset_minutes: int = 0     # the user's zone, for times given without one
    version: int = STATE_VERSION

    @property
    def finished(self) -> bool:
        """True once the intake is done, cancelled or solved."""
        return self.phase in FINISHED

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict; `from_dict` reverses it."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> IntakeState:
        """Rebuild a state saved with `to_dict` (unknown keys from newer versions are ignored)."""
        known = {f.name for f in fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in known})


@dataclass
class IntakeStep:
    """What the engine says and decides after a message.

    - ask / reask: `text` asks for `field` (reask starts with the hint named `hint`);
    - summary: `text` lists every answer and asks the user to confirm;
    - done: `fields` and `packet` are ready for the handoff or ticket (`amend`: add them to the handoff an urgent
      form already opened);
    - cancelled: the user stopped the intake;
    - solved: a check answered the case: `faq_id` to show and `reason` (the check's name).

    `handoff_now` asks the caller to open the handoff at once (urgent forms, first step).
    """

    kind: StepKind
    text: str
    state: IntakeState
    field: str | None = None
    hint: str = ""
    faq_id: str | None = None
    reason: str = ""
    fields: dict[str, str | None] = dataclasses.field(default_factory=dict)
    packet: dict[str, Any] = dataclasses.field(default_factory=dict)
    findings: list[Finding] = dataclasses.field(default_factory=list)   # found this turn
    filled: list[str] = dataclasses.field(default_factory=list)          # fields answered by this message
    handoff_now: bool = False
    amend: bool = False


def progress(state: IntakeState, step: str, field: str | None,
             findings: Sequence[Finding] = ()) -> dict[str, Any]:
    """Where a form stands, as turn results and stored bot messages carry it: form, step, field, phase and the
    checks that found something this turn."""
    return {"form": state.form_id, "step": step, "field": field, "phase": state.phase,
            "findings": [{"check": f.check, "faq_id": f.faq_id, "solves": f.solves} for f in findings]}
