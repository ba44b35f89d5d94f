"""Slash commands: the table the popup filters, and what each does. A command acts through the
app's session (Ops) or writes a notice into the transcript; none reaches into core.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from codex.errors import CodexError
from codex.tui.cells import NoticeCell, PatchCell

if TYPE_CHECKING:
    from codex.tui.app import CodexApp

COMMANDS: tuple[tuple[str, str], ...] = (
    ("model", "choose what model and reasoning effort to use"),
    ("fast", "1.5x speed, increased usage"),
    ("permissions", "choose what Codex is allowed to do"),
    ("approvals", "choose what Codex is allowed to do (same as /permissions)"),
    ("vim", "toggle Vim mode for the composer"),  # (0.169: after /permissions and /keymap)
    ("skills", "use skills to improve how Codex performs specific tasks"),
    ("review", "review my current changes and find issues"),
    ("rename", "rename the current thread"),
    ("undo", "restore the files as they were before a turn of this session"),
    ("new", "start a new chat during a conversation"),
    ("archive", "archive this session"),
    ("delete", "permanently delete this session"),
    ("resume", "resume a saved chat"),
    ("fork", "fork the current chat"),
    ("init", "create an AGENTS.md file with instructions for Codex"),
    ("compact", "summarize conversation to prevent hitting the context limit"),
    ("plan", "switch to Plan mode"),
    ("goal", "set or view the goal for a long-running task"),
    ("diff", "show git diff (including untracked files)"),
    ("mention", "mention a file"),
    ("status", "show current session configuration and token usage"),
    ("warnings", "view retained warnings and diagnostic details"),
    ("cd", "change the current working directory"),
    ("pwd", "show the current working directory"),
    ("title", "configure which items appear in the terminal title"),
    ("statusline", "configure which items appear in the status line"),
    ("experimental", "toggle experimental features"),
    ("hooks", "view lifecycle hooks"),
    ("mcp", "list configured MCP tools"),
    ("copy", "copy the last response or part of it"),
    ("export", "export the conversation: /export [md|json|html] [FILE]"),
    ("logout", "log out of Codex"),
    ("quit", "exit Codex"),
    ("exit", "exit Codex"),
    ("ps", "list background terminals"),
    ("stop", "stop all background terminals"),
    ("clear", "clear the terminal and start a new chat"),
)

# What /init asks the model (upstream sends a prompt; the model writes the file with its tools).
INIT_PROMPT = (
    "Generate a file named AGENTS.md that serves as a contributor guide for this repository. "
    "Describe the project structure, build and test commands, coding style and naming "
    "conventions, testing guidelines, and commit and pull request guidelines. Keep it concise "
    "(200-400 words) and specific to this repository."
)


def matching(prefix: str) -> list[tuple[str, str]]:
    """Commands whose name starts with (else contains) `prefix` (without the slash)."""
    prefix = prefix.lower()
    starts = [c for c in COMMANDS if c[0].startswith(prefix)]
    return starts or [c for c in COMMANDS if prefix in c[0]]


def export_text(cells: list[Any], fmt: str) -> str:
    if fmt == "json":
        data = [cell.to_json() for cell in cells if cell.kind != "notice"]
        return orjson.dumps(data, option=orjson.OPT_INDENT_2).decode()
    parts = [cell.to_markdown() for cell in cells if cell.kind != "notice"]
    return "# Codex session\n\n" + "\n\n".join(parts) + "\n"


def follow_bottom(app: CodexApp) -> None:
    """Show the end of the transcript again. Typing a command opened the popup and sending it
    closed it; the taller transcript clamps its scroll offset, which the view reads as the
    user scrolling up, so the command's output would land below the screen."""
    from codex.tui.transcript import TranscriptView

    view = app.query_one(TranscriptView)
    view._follow = True
    view.scroll_end(animate=False, x_axis=False)


async def run_slash(app: CodexApp, line: str) -> None:
    # After the popup's close is laid out (the clamp happens in that layout).
    app.call_after_refresh(follow_bottom, app)
    name, _, rest = line[1:].strip().partition(" ")
    rest = rest.strip()
    found = matching(name)
    if not name or not found or (found[0][0] != name and len(found) != 1):
        app.mapper.notice(f"Unrecognized command '/{name}'. Type \"/\" for a list.", "red")
        app.mark_dirty()
        return
    name = found[0][0]
    handler = globals()["_cmd_" + name]
    await handler(app, rest)
    app.mark_dirty()


async def _submit(app: CodexApp, op: Any) -> None:
    if app.session is None:
        app.mapper.notice("The session is not ready yet.", "yellow")
        return
    await app.session.submit(op)


async def _cmd_model(app: CodexApp, rest: str) -> None:
    from codex.tui.settings import open_model_picker

    open_model_picker(app)


async def _cmd_permissions(app: CodexApp, rest: str) -> None:
    from codex.tui.settings import open_permissions_picker

    open_permissions_picker(app)


_cmd_approvals = _cmd_permissions


