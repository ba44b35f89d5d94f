"""The `codex` multitool: global options, then dispatch to one subcommand's module.

Startup is a feature: `--version` answers before argparse is imported, and only the chosen
subcommand's module is ever imported.
"""

from __future__ import annotations

import sys

from codex import __version__
from codex.cli.tui import VALUE_OPTIONS as TUI_VALUE_OPTIONS

# typing costs ~4 ms of import time; annotations are strings here anyway.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from typing import NoReturn

    from codex.cli.context import CliContext

# Global options taking a value, so the subcommand can be found without a full parse.
_GLOBAL_VALUE_OPTIONS = {
    "-c",
    "--config",
    "--config-home",
    "--config-file",
    "-p",
    "--profile",
    "--enable",
    "--disable",
}

# With the interactive TUI's options taking a value (`codex -m MODEL resume`).
_VALUE_OPTIONS = _GLOBAL_VALUE_OPTIONS | set(TUI_VALUE_OPTIONS)
# Subcommands that are the TUI itself, parsed by codex.cli.tui.
_TUI_COMMANDS = ("resume", "fork")

# Options whose value is a path: like 0.169 (whose paths are OS strings), any bytes are allowed.
_PATH_OPTIONS = frozenset(
    {
        "-C",
        "--cd",
        "--add-dir",
        "-i",
        "--image",
        "-o",
        "--output-last-message",
        "--output-schema",
        "--config-home",
        "--config-file",
    }
)


def entry() -> NoReturn:
    sys.exit(main(sys.argv[1:]))


def main(argv: list[str]) -> int:
    if argv and argv[0] in ("--version", "-V"):
        sys.stdout.write(f"codex-cli {__version__}\n")
        return 0
    fast = None
    if "app-server" in argv:  # its client waits for `initialize`: answered before argparse
        from codex.app_server.fast_start import answer_initialize

        fast = answer_initialize(argv)  # a plain stdio command line: served without argparse
    from codex.errors import CodexError

    if not _arguments_are_text(argv):
        # 0.169 (clap) refuses these before anything runs; a prompt or `-c` value with stray
        # bytes would otherwise fail deep inside (a request body or a config error report).
        sys.stderr.write("codex: invalid UTF-8 was detected in one or more arguments\n")
        return 2
    try:
        return fast() if fast is not None else _dispatch(argv)
    except CodexError as err:
        sys.stderr.write(f"codex: {err}\n")
        return err.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 141


def _arguments_are_text(argv: list[str]) -> bool:
    """Whether every argument is valid UTF-8 (Python hands other bytes over as surrogates),
    except path values and what follows `--` (a command line to run, which may be any bytes)."""
    path_value = False
    for token in argv:
        if token == "--":
            return True
        if path_value or token.isascii():
            path_value = token in _PATH_OPTIONS
            continue
        name = token.split("=", 1)[0]
        path_value = token in _PATH_OPTIONS
        if name in _PATH_OPTIONS:
            continue
        try:
            token.encode()
        except UnicodeEncodeError:
            return False
    return True


def find_subcommand(argv: list[str]) -> str | None:
    """The first positional token, skipping global options and their values."""
    at = _subcommand_at(argv)
    return None if at is None else argv[at]


def _subcommand_at(argv: list[str]) -> int | None:
    skip = False
    for at, token in enumerate(argv):
        if skip:
            skip = False
            continue
        if token == "--":
            return None
        if token in _VALUE_OPTIONS:
            skip = True
            continue
        if token.startswith("-"):
            continue
        return at
    return None


def add_global_options(parser: argparse.ArgumentParser, *, suffix: str = "") -> None:
    """The options every entry point accepts, before or after the subcommand."""
    import argparse

    quiet = argparse.SUPPRESS if suffix else None
    parser.add_argument(
        "-c",
        "--config",
        dest=f"config{suffix}",
        action="append",
        default=[] if not suffix else argparse.SUPPRESS,
        metavar="key=value",
        help=quiet
        or "Override a config value (dotted key, TOML value, falls back to a string); repeatable",
    )
    parser.add_argument(
        "--config-home",
        dest=f"config_home{suffix}",
        metavar="DIR",
        default=argparse.SUPPRESS if suffix else None,
        help=quiet or "Use DIR as CODEX_HOME (config, auth, sessions)",
    )
    parser.add_argument(
        "--config-file",
        dest=f"config_file{suffix}",
        metavar="FILE",
        default=argparse.SUPPRESS if suffix else None,
        help=quiet or "Load FILE instead of $CODEX_HOME/config.toml",
    )
    parser.add_argument(
        "-p",
        "--profile",
        dest=f"profile{suffix}",
        metavar="NAME",
        default=argparse.SUPPRESS if suffix else None,
        help=quiet
        or "Layer $CODEX_HOME/NAME.config.toml over config.toml (or the legacy [profiles.NAME])",
    )
    add_feature_options(parser, suffix=suffix)


