"""The runtime's view of the sandbox: which paths a policy lets a command in a cwd write, how a
command line is wrapped in the `codex-linux-sandbox` launcher, and whether a failure looks like
a sandbox denial (spec-platform §1, §2.5).

The policy is always a parsed `codex.protocol.sandbox_policy.SandboxPolicy` here (the session
parses whatever a front end gave it once, codex.sandbox.policy.as_sandbox_policy); its writable
roots, the launcher and the denial heuristic belong to codex.sandbox, this module only adapts
them to what the tool handlers need (paths as `Path`). Starts nothing.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from codex.protocol.sandbox_policy import SandboxPolicy, SandboxPolicyType
from codex.sandbox.launch import SandboxUnavailable
from codex.sandbox.policy import WritableRoot

__all__ = [
    "SandboxUnavailable",
    "WritablePaths",
    "is_likely_sandbox_denied",
    "needs_platform_sandbox",
    "normalize_path",
    "sandbox_env",
    "wrap_command",
    "writable_paths",
]


@dataclass(frozen=True, slots=True)
class WritablePaths:
    """Where a command may write under a policy, for one cwd: everything (full-access and
    external sandboxes) or the policy's writable roots with their read-only carve-outs."""

    everything: bool
    roots: tuple[WritableRoot, ...]

    def allows(self, path: Path) -> bool:
        """`path` absolute and normalized (`..`-free)."""
        if self.everything:
            return True
        target = os.fspath(path)
        return any(root.is_path_writable(target) for root in self.roots)


def writable_paths(policy: SandboxPolicy, cwd: Path) -> WritablePaths:
    """The roots codex.sandbox computes for `cwd` (the same ones the launcher enforces), plus
    each root's symlink-resolved form, because patch targets are checked by their real path."""
    from codex.sandbox.policy import writable_roots

    roots: list[WritableRoot] = []
    for root in writable_roots(policy, os.fspath(cwd)):
        roots.append(root)
        real = os.path.realpath(root.root)
        if real != root.root:
            subs = tuple(os.path.realpath(p) for p in root.read_only_subpaths)
            roots.append(WritableRoot(real, subs))
    return WritablePaths(policy.has_full_disk_write_access(), tuple(roots))


def needs_platform_sandbox(policy: SandboxPolicy) -> bool:
    """Auto preference (spec-platform §1.3): full access and external sandboxes run bare."""
    return policy.type in (SandboxPolicyType.READ_ONLY, SandboxPolicyType.WORKSPACE_WRITE)


def normalize_path(path: Path, cwd: Path) -> Path:
    """Absolute, `..`-free path (symlinks in existing parents resolved) for writability checks."""
    absolute = path if path.is_absolute() else cwd / path
    return Path(os.path.realpath(os.path.normpath(absolute)))


def wrap_command(argv: Sequence[str], policy: SandboxPolicy, cwd: Path) -> list[str]:
    """The launcher command line that runs `argv` under `policy` (codex.sandbox decides how);
    raises SandboxUnavailable rather than ever running it bare."""
    from codex.sandbox.spawn import sandboxed_argv

    return sandboxed_argv(argv, policy, cwd=cwd, sandbox_policy_cwd=cwd)


def sandbox_env(policy: SandboxPolicy, base: Mapping[str, str]) -> dict[str, str]:
    from codex.sandbox.spawn import sandbox_env as env_for

    return env_for(policy, base)


def is_likely_sandbox_denied(exit_code: int, *texts: str) -> bool:
    """codex.sandbox's heuristic (spec-platform §2.5) for a sandboxed run that failed."""
    from codex.sandbox.denial import is_likely_sandbox_denied as denied
    from codex.sandbox.spawn import platform_sandbox

    stdout, stderr, aggregated = (*texts, "", "", "")[:3]
    return denied(platform_sandbox(), exit_code, stdout, stderr, aggregated)
