"""The report's figures, computed session by session from the streamed transcript.

Definitions (also written into the report so a reader never has to guess):

- A *conversation* is a session with at least one bot reply or handoff in the period. It counts on the day
  of its first message in the period and under the language of its first bot reply.
- *Automated resolution*: a bot `answer` that no handoff follows in the same session and that neither it
  nor any later answer of the session got a "not helpful". A conversation is resolved when one of its
  answers is (equivalently: its last answer is). Resolution rate = resolved conversations / conversations.
- *Handoff rate* = conversations with a handoff (the bot's or the user's request) / conversations.
- *Solved on the spot*: bot replies where a guided intake's check answered the case (reason `intake_solved:*`,
  e.g. a deposit still confirming or a suspended coin): counted as answers, and here on their own too.
- *Fallback rate* = bot replies with action `fallback` / bot replies. Bot replies count on their own day and
  language.
- *Unanswered questions* (clustered): the user's message behind a `fallback` for out-of-scope, no candidates
  or low confidence; behind a `handoff` for those reasons (or a handoff filed as `low_confidence`); and the
  question behind a clarification the user then rejected (`clarification_rejected`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot.authoring.clusters import QuestionPool

FAILURE_MARKERS = ("out_of_scope", "no_candidates", "low_confidence")
REJECTED = "clarification_rejected"
SOLVED = "intake_solved"
EXAMPLES = 3


def _day(value: datetime) -> str:
    value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value.date().isoformat()


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


@dataclass
class Counts:
    """Counters of one slice (all, one language or one day); rates are derived from them."""

    conversations: int = 0
    resolved: int = 0
    handed_off: int = 0
    bot_replies: int = 0
    answers: int = 0
    resolved_answers: int = 0
    clarifications: int = 0
    fallbacks: int = 0
    handoffs: int = 0
    helpful: int = 0
    not_helpful: int = 0
    unanswered: int = 0
    solved_on_the_spot: int = 0

    def rates(self) -> dict[str, float | None]:
        """Resolution, handoff and fallback rates (None when the denominator is zero)."""
        return {"resolution_rate": _ratio(self.resolved, self.conversations),
                "handoff_rate": _ratio(self.handed_off, self.conversations),
                "fallback_rate": _ratio(self.fallbacks, self.bot_replies)}

    def to_dict(self) -> dict[str, Any]:
        """Counters and rates."""
        return asdict(self) | self.rates()


@dataclass
class EntryStats:
    """Feedback on one FAQ entry's answers, with what users had asked when they said "not helpful"."""

    answers: int = 0
    helpful: int = 0
    not_helpful: int = 0
    followed_by_handoff: int = 0
    examples: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)

    def unhelpful_share(self) -> float | None:
        """Not helpful / rated answers."""
        return _ratio(self.not_helpful, self.helpful + self.not_helpful)


