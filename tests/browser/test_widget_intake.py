"""Guided intake in the chat widget, in a real browser against the real service on the shipped index: the
quick-reply chips a running form offers (Skip / Cancel while collecting; Yes / No / Cancel at the summary),
what each chip sends, a confirmed form handed to a person, a Spanish form cancelled by its chip, the chips in
Arabic on a small screen used with the keyboard, and the "e-mail me updates" box after an off-hours ticket."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import Service, run_service

pytestmark = [pytest.mark.browser, pytest.mark.integration, pytest.mark.slow]

DEPOSIT_EN = "my USDT deposit hasn't arrived"
DEPOSIT_ES = "mi depósito de USDT no ha llegado"
DEPOSIT_AR = "لم يصل الإيداع"
# Each form has a handful of questions; a form still asking after this many skips is a failure, not a wait.
MAX_SKIPS = 12
# One team that serves every language and is never open (no working days): every handoff becomes a ticket.
CLOSED_TEAMS = json.dumps([{"name": "night-desk", "languages": ["*"], "days": []}])


def turn(page: Page, act: Callable[[], None]) -> dict:
    """Run `act` (a key press or a click that sends a message) and return the service's JSON answer to it."""
    with page.expect_response(lambda r: r.url.endswith("/v1/chat") and r.request.method == "POST") as info:
        act()
    response = info.value
    assert response.ok, f"{response.status} {response.text()}"
    return {**response.json(), "sent": response.request.post_data_json["text"]}


def typed(page: Page, text: str) -> dict:
    """Type `text` in the message box and press Enter; the service's answer."""
    box = page.locator(".kw-input")
    box.fill(text)
    return turn(page, lambda: box.press("Enter"))


def chip(page: Page, name: str) -> Locator:
    """The quick-reply chip with this label (there is only ever one set of chips on the page)."""
    return page.locator(".kw-quick").get_by_role("button", name=name, exact=True)


def clicked(page: Page, name: str) -> dict:
    """Click the chip `name`; the service's answer to the message it sent."""
    return turn(page, chip(page, name).click)


def message(page: Page, message_id: int) -> Locator:
    """The rendered message with this server id."""
    return page.locator(f'.kw-msg[data-id="{message_id}"]')


def chips_of(page: Page, reply: dict) -> Locator:
    """The chip buttons under the bot message of `reply`."""
    return message(page, reply["message_id"]).locator(".kw-quick").get_by_role("button")


def skip_to_summary(page: Page, current: dict, skip_label: str = "Skip") -> dict:
    """Click the Skip chip until the form shows its summary (a required question is asked twice); each time
    the new question's chips are the only ones on the page. Returns the summary turn."""
    for _ in range(MAX_SKIPS):
        if current["intake"]["phase"] != "collecting":
            break
        current = clicked(page, skip_label)
        expect(chips_of(page, current).first).to_be_visible()
        expect(page.locator(".kw-quick")).to_have_count(1)
    assert current["intake"]["phase"] == "confirming", current
    return current


