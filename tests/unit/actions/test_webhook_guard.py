"""Action calls without a usable tracker are named precisely (the server answers them with 400)."""

import pytest
from rasa_sdk.plugin import plugin_manager

from bot.actions import webhook_guard
from bot.actions.payloads import RasaConversation


def test_a_complete_call_passes():
    assert webhook_guard.call_problem(RasaConversation("ok").user("hi").action_call("action_faq_answer")) is None


@pytest.mark.parametrize(("call", "problem"), [
    ([1, 2], "the body must be a JSON object"),
    ({"next_action": "action_faq_answer"}, "tracker is missing"),
    ({"tracker": None}, "tracker is missing"),
    ({"tracker": "x"}, "tracker must be an object, got str"),
    ({"tracker": {}}, "tracker.sender_id is missing or empty"),
    ({"tracker": {"sender_id": "  "}}, "tracker.sender_id is missing or empty"),
    ({"tracker": {"sender_id": 5}}, "tracker.sender_id is missing or empty"),
])
def test_unusable_calls_are_described(call, problem):
    found = webhook_guard.call_problem(call)
    assert found is not None and found.startswith("malformed action call: ") and problem in found


def test_install_registers_the_plugin_once():
    webhook_guard.install()
    webhook_guard.install()
    manager = plugin_manager()
    assert manager.get_plugin(webhook_guard.PLUGIN_NAME) is not None
    hooks = [impl.plugin_name for impl in manager.hook.attach_sanic_app_extensions.get_hookimpls()]
    assert hooks.count(webhook_guard.PLUGIN_NAME) == 1