class FigureBuilder:
    """Feed it sessions (`add_session`), then read the figures (`to_dict`)."""

    def __init__(self, handoff_reasons: dict[str, str], pool: QuestionPool | None = None) -> None:
        self.reasons = handoff_reasons
        self.pool = pool if pool is not None else QuestionPool()
        self.total = Counts()
        self.by_language: dict[str, Counts] = defaultdict(Counts)
        self.by_day: dict[str, Counts] = defaultdict(Counts)
        self.handoff_reasons: Counter = Counter()
        self.reasons_by_language: dict[str, Counter] = defaultdict(Counter)
        self.entries: dict[str, EntryStats] = defaultdict(EntryStats)
        self.messages = 0

    def _slices(self, language: str, day: str) -> tuple[Counts, Counts, Counts]:
        return self.total, self.by_language[language], self.by_day[day]

    def add_session(self, rows: list[Any]) -> None:
        """Count one session's messages (in order; attributes as selected by `bot.authoring.stream`)."""
        self.messages += len(rows)
        session_language = next((r.language for r in rows if r.role == "bot" and r.language), None) or next(
            (r.language for r in rows if r.language), None) or "unknown"
        last_user: str | None = None
        pending_clarify: str | None = None
        answers: list[tuple[int, Any, str]] = []   # position, row, its language
        handoff_at: list[int] = []
        not_helpful_at: list[int] = []
        seen_handoffs: set[str] = set()
        replied = False
        for position, row in enumerate(rows):
            details = row.details or {}
            if row.role == "user":
                last_user = row.text
                continue
            language, day = row.language or session_language, _day(row.created_at)
            if row.role == "bot":
                replied = True
                pending_clarify = self._bot_reply(row, details, language, day, last_user, pending_clarify)
                if row.action == "answer":
                    answers.append((position, row, language))
                if row.helpful is False:
                    not_helpful_at.append(position)
            # Agents' and system messages repeat the handoff id: a handoff opens at its first mention.
            handoff_id = details.get("handoff_id")
            opened = handoff_id not in seen_handoffs if handoff_id else row.role == "bot" and row.action == "handoff"
            if opened:
                seen_handoffs.add(handoff_id or "")
                handoff_at.append(position)
                for counts in self._slices(language, day):
                    counts.handoffs += 1
                reason = self.reasons.get(handoff_id, "unknown") if handoff_id else "unknown"
                self.handoff_reasons[reason] += 1
                self.reasons_by_language[language][reason] += 1
        if not replied and not handoff_at:
            return
        self._conversation(rows[0], session_language, answers, handoff_at, not_helpful_at)

    def _bot_reply(self, row: Any, details: dict[str, Any], language: str, day: str, last_user: str | None,
                   pending_clarify: str | None) -> str | None:
        """Count a bot reply; returns the question a clarification is pending for (None when none is)."""
        slices = self._slices(language, day)
        for counts in slices:
            counts.bot_replies += 1
            counts.answers += row.action == "answer"
            counts.clarifications += row.action == "clarify"
            counts.fallbacks += row.action == "fallback"
            counts.solved_on_the_spot += any(str(r).startswith(SOLVED) for r in details.get("reasons") or [])
            counts.helpful += row.helpful is True
            counts.not_helpful += row.helpful is False
        if row.action == "answer" and row.faq_id:
            stats = self.entries[row.faq_id]
            stats.answers += 1
            stats.helpful += row.helpful is True
            if row.helpful is False:
                stats.not_helpful += 1
                if last_user and last_user not in stats.examples and len(stats.examples) < EXAMPLES:
                    stats.examples.append(last_user)
                if row.comment and len(stats.comments) < EXAMPLES:
                    stats.comments.append(row.comment)
        question, kind = self._unanswered(row, details, last_user, pending_clarify)
        if question:
            self.pool.add(question, language, kind)
            for counts in slices:
                counts.unanswered += 1
        return last_user if row.action == "clarify" else None

    def _unanswered(self, row: Any, details: dict[str, Any], last_user: str | None,
                    pending_clarify: str | None) -> tuple[str | None, str]:
        reasons = [str(r) for r in details.get("reasons") or []]
        if any(r.startswith(REJECTED) for r in reasons):
            return pending_clarify, REJECTED
        failed = any(r.startswith(FAILURE_MARKERS) for r in reasons)
        if row.action == "fallback" and failed:
            return last_user, "fallback"
        if row.action == "handoff" and (failed or self.reasons.get(details.get("handoff_id") or "")
                                        == "low_confidence"):
            return last_user, "handoff"
        return None, ""

    def _conversation(self, first: Any, language: str, answers: list[tuple[int, Any, str]],
                      handoff_at: list[int], not_helpful_at: list[int]) -> None:
        last_handoff = max(handoff_at, default=-1)
        last_not_helpful = max(not_helpful_at, default=-1)
        resolved = False
        for position, row, answer_language in answers:
            if position > last_handoff and position > last_not_helpful:
                resolved = True
                for counts in self._slices(answer_language, _day(row.created_at)):
                    counts.resolved_answers += 1
            if position < last_handoff and row.faq_id:
                self.entries[row.faq_id].followed_by_handoff += 1
        for counts in self._slices(language, _day(first.created_at)):
            counts.conversations += 1
            counts.resolved += resolved
            counts.handed_off += bool(handoff_at)

    def least_helpful(self, limit: int = 20) -> list[dict[str, Any]]:
        """Entries with "not helpful" votes, most votes first (then the highest share of them)."""
        rated = [(faq_id, s) for faq_id, s in self.entries.items() if s.not_helpful]
        rated.sort(key=lambda item: (-item[1].not_helpful, -(item[1].unhelpful_share() or 0.0), item[0]))
        return [{"faq_id": faq_id, "answers": s.answers, "helpful": s.helpful, "not_helpful": s.not_helpful,
                 "unhelpful_share": s.unhelpful_share(), "followed_by_handoff": s.followed_by_handoff,
                 "examples": s.examples, "comments": s.comments} for faq_id, s in rated[:limit]]

    def to_dict(self) -> dict[str, Any]:
        """Totals, per language and per day (sorted), handoff reasons and the least helpful entries."""
        reasons_total = sum(self.handoff_reasons.values())
        return {
            "messages": self.messages,
            "totals": self.total.to_dict(),
            "by_language": [{"language": lang} | counts.to_dict()
                            for lang, counts in sorted(self.by_language.items())],
            "by_day": [{"day": day} | counts.to_dict() for day, counts in sorted(self.by_day.items())],
            "handoff_reasons": [{"reason": reason, "count": count, "share": _ratio(count, reasons_total)}
                                for reason, count in self.handoff_reasons.most_common()],
            "handoff_reasons_by_language": {lang: dict(counter.most_common())
                                            for lang, counter in sorted(self.reasons_by_language.items())},
            "least_helpful": self.least_helpful(),
        }
