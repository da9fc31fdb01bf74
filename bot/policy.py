"""Decides what to do with a turn: answer, clarify, reply, fall back or hand off, with the reasons why."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.config import PolicySettings
from bot.followup import pick_option
from bot.retrieval import Candidate
from bot.state import ConversationState
from bot.turn import Action
from intents.classifier import UNKNOWN, IntentPrediction

# The intent of asking for a person: never overridden, whatever retrieval finds.
REQUEST_HUMAN = "request_human"


@dataclass(frozen=True)
class PolicyThresholds:
    """The numbers the policy compares against; `clarify_band` is in fused-score units."""

    answer: float = 0.5
    answer_margin: float = 0.0
    clarify: float = 0.2
    clarify_band: float = 0.05
    clarify_options: int = 3
    max_failures: int = 2
    faq_override: float = 0.9

    @classmethod
    def from_settings(cls, answer: float, policy: PolicySettings, selftest: dict) -> PolicyThresholds:
        """Configured values; the clarify band and answer margin come from the self-test unless set explicitly."""
        band = policy.clarify_band if policy.clarify_band is not None else selftest.get("clarify_band")
        margin = policy.answer_margin if policy.answer_margin is not None else selftest.get("answer_margin")
        return cls(answer=answer, answer_margin=margin or 0.0, clarify=policy.clarify_threshold,
                   clarify_band=band if band is not None else 0.05,
                   clarify_options=policy.clarify_options, max_failures=policy.max_consecutive_failures,
                   faq_override=policy.faq_override)


@dataclass
class Decision:
    """The chosen action, the FAQ it is about (or the options offered) and why."""

    action: Action
    faq_id: str | None = None
    options: list[str] = field(default_factory=list)
    intent: str | None = None
    reasons: list[str] = field(default_factory=list)
    failure: bool = False  # the assistant could not help this turn (counts toward a handoff)


class Policy:
    """Combines the intent prediction, retrieval candidates and conversation state into one Decision."""

    def __init__(self, thresholds: PolicyThresholds, handoff_intents: list[str], smalltalk_intents: list[str]) -> None:
        self.thresholds = thresholds
        self.handoff_intents = set(handoff_intents)
        self.smalltalk_intents = set(smalltalk_intents)

    def decide(self, text: str, intent: IntentPrediction | None, candidates: list[Candidate],
               flags_of: dict[str, tuple[str, ...]], state: ConversationState) -> Decision:
        """Pick the action for this turn and update `state` (offered options, failure count)."""
        decision = self._decide(text, intent, candidates, flags_of, state)
        self._update(state, decision)
        return decision

    def emergency(self, state: ConversationState, reasons: list[str]) -> Decision:
        """Hand off at once as a security emergency (e.g. a seed phrase or private key was pasted)."""
        decision = Decision("handoff", intent="security_emergency", reasons=["security_emergency", *reasons])
        self._update(state, decision)
        return decision

    def _decide(self, text: str, intent: IntentPrediction | None, candidates: list[Candidate],
                flags_of: dict[str, tuple[str, ...]], state: ConversationState) -> Decision:
        name = intent.intent if intent else "faq"
        tag = [f"intent:{name}:{intent.confidence:.2f}"] if intent else []
        best = candidates[0] if candidates else None
        if state.offered:
            followup = self._resolve_followup(text, name, state, flags_of)
            if followup is not None:
                followup.reasons = [*tag, *followup.reasons]
                return followup
        faq_sure = best is not None and best.score >= self.thresholds.faq_override
        if name in self.handoff_intents and not self._retrieval_outweighs(name, intent, candidates):
            return Decision("handoff", intent=name, reasons=[*tag, f"handoff_intent:{name}"])
        if name in self.smalltalk_intents and not faq_sure:
            return Decision("reply", intent=name, reasons=[*tag, "small_talk"])
        if name == "complaint" and not faq_sure:
            return self._failure(state, Decision("reply", intent=name, reasons=[*tag, "complaint"]))
        if name in (UNKNOWN, "affirm", "deny") and not faq_sure:
            reason = "out_of_scope" if name == UNKNOWN else f"{name}_without_question"
            return self._failure(state, Decision("fallback", intent=name, reasons=[*tag, reason]))
        return self._from_retrieval(candidates, flags_of, state, name, tag)

    def _retrieval_outweighs(self, name: str, intent: IntentPrediction | None, candidates: list[Candidate]) -> bool:
        """A confident FAQ match beats a less than certain topic intent ("my deposit has not arrived" read as
        account_compromised); an entry that itself needs a person still hands off through its flag. An explicit
        request for a person always wins."""
        if name == REQUEST_HUMAN or intent is None or intent.confidence >= self.thresholds.faq_override:
            return False
        return self.confident(candidates)

    def confident(self, candidates: list[Candidate]) -> bool:
        """Retrieval alone would answer: the best score clears the answer threshold with enough lead."""
        if not candidates:
            return False
        best = candidates[0]
        lead = best.fused - candidates[1].fused if len(candidates) > 1 else best.fused
        return best.score >= self.thresholds.answer and lead >= self.thresholds.answer_margin

    def _from_retrieval(self, candidates: list[Candidate], flags_of: dict[str, tuple[str, ...]],
                        state: ConversationState, intent: str, tag: list[str]) -> Decision:
        t = self.thresholds
        if not candidates:
            return self._failure(state, Decision("fallback", intent=intent, reasons=[*tag, "no_candidates"]))
        best = candidates[0]
        lead = best.fused - candidates[1].fused if len(candidates) > 1 else best.fused
        if self.confident(candidates):
            reasons = [*tag, f"confident:{best.score:.2f}>={t.answer:.2f}", f"lead:{lead:.3f}>={t.answer_margin:.3f}"]
            return self._answer(best.faq_id, flags_of, intent, reasons)
        close = [c.faq_id for c in candidates[:t.clarify_options] if best.fused - c.fused <= t.clarify_band]
        if best.score >= t.clarify and len(close) >= 2:
            why = (f"ambiguous:{best.score:.2f}<{t.answer:.2f}" if best.score < t.answer
                   else f"close_runner_up:{lead:.3f}<{t.answer_margin:.3f}")
            return Decision("clarify", options=close, intent=intent, reasons=[*tag, why, f"options:{len(close)}"])
        return self._failure(state, Decision("fallback", intent=intent,
                                             reasons=[*tag, f"low_confidence:{best.score:.2f}<{t.answer:.2f}"]))

    def _resolve_followup(self, text: str, intent: str, state: ConversationState,
                          flags_of: dict[str, tuple[str, ...]]) -> Decision | None:
        """A choice among the offered options, or None when the message is a new question."""
        choice = pick_option(text, len(state.offered))
        if choice is None and intent == "affirm":
            choice = 0
        if choice is not None:
            return self._answer(state.offered[choice], flags_of, "faq", [f"clarification_choice:{choice + 1}"])
        if intent == "deny":
            return self._failure(state, Decision("fallback", intent=intent, reasons=["clarification_rejected"]))
        return None

    def _answer(self, faq_id: str, flags_of: dict[str, tuple[str, ...]], intent: str, reasons: list[str]) -> Decision:
        if "handoff" in flags_of.get(faq_id, ()):
            return Decision("handoff", faq_id, intent=intent, reasons=[*reasons, "entry_flagged_handoff"])
        return Decision("answer", faq_id, intent=intent, reasons=reasons)

    def _failure(self, state: ConversationState, decision: Decision) -> Decision:
        """Mark a failed turn; too many in a row turn it into a handoff."""
        decision.failure = True
        if state.consecutive_failures + 1 >= self.thresholds.max_failures:
            decision.action = "handoff"
            decision.reasons.append(f"repeated_failure:{state.consecutive_failures + 1}")
        return decision

    def _update(self, state: ConversationState, decision: Decision) -> None:
        state.turns += 1
        state.offered = list(decision.options) if decision.action == "clarify" else []
        if decision.action in ("answer", "clarify", "handoff"):
            state.consecutive_failures = 0
        elif decision.failure:
            state.consecutive_failures += 1
        if decision.faq_id:
            state.last_faq_id = decision.faq_id
