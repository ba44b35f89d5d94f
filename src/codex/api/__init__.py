"""`codex.api`: the typed, documented front door to codex-py for programs (and for every front
end: exec, batch, tui, app-server, mcp, the viewer). Everything a front end needs to run an
agent, and nothing of core's internals::

    import asyncio
    from pathlib import Path

    from codex.api import ConfigOverrides, FrontEnd, load_config, open_session

    async def main() -> None:
        config = load_config(ConfigOverrides(), cwd=Path.cwd())
        async with open_session(config, FrontEnd("my_tool", "cli")) as session:
            handle = await session.run_turn("What is in this folder?")
            async for event in handle.events():
                print(event.msg.TAG)
            print(handle.result)

    asyncio.run(main())

What is here:
- opening: `open_session` (an async context manager: the one way to open a session, rollout and
  resume included), `FrontEnd` (what the caller is and the decisions that follow), `Resume`,
  `LocalModel`, `ConversationManager` (many open threads by id);
- running: `Session` (`run_turn`, `submit`, `subscribe`, `settings`), `TurnHandle` /
  `TurnResult`, `SessionSettings`, `Subscription` / `EventsDropped`, `is_turn_end`;
- the language: `Op` and its members (`UserInput`, `UserTurn`, `Interrupt`, `ExecApproval`,
  `PatchApproval`, `ReviewDecision`, `Shutdown`, ...), `Event` / `EventMsg` / `parse_event_msg`;
- config: `Config`, `ConfigOverrides`, `load_config`;
- output: `EventProcessor`, `Rendered`, `JsonlEventProcessor`, `HumanEventProcessor`
  (codex.thread_events: what `codex exec` prints);
- services beside sessions, each a module named for what it is: `codex.api.credentials` (login,
  logout, stored credentials), `codex.api.local_models` (the embedded runtime's model store),
  `codex.api.sandboxing` (one command under the sandbox, the probe, execpolicy rules),
  `codex.api.saved_sessions` (archive, unarchive, delete a recorded session).

Names are imported on first use, so `import codex.api` costs almost nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from codex._lazy import lazy_exports

if TYPE_CHECKING:
    from codex.config import Config, ConfigOverrides, load_config
    from codex.core.front_end import FrontEnd, LocalModel, Resume
    from codex.core.manager import ConversationManager
    from codex.core.open import open_session
    from codex.core.session import Session
    from codex.core.subscribe import EventsDropped, Subscription, is_turn_end
    from codex.core.turn_handle import (
        ApprovalCallback,
        SessionSettings,
        TurnHandle,
        TurnResult,
    )
    from codex.protocol.events import Event, EventMsg, parse_event_msg
    from codex.protocol.ops import (
        Compact,
        ExecApproval,
        InputImageUrl,
        InputLocalImage,
        InputText,
        Interrupt,
        Op,
        OverrideTurnContext,
        PatchApproval,
        ReviewDecision,
        Shutdown,
        UserInput,
        UserTurn,
        parse_op,
    )
    from codex.thread_events.human import HumanEventProcessor
    from codex.thread_events.jsonl import JsonlEventProcessor
    from codex.thread_events.processor import EventProcessor, Rendered

__all__ = [
    "ApprovalCallback",
    "Compact",
    "Config",
    "ConfigOverrides",
    "ConversationManager",
    "Event",
    "EventMsg",
    "EventProcessor",
    "EventsDropped",
    "ExecApproval",
    "FrontEnd",
    "HumanEventProcessor",
    "InputImageUrl",
    "InputLocalImage",
    "InputText",
    "Interrupt",
    "JsonlEventProcessor",
    "LocalModel",
    "Op",
    "OverrideTurnContext",
    "PatchApproval",
    "Rendered",
    "Resume",
    "ReviewDecision",
    "Session",
    "SessionSettings",
    "Shutdown",
    "Subscription",
    "TurnHandle",
    "TurnResult",
    "UserInput",
    "UserTurn",
    "is_turn_end",
    "load_config",
    "open_session",
    "parse_event_msg",
    "parse_op",
]

_OPS = (
    "Compact",
    "ExecApproval",
    "InputImageUrl",
    "InputLocalImage",
    "InputText",
    "Interrupt",
    "Op",
    "OverrideTurnContext",
    "PatchApproval",
    "ReviewDecision",
    "Shutdown",
    "UserInput",
    "UserTurn",
    "parse_op",
)
_LAZY = {
    "Config": "codex.config",
    "ConfigOverrides": "codex.config",
    "load_config": "codex.config",
    "FrontEnd": "codex.core.front_end",
    "LocalModel": "codex.core.front_end",
    "Resume": "codex.core.front_end",
    "ConversationManager": "codex.core.manager",
    "open_session": "codex.core.open",
    "Session": "codex.core.session",
    "EventsDropped": "codex.core.subscribe",
    "Subscription": "codex.core.subscribe",
    "is_turn_end": "codex.core.subscribe",
    "ApprovalCallback": "codex.core.turn_handle",
    "SessionSettings": "codex.core.turn_handle",
    "TurnHandle": "codex.core.turn_handle",
    "TurnResult": "codex.core.turn_handle",
    "Event": "codex.protocol.events",
    "EventMsg": "codex.protocol.events",
    "parse_event_msg": "codex.protocol.events",
    **dict.fromkeys(_OPS, "codex.protocol.ops"),
    "HumanEventProcessor": "codex.thread_events.human",
    "JsonlEventProcessor": "codex.thread_events.jsonl",
    "EventProcessor": "codex.thread_events.processor",
    "Rendered": "codex.thread_events.processor",
}

__getattr__ = lazy_exports(globals(), _LAZY)
