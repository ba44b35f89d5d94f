"""`codex execpolicy check`: what the rule files decide for one command, as upstream's JSON.

`codex execpolicy check --rules FILE [--rules FILE]... [--pretty] [--resolve-host-executables]
-- CMD ARGS...` prints `{"matchedRules":[...],"decision":"..."}` (no "decision" when nothing
matched) and exits 0. A malformed rule file is one line naming file:line:column.
"""

from __future__ import annotations

import argparse
import sys

from codex.cli.context import CliContext


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="execpolicy_command", metavar="WHAT", required=True)
    check = sub.add_parser("check", help="Evaluate a command against execpolicy rule files")
    check.add_argument(
        "-r",
        "--rules",
        action="append",
        required=True,
        metavar="PATH",
        help="A .rules file (repeatable; later files add to earlier ones)",
    )
    check.add_argument("--pretty", action="store_true", help="Pretty-print the JSON")
    check.add_argument(
        "--resolve-host-executables",
        action="store_true",
        help="Let /abs/path/prog match rules for prog (as host_executable allows)",
    )
    check.add_argument("command", nargs=argparse.REMAINDER, metavar="-- COMMAND")


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    import json

    from codex.api.sandboxing import check_against_rules
    from codex.errors import UsageError

    command = list(args.command)
    if command and command[0] == "--":
        command = command[1:]
    if not command:
        raise UsageError("no command given; usage: codex execpolicy check --rules FILE -- CMD...")
    data = check_against_rules(
        args.rules, command, resolve_host_executables=args.resolve_host_executables
    )
    text = json.dumps(data, indent=2) if args.pretty else json.dumps(data, separators=(",", ":"))
    sys.stdout.write(text + "\n")
    return 0
