"""A 400 with a clear message, instead of the stock server's 500, for action calls without a usable tracker.

rasa_sdk reads `action_call["tracker"]["sender_id"]` before any action runs, so a call without them ends in
its catch-all handler: `500 {"error": "'tracker'", ...}`. This module plugs into rasa_sdk's documented plugin
hook (`attach_sanic_app_extensions`) and adds a request middleware to the action server's Sanic app that
answers such calls with `400 {"error": "malformed action call: ...", "action_name": ...}`. Everything else is
left to the stock server and to the actions' own checks (`bot.actions.errors`).
"""

from __future__ import annotations

import json
import zlib
from typing import Any

import pluggy
from rasa_sdk.plugin import plugin_manager
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

hookimpl = pluggy.HookimplMarker("rasa_sdk")
PLUGIN_NAME = "cryptodesk-webhook-guard"


def call_problem(call: Any) -> str | None:
    """What makes an action call unusable for any action (None when the tracker is there)."""
    if not isinstance(call, dict):
        return "malformed action call: the body must be a JSON object"
    tracker = call.get("tracker")
    if tracker is None:
        return "malformed action call: tracker is missing; Rasa sends the conversation's tracker with every call"
    if not isinstance(tracker, dict):
        return f"malformed action call: tracker must be an object, got {type(tracker).__name__}"
    sender = tracker.get("sender_id")
    if not isinstance(sender, str) or not sender.strip():
        return "malformed action call: tracker.sender_id is missing or empty"
    return None


async def reject_malformed_calls(request: Request) -> HTTPResponse | None:
    """Sanic request middleware: answer an unusable `POST /webhook` with 400 before the executor sees it."""
    if request.method != "POST" or request.path != "/webhook":
        return None
    try:
        if request.headers.get("Content-Encoding") == "deflate":
            call = json.loads(zlib.decompress(request.body))
        else:
            call = json.loads(request.body or b"null")
    except (ValueError, zlib.error):
        return response.json({"error": "malformed action call: the body is not valid JSON", "action_name": None},
                             status=400)
    if call is None:
        return None   # the stock server answers {"error": "Invalid body request"} with 400
    problem = call_problem(call)
    if problem is None:
        return None
    name = call.get("next_action") if isinstance(call, dict) else None
    return response.json({"error": problem, "action_name": name if isinstance(name, str) else None}, status=400)


class WebhookGuardPlugin:
    """The rasa_sdk plugin that installs `reject_malformed_calls` on the action server's app."""

    @hookimpl
    def attach_sanic_app_extensions(self, app: Sanic) -> None:
        """Called by rasa_sdk for every app it creates (the primary process and each worker)."""
        app.register_middleware(reject_malformed_calls, "request")


def install() -> None:
    """Register the plugin with rasa_sdk's plugin manager (once per process)."""
    manager = plugin_manager()
    if manager.get_plugin(PLUGIN_NAME) is None:
        manager.register(WebhookGuardPlugin(), name=PLUGIN_NAME)
