"""Attachments over HTTP: upload (type by content, limits, cleaning), listing, downloads for the user and for
agents of the conversation's handoff, live delivery, and nothing raw or secret stored anywhere."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from mnemonic import Mnemonic

from bot.service.hub import AGENTS_TOPIC
from bot.storage.api_tokens import TokenStore
from tests.leaks import leaked_runs
from tests.unit.attachments import CAMERA, PLACE, flate_stream, jpeg_with_exif, pdf_bytes, png_bytes, png_with_text
from tests.unit.service import new_session, receive_event, services, transcript
from tests.unit.storage import DATABASES, dump_tables

KEY_PATH = re.compile(r"\A[0-9a-f]{2}/[0-9a-f]{32}\Z")
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(200)


@pytest.fixture
def db_kind() -> str:
    """SQLite unless a test asks for both backends (parametrized `db_kind`)."""
    return "sqlite"


@pytest.fixture
def files_dir(tmp_path: Path) -> Path:
    """The attachment storage folder of the test's app."""
    return tmp_path / "attachments"


@pytest.fixture
def app_with_files(make_app: Callable[..., FastAPI], files_dir: Path) -> Iterator[Callable[..., TestClient]]:
    """`app_with_files(**overrides)`: a client (lifespan running) of an app storing attachments in `files_dir`."""
    clients: list[TestClient] = []

    def make(**overrides: str) -> TestClient:
        test_client = TestClient(make_app(attachments__dir=str(files_dir), **overrides))
        test_client.__enter__()
        clients.append(test_client)
        return test_client

    yield make
    for test_client in clients:
        test_client.__exit__(None, None, None)


@pytest.fixture
def files(app_with_files: Callable[..., TestClient]) -> TestClient:
    """A client of an app with default attachment settings."""
    return app_with_files()


def upload(client: TestClient, session: dict[str, Any], name: str, data: bytes, *, expect: int = 201,
           content_type: str = "application/octet-stream", token: str | None = None) -> dict[str, Any]:
    """POST one file as multipart field `file` and check the status."""
    response = client.post(f"/v1/sessions/{session['session_id']}/attachments",
                           headers={"X-Session-Token": token or session["session_token"]},
                           files={"file": (name, data, content_type)})
    assert response.status_code == expect, response.text
    return response.json()


def user_download(client: TestClient, session: dict[str, Any], attachment_id: str, token: str | None = None):
    """GET one of the session's files as its user."""
    return client.get(f"/v1/sessions/{session['session_id']}/attachments/{attachment_id}",
                      headers={"X-Session-Token": token or session["session_token"]})


def agent_token(client: TestClient, name: str = "Anna") -> str:
    """A new agent token in the app's database."""
    return TokenStore(services(client).database).create(name, "agent")[1]


def ask_for_person(client: TestClient, session: dict[str, Any]) -> str:
    """Press "talk to a person"; the handoff id."""
    response = client.post(f"/v1/sessions/{session['session_id']}/handoff",
                           headers={"X-Session-Token": session["session_token"]})
    assert response.status_code == 200, response.text
    return response.json()["handoff_id"]


def stored_files(folder: Path) -> dict[str, bytes]:
    """Every file under the storage folder by relative path."""
    return {str(path.relative_to(folder)): path.read_bytes() for path in folder.rglob("*") if path.is_file()}


# --- uploads ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("db_kind", DATABASES)
def test_png_named_pdf_is_stored_as_png_and_downloads_safely(files, files_dir, db_kind):
    """The content decides: a PNG named x.pdf (sent as application/pdf) is an image/png named x.pdf.png; the
    transcript notes it; the user downloads it with download-only headers."""
    session = new_session(files)
    body = upload(files, session, "x.pdf", png_bytes(30, 20), content_type="application/pdf")
    assert body["kind"] == "image" and body["content_type"] == "image/png" and body["filename"] == "x.pdf.png"
    assert body["removed"] == [] and body["warning"] is None
    message = transcript(files, session)["messages"][-1]
    assert message["id"] == body["message_id"] == body["message"]["id"] and message["role"] == "user"
    assert message["text"] == f"[attachment] x.pdf.png (image, {body['size']} B)" == body["message"]["text"]

    response = user_download(files, session, body["id"])
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    assert response.headers["content-disposition"] == "attachment; filename=\"x.pdf.png\"; filename*=UTF-8''x.pdf.png"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-security-policy"] == "sandbox"
    assert response.headers["cache-control"] == "private, no-store"
    assert response.content == next(iter(stored_files(files_dir).values()))
    listed = files.get(f"/v1/sessions/{session['session_id']}/attachments",
                       headers={"X-Session-Token": session["session_token"]}).json()
    assert listed["attachments"] == [{key: body[key] for key in
                                      ("id", "kind", "content_type", "size", "filename", "created_at")}]


