"""Synthetic stored conversations for benchmarking the report (`scripts/bench_report.py`) and scale tests.

Sessions in twelve languages over several days: answers (some rated, a share "not helpful"), clarifications
(some rejected), fallbacks, bot handoffs for low confidence or security, user-requested handoffs with agent
messages. Unanswered questions are the validation topics' texts with everyday variations (greetings, coins,
punctuation), so there are thousands of distinct texts with the repetition real traffic has. Rows are written
with bulk inserts in the shapes `ConversationStore` writes.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select

from bot.authoring.validation_data import UNANSWERED_TOPICS
from bot.storage.db import Database
from bot.storage.models import ChatSession, Feedback, Handoff, Message

LANGUAGES = {"en": 30, "zh-CN": 10, "es": 10, "ru": 8, "pt": 7, "tr": 6, "ko": 6, "ja": 6, "fr": 5, "de": 5,
             "ar": 4, "zh-TW": 3}
FAQ_IDS = ("withdraw.fees", "withdraw.crypto", "withdraw.not_arrived", "deposit.crypto", "deposit.not_arrived",
           "account.reset_password", "security.2fa_lost", "kyc.levels", "trade.spot_fees", "support.contact")
PREFIXES = ("", "", "", "hi, ", "hello ", "pls ", "quick question: ", "hey ")
SUFFIXES = ("", "", "?", "??", " thanks", " asap", "!")
COINS = ("", "", " BTC", " ETH", " USDT", " SOL", " BNB", " XRP", " TRX", " DOGE")
ACTIONS = (("answer", 58), ("reply", 12), ("fallback", 14), ("clarify", 8), ("handoff", 4), ("request", 4))
BATCH = 5000


@dataclass
class SeedSummary:
    """What was written."""

    sessions: int = 0
    messages: int = 0
    feedback: int = 0
    handoffs: int = 0


class _Writer:
    """Buffers rows and writes them in bulk, parents first."""

    def __init__(self, database: Database) -> None:
        self.db = database
        self.rows: dict[Any, list[dict[str, Any]]] = {ChatSession: [], Handoff: [], Message: [], Feedback: []}
        with database.session() as session:
            self.next_id = int(session.scalar(select(func.max(Message.id))) or 0) + 1

    def add(self, table: Any, row: dict[str, Any]) -> None:
        self.rows[table].append(row)
        if len(self.rows[Message]) >= BATCH:
            self.flush()

    def flush(self) -> None:
        with self.db.engine.begin() as connection:
            for table, rows in self.rows.items():
                if rows:
                    connection.execute(insert(table), rows)
                    rows.clear()


def _unanswered_text(rng: random.Random, language: str) -> str:
    """A validation-topic question in `language` (English when the topic lacks it), with a variation."""
    topic = UNANSWERED_TOPICS[rng.choice(list(UNANSWERED_TOPICS))]
    text = next((t for lang, t in topic if lang == language), None) or next(t for lang, t in topic if lang == "en")
    return f"{rng.choice(PREFIXES)}{text.rstrip('?？ ')}{rng.choice(COINS)}{rng.choice(SUFFIXES)}".strip()


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


class _Session:
    """Writes one session's turns."""

    def __init__(self, writer: _Writer, rng: random.Random, start: datetime, language: str) -> None:
        self.w, self.rng, self.clock, self.language = writer, rng, start, language
        self.id = _uuid(rng)
        self.messages = 0
        writer.add(ChatSession, {"id": self.id, "token_hash": "0" * 64, "created_at": start, "updated_at": start,
                                 "language": language, "state": {}, "status": "bot"})

    def message(self, role: str, text: str, **fields: Any) -> int:
        self.clock += timedelta(seconds=self.rng.randint(2, 90))
        message_id = self.w.next_id
        self.w.next_id += 1
        self.messages += 1
        self.w.add(Message, {"id": message_id, "session_id": self.id, "role": role, "text": text,
                             "created_at": self.clock, "action": fields.get("action"),
                             "faq_id": fields.get("faq_id"), "language": fields.get("language"),
                             "confidence": fields.get("confidence"), "details": fields.get("details")})
        return message_id

    def bot(self, action: str, *, faq_id: str | None = None, reasons: list[str] | None = None,
            handoff_id: str | None = None, options: list[str] | None = None) -> int:
        details = {"intent": "faq", "reasons": reasons or [], "flags": [], "options": options or [],
                   "entities": [], "candidates": [], "handoff_id": handoff_id, "title": None}
        return self.message("bot", f"[{action}]", action=action, faq_id=faq_id, language=self.language,
                            confidence=round(self.rng.random(), 3), details=details)

    def handoff(self, reason: str) -> str:
        handoff_id = _uuid(self.rng)
        self.w.add(Handoff, {"id": handoff_id, "session_id": self.id, "reason": reason, "language": self.language,
                             "created_at": self.clock, "summary": "", "packet": {}, "status": "queued",
                             "priority": 0, "kind": "live"})
        return handoff_id

    def agents(self, handoff_id: str) -> None:
        for _ in range(self.rng.randint(1, 3)):
            self.message("agent", "an agent's reply", details={"agent": "bench", "handoff_id": handoff_id})


