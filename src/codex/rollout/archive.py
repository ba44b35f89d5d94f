"""Archive a session: move its rollout file flat into `$CODEX_HOME/archived_sessions/`."""

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
    ensure_dir(dest.parent)
    os.replace(path, dest)
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
    ensure_dir(dest.parent)
    os.replace(src, dest)
    return dest
