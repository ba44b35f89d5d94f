"""`codex sandbox`: run one command exactly as the agent would, under the configured policy.

`codex sandbox [-s MODE] [--add-dir DIR]... [--full-auto] -- CMD ARGS...` (also spelled
`codex sandbox linux|landlock|macos|seatbelt ... -- CMD`, the older upstream form). The policy
comes from the config (`sandbox_mode`, `[sandbox_workspace_write]`) unless a flag picks one.
This process becomes the command (exec), so stdio is inherited and its exit status is ours.
`--probe` prints what this machine's kernel offers instead.
"""

from __future__ import annotations

import argparse
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
    from codex.api.sandboxing import exec_sandboxed

    flags = {"sandbox_mode": mode} if mode else None
    exec_sandboxed(ctx.load_config(flag_overrides=flags), command, add_dirs)


def _print_probe() -> int:
    from codex.api.sandboxing import probe_report

    sys.stdout.write("\n".join(probe_report()) + "\n")
    return 0