def test_english_intake_with_chips_is_confirmed_and_handed_to_a_person(service: Service, page: Page) -> None:
    """An English form: the first question carries Skip and Cancel; answers typed or skipped with the chip
    (which sends "skip", a word the engine knows) move it on and the old chips go; the summary carries
    "Yes, send it", "No, change something" and Cancel; "Yes, send it" sends "yes", the form is confirmed, and
    the widget switches to the person's mode with the handoff notice and no chips left."""
    page.goto(service.base_url + "/")
    first = typed(page, DEPOSIT_EN)
    assert (first["action"], first["intake"]["phase"]) == ("intake", "collecting"), first
    expect(chips_of(page, first)).to_have_text(["Skip", "Cancel"])
    expect(page.get_by_role("group", name="Quick replies")).to_have_count(1)

    second = typed(page, "TRC20, sent 2 hours ago")
    assert second["intake"]["phase"] == "collecting", second
    expect(message(page, first["message_id"]).locator(".kw-chip")).to_have_count(0)
    expect(chips_of(page, second)).to_have_text(["Skip", "Cancel"])
    expect(page.locator(".kw-chip")).to_have_count(2)

    assert second["intake"]["field"] == "amount", second
    skipped = clicked(page, "Skip")
    assert skipped["sent"] == "skip"
    # The amount is required: the first "skip" asks again (a second would mark it unknown); answer it by typing.
    assert (skipped["intake"]["step"], skipped["intake"]["field"]) == ("reask", "amount"), skipped
    expect(page.locator(".kw-msg-user .kw-text").last).to_have_text("skip")
    expect(message(page, second["message_id"]).locator(".kw-chip")).to_have_count(0)
    expect(chips_of(page, skipped)).to_have_text(["Skip", "Cancel"])

    summary = skip_to_summary(page, typed(page, "500 USDT"))
    assert "TRC20" in summary["reply"] and "500" in summary["reply"], summary
    expect(message(page, summary["message_id"]).locator(".kw-text")).to_have_text(summary["reply"])
    expect(chips_of(page, summary)).to_have_text(["Yes, send it", "No, change something", "Cancel"])

    done = clicked(page, "Yes, send it")
    assert done["sent"] == "yes"
    assert (done["action"], done["status"], done["intake"]["phase"]) == ("handoff", "human", "done"), done
    assert done["handoff_id"], done
    expect(message(page, done["message_id"]).locator(".kw-text")).to_have_text(done["reply"])
    expect(page.get_by_role("status")).to_have_text("Connecting you to a person…")
    expect(page.get_by_role("button", name="Talk to a person")).to_be_hidden()
    expect(page.locator(".kw-quick")).to_have_count(0)

    headers = {"Authorization": f"Bearer {service.agent_token('intake-reader')}"}
    handoff = httpx.get(f"{service.base_url}/v1/handoffs/{done['handoff_id']}", headers=headers, timeout=30)
    assert handoff.status_code == 200, handoff.text
    record = handoff.json()["packet"]["intake"]
    assert record["confirmed"] is True, record
    assert (record["form"], record["fields"]["coin"], record["fields"]["network"], record["fields"]["amount"]) == (
        "deposit_not_arrived", "USDT", "TRC20", "500 USDT"), record


def test_spanish_intake_is_cancelled_with_its_chip(service: Service, page: Page) -> None:
    """A Spanish form gets Spanish chips; "Cancelar" sends "cancelar", the form stops with a Spanish reply and
    no chips, and the next question is answered normally."""
    page.goto(service.base_url + "/")
    first = typed(page, DEPOSIT_ES)
    assert (first["action"], first["language"], first["intake"]["phase"]) == ("intake", "es", "collecting"), first
    expect(page.locator(".kw-root")).to_have_attribute("lang", "es")
    expect(chips_of(page, first)).to_have_text(["Omitir", "Cancelar"])
    expect(page.get_by_role("group", name="Respuestas rápidas")).to_be_visible()

    cancelled = clicked(page, "Cancelar")
    assert cancelled["sent"] == "cancelar"
    assert (cancelled["language"], cancelled["intake"]["phase"]) == ("es", "cancelled"), cancelled
    expect(message(page, cancelled["message_id"]).locator(".kw-text")).to_have_text(cancelled["reply"])
    expect(page.locator(".kw-quick")).to_have_count(0)

    answer = typed(page, "¿cuánto tarda la verificación?")
    assert (answer["action"], answer["language"], answer["intake"]) == ("answer", "es", None), answer
    expect(message(page, answer["message_id"]).locator(".kw-title")).to_have_text(answer["title"])
    expect(page.locator(".kw-quick")).to_have_count(0)


def test_arabic_chips_fit_a_phone_right_to_left_and_work_from_the_keyboard(service: Service, new_page) -> None:
    """At 360 px wide in Arabic the chips are right to left, on screen, and nothing scrolls sideways; Shift+Tab
    from the message box reaches them and Enter sends the chip's word ("تخطي", the word the form's own intro
    names); focus then returns to the message box."""
    page = new_page(viewport={"width": 360, "height": 640}, is_mobile=True, has_touch=True)
    page.goto(service.base_url + "/")
    first = typed(page, DEPOSIT_AR)
    assert (first["action"], first["language"], first["intake"]["phase"]) == ("intake", "ar", "collecting"), first
    expect(page.locator(".kw-root")).to_have_attribute("dir", "rtl")
    chips = chips_of(page, first)
    expect(chips).to_have_text(["تخطي", "إلغاء"])
    expect(page.get_by_role("group", name="ردود سريعة")).to_be_visible()
    for each in chips.all():
        each.scroll_into_view_if_needed()
        expect(each).to_be_in_viewport(ratio=1)
    skip_box, cancel_box = (each.bounding_box() for each in chips.all())
    assert skip_box and cancel_box and skip_box["x"] > cancel_box["x"], (skip_box, cancel_box)  # first on the right
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    box = page.locator(".kw-input")
    box.focus()
    for _ in range(5):   # back past the paperclip to the last chip, then the one before it
        page.keyboard.press("Shift+Tab")
        if page.evaluate("document.activeElement.textContent") == "تخطي":
            break
    expect(chip(page, "تخطي")).to_be_focused()
    skipped = turn(page, lambda: page.keyboard.press("Enter"))
    assert skipped["sent"] == "تخطي"
    assert (skipped["language"], skipped["intake"]["step"]) == ("ar", "reask"), skipped
    expect(box).to_be_focused()
    expect(chips_of(page, skipped)).to_have_text(["تخطي", "إلغاء"])


