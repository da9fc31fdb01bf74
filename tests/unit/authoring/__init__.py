"""Tests of the FAQ author tools (kb check, kb promote, the report), and the helpers they share.

`Conversation` seeds conversations straight into the tables, in the shapes `ConversationStore` writes, at
chosen times. `HELDOUT_TOPICS` are unanswered questions (topics the shipped knowledge base does not cover)
that were never used to choose the clustering threshold: the integration test checks it on them.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.storage.db import Database
from bot.storage.models import ChatSession, Feedback, Handoff, Message


@contextmanager
def migrated(tmp_path: Path, name: str = "report.db") -> Iterator[Database]:
    """A migrated, empty SQLite database in `tmp_path`, disposed on exit."""
    database = Database(f"sqlite:///{tmp_path / name}")
    database.migrate()
    try:
        yield database
    finally:
        database.dispose()


class Conversation:
    """One session being written; every message is one second after the previous one."""

    def __init__(self, database: Database, start: datetime, language: str | None = None) -> None:
        self.db = database
        self.id = str(uuid.uuid4())
        self.clock = start if start.tzinfo else start.replace(tzinfo=UTC)
        self.language = language
        with database.session() as session:
            session.add(ChatSession(id=self.id, token_hash="0" * 64, created_at=self.clock, updated_at=self.clock,
                                    language=language, state={}, status="bot"))

    def _tick(self) -> datetime:
        self.clock += timedelta(seconds=1)
        return self.clock

    def _add(self, *rows: Any) -> Any:
        with self.db.session() as session:
            for row in rows:
                session.add(row)
            session.flush()
            return rows[0].id

    def user(self, text: str, language: str | None = None) -> int:
        """A user message."""
        return self._add(Message(session_id=self.id, role="user", text=text, created_at=self._tick(),
                                 language=language or self.language))

    def bot(self, action: str, *, faq_id: str | None = None, language: str | None = None,
            reasons: list[str] | None = None, helpful: bool | None = None, comment: str | None = None,
            handoff_id: str | None = None, options: list[str] | None = None) -> int:
        """A bot reply with the details `record_turn` stores, and optionally the user's feedback on it."""
        details = {"intent": "faq", "reasons": reasons or [], "flags": [], "options": options or [],
                   "entities": [], "candidates": [], "handoff_id": handoff_id, "title": None}
        message_id = self._add(Message(session_id=self.id, role="bot", text=f"({action})", created_at=self._tick(),
                                       action=action, faq_id=faq_id, language=language or self.language,
                                       confidence=0.5, details=details))
        if helpful is not None:
            self._add(Feedback(session_id=self.id, message_id=message_id, helpful=helpful, comment=comment,
                               created_at=self.clock))
        return message_id

    def handoff(self, reason: str, *, reasons: list[str] | None = None, language: str | None = None) -> str:
        """A bot turn that hands off, with its handoffs row (as `record_turn` writes them)."""
        handoff_id = str(uuid.uuid4())
        self._add(Handoff(id=handoff_id, session_id=self.id, reason=reason, language=language or self.language,
                          created_at=self.clock, summary="", packet={}))
        self.bot("handoff", reasons=reasons, language=language, handoff_id=handoff_id)
        return handoff_id

    def request_human(self) -> str:
        """The user asked for a person: a handoffs row and a system message (as `open_handoff` writes them)."""
        handoff_id = str(uuid.uuid4())
        now = self._tick()
        self._add(Handoff(id=handoff_id, session_id=self.id, reason="user_request", language=self.language,
                          created_at=now, summary="", packet={}),
                  Message(session_id=self.id, role="system", text="a person will join", created_at=now,
                          details={"handoff_id": handoff_id}))
        return handoff_id

    def agent(self, text: str, handoff_id: str) -> None:
        """An agent's message in a handed-off conversation (repeats the handoff id)."""
        self._add(Message(session_id=self.id, role="agent", text=text, created_at=self._tick(),
                          details={"agent": "ann", "handoff_id": handoff_id}))


HELDOUT_TOPICS: dict[str, list[tuple[str, str]]] = {
    "export_history": [
        ("en", "How do I export my trade history to a CSV file?"),
        ("de", "Wie exportiere ich meinen Handelsverlauf als CSV-Datei?"),
        ("es", "¿Cómo exporto mi historial de operaciones a un archivo CSV?"),
        ("ja", "取引履歴をCSVファイルにエクスポートする方法は？"),
        ("ru", "Как экспортировать историю сделок в CSV-файл?"),
    ],
    "grid_bot": [
        ("en", "How do I set up a grid trading bot?"),
        ("es", "¿Cómo configuro un bot de trading en cuadrícula?"),
        ("zh-CN", "怎么设置网格交易机器人？"),
        ("fr", "Comment configurer un bot de trading en grille ?"),
        ("ru", "Как настроить сеточного торгового бота?"),
    ],
    "delisting": [
        ("en", "Why did you delist LUNA and what happens to my coins?"),
        ("es", "¿Por qué retiraron LUNA de la lista y qué pasa con mis monedas?"),
        ("de", "Warum wurde LUNA delistet und was passiert mit meinen Coins?"),
        ("ko", "LUNA가 상장 폐지된 이유는 무엇이고 제 코인은 어떻게 되나요?"),
        ("pt", "Por que vocês deslistaram a LUNA e o que acontece com minhas moedas?"),
    ],
    "desktop_app": [
        ("en", "Is there a desktop app for Windows?"),
        ("de", "Gibt es eine Desktop-App für Windows?"),
        ("es", "¿Hay una aplicación de escritorio para Windows?"),
        ("zh-CN", "有Windows桌面客户端吗？"),
        ("ru", "Есть ли приложение для компьютера на Windows?"),
    ],
    "careers": [
        ("en", "Are you hiring? How can I apply for a job at your company?"),
        ("es", "¿Están contratando? ¿Cómo puedo postularme para un trabajo en su empresa?"),
        ("fr", "Recrutez-vous ? Comment postuler pour un emploi dans votre entreprise ?"),
        ("ru", "У вас есть вакансии? Как устроиться к вам на работу?"),
    ],
    "proof_of_reserves": [
        ("en", "Do you publish proof of reserves?"),
        ("de", "Veröffentlicht ihr einen Nachweis der Reserven?"),
        ("tr", "Rezerv kanıtı yayınlıyor musunuz?"),
        ("ja", "準備金の証明（プルーフ・オブ・リザーブ）は公開していますか？"),
        ("zh-TW", "你們有公布儲備金證明嗎？"),
    ],
}
