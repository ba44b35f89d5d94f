"""`codex features`: list the feature flags (stage and effective state), or turn one on or off in
config.toml. `ACTION` is a positional choice, as in `codex debug`, so the global options keep
working after it."""

from __future__ import annotations

import argparse
import sys

from codex.cli.context import CliContext
from codex.errors import CodexError, UsageError

_ACTIONS = {
    "list": "List known features with their stage and effective state",
    "enable": "Enable FEATURE in config.toml",
    "disable": "Disable FEATURE in config.toml",
}


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "action",
        metavar="ACTION",
        choices=list(_ACTIONS),
        help="; ".join(f"{name}: {text}" for name, text in _ACTIONS.items()),
    )
    parser.add_argument(
        "feature", metavar="FEATURE", nargs="?", help="Feature key (e.g. unified_exec)"
    )


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    if args.action == "list":
        if args.feature is not None:
            raise UsageError("codex features list takes no FEATURE")
        return _list(ctx)
    if args.feature is None:
        raise UsageError(f"codex features {args.action} needs a FEATURE")
    return _set(ctx, args.feature, on=args.action == "enable")


def _list(ctx: CliContext) -> int:
    from codex.config.features import FEATURE_STAGES

    features = ctx.load_config().features
    names = sorted(FEATURE_STAGES)
    name_width = max(map(len, names)) + 2
    stage_width = max(map(len, FEATURE_STAGES.values())) + 2
    for name in names:
        state = "true" if getattr(features, name) else "false"
        sys.stdout.write(f"{name:<{name_width}}{FEATURE_STAGES[name]:<{stage_width}}{state}\n")
    return 0


def _set(ctx: CliContext, name: str, *, on: bool) -> int:
    """As 0.169: enable writes `true`; disable writes `false`, or drops the key of a feature
    that is off by default."""
    from codex.config.edits import ConfigEdits
    from codex.config.features import canonical_feature, set_feature

    if ctx.profile is not None:
        raise CodexError(
            f"codex features {'enable' if on else 'disable'} edits the top-level [features] "
            "table; --profile does not apply to it"
        )
    feature = canonical_feature(name)
    if feature is None:
        raise CodexError(f"unknown feature flag: {name} (`codex features list` lists them)")
    edits = ConfigEdits.for_overrides(ctx.overrides())
    set_feature(edits, feature, on=on)
    edits.apply()
    sys.stdout.write(f"{'Enabled' if on else 'Disabled'} feature `{feature}` in config.toml.\n")
    return 0
