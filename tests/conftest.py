"""Shared fixtures: test settings built from the real config with test paths, and a small knowledge base."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bot.config import Settings, load_settings

FIXTURES = Path(__file__).parent / "fixtures"
FIXTURE_KB = FIXTURES / "kb"


def make_settings(tmp_path: Path, **overrides: str) -> Settings:
    """Settings from config.yaml with a temporary index and cache, the fixture KB and `overrides`
    given as BOT__SECTION__KEY-style environment values."""
    environ = {
        "INDEX_DIR": str(tmp_path / "index"),
        "BOT__INDEX__CACHE_DIR": str(tmp_path / "cache"),
        "BOT__KNOWLEDGE_BASE__PATH": str(FIXTURE_KB),
        "BOT__KNOWLEDGE_BASE__REQUIRED_LANGUAGES": "[en]",
        "BOT__ENVIRONMENT": "test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'test.db'}",
        "BOT__ATTACHMENTS__DIR": str(tmp_path / "attachments"),
    }
    environ.update({f"BOT__{k.upper()}": v for k, v in overrides.items()})
    return load_settings(environ=environ)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Test settings with the deterministic hashing encoder."""
    return make_settings(tmp_path, encoder__backend="hashing")


@pytest.fixture(scope="session")
def use_encoder():
    """The real shipped multilingual encoder, loaded once per test session."""
    from embeddings.use_m3 import UseM3Encoder

    encoder = UseM3Encoder()
    encoder.warm_up()
    return encoder


@pytest.fixture(scope="session")
def shipped_index_dir(tmp_path_factory, use_encoder) -> Path:
    """An index of the shipped knowledge base built once per test session with the real encoder; pass it to
    servers as INDEX_DIR (the shipped config.yaml describes the same knowledge base and encoder)."""
    from bot.build import build_index

    folder = tmp_path_factory.mktemp("shipped-index")
    # The default embedding cache (artifacts/cache) is shared with `make run`: texts embedded once are reused.
    settings = load_settings(environ={"INDEX_DIR": str(folder / "index")})
    build_index(settings, progress=False, encoder=use_encoder)
    return folder / "index"


@contextmanager
def attached(handler: logging.Handler, logger_name: str, level: int) -> Iterator[None]:
    """`handler` on the logger `logger_name` at `level` for the block; the logger is restored afterwards."""
    logger = logging.getLogger(logger_name)
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(level)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)
