"""Every figure of the report against a hand count of a seeded database of conversations in four languages."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from bot.authoring.report import ReportOptions, build_report
from bot.authoring.stream import parse_since
from bot.errors import InputError
from bot.storage.conversations import ConversationStore
from bot.storage.db import Database
from bot.turn import TurnResult
from tests.unit.authoring import Conversation, migrated

DAY1, DAY2 = "2026-03-01", "2026-03-02"
LOW = ["intent:faq:0.90", "low_confidence:0.21<0.50"]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """Eight sessions; the comments give what each one adds to the hand count."""
    with migrated(tmp_path_factory.mktemp("figures")) as db:
        def start(day: str, language: str) -> Conversation:
            return Conversation(db, datetime.fromisoformat(f"{day}T10:00:00"), language)

        a = start(DAY1, "en")                 # resolved: one answer, nothing after it
        a.user("how do I withdraw bitcoin")
        a.bot("answer", faq_id="withdraw.crypto")
        b = start(DAY1, "en")                 # not helpful, fallback, then handoff: handed off, not resolved
        b.user("why is the fee so high")
        b.bot("answer", faq_id="withdraw.fees", helpful=False, comment="did not say the BTC fee")
        b.user("can I stake ETH here")
        b.bot("fallback", reasons=LOW)
        b.user("staking rewards for ETH?")
        b.handoff("repeated_failure", reasons=[*LOW, "repeated_failure:2"])
        c = start(DAY1, "es")                 # clarification rejected, then an answer: resolved
        c.user("tarjeta de regalo con cripto")
        c.bot("clarify", reasons=["ambiguous:0.40<0.50", "options:2"], options=["deposit.fiat", "deposit.crypto"])
        c.user("no")
        c.bot("fallback", reasons=["clarification_rejected"])
        c.user("cómo deposito USDT")
        c.bot("answer", faq_id="deposit.crypto", helpful=True)
        d = start(DAY2, "es")                 # answer, then the user asks for a person: handed off
        d.user("depositar euros")
        d.bot("answer", faq_id="deposit.fiat")
        hid = d.request_human()
        d.agent("hola, te ayudo", hid)        # repeats the handoff id: still one handoff
        e = start(DAY2, "zh-CN")              # fallback; not helpful answer; a later answer stands: resolved
        e.user("你们有NFT市场吗")
        e.bot("fallback", reasons=["intent:unknown:0.80", "out_of_scope"])
        e.user("提现手续费")
        e.bot("answer", faq_id="withdraw.fees", helpful=False)
        e.user("提现手续费是多少")
        e.bot("answer", faq_id="withdraw.fees")
        f = start(DAY2, "de")                 # small talk and a fallback: a conversation, not resolved
        f.user("hallo")
        f.bot("reply", reasons=["intent:greeting:0.95", "small_talk"])
        f.user("kann ich ETH staken")
        f.bot("fallback", reasons=["intent:unknown:0.70", "out_of_scope"])
        f.user("ja")                          # "yes" without a question: a fallback, but no question to cluster
        f.bot("fallback", reasons=["intent:affirm:0.90", "affirm_without_question"])
        g = start(DAY2, "en")                 # security emergency: handed off, nothing unanswered
        g.user("[redacted seed phrase]")
        g_id = g.handoff("security", reasons=["security_emergency", "secret_exposed"])
        g.agent("I am locking your account", g_id)
        h = start("2026-02-27", "en")         # before --since: left out
        h.user("old question")
        h.bot("answer", faq_id="withdraw.fees", helpful=False)
        yield db


@pytest.fixture(scope="module")
def report(seeded: Database) -> dict[str, Any]:
    """The report since DAY1, without clustering."""
    return build_report(seeded, options=ReportOptions(since=parse_since(DAY1), clusters=False))


def _row(rows: list[dict[str, Any]], key: str, value: str) -> dict[str, Any]:
    return next(row for row in rows if row[key] == value)


def test_totals_match_the_hand_count(report):
    """7 conversations (a-g), 3 resolved (a, c, e), 3 handed off (b, d, g); 15 bot replies, 5 fallbacks."""
    totals = report["totals"]
    assert (totals["conversations"], totals["resolved"], totals["handed_off"]) == (7, 3, 3)
    assert totals["resolution_rate"] == pytest.approx(3 / 7, abs=1e-4)
    assert totals["handoff_rate"] == pytest.approx(3 / 7, abs=1e-4)
    assert (totals["bot_replies"], totals["answers"], totals["clarifications"], totals["fallbacks"]) == (15, 6, 1, 5)
    assert totals["fallback_rate"] == pytest.approx(5 / 15, abs=1e-4)
    assert (totals["handoffs"], totals["helpful"], totals["not_helpful"]) == (3, 1, 2)
    assert totals["resolved_answers"] == 3    # a's, c's and e's last answer
    assert totals["unanswered"] == 5          # b x2, c's rejected question, e, f (not f's "ja")


def test_per_language_figures(report):
    """Conversations under their first bot reply's language; handoffs and replies under their own."""
    en, es = _row(report["by_language"], "language", "en"), _row(report["by_language"], "language", "es")
    zh, de = _row(report["by_language"], "language", "zh-CN"), _row(report["by_language"], "language", "de")
    assert [row["language"] for row in report["by_language"]] == ["de", "en", "es", "zh-CN"]
    assert (en["conversations"], en["resolved"], en["handed_off"], en["handoffs"]) == (3, 1, 2, 2)
    assert (en["bot_replies"], en["fallbacks"], en["unanswered"]) == (5, 1, 2)
    assert (es["conversations"], es["resolved"], es["handed_off"], es["handoffs"]) == (2, 1, 1, 1)
    assert (es["bot_replies"], es["fallbacks"], es["clarifications"], es["unanswered"]) == (4, 1, 1, 1)
    assert (zh["conversations"], zh["resolved"], zh["bot_replies"], zh["fallbacks"]) == (1, 1, 3, 1)
    assert (de["conversations"], de["resolved"], de["bot_replies"], de["fallbacks"]) == (1, 0, 3, 2)
    assert de["fallback_rate"] == pytest.approx(2 / 3, abs=1e-4) and de["resolution_rate"] == 0.0


