"""How the tests decide that a pasted seed phrase leaked into some output."""

from __future__ import annotations

import re
from itertools import pairwise


def leaked_runs(words: list[str], output: str) -> list[str]:
    """Runs of consecutive phrase words that survive in the output.

    Single words are not evidence: many BIP39 words ("repeat", "account") are ordinary words a reply may use.
    Two consecutive phrase words (three characters for the one-character CJK lists) are.
    """
    text = output.replace("\\n", " ")  # line breaks as they appear inside JSON strings
    if all(len(w) == 1 for w in words):
        flat = re.sub(r"[\s\d.,;:、。，]+", "", text)
        return ["".join(words[i:i + 3]) for i in range(len(words) - 2) if "".join(words[i:i + 3]) in flat]
    flat = " " + " ".join(re.sub(r"[\d.,;:\"]", " ", text).split()) + " "
    return [f"{a} {b}" for a, b in pairwise(words) if f" {a} {b} " in flat]