def test_executable_named_png_is_415_naming_the_accepted_types(files, files_dir):
    """A Windows program called photo.png (image/png) is refused by content; nothing is stored."""
    session = new_session(files)
    detail = upload(files, session, "photo.png", EXE, content_type="image/png", expect=415)["detail"]
    assert "Windows program" in detail and "PNG or JPEG image, a PDF or a plain-text file" in detail
    assert not files_dir.exists() or not stored_files(files_dir)
    assert transcript(files, session)["messages"][-1]["role"] == "bot"


def test_text_in_another_encoding_is_415_asking_for_utf8(files):
    """A Latin-1 log is refused: save it as UTF-8."""
    detail = upload(files, new_session(files), "app.log", "café €".encode("cp1252"), expect=415)["detail"]
    assert "save it as UTF-8" in detail


def test_utf16_log_is_stored_as_utf8(files):
    """UTF-16 with a byte-order mark is accepted and served as UTF-8 text."""
    session = new_session(files)
    body = upload(files, session, "console.txt", "提币 pending 2h\r\n".encode("utf-16"))
    assert body["kind"] == "text" and body["content_type"] == "text/plain; charset=utf-8"
    response = user_download(files, session, body["id"])
    assert response.content == "提币 pending 2h\r\n".encode()
    assert response.headers["content-type"] == "text/plain; charset=utf-8"


def test_pdf_with_javascript_is_422_saying_so(files):
    """Active content in a PDF is refused with the reason; a plain PDF is stored byte for byte."""
    session = new_session(files)
    with_js = pdf_bytes(flate_stream(b"<< /Type /ObjStm /N 1 /First 4 >>", b"5 0 << /S /JavaScript /JS (x) >>"))
    detail = upload(files, session, "statement.pdf", with_js, expect=422)["detail"]
    assert "active content (JavaScript)" in detail
    plain = pdf_bytes()
    body = upload(files, session, "statement.pdf", plain)
    assert body["kind"] == "pdf" and user_download(files, session, body["id"]).content == plain


def test_images_lose_their_metadata(files):
    """A camera JPEG loses EXIF and GPS, a PNG its text chunks; the response says what was removed."""
    session = new_session(files)
    jpeg = upload(files, session, "IMG_0001.JPG", jpeg_with_exif())
    assert {"exif", "gps", "comment"} <= set(jpeg["removed"]) and jpeg["content_type"] == "image/jpeg"
    png = upload(files, session, "screen.png", png_with_text())
    assert {"png_text", "xmp"} <= set(png["removed"])
    for body in (jpeg, png):
        content = user_download(files, session, body["id"]).content
        assert b"Exif" not in content and CAMERA.encode() not in content and b"tEXt" not in content


@pytest.mark.parametrize(("size", "says"), [
    (3_000, "files may be up to 2.0 KB"),                           # over the file limit: refused by the service
    (40_000, "the upload is too large; files may be up to 2.0 KB"),   # beyond the framing room: by the middleware
])
def test_oversized_files_are_413(app_with_files, size, says):
    """Above attachments.max_bytes a file is a 413 that says the limit."""
    client = app_with_files(attachments__max_bytes="2048")
    detail = upload(client, new_session(client), "big.log", b"x" * size, expect=413)["detail"]
    assert says in detail


def test_too_many_pixels_is_413(app_with_files):
    """Above attachments.max_pixels an image is a 413 naming its size and the limit."""
    client = app_with_files(attachments__max_pixels="1000")
    detail = upload(client, new_session(client), "wide.png", png_bytes(100, 20), expect=413)["detail"]
    assert "100x20 pixels" in detail and "limit is 0.0 megapixels" in detail


def test_too_many_files_in_one_conversation_is_413(app_with_files):
    """attachments.max_per_session files per conversation; the next one is a 413."""
    client = app_with_files(attachments__max_per_session="2")
    session = new_session(client)
    for number in range(2):
        upload(client, session, f"{number}.png", png_bytes())
    assert "already has 2 files" in upload(client, session, "2.png", png_bytes(), expect=413)["detail"]
    assert "already has 2 files" not in upload(client, new_session(client), "0.png", png_bytes())["filename"]


