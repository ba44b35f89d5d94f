"""Display form of an argv, as the official CLI shows it in `command_execution` items.

Upstream joins argv with the Rust `shlex` crate's quoter, which differs from Python's
`shlex.join`: it quotes a word in chunks, each chunk bare, in single quotes or in double quotes
(with `\\` escapes), choosing the longest prefix one style can carry. So a word holding both `'`
and `$` comes out as `"…'…"'$…'`. SDKs show this string to users; matching it keeps transcripts
identical. Display only: never feed the result back to a shell as a security boundary.
"""

from __future__ import annotations

_BARE = frozenset("+-./:@]_0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_NOT_IN_SINGLE = frozenset("'^\\")
_NOT_IN_DOUBLE = frozenset("`$!^")
_ESCAPE_IN_DOUBLE = frozenset('$`"\\')

_OK_BARE, _OK_SINGLE, _OK_DOUBLE = 1, 2, 4


def _chunk(word: str, start: int) -> tuple[int, int]:
    """The end of the longest chunk from `start` one style can carry, and that style."""
    ok = _OK_BARE | _OK_SINGLE | _OK_DOUBLE
    i = start
    if word[i] == "^":
        # Bash history expansion: `^` is only safe right after an opening single quote.
        ok = _OK_SINGLE
        i += 1
    while i < len(word):
        c = word[i]
        cur = ok
        if ord(c) >= 0x80:
            cur &= ~_OK_BARE
        else:
            if c not in _BARE:
                cur &= ~_OK_BARE
            if c in _NOT_IN_SINGLE:
                cur &= ~_OK_SINGLE
            if c in _NOT_IN_DOUBLE:
                cur &= ~_OK_DOUBLE
        if not cur:
            break
        ok = cur
        i += 1
    return i, ok


def quote(word: str) -> str:
    if not word:
        return "''"
    out: list[str] = []
    pos = 0
    while pos < len(word):
        end, ok = _chunk(word, pos)
        piece = word[pos:end]
        if ok & _OK_BARE:
            out.append(piece)
        elif ok & _OK_SINGLE:
            out.append(f"'{piece}'")
        else:
            escaped = "".join("\\" + c if c in _ESCAPE_IN_DOUBLE else c for c in piece)
            out.append(f'"{escaped}"')
        pos = end
    return "".join(out)


def join(argv: list[str] | tuple[str, ...]) -> str:
    return " ".join(quote(word) for word in argv)
