"""Vim mode for the composer (`/vim`), as 0.169's TUI has it
(tests/fixtures/tui_official_0169/vim_notes.md): Normal and Insert modes, the footer saying
`Vim: Normal` / `Vim: Insert`, the common Normal-mode motions, operators and edits, an undo
stack of its own, and Enter still sending the message in Normal mode.

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

NORMAL = "normal"
INSERT = "insert"
LABELS = {NORMAL: "Vim: Normal", INSERT: "Vim: Insert"}
ENABLED = "Vim mode enabled."
DISABLED = "Vim mode disabled."

Cursor = tuple[int, int]
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


def _classify(ch: str) -> int:
    """Vim's character classes for word motions: 0 blank, 1 word (alnum or _), 2 punctuation."""
    if ch.isspace():
        return 0
    return 1 if ch.isalnum() or ch == "_" else 2


def _offset(lines: list[str], cur: Cursor) -> int:
    return sum(len(x) + 1 for x in lines[: cur[0]]) + cur[1]


def _cursor(lines: list[str], offset: int) -> Cursor:
    for row, line in enumerate(lines):
        if offset <= len(line):
            return (row, offset)
        offset -= len(line) + 1
    return (len(lines) - 1, len(lines[-1]))


def word_forward(text: str, pos: int) -> int:
    """`w`: the start of the next word (a run of one class; a line break ends a word)."""
    n = len(text)
    if pos >= n:
        return n
    cls = _classify(text[pos])
    if cls:
        while pos < n and _classify(text[pos]) == cls and text[pos] != "\n":
            pos += 1
    while pos < n and text[pos].isspace():
        if text[pos] == "\n" and pos + 1 < n and text[pos + 1] == "\n":
            return pos + 1  # an empty line is a word of its own
        pos += 1
    return pos


def word_end(text: str, pos: int) -> int:
    """`e`: the last character of this word, or of the next when already there."""
    n = len(text)
    pos += 1
    while pos < n and text[pos].isspace():
        pos += 1
    if pos >= n:
        return max(0, n - 1)
    cls = _classify(text[pos])
    while pos + 1 < n and _classify(text[pos + 1]) == cls:
        pos += 1
    return pos


def word_backward(text: str, pos: int) -> int:
    """`b`: the start of this word, or of the previous when already there."""
    pos -= 1
    while pos > 0 and text[pos].isspace():
        pos -= 1
    if pos <= 0:
        return 0
    cls = _classify(text[pos])
    while pos > 0 and _classify(text[pos - 1]) == cls:
        pos -= 1
    return pos


