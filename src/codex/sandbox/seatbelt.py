"""macOS Seatbelt: the profile text for a policy, and the `sandbox-exec` argv that runs it.

Pure string building (importable and unit-tested on Linux); only `seatbelt_argv`'s result is
ever executed, by `codex.sandbox.spawn`, and only on macOS. Paths reach the profile as `-D`
parameters (WRITABLE_ROOT_i, WRITABLE_ROOT_i_EXCLUDED_j), never spliced into the text, and are
canonicalized first because Seatbelt matches real paths (/var is /private/var).
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from codex.protocol.sandbox_policy import SandboxPolicy
from codex.sandbox.policy import writable_roots

# Absolute path, never looked up in PATH: a workspace could otherwise shadow it.
SANDBOX_EXEC = "/usr/bin/sandbox-exec"

# Start from nothing; let the command run processes of its own, see itself, use a terminal and
# the few system services every program touches.
BASE_PROFILE = """(version 1)
(deny default)
(allow process-exec)
(allow process-fork)
(allow signal (target same-sandbox))
(allow process-info* (target same-sandbox))
(allow file-write-data (require-all (path "/dev/null") (vnode-type CHARACTER-DEVICE)))
(allow sysctl-read
  (sysctl-name-prefix "hw.")
  (sysctl-name-prefix "kern.")
  (sysctl-name-prefix "machdep.cpu.")
  (sysctl-name "sysctl.proc_cputype")
  (sysctl-name "vm.loadavg"))
(allow mach-lookup
  (global-name "com.apple.system.opendirectoryd.libinfo")
  (global-name "com.apple.PowerManagement.control"))
(allow ipc-posix-sem)
(allow pseudo-tty)
(allow file-read* file-write* file-ioctl (literal "/dev/ptmx") (regex #"^/dev/ttys[0-9]+$"))
(allow user-preference-read)
"""

NETWORK_PROFILE = """(allow network-outbound)
(allow network-inbound)
(allow system-socket)
(allow mach-lookup
  (global-name "com.apple.SystemConfiguration.configd")
  (global-name "com.apple.dnssd.service")
  (global-name "com.apple.trustd.agent")
  (global-name "com.apple.networkd"))
"""


def _canonical(path: str) -> str:
    return os.path.realpath(path)


def seatbelt_profile(
    policy: SandboxPolicy, cwd: str, env: dict[str, str] | None = None
) -> tuple[str, list[tuple[str, str]]]:
    """The profile text and its `-D` parameters (name, value) for `policy` in `cwd`."""
    lines = [BASE_PROFILE, "(allow file-read*)\n"]
    params: list[tuple[str, str]] = []
    if policy.has_full_disk_write_access():
        lines.append('(allow file-write* (regex #"^/"))\n')
    else:
        clauses = []
        for i, root in enumerate(writable_roots(policy, cwd, env)):
            name = f"WRITABLE_ROOT_{i}"
            params.append((name, _canonical(root.root)))
            parts = [f'(subpath (param "{name}"))']
            for j, sub in enumerate(root.read_only_subpaths):
                excluded = f"{name}_EXCLUDED_{j}"
                params.append((excluded, _canonical(sub)))
                parts.append(f'(require-not (literal (param "{excluded}")))')
                parts.append(f'(require-not (subpath (param "{excluded}")))')
            if len(parts) == 1:
                clauses.append(parts[0])
            else:
                clauses.append("(require-all " + " ".join(parts) + ")")
        if clauses:
            lines.append("(allow file-write*\n  " + "\n  ".join(clauses) + ")\n")
    if policy.has_full_network_access():
        lines.append(NETWORK_PROFILE)
    return "".join(lines), params


def seatbelt_argv(
    command: Sequence[str], policy: SandboxPolicy, *, cwd: str, env: dict[str, str] | None = None
) -> list[str]:
    profile, params = seatbelt_profile(policy, cwd, env)
    return [
        SANDBOX_EXEC,
        "-p",
        profile,
        *(f"-D{name}={value}" for name, value in params),
        "--",
        *command,
    ]
