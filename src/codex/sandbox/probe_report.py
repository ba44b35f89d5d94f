"""What this machine's kernel offers for sandboxing, as the lines `codex sandbox --probe` prints:
the platform sandbox, Landlock ABI, seccomp, the launcher found and how it enforces read-only
carve-outs."""

from __future__ import annotations

import os
import sys


def probe_report() -> list[str]:
    from codex._native.probe import probe
    from codex.sandbox.launch import SandboxUnavailable, find_linux_launcher
    from codex.sandbox.platform import platform_sandbox

    caps = probe()
    landlock = caps.landlock_abi or f"unavailable ({caps.landlock_unavailable})"
    lines = [
        f"platform sandbox: {platform_sandbox().value}",
        f"landlock abi: {landlock}",
        "seccomp filters: "
        + ("available" if caps.seccomp_filter else f"unavailable ({caps.seccomp_unavailable})"),
        f"seccomp mode now: {caps.seccomp_mode}",
        f"no_new_privs now: {caps.no_new_privs}",
        f"native probe: {'C' if caps.native else 'python twin'}",
    ]
    try:
        launcher = find_linux_launcher() if sys.platform.startswith("linux") else None
    except SandboxUnavailable as err:
        lines.append(f"launcher: {err}")
        launcher = None
    if launcher is not None:
        lines.append(f"launcher: {launcher}")
        lines.append(f"carve-outs enforced by: {carve_out_mode(os.fspath(launcher))}")
    lines.append(f"can sandbox: {'yes' if caps.can_sandbox else 'no'}")
    return lines


def carve_out_mode(launcher: str) -> str:
    """Ask the launcher whether it can use a mount namespace (mounts) or must enumerate."""
    import json
    import subprocess

    policy = '{"type":"workspace-write","exclude_slash_tmp":true,"exclude_tmpdir_env_var":true}'
    done = subprocess.run(
        [launcher, "--sandbox-policy-cwd", os.getcwd(), "--sandbox-policy", policy, "--explain"],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        return f"unknown ({done.stderr.strip()})"
    mode = json.loads(done.stdout)["carve_outs"]
    return {
        "mounts": "read-only mounts in a private mount namespace",
        "enumeration": "Landlock rules per child of each root (top level of a root is frozen)",
    }.get(mode, mode)
