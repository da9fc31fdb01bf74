"""The real action server (`python -m rasa_sdk --actions bot.actions`) with the shipped encoder and index,
called over HTTP exactly as Rasa calls it."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from bot.actions.messages import action_messages
from bot.actions.payloads import RasaConversation
from bot.actions.tracker import SESSION_NAMESPACE
from bot.answers import Localizer
from bot.config import PROJECT_ROOT, load_settings
from bot.storage.conversations import ConversationStore
from bot.storage.db import Database
from bot.storage.handoffs import HandoffStore

pytestmark = [pytest.mark.integration, pytest.mark.slow]

DOMAIN = yaml.safe_load((PROJECT_ROOT / "examples" / "rasa" / "domain.yml").read_text(encoding="utf-8"))
PRIVATE_KEY = "e8f32e723decf4051aefac8e2c93c9c5b214313817cdb01a1494b917c8436b35"
PASSWORD = "Hunter2!xyz"
STARTUP_SECONDS = 90
CALL_SECONDS = 180   # the first call loads the encoder and the index


@dataclass
class ActionServer:
    """A running action server and the database it writes."""

    url: str
    database: Database
    log: Path

    def call(self, body: Any) -> httpx.Response:
        """POST an action call to /webhook as Rasa does."""
        return httpx.post(f"{self.url}/webhook", json=body, timeout=CALL_SECONDS)

    def run(self, conversation: RasaConversation, action: str) -> dict[str, Any]:
        """Run `action` on the conversation; asserts 200 and applies the returned events to the conversation."""
        response = self.call(conversation.action_call(action, DOMAIN))
        assert response.status_code == 200, (response.status_code, response.text)
        body = response.json()
        conversation.action(action, body["events"])
        for message in body["responses"]:
            conversation.bot(message["text"], buttons=message["buttons"] or None)
        return body


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(shipped_index_dir, tmp_path_factory) -> Iterator[ActionServer]:
    """The stock rasa_sdk server loading bot.actions, on a free loopback port, stopped after the module."""
    folder = tmp_path_factory.mktemp("rasa_server")
    port, database_url, log = _free_port(), f"sqlite:///{folder / 'db.sqlite'}", folder / "server.log"
    env = {**os.environ, "DATABASE_URL": database_url, "INDEX_DIR": str(shipped_index_dir), "SANIC_HOST": "127.0.0.1",
           "PYTHONUNBUFFERED": "1"}
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "rasa_sdk", "--actions", "bot.actions", "--port", str(port)],
                                   cwd=PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(url, process, log)
        database = Database(database_url)
        yield ActionServer(url, database, log)
        database.dispose()
    finally:
        _stop(process)


def _wait_until_healthy(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"action server exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        try:
            if httpx.get(f"{url}/health", timeout=2).json() == {"status": "ok"}:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    pytest.fail(f"action server not healthy after {STARTUP_SECONDS} s:\n{log.read_text(errors='replace')}")


def _stop(process: subprocess.Popen) -> None:
    """Stop the server and its Sanic worker (its own process group, started by this fixture)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def slots(body: dict[str, Any]) -> dict[str, Any]:
    return {event["name"]: event["value"] for event in body["events"] if event["event"] == "slot"}


def session_of(conversation: RasaConversation) -> str:
    return str(uuid.uuid5(SESSION_NAMESPACE, "rasa:" + conversation.sender_id))


def localizer() -> Localizer:
    settings = load_settings()
    return Localizer(settings.languages, settings.brand)


def new(prefix: str, **kwargs: Any) -> RasaConversation:
    return RasaConversation(f"{prefix}-{uuid.uuid4().hex[:8]}", **kwargs)


def test_server_lists_the_actions(server):
    names = {item["name"] for item in httpx.get(f"{server.url}/actions", timeout=10).json()}
    assert names == {"action_faq_answer", "action_handoff_to_human", "action_handoff_status"}


