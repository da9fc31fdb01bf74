"""Import-string entry point for uvicorn workers: settings come from config.yaml and the environment."""

from __future__ import annotations

from fastapi import FastAPI

from bot.config import load_settings
from bot.service.app import create_app
from bot.service.logs import configure_logging


def app_from_env() -> FastAPI:
    """The service as configured by $BOT_CONFIG (or config.yaml) and environment overrides."""
    settings = load_settings()
    configure_logging(settings.service.log_level)
    return create_app(settings)
