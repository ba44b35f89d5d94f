"""`codex exec` (alias `e`): run the agent non-interactively. Only argument wiring lives here; the
work is in `codex.exec` (imported when the command runs, not when `--help` is built)."""

from __future__ import annotations

# `typing` costs ~2 ms that `codex exec --help` would otherwise not pay (as in cli/main.py).
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse

    from codex.cli.context import CliContext


def configure(parser: argparse.ArgumentParser) -> None:
    from codex.exec.args import add_options, add_positional

    add_options(parser)
    add_positional(parser)


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    from codex.exec.args import parse_rest
    from codex.exec.run import run_exec

    request = parse_rest(args)
    if request.extra_config:
        ctx.cli_overrides.extend(request.extra_config)
    if request.profile:
        ctx.profile = request.profile
    ctx.feature_toggles.extend(request.feature_toggles)
    ctx.strict_config = ctx.strict_config or request.strict_config
    ctx.ignore_user_config = request.ignore_user_config
    return run_exec(request, ctx)
