"""Typed settings loaded from config.yaml, with environment-variable overrides."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from bot.errors import ConfigError
from bot.yamlio import load_yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = PROJECT_ROOT / "config.yaml"
ENV_PREFIX = "BOT__"
# Short names for the overrides operators use most.
ENV_ALIASES = {
    "DATABASE_URL": ("storage", "database_url"),
    "INDEX_DIR": ("index", "dir"),
    "PORT": ("service", "port"),
    "REDIS_URL": ("service", "redis_url"),
}


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BrandSettings(_Section):
    """The exchange's name, official links and domains, used in answers and in link checks."""

    exchange_name: str = Field(min_length=1)
    website: str
    help_center: str
    support_email: str
    verify_page: str
    status_page: str
    api_docs: str
    official_domains: list[str] = Field(min_length=1)

    def placeholders(self) -> dict[str, str]:
        """The values answers may reference as `{name}` placeholders."""
        return self.model_dump(exclude={"official_domains"})


class KnowledgeBaseSettings(_Section):
    """Where the FAQ lives and what every entry must contain."""

    path: Path
    required_languages: list[str] = Field(min_length=1)
    min_alt_questions: int = Field(default=4, ge=0)


class LanguageSettings(_Section):
    """Supported languages, the default, and the answer fallback chain."""

    supported: list[str] = Field(min_length=1)
    default: str
    fallback_chain: dict[str, list[str]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _default_is_supported(self) -> LanguageSettings:
        if self.default not in self.supported:
            raise ValueError(f"default language {self.default!r} is not in supported {self.supported}")
        return self

    def chain_for(self, language: str) -> list[str]:
        """Languages to try, in order, when answering a user who writes in `language`."""
        chain = [language, *self.fallback_chain.get(language, self.fallback_chain.get("*", []))]
        if self.default not in chain:
            chain.append(self.default)
        return list(dict.fromkeys(chain))


class EncoderSettings(_Section):
    """Which sentence encoder embeds questions and queries."""

    backend: Literal["use-m3", "sentence-transformers", "hashing"] = "use-m3"
    model_path: Path | None = None
    batch_size: int = Field(default=256, gt=0)

    @model_validator(mode="after")
    def _model_path_for_st(self) -> EncoderSettings:
        if self.backend == "sentence-transformers" and self.model_path is None:
            raise ValueError("backend 'sentence-transformers' needs model_path: a local model directory")
        return self


class IndexSettings(_Section):
    """Where the built index and the embedding cache live, and when to go approximate."""

    dir: Path
    cache_dir: Path
    approximate_above: int = Field(default=50000, gt=0)
    ivf_lists: int = Field(default=1024, gt=0)
    ivf_probe: int = Field(default=16, gt=0)


class RetrievalSettings(_Section):
    """Hybrid retrieval knobs and the answer threshold."""

    top_k: int = Field(default=10, gt=0, le=100)
    dense_candidates: int = Field(default=50, gt=0)
    lexical_weight: float = Field(default=0.2, ge=0, le=1)
    answer_threshold: float = Field(default=0.5, ge=0, le=1)


class PolicySettings(_Section):
    """When to clarify, fall back or hand off; null thresholds come from the self-test or cross-validation."""

    clarify_threshold: float = Field(default=0.2, ge=0, le=1)
    clarify_options: int = Field(default=3, ge=2, le=5)
    clarify_band: float | None = Field(default=None, ge=0, le=1)
    answer_margin: float | None = Field(default=None, ge=0, le=1)
    max_consecutive_failures: int = Field(default=2, ge=1)
    intent_threshold: float | None = Field(default=None, ge=0, le=1)
    faq_override: float = Field(default=0.9, ge=0, le=1)
    handoff_intents: list[str] = Field(default_factory=lambda: ["request_human", "account_compromised",
                                                                "report_phishing"])
    smalltalk_intents: list[str] = Field(default_factory=lambda: ["greeting", "goodbye", "thanks", "bot_identity"])


class StorageSettings(_Section):
    """Database location: SQLite by default, PostgreSQL when the URL says so."""

    database_url: str

    @field_validator("database_url")
    @classmethod
    def _known_scheme(cls, value: str) -> str:
        if not value.startswith(("sqlite", "postgresql")):
            raise ValueError(f"must start with sqlite:// or postgresql://, got {value.split(':')[0]!r}")
        return value


class RateLimitSettings(_Section):
    """Requests allowed per minute, per client address and per chat session (0 turns a limit off)."""

    per_ip_per_minute: int = Field(default=240, ge=0)
    per_session_per_minute: int = Field(default=40, ge=0)


class ServiceSettings(_Section):
    """The HTTP service: where it listens, what it accepts, who may call it from a browser."""

    host: str = "127.0.0.1"
    port: int = Field(default=8000, gt=0, lt=65536)
    cors_origins: list[str] = Field(default_factory=list)
    max_body_bytes: int = Field(default=65536, gt=0)
    rate_limit: RateLimitSettings = RateLimitSettings()
    reload_poll_seconds: float = Field(default=5.0, ge=0)   # 0 = do not watch the index for rebuilds
    redis_url: str | None = None   # shared limits and live messages across instances
    trust_forwarded_for: bool = False   # take the client address from X-Forwarded-For (behind a proxy)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"


DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class TeamSettings(_Section):
    """A support team: the languages it serves and when it is online (in its own time zone)."""

    name: str = Field(min_length=1, max_length=64)
    languages: list[str] = Field(min_length=1)
    timezone: str = "UTC"
    days: list[str] = Field(default_factory=lambda: list(DAYS))
    open: str = "00:00"
    close: str = "24:00"

    @field_validator("days")
    @classmethod
    def _known_days(cls, value: list[str]) -> list[str]:
        unknown = [day for day in value if day not in DAYS]
        if unknown:
            raise ValueError(f"unknown day(s) {unknown}; use {list(DAYS)}")
        return value

    @field_validator("open", "close")
    @classmethod
    def _clock_time(cls, value: str) -> str:
        hours, _, minutes = value.partition(":")
        if not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2 and 0 <= int(minutes) < 60
                and (0 <= int(hours) < 24 or value == "24:00")):
            raise ValueError(f"use HH:MM between 00:00 and 24:00, got {value!r}")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}; use an IANA name such as Europe/Berlin") from None
        return value