def add_feature_options(parser: argparse.ArgumentParser, *, suffix: str = "") -> None:
    """`--enable`/`--disable FEATURE` (one list, so the command-line order decides) and
    `--strict-config`; `codex exec` also takes them after its prompt."""
    import argparse

    quiet = argparse.SUPPRESS if suffix else None
    for flag, on in (("--enable", True), ("--disable", False)):
        parser.add_argument(
            flag,
            dest=f"feature_toggles{suffix}",
            action="append",
            type=_toggle(on),
            default=[] if not suffix else argparse.SUPPRESS,
            metavar="FEATURE",
            help=quiet
            or f"{flag[2:].capitalize()} a feature (repeatable); the same as "
            f"-c features.FEATURE={'true' if on else 'false'}",
        )
    parser.add_argument(
        "--strict-config",
        dest=f"strict_config{suffix}",
        action="store_true",
        default=False if not suffix else argparse.SUPPRESS,
        help=quiet or "Refuse a config.toml (or -c) naming fields this version does not know",
    )


def _toggle(on: bool):  # -> an argparse `type` turning FEATURE into (FEATURE, on)
    def parse(name: str) -> tuple[str, bool]:
        return (name.strip(), on)

    return parse


def build_parser(selected: str | None, *, every: bool = False) -> argparse.ArgumentParser:
    """The parser for a run of `selected` (only its module is imported and configured), or,
    with `every`, the whole tree (tests walk it to ask every command for --help)."""
    import argparse

    from codex.cli import commands

    parser = argparse.ArgumentParser(
        prog="codex",
        description="codex-py: a terminal coding agent compatible with OpenAI's Codex CLI.",
    )
    parser.add_argument("-V", "--version", action="version", version=f"codex-cli {__version__}")
    add_global_options(parser)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    for command in commands.COMMANDS:
        sub = subparsers.add_parser(
            command.name, aliases=list(command.aliases), help=command.help, description=command.help
        )
        if every or (selected is not None and commands.find(selected) is command):
            add_global_options(sub, suffix="_sub")
            _load(command.module).configure(sub)
    return parser


def _load(module: str):  # -> a command module
    import importlib

    return importlib.import_module(module)


def _context(args: argparse.Namespace) -> CliContext:
    from codex.cli.context import CliContext

    ns = vars(args)
    return CliContext(
        config_home=ns.get("config_home_sub") or ns.get("config_home"),
        config_file=ns.get("config_file_sub") or ns.get("config_file"),
        cli_overrides=[*ns.get("config", []), *ns.get("config_sub", [])],
        # `is None`, not `or`: `-p ""` is an invalid name to report, not "no profile".
        profile=ns.get("profile") if ns.get("profile_sub") is None else ns["profile_sub"],
        feature_toggles=[*ns.get("feature_toggles", []), *ns.get("feature_toggles_sub", [])],
        strict_config=bool(ns.get("strict_config") or ns.get("strict_config_sub")),
    )


def _dispatch(argv: list[str]) -> int:
    from codex.cli import commands

    at = _subcommand_at(argv)
    selected = None if at is None else argv[at]
    command = commands.find(selected) if selected else None
    if command is None and not (selected is None and ("-h" in argv or "--help" in argv)):
        # No subcommand: the interactive TUI, the first positional word being its PROMPT.
        from codex.cli.tui import run_argv

        return run_argv(argv, "new")
    if command is not None and at is not None and command.name in _TUI_COMMANDS:
        from codex.cli.tui import run_argv

        return run_argv(argv[:at] + argv[at + 1 :], command.name)
    if command is not None and at:
        # `codex -m MODEL exec ...`: the TUI's options before another subcommand, as 0.169.
        from codex.cli.root_options import fold_root_options

        argv = fold_root_options(argv, at, command.name, _GLOBAL_VALUE_OPTIONS)
    parser = build_parser(selected)
    args = parser.parse_args(argv)
    if command is None:
        parser.print_help()
        return 0
    ctx = _context(args)
    if command.name in ("app-server", "batch"):
        ctx.log_target = command.name  # the others log to stderr (codex.core.logs)
    if ctx.profile is not None:
        from codex.config.profiles import check_profile_flag

        check_profile_flag(ctx.profile)
    return int(_load(command.module).run(args, ctx) or 0)
