"""The directory a continued history last told the model about.

A resumed or forked thread starts from its recorded history, whose last
`<environment_context>` names the cwd the model knows. When the thread goes on somewhere else
(0.169's TUI forks the thread into the new directory on `/cd`; a thread resumed from another
directory), its next turn must say so: 0.169's next request carries the old `<cwd>` in the
history and an `<environment_context>` with the new one after it. Seeding the session's known
environment with the recorded cwd makes the turn's usual environment diff produce exactly that
message, and nothing when the directory is the same (the other fields are taken as they are
now, so they never show up as changes).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

_CWD = re.compile(r"<cwd>(.*?)</cwd>", re.DOTALL)
_OPEN = "<environment_context>"


def recorded_cwd(items: Iterable[Any]) -> str | None:
    """The `<cwd>` of the last environment context message among `items`, or None."""
    found: str | None = None
    for item in items:
        if getattr(item, "role", None) != "user":
            continue
        for part in getattr(item, "content", None) or ():
            text = getattr(part, "text", None)
            if isinstance(text, str) and text.lstrip().startswith(_OPEN):
                match = _CWD.search(text)
                if match:
                    found = match.group(1).strip()
    return found


def seed_environment(state: Any, settings: Any, items: Iterable[Any]) -> None:
    """Make `state` (a SessionState) know the environment the history recorded: today's,
    with the recorded cwd. No environment context on record: left unknown, as before. The
    permissions part the history last told the model is remembered too, so the next turn
    re-states it only if it changed (codex.core.permissions_prompt)."""
    items = list(items)
    state.permissions.seed(items)
    cwd = recorded_cwd(items)
    if cwd:
        state.environment = dataclasses.replace(state.environment_for(settings), cwd=Path(cwd))