@pytest.mark.parametrize(("request_kwargs", "says"), [
    ({"files": {"file": ("empty.png", b"", "image/png")}}, "the file is empty"),
    ({"data": {"note": "hello"}}, "no file"),
    ({"files": {"other": ("x.png", png_bytes(), "image/png")}}, "no file"),
    ({"data": {"file": "just text"}, "files": {"other": ("x.txt", b"x", "text/plain")}}, "holds text, not a file"),
    ({"data": {"file": "just text"}}, "as multipart/form-data"),
    ({"json": {"file": "x"}}, "as multipart/form-data"),
    ({"files": [("file", ("a.png", png_bytes(), "image/png")), ("file", ("b.png", png_bytes(), "image/png"))]},
     "not valid multipart/form-data"),
    ({"content": b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n\r\nabc",
      "headers": {"content-type": "multipart/form-data; boundary=b"}}, None),
], ids=["empty-file", "form-without-file", "other-field", "text-field", "urlencoded", "json", "two-files",
        "unterminated"])
def test_bad_uploads_are_4xx_saying_what_to_fix(files, request_kwargs, says):
    """No file, an empty file, text instead of a file, two files or broken multipart: a 4xx with a detail."""
    session = new_session(files)
    headers = {"X-Session-Token": session["session_token"], **request_kwargs.pop("headers", {})}
    response = files.post(f"/v1/sessions/{session['session_id']}/attachments", headers=headers, **request_kwargs)
    assert 400 <= response.status_code < 500 and response.status_code != 413, response.text
    detail = response.json()["detail"]
    assert isinstance(detail, str) and detail
    if says:
        assert response.status_code == 422 and says in detail, detail


def test_other_sessions_cannot_upload_or_read(files):
    """Another session's token is a 403 on upload, list and download; another session's file id is a 404."""
    mine, theirs = new_session(files), new_session(files)
    body = upload(files, mine, "shot.png", png_bytes())
    upload(files, mine, "shot.png", png_bytes(), token=theirs["session_token"], expect=403)
    assert user_download(files, mine, body["id"], token=theirs["session_token"]).status_code == 403
    assert files.get(f"/v1/sessions/{mine['session_id']}/attachments",
                     headers={"X-Session-Token": theirs["session_token"]}).status_code == 403
    response = user_download(files, theirs, body["id"])
    assert response.status_code == 404 and "not part of this conversation" in response.json()["detail"]
    assert user_download(files, mine, "no-such-id").status_code == 404
    assert user_download(files, mine, "x" * 300).status_code == 404


def test_uploads_count_toward_the_session_rate_limit(app_with_files):
    """Uploads spend the per-session allowance like other session calls (429 with Retry-After)."""
    client = app_with_files(service__rate_limit__per_session_per_minute="3")
    session = new_session(client)   # the first turn spends one
    upload(client, session, "a.png", png_bytes())
    upload(client, session, "b.png", png_bytes())
    response = client.post(f"/v1/sessions/{session['session_id']}/attachments",
                           headers={"X-Session-Token": session["session_token"]},
                           files={"file": ("c.png", png_bytes(), "image/png")})
    assert response.status_code == 429 and response.headers["retry-after"]


def test_only_uploads_get_the_larger_body_limit(files):
    """A screenshot of about 270 KB uploads; the 64 KB limit still holds for every other endpoint."""
    screenshot = _noise_png()
    assert len(screenshot) > 4 * 65536
    upload(files, new_session(files), "large.png", screenshot)
    response = files.post("/v1/chat", json={"text": "x" * 100_000})
    assert response.status_code == 413 and "over 65536 bytes" in response.json()["detail"]


def _noise_png(side: int = 300) -> bytes:
    """A PNG of random pixels (about 3 bytes per pixel: it does not compress)."""
    import io
    import random

    from PIL import Image

    generator = random.Random(5)
    image = Image.frombytes("RGB", (side, side), generator.randbytes(side * side * 3))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def test_raw_uploads_never_touch_a_temporary_file(files, monkeypatch):
    """A 1.5 MB upload (over the multipart parser's usual 1 MB in memory) is parsed without rolling over to a
    temporary file on disk: raw bytes with GPS positions or secrets are only ever in memory."""
    import tempfile

    def no_disk(self: object) -> None:
        raise AssertionError("the upload was spooled to a temporary file")

    monkeypatch.setattr(tempfile.SpooledTemporaryFile, "rollover", no_disk)
    screenshot = _noise_png(720)
    assert len(screenshot) > 1_500_000
    upload(files, new_session(files), "large.png", screenshot)


