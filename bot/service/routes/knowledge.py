"""The agents' knowledge-base API: find an answer in any language and get it worded for the user (Bearer tokens)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from bot.service.canned import MAX_QUERY_CHARS, MAX_RESULTS
from bot.service.deps import require_role, services
from bot.service.schemas import KbEntryDetailOut, KbLanguagesOut, KbSearchOut

router = APIRouter(prefix="/v1/agent/kb", tags=["agents"])
RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"description": text} for code, text in [
        (401, "missing, unknown or revoked token"), (403, "not an agent token"),
        (422, "empty or too long query, unsupported language, or limit out of range")]}
LANG = Query(description="The user's language: answers are worded in it (e.g. 'es')")
AGENT_LANG = Query(default=None, description="The language the agent reads (default: the default language)")


@router.get("/languages", response_model=KbLanguagesOut, responses=RESPONSES)
async def languages(request: Request) -> dict:
    """The languages `lang` and `agent_lang` accept."""
    await require_role(request, "agent")
    return services(request).canned.supported()


@router.get("/search", response_model=KbSearchOut, responses=RESPONSES)
async def search(request: Request, lang: str = LANG, agent_lang: str | None = AGENT_LANG,
                 q: str = Query(description=f"What to look for, in any language (1 to {MAX_QUERY_CHARS} "
                                            "characters)"),
                 limit: int = Query(default=5, ge=1, le=MAX_RESULTS, description="How many entries")) -> dict:
    """Entries ranked by the assistant's own retrieval, each with its title and answer in the user's language
    (exactly as the assistant words them: placeholders filled, fallback chain applied) and in the agent's."""
    await require_role(request, "agent")
    canned = services(request).canned
    return await run_in_threadpool(canned.search, q, lang, agent_lang or canned.languages.default, limit)


@router.get("/{faq_id}", response_model=KbEntryDetailOut,
            responses=RESPONSES | {404: {"description": "unknown entry"}})
async def entry(faq_id: str, request: Request, lang: str = LANG, agent_lang: str | None = AGENT_LANG) -> dict:
    """One entry worded in the user's and the agent's language."""
    await require_role(request, "agent")
    canned = services(request).canned
    return await run_in_threadpool(canned.entry, faq_id, lang, agent_lang or canned.languages.default)