class WebhookSettings(_Section):
    """A helpdesk endpoint that receives every new handoff and ticket, signed with HMAC-SHA256."""

    url: str = Field(pattern=r"^https?://")
    secret_env: str = Field(min_length=1, description="environment variable holding the signing secret")


class HandoffSettings(_Section):
    """Teams, queue estimates, off-hours tickets and helpdesk webhooks."""

    teams: list[TeamSettings] = Field(default_factory=lambda: [TeamSettings(name="support", languages=["*"])])
    minutes_per_handoff: float = Field(default=4.0, gt=0)
    ticket_prefix: str = Field(default="T", min_length=1, max_length=8)
    ticket_response_hours: int = Field(default=24, gt=0)
    webhooks: list[WebhookSettings] = Field(default_factory=list)
    webhook_attempts: int = Field(default=5, ge=1, le=20)
    webhook_timeout_seconds: float = Field(default=5.0, gt=0)


class IntakeSettings(_Section):
    """Guided intake: the forms asked before a handoff, and what their checks compare against."""

    enabled: bool = True
    # The operator's list of suspended deposits/withdrawals (re-read when it changes; missing = none).
    status_file: Path = Path("ops/coin_status.yaml")
    # Usual minutes until a deposit is credited, per network; merged over the built-in table.
    confirmation_minutes: dict[str, int] = Field(default_factory=dict)
    max_attempts: int = Field(default=2, ge=1, le=5)   # tries before an invalid answer is kept, marked

    @field_validator("confirmation_minutes")
    @classmethod
    def _positive_minutes(cls, value: dict[str, int]) -> dict[str, int]:
        bad = {network: minutes for network, minutes in value.items() if minutes <= 0}
        if bad:
            raise ValueError(f"confirmation minutes must be positive, got {bad}")
        return {network.upper(): minutes for network, minutes in value.items()}


_LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")


class EmailSettings(_Section):
    """Ticket updates by e-mail: the SMTP server, the sender, and how hard to try (off unless enabled)."""

    enabled: bool = False
    host: str = Field(default="localhost", min_length=1)
    port: int = Field(default=587, gt=0, lt=65536)
    security: Literal["none", "starttls", "ssl"] = "starttls"
    username: str | None = None
    password_env: str | None = Field(default=None, description="environment variable holding the SMTP password")
    from_address: str | None = None
    from_name: str | None = None   # default: "<exchange_name> Support"
    timeout_seconds: float = Field(default=10.0, gt=0)
    attempts: int = Field(default=4, ge=1, le=10)
    retry_base_seconds: float = Field(default=5.0, ge=0)   # doubled after each failed attempt
    answered_delay_seconds: float = Field(default=60.0, ge=0)   # replies written meanwhile join the same e-mail

    @model_validator(mode="before")
    @classmethod
    def _no_password_in_config(cls, data: Any) -> Any:
        if isinstance(data, dict) and "password" in data:
            raise ValueError("do not put the SMTP password in the config: set password_env to the name of an "
                             "environment variable that holds it")
        return data

    @model_validator(mode="after")
    def _safe(self) -> EmailSettings:
        if self.enabled and not self.from_address:
            raise ValueError("enabled needs from_address, the address ticket e-mails come from "
                             "(e.g. support@kestrel.example)")
        if self.from_address:
            from email_validator import EmailNotValidError, validate_email

            try:
                validate_email(self.from_address, check_deliverability=False, allow_smtputf8=False)
            except EmailNotValidError as exc:
                raise ValueError(f"from_address {self.from_address!r} is not an e-mail address: {exc}") from None
        if any(c in (self.from_name or "") for c in "\r\n"):
            raise ValueError("from_name must be a single line")
        if self.username and not self.password_env:
            raise ValueError("username needs password_env: the name of the environment variable holding the "
                             "SMTP password")
        if self.password_env and not self.username:
            raise ValueError("password_env is set but username is not: set the SMTP login name too")
        if self.username and self.security == "none" and self.host not in _LOOPBACK_HOSTS:
            raise ValueError(f"security none would send the SMTP password unencrypted to {self.host}: "
                             "use starttls or ssl")
        return self


