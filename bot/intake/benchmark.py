"""What the guided intake adds to a turn: whole `Assistant.ask` calls on intake answers against plain FAQ answers,
with the same warmed assistant, plus the engine step alone."""

from __future__ import annotations

import statistics
import time

from bot.pipeline import Assistant
from bot.state import ConversationState

# Plain questions answered from the knowledge base (no form starts from them).
PLAIN = ["how do I withdraw USDT?", "what are the spot trading fees?", "how do I enable 2FA?",
         "¿cuánto tarda la verificación KYC?", "如何创建API密钥", "wie hoch sind die Auszahlungsgebühren?",
         "comment changer mon email ?", "what is an anti-phishing code?", "minimum order size for BTC",
         "как защитить мой аккаунт", "how long does KYC take", "what is the withdrawal limit"]
# Intake conversations: the opening message, then the answers (each answer is one measured intake turn).
CONVERSATIONS = [
    ["my USDT deposit hasn't arrived", "TRC20", "3 hours ago", "250 USDT", "7c1d5e4b9a0f3e2d" * 4,
     "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", "no, the amount was 300", "yes"],
    ["mi retiro no ha llegado", "ETH por ERC20", "0,5 ETH", "ayer a las 10:00",
     "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "sí"],
    ["我的充值还没到账", "BTC", "BTC", "昨天 14:00", "0.1 BTC", "跳过", "跳过", "确认"],
]


def _ask_ms(assistant: Assistant, text: str, state: ConversationState) -> float:
    started = time.perf_counter()
    assistant.ask(text, state=state)
    return (time.perf_counter() - started) * 1000


def _summary(timings: list[float]) -> dict[str, float]:
    ordered = sorted(timings)
    return {"p50_ms": round(statistics.median(ordered), 3), "p95_ms": round(ordered[int(len(ordered) * 0.95)], 3),
            "mean_ms": round(statistics.fmean(ordered), 3), "turns": len(ordered)}


def intake_overhead(assistant: Assistant, rounds: int = 20) -> dict[str, object]:
    """Per-turn latency of plain answers, intake openings and intake answers over `rounds` repetitions; the
    difference of medians is what an intake turn adds over a plain answer (target: <= 5 ms)."""
    assistant.warm_up()
    plain: list[float] = []
    opening: list[float] = []
    answers: list[float] = []
    for round_number in range(rounds + 1):   # round 0 warms caches and is not counted
        round_plain = [_ask_ms(assistant, question, ConversationState()) for question in PLAIN]
        round_opening: list[float] = []
        round_answers: list[float] = []
        for messages in CONVERSATIONS:
            state = ConversationState()
            round_opening.append(_ask_ms(assistant, messages[0], state))
            for message in messages[1:]:
                if state.intake is None:
                    break
                round_answers.append(_ask_ms(assistant, message, state))
        if round_number:
            plain += round_plain
            opening += round_opening
            answers += round_answers
    result: dict[str, object] = {"plain_answer": _summary(plain), "intake_opening": _summary(opening),
                                 "intake_answer": _summary(answers),
                                 "engine_step": _summary(_engine_steps(assistant, rounds))}
    result["added_by_intake_answer_ms"] = round(statistics.median(answers) - statistics.median(plain), 3)
    result["added_by_intake_opening_ms"] = round(statistics.median(opening) - statistics.median(plain), 3)
    return result


def _engine_steps(assistant: Assistant, rounds: int) -> list[float]:
    """The engine alone (no guard, no encoder): one step per answer of the first conversation."""
    engine = assistant.intake.engine
    assert engine is not None
    messages = CONVERSATIONS[0]
    timings: list[float] = []
    for _ in range(rounds):
        step = engine.start("deposit_not_arrived", "en", text=messages[0])
        for message in messages[1:]:
            if step.state.finished:
                break
            guarded = assistant.redact(message)   # entities as the pipeline gives them, outside the timing
            started = time.perf_counter()
            step = engine.answer(step.state, guarded.text, guarded.entities)
            timings.append((time.perf_counter() - started) * 1000)
    return timings
