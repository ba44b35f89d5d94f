"""A request_user_input question in the in-process SDK: put to the approval handler as the
app-server's `item/tool/requestUserInput` (the same params, 0.169's shape), whose result is
the answer core gives the model (`{"answers": {id: {"answers": [...]}}}`; the default
handler's `{"decision": "accept"}` has none, so the model reads `{"answers":{}}`)."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any


async def ask_user(handler: Callable[..., Any], thread_id: str, turn_id: str, request: Any) -> Any:
    params: dict[str, Any] = {
        "threadId": thread_id,
        "turnId": turn_id or request.turn_id,
        "itemId": request.call_id,
        "questions": [
            {
                "id": q.get("id", ""),
                "header": q.get("header", ""),
                "question": q.get("question", ""),
                "isOther": bool(q.get("is_other", False)),
                "isSecret": bool(q.get("is_secret", False)),
                "options": q.get("options"),
            }
            for q in request.questions
        ],
        "isBlocking": True,
        "autoResolutionMs": None,
    }
    answer = handler("item/tool/requestUserInput", params)
    if inspect.isawaitable(answer):
        answer = await answer
    return answer
