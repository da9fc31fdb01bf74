"""Sizes as people read them in messages and transcript lines."""

from __future__ import annotations


def human_size(size: int) -> str:
    """`size` bytes for people: "812 B", "182.4 KB", "4.9 MB" (powers of 1024)."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"
