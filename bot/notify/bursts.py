"""Agent reply bursts on a ticket: the replies an agent writes before the user speaks again count as one
answer, so the user gets one "answered" notice and one e-mail for them, not one per message."""

from __future__ import annotations

from bot.storage.conversations import MessageRecord

# Roles that end a burst when they appear before a reply: the user wrote (or a reply of this ticket exists).
_SPEAKERS = ("user", "agent")


def _of_ticket(message: MessageRecord, handoff_id: str) -> bool:
    return message.role == "agent" and message.details.get("handoff_id") == handoff_id


def starts_burst(earlier: list[MessageRecord], handoff_id: str) -> bool:
    """True when a new agent reply on `handoff_id`, preceded by `earlier` (oldest first), opens a burst: the
    last user or agent message before it is not a reply of the same ticket (system notices do not count)."""
    for message in reversed(earlier):
        if message.role in _SPEAKERS:
            return not _of_ticket(message, handoff_id)
    return True


def burst_replies(messages: list[MessageRecord], first_id: int, handoff_id: str) -> list[str]:
    """The texts of the burst that starts with message `first_id`: its agent replies on `handoff_id` up to the
    user's next message. `messages` is the transcript from `first_id` on, oldest first."""
    replies = []
    for message in messages:
        if message.id < first_id:
            continue
        if message.role == "user":
            break
        if _of_ticket(message, handoff_id):
            replies.append(message.text)
    return replies
