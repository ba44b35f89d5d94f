"""Server→client `item/tool/requestUserInput`: a core `request_user_input` event (the model's
request_user_input call) put to the client, whose `{answers}` goes back as the core
`user_input_answer` op.

As 0.169 (tests/fixtures/request_user_input_official.json): `thread/status/changed` with the
`waitingOnUserInput` flag, the request (`itemId` is the call id, each question with `isOther`
and `isSecret`, `isBlocking: true`, `autoResolutionMs: null`), then after the answer
`serverRequest/resolved` and the status back to active. No `item/*` notification for the call.
An error answer, or a result that is not `{answers: {...}}`, gives the model no answers. A client
that disconnects leaves the question unanswered: 0.169's server exits then and the model is not
called again; ours cancels the wait when the session shuts down (or the turn is interrupted).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from codex.app_server.connection import ClientError, ConnectionLost
from codex.app_server.notifications import ACTIVE, note

if TYPE_CHECKING:
    from codex.app_server.live import LiveThread

WAITING_ON_USER_INPUT = {"type": "active", "activeFlags": ["waitingOnUserInput"]}
METHOD = "item/tool/requestUserInput"


def request_params(thread_id: str, turn_id: str, msg: Any) -> dict[str, Any]:
    """The request's params, in 0.169's key order."""
    return {
        "threadId": thread_id,
        "turnId": turn_id,
        "itemId": msg.call_id,
        "questions": [
            {
                "id": q.get("id", ""),
                "header": q.get("header", ""),
                "question": q.get("question", ""),
                "isOther": bool(q.get("is_other", False)),
                "isSecret": bool(q.get("is_secret", False)),
                "options": q.get("options"),
            }
            for q in msg.questions
        ],
        "isBlocking": True,
        "autoResolutionMs": None,
    }


async def ask_user_input(live: LiveThread, msg: Any) -> None:
    from codex.protocol.ops import UserInputAnswer

    mapper = live.mapper
    conn = live.subscribers[0] if live.subscribers else None
    if conn is None:  # nobody to ask: the model reads no answers
        await live.session.submit(UserInputAnswer(msg.call_id, {"answers": {}}))
        return
    live.broadcast([mapper.status(WAITING_ON_USER_INPUT)])
    request_id: int | None = None
    response: dict[str, Any] = {"answers": {}}
    try:
        request_id, answer = await conn.request(
            METHOD, request_params(live.thread_id, msg.turn_id or mapper.turn_id, msg)
        )
        if isinstance(answer, dict):
            response = answer
    except ConnectionLost:
        return  # left unanswered, as 0.169 (see the module docstring)
    except ClientError as exc:
        request_id = exc.request_id
    out: list[dict[str, Any]] = []
    if request_id is not None:
        out.append(
            note("serverRequest/resolved", {"threadId": live.thread_id, "requestId": request_id})
        )
    out.append(mapper.status(ACTIVE))
    live.broadcast(out)
    await live.session.submit(UserInputAnswer(msg.call_id, response))