async def _cmd_vim(app: CodexApp, rest: str) -> None:
    """Vim mode on or off for the composer (codex.tui.vim); as 0.169 it writes no config."""
    from codex.tui.widgets import Composer

    app.mapper.notice("• " + app.query_one(Composer).toggle_vim(), "")


async def _cmd_skills(app: CodexApp, rest: str) -> None:
    from codex.tui.skills import open_skills_menu

    open_skills_menu(app)


async def _cmd_plan(app: CodexApp, rest: str) -> None:
    from codex.tui.modes import PLAN, set_mode

    await set_mode(app, PLAN)


async def _cmd_goal(app: CodexApp, rest: str) -> None:
    from codex.tui.goal_cmd import run_goal

    await run_goal(app, rest)


async def _cmd_review(app: CodexApp, rest: str) -> None:
    from codex.tui.review import open_review_picker, start_review

    if rest:  # `/review TEXT`: custom instructions, no picker
        start_review(app, instructions=rest)
        return
    open_review_picker(app)


async def _cmd_undo(app: CodexApp, rest: str) -> None:
    from codex.tui.undo import open_undo_picker

    open_undo_picker(app)


async def _cmd_new(app: CodexApp, rest: str) -> None:
    await app.restart(resume=None)


async def _cmd_resume(app: CodexApp, rest: str) -> None:
    if not rest:
        app.open_resume_picker()
        return
    from codex.api import Resume

    await app.restart(resume=Resume.thread(rest))


async def _cmd_init(app: CodexApp, rest: str) -> None:
    target = Path(str(app.options.config.cwd)) / "AGENTS.md"
    if target.exists():
        app.mapper.notice("AGENTS.md already exists here. Skipping /init to avoid overwriting it.")
        return
    await app.send_text(INIT_PROMPT)


async def _cmd_compact(app: CodexApp, rest: str) -> None:
    from codex.protocol.ops import Compact

    await _submit(app, Compact())
    app.mapper.status.running = True


# An untracked file bigger than this (or with a NUL byte) is listed without its content.
UNTRACKED_SHOWN_BYTES = 256 * 1024


def _git(cwd: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        errors="replace",  # (a diff of a file in another encoding must not raise)
        timeout=10,
        check=False,
    )


def working_tree_changes(cwd: str) -> dict[str, Any] | None:
    """What /diff shows, as FileChanges keyed by repository-relative path: tracked changes
    against HEAD, then the untracked files (not ignored) as additions, as upstream's /diff
    includes them. None outside a git work tree. A repository with no commit yet is diffed
    against the empty tree (`git diff HEAD` fails there)."""
    top = _git(cwd, "rev-parse", "--show-toplevel")
    if top.returncode != 0:
        return None
    root = top.stdout.strip()
    if _git(root, "rev-parse", "--verify", "-q", "HEAD").returncode == 0:
        base = "HEAD"
    else:
        base = _git(root, "hash-object", "-t", "tree", "/dev/null").stdout.strip()
    proc = _git(root, "diff", "--no-color", base)
    if proc.returncode != 0:
        raise OSError(proc.stderr.strip() or f"git diff exited {proc.returncode}")
    changes: dict[str, Any] = {}
    if proc.stdout.strip():
        for chunk in proc.stdout.split("\ndiff --git "):
            lines = chunk.splitlines()
            header = lines[0] if lines else ""
            path = header.split(" b/")[-1] if " b/" in header else header
            body = "\n".join(line for line in lines if line[:1] in ("+", "-", " ", "@"))
            changes[path] = {"type": "update", "unified_diff": body}
    others = _git(root, "ls-files", "--others", "--exclude-standard", "-z")
    for name in filter(None, others.stdout.split("\0")):
        try:
            with open(Path(root) / name, "rb") as f:  # (not the whole of a huge file)
                data = f.read(UNTRACKED_SHOWN_BYTES + 1)
        except OSError:
            data = b""
        shown = len(data) <= UNTRACKED_SHOWN_BYTES and b"\0" not in data
        text = data.decode("utf-8", errors="replace") if shown else ""
        changes[name] = {"type": "add", "content": text}
    return changes


async def _cmd_diff(app: CodexApp, rest: str) -> None:
    try:
        changes = working_tree_changes(str(app.options.config.cwd))
    except (OSError, subprocess.TimeoutExpired) as err:
        app.mapper.notice(f"git diff failed: {err}", "red")
        return
    if changes is None:
        app.mapper.notice("`/diff` — not inside a git repository", "yellow")
        return
    if not changes:
        app.mapper.notice("No changes.")
        return
    app.mapper.add(PatchCell(changes=changes, status="diff"))


async def _cmd_mention(app: CodexApp, rest: str) -> None:
    from codex.tui.widgets import Composer

    composer = app.query_one(Composer)
    composer.insert("@")
    composer.focus()


async def _cmd_status(app: CodexApp, rest: str) -> None:
    s = app.mapper.status
    left = s.context_left()
    lines = [
        "/status",
        f"  Model:       {s.model}",
        f"  Directory:   {s.cwd}",
        f"  Approval:    {s.approval}",
        f"  Sandbox:     {s.sandbox}",
        f"  Session:     {s.session_id}",
        f"  Tokens used: {s.tokens_used:,}",
    ]
    if left is not None:
        lines.append(f"  Context:     {left}% left")
    app.mapper.add(NoticeCell(text="\n".join(lines), style=""))