def test_per_day_figures(report):
    """Day 1: a, b, c; day 2: d, e, f, g; the session before --since is left out."""
    assert [row["day"] for row in report["by_day"]] == [DAY1, DAY2]
    one, two = report["by_day"]
    assert (one["conversations"], one["resolved"], one["handed_off"]) == (3, 2, 1)
    assert (one["bot_replies"], one["fallbacks"], one["handoffs"]) == (7, 2, 1)
    assert (two["conversations"], two["resolved"], two["handed_off"]) == (4, 1, 2)
    assert (two["bot_replies"], two["fallbacks"], two["handoffs"]) == (8, 3, 2)
    assert two["handoff_rate"] == 0.5


def test_handoff_reasons(report):
    """One handoff each for repeated failure, the user's request and security; per language too."""
    assert {r["reason"]: r["count"] for r in report["handoff_reasons"]} == {
        "repeated_failure": 1, "user_request": 1, "security": 1}
    assert report["handoff_reasons_by_language"] == {"en": {"repeated_failure": 1, "security": 1},
                                                     "es": {"user_request": 1}}


def test_least_helpful_entries_with_the_questions_asked(report):
    """withdraw.fees: 3 answers, 2 "not helpful" (b, e), one answer followed by a handoff (b)."""
    assert len(report["least_helpful"]) == 1
    fees = report["least_helpful"][0]
    assert fees["faq_id"] == "withdraw.fees"
    assert (fees["answers"], fees["helpful"], fees["not_helpful"], fees["followed_by_handoff"]) == (3, 0, 2, 1)
    assert fees["unhelpful_share"] == 1.0
    assert sorted(fees["examples"]) == ["why is the fee so high", "提现手续费"]   # sessions come in id order
    assert fees["comments"] == ["did not say the BTC fee"]


