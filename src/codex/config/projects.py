"""Which `[projects."<path>"]` entry applies to a working directory: the cwd's own entry, else the
git repository root's (for a worktree, the main repository's root), as upstream looks it up."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any


def active_project(projects: Mapping[str, Any], cwd: Path) -> tuple[str, Any] | None:
    """The key and entry of the project that applies to `cwd`, if any."""
    entry = projects.get(str(cwd))
    if entry is not None:
        return str(cwd), entry
    root = git_root_for_trust(cwd)
    if root is not None:
        entry = projects.get(str(root))
        if entry is not None:
            return str(root), entry
    return None


def git_root_for_trust(cwd: Path) -> Path | None:
    """The top of the repository holding `cwd`; a linked worktree maps to its main repository."""
    for directory in (cwd, *cwd.parents):
        dot_git = directory / ".git"
        if dot_git.is_dir():
            return directory
        if dot_git.is_file():
            return _main_worktree_root(dot_git) or directory
    return None


def _main_worktree_root(dot_git_file: Path) -> Path | None:
    """`.git` is a file `gitdir: <dir>`; `<dir>/commondir` points at the main `.git`."""
    try:
        text = dot_git_file.read_text(encoding="utf-8").strip()
    except OSError:
        return None
    if not text.startswith("gitdir:"):
        return None
    gitdir = Path(text.removeprefix("gitdir:").strip())
    if not gitdir.is_absolute():
        gitdir = dot_git_file.parent / gitdir
    try:
        common = (gitdir / "commondir").read_text(encoding="utf-8").strip()
    except OSError:
        return None
    common_dir = Path(common) if Path(common).is_absolute() else gitdir / common
    common_dir = Path(_normalize(common_dir))
    return common_dir.parent if common_dir.name == ".git" else None


def _normalize(path: Path) -> str:
    import os

    return os.path.normpath(path)
