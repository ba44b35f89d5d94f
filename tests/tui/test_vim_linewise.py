"""Vim operators with a line-wise motion (`dj`, `dk`, `dG`, `dgg`, `cj`, `yj`) work on whole
lines, as in vim, and a character-wise motion never crosses a line's ends (`dh` at column 0,
`dl` at the line's end). Driven on codex.tui.vim's VimState with a plain text editor standing
in for the composer (the module's Editor protocol); tests/tui/test_slash_vim.py drives the
real TUI."""

from __future__ import annotations

import pytest

from codex.tui.vim import INSERT, NORMAL, VimState

TEXT = "abc\ndef\nghi"


class PlainEditor:
    """The Editor protocol on a str and a (row, col) cursor."""

    def __init__(self, text: str, cursor: tuple[int, int]) -> None:
        self.text = text
        self.cursor_location = cursor

    def load_text(self, text: str) -> None:
        self.text = text

    def move_cursor(self, location: tuple[int, int]) -> None:
        self.cursor_location = location

    def insert(self, text: str) -> None:
        lines = self.text.split("\n")
        row, col = self.cursor_location
        lines[row] = lines[row][:col] + text + lines[row][col:]
        self.text = "\n".join(lines)
        self.cursor_location = (row, col + len(text))


def _run(text: str, cursor: tuple[int, int], keys: str) -> tuple[VimState, PlainEditor]:
    vim, ed = VimState(), PlainEditor(text, cursor)
    vim.toggle()
    assert vim.mode == NORMAL
    for k in keys:
        vim.key(ed, k, k)
    return vim, ed


@pytest.mark.parametrize(
    ("cursor", "keys", "text", "at"),
    [
        ((0, 1), "dj", "ghi", (0, 0)),
        ((1, 1), "dk", "ghi", (0, 0)),
        # Lines deleted down to the last: 0.169 keeps the line break before them, the cursor on
        # the empty line left (vim_motions_official.json `dG`, `dd` on the last line; `dj` by
        # the same rule).
        ((1, 1), "dj", "abc\n", (1, 0)),
        ((1, 1), "dG", "abc\n", (1, 0)),
        ((0, 1), "dG", "", (0, 0)),
        ((1, 2), "dgg", "ghi", (0, 0)),
        ((2, 0), "dgg", "", (0, 0)),
        ((2, 1), "dj", TEXT, (2, 1)),  # vim: `j` from the last line fails, nothing deleted
        ((0, 1), "dk", TEXT, (0, 1)),
    ],
)
def test_delete_with_a_line_motion_is_linewise(
    cursor: tuple[int, int], keys: str, text: str, at: tuple[int, int]
) -> None:
    _, ed = _run(TEXT, cursor, keys)
    assert (ed.text, ed.cursor_location) == (text, at)


def test_delete_lines_goes_to_the_register_and_undo_and_repeat() -> None:
    vim, ed = _run("1\n2\n3\n4\n5", (0, 0), "dj")
    assert ed.text == "3\n4\n5"
    assert (vim.register.text, vim.register.linewise) == ("1\n2\n", True)
    vim.key(ed, ".", ".")  # `dj` again
    assert ed.text == "5"
    vim.key(ed, "u", "u")
    vim.key(ed, "p", "p")  # pasted whole lines, below the cursor's
    assert ed.text == "3\n3\n4\n4\n5"  # the register: what `.` deleted
    vim.key(ed, "u", "u")
    vim.key(ed, "u", "u")
    assert ed.text == "1\n2\n3\n4\n5"


def test_change_with_a_line_motion_replaces_the_lines() -> None:
    vim, ed = _run("  abc\ndef\nghi", (0, 3), "cj")
    assert vim.mode == INSERT
    assert (ed.text, ed.cursor_location) == ("  \nghi", (0, 2))
    assert vim.register.text == "  abc\ndef\n" and vim.register.linewise


def test_yank_with_a_line_motion_takes_the_lines() -> None:
    vim, ed = _run(TEXT, (0, 1), "yjGp")
    assert (vim.register.text, vim.register.linewise) == ("abc\ndef\n", True)
    assert ed.text == "abc\ndef\nghi\nabc\ndef"
    vim, ed = _run(TEXT, (2, 1), "yk")
    assert vim.register.text == "def\nghi\n" and ed.text == TEXT
    assert ed.cursor_location == (1, 1)  # as vim: the cursor goes to the first line yanked


@pytest.mark.parametrize(
    ("cursor", "keys", "text"),
    [
        ((1, 0), "dh", TEXT),  # vim: `h` at column 0 fails; no join with the line above
        ((0, 2), "dl", "ab\ndef\nghi"),  # the last character, not the line break after it
        ((1, 0), "ch", TEXT),
    ],
)
def test_character_motions_stay_on_the_line(cursor: tuple[int, int], keys: str, text: str) -> None:
    _, ed = _run(TEXT, cursor, keys)
    assert ed.text == text
