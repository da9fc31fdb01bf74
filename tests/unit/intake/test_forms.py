"""The shipped forms and texts: complete in the 12 languages, consistent placeholders, real FAQ ids, and a
loader that names the file and field of every problem."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.intake.schema import FIELDS_FILE, LANGUAGES, VALIDATORS, IntakeFormError, load_forms
from bot.intake.texts import load_texts
from bot.yamlio import load_yaml

KB = Path(__file__).resolve().parents[3] / "knowledge_base"
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
FORMS = load_forms()


def faq_ids() -> set[str]:
    ids = set()
    for path in KB.glob("*.yaml"):
        ids |= {entry["id"] for entry in load_yaml(path.read_text(encoding="utf-8"))["entries"]}
    return ids


def test_the_five_forms_ship() -> None:
    assert set(FORMS) == {"deposit_not_arrived", "withdrawal_not_arrived", "wrong_network", "account_locked",
                          "account_compromised"}
    assert FORMS["account_compromised"].urgent
    assert not any(f.required for f in FORMS["account_compromised"].fields)


@pytest.mark.parametrize("form_id", sorted(FORMS))
def test_every_prompt_label_and_option_exists_in_all_12_languages(form_id: str) -> None:
    for spec in FORMS[form_id].fields:
        for texts in (spec.prompt, spec.label, *(o.label for o in spec.options)):
            assert set(texts) == set(LANGUAGES), (form_id, spec.name)
            assert all(texts[lang].strip() for lang in LANGUAGES), (form_id, spec.name)
            wanted = set(PLACEHOLDER.findall(texts["en"]))
            for lang in LANGUAGES:
                assert set(PLACEHOLDER.findall(texts[lang])) == wanted, (form_id, spec.name, lang)


def test_forms_point_at_real_faq_entries() -> None:
    known = faq_ids()
    for form in FORMS.values():
        assert form.faq_ids and set(form.faq_ids) <= known, form.id


def test_every_locale_text_and_validator_hint_exists_in_all_12_languages() -> None:
    texts = load_texts()
    assert set(VALIDATORS) | {"required", "address_checksum"} <= set(texts["hints"])
    for section, entries in texts.items():
        for key, by_language in entries.items():
            assert set(by_language) == set(LANGUAGES), (section, key)
            wanted = set(PLACEHOLDER.findall(by_language["en"]))
            for lang in LANGUAGES:
                assert by_language[lang].strip(), (section, key, lang)
                assert set(PLACEHOLDER.findall(by_language[lang])) == wanted, (section, key, lang)


def test_loader_names_file_and_field_of_every_problem(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text(
        "id: broken\ndirection: deposit\nfaq_ids: [deposit.not_arrived]\nfields:\n"
        "  - use: coin\n"
        "  - name: txid\n    kind: txid\n    label: {en: Hash}\n    prompt: {en: Hash?}\n", encoding="utf-8")
    (tmp_path / "other.yaml").write_text(
        "id: other\ndirection: sideways\nfaq_ids: [x]\nfields:\n  - use: nonexistent\n", encoding="utf-8")
    with pytest.raises(IntakeFormError) as raised:
        load_forms(tmp_path, FIELDS_FILE)
    problems = "\n".join(raised.value.problems)
    assert "broken.yaml: fields[1] (txid).label: " in problems and "zh-CN" in problems
    assert "broken.yaml: fields[1] (txid).prompt: " in problems
    assert "other.yaml: fields[0]: unknown library field 'nonexistent'" in problems


def test_urgent_forms_may_not_make_the_user_wait(tmp_path: Path) -> None:
    (tmp_path / "urgent.yaml").write_text(
        "id: urgent\ndirection: account\nurgent: true\nintents: [x]\nfields:\n  - use: uid\n", encoding="utf-8")
    with pytest.raises(IntakeFormError, match="urgent form"):
        load_forms(tmp_path, FIELDS_FILE)
