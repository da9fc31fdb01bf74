"""Which language an action answers in when the pipeline has not chosen one for it."""

from __future__ import annotations

from rasa_sdk import Tracker

from bot.actions.runtime import ActionRuntime
from bot.actions.tracker import forced_language, is_blank, slot_language
from bot.pipeline import MAX_TEXT_CHARS
from bot.storage.conversations import SessionRecord


def reply_language(runtime: ActionRuntime, tracker: Tracker, session: SessionRecord | None = None,
                   fallback: str | None = None) -> str:
    """The metadata's `lang` when supported; else the latest message's language, detected with the best hint
    (the `language` slot, the stored conversation's language, `fallback`); else that hint or the default.

    Rasa payloads such as `/request_human` (buttons, intents triggered by a channel) are not language.
    """
    supported = runtime.settings.languages.supported
    forced = forced_language(tracker, supported)
    if forced:
        return forced
    stored = (session.state.language or session.language) if session is not None else None
    hint = slot_language(tracker, supported) or stored or fallback
    latest = tracker.latest_message if isinstance(tracker.latest_message, dict) else {}
    text = latest.get("text")
    if isinstance(text, str) and not is_blank(text) and not text.lstrip().startswith("/"):
        redacted = runtime.assistant.redact(text[:MAX_TEXT_CHARS]).text
        return runtime.assistant.detector.detect(redacted, hint=hint)
    return hint or runtime.settings.languages.default
