"""Saved sessions by id, for the front ends: archive one, bring it back, or delete it. Front ends
name sessions by their UUID; codex.rollout knows where the files are."""

from __future__ import annotations

from pathlib import Path

from codex.errors import CodexError


def _uuid(session: str) -> str:
    """The canonical (hyphenated, lower-case) form of a session UUID."""
    import uuid

    from codex.protocol.ids import is_uuid

    if not is_uuid(session):
        raise CodexError(f"No session found matching '{session}': give the session's UUID")
    return str(uuid.UUID(session))


def archive(codex_home: Path, session: str) -> Path:
    """Move an active session to archived_sessions/; its new path."""
    from codex.rollout import archive_session

    return archive_session(codex_home, _locate(codex_home, session, archived=False))


def unarchive(codex_home: Path, session: str) -> Path:
    """Move an archived session back under sessions/; its new path."""
    from codex.rollout import unarchive_session

    return unarchive_session(codex_home, _locate(codex_home, session, archived=True))


def archived_path(codex_home: Path, session_id: str) -> Path | None:
    """The archived rollout of `session_id` (a UUID), None when it has none: front ends ask core,
    never the rollout layer (tests/test_layering.py)."""
    from codex.rollout import find_archived_path

    return find_archived_path(codex_home, session_id)


def _locate(codex_home: Path, session: str, *, archived: bool) -> Path:
    """The session's file on the side it moves from; an error naming the side it is on, if any."""
    from codex.rollout import find_archived_path, find_session_path

    wanted = _uuid(session)
    here, there = (
        (find_archived_path, find_session_path)
        if archived
        else (find_session_path, find_archived_path)
    )
    path = here(codex_home, wanted)
    if path is not None:
        return path
    if there(codex_home, wanted) is not None:
        raise CodexError(f"session {wanted} is {'not' if archived else 'already'} archived")
    raise CodexError(
        f"No {'archived' if archived else 'active'} session found matching '{session}'."
    )


def find_all(codex_home: Path, session: str) -> tuple[str, list[Path]]:
    """A session's id and its rollout files: the active one, the archived one, or both."""
    from codex.rollout import find_archived_path, find_session_path

    wanted = _uuid(session)
    found = [find_session_path(codex_home, wanted), find_archived_path(codex_home, wanted)]
    paths = [path for path in found if path is not None]
    if not paths:
        raise CodexError(f"No session found matching '{session}'.")
    return wanted, paths


def rollout_of(codex_home: Path, session: str | None) -> Path:
    """The rollout of `session` (a UUID; active, else archived), or of the newest saved session
    when None: what `codex apply` and `codex undo` read. One-line CodexError when there is none."""
    from codex.rollout import list_sessions

    if session is not None:
        return find_all(codex_home, session)[1][0]
    page = list_sessions(codex_home, page_size=1)
    if not page.items:
        raise CodexError(f"no saved session under {codex_home / 'sessions'}")
    return Path(page.items[0].path)


def delete(codex_home: Path, paths: list[Path]) -> None:
    """Remove a session's rollout files (found by `find_all`), and its thread's goal with them
    (0.169's thread/delete leaves no row in goals_1.sqlite)."""
    from codex.rollout import delete_session

    for path in paths:
        try:
            delete_session(codex_home, path)
        except OSError as err:
            raise CodexError(f"cannot delete {path}: {err.strerror or err}") from None
        _forget_goal(codex_home, path)


def _forget_goal(codex_home: Path, rollout: Path) -> None:
    """Drop the goal of the thread recorded in `rollout` (`rollout-<time>-<thread id>.jsonl`)."""
    from codex.protocol.ids import is_uuid

    thread_id = rollout.name.removesuffix(".jsonl")[-36:]
    if not is_uuid(thread_id):
        return
    from codex.core.goals.store import GoalStore  # (no goals file: nothing opened)

    try:
        GoalStore(codex_home).delete(thread_id)
    except Exception as err:  # sqlite3.Error: the rollout is gone; say the goal is not
        raise CodexError(f"cannot delete the goal of {thread_id}: {err}") from None


def new_session_id() -> str:
    """A new conversation id, as a new session gets (UUIDv7)."""
    from codex.rollout.paths import new_conversation_id

    return new_conversation_id()


def new_rollout_path(codex_home: Path, session: str) -> Path:
    """Where a new session `session` started now records itself (sessions/YYYY/MM/DD/...)."""
    from codex.rollout.paths import rollout_path

    return rollout_path(codex_home, session)
