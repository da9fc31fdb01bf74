"""Agent canned replies over HTTP: knowledge-base search in any language, answers worded for the user exactly as
the assistant words them and for the agent in their own language, auth, and bad input (never a 500)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from bot.storage.api_tokens import TokenStore
from tests.unit.service import chat, services

SEARCH = "/v1/agent/kb/search"
FEES_EN_TITLE = "What are the withdrawal fees"
FEES_ES_TITLE = "¿Cuáles son las comisiones de retiro?"
FEES_ES_ANSWER = "La comisión de retiro depende de la moneda y la red y se muestra antes de confirmar."
FEES_EN_ANSWER_START = "The withdrawal fee depends on the coin and network"


@pytest.fixture
def agent(client: TestClient) -> dict[str, str]:
    """Headers carrying a fresh agent token."""
    _, token = TokenStore(services(client).database).create("anna", "agent")
    return {"Authorization": f"Bearer {token}"}


def search(client: TestClient, headers: dict[str, str], expect: int = 200, **params: Any) -> dict[str, Any]:
    """GET the search endpoint and check the status."""
    response = client.get(SEARCH, params=params, headers=headers)
    assert response.status_code == expect, response.text
    return response.json()


def entry(client: TestClient, headers: dict[str, str], faq_id: str, expect: int = 200, **params: Any
          ) -> dict[str, Any]:
    """GET one entry and check the status."""
    response = client.get(f"/v1/agent/kb/{faq_id}", params=params, headers=headers)
    assert response.status_code == expect, response.text
    return response.json()


def test_english_query_returns_the_spanish_answer_the_bot_gives(client, agent):
    """An English search for a Spanish user ranks the fee entry first: the Spanish title and answer to insert, the
    English ones to read, a score; the Spanish answer is word for word the bot's own reply to a Spanish user."""
    body = search(client, agent, q="withdrawal fee for BTC", lang="es", agent_lang="en")
    assert body["lang"] == "es" and body["agent_lang"] == "en"
    top = body["results"][0]
    assert top["faq_id"] == "withdraw.fees" and top["category"] == "withdraw"
    assert top["user"] == {"language": "es", "title": FEES_ES_TITLE, "answer": FEES_ES_ANSWER}
    assert top["agent"]["language"] == "en" and top["agent"]["title"] == FEES_EN_TITLE
    assert top["agent"]["answer"].startswith(FEES_EN_ANSWER_START)
    scores = [result["score"] for result in body["results"]]
    assert scores == sorted(scores, reverse=True) and 0 <= scores[-1] <= scores[0] <= 1

    bot = chat(client, "comisión de retiro de BTC", lang="es")
    assert bot["action"] == "answer" and bot["faq_id"] == "withdraw.fees", bot
    assert bot["reply"] == top["user"]["answer"] and bot["title"] == top["user"]["title"]


def test_query_in_another_language_finds_the_entry(client, agent):
    """The query may be in any language: a Chinese question finds the 2FA entry, worded in English for both."""
    body = search(client, agent, q="谷歌验证器丢失怎么办", lang="en")
    top = body["results"][0]
    assert top["faq_id"] == "security.2fa_lost"
    assert top["user"]["title"] == top["agent"]["title"] == "I lost my Google Authenticator 2FA device"


@pytest.mark.parametrize(("lang", "agent_lang", "user_language", "agent_language"), [
    ("es", "es", "es", "es"),        # agent reads the user's language
    ("en", "es", "en", "es"),        # the other way round
    ("es-419", "EN", "es", "en"),    # codes are normalised like the chat API's
    ("pt", "en", "es", "en"),        # no Portuguese translation: the bot's chain pt -> es
    ("zh-TW", "ja", "en", "en"),     # no Chinese, no Japanese: English
])
def test_agent_and_user_languages(client, agent, lang, agent_lang, user_language, agent_language):
    """Each side gets the translation the bot's fallback chain picks, and says which one it is."""
    top = search(client, agent, q="withdrawal fee", lang=lang, agent_lang=agent_lang)["results"][0]
    assert top["faq_id"] == "withdraw.fees"
    assert top["user"]["language"] == user_language and top["agent"]["language"] == agent_language
    expected = {"es": FEES_ES_ANSWER, "en": FEES_EN_ANSWER_START}
    assert top["user"]["answer"].startswith(expected[user_language])
    assert top["agent"]["answer"].startswith(expected[agent_language])


def test_agent_lang_defaults_to_the_default_language(client, agent):
    """Without agent_lang the agent reads the default language (English)."""
    top = search(client, agent, q="withdrawal fee", lang="es")["results"][0]
    assert top["agent"]["language"] == "en" and top["agent"]["title"] == FEES_EN_TITLE


def test_entry_with_fallback_and_placeholders(client, agent):
    """One entry by id: the Traditional Chinese user gets the Simplified answer (the bot's zh-TW -> zh-CN chain),
    and an English-only entry has its operator placeholders filled like the bot's answers."""
    body = entry(client, agent, "security.2fa_lost", lang="zh-TW", agent_lang="en")
    assert body["faq_id"] == "security.2fa_lost" and body["lang"] == "zh-TW" and body["agent_lang"] == "en"
    assert body["user"]["language"] == "zh-CN" and body["user"]["title"] == "谷歌验证器丢失怎么办"
    assert "Kestrel support will never ask" in body["agent"]["answer"]

    phishing = entry(client, agent, "security.anti_phishing_code", lang="fr")
    answer = phishing["user"]["answer"]
    assert phishing["user"]["language"] == "en"
    assert "genuine email from Kestrel." in answer and "https://www.kestrel.example/official-verify" in answer
    assert "{" not in answer


