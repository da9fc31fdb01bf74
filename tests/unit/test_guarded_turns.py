"""A full turn through the assistant never lets a pasted secret out, and flags it."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mnemonic import Mnemonic

from bot.build import build_index
from bot.pipeline import Assistant
from bot.state import ConversationState
from tests.leaks import leaked_runs

LANGUAGES = ["english", "chinese_simplified", "japanese", "korean", "spanish", "french", "italian", "czech",
             "portuguese", "chinese_traditional"]
PREFIXES = ["help, my wallet words are", "助记词如下", "is this safe?", "mi frase semilla:", "", "seed:"]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    from tests.conftest import make_settings

    settings = make_settings(tmp_path_factory.mktemp("guard"), encoder__backend="hashing")
    build_index(settings, progress=False, intents_dir=None)
    bot = Assistant(settings)
    bot.warm_up()
    return bot


ENTROPY_BYTES = st.sampled_from([16, 20, 24, 28, 32]).flatmap(lambda n: st.binary(min_size=n, max_size=n))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(language=st.sampled_from(LANGUAGES), entropy=ENTROPY_BYTES, prefix=st.sampled_from(PREFIXES),
       numbered=st.booleans())
def test_seed_phrases_never_leave_the_turn(assistant, language, entropy, prefix, numbered):
    words = Mnemonic(language).to_mnemonic(entropy).replace("\u3000", " ").split(" ")
    phrase = "\n".join(f"{i}. {w}" for i, w in enumerate(words, 1)) if numbered else " ".join(words)
    result = assistant.ask(f"{prefix} {phrase}".strip(), state=ConversationState())
    output = json.dumps(result.to_dict(), ensure_ascii=False)
    assert not leaked_runs(words, output)
    assert "secret_exposed" in result.flags and "secret:seed_phrase" in result.flags
    assert result.action == "handoff" and "security_emergency" in result.reasons


def test_leak_check_catches_a_surviving_phrase():
    words = Mnemonic("english").to_mnemonic(bytes(16)).split(" ")
    assert leaked_runs(words, json.dumps({"reply": "\n".join(f"{i}. {w}" for i, w in enumerate(words, 1))}))
    assert not leaked_runs(words, json.dumps({"reply": "please do not " + words[0]}))
    chinese = Mnemonic("chinese_simplified").to_mnemonic(bytes(16)).split(" ")
    assert leaked_runs(chinese, json.dumps({"reply": " ".join(chinese)}, ensure_ascii=False))


def test_private_key_and_password_are_redacted_and_warned(assistant):
    key = "e8f32e723decf4051aefac8e2c93c9c5b214313817cdb01a1494b917c8436b35"
    result = assistant.ask(f"my private key is {key}, why is my withdrawal fee so high?")
    assert key not in json.dumps(result.to_dict())
    assert result.action == "handoff" and "secret:private_key" in result.flags
    password = assistant.ask("my password is Hunter2!xyz and I cannot withdraw")
    assert "Hunter2!xyz" not in json.dumps(password.to_dict())
    assert "secret:password" in password.flags and password.action != "handoff"
    assert "password" in password.reply.lower()


def test_phishing_link_is_flagged_and_official_policy_sent(assistant):
    result = assistant.ask("support sent me this link kestre1-verify.com to unlock my withdrawal fee refund")
    assert "phishing_suspected" in result.flags
    assert "kestrel.example" in result.reply


def test_entities_travel_in_the_result(assistant):
    result = assistant.ask("withdrawal fee for 0.5 BTC to 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa is too high")
    kinds = {e["kind"] for e in result.entities}
    assert {"amount", "address"} <= kinds
    address = next(e for e in result.entities if e["kind"] == "address")
    assert address["valid"] is True
    broken = assistant.ask("send to 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD please")
    assert "invalid_address" in broken.flags


def test_ordinary_messages_are_not_flagged(assistant):
    for text in ["how do I reset my password", "what is a seed phrase?",
                 "txid 4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b not credited"]:
        assert "secret_exposed" not in assistant.ask(text).flags
