"""One runtime per process: created once on first use (also under concurrent calls), replaced by configure()."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from rasa_sdk.executor import ActionExecutor

from bot.actions.runtime import configure, get_runtime
from bot.build import build_index
from bot.pipeline import Assistant
from tests.conftest import make_settings


@pytest.fixture
def built(tmp_path):
    settings = make_settings(tmp_path, encoder__backend="hashing",
                             storage__database_url=f"sqlite:///{tmp_path / 'runtime.db'}")
    build_index(settings, progress=False, intents_dir=None)
    yield settings
    configure()


def test_concurrent_first_calls_share_one_runtime(built):
    configure(built)
    with ThreadPoolExecutor(max_workers=8) as pool:
        runtimes = list(pool.map(lambda _: get_runtime(), range(16)))
    assert len({id(runtime) for runtime in runtimes}) == 1
    runtime = runtimes[0]
    assert runtime.settings is built and runtime.assistant.retriever is not None   # warmed up
    assert runtime.database.ping()
    assert runtime.find_session("nobody") is None   # migrated: the tables exist


def test_configure_with_a_built_assistant_reuses_it(built):
    assistant = Assistant(built)
    configure(built, assistant=assistant)
    assert get_runtime().assistant is assistant
    configure(built)
    assert get_runtime().assistant is not assistant


def test_the_stock_executor_registers_our_actions():
    executor = ActionExecutor()
    executor.register_package("bot.actions")
    names = {action.name for action in executor.list_actions()}
    assert {"action_faq_answer", "action_handoff_to_human", "action_handoff_status"} <= names


def test_session_locks_are_per_conversation(built):
    configure(built)
    runtime = get_runtime()
    first = runtime.session_lock("a")
    assert runtime.session_lock("a") is first and runtime.session_lock("b") is not first
