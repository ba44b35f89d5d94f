"""The interactive TUI's options written before another subcommand (`codex -m MODEL exec hi`).

0.169 parses them for every subcommand. `exec` (with its `resume` and `review`) inherits the
options the two share: a value the exec part sets wins, `--image`/`--add-dir` lists keep the root
entries first, `--oss` stays on if either level sets it, and the sandbox choice (`--sandbox`,
`--dangerously-bypass-approvals-and-sandbox`, and our `--full-auto`) is taken as one unit: a
choice after `exec` replaces the root's whole. The TUI-only ones (`-a`, `--search`,
`--no-alt-screen`) and every one before any other subcommand are checked and then ignored.
"""

from __future__ import annotations

from codex.cli.tui import VALUE_OPTIONS

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse

_FLAGS = frozenset(
    {
        "--full-auto",
        "--dangerously-bypass-approvals-and-sandbox",
        "--yolo",
        "--oss",
        "--search",
        "--no-alt-screen",
        "--dangerously-bypass-hook-trust",
    }
)
_VALUES = frozenset(VALUE_OPTIONS)
_SANDBOX_CHOICE = ("-s", "--sandbox", "--dangerously-bypass-approvals-and-sandbox", "--yolo")


def fold_root_options(argv: list[str], at: int, command: str, global_values: set[str]) -> list[str]:
    """`argv` with the TUI options before the subcommand word `argv[at]` taken out: for `exec`,
    put back after that word as exec options; for any other command, dropped once valid.
    `global_values` are the global options that take a value (kept where they are)."""
    kept: list[str] = []
    tui: list[str] = []
    head = argv[:at]
    i = 0
    while i < len(head):
        token = head[i]
        name = token.split("=", 1)[0]
        takes_value = "=" not in token and i + 1 < len(head)
        if name in _FLAGS or name in _VALUES:
            tui.append(token)
            if name in _VALUES and takes_value:
                tui.append(head[i + 1])
                i += 1
        else:
            kept.append(token)
            if name in global_values and takes_value:
                kept.append(head[i + 1])
                i += 1
        i += 1
    if not tui:
        return argv
    parsed = _parser().parse_args(tui)
    tail = argv[at + 1 :]
    inherited = _exec_options(parsed, tail) if command == "exec" else []
    return [*kept, argv[at], *inherited, *tail]


def _parser() -> argparse.ArgumentParser:
    import argparse

    from codex.cli.tui import add_tui_options

    parser = argparse.ArgumentParser(prog="codex", add_help=False)
    add_tui_options(parser)
    return parser


def _exec_options(root: argparse.Namespace, tail: list[str]) -> list[str]:
    """The shared root options as exec options, in `--name=value` form (a value is never taken
    for the prompt, nor a prompt for a value)."""
    out: list[str] = []
    if root.model is not None:
        out.append(f"--model={root.model}")
    if root.cd is not None:
        out.append(f"--cd={root.cd}")
    out += [f"--add-dir={path}" for path in root.add_dirs]
    out += [f"--image={path}" for path in root.images]
    if root.oss:
        out.append("--oss")
    if root.bypass_hook_trust:
        out.append("--dangerously-bypass-hook-trust")
    if root.local_provider is not None:
        out.append(f"--local-provider={root.local_provider}")
    if not _chooses_sandbox(tail):
        if root.sandbox is not None:
            out.append(f"--sandbox={root.sandbox}")
        if root.yolo:
            out.append("--dangerously-bypass-approvals-and-sandbox")
        if root.full_auto:
            out.append("--full-auto")
    return out


def _chooses_sandbox(tail: list[str]) -> bool:
    for token in tail:
        if token == "--":
            return False
        name = token.split("=", 1)[0]
        if name in _SANDBOX_CHOICE or name == "--full-auto" or token.startswith("-s"):
            return True
    return False
