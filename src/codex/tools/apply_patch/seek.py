"""Find a block of lines in a file, tolerating the small differences models introduce.

Tried in order, each as a scan from `start`: exact; equal after stripping trailing whitespace;
equal after stripping both ends; equal after also mapping typographic punctuation (dashes, curly
quotes, odd spaces) to ASCII. Mirrors upstream's `seek_sequence`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

__all__ = ["normalise", "seek_sequence"]

_PUNCTUATION = str.maketrans(
    {
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
        **dict.fromkeys("\u2018\u2019\u201a\u201b", "'"),
        **dict.fromkeys("\u201c\u201d\u201e\u201f", '"'),
        **dict.fromkeys(
            "\u00a0\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000", " "
        ),
    }
)


def normalise(line: str) -> str:
    return line.strip().translate(_PUNCTUATION)


def _rstrip(line: str) -> str:
    return line.rstrip()


def _strip(line: str) -> str:
    return line.strip()


_PASSES: tuple[Callable[[str], str], ...] = (_rstrip, _strip, normalise)


def seek_sequence(
    lines: Sequence[str], pattern: Sequence[str], start: int, eof: bool = False
) -> int | None:
    """Index where `pattern` occurs in `lines` at or after `start`.

    With `eof` the block must END the file: the one candidate is `len(lines) - len(pattern)`, and
    only if that is not before `start`. The official 0.169 binary behaves so: an end-of-file chunk
    never matches lines an earlier chunk already consumed (it fails, and the planner's retry
    without the trailing empty line then inserts at `start`)."""
    if not pattern:
        return start
    n, m = len(lines), len(pattern)
    if m > n:
        return None
    first = max(start, n - m) if eof else start
    last = n - m
    pat = list(pattern)
    for i in range(first, last + 1):
        if lines[i : i + m] == pat:
            return i
    for canon in _PASSES:
        want = [canon(p) for p in pat]
        for i in range(first, last + 1):
            if all(canon(lines[i + k]) == want[k] for k in range(m)):
                return i
    return None
