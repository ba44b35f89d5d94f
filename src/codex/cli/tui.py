"""`codex [PROMPT]` (no subcommand), `codex resume [--last | --all | ID] [PROMPT]` and
`codex fork [--last | --all | ID] [PROMPT]`: argument wiring for the interactive TUI. The work
is in `codex.tui` (imported, with Textual, only when it runs)."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse

    from codex.cli.context import CliContext

# Options of the TUI that take a value (so the dispatcher can find a subcommand past them).
VALUE_OPTIONS = (
    "-m",
    "--model",
    "-s",
    "--sandbox",
    "-a",
    "--ask-for-approval",
    "-C",
    "--cd",
    "--add-dir",
    "-i",
    "--image",
    "--local-provider",
)


def add_tui_options(parser: argparse.ArgumentParser) -> None:
    from codex._hook_trust_flag import BYPASS_HOOK_TRUST_HELP

    p = parser.add_argument
    p("-m", "--model", metavar="MODEL", help="Model the agent should use")
    p(
        "-s",
        "--sandbox",
        choices=("read-only", "workspace-write", "danger-full-access"),
        help="Sandbox policy for model-generated shell commands",
    )
    p(
        "-a",
        "--ask-for-approval",
        dest="approval",
        choices=("on-request", "never"),  # 0.169 accepts only these two
        help="When the model needs your approval before running a command",
    )
    p(
        "--full-auto",
        action="store_true",
        help="Low-friction automatic execution (-a on-request, --sandbox workspace-write)",
    )
    p(
        "--dangerously-bypass-approvals-and-sandbox",
        "--yolo",
        dest="yolo",
        action="store_true",
        help="Skip all confirmation prompts and run commands without a sandbox (DANGEROUS)",
    )
    p(
        "--dangerously-bypass-hook-trust",
        dest="bypass_hook_trust",
        action="store_true",
        help=BYPASS_HOOK_TRUST_HELP,
    )
    p("-C", "--cd", metavar="DIR", help="Use DIR as the agent's working root")
    p(
        "--add-dir",
        dest="add_dirs",
        action="append",
        default=[],
        metavar="DIR",
        help="Additional directory that should be writable",
    )
    p(
        "-i",
        "--image",
        dest="images",
        action="append",
        default=[],
        metavar="FILE",
        help="Image(s) to attach to the initial prompt",
    )
    p("--oss", action="store_true", help="Use a local open source model provider")
    p(
        "--local-provider",
        metavar="OSS_PROVIDER",
        help="The local provider for --oss (lmstudio, ollama, embedded)",
    )
    p("--search", action="store_true", help="Enable live web search for the model")
    p(
        "--no-alt-screen",
        action="store_true",
        help="Run inline, keeping the terminal's scrollback (no alternate screen)",
    )


def build_parser(mode: str) -> argparse.ArgumentParser:
    import argparse

    from codex.cli.main import add_global_options

    prog = "codex" if mode == "new" else f"codex {mode}"
    parser = argparse.ArgumentParser(
        prog=prog,
        description={
            "new": "Start the interactive TUI, optionally with a first prompt.",
            "resume": "Resume a previous interactive session (picker by default).",
            "fork": "Fork a previous interactive session into a new one (picker by default).",
        }[mode],
    )
    add_global_options(parser)
    add_tui_options(parser)
    configure_session_choice(parser, mode)
    parser.add_argument("prompt", nargs="?", metavar="PROMPT", help="Initial prompt")
    if mode == "new":  # `codex --config-home DIR --version`: the version after global options too
        from codex import __version__

        parser.add_argument("-V", "--version", action="version", version=f"codex-cli {__version__}")
    return parser


def configure_session_choice(parser: argparse.ArgumentParser, mode: str) -> None:
    if mode == "new":
        return
    parser.add_argument("--last", action="store_true", help="The most recent session")
    parser.add_argument(
        "--all", dest="show_all", action="store_true", help="Show sessions of every directory"
    )
    parser.add_argument("session_id", nargs="?", metavar="SESSION_ID", help="Session id (UUID)")


def configure(parser: argparse.ArgumentParser) -> None:
    """For the command table (`codex resume --help` as listed by `codex --help`)."""
    add_tui_options(parser)
    configure_session_choice(parser, "resume")
    parser.add_argument("prompt", nargs="?", metavar="PROMPT", help="Initial prompt")


def run_argv(argv: list[str], mode: str) -> int:
    """Parse `argv` (the subcommand word already removed) and run the TUI."""
    if not argv:
        # Plain `codex` (the usual launch): every option at its default, so the parser is not
        # built (importing argparse and building it is ~5 ms of the time to the first frame).
        from types import SimpleNamespace

        from codex.cli.context import CliContext

        return run_parsed(SimpleNamespace(), CliContext(), mode)  # type: ignore[arg-type]
    from codex.cli.main import _context

    args = build_parser(mode).parse_args(argv)
    ctx = _context(args)
    if ctx.profile is not None:
        from codex.config.profiles import check_profile_flag

        check_profile_flag(ctx.profile)
    return run_parsed(args, ctx, mode)


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    return run_parsed(args, ctx, getattr(args, "command", "resume") or "resume")


def run_parsed(args: argparse.Namespace, ctx: CliContext, mode: str) -> int:
    from codex.tui.launch import TuiRequest, run_tui

    ctx.log_target = "tui"  # the screen is the TUI's: its log lines go to codex-tui.log
    ns = vars(args)
    request = TuiRequest(
        prompt=ns.get("prompt"),
        images=list(ns.get("images") or []),
        model=ns.get("model"),
        sandbox=ns.get("sandbox"),
        approval=ns.get("approval"),
        full_auto=bool(ns.get("full_auto")),
        yolo=bool(ns.get("yolo")),
        bypass_hook_trust=bool(ns.get("bypass_hook_trust")),
        cd=ns.get("cd"),
        add_dirs=list(ns.get("add_dirs") or []),
        oss=bool(ns.get("oss")),
        local_provider=ns.get("local_provider"),
        search=bool(ns.get("search")),
        no_alt_screen=bool(ns.get("no_alt_screen")),
        mode=mode if mode in ("resume", "fork") else "new",
        session_id=ns.get("session_id"),
        last=bool(ns.get("last")),
        show_all=bool(ns.get("show_all")),
    )
    return run_tui(request, ctx)
