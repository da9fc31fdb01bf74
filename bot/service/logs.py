"""Structured JSON logs with the request id; e-mail addresses and phone numbers partly masked."""

from __future__ import annotations

import contextvars
import json
import logging
import sys
from datetime import UTC, datetime

from bot.security.secrets import mask_contacts

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "color_message"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id and any `extra` fields."""

    def format(self, record: logging.LogRecord) -> str:
        """Render the record as JSON, masking contacts in the message and string fields."""
        data = {"time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
                "level": record.levelname, "logger": record.name,
                "message": mask_contacts(record.getMessage()), "request_id": request_id.get()}
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                data[key] = mask_contacts(value) if isinstance(value, str) else value
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False, default=str)


def configure_logging(level: str = "INFO") -> None:
    """Send the service's and uvicorn's logs to stderr as JSON lines."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    for name in ("bot", "uvicorn", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers = [handler]
        logger.setLevel(level)
        logger.propagate = False
    # Our middleware writes the access log (with request id and without query strings that hold tokens).
    logging.getLogger("uvicorn.access").disabled = True
