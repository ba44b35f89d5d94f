"""The runtime's view of the sandbox: which policy applies, which paths are writable, how a
command line is wrapped in the `codex-linux-sandbox` launcher, and whether a failure looks like a
sandbox denial (spec-platform §1, §2.5).

The policy, its writable roots, the launcher and the denial heuristic belong to codex.sandbox;
this module only adapts them to what the tool handlers need (paths as `Path`, policies given as
objects or JSON). Starts nothing.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any


def policy_dict(policy: Any) -> dict[str, Any]:
    """The JSON form (`{"type": "read-only", ...}`) of any policy object, dict or mode string."""
    if policy is None:
        return {"type": "read-only"}
    if isinstance(policy, str):
        return {"type": policy}
    if isinstance(policy, Mapping):
        return dict(policy)
    for attr in ("to_json_dict", "to_dict"):
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


def view(policy: Any, cwd: Path) -> PolicyView:
    """The policy with its writable roots computed for `cwd` by codex.sandbox (the same roots
    the launcher enforces), plus each root's symlink-resolved form, because patch targets are
    checked by their real path."""
    from codex.protocol.sandbox_policy import SandboxPolicy
    from codex.sandbox.policy import writable_roots

    data = policy_dict(policy)
    kind = str(data.get("type", "read-only"))
    network = data.get("network_access", kind == "danger-full-access")
    network_on = network is True or network == "enabled"
    roots: list[WritableRoot] = []
    if kind == "workspace-write":
        for root in writable_roots(SandboxPolicy.from_json_dict(data), os.fspath(cwd)):
            subs = tuple(Path(p) for p in root.read_only_subpaths)
            raw = Path(root.root)
            roots.append(WritableRoot(raw, subs))
            real = Path(os.path.realpath(raw))
            if real != raw:
                real_subs = tuple(Path(os.path.realpath(p)) for p in subs)
                roots.append(WritableRoot(real, real_subs))
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
    """codex.sandbox's heuristic (spec-platform §2.5) for a sandboxed run that failed."""
    from codex.sandbox.denial import is_likely_sandbox_denied as denied
    from codex.sandbox.spawn import platform_sandbox

    stdout, stderr, aggregated = (*texts, "", "", "")[:3]
    return denied(platform_sandbox(), exit_code, stdout, stderr, aggregated)
