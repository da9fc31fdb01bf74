"""Request and response bodies of the public API (they shape the OpenAPI document at /docs)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from bot.notify.addresses import normalize_address
from bot.pipeline import MAX_TEXT_CHARS

# Ids are 64-bit in the database: a larger number can name no row, and the drivers cannot even send it.
MAX_ID = 2**63 - 1


def _contact_email(value: str) -> str:
    try:
        return normalize_address(value)
    except ValueError as exc:
        raise PydanticCustomError("email", "{reason}", {"reason": str(exc)}) from None


ContactEmail = Annotated[str, Field(max_length=320, description="Where ticket updates are e-mailed, e.g. "
                                    "ana@example.com"), AfterValidator(_contact_email)]


class UserIn(BaseModel):
    """What the embedding site knows about the user."""

    model_config = ConfigDict(extra="forbid")

    uid: str | None = Field(default=None, max_length=64)
    tier: str | int | None = Field(default=None, description="VIP tier, e.g. 'vip2' or 2")
    email: ContactEmail | None = Field(default=None, description="Where ticket updates are e-mailed (optional; "
                                       "read when the session is created)")

    @field_validator("tier")
    @classmethod
    def _tier_text(cls, value: str | int | None) -> str | None:
        if value is None:
            return None
        text = str(value).strip()
        if len(text) > 32:
            raise ValueError("tier is at most 32 characters")
        return text or None


class ChatIn(BaseModel):
    """One user message. Without `session_id` a new session is opened."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(description=f"The user's message, 1 to {MAX_TEXT_CHARS} characters",
                      max_length=MAX_TEXT_CHARS * 2)
    session_id: str | None = Field(default=None, max_length=64)
    lang: str | None = Field(default=None, max_length=16, description="Force the reply language (e.g. 'fr')")
    user: UserIn | None = None
    utc_offset_minutes: int | None = Field(default=None, ge=-840, le=840,
                                           description="The user's time zone as minutes east of UTC (e.g. 480 in "
                                                       "Shanghai), for times such as '14:30' given to intake forms")


class Candidate(BaseModel):
    """An FAQ entry the retriever considered, with its fused score."""

    faq_id: str
    score: float


class Option(BaseModel):
    """A "did you mean" choice."""

    faq_id: str
    title: str


class IntakeProgress(BaseModel):
    """Where the guided intake form stands after this message."""

    form: str = Field(description="The form's id, e.g. deposit_not_arrived")
    step: str = Field(description="ask, reask, summary, done, cancelled or solved")
    field: str | None = Field(description="The field the reply asks for (ask / reask)")
    phase: str = Field(description="collecting, confirming, choosing, done, cancelled or solved")
    findings: list[dict[str, Any]] = Field(description="Checks that found something this turn: check, faq_id, "
                                                       "solves")


class ChatOut(BaseModel):
    """The assistant's answer to one message."""

    session_id: str
    session_token: str | None = Field(default=None, description="Only on the first turn: send it back in "
                                                                 "X-Session-Token")
    message_id: int | None = Field(description="The bot message's id, for feedback")
    handoff_id: str | None
    status: str = Field(description="'bot', or 'human' while a person handles the conversation")
    action: str = Field(description="answer, clarify, reply, fallback, handoff, intake (the reply asks an intake "
                                    "form's question) or queued (a person handles the conversation)")
    reply: str
    faq_id: str | None
    title: str | None
    candidates: list[Candidate]
    confidence: float
    language: str | None
    intent: str | None
    reasons: list[str]
    flags: list[str]
    options: list[Option]
    entities: list[dict[str, Any]]
    intake: IntakeProgress | None = Field(default=None, description="Set while a guided intake form runs")
    ticket: str | None = Field(default=None, description="The ticket number (e.g. KS-000042) when this turn "
                                                         "opened an off-hours ticket")


class MessageOut(BaseModel):
    """One transcript message."""

    id: int
    role: str = Field(description="user, bot, agent or system")
    text: str
    created_at: str
    action: str | None = None
    faq_id: str | None = None
    title: str | None = None
    options: list[Option] | None = None
    handoff_id: str | None = None
    attachment_id: str | None = Field(default=None, description="The file this message announces")
    intake: IntakeProgress | None = Field(default=None, description="The intake step a bot message belongs to")


class TranscriptOut(BaseModel):
    """A session's transcript in order."""

    session_id: str
    status: str
    messages: list[MessageOut]


class FeedbackIn(BaseModel):
    """A verdict on one bot answer."""

    model_config = ConfigDict(extra="forbid")

    message_id: int = Field(ge=1, le=MAX_ID)
    helpful: bool
    comment: str | None = Field(default=None, max_length=2000)


class FeedbackOut(BaseModel):
    """The stored verdict's id."""

    id: int


class HandoffRequestIn(BaseModel):
    """The user asks for a person; an optional note goes into the packet's transcript."""

    model_config = ConfigDict(extra="forbid")


class HandoffRequestOut(BaseModel):
    """The opened handoff and what the user is told."""

    handoff_id: str
    reply: str
    status: str
    ticket: str | None = Field(default=None, description="The ticket number when no team was online")


class ReloadOut(BaseModel):
    """The index now served."""

    index: str
    built_at: str


class KbText(BaseModel):
    """A knowledge-base entry worded in one language, exactly as the assistant would say it."""

    language: str = Field(description="The translation used: the asked language or, when the entry lacks it, "
                                      "the next one on the fallback chain")
    title: str
    answer: str


class KbEntryOut(BaseModel):
    """One knowledge-base entry for an agent: `user` is what to insert, `agent` what the agent reads."""

    faq_id: str
    category: str
    user: KbText
    agent: KbText


class KbHitOut(KbEntryOut):
    """A search result with its retrieval score (calibrated: the probability it is the right entry)."""

    score: float


class KbSearchOut(BaseModel):
    """Knowledge-base entries best matching the query, best first."""

    lang: str
    agent_lang: str
    results: list[KbHitOut]


class KbEntryDetailOut(KbEntryOut):
    """One knowledge-base entry, with the languages it was asked in."""

    lang: str
    agent_lang: str


class KbLanguagesOut(BaseModel):
    """The languages the knowledge base can be worded in."""

    languages: list[str]
    default: str


class ContactIn(BaseModel):
    """The address where the user wants ticket updates."""

    model_config = ConfigDict(extra="forbid")

    email: ContactEmail


class ContactOut(BaseModel):
    """The stored contact, masked (the full address is never sent back)."""

    session_id: str
    email: str = Field(description="The address as a hint, e.g. a***@example.com")
