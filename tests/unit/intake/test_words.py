"""Cancel, skip, correction and yes/no words across languages, and the time phrases users give."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.intake.timeparse import display_time, entity_time, relative_time
from bot.intake.words import word_lists

WORDS = word_lists()
NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize("text", ["cancel", "Stop!", "ok never mind", "算了", "取消吧", "キャンセル", "취소",
                                  "отмена", "cancelar", "deixa pra lá", "iptal", "annuler", "abbrechen", "إلغاء"])
def test_cancel(text: str) -> None:
    assert WORDS.cancels(text)


@pytest.mark.parametrize("text", ["it says stop", "the deposit did not stop being pending for hours now, cancel?",
                                  "USDT"])
def test_not_cancel(text: str) -> None:
    assert not WORDS.cancels(text)


@pytest.mark.parametrize("text", ["I don't know", "skip", "不知道", "跳过", "わかりません", "모르겠어요", "не знаю",
                                  "no sé", "não sei", "bilmiyorum", "je ne sais pas", "keine Ahnung", "لا أعرف",
                                  "no", "none"])
def test_skip(text: str) -> None:
    assert WORDS.skips(text)


def test_skip_on_free_text_needs_the_whole_message() -> None:
    assert WORDS.skips("知らないログインがありました")
    assert not WORDS.skips("知らないログインがありました", whole=True)
    assert WORDS.skips("わかりません", whole=True)


@pytest.mark.parametrize(("text", "verdict"), [
    ("yes", True), ("Yes, that's right", True), ("是的", True), ("对", True), ("sí", True), ("да", True),
    ("はい", True), ("네", True), ("evet", True), ("oui", True), ("ja", True), ("نعم", True), ("sim", True),
    ("no", False), ("no, the network was ERC20", False), ("不对", False), ("不是", False), ("いいえ", False),
    ("нет", False), ("não", False), ("non", False), ("nein", False), ("لا", False), ("hayır", False),
    ("아니요", False), ("banana", None)])
def test_yes_no(text: str, verdict: bool | None) -> None:
    assert WORDS.yes_no(text) is verdict


@pytest.mark.parametrize("text", ["no, the network was ERC20", "change the amount", "不是，是 TRC20", "cambia la red",
                                  "en fait c'est 300", "eigentlich ERC20", "исправь сумму"])
def test_correction_words(text: str) -> None:
    assert WORDS.corrects(text)


@pytest.mark.parametrize(("text", "expected"), [
    ("10 minutes ago", "2024-05-01T11:50+00:00"), ("hace 2 horas", "2024-05-01T10:00+00:00"),
    ("10分钟前", "2024-05-01T11:50+00:00"), ("vor 30 Minuten", "2024-05-01T11:30+00:00"),
    ("刚刚", "2024-05-01T12:00+00:00"), ("half an hour ago", "2024-05-01T11:30+00:00")])
def test_relative_times(text: str, expected: str) -> None:
    assert relative_time(text, NOW, 0) == expected


def test_clock_times_in_the_users_zone() -> None:
    assert entity_time("14:05", NOW, 0) == "2024-04-30T14:05+00:00"   # later than now today: yesterday
    assert entity_time("09:30", NOW, 0) == "2024-05-01T09:30+00:00"
    assert entity_time("18:05", NOW, 480) == "2024-05-01T18:05+08:00"  # 20:00 at UTC+8
    assert entity_time("18:05", NOW, 480, back=1) == "2024-04-30T18:05+08:00"
    assert entity_time("2024-04-30 10:00 UTC+8", NOW, 0) == "2024-04-30T10:00+08:00"
    assert entity_time("2024-04-30", NOW, 0) == "2024-04-30"
    assert display_time("2024-04-30T10:00+08:00") == "2024-04-30 10:00 (UTC+08:00)"
