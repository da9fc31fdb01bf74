"""The result of one turn: what the CLI prints, the API returns and the Rasa actions read."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

Action = Literal["answer", "clarify", "reply", "fallback", "handoff"]


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

    def to_dict(self) -> dict:
        """JSON-ready dict with the fields in their documented order (the redacted user text left out)."""
        data = asdict(self)
        data.pop("user_text")
        order = ["action", "faq_id", "candidates", "confidence", "language", "intent", "reply", "reasons", "flags"]
        return {key: data[key] for key in order} | {k: v for k, v in data.items() if k not in order}
