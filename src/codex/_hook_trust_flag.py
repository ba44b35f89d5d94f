"""`--dangerously-bypass-hook-trust` (the root command and `exec`, as 0.169 has them).

The flag is a fact about this process's command line, so it lives here and nowhere else: not
as a config key, which a config file, `-c`, or a client's `config` parameter (app-server
`thread/start`, the MCP `codex` tool) could also set. Only the argument parsers of `exec` and
the TUI call `request_bypass()`; codex.tools.hooks asks `bypass_requested()`.

This module imports nothing: `codex exec --help` reads the help text, and that path must stay
free of dataclasses and typing (tests/exec/test_cli.py checks it).
"""

BYPASS_HOOK_TRUST_HELP = (
    "For this run only, run every enabled hook even if it was never reviewed and trusted "
    "(DANGEROUS: for automation that vets its hook sources itself)"
)

_requested = [False]


def request_bypass() -> None:
    """The command line asked for it: every enabled hook of this process runs unreviewed."""
    _requested[0] = True


def bypass_requested() -> bool:
    return _requested[0]
