"""The intake inside the assistant's turns (fixture knowledge base, hashing encoder, no intent model)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.build import build_index
from bot.config import Settings
from bot.pipeline import Assistant
from bot.state import ConversationState
from tests.conftest import make_settings

TRON_TXID = "4f3c2a1b" * 8
SEED = "abandon ability able about above absent absorb abstract absurd abuse access accident"


@pytest.fixture(scope="module")
def index_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("intake-index")
    build_index(make_settings(root, encoder__backend="hashing"), progress=False, intents_dir=None)
    return root


def assistant_for(index_root: Path, tmp_path: Path, **overrides: str) -> Assistant:
    values = {"encoder__backend": "hashing", "index__dir": str(index_root / "index"),
              "index__cache_dir": str(index_root / "cache"),
              "intake__status_file": str(tmp_path / "status.yaml")} | overrides
    settings: Settings = make_settings(tmp_path, **values)
    bot = Assistant(settings)
    bot.warm_up()
    return bot


@pytest.fixture
def bot(index_root: Path, tmp_path: Path) -> Assistant:
    return assistant_for(index_root, tmp_path)


def test_an_answer_from_a_forms_entry_starts_the_form_after_the_answer(bot: Assistant) -> None:
    state = ConversationState()
    result = bot.ask("My crypto deposit has not arrived", state=state)
    assert result.action == "intake" and result.faq_id == "deposit.not_arrived"
    assert result.reply.startswith("Deposits are credited")   # the FAQ answer first, then the first question
    assert result.reply.rstrip().endswith("?")
    assert result.intake == {"form": "deposit_not_arrived", "step": "ask", "field": "coin", "phase": "collecting",
                             "findings": []}
    assert state.intake is not None and state.intake["form_id"] == "deposit_not_arrived"


def test_answers_fill_the_form_and_cancel_ends_it(bot: Assistant) -> None:
    state = ConversationState()
    bot.ask("My crypto deposit has not arrived", state=state)
    result = bot.ask("USDT on TRC20", state=state)
    assert result.action == "intake" and result.intake is not None and result.intake["field"] == "deposit_time"
    assert result.candidates == [] and result.faq_id is None   # no retrieval while the form asks
    result = bot.ask("cancel", state=state)
    assert result.action == "reply" and "intake_cancelled" in result.reasons
    assert state.intake is None
    assert bot.ask("minimum withdrawal amount", state=state).faq_id == "withdraw.fees"   # back to answering


def test_an_entry_flagged_for_handoff_asks_first_then_hands_off_with_the_record(bot: Assistant) -> None:
    state = ConversationState()
    first = bot.ask("forgot the XRP destination tag", state=state)
    assert first.action == "intake" and first.intake is not None and first.intake["form"] == "wrong_network"
    assert first.reply.startswith("Deposits on an unsupported network")
    answers = {"issue": "the memo was missing", "coin": "XRP", "network": "XRP", "amount": "250 XRP",
               "txid": TRON_TXID}
    result = first
    for _ in range(10):   # answer whatever the form asks ("skip" for the rest) until it shows the summary
        assert result.intake is not None
        if result.intake["step"] == "summary":
            break
        result = bot.ask(answers.get(result.intake["field"] or "", "skip"), state=state)
    assert result.intake is not None and result.intake["step"] == "summary", result.reply
    done = bot.ask("yes", state=state)
    assert done.action == "handoff" and "intake_done:wrong_network" in done.reasons
    assert done.intake_packet is not None and done.intake_packet["confirmed"] is True
    assert done.intake_packet["fields"]["coin"] == "XRP"
    assert "intake_packet" not in done.to_dict()   # the record goes to the agent, not back to the user


def test_a_deposit_still_confirming_is_answered_on_the_spot(bot: Assistant) -> None:
    state = ConversationState()
    bot.ask("My crypto deposit has not arrived", state=state)
    result = bot.ask("USDT, TRC20, sent 1 minute ago", state=state)
    assert result.action == "answer" and result.reasons == ["intake_solved:confirmation"]
    assert result.faq_id == "deposit.not_arrived"
    assert "Deposits are credited" not in result.reply   # the entry's answer was shown when the form started
    assert state.intake is None


def test_a_suspended_coin_in_the_status_file_answers_the_case(index_root: Path, tmp_path: Path) -> None:
    (tmp_path / "status.yaml").write_text("suspended:\n  - {coin: SOL, direction: deposit, note: Node upgrade}\n",
                                          encoding="utf-8")
    bot = assistant_for(index_root, tmp_path)
    state = ConversationState()
    bot.ask("My crypto deposit has not arrived", state=state)
    result = bot.ask("SOL on the SOL network", state=state)
    assert result.reasons == ["intake_solved:suspension"] and result.faq_id == "withdraw.suspended"
    assert "Node upgrade" in result.reply


def test_a_pasted_seed_phrase_during_the_form_hands_off_at_once_with_the_answers_so_far(bot: Assistant) -> None:
    state = ConversationState()
    bot.ask("My crypto deposit has not arrived", state=state)
    bot.ask("USDT", state=state)
    result = bot.ask(f"my wallet words are {SEED}", state=state)
    assert result.action == "handoff" and "security_emergency" in result.reasons
    assert result.intake_packet is not None and result.intake_packet["interrupted"] is True
    assert result.intake_packet["fields"] == {"coin": "USDT"}
    assert "abandon ability" not in result.user_text and state.intake is None


def test_intake_turn_only_continues_a_running_form(bot: Assistant) -> None:
    state = ConversationState()
    assert bot.intake_turn("USDT", state) is None
    bot.ask("My crypto deposit has not arrived", state=state)
    result = bot.intake_turn("USDT", state)
    assert result is not None and result.action == "intake" and result.intake_packet is not None
    assert result.intake_packet["fields"] == {"coin": "USDT"}   # the open handoff's packet grows each turn


def test_a_form_that_no_longer_exists_is_forgotten(bot: Assistant) -> None:
    state = ConversationState(intake={"form_id": "retired_form", "language": "en"})
    result = bot.ask("minimum withdrawal amount", state=state)
    assert result.faq_id == "withdraw.fees" and state.intake is None


def test_intake_can_be_switched_off(index_root: Path, tmp_path: Path) -> None:
    bot = assistant_for(index_root, tmp_path, intake__enabled="false")
    result = bot.ask("My crypto deposit has not arrived", state=ConversationState())
    assert result.action == "answer" and result.intake is None


def test_times_are_read_in_the_users_zone_when_the_client_gives_it(bot: Assistant) -> None:
    state = ConversationState(utc_offset_minutes=480)   # Shanghai
    bot.ask("My crypto deposit has not arrived", state=state)
    bot.ask("USDT on TRC20", state=state)
    bot.ask("2024-05-01 14:30", state=state)
    assert state.intake is not None and state.intake["answers"]["deposit_time"] == "2024-05-01T14:30+08:00"


def test_yes_or_no_is_never_kept_as_an_answer(bot: Assistant) -> None:
    state = ConversationState()
    bot.ask("My crypto deposit has not arrived", state=state)
    for text in ("USDT", "TRC20", "3 hours ago", "250 USDT"):
        bot.ask(text, state=state)
    assert state.intake is not None and state.intake["current"] == "txid"
    bot.ask("skip", state=state)   # required: asked once more
    bot.ask("yes", state=state)    # still no hash: the field is unknown, not "yes"
    assert state.intake is not None
    assert state.intake["answers"]["txid"] is None and state.intake["marks"]["txid"] == "unknown"


def test_another_question_in_the_middle_is_answered_and_the_form_asks_again(bot: Assistant) -> None:
    state = ConversationState()
    bot.ask("My crypto deposit has not arrived", state=state)
    waiting = dict(state.intake or {})
    result = bot.ask("minimum withdrawal amount", state=state)
    assert result.action == "answer" and result.faq_id == "withdraw.fees" and "intake_aside" in result.reasons
    assert result.reply.startswith("The withdrawal fee") and result.reply.rstrip().endswith("?")
    assert result.intake is not None and result.intake["field"] == "coin"
    assert state.intake is not None and state.intake["attempts"] == waiting["attempts"]   # no attempt used up
    assert bot.ask("USDT", state=state).intake["field"] == "network"   # the form goes on where it was


def test_an_entry_that_needs_a_person_is_not_answered_in_between(bot: Assistant) -> None:
    state = ConversationState()
    bot.ask("My crypto deposit has not arrived", state=state)
    result = bot.ask("I deposited on the wrong network or forgot the memo", state=state)
    assert result.intake is not None and result.intake["step"] == "reask", result.reply
    assert result.action == "intake" and "intake_aside" not in result.reasons
