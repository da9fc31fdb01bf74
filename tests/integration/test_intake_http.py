"""Guided intake through the HTTP API with the shipped knowledge base and the real encoder: whole conversations
in English, Spanish and Chinese, corrections, cancel, invalid then valid answers, several facts in one message,
the checks, the urgent form and the record an agent receives."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from bot.config import load_settings
from bot.service.app import create_app
from bot.service.deps import services
from bot.storage.api_tokens import TokenStore

pytestmark = [pytest.mark.integration, pytest.mark.slow]

TRON_TXID = "7c1d5e4b9a0f3e2d" * 4           # 64 hex digits: a TRON (or Bitcoin) transaction id
EVM_TXID = "0x" + "9e8f7a6b" * 8              # an Ethereum-style transaction id
TRON_ADDRESS = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"
TRON_BAD_CHECKSUM = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u"
ETH_ADDRESS = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"   # EIP-55 test vector
ETH_BAD_CHECKSUM = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"
BTC_ADDRESS = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"   # BIP173 test vector
BTC_BAD_CHECKSUM = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5"


@pytest.fixture(scope="module")
def client(shipped_index_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    folder = tmp_path_factory.mktemp("intake-http")
    status = folder / "status.yaml"
    status.write_text("suspended:\n  - {coin: DOGE, direction: withdraw, note: Wallet maintenance}\n", encoding="utf-8")
    settings = load_settings(environ={
        "INDEX_DIR": str(shipped_index_dir), "DATABASE_URL": f"sqlite:///{folder / 'intake.db'}",
        "BOT__ENVIRONMENT": "test", "BOT__SERVICE__RELOAD_POLL_SECONDS": "0",
        "BOT__SERVICE__RATE_LIMIT__PER_IP_PER_MINUTE": "0", "BOT__SERVICE__RATE_LIMIT__PER_SESSION_PER_MINUTE": "0",
        "BOT__INTAKE__STATUS_FILE": str(status)})
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def agent(client: TestClient) -> dict[str, str]:
    _, token = TokenStore(services(client).database).create("intake-agent", "agent")
    return {"Authorization": f"Bearer {token}"}


class Conversation:
    """One user talking to the API; `say` returns the response body and keeps the session."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.session_id: str | None = None
        self.headers: dict[str, str] = {}

    def say(self, text: str) -> dict[str, Any]:
        body: dict[str, Any] = {"text": text}
        if self.session_id:
            body["session_id"] = self.session_id
        response = self.client.post("/v1/chat", json=body, headers=self.headers)
        assert response.status_code == 200, response.text
        data = response.json()
        if self.session_id is None:
            self.session_id = data["session_id"]
            self.headers = {"X-Session-Token": data["session_token"]}
        return data


def step(data: dict[str, Any]) -> tuple[str, str | None]:
    assert data["intake"] is not None, data
    return data["intake"]["step"], data["intake"]["field"]


def test_english_deposit_with_several_facts_invalid_answers_and_a_correction(client: TestClient,
                                                                            agent: dict[str, str]) -> None:
    chat = Conversation(client)
    first = chat.say("my USDT deposit hasn't arrived")
    assert first["action"] == "intake" and first["faq_id"] == "deposit.not_arrived"
    assert step(first) == ("ask", "network")   # "USDT" in the question already answered the coin
    assert step(chat.say("TRC20, I sent it 2 hours ago")) == ("ask", "amount")   # two facts in one message
    invalid = chat.say("a lot")
    assert step(invalid) == ("reask", "amount") and "number" in invalid["reply"]
    assert step(chat.say("150")) == ("ask", "txid")
    assert step(chat.say("I don't have it right now, sorry")) == ("reask", "txid")
    assert step(chat.say(TRON_TXID)) == ("ask", "deposit_address")
    bad = chat.say(TRON_BAD_CHECKSUM)
    assert step(bad) == ("reask", "deposit_address") and "checksum" in bad["reply"].lower()
    summary = chat.say(TRON_ADDRESS)
    assert step(summary) == ("summary", None) and "150 USDT" in summary["reply"]
    corrected = chat.say("no, the amount was 200")
    assert step(corrected) == ("summary", None) and "200 USDT" in corrected["reply"]
    done = chat.say("yes, that's right")
    assert done["action"] == "handoff" and done["status"] == "human" and done["handoff_id"]
    assert "intake_done:deposit_not_arrived" in done["reasons"]
    packet = client.get(f"/v1/handoffs/{done['handoff_id']}", headers=agent).json()["packet"]
    record = packet["intake"]
    assert record["confirmed"] is True and record["form"] == "deposit_not_arrived"
    assert record["fields"] == {"coin": "USDT", "network": "TRC20", "deposit_time": record["fields"]["deposit_time"],
                                "amount": "200 USDT", "txid": TRON_TXID, "deposit_address": TRON_ADDRESS}
    assert record["corrections"] == [{"field": "amount", "old": "150 USDT", "new": "200 USDT"}]


def test_spanish_withdrawal_cancelled_then_an_ordinary_question(client: TestClient) -> None:
    chat = Conversation(client)
    first = chat.say("mi retiro no ha llegado")
    assert first["language"] == "es" and step(first) == ("ask", "coin") and "moneda" in first["reply"]
    several = chat.say("0,5 ETH por ERC20")
    assert several["language"] == "es" and step(several)[0] == "ask"
    assert "Anotado" in several["reply"]
    cancelled = chat.say("cancelar")
    assert cancelled["action"] == "reply" and cancelled["intake"]["step"] == "cancelled"
    assert cancelled["status"] == "bot"
    after = chat.say("¿cuál es la comisión de retiro?")
    assert after["action"] == "answer" and after["faq_id"] == "withdraw.fees" and after["intake"] is None