@pytest.fixture(scope="module")
def offhours_service(shipped_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """The service with one team that is never open, so every handoff becomes an off-hours ticket."""
    with run_service(shipped_index, tmp_path_factory.mktemp("offhours-service"),
                     BOT__HANDOFF__TEAMS=CLOSED_TEAMS) as running:
        yield running


def stored_contact(service: Service, session_id: str) -> str | None:
    """The session's contact_email column, read straight from the service's SQLite database."""
    path = service.database_url.removeprefix("sqlite:///")
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        row = db.execute("SELECT contact_email FROM chat_sessions WHERE id = ?", (session_id,)).fetchone()
    assert row is not None, session_id
    return row[0]


def test_confirmed_intake_off_hours_opens_a_ticket_and_the_email_box_saves_the_address(
        offhours_service: Service, page: Page) -> None:
    """Off hours, confirming the summary with its chip opens a ticket; the e-mail box appears under the ticket
    notice; an address without "@" is refused in place; a real one is stored for the session (read back from
    the database) and the box is replaced by the thank-you and the masked address the service returned."""
    page.goto(offhours_service.base_url + "/")
    first = typed(page, DEPOSIT_EN)
    assert first["intake"]["phase"] == "collecting", first
    summary = skip_to_summary(page, typed(page, "TRC20, 500 USDT, sent 2 hours ago"))
    done = clicked(page, "Yes, send it")
    assert done["sent"] == "yes"
    assert (done["action"], done["intake"]["phase"]) == ("handoff", "done"), done
    assert done["ticket"], done
    expect(message(page, done["message_id"]).locator(".kw-text")).to_contain_text(done["ticket"])
    assert summary["session_id"] == done["session_id"]

    email_box = page.locator("form.kw-email")
    expect(email_box.locator(".kw-email-prompt")).to_have_text("Get updates on this ticket by e-mail (optional)")
    field = email_box.get_by_role("textbox", name="Your e-mail address")
    field.fill("not-an-address")
    email_box.get_by_role("button", name="E-mail me updates").click()
    expect(email_box.get_by_role("alert")).to_have_text("Please check the e-mail address.")

    field.fill("ana.lopez@example.com")
    with page.expect_response(lambda r: r.url.endswith("/contact") and r.request.method == "PUT") as info:
        email_box.get_by_role("button", name="E-mail me updates").click()
    assert info.value.status == 200, info.value.text()
    masked = info.value.json()["email"]
    assert masked == "a***@example.com", masked
    done_note = page.locator(".kw-email-done")
    expect(done_note.locator(".kw-email-saved")).to_have_text(
        "Thanks! We'll e-mail you when your ticket is answered or closed.")
    expect(done_note.locator(".kw-email-hint")).to_have_text(masked)
    expect(email_box).to_have_count(0)
    assert stored_contact(offhours_service, done["session_id"]) == "ana.lopez@example.com"


def test_a_reload_brings_back_the_chips_of_the_question_asked_last(service: Service, page: Page) -> None:
    """The transcript carries each bot message's intake step, so after a reload the last question still offers
    Skip and Cancel; the browser's zone is sent with every message for times such as "14:30"."""
    page.goto(service.base_url + "/")
    first = typed(page, DEPOSIT_EN)
    assert first["intake"]["phase"] == "collecting", first
    with page.expect_request(lambda r: r.url.endswith("/v1/chat") and r.method == "POST") as info:
        page.locator(".kw-input").fill("TRC20")
        page.locator(".kw-input").press("Enter")
    assert isinstance(info.value.post_data_json["utc_offset_minutes"], int)
    expect(page.locator(".kw-chip")).to_have_count(2)
    page.reload()
    expect(page.locator(".kw-quick").get_by_role("button")).to_have_text(["Skip", "Cancel"])
