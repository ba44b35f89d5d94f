"""A loaded thread: its core session, the connections subscribed to it, and the pump task that
maps the session's events to notifications for them (codex.app_server.notifications).

Each thread is an independent actor on the one event loop: its session runs its own turns and
its pump only awaits its own subscription, so a slow turn never blocks another thread. Approval
requests are answered in tasks of their own (codex.app_server.approvals), so a client that
takes its time to answer never stalls the pump.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from typing import TYPE_CHECKING, Any

from codex.app_server.goals import enable_continuation, goal_notice
from codex.app_server.items import thread_object
from codex.app_server.notifications import IDLE, TurnMapper, note
from codex.protocol.uuid7 import uuid7

if TYPE_CHECKING:
    from codex.app_server.connection import Connection
    from codex.core.session import Session

APPROVAL_EVENTS = frozenset(
    {
        "exec_approval_request",
        "apply_patch_approval_request",
        "elicitation_request",
        "request_user_input",  # codex.app_server.user_input
    }
)


class LiveThread:
    def __init__(
        self,
        session: Session,
        *,
        path: str | None,
        cwd: str,
        model_provider: str,
        originator: str,
        ephemeral: bool,
        turn_count: int = 0,
        forked_from: str | None = None,
        name: str | None = None,
        preview: str = "",
        created_at: int | None = None,
    ) -> None:
        self.session = session
        # This front end answers MCP elicitations (mcpServer/elicitation/request): MCP tool
        # approvals are asked here, not cancelled (codex.core.approvals).
        if getattr(session, "approvals", None) is not None:
            session.approvals.answers_elicitations = True
            session.approvals.answers_user_input = True  # item/tool/requestUserInput
        self.thread_id = session.conversation_id
        self.path = path
        self.cwd = cwd
        self.model_provider = model_provider
        self.originator = originator
        self.ephemeral = ephemeral
        self.forked_from = forked_from
        self.name = name
        self.preview = preview
        self.created_at = created_at if created_at is not None else int(time.time())
        self.updated_at = self.created_at
        self.turn_count = turn_count
        # Who answers approval requests: "user" (the client, by server→client requests) or a
        # reviewer codex-py does not have ("auto_review", "guardian_subagent"): then nothing
        # is asked and nothing escalates (see approvals.ask).
        self.reviewer = "user"
        self.resumed_turns: list[dict[str, Any]] = []  # what the rollout held when opened
        self.current_turn: str | None = None  # set by turn/start, cleared at the turn's end
        # A running review/start turn (codex.app_server.review) and its reviewer session.
        self.review_task: asyncio.Task[Any] | None = None
        self.review_session: Any = None
        # A running thread/shellCommand (codex.app_server.shell_command): its own turn.
        self.shell_task: asyncio.Task[Any] | None = None
        self.git_info: dict[str, Any] | None = None  # set by thread/metadata/update
        self.pending_turns: deque[tuple[str, list[dict[str, Any]]]] = deque()
        self.mapper = TurnMapper(self.thread_id)
        self.subscribers: list[Connection] = []
        self.approval_tasks: set[asyncio.Task[Any]] = set()
        self.turn_done: asyncio.Event = asyncio.Event()
        self.turn_done.set()
        self._subscription = session.subscribe(maxsize=None)  # the pump keeps up
        enable_continuation(session)  # an active goal goes on by itself (codex.core.goals)
        self._pump = asyncio.ensure_future(self._run())

    # ---- state ------------------------------------------------------------------------------

    @property
    def status(self) -> dict[str, Any]:
        return {"type": "active", "activeFlags": []} if self.current_turn else IDLE

    def next_turn_id(self) -> str:
        """A new turn's id: a UUIDv7 as 0.169's, the id core and the rollout give the turn."""
        self.turn_count += 1
        return uuid7()

    def start_turn(self, content: list[dict[str, Any]]) -> str:
        """Reserve the id of the turn the next user input starts."""
        tid = self.next_turn_id()
        self.pending_turns.append((tid, content))
        self.current_turn = tid
        self.turn_done.clear()
        if not self.preview:
            self.preview = next((c.get("text", "") for c in content if c.get("type") == "text"), "")
        return tid

    def thread(self, turns: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        settings = self.session.settings
        return thread_object(
            thread_id=self.thread_id,
            cwd=self.cwd,
            model_provider=self.model_provider,
            model=settings.model,
            created_at=self.created_at,
            updated_at=self.updated_at,
            status=self.status,
            path=self.path,
            preview=self.preview,
            ephemeral=self.ephemeral,
            originator=self.originator,
            name=self.name,
            forked_from=self.forked_from,
            reasoning_effort=settings.effort,
            turns=turns,
            git_info=self.git_info,
        )

    def subscribe(self, conn: Connection) -> None:
        if conn not in self.subscribers:
            self.subscribers.append(conn)

    def unsubscribe(self, conn: Connection) -> bool:
        if conn in self.subscribers:
            self.subscribers.remove(conn)
            return True
        return False

    def broadcast(self, messages: list[Any]) -> None:
        """Send to every subscriber: dicts, or (method, line) pairs already encoded."""
        for conn in self.subscribers:
            for message in messages:
                if type(message) is tuple:
                    conn.send_encoded(*message)
                else:
                    conn.send(message)

    # ---- the pump ---------------------------------------------------------------------------

    async def _run(self) -> None:
        mapper = self.mapper
        subscription = self._subscription
        while (event := await subscription.next()) is not None:
            msg: Any = event.msg
            tag = msg.TAG
            if tag in APPROVAL_EVENTS:
                self._ask(msg)
                continue
            if tag == "thread_goal_updated":
                self.broadcast([goal_notice(self.thread_id, msg)])
                continue
            if tag == "task_started" or tag == "turn_started":
                if self.pending_turns:
                    tid, content = self.pending_turns.popleft()
                else:  # input that joined a turn which ended first started its own
                    tid, content = getattr(msg, "turn_id", "") or self.next_turn_id(), []
                    self.current_turn = tid
                mapper.begin(tid, content)
            out = mapper.map(msg)
            if out:
                self.broadcast(out)
            if tag in ("task_complete", "turn_complete", "turn_aborted"):
                self.updated_at = int(time.time())
                if not self.pending_turns:
                    self.current_turn = None
                    self.turn_done.set()
            elif tag == "session_configured" or tag == "shutdown_complete":
                continue

    def _ask(self, msg: Any) -> None:
        from codex.app_server.approvals import ask
        from codex.app_server.user_input import ask_user_input

        asking = ask_user_input if msg.TAG == "request_user_input" else ask
        task = asyncio.ensure_future(asking(self, msg))
        self.approval_tasks.add(task)
        task.add_done_callback(self.approval_tasks.discard)

    def closed_notice(self) -> dict[str, Any]:
        return note("thread/closed", {"threadId": self.thread_id})

    async def stop(self) -> None:
        """After the session closed: let the pump drain, then cancel what is left."""
        for task in list(self.approval_tasks):
            task.cancel()
        if self.shell_task is not None:
            self.shell_task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await asyncio.wait_for(self._pump, timeout=5)
        self._subscription.close()