async def _cmd_mcp(app: CodexApp, rest: str) -> None:
    servers = getattr(app.options.config, "mcp_servers", None) or {}
    if not servers:
        app.mapper.notice("No MCP servers configured. See `codex mcp add`.")
        return
    app.mapper.notice("MCP servers:\n" + "\n".join(f"  • {name}" for name in servers))


async def _cmd_export(app: CodexApp, rest: str) -> None:
    """`/export [md|json|html] [FILE]`: the session as `codex export` writes it (core's export:
    the recorded rollout, secrets scrubbed). A session that is not recorded (ephemeral, or not
    yet started) exports the transcript as shown instead, and says so."""
    import asyncio

    words = rest.split()
    fmt = "md"
    if words and words[0] in ("md", "markdown", "json", "html"):
        fmt = {"markdown": "md"}.get(words[0], words[0])
        words.pop(0)
    cwd = Path(str(app.options.config.cwd))
    name = f"codex-session-{app.mapper.status.session_id or 'new'}.{fmt}"
    target = Path(words[0]).expanduser() if words else cwd / name
    if not target.is_absolute():
        target = cwd / target
    rollout = app.mapper.status.rollout_path
    note = ""
    try:
        if rollout and Path(rollout).is_file():
            from codex.core.export import write_export

            def write() -> None:
                with open(target, "w", encoding="utf-8") as out:
                    write_export(rollout, fmt, out)

            await asyncio.to_thread(write)
        else:
            text = export_text(app.mapper.cells, "json" if fmt == "json" else "md")
            target.write_text(text, encoding="utf-8")
            note = " (not recorded: the transcript as shown)"
    except (OSError, CodexError) as err:
        app.mapper.notice(f"Export failed: {err}", "red")
        return
    app.mapper.notice(f"• Exported the conversation to {target}{note}", "green")


async def _cmd_logout(app: CodexApp, rest: str) -> None:
    from codex.api.credentials import AuthError, AuthManager

    try:
        AuthManager.from_config(app.options.config).logout(revoke=True)
    except AuthError as err:
        app.mapper.notice(f"Logout failed: {err}", "red")
        return
    await app.shutdown()


async def _cmd_quit(app: CodexApp, rest: str) -> None:
    await app.shutdown()


_cmd_exit = _cmd_quit


# The commands on the thread as a whole (codex.tui.thread_cmds) and /copy (codex.tui.copy_cmd).
async def _cmd_rename(app: CodexApp, rest: str) -> None:
    from codex.tui.thread_cmds import rename

    await rename(app, rest)


async def _cmd_fork(app: CodexApp, rest: str) -> None:
    from codex.tui.thread_cmds import fork

    await fork(app, rest)


async def _cmd_clear(app: CodexApp, rest: str) -> None:
    from codex.tui.thread_cmds import clear

    await clear(app, rest)


async def _cmd_cd(app: CodexApp, rest: str) -> None:
    from codex.tui.thread_cmds import cd

    await cd(app, rest)


async def _cmd_pwd(app: CodexApp, rest: str) -> None:
    from codex.tui.thread_cmds import pwd

    await pwd(app, rest)


async def _cmd_archive(app: CodexApp, rest: str) -> None:
    from codex.tui.thread_cmds import archive

    await archive(app, rest)


async def _cmd_delete(app: CodexApp, rest: str) -> None:
    from codex.tui.thread_cmds import delete

    await delete(app, rest)


async def _cmd_copy(app: CodexApp, rest: str) -> None:
    from codex.tui.copy_cmd import open_copy

    open_copy(app)


async def _cmd_ps(app: CodexApp, rest: str) -> None:
    from codex.tui.bg_cmds import ps

    await ps(app, rest)


async def _cmd_stop(app: CodexApp, rest: str) -> None:
    from codex.tui.bg_cmds import stop

    await stop(app, rest)


async def _cmd_warnings(app: CodexApp, rest: str) -> None:
    from codex.tui.warnings_cmd import open_warnings

    open_warnings(app)


async def _cmd_fast(app: CodexApp, rest: str) -> None:
    from codex.tui.fast_cmd import toggle_fast

    await toggle_fast(app, rest)


async def _cmd_title(app: CodexApp, rest: str) -> None:
    from codex.tui.title import open_title

    open_title(app)


# Settings pages (codex.tui.experimental_cmd, codex.tui.statusline_cmd).
async def _cmd_experimental(app: CodexApp, rest: str) -> None:
    from codex.tui.experimental_cmd import open_experimental

    open_experimental(app)


async def _cmd_statusline(app: CodexApp, rest: str) -> None:
    from codex.tui.statusline_cmd import open_statusline

    open_statusline(app)


async def _cmd_hooks(app: CodexApp, rest: str) -> None:
    from codex.tui.hooks_cmd import open_hooks

    open_hooks(app)
