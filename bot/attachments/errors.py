"""The attachment error for a file whose content is not an accepted type (HTTP 415)."""

from __future__ import annotations

from bot.errors import UnsupportedMediaTypeError


class UnsupportedTypeError(UnsupportedMediaTypeError):
    """The file's content is not a type the service accepts; the message names the accepted types."""
