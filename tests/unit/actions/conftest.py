"""The Rasa actions' runtime on a small index built with the hashing encoder, one per test module."""

from __future__ import annotations

import pytest

from bot.actions.runtime import ActionRuntime, configure, get_runtime
from bot.build import build_index
from tests.conftest import make_settings


@pytest.fixture(scope="module")
def runtime(tmp_path_factory) -> ActionRuntime:
    """Settings with a SQLite file and a freshly built index, configured into the actions' runtime."""
    folder = tmp_path_factory.mktemp("rasa_actions")
    settings = make_settings(folder, encoder__backend="hashing",
                             storage__database_url=f"sqlite:///{folder / 'actions.db'}")
    build_index(settings, progress=False, intents_dir=None)
    configure(settings)
    yield get_runtime()
    configure()