# --- agents -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("db_kind", DATABASES)
def test_agent_downloads_only_files_of_the_handoffs_conversation(files, db_kind):
    """With an agent token the file comes back; through another conversation's handoff it is a 404; without a
    token 401; the handoff detail lists the conversation's attachments."""
    session, other = new_session(files), new_session(files)
    body = upload(files, session, "shot.png", png_bytes())
    handoff_id, other_handoff = ask_for_person(files, session), ask_for_person(files, other)
    bearer = {"Authorization": f"Bearer {agent_token(files)}"}
    path = f"/v1/handoffs/{handoff_id}/attachments/{body['id']}"
    response = files.get(path, headers=bearer)
    assert response.status_code == 200 and response.content == user_download(files, session, body["id"]).content
    assert response.headers["content-security-policy"] == "sandbox"
    assert response.headers["content-disposition"].startswith("attachment;")
    wrong = files.get(f"/v1/handoffs/{other_handoff}/attachments/{body['id']}", headers=bearer)
    assert wrong.status_code == 404 and "not part of handoff" in wrong.json()["detail"]
    assert files.get(path).status_code == 401
    assert files.get(path, headers={"Authorization": f"Bearer {session['session_token']}"}).status_code == 401
    assert files.get(f"/v1/handoffs/no-such-handoff/attachments/{body['id']}", headers=bearer).status_code == 404
    detail = files.get(f"/v1/handoffs/{handoff_id}", headers=bearer).json()
    assert [item["id"] for item in detail["attachments"]] == [body["id"]]
    assert set(detail["attachments"][0]) == {"id", "kind", "content_type", "size", "filename", "created_at"}
    assert files.get(f"/v1/handoffs/{other_handoff}", headers=bearer).json()["attachments"] == []


def test_a_file_sent_during_an_open_handoff_reaches_agents_live(files):
    """While a handoff is open, the file's transcript message goes to the agents' live feed (and the user's)."""
    session = new_session(files)
    ask_for_person(files, session)
    token = agent_token(files)
    with files.websocket_connect(f"/v1/agent/ws?token={token}") as agents, \
            files.websocket_connect(f"/v1/ws/{session['session_id']}?token={session['session_token']}") as user:
        body = upload(files, session, "after.png", png_bytes())
        for socket in (agents, user):
            event = receive_event(socket)
            while event.get("type") != "message":
                event = receive_event(socket)
            assert event["session_id"] == session["session_id"] and event["message"]["id"] == body["message_id"]
            assert event["message"]["text"].startswith("[attachment] after.png")


def test_a_file_sent_to_the_bot_is_not_published_to_agents(files):
    """Without an open handoff the agents' feed hears nothing of the file."""
    hub = services(files).chat.hub
    queue = files.portal.call(_subscribe, hub)
    try:
        upload(files, new_session(files), "quiet.png", png_bytes())
        assert queue.empty()
    finally:
        hub.unsubscribe(AGENTS_TOPIC, queue)


async def _subscribe(hub: Any) -> Any:
    return hub.subscribe(AGENTS_TOPIC)


# --- secrets and what is on disk ----------------------------------------------------------------------------


@pytest.mark.parametrize("db_kind", DATABASES)
def test_a_seed_phrase_in_a_log_is_never_stored_or_echoed(files, files_dir, service_logs, db_kind):
    """The stored text, every table, the response, the transcript and the logs hold no two consecutive phrase
    words; the response and the transcript say a seed phrase was removed; the user gets the warning."""
    phrase = Mnemonic("english").generate(128)
    words = phrase.split()
    log = "".join(f"2026-11-24 10:00:{n:02d} INFO sync ok\n" for n in range(40)) + f"recovery: {phrase}\n" + \
        "2026-11-24 10:01:00 ERROR withdrawal stuck\n"
    session = new_session(files)
    response = files.post(f"/v1/sessions/{session['session_id']}/attachments",
                          headers={"X-Session-Token": session["session_token"]},
                          files={"file": ("wallet.log", log.encode(), "text/plain")})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["removed"] == ["seed_phrase"] and "seed phrase" in body["warning"].lower()
    assert body["message"]["text"].endswith("removed before storing: seed phrase")
    stored = user_download(files, session, body["id"]).text
    assert "[REDACTED:seed_phrase]" in stored and "ERROR withdrawal stuck" in stored
    sinks = {"response": response.text, "download": stored, "logs": service_logs.text,
             "tables": dump_tables(services(files).database),
             "transcript": str(transcript(files, session)),
             "disk": "\n".join(data.decode("utf-8", "replace") for data in stored_files(files_dir).values())}
    for name, text in sinks.items():
        assert not leaked_runs(words, text), name