@dataclass
class VimState:
    """One composer's vim mode: on or off, Normal or Insert, a pending operator or prefix
    (`d`, `c`, `y`, `g`, `r`), the register, the undo stack and the last change for `.`."""

    enabled: bool = False
    mode: str = INSERT
    pending: str = ""
    register: Register = field(default_factory=Register)
    undo: list[tuple[str, Cursor]] = field(default_factory=list)
    last_change: list[str] = field(default_factory=list)
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
        return ENABLED if self.enabled else DISABLED

    def start_insert(self) -> None:
        """A new composer with vim on (`[tui] vim_mode_default`, or after a message was sent)
        starts in Insert mode, as 0.169's."""
        self.mode = INSERT
        self.pending = ""

    # ---- keys -------------------------------------------------------------------------------

    def key(self, ed: Editor, key: str, char: str | None) -> bool:
        """Handle one key; False: the composer handles it as usual."""
        if not self.enabled:
            return False
        if self.mode == INSERT:
            return self._insert_key(ed, key, char)
        name = char if char and char.isprintable() and len(char) == 1 else key
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
        if self.pending == "r":
            self.pending = ""
            if len(name) == 1:
                self._change(ed, ["r", name], lambda: self._replace_char(ed, name))
            return
        if self.pending == "g":
            self.pending = ""
            if name == "g":
                ed.move_cursor((0, 0))
            return
        if self.pending in ("dg", "cg", "yg"):  # `dgg`: to the first line
            op, self.pending = self.pending[0], ""
            if name == "g":
                self._operator(ed, op, "gg")
            return
        if self.pending in ("d", "c", "y"):
            op, self.pending = self.pending, ""
            if name == "g":
                self.pending = op + "g"
            elif name != "escape":
                self._operator(ed, op, name)
            return
        if name in ("d", "c", "y", "g", "r"):
            self.pending = name
            return
        target = self._motion(ed, name)
        if target is not None:
            ed.move_cursor(self._clamp(ed, target))
            return
        self._command(ed, name)

    def _motion(self, ed: Editor, name: str) -> Cursor | None:
        """Where a motion key takes the cursor (None: not a motion)."""
        lines = ed.text.split("\n")
        row, col = ed.cursor_location
        text = ed.text
        pos = _offset(lines, (row, col))
        if name in ("h", "left"):
            return (row, col - 1)
        if name in ("l", "right"):
            return (row, col + 1)
        if name in ("j", "down", "k", "up"):
            step = 1 if name in ("j", "down") else -1
            return (min(max(row + step, 0), len(lines) - 1), col)
        if name in ("0", "home"):
            return (row, 0)
        if name == "^":
            line = lines[row]
            return (row, len(line) - len(line.lstrip()))
        if name in ("$", "end"):
            return (row, len(lines[row]))
        if name == "w":
            return _cursor(lines, word_forward(text, pos))
        if name == "e":
            return _cursor(lines, word_end(text, pos))
        if name == "b":
            return _cursor(lines, word_backward(text, pos))
        if name == "G":
            return (len(lines) - 1, 0)
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
        elif name == "X" and col > 0:
            self._change(ed, ["X"], lambda: self._delete_span(ed, (row, col - 1), (row, col)))
        elif name == "D":
            self._change(ed, ["D"], lambda: self._delete_span(ed, (row, col), (row, len(line))))
        elif name == "C":
            self._snapshot(ed)
            self._take(ed, (row, col), (row, len(line)), insert=True)
            self._begin_insert(["C"])
        elif name == "s":
            self._snapshot(ed)
            self._take(ed, (row, col), (row, col + 1), insert=True)
            self._begin_insert(["s"])
        elif name == "S":
            self._operator(ed, "c", "c")
        elif name in ("p", "P"):
            self._change(ed, [name], lambda: self._paste(ed, after=name == "p"))
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

    def _take(self, ed: Editor, start: Cursor, end: Cursor, *, insert: bool = False) -> None:
        """Cut [start, end) into the register; the cursor where the span began."""
        lines = ed.text.split("\n")
        a, b = _offset(lines, start), _offset(lines, end)
        a, b = min(a, b), max(a, b)
        b = min(b, len(ed.text))
        if a == b:
            return
        self.register = Register(ed.text[a:b], False)
        text = ed.text[:a] + ed.text[b:]
        cur = _cursor(text.split("\n"), a)
        self._apply(ed, text, cur)
        if not insert:
            ed.move_cursor(self._clamp(ed, cur))

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
            target = _cursor(lines, min(_offset(lines, target) + 1, len(ed.text)))
        if name == "w" and target[0] != start[0]:
            target = (start[0], len(lines[start[0]]))  # `dw` on a line's last word stops there
        if op == "y":
            a, b = sorted((_offset(lines, start), _offset(lines, target)))
            self.register = Register(ed.text[a:b], False)
            return
        self._snapshot(ed)
        self._take(ed, start, target, insert=op == "c")
        if op == "c":
            self._begin_insert(keys)
        elif not self._replaying:
            self.last_change = keys

    def _paste(self, ed: Editor, *, after: bool) -> None:
        reg = self.register
        if not reg.text:
            return
        row, col = ed.cursor_location
        lines = ed.text.split("\n")
        if reg.linewise:
            at = row + 1 if after else row
            new = reg.text[:-1].split("\n")
            self._apply(ed, "\n".join([*lines[:at], *new, *lines[at:]]), (at, 0))
            return
        col = min(col + 1, len(lines[row])) if after and lines[row] else col
        pos = _offset(lines, (row, col))
        text = ed.text[:pos] + reg.text + ed.text[pos:]
        self._apply(ed, text, _cursor(text.split("\n"), pos + len(reg.text) - 1))

    def _undo(self, ed: Editor) -> None:
        if not self.undo:
            return
        text, cur = self.undo.pop()
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
                if k.startswith("\x00"):
                    ch = k[1:]
                    if ch == "\b":
                        row, col = ed.cursor_location
                        if col:
                            self._delete_text_before(ed)
                    else:
                        ed.insert(ch)
                else:
                    self._normal(ed, k)
            if self.mode == INSERT:
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
