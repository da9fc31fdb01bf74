"""Intake forms as data: the pydantic schema of `forms/*.yaml` and a loader that names the file and field of
every problem.

A form lists its fields in the order they are asked. A field is either written out in full or borrows a
definition from the shared library `fields.yaml` with `use: <name>`, overriding any key it sets itself
(`required`, `when`, `prompt`, ...). Every prompt, label and option label must exist in all 12 languages.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from bot.errors import ConfigError
from bot.yamlio import load_yaml

LANGUAGES = ("en", "zh-CN", "zh-TW", "ja", "ko", "ru", "es", "pt", "tr", "fr", "de", "ar")
INTAKE_DIR = Path(__file__).parent
FORMS_DIR = INTAKE_DIR / "forms"
FIELDS_FILE = INTAKE_DIR / "fields.yaml"

FieldKind = Literal["coin", "network", "amount", "txid", "address", "memo", "uid", "order_id", "datetime", "email",
                    "text", "enum"]
# Validator names; each has a hint in locales.yaml (`hints`). "address" also checks the checksum.
VALIDATORS = ("coin", "network", "amount", "txid", "address", "memo", "uid", "order_id", "datetime", "email", "text",
              "enum")
CHECKS = ("txid_network", "address", "suspension", "confirmation")


class IntakeFormError(ConfigError):
    """One or more form files are invalid; `problems` holds one 'file: where: what' line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(problems)


def _complete(texts: dict[str, str]) -> dict[str, str]:
    missing = [lang for lang in LANGUAGES if not str(texts.get(lang) or "").strip()]
    if missing:
        raise ValueError(f"missing or empty languages: {', '.join(missing)}")
    unknown = sorted(set(texts) - set(LANGUAGES))
    if unknown:
        raise ValueError(f"unknown languages: {', '.join(unknown)}")
    return texts


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OptionSpec(_Strict):
    """One choice of an enum field: its stored value, its label per language and extra words that pick it."""

    value: str = Field(min_length=1)
    label: dict[str, str]
    aliases: list[str] = Field(default_factory=list)

    @field_validator("label")
    @classmethod
    def _labels_complete(cls, value: dict[str, str]) -> dict[str, str]:
        return _complete(value)


class Condition(_Strict):
    """Ask a field only when an earlier field's answer is one of `values`."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    field: str
    values: list[str] = Field(alias="in", min_length=1)


class FieldSpec(_Strict):
    """One question of a form."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    kind: FieldKind
    required: bool = True
    validator: str = ""
    label: dict[str, str]
    prompt: dict[str, str]
    aliases: list[str] = Field(default_factory=list)   # words naming the field in corrections, any language
    options: list[OptionSpec] = Field(default_factory=list)
    when: Condition | None = None

    @field_validator("label", "prompt")
    @classmethod
    def _texts_complete(cls, value: dict[str, str]) -> dict[str, str]:
        return _complete(value)

    @model_validator(mode="after")
    def _consistent(self) -> FieldSpec:
        validator = self.validator or self.kind
        if validator not in VALIDATORS:
            raise ValueError(f"unknown validator {validator!r}; use one of {', '.join(VALIDATORS)}")
        if (self.kind == "enum") != bool(self.options):
            raise ValueError("enum fields need options, and only enum fields may have them")
        object.__setattr__(self, "validator", validator)
        return self

    def words(self) -> list[str]:
        """Lower-cased words that name this field: its labels in every language and its aliases."""
        return [w.lower() for w in (*self.label.values(), *self.aliases) if w.strip()]


