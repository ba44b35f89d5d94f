"""Git facts for `session_meta` (`{commit_hash?, branch?, repository_url?}`), read from `.git`
files directly (HEAD, refs, packed-refs, config) instead of spawning `git` three times: same
answer for ordinary repos, ~0.1 ms instead of ~15 ms of startup."""

from __future__ import annotations

from pathlib import Path


def _git_dir(cwd: Path) -> Path | None:
    for directory in (cwd, *cwd.parents):
        dot_git = directory / ".git"
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


def _read(path: Path) -> str | None:
    try:
        return path.read_text(errors="replace")
    except OSError:
        return None


def git_info(cwd: Path) -> dict[str, str] | None:
    """`{commit_hash?, branch?, repository_url?}` of the repo holding `cwd`, or None."""
    git_dir = _git_dir(cwd)
    if git_dir is None:
        return None
    common = git_dir
    common_file = _read(git_dir / "commondir")
    if common_file:
        common = (git_dir / common_file.strip()).resolve()
    info: dict[str, str] = {}
    head = (_read(git_dir / "HEAD") or "").strip()
    commit = None
    if head.startswith("ref:"):
        ref = head[4:].strip()
        if ref.startswith("refs/heads/"):
            info["branch"] = ref[len("refs/heads/") :]
        commit = (_read(git_dir / ref) or _read(common / ref) or "").strip() or None
        if commit is None:
            for line in (_read(common / "packed-refs") or "").splitlines():
                parts = line.split(" ", 1)
                if len(parts) == 2 and parts[1].strip() == ref:
                    commit = parts[0]
                    break
    elif head:
        commit = head
    if commit:
        info = {"commit_hash": commit, **info}
    url = _origin_url(_read(common / "config") or "")
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
