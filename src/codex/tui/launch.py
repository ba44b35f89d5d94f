"""From parsed command-line options to a running TUI: the terminal checks (a TTY, big enough),
the resume choice, then the app (which loads the config with the flags applied once its first
frame is drawn: codex.tui.startup). Textual is imported only here, after the checks, so
`codex exec` and `codex --version` never load it.
"""

from __future__ import annotations

import gc
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codex.errors import CodexError

MIN_COLUMNS = 40
MIN_ROWS = 10
FRAME_RATE = 120  # paints a second at most (Textual's default: 60)


@dataclass(slots=True)
class TuiRequest:
    """What `codex [PROMPT]`, `codex resume` and `codex fork` were asked for."""

    prompt: str | None = None
    images: list[str] = field(default_factory=list)
    model: str | None = None
    sandbox: str | None = None
    approval: str | None = None
    full_auto: bool = False
    yolo: bool = False
    bypass_hook_trust: bool = False  # --dangerously-bypass-hook-trust
    cd: str | None = None
    add_dirs: list[str] = field(default_factory=list)
    oss: bool = False
    local_provider: str | None = None
    search: bool = False
    no_alt_screen: bool = False
    mode: str = "new"  # new | resume | fork
    session_id: str | None = None
    last: bool = False
    show_all: bool = False


def check_terminal() -> None:
    """One clear line (exit 1) when there is no terminal to draw on or it is too small."""
    for name, stream in (("stdin", sys.stdin), ("stdout", sys.stdout)):
        try:
            tty = stream is not None and stream.isatty()
        except (AttributeError, ValueError):
            tty = False
        if not tty:
            raise CodexError(
                f"{name} is not a terminal; the interactive TUI needs one "
                "(use `codex exec` for non-interactive runs)",
                exit_code=1,
            )
    try:
        size = os.get_terminal_size(sys.stdout.fileno())
    except OSError:
        return
    if size.columns < MIN_COLUMNS or size.lines < MIN_ROWS:
        raise CodexError(
            f"the terminal is too small ({size.columns}x{size.lines}); "
            f"the TUI needs at least {MIN_COLUMNS}x{MIN_ROWS}",
            exit_code=1,
        )
    # Textual sizes its screen with shutil.get_terminal_size, which prefers $COLUMNS/$LINES to
    # the terminal: an exported value laid the TUI out at that size (80x24 in a 100x30 pane),
    # and kept it on resize. The terminal's own size is the one to use, as 0.169's.
    os.environ.pop("COLUMNS", None)
    os.environ.pop("LINES", None)


def flag_overrides(req: TuiRequest) -> dict[str, object]:
    """The flags as dotted config keys (highest precedence), as upstream's TUI maps them."""
    flags: dict[str, object] = {}
    if req.model:
        flags["model"] = req.model
    if req.full_auto:
        flags["sandbox_mode"] = "workspace-write"
        flags["approval_policy"] = "on-request"
    if req.yolo:
        flags["sandbox_mode"] = "danger-full-access"
        flags["approval_policy"] = "never"
    if req.sandbox:
        flags["sandbox_mode"] = req.sandbox
    if req.approval:
        flags["approval_policy"] = req.approval
    if req.oss:
        flags["model_provider"] = req.local_provider or "oss"
    if req.search:
        flags["web_search"] = "live"
    return flags


def resolve_dir(value: str, base: Path) -> Path:
    path = Path(value).expanduser()
    path = path if path.is_absolute() else base / path
    if not path.is_dir():
        raise CodexError(f"No such directory: {value}", exit_code=1)
    return path.resolve()


def run_tui(req: TuiRequest, ctx: Any) -> int:
    """The app is started with the composer first: the config (and what depends on it: the
    message history, the trust check) is loaded once the first frame is drawn
    (codex.tui.startup); everything checked here needs no config."""
    check_terminal()
    if req.bypass_hook_trust:
        from codex._hook_trust_flag import request_bypass

        request_bypass()
    # Start-up allocates ~60,000 objects that all stay alive (modules, classes, styles): the
    # collections they trigger find nothing (4-10% of the start-up CPU). Collection resumes
    # once the first frame is drawn (codex.tui.startup), with these objects frozen out of it.
    gc.disable()
    try:
        return _run_tui(req, ctx)
    finally:
        gc.enable()


