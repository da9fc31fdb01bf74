"""Display and download names, and the local folder storage: generated keys only, atomic writes."""

from __future__ import annotations

import stat

import pytest

from bot.attachments.names import content_disposition, display_name
from bot.attachments.sniff import PDF, PNG, TEXT
from bot.attachments.storage import LocalDirectoryStorage, new_key
from bot.errors import NotFoundError


@pytest.mark.parametrize(("raw", "file_type", "expected"), [
    ("shot.png", PNG, "shot.png"),
    ("x.pdf", PNG, "x.pdf.png"),                     # the content decides: a PNG named .pdf ends in .png
    ("../../etc/passwd", PNG, "passwd.png"),
    ("C:\\Users\\me\\receipt.PDF", PDF, "receipt.PDF"),
    ("run.bat", TEXT, "run.bat.txt"),                 # text is only ever offered as .txt or .log
    ("server.log", TEXT, "server.log"),
    ("evil\u202egnp.exe", PNG, "evilgnp.exe.png"),    # right-to-left override dropped
    ("a\x00b\nc.png", PNG, "abc.png"),
    ("", PNG, "attachment.png"),
    (None, TEXT, "attachment.txt"),
    ("截图 2026.png", PNG, "截图 2026.png"),
])
def test_display_names(raw, file_type, expected):
    """Only the last path part, no control or invisible characters, an ending that matches the content."""
    assert display_name(raw, file_type) == expected


def test_long_names_keep_their_ending():
    """Names are cut to 120 characters, keeping the extension."""
    name = display_name("x" * 500 + ".png", PNG)
    assert len(name) == 120 and name.endswith("x.png")


def test_content_disposition_has_an_ascii_fallback_and_the_exact_name():
    """RFC 6266: filename="ascii" plus filename*=UTF-8''percent-encoded; quotes cannot break out."""
    header = content_disposition('截图 "a";b.png')
    assert header.startswith('attachment; filename="__ _a__b.png"; ')
    assert header.endswith("filename*=UTF-8''%E6%88%AA%E5%9B%BE%20%22a%22%3Bb.png")


def test_storage_round_trip_and_layout(tmp_path):
    """put/get/delete under generated keys; files are private and no temporary file is left behind."""
    storage = LocalDirectoryStorage(tmp_path / "files")
    assert not (tmp_path / "files").exists()   # created on the first write only
    key = new_key()
    storage.put(key, b"cleaned bytes")
    assert storage.get(key) == b"cleaned bytes"
    path = tmp_path / "files" / key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == [path.name]
    storage.put(key, b"replaced")
    assert storage.get(key) == b"replaced"
    storage.delete(key)
    storage.delete(key)   # twice is fine
    with pytest.raises(NotFoundError):
        storage.get(key)


@pytest.mark.parametrize("key", ["../x", "ab/../../etc/passwd", "/etc/passwd", "ab/shot.png", "AB/" + "0" * 32, ""])
def test_storage_refuses_keys_it_did_not_make(tmp_path, key):
    """Anything but the generated key shape is refused before touching the file system."""
    storage = LocalDirectoryStorage(tmp_path)
    with pytest.raises(ValueError, match="not an attachment storage key"):
        storage.put(key, b"x")
    with pytest.raises(ValueError):
        storage.get(key)


def test_a_failed_write_leaves_nothing(tmp_path, monkeypatch):
    """When writing fails midway, neither the target nor a temporary file remains."""
    import os

    storage = LocalDirectoryStorage(tmp_path)
    key = new_key()

    def broken_fsync(_fd: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="disk full"):
        storage.put(key, b"data")
    assert not any(p.is_file() for p in tmp_path.rglob("*"))