def test_a_secret_in_the_file_name_is_redacted(files):
    """A file named after a seed phrase is stored and shown under a redacted name."""
    phrase = Mnemonic("english").generate(128)
    body = upload(files, new_session(files), f"{phrase}.txt", b"hello")
    assert not leaked_runs(phrase.split(), body["filename"] + body["message"]["text"])
    assert body["filename"] == "[REDACTED:seed_phrase].txt"


def test_nothing_raw_is_on_disk(files, files_dir):
    """The storage folder holds only generated keys (no user file names, no temporary files), no uploaded image
    byte for byte, and no metadata or secret of any upload."""
    session = new_session(files)
    phrase = Mnemonic("english").generate(256)
    uploads = {"IMG_0001 home.jpg": jpeg_with_exif(), "screen shot.png": png_with_text(),
               "debug.log": f"seed {phrase}\n".encode()}
    for name, data in uploads.items():
        upload(files, session, name, data)
    on_disk = stored_files(files_dir)
    assert len(on_disk) == 3 and all(KEY_PATH.match(path) for path in on_disk)
    for data in on_disk.values():
        assert data not in uploads.values()
        for marker in (b"Exif", CAMERA.encode(), PLACE.encode(), b"shot at home", b"tEXt", b"iTXt", b"zTXt"):
            assert marker not in data
        assert not leaked_runs(phrase.split(), data.decode("latin-1"))
    rows = dump_tables(services(files).database)
    assert all(name not in path for name in uploads for path in on_disk)
    assert all(path.split("/")[1] in rows for path in on_disk)   # each file has its row (by storage key)


def test_agent_page_may_show_blob_images_and_no_other_page_may(files):
    """The agent console's CSP allows blob: images (thumbnails); the chat page keeps the strict policy."""
    agent_policy = files.get("/agent").headers["content-security-policy"]
    chat_policy = files.get("/").headers["content-security-policy"]
    assert "img-src 'self' data: blob:" in agent_policy
    assert "blob:" not in chat_policy and "img-src 'self' data:;" in chat_policy
    assert agent_policy.replace(" blob:", "") == chat_policy


def test_upload_route_is_documented(files):
    """The OpenAPI document describes the multipart body and the download's binary content."""
    paths = files.get("/openapi.json").json()["paths"]
    post = paths["/v1/sessions/{session_id}/attachments"]["post"]
    schema = post["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert schema["required"] == ["file"] and schema["properties"]["file"]["format"] == "binary"
    assert {"201", "413", "415", "422"} <= set(post["responses"])
    assert "image/png" in paths["/v1/handoffs/{handoff_id}/attachments/{attachment_id}"]["get"]["responses"]["200"][
        "content"]


# --- review regressions -------------------------------------------------------------------------------------


@pytest.mark.parametrize("db_kind", DATABASES)
def test_ids_with_nul_bytes_are_404_not_500(files, db_kind):
    """PostgreSQL refuses NUL in text: a NUL in an attachment or handoff id was a 500; now an unknown id."""
    session = new_session(files)
    upload(files, session, "shot.png", png_bytes())
    assert user_download(files, session, "%00").status_code == 404
    assert user_download(files, session, "a%00b").status_code == 404
    bearer = {"Authorization": f"Bearer {agent_token(files)}"}
    response = files.get("/v1/handoffs/%00/attachments/00000000-0000-0000-0000-000000000000", headers=bearer)
    assert response.status_code == 404 and "does not exist" in response.json()["detail"]


def test_files_are_cleaned_a_few_at_a_time(files, monkeypatch):
    """Every upload used to be cleaned at once in the shared thread pool (a few hundred MB per large image, seconds
    of CPU per log); now at most CLEANING_SLOTS are, and the others wait without holding a worker thread."""
    import threading
    import time

    from bot.service.routes.attachments import CLEANING_SLOTS

    service = services(files).attachments
    original, lock, running, most = service.accept, threading.Lock(), [0], [0]

    def slow_accept(*args: Any) -> Any:
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        try:
            time.sleep(0.2)
            return original(*args)
        finally:
            with lock:
                running[0] -= 1

    monkeypatch.setattr(service, "accept", slow_accept)
    session = new_session(files)
    threads = [threading.Thread(target=upload, args=(files, session, f"{n}.png", png_bytes())) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(transcript(files, session)["messages"]) == 2 + 6
    assert most[0] == CLEANING_SLOTS