def _run_tui(req: TuiRequest, ctx: Any) -> int:
    cwd = resolve_dir(req.cd, Path.cwd()) if req.cd else Path.cwd().resolve()
    add_dirs = [resolve_dir(d, cwd) for d in req.add_dirs]
    images = []
    for image in req.images:
        path = Path(image).expanduser()
        path = path if path.is_absolute() else Path.cwd() / path
        if not path.is_file():
            raise CodexError(f"image file not found: {image}", exit_code=1)
        images.append(str(path))
    resume = _resume_choice(req)

    from codex import __version__
    from codex.tui.app import CodexApp, LaunchOptions
    from codex.tui.startup import Deferred

    def load() -> Any:
        return ctx.load_config(cwd=cwd, flag_overrides=flag_overrides(req))

    options = LaunchOptions(
        config=None,
        deferred=Deferred(
            load_config=load,
            needs_trust=lambda config: needs_trust_prompt(config, req),
            load_history=_history,
        ),
        cwd=str(cwd),
        prompt=req.prompt,
        images=images,
        add_dirs=add_dirs,
        resume=resume,
        fork=req.mode == "fork",
        pick_resume=req.mode in ("resume", "fork") and resume is None,
        show_all=req.show_all,
        version=__version__,
        reload_config=load,
    )
    _frame_rate()
    app = CodexApp(options)
    code = app.run(inline=req.no_alt_screen, inline_no_clear=req.no_alt_screen)
    clear_title(app)
    if app.exit_message:
        raise CodexError(app.exit_message, exit_code=app.exit_message_code)
    if app.return_code not in (None, 0):
        return int(app.return_code or 1)
    _farewell(app)
    return int(code or 0)


def clear_title(app: Any) -> None:
    """0.169 leaves the terminal with an empty title (codex.tui.title set one)."""
    from codex.tui.title import written_title

    if written_title(app):
        sys.stdout.write("\x1b]0;\x07")
        sys.stdout.flush()


def _frame_rate() -> None:
    """Textual paints a change at the next tick of its screen timer, 60 Hz by default: up to
    16.7 ms (8 on average) added to every keystroke's echo. At `FRAME_RATE` the wait halves;
    the timer only runs while a change waits to be painted (a streamed answer asks for at most
    ~10 paints a second either way). A TEXTUAL_FPS set by the user is left alone."""
    if "TEXTUAL_FPS" in os.environ:
        return
    import textual.screen

    textual.screen.UPDATE_PERIOD = 1 / FRAME_RATE  # type: ignore[misc]  # (read per screen)


def needs_trust_prompt(config: Any, req: TuiRequest) -> bool:
    """Upstream asks once per folder whose trust is not recorded, unless flags already chose
    the sandbox and approvals (-s/-a/--full-auto/--yolo)."""
    if req.full_auto or req.yolo or req.sandbox or req.approval:
        return False
    from codex.tui.trust import needs_trust

    return needs_trust(config)


def _history(config: Any) -> list[str]:
    from codex.core.message_history import recent_messages

    return recent_messages(Path(str(config.codex_home)))


def _resume_choice(req: TuiRequest) -> Any:
    if req.mode == "new":
        return None
    from codex.api import Resume

    if req.session_id:
        return Resume.thread(req.session_id)
    if req.last:
        from codex.protocol.originator import INTERACTIVE_SOURCES

        return Resume.newest(sources=INTERACTIVE_SOURCES)  # as 0.169: no exec session
    return None  # the picker chooses


def _farewell(app: Any) -> None:
    """What upstream prints on the normal screen after leaving: usage and how to resume."""
    status = app.mapper.status
    if not status.session_id:
        return
    lines = []
    if status.tokens_used:
        lines.append(f"Token usage: total={status.tokens_used:,}")
    lines.append(f"To continue this session, run codex resume {status.session_id}")
    sys.stdout.write("\n".join(lines) + "\n")
