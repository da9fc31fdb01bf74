"""Feedback on bot answers, and the "talk to a person" button."""

from __future__ import annotations

from sqlalchemy import select

from bot.storage.handoffs import HandoffStore
from bot.storage.models import Feedback
from tests.unit.service import chat, new_session, services, transcript


def _feedback(client, session, message_id, helpful, comment=None):
    body = {"message_id": message_id, "helpful": helpful} | ({"comment": comment} if comment is not None else {})
    return client.post(f"/v1/sessions/{session['session_id']}/feedback", json=body,
                       headers={"X-Session-Token": session["session_token"]})


def _rows(client, message_id):
    query = select(Feedback).where(Feedback.message_id == message_id)
    with services(client).database.session() as db:
        return [(row.helpful, row.comment) for row in db.scalars(query)]


def test_helpful_and_not_helpful_are_201(client):
    """Both verdicts are accepted with 201 and the stored verdict's id."""
    first = new_session(client)
    second = chat(client, "my deposit has not arrived", first)
    yes = _feedback(client, first, first["message_id"], True)
    no = _feedback(client, first, second["message_id"], False, "did not help")
    assert yes.status_code == no.status_code == 201
    assert isinstance(yes.json()["id"], int) and yes.json()["id"] != no.json()["id"]
    assert _rows(client, first["message_id"]) == [(True, None)]
    assert _rows(client, second["message_id"]) == [(False, "did not help")]


def test_second_verdict_replaces_the_first(client):
    """Rating the same answer again keeps one row holding the latest verdict and comment."""
    first = new_session(client)
    one = _feedback(client, first, first["message_id"], True, "great")
    two = _feedback(client, first, first["message_id"], False, "actually no")
    assert one.status_code == two.status_code == 201 and one.json()["id"] == two.json()["id"]
    assert _rows(client, first["message_id"]) == [(False, "actually no")]
    three = _feedback(client, first, first["message_id"], True, "   ")
    assert three.status_code == 201 and _rows(client, first["message_id"]) == [(True, None)]


def test_not_helpful_counts_as_a_failed_turn(client):
    """Each "not helpful" adds one to the session's consecutive_failures; "helpful" does not."""
    first = new_session(client)
    store = services(client).chat.store
    before = store.get(first["session_id"]).state.consecutive_failures
    assert _feedback(client, first, first["message_id"], True).status_code == 201
    assert store.get(first["session_id"]).state.consecutive_failures == before
    assert _feedback(client, first, first["message_id"], False).status_code == 201
    assert store.get(first["session_id"]).state.consecutive_failures == before + 1


def test_feedback_comment_is_redacted(client):
    """A password typed into a feedback comment is removed before the comment is stored."""
    first = new_session(client)
    response = _feedback(client, first, first["message_id"], False, "useless, and my password is Tr0ub4dor&3x")
    assert response.status_code == 201
    [(helpful, comment)] = _rows(client, first["message_id"])
    assert not helpful and "Tr0ub4dor&3x" not in comment and "useless" in comment


def test_handoff_request_opens_a_handoff_with_a_system_message(client):
    """The button returns the handoff id and a reply, queues the handoff and adds a system message."""
    first = new_session(client)
    response = client.post(f"/v1/sessions/{first['session_id']}/handoff",
                           headers={"X-Session-Token": first["session_token"]})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["handoff_id"] and body["status"] == "human" and body["reply"]
    record = HandoffStore(services(client).database).get(body["handoff_id"])
    assert record.session_id == first["session_id"] and record.reason == "user_request" and record.status == "queued"
    assert [m["role"] for m in record.packet["transcript"]] == ["user", "bot"]
    assert record.packet["transcript"][0]["text"] == "how do I withdraw bitcoin"
    listed = transcript(client, first)
    assert listed["status"] == "human"
    system = listed["messages"][-1]
    assert system["role"] == "system" and system["text"] == body["reply"] and system["handoff_id"] == body["handoff_id"]


def test_handoff_request_accepts_an_empty_object_body(client):
    """The optional body may be sent as {}."""
    first = new_session(client)
    response = client.post(f"/v1/sessions/{first['session_id']}/handoff", json={},
                           headers={"X-Session-Token": first["session_token"]})
    assert response.status_code == 200, response.text


def test_second_handoff_request_is_409(client):
    """While a handoff is open, asking again is a 409 saying a person is already on it; no second handoff."""
    first = new_session(client)
    url = f"/v1/sessions/{first['session_id']}/handoff"
    headers = {"X-Session-Token": first["session_token"]}
    assert client.post(url, headers=headers).status_code == 200
    again = client.post(url, headers=headers)
    assert again.status_code == 409 and "already" in again.json()["detail"]
    assert len(HandoffStore(services(client).database).queue()) == 1


def test_handoff_request_after_an_automatic_handoff_is_409(client):
    """A session the bot already handed over (seed phrase) cannot be queued twice."""
    first = new_session(client)
    assert chat(client, "abandon " * 11 + "about", first)["handoff_id"]
    response = client.post(f"/v1/sessions/{first['session_id']}/handoff",
                           headers={"X-Session-Token": first["session_token"]})
    assert response.status_code == 409


def test_handoff_request_needs_the_session_token(client):
    """The button is refused without the session's token (403) and for an unknown session (404)."""
    first = new_session(client)
    assert client.post(f"/v1/sessions/{first['session_id']}/handoff").status_code == 403
    assert client.post("/v1/sessions/unknown/handoff", headers={"X-Session-Token": "x"}).status_code == 404
