"""Git facts for `session_meta` (`{commit_hash?, branch?, repository_url?}`), read from `.git`
files directly (HEAD, refs, packed-refs, config) instead of spawning `git` three times: same
answer for ordinary repos, ~0.1 ms instead of ~15 ms of startup."""

from __future__ import annotations

import os
from pathlib import Path

from codex.core.stat_cache import Stamp, StatCache, Watch

# Per process: threads started in the same cwd share the answer while the files that decided it
# are unchanged (codex.core.stat_cache): a commit or checkout between two threads is seen.
_cache: StatCache[dict[str, str] | None] = StatCache()


def _git_dir(cwd: Path, watch: Watch) -> Path | None:
    for directory in (cwd, *cwd.parents):
        dot_git = directory / ".git"
        watch.add(dot_git)  # missing now: watched for appearing; a .git file for its target
        if dot_git.is_dir():
            return dot_git
        if dot_git.is_file():  # worktree / submodule: "gitdir: <path>"
            try:
                text = dot_git.read_text().strip()
            except OSError:
                return None
            if text.startswith("gitdir:"):
                target = Path(text[7:].strip())
                return target if target.is_absolute() else (directory / target).resolve()
            return None
    return None


def _read(path: Path, watch: Watch) -> str | None:
    watch.add(path)  # stamped before it is read (missing paths too: one may appear)
    try:
        return path.read_text(errors="replace")
    except OSError:
        return None


def git_info(
    cwd: str | os.PathLike[str], *, seen: dict[str, Stamp] | None = None
) -> dict[str, str] | None:
    """`{commit_hash?, branch?, repository_url?}` of the repo holding `cwd`, or None (a new dict
    per call: the caller may keep or change it). `seen`: stamps the caller shares between checks
    (codex.core.stat_cache.Watch.unchanged; AGENTS.md's lookup watches the same `.git` paths)."""
    info = _cache.get(os.fspath(cwd), lambda watch: _git_info(Path(cwd), watch), seen=seen)
    return dict(info) if info is not None else None


def _git_info(cwd: Path, watch: Watch) -> dict[str, str] | None:
    git_dir = _git_dir(cwd, watch)
    if git_dir is None:
        return None
    common = git_dir
    common_file = _read(git_dir / "commondir", watch)
    if common_file:
        common = (git_dir / common_file.strip()).resolve()
    info: dict[str, str] = {}
    head = (_read(git_dir / "HEAD", watch) or "").strip()
    commit = None
    if head.startswith("ref:"):
        ref = head[4:].strip()
        if ref.startswith("refs/heads/"):
            info["branch"] = ref[len("refs/heads/") :]
        commit = (_read(git_dir / ref, watch) or _read(common / ref, watch) or "").strip() or None
        if commit is None:
            for line in (_read(common / "packed-refs", watch) or "").splitlines():
                parts = line.split(" ", 1)
                if len(parts) == 2 and parts[1].strip() == ref:
                    commit = parts[0]
                    break
    elif head:
        commit = head
    if commit:
        info = {"commit_hash": commit, **info}
    url = _origin_url(_read(common / "config", watch) or "")
    if url:
        info["repository_url"] = url
    return info or None


def _origin_url(config_text: str) -> str | None:
    in_origin = False
    for raw in config_text.splitlines():
        line = raw.strip()
        if line.startswith("["):
            in_origin = line.replace(" ", "") in ('[remote"origin"]',)
            continue
        if in_origin and line.startswith("url"):
            key, _, value = line.partition("=")
            if key.strip() == "url":
                return value.strip()
    return None
