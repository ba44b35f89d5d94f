"""Vim mode for the composer (`/vim`), as 0.169's TUI has it
(tests/fixtures/tui_official_0169/vim_notes.md): Normal, Insert and Replace (`R`) modes, the
footer saying `Vim: Normal` / `Vim: Insert` / `Vim: Replace`, the common Normal-mode motions,
`f`/`F`/`t`/`T`, operators and edits, text objects (`diw`, `ci(`, `da"`, …), `/`/`?` search
with `n`/`N`, an undo and redo (Ctrl-R) stack of its own, and Enter still sending the message
in Normal mode. Not in 0.169, so not here: counts (`3w`), `;`/`,`, `P`, `X`, visual mode.

What this module must never do: decide anything about the session. It only turns keys into
edits of the composer's text and cursor; the composer (codex.tui.widgets) asks it first and
goes on with its own handling for every key it declines (Enter, Tab, Ctrl-keys, the popup).

The editing works on a plain model (the text and a (row, col) cursor) so each command is a
small pure step; the composer applies the result with one `load_text`, which keeps Textual's
own undo out of the way (`u` walks this module's stack, as 0.169's does: one step per change).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from codex.tui.vim_motions import (
    FIND_KINDS,
    OBJECTS,
    Cursor,
    cursor_at,
    find_char,
    find_span,
    offset_of,
    search,
    text_object,
    word_backward,
    word_end,
    word_forward,
)

NORMAL = "normal"
INSERT = "insert"
REPLACE = "replace"  # `R`: typed characters overwrite the line's
LABELS = {NORMAL: "Vim: Normal", INSERT: "Vim: Insert", REPLACE: "Vim: Replace"}
ENABLED = "Vim mode enabled."
DISABLED = "Vim mode disabled."

# Motions that make an operator work on whole lines (`dj` deletes two lines).
_LINEWISE = frozenset({"j", "k", "down", "up", "G", "gg"})


class Editor(Protocol):
    """What the vim layer needs of the composer (a Textual TextArea)."""

    text: str
    cursor_location: Cursor

    def load_text(self, text: str) -> None: ...

    def move_cursor(self, location: Cursor) -> None: ...

    def insert(self, text: str) -> Any: ...


@dataclass
class Register:
    """The unnamed register: what `x`, `d…`, `y…` took, and whether it was whole lines."""

    text: str = ""
    linewise: bool = False


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


@dataclass
class VimState:
    """One composer's vim mode: on or off, Normal, Insert or Replace, a pending operator or
    prefix (`d`, `c`, `y`, `g`, `r`, `f`…, `di`…, `df`…), the register, the undo and redo
    stacks, the last change for `.`, and the `/` search prompt while it is open."""

    enabled: bool = False
    mode: str = INSERT
    pending: str = ""
    register: Register = field(default_factory=Register)
    undo: list[tuple[str, Cursor]] = field(default_factory=list)
    redo: list[tuple[str, Cursor]] = field(default_factory=list)
    last_change: list[str] = field(default_factory=list)
    prompt: str | None = None  # the search being typed, with its `/` or `?`
    last_search: tuple[str, bool] | None = None  # (text, forward): what `n` and `N` repeat
    _replaced: list[str] = field(default_factory=list)  # under `R`: what each key overwrote
    _recording: list[str] | None = None
    _replaying: bool = False

    @property
    def label(self) -> str | None:
        """The footer's text (None: vim mode is off)."""
        return LABELS[self.mode] if self.enabled else None

    def toggle(self) -> str:
        """`/vim`: on (in Normal mode, as 0.169) or off; the notice to show."""
        self.enabled = not self.enabled
        self.mode = NORMAL
        self.pending = ""
        self.prompt = None
        return ENABLED if self.enabled else DISABLED

    def start_insert(self) -> None:
        """A new composer with vim on (`[tui] vim_mode_default`, or after a message was sent)
        starts in Insert mode, as 0.169's."""
        self.mode = INSERT
        self.pending = ""
        self.prompt = None

    # ---- keys -------------------------------------------------------------------------------

    def key(self, ed: Editor, key: str, char: str | None) -> bool:
        """Handle one key; False: the composer handles it as usual."""
        if not self.enabled:
            return False
        if self.mode == INSERT:
            return self._insert_key(ed, key, char)
        if self.mode == REPLACE:
            return self._replace_key(ed, key, char)
        if self.prompt is not None:
            self._prompt_key(ed, key, char)
            return True
        name = char if char and char.isprintable() and len(char) == 1 else key
        if name == "ctrl+r":  # redo
            self.pending = ""
            self._redo(ed)
            return True
        if name in ("enter", "tab", "shift+tab") or name.startswith("ctrl+"):
            self.pending = ""
            return False  # sending, completion, the app's shortcuts
        if name == "escape" and not self.pending:
            return False  # (Esc in Normal mode: what it does without vim)
        self._normal(ed, name)
        return True

    def _insert_key(self, ed: Editor, key: str, char: str | None) -> bool:
        if key == "escape":
            row, col = ed.cursor_location
            self._set_mode(NORMAL)
            ed.move_cursor((row, max(0, col - 1)))
            self._finish_recording()
            return True
        if self._recording is not None:
            if char and char.isprintable() and len(char) == 1:
                self._recording.append("\x00" + char)
            elif key == "backspace":
                self._recording.append("\x00\b")
            elif key in ("shift+enter", "ctrl+j"):
                self._recording.append("\x00\n")
        return False

    def _set_mode(self, mode: str) -> None:
        self.mode = mode
        self.pending = ""

    def _finish_recording(self) -> None:
        if self._recording is not None and not self._replaying:
            self.last_change = self._recording
        self._recording = None

    def _snapshot(self, ed: Editor) -> None:
        self.undo.append((ed.text, ed.cursor_location))
        del self.undo[:-100]  # (a bounded history)
        self.redo.clear()  # a new change: what was undone can no longer be redone

    def _apply(self, ed: Editor, text: str, cur: Cursor) -> None:
        if text != ed.text:
            ed.load_text(text)
        lines = text.split("\n")
        row = min(max(cur[0], 0), len(lines) - 1)
        ed.move_cursor((row, min(max(cur[1], 0), len(lines[row]))))

    def _clamp(self, ed: Editor, cur: Cursor) -> Cursor:
        """Normal mode's cursor sits on a character: never past the line's last one."""
        lines = ed.text.split("\n")
        row = min(max(cur[0], 0), len(lines) - 1)
        return (row, min(max(cur[1], 0), max(0, len(lines[row]) - 1)))

    def _normal(self, ed: Editor, name: str) -> None:
        if self._pending_target(ed, name):
            return
        if self.pending == "r":
            self.pending = ""
            if len(name) == 1:
                self._change(ed, ["r", name], lambda: self._replace_char(ed, name))
            return
        if self.pending == "g":
            self.pending = ""
            if name == "g":
                ed.move_cursor((0, _indent(ed.text.split("\n")[0])))
            return
        if self.pending in ("dg", "cg", "yg"):  # `dgg`: to the first line
            op, self.pending = self.pending[0], ""
            if name == "g":
                self._operator(ed, op, "gg")
            return
        if self.pending in ("d", "c", "y"):
            op, self.pending = self.pending, ""
            if name == "g" or name in FIND_KINDS or name in ("i", "a"):
                self.pending = op + name  # `dgg`, `df,`, `diw`: one more key to come
            elif name != "escape":
                self._operator(ed, op, name)
            return
        if name in ("d", "c", "y", "g", "r") or name in FIND_KINDS:
            self.pending = name
            return
        if name in ("k", "up", "j", "down") and self._past_edge(ed, name in ("k", "up")):
            return
        target = self._motion(ed, name)
        if target is not None:
            ed.move_cursor(self._clamp(ed, target))
            return
        self._command(ed, name)

    def _past_edge(self, ed: Editor, up: bool) -> bool:
        """`k` on the first line, `j` on the last (0.169): history, as ↑/↓ without vim, when
        the composer is empty or shows a recalled message (the composer's `vim_recall`);
        otherwise the cursor goes to the line's start (`k`) or just past its end (`j`)."""
        lines = ed.text.split("\n")
        row = ed.cursor_location[0]
        if row != (0 if up else len(lines) - 1):
            return False
        recall = getattr(ed, "vim_recall", None)
        if recall is not None and recall(-1 if up else 1):
            ed.move_cursor(self._clamp(ed, ed.cursor_location))
        else:
            ed.move_cursor((row, 0) if up else (row, len(lines[row])))
        return True

    def _motion(self, ed: Editor, name: str) -> Cursor | None:
        """Where a motion key takes the cursor (None: not a motion)."""
        lines = ed.text.split("\n")
        row, col = ed.cursor_location
        text = ed.text
        pos = offset_of(lines, (row, col))
        if name in ("h", "left"):
            return (row, col - 1)
        if name in ("l", "right"):
            return (row, col + 1)
        if name in ("j", "down", "k", "up"):
            step = 1 if name in ("j", "down") else -1
            return (min(max(row + step, 0), len(lines) - 1), col)
        if name == "0":  # (0.169's Normal mode has no `^`, Home or End)
            return (row, 0)
        if name == "$":
            return (row, len(lines[row]))
        if name == "w":
            return cursor_at(lines, word_forward(text, pos))
        if name == "e":
            return cursor_at(lines, word_end(text, pos))
        if name == "b":
            return cursor_at(lines, word_backward(text, pos))
        if name == "G":  # (as `gg`: to the line's first non-blank, as vim)
            return (len(lines) - 1, _indent(lines[-1]))
        if name == "gg":  # only after an operator (`dgg`); alone `gg` is the `g` prefix's
            return (0, 0)
        return None

    def _command(self, ed: Editor, name: str) -> None:
        row, col = ed.cursor_location
        lines = ed.text.split("\n")
        line = lines[row]
        if name == "i":
            self._enter_insert(ed, ["i"], (row, col))
        elif name == "a":
            self._enter_insert(ed, ["a"], (row, min(col + 1, len(line))))
        elif name == "I":
            self._enter_insert(ed, ["I"], (row, len(line) - len(line.lstrip())))
        elif name == "A":
            self._enter_insert(ed, ["A"], (row, len(line)))
        elif name in ("o", "O"):
            self._snapshot(ed)
            at = row + 1 if name == "o" else row
            self._apply(ed, "\n".join([*lines[:at], "", *lines[at:]]), (at, 0))
            self._begin_insert([name])
        elif name == "x":
            self._change(ed, ["x"], lambda: self._delete_span(ed, (row, col), (row, col + 1)))
        elif name == "D":
            self._change(ed, ["D"], lambda: self._delete_span(ed, (row, col), (row, len(line))))
        elif name == "Y":  # (as `yy`)
            self._lines_op(ed, "y")
        elif name == "C":
            self._snapshot(ed)
            self._take(ed, (row, col), (row, len(line)))
            self._begin_insert(["C"])
        elif name == "s":
            self._snapshot(ed)
            self._take(ed, (row, col), (row, col + 1))
            self._begin_insert(["s"])
        elif name == "p":  # (0.169 has no `P`, no `X`)
            self._change(ed, [name], lambda: self._paste(ed))
        elif name == "R":
            self._snapshot(ed)
            self._set_mode(REPLACE)
            self._replaced = []
            if not self._replaying:
                self._recording = ["R"]
        elif name in ("/", "?"):
            self.prompt = name
        elif name in ("n", "N") and self.last_search is not None:
            needle, forward = self.last_search
            self._search(ed, needle, forward == (name == "n"))
        elif name == "u":
            self._undo(ed)
        elif name == ".":
            self._repeat(ed)

    def _enter_insert(self, ed: Editor, keys: list[str], at: Cursor) -> None:
        self._snapshot(ed)
        ed.move_cursor(at)
        self._begin_insert(keys)

    def _begin_insert(self, keys: list[str]) -> None:
        self._set_mode(INSERT)
        if not self._replaying:
            self._recording = list(keys)

    def _change(self, ed: Editor, keys: list[str], edit: Any) -> None:
        """A Normal-mode change: undoable, and what `.` repeats."""
        self._snapshot(ed)
        edit()
        if not self._replaying:
            self.last_change = keys

    # ---- edits ------------------------------------------------------------------------------

    def _take(self, ed: Editor, start: Cursor, end: Cursor) -> None:
        """Cut [start, end) into the register; the cursor where the span began."""
        lines = ed.text.split("\n")
        a, b = offset_of(lines, start), offset_of(lines, end)
        a, b = min(a, b), max(a, b)
        b = min(b, len(ed.text))
        if a == b:
            return
        self.register = Register(ed.text[a:b], False)
        text = ed.text[:a] + ed.text[b:]
        cur = cursor_at(text.split("\n"), a)
        self._apply(ed, text, cur)  # (0.169: even past the line's end, after `x` or `D` there)

    def _delete_span(self, ed: Editor, start: Cursor, end: Cursor) -> None:
        line = ed.text.split("\n")[start[0]]
        self._take(ed, start, (end[0], min(end[1], len(line))))

    def _replace_char(self, ed: Editor, ch: str) -> None:
        row, col = ed.cursor_location
        lines = ed.text.split("\n")
        if col < len(lines[row]):
            lines[row] = lines[row][:col] + ch + lines[row][col + 1 :]
            self._apply(ed, "\n".join(lines), (row, col))

    def _lines_op(self, ed: Editor, op: str, last: int | None = None) -> None:
        """`dd`, `cc`, `yy`: the whole line; with `last` (a line-wise motion's row: `dj`,
        `dk`, `dG`, `dgg`), every line from the cursor's to that one."""
        row, col = ed.cursor_location
        row, last = sorted((row, row if last is None else last))
        lines = ed.text.split("\n")
        self.register = Register("\n".join(lines[row : last + 1]) + "\n", True)
        if op == "y":
            ed.move_cursor(self._clamp(ed, (row, col)))  # `yk`: to the first line yanked
            return
        if op == "c":
            indent = lines[row][: len(lines[row]) - len(lines[row].lstrip())]
            lines[row : last + 1] = [indent]
            self._apply(ed, "\n".join(lines), (row, len(indent)))
            return
        if last == len(lines) - 1 and row > 0:  # 0.169: the line break before them stays
            self._apply(ed, "\n".join([*lines[:row], ""]), (row, 0))
            return
        rest = lines[:row] + lines[last + 1 :] or [""]
        row = min(row, len(rest) - 1)
        self._apply(ed, "\n".join(rest), (row, 0))
        ed.move_cursor(self._clamp(ed, (row, len(rest[row]) - len(rest[row].lstrip()))))

    def _operator(self, ed: Editor, op: str, name: str) -> None:
        """`d`/`c`/`y` followed by a motion (or doubled: the line)."""
        keys = [op, name]
        if name == op:
            if op == "y":
                self._lines_op(ed, op)
                return
            self._snapshot(ed)
            self._lines_op(ed, op)
            if op == "c":
                self._begin_insert(keys)
            elif not self._replaying:
                self.last_change = keys
            return
        start = ed.cursor_location
        if op == "c" and name == "w":
            name = "e"  # as vim: `cw` changes to the end of the word
        target = self._motion(ed, name)
        if target is None:
            return
        if name in _LINEWISE:
            if target[0] == start[0] and name in ("j", "down", "k", "up"):
                return  # as vim: `dj` on the last line (`dk` on the first) fails, nothing done
            if op != "y":
                self._snapshot(ed)
            self._lines_op(ed, op, target[0])
            if op == "c":
                self._begin_insert([op, name])
            elif op == "d" and not self._replaying:
                self.last_change = [op, name]
            return
        lines = ed.text.split("\n")
        # A character-wise motion never leaves the line sideways: `dh` at its start, `dl` at
        # its end do nothing (past the ends of the line, not the neighbouring line's).
        target = (target[0], min(max(target[1], 0), len(lines[target[0]])))
        if name == "e":
            target = cursor_at(lines, min(offset_of(lines, target) + 1, len(ed.text)))
        if name == "w" and target[0] != start[0]:
            target = (start[0], len(lines[start[0]]))  # `dw` on a line's last word stops there
        if op == "y":
            a, b = sorted((offset_of(lines, start), offset_of(lines, target)))
            self.register = Register(ed.text[a:b], False)
            return
        self._snapshot(ed)
        self._take(ed, start, target)
        if op == "c":
            self._begin_insert(keys)
        elif not self._replaying:
            self.last_change = keys

    def _paste(self, ed: Editor) -> None:
        """`p`: whole lines go below the cursor's line (the cursor on the first), text after
        the cursor (the cursor just past it, as 0.169's: not on its last character)."""
        reg = self.register
        if not reg.text:
            return
        row, col = ed.cursor_location
        lines = ed.text.split("\n")
        if reg.linewise:
            at = row + 1
            new = reg.text[:-1].split("\n")
            self._apply(ed, "\n".join([*lines[:at], *new, *lines[at:]]), (at, 0))
            return
        col = min(col + 1, len(lines[row])) if lines[row] else col
        pos = offset_of(lines, (row, col))
        text = ed.text[:pos] + reg.text + ed.text[pos:]
        self._apply(ed, text, cursor_at(text.split("\n"), pos + len(reg.text)))

    def _undo(self, ed: Editor) -> None:
        if not self.undo:
            return
        self.redo.append((ed.text, ed.cursor_location))
        text, cur = self.undo.pop()
        self._apply(ed, text, cur)
        ed.move_cursor(self._clamp(ed, cur))

    def _redo(self, ed: Editor) -> None:
        """Ctrl-R: the change `u` took back, again (the cursor where it was made)."""
        if not self.redo:
            return
        self.undo.append((ed.text, ed.cursor_location))
        text, _ = self.redo.pop()
        cur = self.undo[-1][1]
        self._apply(ed, text, cur)
        ed.move_cursor(self._clamp(ed, cur))

    def _repeat(self, ed: Editor) -> None:
        """`.`: the last change again, with the text it inserted."""
        keys = list(self.last_change)
        if not keys:
            return
        self._replaying = True
        try:
            for k in keys:
                if k.startswith("\x00") and self.mode == REPLACE:
                    self._replace_key(ed, "backspace" if k == "\x00\b" else k[1:], k[1:])
                elif k.startswith("\x00"):
                    ch = k[1:]
                    if ch == "\b":
                        row, col = ed.cursor_location
                        if col:
                            self._delete_text_before(ed)
                    else:
                        ed.insert(ch)
                else:
                    self._normal(ed, k)
            if self.mode in (INSERT, REPLACE):
                row, col = ed.cursor_location
                self._set_mode(NORMAL)
                ed.move_cursor((row, max(0, col - 1)))
        finally:
            self._replaying = False
            self._recording = None

    def _delete_text_before(self, ed: Editor) -> None:
        row, col = ed.cursor_location
        lines = ed.text.split("\n")
        lines[row] = lines[row][: col - 1] + lines[row][col:]
        self._apply(ed, "\n".join(lines), (row, col - 1))

    # ---- f/t, text objects, Replace mode, search (codex.tui.vim_motions finds the spans) -----

    def _pending_target(self, ed: Editor, name: str) -> bool:
        """The key after `f`/`t`/`F`/`T` (a character to find, on this line) or after `di`,
        `ca`, … (a text object), alone or after an operator; False: no such key pending."""
        pending = self.pending
        find = pending[-1:] in FIND_KINDS and len(pending) <= 2
        scoped = len(pending) == 2 and pending[0] in "dcy" and pending[1] in "ia"
        if not (find or scoped):
            return False
        self.pending = ""
        if len(name) != 1:
            return True  # Esc (or any other named key) cancels
        lines = ed.text.split("\n")
        pos = offset_of(lines, ed.cursor_location)
        if find and len(pending) == 1:
            found = find_char(ed.text, pos, pending, name)
            if found is not None:
                ed.move_cursor(cursor_at(lines, found))
            return True
        if find:
            span = find_span(ed.text, pos, pending[1], name)
        else:
            span = text_object(ed.text, pos, pending[1], name) if name in OBJECTS else None
        if span is not None:
            self._span_op(ed, pending[0], span, [*pending, name])
        return True

    def _span_op(self, ed: Editor, op: str, span: tuple[int, int], keys: list[str]) -> None:
        """`d`/`c`/`y` over the [start, end) offsets `span`: the cursor at its start (0.169
        leaves it there even past the line's end, after `daw` on the last word); `y` leaves
        the cursor where it was (0.169's `yiw`)."""
        a, b = span
        self.register = Register(ed.text[a:b], False)
        if op == "y":
            return
        self._snapshot(ed)
        text = ed.text[:a] + ed.text[b:]
        self._apply(ed, text, cursor_at(text.split("\n"), a))
        if op == "c":
            self._begin_insert(keys)
        elif not self._replaying:
            self.last_change = keys

    def _replace_key(self, ed: Editor, key: str, char: str | None) -> bool:
        """Replace mode (`R`): a character overwrites the one under the cursor (or extends the
        line at its end), Backspace gives back what the last one overwrote, Esc ends it (one
        undo step, what `.` repeats). Other keys (Enter, Ctrl-…) go to the composer."""
        row, col = ed.cursor_location
        lines = ed.text.split("\n")
        line = lines[row]
        if key == "escape":
            self._set_mode(NORMAL)
            ed.move_cursor((row, max(0, col - 1)))
            self._finish_recording()
            return True
        if key == "backspace":
            if col > 0:  # (before what `R` overwrote: it deletes, as in Insert mode)
                back = self._replaced.pop() if self._replaced else ""
                lines[row] = line[: col - 1] + back + line[col:]
                self._apply(ed, "\n".join(lines), (row, col - 1))
            if self._recording is not None:
                self._recording.append("\x00\b")
            return True
        if not (char and char.isprintable() and len(char) == 1):
            return False
        self._replaced.append(line[col : col + 1])
        lines[row] = line[:col] + char + line[col + 1 :]
        self._apply(ed, "\n".join(lines), (row, col + 1))
        if self._recording is not None:
            self._recording.append("\x00" + char)
        return True

    def _prompt_key(self, ed: Editor, key: str, char: str | None) -> None:
        """A key while the `/` (`?`) search prompt is open: typed into it; Enter searches,
        Esc closes it, Backspace on the bare `/` too."""
        prompt = self.prompt or "/"
        if key == "escape":
            self.prompt = None
        elif key == "enter":
            self.prompt = None
            if len(prompt) > 1:
                self.last_search = (prompt[1:], prompt[0] == "/")
                self._search(ed, prompt[1:], prompt[0] == "/")
        elif key == "backspace":
            self.prompt = prompt[:-1] or None
        elif char and char.isprintable() and len(char) == 1:
            self.prompt = prompt + char

    def _search(self, ed: Editor, needle: str, forward: bool) -> None:
        lines = ed.text.split("\n")
        found = search(ed.text, offset_of(lines, ed.cursor_location), needle, forward)
        if found is not None:
            ed.move_cursor(cursor_at(lines, found))
