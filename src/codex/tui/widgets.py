"""The composer (multi-line input with history recall), the status line and the approval
dialog. Widgets only: what a key means for the session is decided by the app (codex.tui.app).
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.console import Group
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Static, TextArea

from codex.tui.cells import render_changes
from codex.tui.mapper import Status, command_text
from codex.tui.vim import VimState

PLACEHOLDER = "Ask Codex to do anything"
MENTION_HIGHLIGHT = "codex.skill_mention"  # the composer's highlight name for a picked `$name`
LARGE_PASTE_CHARS = 1000


class Popup(Static):
    """Suggestions under the composer: slash commands, files or skills (codex.tui.completion;
    the skills' rows are drawn as 0.169 draws them, codex.tui.skills)."""

    DEFAULT_CSS = "Popup { height: auto; max-height: 9; padding: 0 2; color: $text-muted; }"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.kind = ""
        self.items: list[tuple[str, str]] = []
        self.index = 0
        self.display = False  # (empty, it would still take a row until the first key)

    def show(self, kind: str, items: list[tuple[str, str]]) -> None:
        if kind == self.kind and items == self.items and self.index == 0:
            # Unchanged (every keystroke of plain text asks for "no popup"): an update would
            # re-layout the whole screen, transcript included, on each key.
            return
        self.kind = kind
        self.items = items
        self.index = 0
        self._draw()

    def move(self, step: int) -> None:
        if self.items:
            self.index = (self.index + step) % len(self.items)
            self._draw()

    def selected(self) -> str | None:
        return self.items[self.index][0] if self.items else None

    def _draw(self) -> None:
        if self.kind == "skill":  # (shown with no rows too: it then says "no matches")
            from codex.tui.skills import POPUP_ROWS, popup_text

            self.styles.padding = 0
            self.styles.max_height = POPUP_ROWS + 4
            self.display = True
            self.update(popup_text(self.items, self.index))
            return
        self.styles.padding = (0, 2)
        self.styles.max_height = 9
        out = Text()
        for i, (value, help_) in enumerate(self.items):
            style = "bold cyan" if i == self.index else ""
            out.append(f"{value:<16}", style=style)
            out.append(f" {help_}\n" if help_ else "\n", style="dim")
        out.rstrip()
        self.display = bool(self.items)
        self.update(out)


# The `?` overlay: 0.169's layout and words (tests/fixtures/tui_official_0169/), listing only
# the keys this TUI has (0.169 also lists its shell, mode, reasoning, voice, editor, history
# search, agents and transcript keys).
SHORTCUTS_COMPOSE = (("/", "Commands"), ("@", "Mention files"), ("^j", "New line"))
SHORTCUTS_SESSION = (("enter", "Send message"), ("esc", "Interrupt"), ("^c", "Quit"))
SHORTCUTS_HINT = "? / esc close"


class ShortcutsOverlay(Static):
    """The keyboard shortcuts, shown above the composer while `?` toggles them on."""

    DEFAULT_CSS = "ShortcutsOverlay { height: auto; padding: 1 2 0 2; }"

    def on_mount(self) -> None:
        out = Text("Keyboard shortcuts\n\n", style="bold")
        out.append(f"{'Compose':<30}Session\n", style="bold")
        rows = max(len(SHORTCUTS_COMPOSE), len(SHORTCUTS_SESSION))
        for i in range(rows):
            left = SHORTCUTS_COMPOSE[i] if i < len(SHORTCUTS_COMPOSE) else ("", "")
            right = SHORTCUTS_SESSION[i] if i < len(SHORTCUTS_SESSION) else ("", "")
            out.append(f"{left[0]:<9}", style="cyan")
            out.append(f"{left[1]:<21}")
            out.append(f"{right[0]:<15}", style="cyan")
            out.append(right[1] + ("\n" if i + 1 < rows else ""))
        self.update(out)


class Composer(TextArea):
    """Enter sends; Shift+Enter / Ctrl+J insert a newline (as upstream); ↑/↓ on the first/last
    line walk the message history."""

    DEFAULT_CSS = """
    Composer { height: auto; max-height: 12; min-height: 1; border: none;
               padding: 0 1; margin: 1 0 0 0; background: $boost; }
    Composer:focus { border: none; }
    """

    class Submitted(Message):
        def __init__(self, text: str, picks: dict[str, str] | None = None) -> None:
            super().__init__()
            self.text = text
            self.picks = picks or {}  # skill name -> SKILL.md path, picked in the `$` popup

    def __init__(self, recall: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(
            soft_wrap=True,
            show_line_numbers=False,
            compact=False,
            placeholder=PLACEHOLDER,
            highlight_cursor_line=False,
            **kwargs,
        )
        self.recall: list[str] = recall if recall is not None else []
        self._history_index: int | None = None
        self._draft = ""
        self.pastes: dict[str, str] = {}
        self._overlay: ShortcutsOverlay | None = None  # the `?` overlay, while open
        self.picks: dict[str, str] = {}  # `$name` inserted from the popup -> SKILL.md path
        self.vim = VimState()  # `/vim` (codex.tui.vim): asked first about every key when on

    async def _on_key(self, event: events.Key) -> None:
        key = event.key
        popup = self._popup()
        if popup is not None and key in ("tab", "enter", "up", "down", "escape"):
            # Suggestions for the text as it is now: the Changed events that update the popup
            # may still be queued behind fast typing (Enter would pick a stale suggestion).
            from codex.tui.completion import suggestions

            row, col = self.cursor_location
            line = self.text if row == 0 else self.document.get_line(row)
            cwd, home = str(getattr(self.app, "cwd", ".")), getattr(self.app, "codex_home", None)
            kind, items = suggestions(line, col, cwd, home)
            if row and kind == "slash":
                kind, items = "", []
            if (kind, items) != (popup.kind, popup.items):
                popup.show(kind, items)
        open_popup = popup is not None and (popup.items or popup.kind == "skill")
        if popup is not None and open_popup and self._popup_key(popup, key):
            event.prevent_default()
            event.stop()
            return
        if self.vim.enabled and self._vim_key(event):
            return
        if self._shortcuts_key(key):
            event.prevent_default()
            event.stop()
            return
        if key == "enter":
            event.prevent_default()
            event.stop()
            text = self.text
            # An attached image alone is a message too (0.169 sends it).
            if text.strip() or getattr(self.app, "images", None):
                # Cleared here, before the app sees the message: keys typed meanwhile belong
                # to the next message (clearing later erased them or glued them on).
                if text.strip():
                    self.remember(text)
                sent = self.expand(text)
                picks = {n: p for n, p in self.picks.items() if f"${n}" in sent}
                self.pastes.clear()
                self.picks.clear()
                self.load_text("")
                self.post_message(self.Submitted(sent, picks))
                if self.vim.enabled:
                    self.vim.start_insert()  # (0.169: the next message starts in Insert)
                    self.vim_shown()
            return
        if key in ("shift+enter", "ctrl+j"):
            event.prevent_default()
            event.stop()
            self.insert("\n")
            return
        if key == "backspace":
            # Here, not through TextArea's binding: a binding runs when the key has bubbled up
            # to the app, after keys typed right behind it were inserted ("ab⌫c" fast gave
            # "ac" or "a"); and a picked `$name` goes whole (action_delete_left).
            event.prevent_default()
            event.stop()
            self.action_delete_left()
            return
        if key == "up" and self.cursor_location[0] == 0 and self._recall(-1):
            event.prevent_default()
            event.stop()
            return
        if key == "down" and self._history_index is not None and self._recall(1):
            event.prevent_default()
            event.stop()
            return
        await super()._on_key(event)

    def _vim_key(self, event: events.Key) -> bool:
        """Vim mode's turn at a key (codex.tui.vim); True when it took the key."""
        shown = (self.vim.mode, self.vim.prompt)
        if not self.vim.key(self, event.key, event.character):
            return False
        event.prevent_default()
        event.stop()
        if (self.vim.mode, self.vim.prompt) != shown:
            self.vim_shown()
        return True

    def toggle_vim(self) -> str:
        """`/vim`: vim mode on (Normal) or off for this composer; the notice to show."""
        notice = self.vim.toggle()
        self.vim_shown()
        return notice

    def start_vim_default(self, enabled: bool) -> None:
        """`[tui] vim_mode_default`: the composer starts in vim's Insert mode (as 0.169)."""
        if enabled and not self.vim.enabled:
            self.vim.enabled = True
            self.vim.start_insert()
            self.vim_shown()

    def new_composer_vim(self, enabled: bool) -> None:
        """/clear, /new, /resume: 0.169 opens a new composer there, in Vim Insert mode with
        `[tui] vim_mode_default` and without vim otherwise (a `/vim` of the old one is gone)."""
        self.vim.enabled = enabled
        self.vim.start_insert()
        self.vim.undo.clear()
        self.vim_shown()

    def vim_shown(self) -> None:
        """The footer says the vim mode (`Vim: Normal` / `Vim: Insert`, nothing when off)."""
        for line in self.screen.query(StatusLine):
            line.vim_label = self.vim.label
            line.vim_prompt = self.vim.prompt if self.vim.enabled else None
            line.repaint()

    def _shortcuts_key(self, key: str) -> bool:
        """`?` on an empty composer toggles the shortcuts overlay (as 0.169; typed after text
        it is a "?"); Esc closes it. Any other key closes it and is handled as usual."""
        overlay = self._overlay
        if key == "question_mark" and not self.text:
            if overlay is not None:
                overlay.remove()
                self._overlay = None
            else:
                self._overlay = ShortcutsOverlay()
                self.screen.mount(self._overlay, before=self)
            self._overlay_shown(overlay is None)
            return True
        if overlay is not None:
            overlay.remove()
            self._overlay = None
            self._overlay_shown(False)
            return key == "escape"
        return False

    def _overlay_shown(self, shown: bool) -> None:
        """The status line's footer says how to close the overlay while it is open."""
        for line in self.screen.query(StatusLine):
            line.overlay_open = shown
            line.repaint()

    def _popup(self) -> Popup | None:
        from textual.css.query import NoMatches

        try:
            return self.screen.query_one(Popup)
        except NoMatches:  # a screen without the popup
            return None

    def _popup_key(self, popup: Popup, key: str) -> bool:
        """Keys the open popup takes: ↑/↓ move, Tab accepts, Enter accepts (and runs a slash
        command), Esc closes."""
        if key in ("up", "down"):
            popup.move(-1 if key == "up" else 1)
            return True
        if key == "escape":
            popup.show("", [])
            return True
        if key not in ("tab", "enter"):
            return False
        value = popup.selected()
        kind = popup.kind
        detail = popup.items[popup.index][1] if value is not None else ""
        popup.show("", [])
        if value is None:
            return False
        if kind == "slash":
            if key == "enter":
                self.remember(value)
                self.load_text("")
                self.post_message(self.Submitted(value))
            else:
                self.load_text(value + " ")
                self.move_cursor(self.document.end)
            return True
        from codex.tui.completion import at_word

        row, col = self.cursor_location
        line = self.document.get_line(row)
        word = at_word(line, col, "$" if kind == "skill" else "@")
        if word is not None:
            self.replace(value + " ", (row, word[0]), (row, col))
            if kind == "skill":
                from codex.tui.skills import record_use

                self.picks[value[1:]] = detail  # (a skill row's detail is its path)
                self._build_highlight_map()  # (the edit above built it before the pick)
                home = getattr(self.app, "codex_home", None)
                if home is not None:
                    record_use(home, detail)
        return True

    def _build_highlight_map(self) -> None:
        """TextArea's own highlights, plus the `$name` mentions picked from the popup: 0.169
        draws them in cyan (SGR 38;5;6), typed ones stay plain."""
        super()._build_highlight_map()
        theme = getattr(self, "_theme", None)
        picks = getattr(self, "picks", None)  # (TextArea builds the map before __init__ ends)
        if not picks or theme is None:
            return
        from rich.style import Style

        from codex.tui.skills import mention_spans

        theme.syntax_styles.setdefault(MENTION_HIGHLIGHT, Style(color="color(6)"))
        for row, line in enumerate(self.document.lines):
            for start, end in mention_spans(line, picks):
                self._highlights[row].append((start, end, MENTION_HIGHLIGHT))

    def action_delete_left(self) -> None:
        """Backspace; right after a `$name` picked from the popup it deletes all of it (0.169
        treats the inserted mention as one element)."""
        if not self._delete_mention():
            super().action_delete_left()

    def _delete_mention(self) -> bool:
        row, col = self.cursor_location
        if self.selection.start != self.selection.end:
            return False
        before = self.document.get_line(row)[:col]
        for name in self.picks:
            mention = f"${name}"
            start = col - len(mention)
            if before.endswith(mention) and (start == 0 or before[start - 1].isspace()):
                self.replace("", (row, start), (row, col))
                return True
        return False

    def expand(self, text: str) -> str:
        """The text to send: large-paste placeholders replaced by what was pasted."""
        for placeholder, pasted in self.pastes.items():
            text = text.replace(placeholder, pasted)
        return text

    async def _on_paste(self, event: events.Paste) -> None:
        """All of a paste is handled here, so TextArea's own `_on_paste` (which Textual would
        also call, walking the MRO) must not run: calling it as well inserted every paste
        twice."""
        from codex.tui.completion import image_path

        event.prevent_default()
        event.stop()
        if self.read_only:
            return
        # Terminals send a pasted newline as CR (tmux, iTerm2): as upstream, CRLF and CR
        # become LF, for the placeholder's text too (it is sent as it was pasted).
        text = event.text.replace("\r\n", "\n").replace("\r", "\n")
        image = image_path(text, str(getattr(self.app, "cwd", ".")))
        if image is not None:
            self.post_message(self.ImageAttached(image))
            return
        if len(text) > LARGE_PASTE_CHARS:
            # As upstream: a large paste shows as one placeholder, expanded when sent.
            placeholder = f"[Pasted Content {len(text)} chars]"
            self.pastes[placeholder] = text
            text = placeholder
        result = self.replace(text, *self.selection)
        self.move_cursor(result.end_location)

    class ImageAttached(Message):
        def __init__(self, path: str) -> None:
            super().__init__()
            self.path = path

    def _recall(self, step: int) -> bool:
        if not self.recall:
            return False
        if self._history_index is None:
            if step > 0:
                return False
            self._draft = self.text
            index = len(self.recall) - 1
        else:
            index = self._history_index + step
        if index < 0:
            return True  # already at the oldest entry
        if index >= len(self.recall):
            self._history_index = None
            self.load_text(self._draft)
        else:
            self._history_index = index
            self.load_text(self.recall[index])
        self.move_cursor(self.document.end)
        return True

    def vim_recall(self, step: int) -> bool:
        """Vim Normal mode's `k` on the first line (`j` on the last): history as ↑ (↓), only on
        an empty composer or one showing a recalled message (0.169; codex.tui.vim)."""
        if self._history_index is None and (step > 0 or self.text):
            return False
        return self._recall(step)

    def remember(self, text: str) -> None:
        if not self.recall or self.recall[-1] != text:
            self.recall.append(text)
        self._history_index = None
        self._draft = ""


class StatusLine(Static):
    DEFAULT_CSS = "StatusLine { height: 2; padding: 0 2; color: $text-muted; }"
    _shown: tuple[str, str, str] | None = None
    _status: Status | None = None
    overlay_open = False  # the shortcuts overlay is open: the footer says how to close it
    vim_label: str | None = None  # `Vim: Normal` / `Vim: Insert` on the footer's right (/vim)
    vim_prompt: str | None = None  # vim's `/` search being typed: it takes the footer's line

    def repaint(self) -> None:
        if self._status is not None:
            self.show(self._status)

    def show(self, status: Status, hint: str = "") -> None:
        self._status = status
        if not hint and self.overlay_open:
            hint = SHORTCUTS_HINT
        parts = [f"{status.model} {status.effort or 'default'}" + (" Fast" if status.fast else "")]
        if status.cwd:
            parts.append(status.cwd)
        if status.thread_name:  # after the directory, as 0.169's status line
            parts.append(status.thread_name)
        if status.approval or status.sandbox:
            parts.append(f"{status.sandbox}/{status.approval}")
        left = status.context_left()
        if status.tokens_used:
            parts.append(f"{status.tokens_used:,} tokens")
        if left is not None:
            parts.append(f"{left}% left")
        from codex.tui.statusline_cmd import configured_parts  # ([tui] status_line, /statusline)

        custom = configured_parts(self, status)
        parts = parts if custom is None else custom
        footer = hint or ("Working · esc to interrupt" if status.running else "? for shortcuts")
        if status.mode == "plan" and not hint:
            footer += "   Plan mode (shift+tab to cycle)"  # codex.tui.modes
        right = self.vim_label or ""
        if self.vim_prompt is not None:  # (as 0.169: the prompt alone, at the line's start)
            footer, right = self.vim_prompt, ""
        shown = (" · ".join(parts), footer, right)
        if shown == self._shown:
            return  # an update re-lays out the screen: only when the line changed
        self._shown = shown
        bottom: Any = Text(footer, no_wrap=True, overflow="ellipsis")
        if right:  # 0.169 puts the vim mode at the footer's right end
            from rich.table import Table

            bottom = Table.grid(expand=True)
            bottom.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
            bottom.add_column(justify="right", no_wrap=True)
            bottom.add_row(Text(footer, no_wrap=True, overflow="ellipsis"), Text(right))
        self.update(Group(Text(shown[0], no_wrap=True, overflow="ellipsis"), bottom))


# (key, label, decision) per choice; a decision "feedback" means abort and let the user type.
EXEC_CHOICES = (
    ("y", "Yes, proceed", "approved"),
    ("a", "Yes, and don't ask again for this command in this session", "approved_for_session"),
    ("d", "No, continue without running it", "denied"),
    ("escape", "No, and tell Codex what to do differently", "abort"),
)
PATCH_CHOICES = (
    ("y", "Yes, proceed", "approved"),
    ("a", "Yes, and don't ask again for these files", "approved_for_session"),
    ("d", "No, continue without applying it", "denied"),
    ("escape", "No, and tell Codex what to do differently", "abort"),
)


class ApprovalScreen(ModalScreen[str]):
    """Asks about one exec or patch request; dismissed with the decision's wire name."""

    DEFAULT_CSS = """
    ApprovalScreen { align: center bottom; background: $background 60%; }
    ApprovalScreen > Vertical { height: auto; max-height: 90%; border: round $warning;
                                padding: 0 1; background: $surface; overflow-y: auto; }
    """
    BINDINGS: ClassVar = [
        Binding("up", "move(-1)", show=False),
        Binding("down", "move(1)", show=False),
        Binding("enter", "choose", show=False),
    ]

    def __init__(self, request: Any) -> None:
        super().__init__()
        self.request = request
        self.is_patch = request.TAG == "apply_patch_approval_request"
        self.choices = PATCH_CHOICES if self.is_patch else EXEC_CHOICES
        self.selected = 0

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self._question(), id="question")
            yield Static(id="choices")

    def on_mount(self) -> None:
        self._draw()

    def _question(self) -> Any:
        request = self.request
        parts: list[Any] = []
        if self.is_patch:
            parts.append(Text("Would you like to make the following edits?", style="bold"))
            if request.reason:
                parts.append(Text(f"Reason: {request.reason}"))
            cwd = getattr(self.app, "mapper", None)
            cwd = cwd.status.cwd if cwd is not None else None
            parts.append(render_changes(dict(request.changes), title="Proposed", cwd=cwd))
        else:
            parts.append(Text("Would you like to run the following command?", style="bold"))
            if request.reason:
                parts.append(Text(f"\nReason: {request.reason}"))
            parts.append(Text(f"\n$ {command_text(list(request.command))}", style="bold cyan"))
        return Group(*parts)

    def _draw(self) -> None:
        out = Text()
        for i, (key, label, _) in enumerate(self.choices):
            mark = "› " if i == self.selected else "  "
            shown = "esc" if key == "escape" else key
            style = "bold cyan" if i == self.selected else ""
            out.append(f"{mark}{i + 1}. {label} ({shown})\n", style=style)
        out.append("\nPress enter to confirm or esc to cancel", style="dim")
        self.query_one("#choices", Static).update(out)

    def action_move(self, step: int) -> None:
        self.selected = (self.selected + step) % len(self.choices)
        self._draw()

    def action_choose(self) -> None:
        self.dismiss(self.choices[self.selected][2])

    def on_key(self, event: events.Key) -> None:
        for i, (key, _, decision) in enumerate(self.choices):
            if event.key == key or event.key == str(i + 1):
                event.stop()
                self.dismiss(decision)
                return
