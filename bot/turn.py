"""The result of one turn: what the CLI prints, the API returns and the Rasa actions read."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

# "intake": the reply asks the next question of a guided intake form (see bot.intake).
Action = Literal["answer", "clarify", "reply", "fallback", "handoff", "intake"]


@dataclass
class TurnResult:
    """Everything decided for one user message; field names are a stable public contract."""

    action: Action
    reply: str
    language: str
    faq_id: str | None = None
    candidates: list[dict[str, float | str]] = field(default_factory=list)
    confidence: float = 0.0
    intent: str | None = None
    reasons: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    options: list[dict[str, str]] = field(default_factory=list)  # "did you mean" choices: faq_id, title
    entities: list[dict] = field(default_factory=list)  # txid, address (with checksum verdict), coin, amount, ...
    title: str | None = None   # the answered FAQ entry's question in the reply language
    user_text: str = ""   # the user's message after redaction: the only form of it anything may store
    # The guided intake's progress: form, step (ask, reask, summary, done, cancelled, solved), field, phase.
    intake: dict[str, Any] | None = None
    # The intake's structured record for the handoff this turn opens (or amends); never sent to the user.
    intake_packet: dict[str, Any] | None = None

    def to_dict(self) -> dict:
        """JSON-ready dict with the fields in their documented order (the redacted user text left out)."""
        data = asdict(self)
        data.pop("user_text")
        data.pop("intake_packet")
        order = ["action", "faq_id", "candidates", "confidence", "language", "intent", "reply", "reasons", "flags"]
        return {key: data[key] for key in order} | {k: v for k, v in data.items() if k not in order}
