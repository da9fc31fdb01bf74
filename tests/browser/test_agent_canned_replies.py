"""Canned replies in the agent console, in a real browser against the real service on the shipped index: an
English-reading agent finds an answer for a Spanish-speaking user, inserts it in Spanish, edits nothing, sends it,
and the user's widget shows it."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from bot.answers import Localizer
from bot.config import load_settings
from bot.kb.loader import load_knowledge_base
from bot.kb.model import FaqEntry
from tests.browser.conftest import Service, run_service
from tests.browser.test_agent_console import row, sign_in
from tests.browser.test_widget import ask

pytestmark = [pytest.mark.browser, pytest.mark.integration, pytest.mark.slow]

FEES = "withdraw.fees"
SPANISH_QUESTION = "¿Cuánto cuesta retirar USDT?"


@functools.cache
def shipped_entries() -> tuple[Localizer, dict[str, FaqEntry]]:
    """The shipped knowledge base read straight from its YAML, and the Localizer the assistant words answers with."""
    settings = load_settings()
    kb = load_knowledge_base(settings.resolve(settings.knowledge_base.path))
    return Localizer(settings.languages, settings.brand), kb.entries


def worded(faq_id: str, language: str) -> tuple[str, str]:
    """An entry's (title, answer) in `language` as the assistant says them."""
    localizer, entries = shipped_entries()
    return localizer.title(entries[faq_id], language), localizer.answer(entries[faq_id], language)


@pytest.fixture(scope="module")
def kb_service(shipped_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """A service of this module's own, so the queue holds only the handoffs these tests open."""
    with run_service(shipped_index, tmp_path_factory.mktemp("canned-replies")) as running:
        yield running


def spanish_user_hands_off(page: Page, service: Service) -> str:
    """In the widget, a Spanish-speaking user asks a question, then presses "Hablar con una persona"; returns the
    handoff id."""
    page.goto(service.base_url + "/")
    turn = ask(page, SPANISH_QUESTION)
    assert turn["language"] == "es", turn
    with page.expect_response(lambda r: r.url.endswith("/handoff")) as info:
        page.get_by_role("button", name="Hablar con una persona").click()
    assert info.value.ok, info.value.text()
    return info.value.json()["handoff_id"]


def open_and_claim(page: Page, service: Service, token: str, handoff_id: str) -> None:
    """Sign in, open the handoff from the queue and claim it."""
    sign_in(page, service, token)
    row(page, handoff_id).locator("button").click()
    page.get_by_role("button", name="Claim").click()
    expect(page.locator("#conv-meta .ac-status")).to_have_text("Claimed")


def search_kb(page: Page, query: str) -> None:
    """Type `query` in the knowledge-base box, press Enter and wait for the results."""
    box = page.get_by_label("Search the knowledge base")
    box.fill(query)
    with page.expect_response(lambda r: "/v1/agent/kb/search" in r.url) as searched:
        box.press("Enter")
    assert searched.value.status == 200, searched.value.text()
    expect(page.locator("#kb-results")).to_have_attribute("aria-busy", "false")


def test_english_agent_inserts_the_spanish_answer_and_the_user_sees_it(kb_service: Service, new_page) -> None:
    """The console reads English (the browser's language) and targets the user's Spanish; the results show English
    titles and previews; Insert (from the keyboard) fills the reply box with the Spanish answer word for word
    without sending; Send delivers it and the user's widget shows it."""
    user_page = new_page(locale="es-ES", viewport={"width": 420, "height": 760})
    handoff_id = spanish_user_hands_off(user_page, kb_service)
    agent_page = new_page(viewport={"width": 1280, "height": 800})
    open_and_claim(agent_page, kb_service, kb_service.agent_token("Anna"), handoff_id)

    expect(agent_page.locator("#kb-target")).to_have_text("Inserting in: Español")
    expect(agent_page.get_by_label("Read in")).to_have_value("en")
    search_kb(agent_page, "withdrawal fee")

    items = agent_page.locator("#kb-results .ac-kb-item")
    expect(items.first).to_have_attribute("data-faq-id", FEES)
    for faq_id, title in zip(items.evaluate_all("nodes => nodes.map(node => node.dataset.faqId)"),
                             agent_page.locator("#kb-results .ac-kb-title").all_inner_texts(), strict=True):
        assert title == worded(faq_id, "en")[0], (faq_id, title)
    english_title, english_answer = worded(FEES, "en")
    expect(items.first.locator(".ac-kb-preview")).to_contain_text(english_answer[:60])
    _, spanish_answer = worded(FEES, "es")

    box = agent_page.get_by_role("textbox", name="Reply to the user")
    items.first.get_by_role("button", name="Insert").press("Enter")
    expect(box).to_have_value(spanish_answer)
    expect(box).to_be_focused()
    expect(agent_page.locator(".ac-msg-agent")).to_have_count(0)          # inserting never sends

    with agent_page.expect_response(lambda r: r.url.endswith(f"/{handoff_id}/messages")) as sent:
        agent_page.get_by_role("button", name="Send").click()
    assert sent.value.status == 201, sent.value.text()
    assert sent.value.request.post_data_json == {"text": spanish_answer}
    expect(box).to_have_value("")
    expect(user_page.locator(".kw-msg-agent .kw-text")).to_have_text([spanish_answer])
    assert english_title not in user_page.locator("body").inner_text()


def test_reading_language_follows_the_browser_and_the_selector(kb_service: Service, new_page) -> None:
    """An agent whose browser is German reads results in German by default; choosing English searches again and
    shows English; Insert still gives the user's Spanish, after what the agent had already typed."""
    user_page = new_page(locale="es-ES")
    handoff_id = spanish_user_hands_off(user_page, kb_service)
    agent_page = new_page(locale="de-DE", viewport={"width": 1280, "height": 800})
    open_and_claim(agent_page, kb_service, kb_service.agent_token("Jonas"), handoff_id)

    reading = agent_page.get_by_label("Read in")
    expect(reading).to_have_value("de")
    expect(reading.locator("option:checked")).to_have_text("Deutsch")
    search_kb(agent_page, "comisión de retiro")
    fees = agent_page.locator(f'#kb-results .ac-kb-item[data-faq-id="{FEES}"]')
    expect(fees.locator(".ac-kb-title")).to_have_text(worded(FEES, "de")[0])

    with agent_page.expect_response(lambda r: "agent_lang=en" in r.url):
        reading.select_option("en")
    expect(fees.locator(".ac-kb-title")).to_have_text(worded(FEES, "en")[0])

    box = agent_page.get_by_role("textbox", name="Reply to the user")
    box.fill("Hola:")
    fees.get_by_role("button", name="Insert").click()
    expect(box).to_have_value("Hola:\n\n" + worded(FEES, "es")[1])