def test_english_question_is_answered_and_stored(server):
    conversation = new("en").user("my withdrawal has not arrived yet")
    body = server.run(conversation, "action_faq_answer")
    assert slots(body)["faq_id"] == "withdraw.not_arrived" and slots(body)["language"] == "en"
    assert slots(body)["faq_confidence"] > 0.5
    assert len(body["responses"]) == 1 and body["responses"][0]["text"] and body["responses"][0]["buttons"] == []
    assert all(event["event"] != "pause" for event in body["events"])
    stored = ConversationStore(server.database).messages(session_of(conversation))
    assert [(m.role, m.text) for m in stored] == [("user", "my withdrawal has not arrived yet"),
                                                 ("bot", body["responses"][0]["text"])]


def test_spanish_clarification_offers_buttons_and_the_pressed_one_is_answered(server):
    conversation = new("es").user("¿cuánto cuesta retirar bitcoin?")
    body = server.run(conversation, "action_faq_answer")
    buttons = body["responses"][0]["buttons"]
    assert slots(body)["faq_id"] is None and slots(body)["language"] == "es" and len(buttons) >= 2
    options = ConversationStore(server.database).messages(session_of(conversation))[-1].details["options"]
    assert buttons == [{"title": o["title"], "payload": o["title"]} for o in options]
    assert all(button["title"].startswith("¿") for button in buttons)   # titles in the user's language

    conversation.user(buttons[0]["payload"])
    body = server.run(conversation, "action_faq_answer")
    assert slots(body)["faq_id"] == options[0]["faq_id"] and slots(body)["language"] == "es"


def test_chinese_question_is_answered_in_chinese(server):
    body = server.run(new("zh").user("如何注册账户"), "action_faq_answer")
    assert slots(body)["faq_id"] == "account.register" and slots(body)["language"] == "zh-CN"
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["responses"][0]["text"])


def test_arabic_request_for_a_person_hands_off_and_reports_the_status(server):
    conversation = new("ar", channel="socketio").user("نسيت كلمة المرور")
    first = server.run(conversation, "action_faq_answer")
    assert slots(first)["faq_id"] == "account.reset_password" and slots(first)["language"] == "ar"

    conversation.user("أريد التحدث مع موظف حقيقي")
    body = server.run(conversation, "action_faq_answer")
    assert body["events"][-1] == {"event": "pause", "timestamp": None}
    handoff = HandoffStore(server.database).get(slots(body)["handoff_id"])
    assert handoff.status == "queued" and handoff.reason == "user_request" and handoff.language == "ar"
    assert handoff.session_id == session_of(conversation)
    transcript = [(m["role"], m["text"]) for m in handoff.packet["transcript"]]
    assert transcript[0] == ("user", "نسيت كلمة المرور") and transcript[-1] == ("user", "أريد التحدث مع موظف حقيقي")
    assert ("bot", first["responses"][0]["text"]) in transcript
    assert handoff.packet["slots"]["language"] == "ar"
    assert handoff.packet["channel"] == {"name": "rasa", "sender_id": conversation.sender_id,
                                         "input_channel": "socketio"}

    conversation.user("ما حالة طلبي؟", intent="ask_handoff_status")
    status = server.run(conversation, "action_handoff_status")
    ahead = HandoffStore(server.database).waiting_ahead(handoff.id)
    assert status["responses"][0]["text"] == action_messages()["status_queued"]["ar"].replace("{ahead}", str(ahead))
    assert slots(status) == {"handoff_status": "queued", "handoff_id": handoff.id}


def test_handoff_action_redacts_the_tracker_and_withholds_secret_slots(server):
    conversation = new("web", slots={"password": PASSWORD, "coin": "ETH", "language": None},
                       metadata={"user": {"uid": "U-9", "tier": "VIP1"}})
    conversation.user(f"why is my withdrawal stuck? my password is {PASSWORD}")
    conversation.bot("I'm sorry to hear that. Can you share the txid?", response="utter_ask_txid")
    conversation.user(f"here is my private key {PRIVATE_KEY}, I want a human agent", intent="request_human")
    body = server.run(conversation, "action_handoff_to_human")
    assert body["responses"][0]["text"].startswith(localizer().message("handoff", "en") + "\n\n")
    assert [event["event"] for event in body["events"]] == ["slot", "pause"]
    handoff = HandoffStore(server.database).get(slots(body)["handoff_id"])
    dumped = json.dumps(handoff.public(), ensure_ascii=False)
    assert PASSWORD not in dumped and PRIVATE_KEY not in dumped
    assert "[REDACTED:password]" in handoff.packet["transcript"][0]["text"]
    assert handoff.packet["slots"] == {"coin": "ETH"} and handoff.packet["slots_withheld"] == ["password"]
    assert handoff.priority == 11 and handoff.packet["user"] == {"uid": "U-9", "tier": "VIP1"}

    again = server.run(conversation, "action_handoff_to_human")
    assert slots(again)["handoff_id"] == handoff.id
    assert again["responses"][0]["text"] == action_messages()["handoff_open"]["en"]


