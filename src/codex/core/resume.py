"""Resuming a recorded session, including one that was compacted locally.

A local compaction is recorded as `compacted{message}` only (no replacement history, as
upstream): on resume the history is rebuilt as the *current* initial context + the earlier user
messages + the summary. codex.rollout does the rebuild but cannot build our initial context
(that needs the session's live settings), so `load_rollout_for_resume` puts a marker item where
the initial context belongs and `Session.start` replaces the marker with a freshly built one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from codex.core.history import SUMMARY_PREFIX

INITIAL_CONTEXT_MARKER_TEXT = "<codex-py:initial-context>"


def initial_context_marker() -> dict[str, Any]:
    return {
        "type": "message",
        "role": "developer",
        "content": [{"type": "input_text", "text": INITIAL_CONTEXT_MARKER_TEXT}],
    }


def is_initial_context_marker(item: Any) -> bool:
    if isinstance(item, dict):
        content = item.get("content") or []
        role = item.get("role")
    else:
        content = getattr(item, "content", None) or []
        role = getattr(item, "role", None)
    if role != "developer" or len(content) != 1:
        return False
    part = content[0]
    text = part.get("text") if isinstance(part, dict) else getattr(part, "text", None)
    return text == INITIAL_CONTEXT_MARKER_TEXT


def load_rollout_for_resume(path: Path, **kwargs: Any) -> Any:
    """codex.rollout.load_rollout with our summary prefix and the initial-context marker; pass
    its `history` to `Session(initial_history=...)` unchanged."""
    from codex.rollout import load_rollout

    return load_rollout(
        Path(path),
        initial_context=lambda: [initial_context_marker()],
        summary_prefix=SUMMARY_PREFIX,
        **kwargs,
    )


def splice_initial_context(items: Iterable[Any], fresh: list[Any]) -> tuple[list[Any], int]:
    """`items` with the last marker replaced by `fresh` (earlier markers dropped), and the
    number of leading items compaction must keep (the initial context's end, or 0)."""
    items = list(items)
    marks = [i for i, item in enumerate(items) if is_initial_context_marker(item)]
    if not marks:
        return items, 0
    last = marks[-1]
    before = [item for item in items[:last] if not is_initial_context_marker(item)]
    return [*before, *fresh, *items[last + 1 :]], len(before) + len(fresh)


def has_initial_context_marker(items: Iterable[Any]) -> bool:
    return any(is_initial_context_marker(item) for item in items)


def find_resume_path(
    codex_home: Path,
    *,
    model_provider: str,
    last: bool,
    thread_id: str | None,
    sources: Sequence[str | None] | None = None,
) -> Path | None:
    """The rollout to continue: the newest session of `model_provider` (`last`), or the one of
    `thread_id`; with `sources`, `last` considers only sessions of those (the TUI's
    interactive ones, codex.protocol.originator.INTERACTIVE_SOURCES). As the official 0.169
    CLI: `last` with no recorded session and an id that is not a UUID give None (a new
    session); a UUID with no rollout is an error."""
    from codex.errors import CodexError
    from codex.protocol.ids import is_uuid
    from codex.rollout import find_session_path, list_sessions

    if last:
        page = list_sessions(
            codex_home,
            page_size=1,
            model_providers=[model_provider],
            default_provider=model_provider,
            allowed_sources=sources,
        )
        return Path(page.items[0].path) if page.items else None
    assert thread_id is not None
    if not is_uuid(thread_id):
        return None
    path = find_session_path(codex_home, thread_id)
    if path is None:
        raise CodexError(f"no rollout found for thread id {thread_id}")
    return path