AttachmentKind = Literal["image", "pdf", "text"]
ATTACHMENT_KINDS: tuple[AttachmentKind, ...] = ("image", "pdf", "text")


class AttachmentSettings(_Section):
    """Files users send (screenshots, logs): where the cleaned bytes are kept and what is accepted."""

    dir: Path = Path("var/attachments")   # relative paths are relative to the project root
    max_bytes: int = Field(default=5 * 1024 * 1024, gt=0)   # per file, as uploaded
    # Text is scanned for secrets before it is stored (about 3 s of CPU per MiB): a smaller limit.
    max_text_bytes: int = Field(default=512 * 1024, gt=0)
    max_per_session: int = Field(default=20, ge=1)
    max_pixels: int = Field(default=40_000_000, gt=0)   # width x height; larger images are refused, never decoded
    kinds: list[AttachmentKind] = Field(default_factory=lambda: list(ATTACHMENT_KINDS), min_length=1)


class Settings(_Section):
    """Every setting of the assistant; build it with `load_settings()`."""

    environment: Literal["development", "test", "production"] = "development"
    brand: BrandSettings
    knowledge_base: KnowledgeBaseSettings
    languages: LanguageSettings
    encoder: EncoderSettings
    index: IndexSettings
    retrieval: RetrievalSettings
    policy: PolicySettings = PolicySettings()
    storage: StorageSettings
    service: ServiceSettings = ServiceSettings()
    handoff: HandoffSettings = HandoffSettings()
    email: EmailSettings = EmailSettings()
    intake: IntakeSettings = IntakeSettings()
    attachments: AttachmentSettings = AttachmentSettings()

    def resolve(self, path: Path) -> Path:
        """An absolute path: relative paths in the config are relative to the project root."""
        return path if path.is_absolute() else PROJECT_ROOT / path


def _set_nested(data: dict[str, Any], keys: tuple[str, ...], raw: str) -> None:
    node = data
    for key in keys[:-1]:
        node = node.setdefault(key, {})
        if not isinstance(node, dict):
            raise ConfigError([f"environment override {'.'.join(keys)}: {key} is not a section"])
    # Parse the value as YAML so numbers, booleans and lists keep their type.
    node[keys[-1]] = yaml.safe_load(raw) if raw.strip() else raw


def apply_env_overrides(data: dict[str, Any], environ: dict[str, str]) -> dict[str, Any]:
    """Return `data` with DATABASE_URL, INDEX_DIR and BOT__SECTION__KEY variables applied."""
    for name, (section, key) in ENV_ALIASES.items():
        if name in environ:
            data.setdefault(section, {})[key] = environ[name]
    for name, raw in environ.items():
        if name.startswith(ENV_PREFIX):
            path = tuple(part.lower() for part in name[len(ENV_PREFIX):].split("__") if part)
            if path:
                _set_nested(data, path, raw)
    return data


def _describe(error: ValidationError, source: str) -> list[str]:
    problems = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"]) or "(top level)"
        message = item["msg"].removeprefix("Value error, ")
        got = f" (got {item['input']!r})" if item["type"] != "missing" and not isinstance(
            item.get("input"), dict) else ""
        problems.append(f"{source}: {where}: {message}{got}")
    return problems


def load_settings(path: Path | str | None = None, environ: dict[str, str] | None = None) -> Settings:
    """Read the config file (default: config.yaml, or $BOT_CONFIG), apply overrides, validate."""
    env = dict(os.environ if environ is None else environ)
    config_path = Path(path or env.get("BOT_CONFIG") or DEFAULT_CONFIG)
    try:
        data = load_yaml(config_path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise ConfigError([f"{config_path}: file not found"]) from None
    except yaml.YAMLError as exc:
        raise ConfigError([f"{config_path}: not valid YAML: {exc}"]) from None
    if not isinstance(data, dict):
        raise ConfigError([f"{config_path}: the top level must be a mapping of sections"])
    data = apply_env_overrides(data, env)
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, str(config_path))) from None
