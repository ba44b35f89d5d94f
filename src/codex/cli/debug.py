"""`codex debug`: look inside: the effective configuration and where each value came from.

`WHAT` is a positional choice rather than a nested subparser so the global options
(`-c`, `--config-home`, ...) keep working after it, as they do after every other subcommand.
"""

from __future__ import annotations

import argparse

from codex.cli.context import CliContext

_TOPICS = {"config": "Print the effective config and the source of each value"}


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "what",
        metavar="WHAT",
        choices=sorted(_TOPICS),
        help="; ".join(f"{name}: {text}" for name, text in _TOPICS.items()),
    )
    parser.add_argument("--json", action="store_true", help="Print JSON instead of TOML-like text")


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    if args.what == "config":
        from codex.config.show import print_effective_config

        return print_effective_config(ctx.load_config(), as_json=args.json)
    raise AssertionError(args.what)
