"""What the Rasa actions share inside one action-server process: settings, the assistant, the database.

Everything is created once, on the first action call (loading the encoder and the index takes seconds), and
reused by every later call. `configure()` chooses the settings (tests, embedding applications); without it the
runtime reads `load_settings()`: config.yaml plus environment overrides such as DATABASE_URL and INDEX_DIR.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass, field

from bot.config import Settings, load_settings
from bot.errors import NotFoundError
from bot.handoff.desk import HandoffDesk
from bot.pipeline import Assistant
from bot.storage.attachments import AttachmentStore
from bot.storage.conversations import ConversationStore, SessionRecord
from bot.storage.db import Database
from bot.storage.handoffs import HandoffStore


@dataclass
class ActionRuntime:
    """The warmed-up assistant and the stores the actions read and write."""

    settings: Settings
    assistant: Assistant
    database: Database
    conversations: ConversationStore
    handoffs: HandoffStore
    desk: HandoffDesk
    _locks: weakref.WeakValueDictionary[str, threading.Lock] = field(default_factory=weakref.WeakValueDictionary,
                                                                      repr=False)
    _locks_guard: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def start(cls, settings: Settings, assistant: Assistant | None = None) -> ActionRuntime:
        """Warm the assistant (unless one is given already warm), connect and migrate the database."""
        assistant = assistant or Assistant(settings)
        assistant.warm_up()
        database = Database(settings.storage.database_url)
        database.migrate()
        conversations, handoffs = ConversationStore(database), HandoffStore(database)
        desk = HandoffDesk(settings, conversations, handoffs, assistant.localizer,
                           attachments=AttachmentStore(database).refs)
        return cls(settings, assistant, database, conversations, handoffs, desk)

    def session_lock(self, session_id: str) -> threading.Lock:
        """One lock per conversation, so two calls for one sender never write its state at the same time.

        Locks live only while someone holds a reference, so idle conversations cost nothing.
        """
        with self._locks_guard:
            lock = self._locks.get(session_id)
            if lock is None:
                lock = threading.Lock()
                self._locks[session_id] = lock
            return lock

    def find_session(self, session_id: str) -> SessionRecord | None:
        """The stored conversation, or None when this sender has not been seen yet."""
        try:
            return self.conversations.get(session_id)
        except NotFoundError:
            return None

    def close(self) -> None:
        """Release the database connections."""
        self.database.dispose()


_guard = threading.Lock()
_runtime: ActionRuntime | None = None
_settings: Settings | None = None
_assistant: Assistant | None = None


def configure(settings: Settings | None = None, *, assistant: Assistant | None = None) -> None:
    """Use these settings (and optionally this already-built assistant) from the next action call on.

    Any running runtime is closed; `configure()` without arguments goes back to `load_settings()`.
    """
    global _runtime, _settings, _assistant
    with _guard:
        if _runtime is not None:
            _runtime.close()
        _runtime, _settings, _assistant = None, settings, assistant


def get_runtime() -> ActionRuntime:
    """The process's runtime, created on first use (thread-safe; a failed start is retried next call)."""
    global _runtime
    runtime = _runtime
    if runtime is not None:
        return runtime
    with _guard:
        if _runtime is None:
            _runtime = ActionRuntime.start(_settings or load_settings(), _assistant)
        return _runtime
