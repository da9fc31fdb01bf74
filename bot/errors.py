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