def test_concurrent_conversations_in_four_languages(server):
    questions = {"en": "how do I reset my password", "es": "mi depósito no ha llegado", "zh-CN": "忘记密码怎么办",
                 "ar": "كيف أفعّل المصادقة الثنائية"}
    with ThreadPoolExecutor(max_workers=4) as pool:
        bodies = dict(zip(questions, pool.map(
            lambda text: server.run(new("load").user(text), "action_faq_answer"), questions.values()), strict=True))
    for language, body in bodies.items():
        assert slots(body)["language"] == language and slots(body)["faq_id"], language


def test_blank_message_asks_for_a_question_in_the_slot_language(server):
    response = server.call(new("blank", slots={"language": "es"}).user("   ").action_call("action_faq_answer", DOMAIN))
    assert response.status_code == 200
    body = response.json()
    assert body["events"] == []
    assert [message["text"] for message in body["responses"]] == [action_messages()["empty_text"]["es"]]


def _malformed(mutate) -> dict[str, Any]:
    call = new("bad").user("how do I withdraw").action_call("action_faq_answer", DOMAIN)
    mutate(call)
    return call


@pytest.mark.parametrize(("mutate", "error"), [
    (lambda call: call["tracker"].pop("latest_message"),
     "action_faq_answer: malformed tracker: latest_message is missing: there is no user message to answer"),
    (lambda call: call["tracker"].update(latest_message={"intent": {"name": "faq"}, "entities": []}),
     "action_faq_answer: malformed tracker: latest_message has no text"),
    (lambda call: call["tracker"]["latest_message"].update(text=12345),
     "action_faq_answer: malformed tracker: latest_message.text must be a string, got int"),
    (lambda call: call["tracker"]["latest_message"].update(text={"body": "hi"}),
     "action_faq_answer: malformed tracker: latest_message.text must be a string, got dict"),
    (lambda call: call.pop("tracker"),
     "malformed action call: tracker is missing; Rasa sends the conversation's tracker with every call"),
    (lambda call: call["tracker"].pop("sender_id"), "malformed action call: tracker.sender_id is missing or empty"),
    (lambda call: call.update(tracker="not a tracker"), "malformed action call: tracker must be an object, got str"),
])
def test_malformed_calls_get_a_clear_400(server, mutate, error):
    response = server.call(_malformed(mutate))
    assert response.status_code == 400
    assert response.json() == {"error": error, "action_name": "action_faq_answer"}


def test_overlong_message_gets_a_clear_400(server):
    response = server.call(new("long").user("fee " * 1200).action_call("action_faq_answer", DOMAIN))
    assert response.status_code == 400
    assert response.json()["error"] == "action_faq_answer: text is 4799 characters long; the limit is 4000"


def test_server_stays_up_after_malformed_calls(server):
    for body in ({"next_action": "action_faq_answer"}, {"next_action": "action_faq_answer", "tracker": []}):
        assert server.call(body).status_code == 400
    assert httpx.post(f"{server.url}/webhook", content=b"{not json", timeout=10,
                      headers={"Content-Type": "application/json"}).status_code == 400
    assert httpx.get(f"{server.url}/health", timeout=10).json() == {"status": "ok"}
    body = server.run(new("after").user("how do I create an API key"), "action_faq_answer")
    assert slots(body)["faq_id"] == "api.create_key"
    assert "Traceback" not in server.log.read_text(errors="replace")
