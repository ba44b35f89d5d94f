"""The span finders behind 0.169's Vim `f`/`F`/`t`/`T`, text objects (`iw aw iW aW i( a( i[
a[ i{ a{ i" a" i' a' i` a``) and `/`/`?` search, as pure functions on the composer's text and
a character offset (tests/fixtures/tui_official_0169/vim_motions_official.json).

Why apart from codex.tui.vim: that module turns keys into edits; these only answer "where"
(an offset, or a [start, end) span), so each can be checked on a plain string and the key
handling stays small. Each returns None when vim would fail (no such character on the line,
no enclosing pair), and the caller then does nothing, as 0.169 does.
"""

from __future__ import annotations

Cursor = tuple[int, int]  # (row, column) in the composer
# f F t T: which way the search goes and whether it stops next to the character found.
FIND_KINDS = frozenset("fFtT")
# The key after `i`/`a` that names a paired object: its (open, close) characters.
PAIRS = {
    "(": "()", ")": "()", "b": "()",
    "[": "[]", "]": "[]",
    "{": "{}", "}": "{}", "B": "{}",
}  # fmt: skip
QUOTES = frozenset("\"'`")
OBJECTS = frozenset({"w", "W", *PAIRS, *QUOTES})


def _line_bounds(text: str, pos: int) -> tuple[int, int]:
    """The [start, end) offsets of the line holding `pos` (its line break excluded)."""
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return start, len(text) if end < 0 else end


def find_char(text: str, pos: int, kind: str, target: str) -> int | None:
    """The offset `kind` (f F t T) with `target` lands on from `pos`, on `pos`'s line only
    (0.169 has no `;`/`,` and no counts: the first occurrence)."""
    start, end = _line_bounds(text, pos)
    if kind in "ft":
        found = text.find(target, pos + 1, end)
        if found < 0:
            return None
        return found if kind == "f" else found - 1
    found = text.rfind(target, start, pos)
    if found < 0:
        return None
    return found if kind == "F" else found + 1


def find_span(text: str, pos: int, kind: str, target: str) -> tuple[int, int] | None:
    """What `d`/`c`/`y` with `kind` `target` covers: `f` through the character, `t` up to it,
    `F` from it to just before the cursor, `T` from after it; None when empty or not found."""
    start, end = _line_bounds(text, pos)
    if kind in "ft":
        found = text.find(target, pos + 1, end)
        if found < 0:
            return None
        span = (pos, found + 1 if kind == "f" else found)
    else:
        found = text.rfind(target, start, pos)
        if found < 0:
            return None
        span = (found if kind == "F" else found + 1, pos)
    return span if span[0] < span[1] else None


def _class(ch: str) -> int:
    """0 blank, 1 word character (alnum or _), 2 punctuation: what splits a word in two."""
    if ch.isspace():
        return 0
    return 1 if ch.isalnum() or ch == "_" else 2


def offset_of(lines: list[str], cur: Cursor) -> int:
    """The (row, col) `cur` as an offset into the lines joined by line breaks."""
    return sum(len(x) + 1 for x in lines[: cur[0]]) + cur[1]


def cursor_at(lines: list[str], offset: int) -> Cursor:
    """The offset `offset` as a (row, col) in `lines`."""
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
    cls = _class(text[pos])
    if cls:
        while pos < n and _class(text[pos]) == cls and text[pos] != "\n":
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
    cls = _class(text[pos])
    while pos + 1 < n and _class(text[pos + 1]) == cls:
        pos += 1
    return pos


def word_backward(text: str, pos: int) -> int:
    """`b`: the start of this word, or of the previous when already there."""
    pos -= 1
    while pos > 0 and text[pos].isspace():
        pos -= 1
    if pos <= 0:
        return 0
    cls = _class(text[pos])
    while pos > 0 and _class(text[pos - 1]) == cls:
        pos -= 1
    return pos


def _runs(text: str, big: bool) -> list[tuple[int, int]]:
    """The [start, end) spans of the non-blank runs (`big`: WORDs) or, within them, of the
    words and punctuation runs (a word)."""
    spans: list[tuple[int, int]] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        j = i
        while j < n and not text[j].isspace() and (big or _class(text[j]) == _class(text[i])):
            j += 1
        spans.append((i, j))
        i = j
    return spans


def word_object(text: str, pos: int, around: bool, big: bool) -> tuple[int, int] | None:
    """`iw`/`aw` (`iW`/`aW` with `big`): the word under the cursor, or the one just before it
    when the cursor sits on the blank right after a word (as 0.169); `a…` adds the blanks
    after it, or, when there are none, the blanks before it."""
    inner = None
    for start, end in _runs(text, big):
        if start <= pos < end or pos == end:
            inner = (start, end)
            if pos < end:
                break
    if inner is None:
        return None
    if not around:
        return inner
    start, end = inner
    after = end
    while after < len(text) and text[after].isspace():
        after += 1
    if after > end:
        return (start, after)
    while start > 0 and text[start - 1].isspace():
        start -= 1
    return (start, end)


def pair_object(text: str, pos: int, pair: str, around: bool) -> tuple[int, int] | None:
    """`i(`/`a(` (and `[`, `{`): the innermost pair around the cursor, over lines too; the
    cursor on a bracket counts as inside it."""
    opened, close = pair[0], pair[1]
    stack: list[int] = []
    best: tuple[int, int] | None = None
    for i, ch in enumerate(text):
        if ch == opened:
            stack.append(i)
        elif ch == close and stack:
            start = stack.pop()
            if start <= pos <= i:
                span = (start, i + 1) if around else (start + 1, i)
                if best is None or span[1] - span[0] < best[1] - best[0]:
                    best = span
    return best


def _escaped(text: str, i: int) -> bool:
    """An odd run of backslashes before `i` escapes the quote there."""
    n = 0
    while i - n - 1 >= 0 and text[i - n - 1] == "\\":
        n += 1
    return n % 2 == 1


def quote_object(text: str, pos: int, quote: str, around: bool) -> tuple[int, int] | None:
    """`i"`/`a"` (and `'`, backtick): the quotes on the cursor's line pair up in order (the
    first with the second, …); the pair the cursor is in, quotes included. `a"` takes the
    quotes and nothing more (0.169 leaves the blanks around them)."""
    start, end = _line_bounds(text, pos)
    opened: int | None = None
    for i in range(start, end):
        if text[i] != quote or _escaped(text, i):
            continue
        if opened is None:
            opened = i
            continue
        if opened <= pos <= i:
            return (opened, i + 1) if around else (opened + 1, i)
        opened = None
    return None


def text_object(text: str, pos: int, scope: str, obj: str) -> tuple[int, int] | None:
    """The span `scope` (`i` or `a`) `obj` names at `pos`; None when there is none."""
    around = scope == "a"
    if obj in ("w", "W"):
        return word_object(text, pos, around, obj == "W")
    if obj in PAIRS:
        return pair_object(text, pos, PAIRS[obj], around)
    if obj in QUOTES:
        return quote_object(text, pos, obj, around)
    return None


def search(text: str, pos: int, needle: str, forward: bool) -> int | None:
    """`/needle` (forward) or `?needle` from `pos`: the next match's start after (before) the
    cursor, wrapping round the text's end (start); a plain, case-sensitive match."""
    if not needle:
        return None
    if forward:
        found = text.find(needle, pos + 1)
        if found < 0:
            found = text.find(needle, 0, pos + len(needle))
    else:
        found = text.rfind(needle, 0, pos)
        if found < 0:
            found = text.rfind(needle, pos)
    return None if found < 0 else found
