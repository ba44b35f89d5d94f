"""The runtime's view of the sandbox: which policy applies, which paths are writable, how a
command line is wrapped in the `codex-linux-sandbox` launcher, and whether a failure looks like a
sandbox denial (spec-platform §1, §2.5).

The policy itself and the launcher belong to codex.sandbox; this module only adapts them to what
the tool handlers need and delegates whenever codex.sandbox provides the function. Pure decisions
except `launcher_path()` (looks on disk).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DENIAL_KEYWORDS = (
    "operation not permitted",
    "permission denied",
    "read-only file system",
    "seccomp",
    "sandbox",
    "landlock",
    "failed to write file",
)
SIGSYS_EXIT = 128 + 31


def policy_dict(policy: Any) -> dict[str, Any]:
    """The JSON form (`{"type": "read-only", ...}`) of any policy object, dict or mode string."""
    if policy is None:
        return {"type": "read-only"}
    if isinstance(policy, str):
        return {"type": policy}
    if isinstance(policy, Mapping):
        return dict(policy)
    for attr in ("to_json_dict", "to_dict", "model_dump"):
        fn = getattr(policy, attr, None)
        if fn is not None:
            data = fn()
            if isinstance(data, Mapping):
                return dict(data)
    raise TypeError(f"not a sandbox policy: {policy!r}")


@dataclass(frozen=True, slots=True)
class WritableRoot:
    root: Path
    read_only_subpaths: tuple[Path, ...]

    def allows(self, path: Path) -> bool:
        if not _is_under(path, self.root):
            return False
        return not any(_is_under(path, sub) for sub in self.read_only_subpaths)


@dataclass(frozen=True, slots=True)
class PolicyView:
    kind: str  # read-only | workspace-write | danger-full-access | external-sandbox
    network_access: bool
    writable_roots: tuple[WritableRoot, ...]
    data: dict[str, Any]

    @property
    def full_write(self) -> bool:
        return self.kind in ("danger-full-access", "external-sandbox")

    def is_path_writable(self, path: Path) -> bool:
        if self.full_write:
            return True
        return any(root.allows(path) for root in self.writable_roots)

    def needs_platform_sandbox(self) -> bool:
        """Auto preference (spec-platform §1.3): full access and external sandboxes run bare."""
        return self.kind in ("read-only", "workspace-write")


def _is_under(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
    except ValueError:
        return False
    return True


def _read_only_subpaths(root: Path, is_cwd: bool) -> tuple[Path, ...]:
    subs: list[Path] = []
    git = root / ".git"
    if git.exists():
        subs.append(git)
        if git.is_file():
            try:
                text = git.read_text().strip()
            except OSError:
                text = ""
            if text.startswith("gitdir:"):
                target = (root / text[len("gitdir:") :].strip()).resolve()
                if target.exists():
                    subs.append(target)
    for name in (".agents", ".codex"):
        candidate = root / name
        if candidate.is_dir() or (name == ".codex" and is_cwd):
            subs.append(candidate)
    return tuple(dict.fromkeys(subs))


def view(policy: Any, cwd: Path) -> PolicyView:
    data = policy_dict(policy)
    kind = str(data.get("type", "read-only"))
    network = data.get("network_access", kind == "danger-full-access")
    network_on = network is True or network == "enabled"
    roots: list[WritableRoot] = []
    if kind == "workspace-write":
        cwd_abs = Path(os.path.abspath(cwd))
        candidates: list[tuple[Path, bool]] = [
            (Path(os.path.abspath(p)), False) for p in data.get("writable_roots") or []
        ]
        candidates.append((cwd_abs, True))
        if not data.get("exclude_slash_tmp") and os.path.isdir("/tmp"):
            candidates.append((Path("/tmp"), False))
        tmpdir = os.environ.get("TMPDIR")
        if not data.get("exclude_tmpdir_env_var") and tmpdir:
            candidates.append((Path(os.path.abspath(tmpdir)), False))
        seen: set[Path] = set()
        for root, is_cwd in candidates:
            resolved = Path(os.path.realpath(root))
            if resolved in seen:
                continue
            seen.add(resolved)
            roots.append(WritableRoot(resolved, _read_only_subpaths(resolved, is_cwd)))
            if resolved != root:
                roots.append(WritableRoot(root, _read_only_subpaths(root, is_cwd)))
    return PolicyView(kind, bool(network_on), tuple(roots), data)


def normalize_path(path: Path, cwd: Path) -> Path:
    """Absolute, `..`-free path (symlinks in existing parents resolved) for writability checks."""
    absolute = path if path.is_absolute() else cwd / path
    return Path(os.path.realpath(os.path.normpath(absolute)))


class SandboxUnavailable(Exception):
    """No launcher / kernel support: the command is not run (never silently unsandboxed)."""


def _policy_object(policy: PolicyView) -> Any:
    from codex.protocol.sandbox_policy import SandboxPolicy

    return SandboxPolicy.from_json_dict(policy.data)


def wrap_command(argv: Sequence[str], policy: PolicyView, cwd: Path) -> list[str]:
    """The launcher command line that runs `argv` under `policy` (codex.sandbox decides how)."""
    from codex.sandbox.spawn import SandboxUnavailable as Missing
    from codex.sandbox.spawn import sandboxed_argv

    try:
        return sandboxed_argv(argv, _policy_object(policy), cwd=cwd, sandbox_policy_cwd=cwd)
    except Missing as exc:
        raise SandboxUnavailable(str(exc)) from exc


def sandbox_env(policy: PolicyView, base: Mapping[str, str]) -> dict[str, str]:
    from codex.sandbox.spawn import sandbox_env as env_for

    return env_for(_policy_object(policy), base)


def is_likely_sandbox_denied(exit_code: int, *texts: str) -> bool:
    """spec-platform §2.5's heuristic, applied only to sandboxed runs that failed."""
    if exit_code == 0:
        return False
    joined = "\n".join(texts).lower()
    if any(word in joined for word in DENIAL_KEYWORDS):
        return True
    if exit_code in (2, 126, 127):
        return False
    return exit_code == SIGSYS_EXIT
