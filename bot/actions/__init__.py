"""Rasa custom actions backed by the assistant: run them with `python -m rasa_sdk --actions bot.actions`.

- `action_faq_answer` answers the latest user message (FAQ, clarification buttons, smalltalk, handoff).
- `action_handoff_to_human` queues the conversation for a support agent and pauses the bot.
- `action_handoff_status` tells the user where their request for a person stands.

Models and the database are loaded once per server process, on the first call (`bot.actions.runtime`).
A handoff an action opens is announced like the web service's: agents' live topic, webhooks, ticket e-mail
(`bot.actions.announce`).
A call or tracker the actions cannot use gets HTTP 400 `{"error": ..., "action_name": ...}`
(`bot.actions.errors`, `bot.actions.webhook_guard`).
"""

from bot.actions import announce, webhook_guard
from bot.actions.faq import ActionFaqAnswer
from bot.actions.human import ActionHandoffToHuman
from bot.actions.status import ActionHandoffStatus

webhook_guard.install()
announce.install()

__all__ = ["ActionFaqAnswer", "ActionHandoffStatus", "ActionHandoffToHuman"]
