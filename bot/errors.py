"""Domain exceptions shared by the CLI, the scripts and the service."""

from __future__ import annotations


class BotError(Exception):
    """Base class of every error the assistant reports to a user or operator."""


class ConfigError(BotError):
    """The configuration file or an environment override is invalid."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("invalid configuration:\n" + "\n".join(f"  - {p}" for p in problems))


class KnowledgeBaseError(BotError):
    """The knowledge base has problems; `problems` lists every one with its file and entry id."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the knowledge base:\n" + "\n".join(
            f"  - {p}" for p in problems))


class IndexError_(BotError):
    """The index is missing, incomplete or was built for another encoder."""


class InputError(BotError):
    """A user's input cannot be processed; the message says what to fix."""


class UnsupportedMediaTypeError(InputError):
    """The content is of a type the service does not accept (HTTP 415); the message names the accepted types."""


class NotFoundError(BotError):
    """The session, message or handoff named in the request does not exist."""


class AuthError(BotError):
    """A token is missing or wrong for the resource; `status` is 401 (no credentials) or 403 (wrong ones)."""

    def __init__(self, message: str, status: int = 403):
        self.status = status
        super().__init__(message)


class ConflictError(BotError):
    """The request conflicts with the current state, e.g. a handoff another agent already claimed."""


class RateLimitedError(BotError):
    """Too many requests from one session or address; retry after `retry_after` seconds."""

    def __init__(self, message: str, retry_after: int):
        self.retry_after = retry_after
        super().__init__(message)


class PayloadTooLargeError(BotError):
    """The request body is larger than the service accepts."""
