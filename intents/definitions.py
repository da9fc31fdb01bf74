"""Load the intent definitions shipped as `intents/<name>.yaml`."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.errors import KnowledgeBaseError
from bot.yamlio import load_yaml

INTENTS_DIR = Path(__file__).parent
FAQ_INTENT = "faq"
OUT_OF_SCOPE = "out_of_scope"


@dataclass(frozen=True)
class IntentDefinition:
    """One intent: its examples and replies per language."""

    name: str
    description: str
    examples: dict[str, list[str]]
    responses: dict[str, list[str]] = field(default_factory=dict)

    def all_examples(self) -> list[tuple[str, str]]:
        """(language, text) for every example."""
        return [(lang, text) for lang, texts in self.examples.items() for text in texts]


def load_intents(folder: Path = INTENTS_DIR) -> dict[str, IntentDefinition]:
    """Every `*.yaml` intent in `folder`; raise KnowledgeBaseError listing malformed files."""
    intents: dict[str, IntentDefinition] = {}
    problems = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            data = load_yaml(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            problems.append(f"{path.name}: malformed YAML: {exc}")
            continue
        if not isinstance(data, dict) or not isinstance(data.get("examples"), dict):
            problems.append(f"{path.name}: expected 'intent', 'description' and an 'examples' mapping")
            continue
        name = str(data.get("intent") or path.stem)
        examples = {str(lang): [str(t).strip() for t in texts or [] if str(t).strip()]
                    for lang, texts in data["examples"].items()}
        responses = {str(lang): [str(t).strip() for t in texts or [] if str(t).strip()]
                     for lang, texts in (data.get("responses") or {}).items()}
        if not any(examples.values()):
            problems.append(f"{path.name}: intent {name!r} has no examples")
            continue
        intents[name] = IntentDefinition(name, str(data.get("description", "")), examples, responses)
    if problems:
        raise KnowledgeBaseError(problems)
    return intents


def intents_hash(intents: dict[str, IntentDefinition]) -> str:
    """Content hash of the intent definitions, stored with the trained classifier."""
    payload = {name: [d.examples, d.responses] for name, d in sorted(intents.items())}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
