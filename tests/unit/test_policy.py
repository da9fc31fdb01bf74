import pytest

from bot.policy import Policy, PolicyThresholds
from bot.retrieval import Candidate
from bot.state import ConversationState
from intents.classifier import IntentPrediction

FLAGS = {"deposit.wrong_network": ("sensitive", "handoff"), "withdraw.fees": ()}
THRESHOLDS = PolicyThresholds(answer=0.5, answer_margin=0.03, clarify=0.2, clarify_band=0.08, clarify_options=3,
                              max_failures=2, faq_override=0.9)


def policy():
    return Policy(THRESHOLDS, ["request_human", "account_compromised", "report_phishing"],
                  ["greeting", "goodbye", "thanks", "bot_identity"])


def cand(faq_id, score, fused):
    return Candidate(faq_id, score, fused, fused, 0.0)


def intent(name, confidence=0.95):
    return IntentPrediction(name, confidence, [(name, confidence)])


CLEAR = [cand("withdraw.fees", 0.9, 0.9), cand("deposit.not_arrived", 0.1, 0.7)]
CLOSE = [cand("deposit.not_arrived", 0.8, 0.90), cand("withdraw.not_arrived", 0.7, 0.89), cand("kyc.levels", 0.0, 0.5)]


def test_confident_and_clearly_ahead_answers():
    decision = policy().decide("fees?", intent("faq"), CLEAR, FLAGS, ConversationState())
    assert (decision.action, decision.faq_id) == ("answer", "withdraw.fees")
    assert any(r.startswith("confident") for r in decision.reasons)
    assert any(r.startswith("lead") for r in decision.reasons)


def test_close_runner_up_clarifies_then_number_resolves():
    state = ConversationState()
    decision = policy().decide("missing", intent("faq"), CLOSE, FLAGS, state)
    assert decision.action == "clarify"
    assert decision.options == ["deposit.not_arrived", "withdraw.not_arrived"]
    assert any(r.startswith("close_runner_up") for r in decision.reasons)
    assert state.offered == decision.options
    follow = policy().decide("the second one", intent("faq", 0.5), CLEAR, FLAGS, state)
    assert (follow.action, follow.faq_id) == ("answer", "withdraw.not_arrived")
    assert "clarification_choice:2" in follow.reasons
    assert state.offered == []


def test_low_but_plausible_score_clarifies():
    candidates = [cand("a.x", 0.3, 0.6), cand("a.y", 0.2, 0.58)]
    decision = policy().decide("q", intent("faq"), candidates, FLAGS, ConversationState())
    assert decision.action == "clarify" and any(r.startswith("ambiguous") for r in decision.reasons)


@pytest.mark.parametrize(("reply", "expected"), [("yes", "deposit.not_arrived"), ("2", "withdraw.not_arrived")])
def test_affirm_picks_first_option(reply, expected):
    state = ConversationState(offered=["deposit.not_arrived", "withdraw.not_arrived"])
    name = "affirm" if reply == "yes" else "faq"
    decision = policy().decide(reply, intent(name), CLEAR, FLAGS, state)
    assert decision.faq_id == expected


def test_deny_rejects_clarification_and_counts_failure():
    state = ConversationState(offered=["deposit.not_arrived", "withdraw.not_arrived"])
    decision = policy().decide("no, neither", intent("deny"), CLEAR, FLAGS, state)
    assert decision.action == "fallback" and "clarification_rejected" in decision.reasons
    assert state.consecutive_failures == 1


def test_rephrasing_after_clarification_is_a_new_question():
    state = ConversationState(offered=["deposit.not_arrived", "withdraw.not_arrived"])
    decision = policy().decide("what are the withdrawal fees for BTC", intent("faq"), CLEAR, FLAGS, state)
    assert (decision.action, decision.faq_id) == ("answer", "withdraw.fees")


@pytest.mark.parametrize("name", ["request_human", "account_compromised", "report_phishing"])
def test_handoff_intents(name):
    decision = policy().decide("x", intent(name), CLEAR, FLAGS, ConversationState())
    assert decision.action == "handoff" and f"handoff_intent:{name}" in decision.reasons


def test_entry_flagged_handoff():
    candidates = [cand("deposit.wrong_network", 0.95, 0.95), cand("withdraw.fees", 0.1, 0.5)]
    decision = policy().decide("wrong network", intent("faq"), candidates, FLAGS, ConversationState())
    assert (decision.action, decision.faq_id) == ("handoff", "deposit.wrong_network")
    assert "entry_flagged_handoff" in decision.reasons


def test_small_talk_replies_unless_the_faq_is_certain():
    unsure = [cand("withdraw.fees", 0.6, 0.6), cand("x.y", 0.0, 0.3)]
    assert policy().decide("hi", intent("greeting"), unsure, FLAGS, ConversationState()).action == "reply"
    sure = [cand("withdraw.fees", 0.95, 0.95), cand("x.y", 0.0, 0.3)]
    assert policy().decide("hi, fees?", intent("greeting"), sure, FLAGS, ConversationState()).action == "answer"


def test_out_of_scope_falls_back_then_hands_off_after_repeated_failures():
    state = ConversationState()
    weak = [cand("withdraw.fees", 0.05, 0.3)]
    first = policy().decide("weather?", intent("out_of_scope"), weak, FLAGS, state)
    assert first.action == "fallback" and "out_of_scope" in first.reasons
    second = policy().decide("pasta recipe", intent("faq"), weak, FLAGS, state)
    assert second.action == "handoff"
    assert "repeated_failure:2" in second.reasons
    assert state.consecutive_failures == 0


def test_success_resets_failures():
    state = ConversationState(consecutive_failures=1)
    policy().decide("fees", intent("faq"), CLEAR, FLAGS, state)
    assert state.consecutive_failures == 0


def test_no_candidates_and_no_classifier():
    decision = policy().decide("x", None, [], FLAGS, ConversationState())
    assert decision.action == "fallback" and "no_candidates" in decision.reasons


def test_thresholds_come_from_selftest_unless_configured():
    from bot.config import PolicySettings

    auto = PolicyThresholds.from_settings(0.5, PolicySettings(), {"clarify_band": 0.07, "answer_margin": 0.02})
    assert (auto.clarify_band, auto.answer_margin) == (0.07, 0.02)
    fixed = PolicyThresholds.from_settings(0.5, PolicySettings(clarify_band=0.1, answer_margin=0.0),
                                           {"clarify_band": 0.07, "answer_margin": 0.02})
    assert (fixed.clarify_band, fixed.answer_margin) == (0.1, 0.0)
