"""The session log: record a conversation to its rollout file, then list, find, resume and archive.

One job: rollout files under `$CODEX_HOME/sessions/` (and the `history.jsonl` message history) in
the official Codex CLI's format, so either CLI can read the other's sessions. It never decides what
a conversation contains (the agent loop hands over finished payload dicts) and never writes
credentials (see `redact`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from codex._lazy import lazy_exports

if TYPE_CHECKING:
    from codex.rollout.archive import (
        archive_session,
        delete_session,
        find_archived_path,
        unarchive_session,
    )
    from codex.rollout.listing import SessionsPage, SessionSummary, find_session_path, list_sessions
    from codex.rollout.paths import new_conversation_id, rollout_path, sessions_dir
    from codex.rollout.policy import PERSISTED_EVENT_TYPES, should_persist_event
    from codex.rollout.reader import ResumedSession, iter_rollout, load_rollout
    from codex.rollout.recorder import RolloutRecorder, SessionMetaParams

# Lazy: `codex exec` needs the recorder, not listing / reading / archiving.
__getattr__ = lazy_exports(
    globals(),
    {
        "archive_session": "codex.rollout.archive",
        "unarchive_session": "codex.rollout.archive",
        "delete_session": "codex.rollout.archive",
        "find_archived_path": "codex.rollout.archive",
        "SessionsPage": "codex.rollout.listing",
        "SessionSummary": "codex.rollout.listing",
        "find_session_path": "codex.rollout.listing",
        "list_sessions": "codex.rollout.listing",
        "new_conversation_id": "codex.rollout.paths",
        "rollout_path": "codex.rollout.paths",
        "sessions_dir": "codex.rollout.paths",
        "PERSISTED_EVENT_TYPES": "codex.rollout.policy",
        "should_persist_event": "codex.rollout.policy",
        "ResumedSession": "codex.rollout.reader",
        "iter_rollout": "codex.rollout.reader",
        "load_rollout": "codex.rollout.reader",
        "RolloutRecorder": "codex.rollout.recorder",
        "SessionMetaParams": "codex.rollout.recorder",
    },
)

__all__ = [
    "PERSISTED_EVENT_TYPES",
    "ResumedSession",
    "RolloutRecorder",
    "SessionMetaParams",
    "SessionSummary",
    "SessionsPage",
    "archive_session",
    "delete_session",
    "find_archived_path",
    "find_session_path",
    "iter_rollout",
    "list_sessions",
    "load_rollout",
    "new_conversation_id",
    "rollout_path",
    "sessions_dir",
    "should_persist_event",
    "unarchive_session",
]
