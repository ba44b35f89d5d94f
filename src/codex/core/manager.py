"""ConversationManager: the registry of a process's open threads (what app-server and the MCP
server need: many conversations, found by id, each opened and closed on request).

Every thread is opened with `codex.core.open_session`, so each has its rollout (a new file, or
the resumed file reopened for appending), its usage so far and its resume warnings, exactly as
`codex exec` gets them. The manager only keeps each session's open context until `remove`.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codex.core.front_end import LIBRARY, FrontEnd, LocalModel, Resume

if TYPE_CHECKING:
    from codex.config import Config
    from codex.core.session import Session


class ConversationManager:
    """The open sessions of one process, by conversation id. `front_end` names the front end
    every thread is opened for (default: a library embedding core)."""

    def __init__(self, front_end: FrontEnd = LIBRARY) -> None:
        self.front_end = front_end
        self._sessions: dict[str, tuple[Session, contextlib.AsyncExitStack]] = {}

    async def open(
        self,
        config: Config,
        *,
        resume: Resume | Path | None = None,
        ephemeral: bool = False,
        add_dirs: Sequence[Path] = (),
        local: LocalModel | None = None,
        front_end: FrontEnd | None = None,
        fork: tuple[Any, ...] | None = None,
    ) -> Session:
        """Open a thread as `open_session` does and keep it until `remove` / `close_all`."""
        from codex.core.open import start_session

        front_end = front_end or self.front_end
        async with contextlib.AsyncExitStack() as guard:  # undone if the start fails
            sync = guard.enter_context(contextlib.ExitStack())
            session = start_session(
                sync, config, front_end, resume, ephemeral, add_dirs, local, fork=fork
            )
            await guard.enter_async_context(session)
            stack = guard.pop_all()
        self._sessions[session.conversation_id] = (session, stack)
        return session

    async def new_conversation(
        self, config: Config, *, approval_policy: str | None = None, **kwargs: Any
    ) -> Session:
        """A new thread (kwargs as for `open`; `approval_policy` forces one on every turn)."""
        return await self.open(config, front_end=self._front_end(approval_policy), **kwargs)

    async def resume_conversation(
        self,
        config: Config,
        conversation_id: str,
        history: Iterable[Any],
        *,
        approval_policy: str | None = None,
        **kwargs: Any,
    ) -> Session:
        """A thread continuing `history` (ResponseItems or their dicts) held in memory, under
        `conversation_id`, recorded in a new rollout that starts with that history."""
        return await self.open(
            config,
            front_end=self._front_end(approval_policy),
            fork=(conversation_id, list(history)),
            **kwargs,
        )

    async def resume_from_rollout(
        self, config: Config, path: Path, *, approval_policy: str | None = None, **kwargs: Any
    ) -> Session:
        """A thread continuing the rollout file at `path`, appending to it (a locally
        compacted history gets the current initial context back, codex.core.resume)."""
        return await self.open(
            config, front_end=self._front_end(approval_policy), resume=Path(path), **kwargs
        )

    def _front_end(self, approval_policy: str | None) -> FrontEnd:
        if approval_policy is None:
            return self.front_end
        return dataclasses.replace(self.front_end, approval_policy=str(approval_policy))

    def get(self, conversation_id: str) -> Session | None:
        entry = self._sessions.get(conversation_id)
        return entry[0] if entry is not None else None

    def __contains__(self, conversation_id: str) -> bool:
        return conversation_id in self._sessions

    async def remove(self, conversation_id: str) -> None:
        """Shut the thread down (rollout flushed and closed) and forget it."""
        entry = self._sessions.pop(conversation_id, None)
        if entry is not None:
            await entry[1].aclose()

    async def close_all(self) -> None:
        for conversation_id in list(self._sessions):
            await self.remove(conversation_id)
