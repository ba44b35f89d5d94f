"""The agent: the session actor, the turn loop, history, instructions and AGENTS.md.

Front ends use `Session` (codex.core.session; its docstring is the API) and
`ConversationManager` (codex.core.manager). Names are imported lazily so importing
`codex.core` stays cheap for CLI paths that never start a session.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from codex._lazy import lazy_exports

if TYPE_CHECKING:
    from codex.core.manager import ConversationManager
    from codex.core.session import Session

__all__ = ["ConversationManager", "Session"]

_LAZY = {"Session": "codex.core.session", "ConversationManager": "codex.core.manager"}


__getattr__ = lazy_exports(globals(), _LAZY)