def test_unanswered_questions_are_pooled_with_their_kind(seeded):
    """The question behind each failure (and, for a rejected clarification, the question clarified)."""
    from bot.authoring.clusters import QuestionPool
    from bot.authoring.figures import FigureBuilder
    from bot.authoring.stream import handoff_reasons, iter_sessions

    since = parse_since(DAY1)
    pool = QuestionPool()
    builder = FigureBuilder(handoff_reasons(seeded, since), pool)
    for rows in iter_sessions(seeded, since):
        builder.add_session(rows)
    found = {p.text: (p.language, dict(p.kinds)) for p in pool.most_common(10)}
    assert found == {"can I stake ETH here": ("en", {"fallback": 1}),
                     "staking rewards for ETH?": ("en", {"handoff": 1}),
                     "tarjeta de regalo con cripto": ("es", {"clarification_rejected": 1}),
                     "你们有NFT市场吗": ("zh-CN", {"fallback": 1}),
                     "kann ich ETH staken": ("de", {"fallback": 1})}


def test_without_since_every_session_counts(seeded):
    """The session of 2026-02-27 adds a conversation and a third "not helpful" for withdraw.fees."""
    report = build_report(seeded, options=ReportOptions(clusters=False))
    assert report["totals"]["conversations"] == 8 and report["since"] is None
    assert report["least_helpful"][0]["not_helpful"] == 3
    assert report["messages"] == 35


def test_since_must_be_a_date():
    """A clear error for anything but YYYY-MM-DD."""
    with pytest.raises(InputError, match="2026-01-31"):
        parse_since("yesterday")
    assert parse_since(" ") is None


def test_turns_stored_by_the_conversation_store_are_read(tmp_path: Path):
    """Rows written by `ConversationStore.record_turn` (the service's own path) give the same figures."""
    with migrated(tmp_path) as db:
        store = ConversationStore(db)
        from bot.state import ConversationState

        session, _ = store.create_session()
        answer = TurnResult(action="answer", reply="fees...", language="fr", faq_id="withdraw.fees",
                            reasons=["confident:0.90>=0.50"])
        stored = store.record_turn(session.id, "frais de retrait", answer, ConversationState(language="fr"))
        assert stored.bot_message is not None
        store.add_feedback(session.id, stored.bot_message.id, False, "trop vague")
        fallback = TurnResult(action="handoff", reply="...", language="fr", reasons=[*LOW, "repeated_failure:2"])
        store.record_turn(session.id, "puis-je staker des ETH", fallback, ConversationState(language="fr"),
                          handoff={"reason": "repeated_failure", "language": "fr", "summary": "", "packet": {}})
        report = build_report(db, options=ReportOptions(clusters=False))
    totals = report["totals"]
    assert (totals["conversations"], totals["resolved"], totals["handed_off"], totals["handoffs"]) == (1, 0, 1, 1)
    assert (totals["answers"], totals["not_helpful"], totals["unanswered"]) == (1, 1, 1)
    assert report["handoff_reasons"] == [{"reason": "repeated_failure", "count": 1, "share": 1.0}]
    assert report["least_helpful"][0]["comments"] == ["trop vague"]


def test_cases_solved_on_the_spot_by_an_intake_check_are_counted(tmp_path: Path) -> None:
    """A deposit still confirming, answered by the intake's check: an answer, resolved, and solved on the spot."""
    with migrated(tmp_path) as db:
        chat = Conversation(db, datetime.fromisoformat(f"{DAY1}T10:00:00"), "en")
        chat.user("my deposit has not arrived")
        chat.bot("intake", faq_id="deposit.not_arrived", reasons=["confident:0.91>=0.50"])
        chat.user("USDT on TRC20, one minute ago")
        chat.bot("answer", faq_id="deposit.not_arrived", reasons=["intake_solved:confirmation"])
        totals = build_report(db, options=ReportOptions(clusters=False))["totals"]
    assert (totals["solved_on_the_spot"], totals["resolved"], totals["conversations"]) == (1, 1, 1)
