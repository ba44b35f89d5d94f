"""The interactive app: transcript above, composer and status line below, dialogs on top.

It speaks only Op/Event to core through `codex.api`: one worker opens the session and reads
every event (the classic queue: one reader that keeps up), folds it into the transcript
(codex.tui.mapper) and asks the user about approvals; keys turn into Ops (UserInput, Interrupt,
Compact, ExecApproval/PatchApproval, Shutdown). Repaints are coalesced: the first change paints
at once, later ones at most every `FRAME_INTERVAL` seconds.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from codex.tui.cells import NoticeCell
from codex.tui.mapper import Mapper
from codex.tui.transcript import TranscriptView
from codex.tui.widgets import ApprovalScreen, Composer, Popup, StatusLine

FRAME_INTERVAL = 0.1  # at most ~10 repaints a second while text streams
EXIT_GRACE_S = 5.0  # after SIGTERM/SIGHUP, the normal exit gets this long before a hard exit


@dataclass(slots=True)
class LaunchOptions:
    """Everything the app needs from the command line, already resolved."""

    config: Any
    prompt: str | None = None
    images: list[str] = field(default_factory=list)
    add_dirs: list[Path] = field(default_factory=list)
    resume: Any = None  # a codex.api.Resume, or None for a new session
    fork: bool = False
    pick_resume: bool = False  # open the resume picker before any session
    show_all: bool = False  # the picker lists sessions of every directory
    trust_prompt: bool = False  # ask whether to trust the folder before the session
    signin_prompt: bool = False  # the sign-in screen first: no credentials (codex.tui.onboarding)
    reload_config: Any = None  # () -> Config, after the trust answer was recorded
    history: list[str] = field(default_factory=list)
    version: str = ""
    # `config` None: loaded after the first frame (codex.tui.startup.Deferred); `cwd` is then
    # the launch directory the header shows meanwhile.
    deferred: Any = None
    cwd: str = ""


class CodexApp(App[int]):
    CSS = """
    Screen { layout: vertical; }
    #queued { height: auto; color: $text-muted; padding: 0 2; }
    """
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar = [
        Binding("ctrl+c", "ctrl_c", show=False, priority=True),
        Binding("ctrl+d", "ctrl_d", show=False, priority=True),
        Binding("escape", "interrupt", show=False),
        Binding("shift+tab", "cycle_mode", show=False, priority=True),  # codex.tui.modes
    ]

    def __init__(self, options: LaunchOptions) -> None:
        super().__init__()
        self.options = options
        self.mapper = Mapper()
        self.session: Any = None
        self.queued: list[str] = []
        self.images: list[str] = []  # attached (pasted paths, -i) to the next message
        self._dirty = False
        self._flush_pending = False
        self._last_flush = 0.0
        self._restart = False
        self._started = False
        self.exit_message: str | None = None
        self.exit_message_code = 1
        self.first_frame_at: float | None = None
        self._queued_shown = ""
        self.early_slash: list[str] = []  # slash commands typed before the config was loaded
        self._picks: dict[str, dict[str, str]] = {}  # a sent text -> its skills picked in `$`
        # Set by /fork, /cd, /archive, /delete (codex.tui.thread_cmds) for the next restart.
        self.fork_hook: Any = None
        self.after_close: Any = None

    # ---- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        cfg = self.options.config
        cwd = self.options.cwd if cfg is None else str(cfg.cwd)
        if cfg is not None:
            self.mapper.status.model = str(cfg.model)
        self.mapper.status.cwd = cwd
        header = NoticeCell(
            text=f">_ OpenAI Codex (v{self.options.version})\n   {cwd}", style="bold"
        )
        self.mapper.add(header)
        yield TranscriptView(self.mapper.cells, id="transcript")
        yield Static(id="queued")
        yield Composer(recall=self.options.history, id="composer")
        yield Popup(id="popup")
        yield StatusLine(id="status")

    def on_mount(self) -> None:
        if self.is_inline:
            # Inline (--no-alt-screen): the app is as tall as its content, up to the terminal.
            view = self.query_one(TranscriptView)
            view.styles.height = "auto"
            view.styles.max_height = max(3, self.size.height - 8)
        self._handle_termination()
        self.query_one(Composer).focus()
        self._paint()
        if self.options.config is None:
            from codex.tui.startup import finish_startup

            # After the first frame: the composer is on screen before the config is read.
            self.call_after_refresh(self.run_worker, finish_startup(self), group="startup")
            return
        self.after_config()

    def after_config(self) -> None:
        tui = getattr(self.options.config, "tui", None)  # ([tui] vim_mode_default: codex.tui.vim)
        self.query_one(Composer).start_vim_default(bool(getattr(tui, "vim_mode_default", False)))
        from codex.tui.startup_prompts import ask_before_session

        ask_before_session(self)  # sign-in, folder trust, hooks review: as the config needs

    def _handle_termination(self) -> None:
        """SIGTERM / SIGHUP (a kill, a closed SSH session) leave through the normal exit, so
        the driver restores the terminal (main screen, cursor, mouse and keyboard modes) and
        the session flushes its rollout; the default action would leave the terminal in the
        alternate screen."""
        import asyncio
        import signal

        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGHUP):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(sig, self._terminate, sig)

    def _terminate(self, sig: int) -> None:
        """Leave normally; if that hangs (Textual's writer thread can block for good on a
        terminal that is gone, e.g. a hung-up SSH session), end the process after a bound."""
        import os
        import threading

        def watchdog() -> None:
            threading.Event().wait(EXIT_GRACE_S)
            os._exit(128 + sig)

        threading.Thread(target=watchdog, daemon=True, name="codex-exit-watchdog").start()
        self.exit(128 + sig)

    def open_first_view(self) -> None:
        """The session, or the resume picker (`codex resume`), once start-up has asked."""
        if self.options.pick_resume:
            self.open_resume_picker()
        else:
            self._start_session()

    # ---- repaint coalescing ---------------------------------------------------------------

    def mark_dirty(self) -> None:
        self._dirty = True
        if self._flush_pending:
            return
        self._flush_pending = True
        delay = self._last_flush + FRAME_INTERVAL - time.monotonic()
        if delay <= 0:
            self.call_later(self._flush_frame)  # (a zero-length Textual timer divides by zero)
        else:
            self.set_timer(delay, self._flush_frame)

    def _flush_frame(self) -> None:
        # (Not `_flush`: that is Textual's, called with stderr= when a print is captured.)
        self._flush_pending = False
        if self._dirty:
            self._paint()

    def _paint(self) -> None:
        from textual.css.query import NoMatches

        # The chat's widgets live on the first screen: `self.query_one` searches the active one,
        # which is a picker or a dialog while one is open, and nothing once the app is exiting
        # (a repaint timer can still fire then).
        if not self.screen_stack:
            return
        base = self.screen_stack[0]
        try:
            transcript = base.query_one(TranscriptView)
            status = base.query_one(StatusLine)
            queued = base.query_one("#queued", Static)
        except NoMatches:
            return  # not built yet, or already torn down: the next repaint catches up
        self._dirty = False
        self._last_flush = time.monotonic()
        transcript.relayout()
        status.show(self.mapper.status)
        from codex.tui.title import update_title

        update_title(self)  # the terminal title follows (/title)
        lines = [f"↳ queued: {q}" for q in self.queued]
        lines += [f"[image] {path}" for path in self.images]
        if self.session is not None:  # (codex.tui.bg_cmds: what /ps would list)
            from codex.tui.bg_cmds import indicator

            lines += indicator(self.session)
        text = "\n".join(lines)
        if text != self._queued_shown:  # (an update re-lays out the screen)
            self._queued_shown = text
            queued.update(text)

    # ---- the session ----------------------------------------------------------------------

    async def _session_main(self) -> None:
        from codex.tui.warm import import_in_thread

        await import_in_thread()  # the composer keeps echoing while core is imported
        from codex.api import FrontEnd, open_session
        from codex.protocol.originator import TUI_ORIGINATOR, TUI_SOURCE

        # skill_load_warnings: a broken SKILL.md is a startup warning, as 0.169's TUI shows it.
        front_end = FrontEnd(originator=TUI_ORIGINATOR, source=TUI_SOURCE, skill_load_warnings=True)
        try:
            while True:
                await self._one_session(open_session, front_end)
                if not self._restart:
                    break
                self._restart = False
                self._reset_transcript()
                after, self.after_close = self.after_close, None
                if after is not None:
                    after()
        except Exception as err:
            from codex.errors import CodexError

            if not isinstance(err, CodexError):
                raise
            self.exit_message = str(err)
            self.exit(1)
            return
        self.exit(0)

    async def _one_session(self, open_session: Any, front_end: Any) -> None:
        opts = self.options
        if opts.fork and opts.resume is not None:
            opener = self._forked(front_end)
        else:
            opener = open_session(
                opts.config, front_end, resume=opts.resume, add_dirs=opts.add_dirs
            )
        async with opener as session:
            self.session = session
            if getattr(session, "approvals", None) is not None:
                # MCP tool approvals are asked here (codex.tui.mcp_approval), not cancelled.
                session.approvals.answers_elicitations = True
                session.approvals.answers_user_input = True  # codex.tui.user_input
            while True:
                event = await session.next_event()
                msg = event.msg
                tag = msg.TAG
                if tag == "shutdown_complete":
                    break
                if tag == "request_user_input":
                    from codex.tui.user_input import ask_user_input

                    self._paint()
                    await ask_user_input(self, msg)
                    continue
                if tag == "elicitation_request":
                    from codex.tui.mcp_approval import ask_elicitation

                    self._paint()
                    await ask_elicitation(self, msg)
                    continue
                if tag in ("exec_approval_request", "apply_patch_approval_request"):
                    self.mapper.feed(msg)
                    self._paint()
                    self.push_screen(ApprovalScreen(msg), self._answer_for(msg))
                    continue
                if tag == "agent_message":  # a proposed plan is a cell of its own
                    from codex.tui.modes import on_agent_message

                    if (msg := on_agent_message(self, msg)) is None:
                        continue
                self.mapper.feed(msg)
                self.mark_dirty()
                if tag == "session_configured":
                    from codex.tui.warm import warm_up

                    warm_up()  # the first answer's Markdown and HTTP stack, while idle
                if tag == "session_configured" and opts.resume is not None and msg.rollout_path:
                    self.mapper.replay_rollout(msg.rollout_path)
                    from codex.tui.thread_cmds import show_saved_name

                    show_saved_name(self)  # a resumed thread's /rename name
                    from codex.tui.modes import on_resumed

                    await on_resumed(self, msg.rollout_path)  # the footer's Plan mode, if so
                if tag == "session_configured" and (opts.prompt or opts.images):
                    # The prompt from the command line, once the session (and its id, which
                    # history.jsonl records) is known.
                    prompt, images = opts.prompt or "", opts.images
                    opts.prompt, opts.images = None, []
                    await self._send(prompt, images)
                elif tag == "session_configured" and self.queued:
                    await self._after_turn()  # typed before the session was ready
                if tag in ("task_complete", "turn_complete", "turn_aborted"):
                    from codex.tui.modes import after_turn

                    after_turn(self)  # "Implement this plan?"
                    await self._after_turn()
        self.session = None

    @contextlib.asynccontextmanager
    async def _forked(self, front_end: Any) -> Any:
        """`codex fork`: a new thread (new id, new rollout) starting with the chosen thread's
        history, shown in the transcript; the original rollout is left as it was."""
        import uuid

        from codex.api import ConversationManager
        from codex.core.open import resume_path
        from codex.core.resume import load_rollout_for_resume

        opts = self.options
        path = resume_path(opts.config, opts.resume)
        if path is None:
            from codex.errors import CodexError

            raise CodexError("no recorded session to fork")
        history = list(load_rollout_for_resume(path).history)
        hook, self.fork_hook = self.fork_hook, None
        if hook is not None:
            hook.before(self)
        self.mapper.replay_rollout(str(path))
        opts.resume = None  # a later /new starts fresh
        opts.fork = False
        manager = ConversationManager(front_end)
        try:
            session = await manager.open(
                opts.config, add_dirs=opts.add_dirs, fork=(str(uuid.uuid4()), history, path)
            )
            if hook is not None:
                hook.after(self, session)
            yield session
        finally:
            await manager.close_all()

    def _reset_transcript(self) -> None:
        from codex.tui.mapper import Status

        del self.mapper.cells[1:]
        old = self.mapper.status
        self.mapper.status = Status(model=old.model, cwd=old.cwd)
        view = self.query_one(TranscriptView)
        view.clear_cache()
        view._follow = True
        self.mark_dirty()

    async def restart(self, resume: Any) -> None:
        """Leave this session and open another (/new, /resume): a new one when `resume` is
        None."""
        self.options.resume = resume
        if self.session is None:
            return
        tui = getattr(self.options.config, "tui", None)  # (a new composer: codex.tui.vim)
        self.query_one(Composer).new_composer_vim(bool(getattr(tui, "vim_mode_default", False)))
        from codex.protocol.ops import Shutdown

        self._restart = True
        await self.session.submit(Shutdown())

    def open_resume_picker(self) -> None:
        from codex.tui.picker import ResumePicker

        async def chosen(path: str | None) -> None:
            if path is None:
                if self.session is None and not self._started:
                    self.exit(0)
                return
            if self._started:
                await self.restart(Path(path))
            else:
                self.options.resume = Path(path)
                self._start_session()

        self.push_screen(
            ResumePicker(
                Path(str(self.options.config.codex_home)),
                cwd=None if self.options.show_all else str(self.options.config.cwd),
            ),
            chosen,
        )

    def _start_session(self) -> None:
        self._started = True
        # After the first frame: importing and starting core must not delay the composer.
        self.call_after_refresh(self.run_worker, self._session_main(), exclusive=True)

    async def send_text(self, text: str) -> None:
        if self.session is None or self.mapper.status.running:
            self.queued.append(text)
            self.mark_dirty()
            return
        await self._send(text, [])

    def _answer_for(self, request: Any) -> Any:
        async def answer(decision: str | None) -> None:
            from codex.protocol.ops import ExecApproval, PatchApproval, ReviewDecision

            choice = ReviewDecision(decision or "abort")
            if request.TAG == "exec_approval_request":
                approval_id = getattr(request, "approval_id", None) or request.call_id
                await self.session.submit(ExecApproval(id=approval_id, decision=choice))
                verb = {"approved": "approved", "approved_for_session": "approved"}.get(
                    choice.value, "did not approve"
                )
                from codex.tui.mapper import command_text

                what = command_text(list(request.command))
                mark, style = ("✔", "green") if verb == "approved" else ("✗", "red")
                self.mapper.notice(f"{mark} You {verb} codex to run {what}", style)
            else:
                await self.session.submit(PatchApproval(id=request.call_id, decision=choice))
                ok = choice.value.startswith("approved")
                self.mapper.notice(
                    ("✔ You approved" if ok else "✗ You did not approve") + " the edits",
                    "green" if ok else "red",
                )
            self.mark_dirty()
            self.query_one(Composer).focus()

        return answer

    async def _after_turn(self) -> None:
        if self.queued:
            await self._send(self.queued.pop(0), [])

    async def _send(self, text: str, images: list[str]) -> None:
        from codex.protocol.ops import InputLocalImage, InputText, UserInput

        items: list[Any] = [InputLocalImage(path=p) for p in images]
        if text:
            picks = self._picks.pop(text, {})
            if "$" in text:  # skills it mentions go along as `skill` items (codex.tui.skills)
                from codex.tui.skills import skill_inputs, text_elements

                items.append(InputText(text=text, text_elements=text_elements(text, picks)))
                if picks:
                    self.mapper.mentions[text] = tuple(f"${name}" for name in picks)
                items += skill_inputs(text, str(self.codex_home), self.cwd, picks)
            else:
                items.append(InputText(text=text))
        self.mapper.status.running = True
        await self.session.submit(UserInput(items=items))
        self._record_history(text)
        self.mark_dirty()

    def _record_history(self, text: str) -> None:
        if not text:
            return
        from codex.core.message_history import append_history

        cfg = self.options.config
        persistence = str(getattr(getattr(cfg, "history", None), "persistence", "save-all"))
        # A history file we cannot write never stops the conversation.
        with contextlib.suppress(OSError):
            append_history(
                Path(cfg.codex_home), self.mapper.status.session_id, text, persistence=persistence
            )

    # ---- input ----------------------------------------------------------------------------

    @property
    def cwd(self) -> str:
        cfg = self.options.config
        return self.options.cwd if cfg is None else str(cfg.cwd)

    @property
    def codex_home(self) -> str | None:
        """Where skills and their settings live; None until the config is loaded."""
        cfg = self.options.config
        return None if cfg is None else str(cfg.codex_home)

    def on_text_area_changed(self, event: Any) -> None:
        from codex.tui.completion import suggestions

        composer = self.query_one(Composer)
        if event.text_area is not composer:
            return
        row, col = composer.cursor_location
        if row == 0:
            kind, items = suggestions(composer.text, col, self.cwd, self.codex_home)
        else:  # an @word (or $word) on a later line
            line = composer.document.get_line(row)
            kind, items = suggestions(line, col, self.cwd, self.codex_home)
            if kind == "slash":
                kind, items = "", []
        self.query_one(Popup).show(kind, items)

    def on_composer_image_attached(self, message: Composer.ImageAttached) -> None:
        self.images.append(message.path)
        self.mark_dirty()

    async def on_composer_submitted(self, message: Composer.Submitted) -> None:
        text = message.text  # the composer already cleared itself and expanded pastes
        self.query_one(Popup).show("", [])
        if message.picks:
            self._picks[text] = message.picks
        if text.startswith("/") and self.options.config is None:
            self.early_slash.append(text)  # (slash commands read the config)
            return
        if text.startswith("/"):
            from codex.tui.slash import run_slash

            await run_slash(self, text)
            return
        images, self.images = self.images, []
        if images:
            if self.session is None or self.mapper.status.running:
                self.queued.append(text)  # (images wait for a turn of their own)
                self.images = images
            else:
                await self._send(text, images)
            return
        await self.send_text(text)

    async def action_cycle_mode(self) -> None:
        from codex.tui.modes import cycle

        await cycle(self)

    async def action_interrupt(self) -> None:
        if self.session is not None and self.mapper.status.running:
            from codex.protocol.ops import Interrupt

            await self.session.submit(Interrupt())

    def action_ctrl_c(self) -> None:
        # Ctrl-C / Ctrl-D are priority bindings: the app sees them before the composer has
        # handled the keys typed just before (forwarded to its own queue). Decided after those,
        # or "keep me" + Ctrl-D would quit with the text still queued.
        self.query_one(Composer).call_later(self._ctrl_c)

    def action_ctrl_d(self) -> None:
        self.query_one(Composer).call_later(self._ctrl_d)

    async def _ctrl_c(self) -> None:
        composer = self.query_one(Composer)
        if self.mapper.status.running:
            await self.action_interrupt()
            return
        if composer.text:
            composer.load_text("")
            return
        # An empty composer and no turn: 0.169 quits at once (no "again to quit" step).
        await self.shutdown()

    async def _ctrl_d(self) -> None:
        if not self.query_one(Composer).text:
            await self.shutdown()

    async def shutdown(self) -> None:
        if self.session is None:
            self.exit(0)
            return
        from codex.protocol.ops import Shutdown

        await self.session.submit(Shutdown())
