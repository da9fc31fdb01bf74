"""Attachments in real browsers: the user sends a screenshot with the widget's paperclip, and the agent sees it
(name, kind, size, thumbnail) in the claimed handoff and downloads it with the agent token."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from tests.browser.conftest import Service, run_service

pytestmark = [pytest.mark.browser, pytest.mark.integration, pytest.mark.slow]

QUESTION = "How do I withdraw crypto to another wallet?"
# Markup as a file name: it must show literally and never run.
SCREENSHOT_NAME = '<img src=x onerror="window.__xss=1">.png'
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(200)


def _png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (20, 140, 60)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def files_service(shipped_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """A service of this module's own, storing attachments in a temporary folder."""
    workdir = tmp_path_factory.mktemp("attachments")
    with run_service(shipped_index, workdir, BOT__ATTACHMENTS__DIR=str(workdir / "files")) as running:
        yield running


def send_file(page: Page, name: str, data: bytes, mime: str) -> None:
    """Choose a file through the widget's paperclip (its hidden file input)."""
    page.locator("input.kw-file").set_input_files({"name": name, "mimeType": mime, "buffer": data})


def test_screenshot_from_the_widget_reaches_the_agent_console(files_service: Service, page: Page, new_page) -> None:
    """Paperclip -> "Uploading…" -> the transcript line with the file name (as text); a refused file shows the
    service's reason; after "talk to a person" the agent claims the handoff and sees the file with a thumbnail,
    a file sent meanwhile arrives live, and the download is the stored file."""
    page.goto(files_service.base_url + "/")
    attach = page.get_by_role("button", name="Attach a screenshot or log")
    expect(attach).to_be_hidden()   # no session yet
    box = page.locator(".kw-input")
    box.fill(QUESTION)
    with page.expect_response(lambda r: r.url.endswith("/v1/chat")):
        box.press("Enter")
    expect(attach).to_be_visible()

    held: list = []
    page.route("**/attachments", lambda route: held.append(route))   # hold the upload: "uploading" stays up
    send_file(page, SCREENSHOT_NAME, _png(120, 80), "image/png")
    expect(page.locator(".kw-uploading .kw-text")).to_have_text(f"Uploading {SCREENSHOT_NAME}…")
    expect(attach).to_be_disabled()
    with page.expect_response(lambda r: r.url.endswith("/attachments")) as uploaded:
        held[0].continue_()
    page.unroute("**/attachments")
    assert uploaded.value.status == 201, uploaded.value.text()
    screenshot = uploaded.value.json()
    line = page.locator(f'.kw-msg-user[data-id="{screenshot["message_id"]}"] .kw-text')
    shown = re.escape(f"[attachment] {SCREENSHOT_NAME} (image, ") + r"[\d.]+ (B|KB)\)"
    expect(line).to_have_text(re.compile(f"^{shown}$"))
    expect(page.locator(".kw-uploading")).to_have_count(0)

    with page.expect_response(lambda r: r.url.endswith("/attachments")) as refused:
        send_file(page, "holiday.png", EXE, "image/png")
    assert refused.value.status == 415
    expect(page.get_by_role("alert")).to_contain_text("Windows program")

    with page.expect_response(lambda r: r.url.endswith("/handoff")) as info:
        page.get_by_role("button", name="Talk to a person").click()
    handoff_id = info.value.json()["handoff_id"]

    agent = new_page(viewport={"width": 1400, "height": 900})
    agent.goto(files_service.base_url + "/agent")
    agent.get_by_label("Agent token").fill(files_service.agent_token("Anna"))
    agent.get_by_role("button", name="Sign in").click()
    expect(agent.locator("#live-status")).to_have_attribute("data-state", "live")
    agent.locator(f'.ac-item[data-id="{handoff_id}"] button').click()
    with agent.expect_response(lambda r: r.url.endswith(f"/{handoff_id}/claim")):
        agent.get_by_role("button", name="Claim").click()
    expect(agent.locator("#conv-meta .ac-status")).to_have_text("Claimed")

    item = agent.locator(f'.ac-attachment[data-id="{screenshot["id"]}"]')
    expect(item.locator(".ac-attachment-name")).to_have_text(SCREENSHOT_NAME)
    expect(item.locator(".ac-attachment-meta")).to_contain_text(f"Image · {screenshot['size']} B")
    thumbnail = item.locator("img.ac-thumb")
    expect(thumbnail).to_have_attribute("src", re.compile("^blob:"))
    agent.wait_for_function("img => img.complete && img.naturalWidth === 120", arg=thumbnail.element_handle())

    log = b"2026-11-24 10:00 ERROR withdrawal 7f3a stuck\n"
    with page.expect_response(lambda r: r.url.endswith("/attachments")) as second:
        send_file(page, "console.log", log, "text/plain")
    text_file = second.value.json()
    later = agent.locator(f'.ac-attachment[data-id="{text_file["id"]}"]')
    expect(later.locator(".ac-attachment-name")).to_have_text("console.log", timeout=4_000)   # live, no reload
    expect(later.locator(".ac-file-icon")).to_have_text("TXT")
    expect(agent.locator(".ac-msg-user .ac-msg-text").last).to_contain_text("[attachment] console.log (text,")

    with agent.expect_download() as download_info:
        item.get_by_role("button", name=f"Download {SCREENSHOT_NAME}").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".png")
    stored = httpx.get(f"{files_service.base_url}/v1/handoffs/{handoff_id}/attachments/{screenshot['id']}",
                       headers={"Authorization": f"Bearer {files_service.agent_token('Ben')}"}, timeout=30)
    assert Path(download.path()).read_bytes() == stored.content
    assert Image.open(io.BytesIO(stored.content)).size == (120, 80)
    for view in (page, agent):
        assert view.evaluate("window.__xss") is None
