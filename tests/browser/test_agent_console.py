"""The agent console (/agent) in a real browser against the real service: sign-in, the live queue, the context
packet and transcript, claim / reply / resolve / transfer, text safety and security emergencies."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Service, run_service

pytestmark = [pytest.mark.browser, pytest.mark.integration, pytest.mark.slow]

XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'
LIVE_TIMEOUT_MS = 4_000   # under the 5 s polling fallback: what arrives this fast came over the WebSocket
ADDRESS = "0x52908400098527886E0F7030069857D2E4169EE7"
BAD_ADDRESS = "0x52908400098527886e0F7030069857D2E4169EE7"   # one letter's case flipped: EIP-55 checksum fails
URGENT_RED = "rgb(179, 38, 30)"


@dataclass
class User:
    """A chat user talking to the service over REST."""

    base_url: str
    session_id: str = ""
    token: str = ""

    def say(self, text: str, **extra: object) -> dict:
        """Send one message (opening the session on the first one) and return the turn."""
        body: dict[str, object] = {"text": text, **extra}
        headers = {}
        if self.session_id:
            body["session_id"] = self.session_id
            headers["X-Session-Token"] = self.token
        response = httpx.post(f"{self.base_url}/v1/chat", json=body, headers=headers, timeout=30)
        assert response.status_code == 200, response.text
        turn = response.json()
        if not self.session_id:
            self.session_id, self.token = turn["session_id"], turn["session_token"]
        return turn

    def ask_for_person(self) -> str:
        """Press "talk to a person" (POST /v1/sessions/{id}/handoff) and return the handoff id."""
        response = httpx.post(f"{self.base_url}/v1/sessions/{self.session_id}/handoff",
                              headers={"X-Session-Token": self.token}, timeout=30)
        assert response.status_code == 200, response.text
        return response.json()["handoff_id"]

    def transcript(self) -> dict:
        """The session's transcript as the user sees it."""
        response = httpx.get(f"{self.base_url}/v1/sessions/{self.session_id}/messages",
                             headers={"X-Session-Token": self.token}, timeout=30)
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture(scope="module")
def console_service(shipped_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """A service of this module's own, so the queue holds only the handoffs these tests open."""
    with run_service(shipped_index, tmp_path_factory.mktemp("agent-console")) as running:
        yield running


@pytest.fixture(scope="module")
def ticket_service(shipped_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """A service whose only team is never open, so every handoff becomes a ticket."""
    teams = [{"name": "night-desk", "languages": ["*"], "timezone": "UTC", "days": []}]
    with run_service(shipped_index, tmp_path_factory.mktemp("ticket-console"),
                     BOT__HANDOFF__TEAMS=json.dumps(teams)) as running:
        yield running


@pytest.fixture(scope="module")
def anna(console_service: Service) -> str:
    """Anna's agent token, made with `python -m bot agents create Anna`."""
    return console_service.agent_token("Anna")


def sign_in(page: Page, service: Service, token: str) -> None:
    """Open /agent, sign in with `token` and wait until the queue is loaded and the live feed is connected."""
    page.goto(service.base_url + "/agent")
    page.get_by_label("Agent token").fill(token)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#console")).to_be_visible()
    expect(page.locator("#queue-list")).to_have_attribute("aria-busy", "false")
    expect(page.locator("#live-status")).to_have_attribute("data-state", "live")


def row(page: Page, handoff_id: str):
    """The queue row of one handoff."""
    return page.locator(f'.ac-item[data-id="{handoff_id}"]')


def transcript_message(page: Page, role: str, text: str):
    """A message of the open conversation's transcript with this role and exact text."""
    return page.locator(f".ac-msg-{role} .ac-msg-text").filter(has_text=re.compile("^" + re.escape(text) + "$"))


def handoff_detail(service: Service, token: str, handoff_id: str) -> dict:
    """GET /v1/handoffs/{id} as an agent."""
    response = httpx.get(f"{service.base_url}/v1/handoffs/{handoff_id}", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text
    return response.json()


def turn_team(service: Service, token: str, handoff_id: str) -> str:
    """The team the service routed a handoff to."""
    return handoff_detail(service, token, handoff_id)["team"]


def test_new_handoff_appears_live(console_service: Service, anna: str, page: Page) -> None:
    """A handoff opened after the console is loaded shows up in the queue over the WebSocket, without a reload."""
    sign_in(page, console_service, anna)
    page.evaluate("window.__sameDocument = true")
    user = User(console_service.base_url)
    turn = user.say("I want to talk to a person")
    assert turn["action"] == "handoff" and turn["status"] == "human", turn
    item = row(page, turn["handoff_id"])
    expect(item).to_be_visible(timeout=LIVE_TIMEOUT_MS)
    expect(item.locator(".ac-row-summary")).to_contain_text("I want to talk to a person")
    expect(item.locator(".ac-lang")).to_have_text("en")
    expect(item.locator(".ac-team")).to_have_text(turn_team(console_service, anna, turn["handoff_id"]))
    expect(item.locator(".ac-wait")).to_contain_text("waiting")
    assert page.evaluate("window.__sameDocument") is True, "the page was reloaded"


def test_claim_reply_live_messages_and_resolve(console_service: Service, anna: str, page: Page) -> None:
    """Packet and transcript shown; Claim, Enter-sent reply (role agent), live user message, Resolve (bot again)."""
    sign_in(page, console_service, anna)
    user = User(console_service.base_url)
    question = f"I sent 0.5 ETH to {ADDRESS} but it has not arrived; my other wallet is {BAD_ADDRESS}"
    first = user.say(question)
    handoff_id = user.ask_for_person()
    row(page, handoff_id).locator("button").click()

    packet = page.locator("#packet")
    expect(packet).to_contain_text(f"I sent 0.5 ETH to {ADDRESS}")          # the summary
    expect(packet.locator("dt", has_text="Reason").locator("xpath=following-sibling::dd[1]")).to_have_text(
        "User request")
    expect(packet.locator("dt", has_text="Language").locator("xpath=following-sibling::dd[1]")).to_have_text("en")
    address = packet.locator(".ac-entities tr", has_text=re.compile(re.escape(ADDRESS)))   # case-sensitive
    expect(address).to_contain_text("Address")
    expect(address.locator(".ac-valid")).to_have_text("✓ valid address")
    bad_address = packet.locator(".ac-entities tr", has_text=re.compile(re.escape(BAD_ADDRESS)))
    expect(bad_address.locator(".ac-invalid")).to_have_text("✗ invalid checksum")
    expect(packet.locator(".ac-entities tr", has_text="0.5 ETH")).to_contain_text("Amount")
    expect(transcript_message(page, "user", question)).to_have_count(1)
    expect(transcript_message(page, "bot", first["reply"])).to_have_count(1)
    expect(page.locator(".ac-msg-system")).to_have_count(1)
    expect(page.get_by_role("textbox", name="Reply to the user")).to_be_disabled()

    with page.expect_response(lambda r: r.url.endswith(f"/{handoff_id}/claim")) as claimed:
        page.get_by_role("button", name="Claim").click()
    assert claimed.value.status == 200, claimed.value.text()
    expect(page.locator("#conv-meta .ac-status")).to_have_text("Claimed")
    expect(page.locator("#whoami")).to_have_text("Signed in as Anna")
    expect(page.locator(".ac-msg-system")).to_have_count(2)        # "Anna joined", delivered live

    box = page.get_by_role("textbox", name="Reply to the user")
    box.fill("Hello from Anna")
    with page.expect_response(lambda r: r.url.endswith(f"/{handoff_id}/messages")) as sent:
        box.press("Enter")
    assert sent.value.status == 201, sent.value.text()
    expect(transcript_message(page, "agent", "Hello from Anna")).to_have_count(1)
    expect(box).to_have_value("")
    seen = [(m["role"], m["text"]) for m in user.transcript()["messages"]]
    assert ("agent", "Hello from Anna") in seen, seen

    forwarded = user.say("Thanks, the transfer was on the Arbitrum network")
    assert forwarded["status"] == "human", forwarded
    expect(transcript_message(page, "user", "Thanks, the transfer was on the Arbitrum network")).to_have_count(
        1, timeout=LIVE_TIMEOUT_MS)

    with page.expect_response(lambda r: r.url.endswith(f"/{handoff_id}/resolve")) as resolved:
        page.get_by_role("button", name="Resolve").click()
    assert resolved.value.status == 200, resolved.value.text()
    expect(page.locator("#conv-meta .ac-status")).to_have_text("Resolved")
    expect(page.get_by_role("button", name="Resolve")).to_be_disabled()
    assert user.transcript()["status"] == "bot"
    after = user.say("How do I withdraw crypto to another wallet?")
    assert after["status"] == "bot" and after["action"] != "queued" and after["reply"], after


def test_user_text_is_never_html(console_service: Service, anna: str, page: Page) -> None:
    """User markup shows literally in the queue summary, packet and transcript (also live) and never runs."""
    sign_in(page, console_service, anna)
    user = User(console_service.base_url)
    user.say(XSS)
    handoff_id = user.ask_for_person()
    item = row(page, handoff_id)
    expect(item.locator(".ac-row-summary")).to_contain_text(XSS, timeout=LIVE_TIMEOUT_MS)
    item.locator("button").click()
    expect(page.locator("#packet")).to_contain_text(XSS)
    expect(transcript_message(page, "user", XSS)).to_have_count(1)
    user.say(XSS + " again")
    expect(transcript_message(page, "user", XSS + " again")).to_have_count(1, timeout=LIVE_TIMEOUT_MS)
    assert page.evaluate("window.__xss") is None
    assert page.locator("img, #queue-list script, #conversation script").count() == 0


def test_wrong_token_is_refused(console_service: Service, page: Page) -> None:
    """An unknown token gets a clear error on the sign-in form; the queue is never shown and nothing is stored."""
    page.goto(console_service.base_url + "/agent")
    page.get_by_label("Agent token").fill("not-a-real-token")
    with page.expect_response(lambda r: "/v1/handoffs" in r.url) as answer:
        page.get_by_role("button", name="Sign in").click()
    assert answer.value.status == 401
    expect(page.get_by_role("alert")).to_contain_text("not accepted")
    expect(page.locator("#console")).to_be_hidden()
    expect(page.locator("#signin")).to_be_visible()
    assert page.evaluate("sessionStorage.getItem('kestrel.agent.token')") is None


def test_security_emergency_first_marked_urgent_and_seed_hidden(console_service: Service, anna: str,
                                                                page: Page) -> None:
    """A pasted seed phrase queues first (before VIP and regular), red "urgent", and its words never appear."""
    from mnemonic import Mnemonic

    seed = Mnemonic("english").to_mnemonic(hashlib.sha256(b"kestrel agent console").digest()[:16])
    words = seed.split()
    assert len(words) == 12
    sign_in(page, console_service, anna)
    regular, vip, victim = (User(console_service.base_url) for _ in range(3))
    regular_id = regular.say("I want to talk to a person")["handoff_id"]
    vip_id = vip.say("I want to talk to a person", user={"uid": "u-777", "tier": "vip3"})["handoff_id"]
    turn = victim.say(f"Someone is draining my wallet! My seed phrase is {seed}")
    assert turn["status"] == "human" and turn["handoff_id"], turn
    assert regular_id and vip_id

    rows = page.locator("#queue-list .ac-item")
    expect(rows.first).to_have_attribute("data-id", turn["handoff_id"], timeout=LIVE_TIMEOUT_MS)
    ids = rows.evaluate_all("items => items.map(item => item.dataset.id)")
    assert ids.index(turn["handoff_id"]) < ids.index(vip_id) < ids.index(regular_id), ids
    badge = rows.first.locator(".ac-badge-urgent")
    expect(badge).to_have_text("urgent")
    assert badge.evaluate("node => getComputedStyle(node).backgroundColor") == URGENT_RED
    expect(row(page, vip_id).locator(".ac-badge-vip")).to_be_visible()
    expect(row(page, regular_id).locator(".ac-badge-urgent")).to_have_count(0)

    rows.first.locator("button").click()
    expect(page.locator("#packet")).to_contain_text("security_emergency")
    expect(page.locator(".ac-msg-user")).to_have_count(1)
    pairs = [f"{a} {b}" for a, b in pairwise(words)]
    shown = page.locator("body").inner_text() + "\n" + page.content()
    leaked = [pair for pair in pairs if pair in shown]
    assert not leaked, leaked


def test_claim_conflict_says_who_has_it(console_service: Service, anna: str, page: Page) -> None:
    """When another agent claims first, Claim shows "Already claimed by <name>" (the service's 409)."""
    boris = console_service.agent_token("Boris")
    sign_in(page, console_service, anna)
    user = User(console_service.base_url)
    handoff_id = user.say("I want to talk to a person")["handoff_id"]
    row(page, handoff_id).locator("button").click()
    expect(page.get_by_role("button", name="Claim")).to_be_enabled()

    def boris_first(route) -> None:
        response = httpx.post(f"{console_service.base_url}/v1/handoffs/{handoff_id}/claim",
                              headers={"Authorization": f"Bearer {boris}"})
        assert response.status_code == 200, response.text
        route.continue_()

    page.route(f"**/v1/handoffs/{handoff_id}/claim", boris_first)
    with page.expect_response(lambda r: r.url.endswith(f"/{handoff_id}/claim")) as claimed:
        page.get_by_role("button", name="Claim").click()
    assert claimed.value.status == 409
    expect(page.locator("#action-message")).to_have_text("Already claimed by Boris.")
    expect(page.locator("#conv-meta")).to_contain_text("claimed by Boris")
    expect(page.get_by_role("button", name="Claim")).to_be_disabled()


def test_transfer_to_another_team(console_service: Service, anna: str, page: Page) -> None:
    """Transfer suggests the teams seen in the queue and puts the conversation back in the typed team's queue."""
    sign_in(page, console_service, anna)
    user = User(console_service.base_url)
    handoff_id = user.say("I want to talk to a person")["handoff_id"]
    team = turn_team(console_service, anna, handoff_id)
    expect(page.locator(f'#team-options option[value="{team}"]')).to_have_count(1)
    row(page, handoff_id).locator("button").click()
    page.get_by_role("button", name="Claim").click()
    expect(page.locator("#conv-meta .ac-status")).to_have_text("Claimed")
    other = "asia" if team != "asia" else "global"
    page.get_by_label("Transfer to team").fill(other)
    with page.expect_response(lambda r: r.url.endswith(f"/{handoff_id}/transfer")) as moved:
        page.get_by_role("button", name="Transfer").click()
    assert moved.value.status == 200, moved.value.text()
    assert moved.value.request.post_data_json == {"team": other}
    expect(page.locator("#action-message")).to_contain_text(f"Transferred to team {other}")
    expect(page.locator("#conv-meta .ac-status")).to_have_text("Queued")
    expect(row(page, handoff_id).locator(".ac-team")).to_have_text(other)
    assert turn_team(console_service, anna, handoff_id) == other


def test_token_survives_reload_and_sign_out_forgets_it(console_service: Service, anna: str, page: Page) -> None:
    """The token lives in sessionStorage: a reload stays signed in; Sign out clears it and shows the form."""
    sign_in(page, console_service, anna)
    page.reload()
    expect(page.locator("#console")).to_be_visible()
    expect(page.locator("#live-status")).to_have_attribute("data-state", "live")
    page.get_by_role("button", name="Sign out").click()
    expect(page.locator("#signin")).to_be_visible()
    expect(page.locator("#console")).to_be_hidden()
    assert page.evaluate("sessionStorage.getItem('kestrel.agent.token')") is None
    page.reload()
    expect(page.get_by_label("Agent token")).to_be_visible()
    expect(page.locator("#console")).to_be_hidden()


def test_without_websocket_the_queue_is_polled(console_service: Service, anna: str, page: Page) -> None:
    """Where no WebSocket is available the console says so and still picks up new handoffs by polling (5 s)."""
    page.add_init_script("delete window.WebSocket")
    live = page.locator("#live-status")
    page.goto(console_service.base_url + "/agent")
    page.get_by_label("Agent token").fill(anna)
    page.get_by_role("button", name="Sign in").click()
    expect(live).to_have_attribute("data-state", "polling")
    expect(live).to_contain_text("Polling every 5 s")
    user = User(console_service.base_url)
    handoff_id = user.say("I want to talk to a person")["handoff_id"]
    expect(row(page, handoff_id)).to_be_visible(timeout=8_000)


def test_tickets_show_number_and_due_time_and_filter(ticket_service: Service, page: Page) -> None:
    """An off-hours handoff is listed as a ticket with its number and due time; the kind filter keeps or hides it."""
    token = ticket_service.agent_token("Anna")
    sign_in(page, ticket_service, token)
    user = User(ticket_service.base_url)
    handoff = handoff_detail(ticket_service, token, user.say("I want to talk to a person")["handoff_id"])
    assert handoff["kind"] == "ticket" and handoff["ticket"] and handoff["due_at"], handoff
    item = row(page, handoff["id"])
    expect(item.locator(".ac-badge-ticket")).to_have_text(f"Ticket {handoff['ticket']}", timeout=LIVE_TIMEOUT_MS)
    expect(item.locator(".ac-due time")).to_have_attribute("datetime", handoff["due_at"])
    expect(item.locator(".ac-team")).to_have_text("night-desk")
    filter_ = page.get_by_label("Show")
    filter_.select_option("live")
    expect(item).to_have_count(0)
    expect(page.locator("#queue-empty")).to_be_visible()
    filter_.select_option("ticket")
    expect(item).to_be_visible()
    item.locator("button").click()
    expect(page.locator("#conv-title")).to_contain_text(handoff["ticket"])
    expect(page.locator("#packet")).to_contain_text(f"night-desk · ticket {handoff['ticket']}")