def test_chinese_deposit_still_confirming_is_solved_on_the_spot(client: TestClient) -> None:
    chat = Conversation(client)
    first = chat.say("我的充值还没到账")
    assert first["language"] == "zh-CN" and step(first) == ("ask", "coin")
    solved = chat.say("USDT，TRC20，1分钟前")
    assert solved["action"] == "answer" and solved["reasons"] == ["intake_solved:confirmation"]
    assert solved["intake"]["step"] == "solved" and solved["status"] == "bot"
    assert "确认" in solved["reply"]


def test_wrong_network_hash_shows_the_wrong_network_procedure(client: TestClient) -> None:
    chat = Conversation(client)
    chat.say("my USDT deposit hasn't arrived")
    chat.say("TRC20, 3 hours ago, 80 USDT")
    found = chat.say(EVM_TXID)
    assert {"check": "txid_network", "faq_id": "deposit.wrong_network", "solves": False} in found["intake"]["findings"]
    assert "TRC20" in found["reply"] and "recover" in found["reply"].lower()   # the procedure's text follows


@pytest.mark.parametrize(("coin", "network", "good", "bad"), [("ETH", "ERC20", ETH_ADDRESS, ETH_BAD_CHECKSUM),
                                                              ("BTC", "BTC", BTC_ADDRESS, BTC_BAD_CHECKSUM),
                                                              ("USDT", "TRC20", TRON_ADDRESS, TRON_BAD_CHECKSUM)])
def test_withdrawal_addresses_are_checked_by_checksum(client: TestClient, coin: str, network: str, good: str,
                                                      bad: str) -> None:
    chat = Conversation(client)
    chat.say("my withdrawal has not arrived")
    data = chat.say(f"{coin}, 0.3 {coin}, yesterday at 10:00")
    assert step(data) == ("ask", "network"), data["reply"]
    data = chat.say(network)
    assert step(data) == ("ask", "withdrawal_address"), data["reply"]
    rejected = chat.say(bad)
    assert step(rejected) == ("reask", "withdrawal_address")
    accepted = chat.say(good)
    assert step(accepted)[1] != "withdrawal_address"


def test_suspended_withdrawals_from_the_status_file_answer_the_case(client: TestClient) -> None:
    chat = Conversation(client)
    chat.say("my withdrawal has not arrived")
    solved = chat.say("DOGE")
    assert solved["reasons"] == ["intake_solved:suspension"] and solved["faq_id"] == "withdraw.suspended"
    assert "Wallet maintenance" in solved["reply"]


def test_urgent_form_hands_off_first_and_the_packet_grows_until_an_agent_claims(client: TestClient,
                                                                               agent: dict[str, str]) -> None:
    chat = Conversation(client)
    first = chat.say("someone hacked my account and withdrew my funds")
    assert first["action"] == "handoff" and first["status"] == "human" and step(first) == ("ask", "uid")
    handoff = first["handoff_id"]
    detail = client.get(f"/v1/handoffs/{handoff}", headers=agent).json()
    assert detail["packet"]["intake"]["urgent"] is True and detail["packet"]["intake"]["fields"] == {}
    answered = chat.say("my UID is 48213377")
    assert answered["action"] == "intake" and answered["status"] == "human"
    packet = client.get(f"/v1/handoffs/{handoff}", headers=agent).json()["packet"]
    assert packet["intake"]["fields"] == {"uid": "48213377"}
    assert client.post(f"/v1/handoffs/{handoff}/claim", headers=agent).status_code == 200
    forwarded = chat.say("they changed my email too")
    assert forwarded["action"] == "queued" and forwarded["reply"] == ""   # the agent asks from now on


def test_asking_for_a_person_during_a_form_hands_off_with_the_answers_so_far(client: TestClient,
                                                                            agent: dict[str, str]) -> None:
    chat = Conversation(client)
    chat.say("my withdrawal has not arrived")
    chat.say("USDT")
    response = client.post(f"/v1/sessions/{chat.session_id}/handoff", json={}, headers=chat.headers)
    assert response.status_code in (200, 201), response.text
    packet = client.get(f"/v1/handoffs/{response.json()['handoff_id']}", headers=agent).json()["packet"]
    assert packet["intake"]["fields"] == {"coin": "USDT"} and packet["intake"]["interrupted"] is True


def test_another_question_during_a_form_is_answered_in_its_language_then_the_form_goes_on(client: TestClient) -> None:
    chat = Conversation(client)
    assert step(chat.say("my USDT deposit hasn't arrived")) == ("ask", "network")
    aside = chat.say("how do I turn on 2FA?")
    assert aside["action"] == "answer" and aside["faq_id"] == "security.2fa_enable", aside["reasons"]
    assert step(aside) == ("ask", "network") and aside["reply"].rstrip().endswith("platform.")
    spanish = chat.say("¿cuál es la comisión de retiro?")
    assert spanish["faq_id"] == "withdraw.fees" and spanish["language"] == "es"
    assert "¿Por qué red se envió" in spanish["reply"]   # the pending question, now in Spanish
    assert step(chat.say("TRC20")) == ("ask", "deposit_time")
