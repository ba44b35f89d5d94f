"""`codex sandbox`: run one command exactly as the agent would, under the configured policy.

`codex sandbox [-s MODE] [--add-dir DIR]... [--full-auto] -- CMD ARGS...` (also spelled
`codex sandbox linux|landlock|macos|seatbelt ... -- CMD`, the older upstream form). The policy
comes from the config (`sandbox_mode`, `[sandbox_workspace_write]`) unless a flag picks one.
This process becomes the command (exec), so stdio is inherited and its exit status is ours.
`--probe` prints what this machine's kernel offers instead.
"""

from __future__ import annotations

import argparse
import os
import sys

from codex.cli.context import CliContext

_PLATFORM_ALIASES = {"linux": "linux", "landlock": "linux", "macos": "darwin", "seatbelt": "darwin"}


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-s",
        "--sandbox",
        dest="sandbox_mode",
        choices=("read-only", "workspace-write", "danger-full-access"),
        help="Sandbox policy (default: sandbox_mode from the config, else read-only)",
    )
    parser.add_argument(
        "--add-dir",
        dest="add_dirs",
        action="append",
        default=[],
        metavar="DIR",
        help="Another writable root for workspace-write (repeatable)",
    )
    parser.add_argument(
        "--full-auto", action="store_true", help="Shorthand for --sandbox workspace-write"
    )
    parser.add_argument(
        "--dangerously-bypass-approvals-and-sandbox",
        "--yolo",
        dest="yolo",
        action="store_true",
        help="Run the command without any sandbox",
    )
    parser.add_argument(
        "--probe", action="store_true", help="Print which sandbox features this machine offers"
    )
    parser.add_argument(
        "command", nargs=argparse.REMAINDER, metavar="-- CMD ARGS", help="The command to run"
    )


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    from codex.config.overrides import check_sandbox_flags
    from codex.errors import UsageError

    command = list(args.command)
    if command and command[0] in _PLATFORM_ALIASES:
        args, command = _parse_platform_alias(command, ctx)
    if command and command[0] == "--":
        command = command[1:]
    if args.probe:
        return _print_probe()
    check_sandbox_flags(args.full_auto, args.yolo)
    if not command:
        raise UsageError("no command given; usage: codex sandbox [OPTIONS] -- CMD ARGS...")
    mode = args.sandbox_mode
    if args.yolo:
        mode = "danger-full-access"
    elif args.full_auto and mode is None:
        mode = "workspace-write"
    return _exec(command, ctx, mode, args.add_dirs)


def _parse_platform_alias(
    command: list[str], ctx: CliContext
) -> tuple[argparse.Namespace, list[str]]:
    from codex.errors import UsageError

    wanted = _PLATFORM_ALIASES[command[0]]
    if not sys.platform.startswith(wanted):
        raise UsageError(f"`codex sandbox {command[0]}` needs {wanted}; this is {sys.platform}")
    parser = argparse.ArgumentParser(prog=f"codex sandbox {command[0]}")
    parser.add_argument("-c", "--config", dest="config", action="append", default=[])
    configure(parser)
    args = parser.parse_args(command[1:])
    ctx.cli_overrides.extend(args.config)
    return args, list(args.command)


def _exec(command: list[str], ctx: CliContext, mode: str | None, add_dirs: list[str]) -> int:
    from codex.errors import CodexError
    from codex.sandbox.launch import sandbox_env, sandboxed_argv
    from codex.sandbox.policy import policy_from_config

    flags = {"sandbox_mode": mode} if mode else None
    config = ctx.load_config(flag_overrides=flags)
    policy = policy_from_config(config, add_dirs=add_dirs)
    cwd = os.fspath(config.cwd)
    argv = sandboxed_argv(command, policy, cwd=cwd)
    env = sandbox_env(policy, None)
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        os.execvpe(argv[0], argv, env)
    except FileNotFoundError:
        raise CodexError(f"command not found: {argv[0]}", exit_code=127) from None
    except PermissionError as err:
        raise CodexError(f"cannot run {argv[0]}: {err.strerror}", exit_code=126) from None
    raise AssertionError("unreachable")


def _print_probe() -> int:
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
        lines.append(f"carve-outs enforced by: {_carve_out_mode(os.fspath(launcher))}")
    lines.append(f"can sandbox: {'yes' if caps.can_sandbox else 'no'}")
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


def _carve_out_mode(launcher: str) -> str:
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
