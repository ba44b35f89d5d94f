"""Did the sandbox cause this failure? Upstream's `is_likely_sandbox_denied` heuristic.

A "yes" turns a failed command into a sandbox denial, which is what lets `on-failure` and
`untrusted` offer to retry without the sandbox. Pure: looks only at the result.
"""

from __future__ import annotations

import signal

from codex.sandbox.platform import SandboxType

DENIAL_MARKERS = (
    "operation not permitted",
    "permission denied",
    "read-only file system",
    "seccomp",
    "sandbox",
    "landlock",
    "failed to write file",
)
# Exit codes that mean "usage error / cannot execute / not found", not a denial.
_ORDINARY_FAILURES = frozenset({2, 126, 127})
_SIGSYS_EXIT = 128 + signal.SIGSYS


def is_likely_sandbox_denied(
    sandbox: SandboxType,
    exit_code: int,
    stdout: str | bytes = "",
    stderr: str | bytes = "",
    aggregated_output: str | bytes = "",
) -> bool:
    if sandbox is SandboxType.NONE or exit_code == 0:
        return False
    for text in (stdout, stderr, aggregated_output):
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        lowered = text.lower()
        if any(marker in lowered for marker in DENIAL_MARKERS):
            return True
    if exit_code in _ORDINARY_FAILURES:
        return False
    return sandbox is SandboxType.LINUX and exit_code == _SIGSYS_EXIT
