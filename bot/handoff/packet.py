"""The context packet an agent reads: everything needed so the user never repeats themselves."""

from __future__ import annotations

from typing import Any

from bot.storage.conversations import MessageRecord, UserInfo
from bot.turn import TurnResult

SECURITY_PRIORITY = 100
VIP_PRIORITY = 10
SUMMARY_CHARS = 140


def handoff_reason(result: TurnResult | None, requested: bool = False) -> str:
    """One word for why the conversation goes to a person."""
    if requested and result is None:
        return "user_request"
    assert result is not None
    reasons = " ".join(result.reasons)
    if "security_emergency" in reasons or "secret_exposed" in reasons:
        return "security"
    if result.intent in {"account_compromised", "report_phishing"}:
        return result.intent
    if result.intent == "request_human":
        return "user_request"
    if "entry_flagged" in reasons or "sensitive" in reasons:
        return "sensitive"
    if "repeated_failure" in reasons:
        return "repeated_failure"
    return "low_confidence"


def tier_priority(tier: str | None) -> int:
    """VIP users (tier given as 'vip', 'VIP3' or a number >= 1) go ahead of regular users."""
    if tier is None:
        return 0
    text = str(tier).strip().lower()
    digits = "".join(ch for ch in text if ch.isdigit())
    if text.startswith("vip") or (digits and int(digits[:3]) >= 1):
        return VIP_PRIORITY + min(int(digits[:3]) if digits else 0, 9)
    return 0


def priority(reason: str, tier: str | None) -> int:
    """Queue priority: security emergencies first, then VIP tiers; ties go by waiting time."""
    urgent = reason in {"security", "account_compromised", "report_phishing"}
    return (SECURITY_PRIORITY if urgent else 0) + tier_priority(tier)


def summarise(reason: str, transcript: list[MessageRecord], result: TurnResult | None) -> str:
    """A one-line summary for the queue: the reason, the top FAQ guess and the user's last words."""
    last_user = next((m.text for m in reversed(transcript) if m.role == "user"), "")
    last_user = " ".join(last_user.split())
    if len(last_user) > SUMMARY_CHARS:
        last_user = last_user[:SUMMARY_CHARS - 1] + "…"
    guess = ""
    if result is not None and result.candidates:
        guess = f" [{result.candidates[0]['faq_id']}]"
    return f"{reason}{guess}: {last_user}"


def build_packet(*, session_id: str, reason: str, user: UserInfo, language: str | None,
                 transcript: list[MessageRecord], result: TurnResult | None) -> dict[str, Any]:
    """The handoff's context: redacted transcript, language, intent, candidates, entities, user, reason."""
    entities: list[dict] = []
    for message in transcript:
        for entity in (message.details or {}).get("entities") or []:
            if entity not in entities:
                entities.append(entity)
    for entity in (result.entities if result else []):
        if entity not in entities:
            entities.append(entity)
    return {
        "session_id": session_id,
        "reason": reason,
        "language": language,
        "user": {"uid": user.uid, "tier": user.tier},
        "intent": result.intent if result else None,
        "confidence": result.confidence if result else None,
        "reasons": result.reasons if result else [],
        "flags": result.flags if result else [],
        "candidates": result.candidates[:5] if result else [],
        "entities": entities,
        "transcript": [m.public() for m in transcript],
        "summary": summarise(reason, transcript, result),
    }