def test_limit_and_languages(client, agent):
    """`limit` caps the results (1 to 20); /languages lists what lang and agent_lang accept."""
    assert len(search(client, agent, q="withdrawal", lang="en", limit=2)["results"]) == 2
    assert len(search(client, agent, q="withdrawal", lang="en", limit=1)["results"]) == 1
    assert len(search(client, agent, q="withdrawal", lang="en", limit=20)["results"]) == 5   # the whole fixture KB
    response = client.get("/v1/agent/kb/languages", headers=agent)
    assert response.status_code == 200
    assert response.json() == {"languages": services(client).settings.languages.supported, "default": "en"}


def test_auth(client, agent):
    """401 without a token or with an unknown or revoked one; admins pass agent checks (there is no other role
    to get a 403 with)."""
    for path in (SEARCH + "?q=fee&lang=en", "/v1/agent/kb/withdraw.fees?lang=en", "/v1/agent/kb/languages"):
        missing = client.get(path)
        assert missing.status_code == 401 and missing.headers["www-authenticate"] == "Bearer", missing.text
        assert "Bearer" in missing.json()["detail"]
        assert client.get(path, headers={"Authorization": "Bearer made-up"}).status_code == 401
        assert client.get(path, headers={"Authorization": "Basic abc"}).status_code == 401
    tokens = TokenStore(services(client).database)
    _, admin = tokens.create("ops", "admin")
    assert search(client, {"Authorization": f"Bearer {admin}"}, q="fee", lang="en")["results"]
    tokens.revoke("anna")
    search(client, agent, 401, q="fee", lang="en")


def _rejected(response, status: int, *words: str) -> None:
    assert response.status_code == status, response.text
    detail = response.json()["detail"]
    assert isinstance(detail, str)
    for word in words:
        assert word.lower() in detail.lower(), detail


@pytest.mark.parametrize(("params", "words"), [
    ({"q": "", "lang": "en"}, ["q", "empty"]),
    ({"q": "  \n\t ", "lang": "en"}, ["q", "empty"]),
    ({"q": "\u200b\x00\x07", "lang": "en"}, ["q", "visible"]),
    ({"q": "a" * 4001, "lang": "en"}, ["q", "4001", "4000"]),
    ({"lang": "en"}, ["q", "required"]),
    ({"q": "fee"}, ["lang", "required"]),
    ({"q": "fee", "lang": "xx"}, ["unsupported lang", "'xx'", "'es'", "'zh-TW'"]),
    ({"q": "fee", "lang": "en", "agent_lang": "klingon"}, ["unsupported agent_lang", "'klingon'", "'en'"]),
    ({"q": "fee", "lang": "en", "limit": 0}, ["limit"]),
    ({"q": "fee", "lang": "en", "limit": 21}, ["limit", "20"]),
    ({"q": "fee", "lang": "en", "limit": "many"}, ["limit", "integer"]),
])
def test_bad_search_input_is_422_with_a_message(client, agent, params, words):
    """Empty, invisible, too long or missing q, unknown languages, limits out of range: 422 saying what to fix."""
    _rejected(client.get(SEARCH, params=params, headers=agent), 422, *words)


def test_entry_errors(client, agent):
    """Unknown entry: 404 naming it; unknown language: 422 listing the supported ones; missing lang: 422."""
    _rejected(client.get("/v1/agent/kb/withdraw.nope", params={"lang": "en"}, headers=agent), 404, "withdraw.nope")
    _rejected(client.get("/v1/agent/kb/" + "x" * 5000, params={"lang": "en"}, headers=agent), 404)
    _rejected(client.get("/v1/agent/kb/withdraw.fees", params={"lang": "xx"}, headers=agent), 422, "'xx'", "'ar'")
    _rejected(client.get("/v1/agent/kb/withdraw.fees", headers=agent), 422, "lang", "required")


@pytest.mark.parametrize("query", [
    '<img src=x onerror="alert(1)"><script>alert(2)</script>',
    "'; DROP TABLE api_tokens; --",
    "1 OR 1=1 UNION SELECT token_hash FROM api_tokens",
    "%00%27\\x00{exchange_name}{{7*7}}${jndi:ldap://x}",
    "🚀" * 1000,
    "\u202eevil\u202c withdrawal",
    "w" * 10_000,
])
def test_hostile_queries_never_500(client, agent, query):
    """Markup, SQL, template syntax, emoji floods, bidi controls and 10k characters: 200 or 422, never a 500;
    results are knowledge-base text only (the query is never echoed back)."""
    response = client.get(SEARCH, params={"q": query, "lang": "es"}, headers=agent)
    assert response.status_code in (200, 422), response.text
    if response.status_code == 200:
        body = response.json()
        assert set(body) == {"lang", "agent_lang", "results"} and body["results"]
        assert all(query not in result["user"]["answer"] for result in body["results"])
    else:
        assert "limit" in response.json()["detail"]
    assert client.get(SEARCH, params={"q": "withdrawal fee", "lang": "en"}, headers=agent).status_code == 200
