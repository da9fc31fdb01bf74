import pytest

from bot.build import build_index
from bot.errors import InputError
from bot.pipeline import Assistant, clean_text


@pytest.fixture
def assistant(settings):
    build_index(settings, progress=False, intents_dir=None)  # retrieval-only: the policy is tested elsewhere
    bot = Assistant(settings)
    bot.warm_up()
    return bot


def test_exact_alternate_question_is_answered(assistant):
    result = assistant.ask("minimum withdrawal amount")
    assert result.action == "answer"
    assert result.faq_id == "withdraw.fees"
    assert result.candidates[0]["faq_id"] == "withdraw.fees"
    assert result.candidates == sorted(result.candidates, key=lambda c: -c["score"])
    assert result.confidence == result.candidates[0]["score"]
    assert any(reason.startswith("confident") for reason in result.reasons)


def test_answer_in_user_language_with_fallback(assistant):
    spanish = assistant.ask("monto mínimo de retiro")
    assert spanish.language == "es" and spanish.reply.startswith("La comisión")
    # No Portuguese translation: the pt chain falls back to es, then en.
    portuguese = assistant.ask("monto mínimo de retiro", lang="pt")
    assert portuguese.reply.startswith("La comisión")
    # Placeholders are filled from the brand settings.
    assert "Kestrel" in assistant.ask("what is the anti-phishing code").reply


def test_handoff_flagged_entry_starts_its_intake_form_first(assistant):
    result = assistant.ask("forgot the XRP destination tag")
    assert result.faq_id == "deposit.wrong_network"
    assert result.action == "intake"   # the form asks the agent's questions, then hands off
    assert "entry_flagged_handoff" in result.reasons
    assert result.intake is not None and result.intake["form"] == "wrong_network"


def test_handoff_flagged_entry_hands_off_at_once_without_intake(settings):
    build_index(settings, progress=False, intents_dir=None)
    bot = Assistant(settings.model_copy(update={"intake": settings.intake.model_copy(update={"enabled": False})}))
    result = bot.ask("forgot the XRP destination tag")
    assert result.action == "handoff" and result.intake is None
    assert "entry_flagged_handoff" in result.reasons


def test_gibberish_is_not_answered(assistant):
    result = assistant.ask("zzqx vvkw")
    assert result.action in ("fallback", "clarify")
    assert result.faq_id is None
    assert any(reason.startswith(("low_confidence", "ambiguous")) for reason in result.reasons)


@pytest.mark.parametrize(("text", "message"), [("", "empty"), ("   \n\t ", "empty"), ("x" * 5000, "limit"),
                                                ("\x00\x01", "empty")])
def test_bad_input(text, message):
    with pytest.raises(InputError, match=message):
        clean_text(text)


def test_unknown_forced_language_is_rejected(assistant):
    with pytest.raises(InputError, match="unsupported lang 'xx'"):
        assistant.ask("withdrawal fee", lang="xx")


def test_state_carries_language_and_clarification(assistant):
    from bot.state import ConversationState

    state = ConversationState()
    assistant.ask("monto mínimo de retiro", state=state)
    assert state.language == "es" and state.turns == 1
    assert state.last_faq_id == "withdraw.fees"
