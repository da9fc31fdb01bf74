"""Guided intake: collect the facts an agent needs (forms in `forms/*.yaml`), check what can be checked, and
hand structured fields to the handoff. See `engine.IntakeEngine`, and `dialogue.IntakeDialogue` for how the
assistant's turns use it."""

from bot.intake.checks import DEFAULT_CONFIRMATION_MINUTES, Finding
from bot.intake.engine import IntakeEngine
from bot.intake.schema import FormSpec, IntakeFormError, load_forms
from bot.intake.state import IntakeState, IntakeStep
from bot.intake.status import StatusBoard

__all__ = ["DEFAULT_CONFIRMATION_MINUTES", "Finding", "FormSpec", "IntakeEngine", "IntakeFormError", "IntakeState",
           "IntakeStep", "StatusBoard", "load_forms"]
