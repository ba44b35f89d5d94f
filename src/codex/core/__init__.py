"""The agent: the session actor, the turn loop, history, instructions and AGENTS.md.

Front ends open a session with `open_session(config, FrontEnd(...))` (codex.core.open: the one
way, rollout and resume included), drive it through `Session` (codex.core.session; its docstring
is the API) and keep many open with `ConversationManager` (codex.core.manager). Names are
imported lazily so importing `codex.core` stays cheap for CLI paths that never start a session.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from codex._lazy import lazy_exports

if TYPE_CHECKING:
    from codex.core.front_end import FrontEnd, LocalModel, Resume
    from codex.core.manager import ConversationManager
    from codex.core.open import open_session
    from codex.core.session import Session
    from codex.core.subscribe import is_turn_end

__all__ = [
    "ConversationManager",
    "FrontEnd",
    "LocalModel",
    "Resume",
    "Session",
    "is_turn_end",
    "open_session",
]

_LAZY = {
    "Session": "codex.core.session",
    "ConversationManager": "codex.core.manager",
    "open_session": "codex.core.open",
    "FrontEnd": "codex.core.front_end",
    "LocalModel": "codex.core.front_end",
    "Resume": "codex.core.front_end",
    "is_turn_end": "codex.core.subscribe",
}


__getattr__ = lazy_exports(globals(), _LAZY)
