"""ConversationManager: creates sessions, finds them by id, and resumes one from a history.

Reading a rollout file into items is codex.rollout's job; this module only takes the items
(`initial_history`) and hands them to a new Session under the same conversation id.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from codex.core.session import Session


class ConversationManager:
    """The live sessions of one process, by conversation id."""

    def __init__(self) -> None:
        self._sessions: dict[str, Session] = {}

    async def new_conversation(self, config: Any, **kwargs: Any) -> Session:
        """Start a session (kwargs as for Session) and remember it."""
        session = Session(config, **kwargs)
        await session.start()
        self._sessions[session.conversation_id] = session
        return session

    async def resume_conversation(
        self,
        config: Any,
        conversation_id: str,
        history: Iterable[Any],
        **kwargs: Any,
    ) -> Session:
        """Start a session that continues `history` (ResponseItems or their dicts)."""
        return await self.new_conversation(
            config, conversation_id=conversation_id, initial_history=list(history), **kwargs
        )

    async def resume_from_rollout(self, config: Any, path: Any, **kwargs: Any) -> Session:
        """Start a session continuing the rollout file at `path` (a locally compacted history
        gets the current initial context back, codex.core.resume)."""
        from codex.core.resume import load_rollout_for_resume

        resumed = load_rollout_for_resume(path)
        return await self.resume_conversation(
            config, resumed.conversation_id, resumed.history, **kwargs
        )

    def get(self, conversation_id: str) -> Session | None:
        return self._sessions.get(conversation_id)

    async def remove(self, conversation_id: str) -> None:
        session = self._sessions.pop(conversation_id, None)
        if session is not None:
            await session.close()

    async def close_all(self) -> None:
        for conversation_id in list(self._sessions):
            await self.remove(conversation_id)
