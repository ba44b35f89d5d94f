"""The subcommand table. Help text lives here so `codex --help` lists every command without
importing any of them; a command's module is imported only when it runs.

Each module named here provides `configure(parser)` (adds its arguments) and
`run(args, ctx) -> int`. List only commands that work.
"""

from __future__ import annotations


class Command:
    """One subcommand. A plain class: `dataclasses` would cost every start-up ~9 ms of imports
    (inspect, re, ...) that `codex --help` and `codex exec --help` otherwise never pay."""

    __slots__ = ("aliases", "help", "module", "name")

    def __init__(self, name: str, help: str, module: str, aliases: tuple[str, ...] = ()) -> None:
        self.name = name
        self.help = help
        self.module = module
        self.aliases = aliases


COMMANDS: tuple[Command, ...] = (
    Command("debug", "Diagnostics: effective configuration and its sources", "codex.cli.debug"),
    Command("exec", "Run Codex non-interactively", "codex.cli.exec", aliases=("e",)),
    Command("batch", "Run a file of exec tasks concurrently in one process", "codex.batch.command"),
    Command("mcp", "Manage external MCP servers for Codex", "codex.cli.mcp"),
    Command(
        "mcp-server",
        "Run an MCP server over stdio (--shell: the sandboxed shell tool)",
        "codex.cli.mcp_server",
    ),
    Command("sandbox", "Run a command under the configured sandbox policy", "codex.cli.sandbox"),
    Command("execpolicy", "Check a command against execpolicy rule files", "codex.cli.execpolicy"),
    Command(
        "login",
        "Manage login: API key, ChatGPT (browser or device code), status",
        "codex.cli.login",
    ),
    Command("logout", "Remove stored authentication credentials", "codex.cli.logout"),
    Command("models", "Local models for --oss: pull, add a GGUF, list", "codex.cli.models"),
    Command("features", "Inspect feature flags, or set one in config.toml", "codex.cli.features"),
    Command(
        "resume",
        "Resume a previous interactive session (picker by default; --last, or an id)",
        "codex.cli.tui",
    ),
    Command("fork", "Fork a previous interactive session into a new one", "codex.cli.tui"),
    Command("archive", "Archive a saved session by id", "codex.cli.sessions"),
    Command("unarchive", "Unarchive a saved session by id", "codex.cli.sessions"),
    Command("delete", "Permanently delete a saved session by id", "codex.cli.sessions"),
    Command(
        "undo",
        "Restore the files to before a turn of a session (--redo takes it back)",
        "codex.cli.undo",
    ),
    Command(
        "app-server",
        "Run the app server (JSON-RPC for IDEs and the Python SDK) or its schema tools",
        "codex.cli.app_server",
    ),
    Command(
        "completion",
        "Generate a shell completion script (bash, zsh, fish, elvish or powershell)",
        "codex.cli.completion",
    ),
    Command("review", "Run a code review non-interactively", "codex.cli.review"),
    Command(
        "apply",
        "Apply the last file-changing turn of a saved session to the work tree (git apply)",
        "codex.cli.apply",
        aliases=("a",),
    ),
    Command(
        "viewer",
        "Browse saved sessions in a local, read-only web viewer",
        "codex.viewer.command",
    ),
    Command(
        "export",
        "Export a saved session as Markdown, JSON or a self-contained HTML page",
        "codex.cli.export",
    ),
)


def find(name: str) -> Command | None:
    for command in COMMANDS:
        if name == command.name or name in command.aliases:
            return command
    return None
