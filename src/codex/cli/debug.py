"""`codex debug`: look inside: the effective configuration and where each value came from."""

from __future__ import annotations

import argparse

from codex.cli.context import CliContext


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="debug_command", metavar="WHAT", required=True)
    cfg = sub.add_parser("config", help="Print the effective config and the source of each value")
    cfg.add_argument("--json", action="store_true", help="Print JSON instead of TOML-like text")


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    if args.debug_command == "config":
        from codex.config.show import print_effective_config

        return print_effective_config(ctx.load_config(), as_json=args.json)
    raise AssertionError(args.debug_command)
