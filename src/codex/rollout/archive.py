"""Archive a session (move its rollout file flat into `$CODEX_HOME/archived_sessions/`), bring it
back, or delete it for good."""

from __future__ import annotations

import os
from pathlib import Path

from codex.errors import CodexError
from codex.rollout.paths import archived_dir, ensure_dir, parse_rollout_name, sessions_dir


def archive_session(codex_home: Path, path: Path) -> Path:
    """Move `path` (a rollout file under sessions/) to archived_sessions/<same name>."""
    path = Path(path)
    if parse_rollout_name(path.name) is None:
        raise CodexError(f"{path} is not a rollout file")
    try:
        path.resolve().relative_to(sessions_dir(codex_home).resolve())
    except ValueError:
        raise CodexError(f"{path} is not under {sessions_dir(codex_home)}") from None
    dest = archived_dir(codex_home) / path.name
    _move(path, dest)
    return dest


def unarchive_session(codex_home: Path, name_or_path: str | Path) -> Path:
    """Move an archived rollout back to sessions/YYYY/MM/DD/ (the date in its name)."""
    name = Path(name_or_path).name
    parsed = parse_rollout_name(name)
    if parsed is None:
        raise CodexError(f"{name} is not a rollout file")
    src = archived_dir(codex_home) / name
    if not src.exists():
        raise CodexError(f"no archived session {name} in {archived_dir(codex_home)}")
    yyyy, mm, dd = parsed[0][:4], parsed[0][5:7], parsed[0][8:10]
    dest = sessions_dir(codex_home) / yyyy / mm / dd / name
    if dest.exists():
        raise CodexError(f"cannot unarchive: {dest} already exists (an active copy of the session)")
    _move(src, dest)
    return dest


def _move(src: Path, dest: Path) -> None:
    try:
        ensure_dir(dest.parent)
        os.replace(src, dest)
    except OSError as err:
        raise CodexError(f"cannot move {src} to {dest}: {err.strerror or err}") from None


def find_archived_path(codex_home: Path, conversation_id: str) -> Path | None:
    """The archived rollout file of a session by its id, or None."""
    wanted = conversation_id.lower()
    try:
        with os.scandir(archived_dir(codex_home)) as entries:
            for entry in entries:
                parsed = parse_rollout_name(entry.name)
                if parsed is not None and parsed[1] == wanted and entry.is_file():
                    return Path(entry.path)
    except FileNotFoundError:
        return None
    except OSError as err:
        raise CodexError(f"cannot read {archived_dir(codex_home)}: {err.strerror or err}") from None
    return None


def delete_session(codex_home: Path, path: Path) -> None:
    """Remove a rollout file, active or archived; nothing outside those two folders."""
    path = Path(path)
    if parse_rollout_name(path.name) is None:
        raise CodexError(f"{path} is not a rollout file")
    resolved = path.resolve()
    roots = (sessions_dir(codex_home).resolve(), archived_dir(codex_home).resolve())
    if not any(resolved.is_relative_to(root) for root in roots):
        raise CodexError(f"{path} is not a session of {codex_home}")
    path.unlink()
