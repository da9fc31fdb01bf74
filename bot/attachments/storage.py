"""Where attachment bytes live: behind a small Protocol, so a bucket can replace the local folder."""

from __future__ import annotations

import os
import re
import tempfile
import uuid
from pathlib import Path
from typing import Protocol

from bot.errors import NotFoundError

# Keys are made here, never from user input: two hex characters of fan-out, then a random UUID.
_KEY = re.compile(r"\A[0-9a-f]{2}/[0-9a-f]{32}\Z")


def new_key() -> str:
    """A fresh storage key, e.g. "3f/3f1c...": unguessable and safe as a relative path."""
    name = uuid.uuid4().hex
    return f"{name[:2]}/{name}"


def check_key(key: str) -> str:
    """`key` when it has the shape `new_key` makes; ValueError otherwise (it would never name a stored file)."""
    if not _KEY.match(key):
        raise ValueError(f"not an attachment storage key: {key!r}")
    return key


class AttachmentStorage(Protocol):
    """Keeps cleaned attachment bytes under keys made by `new_key()`."""

    def put(self, key: str, data: bytes) -> None:
        """Store `data` under `key` (readers see the whole file or nothing)."""

    def get(self, key: str) -> bytes:
        """The bytes under `key`; NotFoundError when there are none."""

    def delete(self, key: str) -> None:
        """Remove `key`; nothing happens when it does not exist."""


class LocalDirectoryStorage:
    """Files in a local folder (created on the first write): `<root>/<fan-out>/<uuid>`, written to a temporary
    file and renamed into place, readable only by the service's user."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

    def put(self, key: str, data: bytes) -> None:
        """Write atomically: a temporary file in the same folder, flushed to disk, then renamed."""
        path = self._path(key)
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes:
        """The stored bytes."""
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise NotFoundError("the attachment's file is missing from storage") from None

    def delete(self, key: str) -> None:
        """Remove the file if it is there."""
        self._path(key).unlink(missing_ok=True)
