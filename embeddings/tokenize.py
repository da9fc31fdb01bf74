"""Tokens for lexical search: words for spaced scripts, character bigrams for CJK, Thai and Hangul."""

from __future__ import annotations

import re
import unicodedata

# Scripts written without spaces between words (Hangul is spaced, but its words inflect, so bigrams help).
_UNSPACED = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\u0e00-\u0e7f"
_TOKEN = re.compile(rf"[{_UNSPACED}]+|[^\W_]+", re.UNICODE)
_IS_UNSPACED = re.compile(rf"[{_UNSPACED}]")


def tokenize(text: str) -> list[str]:
    """Lowercased NFKC tokens; runs of unspaced scripts become overlapping character bigrams."""
    tokens: list[str] = []
    for run in _TOKEN.findall(unicodedata.normalize("NFKC", text).lower()):
        if _IS_UNSPACED.match(run):
            if len(run) == 1:
                tokens.append(run)
            else:
                tokens.extend(run[i:i + 2] for i in range(len(run) - 1))
        else:
            tokens.append(run)
    return tokens
