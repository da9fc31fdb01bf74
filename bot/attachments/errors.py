"""The one attachment error the shared error classes lack: a type the service does not accept (HTTP 415)."""

from __future__ import annotations

from bot.errors import InputError


class UnsupportedTypeError(InputError):
    """The file's content is not a type the service accepts; the message names the accepted types."""

    status = 415