def _turns(s: _Session, rng: random.Random, summary: SeedSummary) -> None:
    actions, weights = zip(*ACTIONS, strict=True)
    for _ in range(rng.randint(1, 5)):
        action = rng.choices(actions, weights)[0]
        if action == "request":
            s.message("user", "I want to talk to a person", language=s.language)
            handoff_id = s.handoff("user_request")
            s.message("system", "a person will join", details={"handoff_id": handoff_id})
            s.agents(handoff_id)
            summary.handoffs += 1
            return
        if action == "answer":
            faq_id = rng.choice(FAQ_IDS)
            s.message("user", f"question about {faq_id} #{rng.randint(1, 400)}", language=s.language)
            answer_id = s.bot("answer", faq_id=faq_id, reasons=["confident:0.80>=0.50"])
            if rng.random() < 0.25:
                s.w.add(Feedback, {"session_id": s.id, "message_id": answer_id, "helpful": rng.random() > 0.35,
                                   "comment": None, "created_at": s.clock})
                summary.feedback += 1
        elif action == "reply":
            s.message("user", "hello", language=s.language)
            s.bot("reply", reasons=["small_talk"])
        elif action == "fallback":
            s.message("user", _unanswered_text(rng, s.language), language=s.language)
            s.bot("fallback", reasons=[rng.choice(["out_of_scope", "low_confidence:0.21<0.50", "no_candidates"])])
        elif action == "clarify":
            s.message("user", _unanswered_text(rng, s.language), language=s.language)
            s.bot("clarify", reasons=["ambiguous:0.40<0.50", "options:2"], options=list(FAQ_IDS[:2]))
            rejected = rng.random() < 0.4
            s.message("user", "no" if rejected else "1", language=s.language)
            if rejected:
                s.bot("fallback", reasons=["clarification_rejected"])
            else:
                s.bot("answer", faq_id=FAQ_IDS[0], reasons=["clarification_choice:1"])
        else:
            security = rng.random() < 0.3
            s.message("user", "[redacted]" if security else _unanswered_text(rng, s.language), language=s.language)
            handoff_id = s.handoff("security" if security else "repeated_failure")
            s.bot("handoff", handoff_id=handoff_id, reasons=["security_emergency"] if security else
                  ["low_confidence:0.20<0.50", "repeated_failure:2"])
            s.agents(handoff_id)
            summary.handoffs += 1
            return


def seed_conversations(database: Database, messages: int, *, seed: int = 0, days: int = 14,
                       start: datetime | None = None) -> SeedSummary:
    """Write sessions until at least `messages` messages are stored; deterministic for a given seed."""
    rng = random.Random(seed)
    start = start or datetime(2026, 1, 1, tzinfo=UTC)
    languages, weights = zip(*LANGUAGES.items(), strict=True)
    writer = _Writer(database)
    summary = SeedSummary()
    while summary.messages < messages:
        begin = start + timedelta(days=rng.randrange(days), seconds=rng.randrange(86_000))
        session = _Session(writer, rng, begin, rng.choices(languages, weights)[0])
        _turns(session, rng, summary)
        summary.sessions += 1
        summary.messages += session.messages
    writer.flush()
    return summary