class FormSpec(_Strict):
    """A form: which FAQ entries or intents start it, its fields in asking order and the checks to run."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    direction: Literal["deposit", "withdraw", "account"]
    faq_ids: list[str] = Field(default_factory=list)
    intents: list[str] = Field(default_factory=list)
    urgent: bool = False   # the handoff opens at once; at most two optional questions follow it
    checks: list[Literal["txid_network", "address", "suspension", "confirmation"]] = Field(default_factory=list)
    fields: list[FieldSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> FormSpec:
        names = [f.name for f in self.fields]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"duplicate field names: {', '.join(duplicates)}")
        for index, spec in enumerate(self.fields):
            if spec.when and spec.when.field not in names[:index]:
                raise ValueError(f"field {spec.name!r}: 'when' must refer to an earlier field, not {spec.when.field!r}")
        if not (self.faq_ids or self.intents):
            raise ValueError("a form needs at least one faq id or intent that starts it")
        if self.urgent and (len(self.fields) > 2 or any(f.required for f in self.fields)):
            raise ValueError("an urgent form may ask at most 2 questions, all optional (the handoff does not wait)")
        return self

    def field(self, name: str) -> FieldSpec:
        """The field called `name` (KeyError when there is none)."""
        for spec in self.fields:
            if spec.name == name:
                return spec
        raise KeyError(name)


def _where(loc: tuple[Any, ...], raw_fields: list[Any]) -> str:
    """'fields[2] (txid).prompt' from a pydantic error location."""
    parts: list[str] = []
    for index, item in enumerate(loc):
        if isinstance(item, int) and index > 0 and loc[index - 1] == "fields":
            name = raw_fields[item].get("name", "?") if item < len(raw_fields) and isinstance(
                raw_fields[item], dict) else "?"
            parts[-1] = f"fields[{item}] ({name})"
        else:
            parts.append(str(item))
    return ".".join(parts) or "form"


def _resolve(raw: dict[str, Any], library: dict[str, Any], source: str, problems: list[str]) -> dict[str, Any]:
    """The form with every `use:` field replaced by the library definition merged with its own keys."""
    fields = []
    for index, item in enumerate(raw.get("fields") or []):
        if isinstance(item, dict) and "use" in item:
            base = library.get(item["use"])
            if base is None:
                problems.append(f"{source}: fields[{index}]: unknown library field {item['use']!r}")
                continue
            merged = {"name": item["use"], **base, **{k: v for k, v in item.items() if k != "use"}}
            fields.append(merged)
        else:
            fields.append(item)
    return {**raw, "fields": fields}


def load_forms(folder: Path = FORMS_DIR, library_file: Path = FIELDS_FILE) -> dict[str, FormSpec]:
    """Every `*.yaml` form in `folder` by id; raise IntakeFormError listing each problem as 'file: where: what'."""
    problems: list[str] = []
    library = load_yaml(library_file.read_text(encoding="utf-8")) or {}
    if not isinstance(library, dict):
        raise IntakeFormError([f"{library_file.name}: must map field names to definitions"])
    forms: dict[str, FormSpec] = {}
    for path in sorted(folder.glob("*.yaml")):
        try:
            raw = load_yaml(path.read_text(encoding="utf-8"))
        except Exception as error:  # a YAML syntax error names the line
            problems.append(f"{path.name}: not valid YAML: {error}")
            continue
        if not isinstance(raw, dict):
            problems.append(f"{path.name}: must be a mapping with id, fields, ...")
            continue
        before = len(problems)
        resolved = _resolve(raw, library, path.name, problems)
        if len(problems) > before:
            continue
        try:
            form = FormSpec.model_validate(resolved)
        except ValidationError as error:
            for item in error.errors():
                problems.append(f"{path.name}: {_where(tuple(item['loc']), resolved['fields'])}: {item['msg']}")
            continue
        if form.id != path.stem:
            problems.append(f"{path.name}: id {form.id!r} must match the file name {path.stem!r}")
        elif form.id in forms:
            problems.append(f"{path.name}: duplicate form id {form.id!r}")
        forms[form.id] = form
    if problems:
        raise IntakeFormError(problems)
    return forms


@cache
def shipped_forms() -> dict[str, FormSpec]:
    """The forms shipped in `bot/intake/forms`, loaded once."""
    return load_forms()
