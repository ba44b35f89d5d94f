"""`codex models pull NAME | add PATH [--name N] | list`: the embedded runtime's model store
(`$CODEX_HOME/models/`, see codex.local.models, reached through codex.api.local_models)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from codex.cli.context import CliContext


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="models_command", metavar="COMMAND", required=True)
    pull = sub.add_parser(
        "pull", help="Install a known model (smollm2: SmolLM2-135M-Instruct, pinned sha256)"
    )
    pull.add_argument("name", nargs="?", default="smollm2", help="Model to install")
    add = sub.add_parser("add", help="Install a local GGUF file")
    add.add_argument("path", help="The .gguf file")
    add.add_argument("--name", default=None, help="Name to use with -m (default: file stem)")
    sub.add_parser("list", help="Show the installed models")


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    from codex.api import local_models as local

    home = Path(ctx.load_config().codex_home)
    if args.models_command == "pull":
        path = local.pull_model(home, args.name)
        print(f"{args.name}: {path}")
        return 0
    if args.models_command == "add":
        path = local.add_model(home, Path(args.path), args.name)
        print(f"{path.stem}: {path}")
        return 0
    rows = local.installed_models(home)
    if not rows:
        sys.stderr.write(
            f"no models in {local.models_dir(home)}; run `codex models pull smollm2`\n"
        )
        return 0
    for m in rows:
        digest = (m.sha256 or "?")[:12]
        print(f"{m.name}\t{m.size / 1048576:.1f} MiB\tsha256:{digest}\t{m.path}")
    return 0
