"""Paged, random access to a rollout file for front ends that show it (the viewer).

Why: a rollout can be hundreds of MB; a page of it must be served without loading it. One
streamed pass records where every line starts (an `array` of offsets, 8 bytes a line); a page is
then one `seek` and one bounded `read`. The index is cached per path and reused while the file's
(size, mtime) is unchanged; a file that only grew (a live session: rollouts are append-only) is
indexed from where the last pass stopped; a file that shrank is indexed again.
"""

from __future__ import annotations

import os
import re
import threading
from array import array
from dataclasses import dataclass, field
from pathlib import Path

CHUNK = 1 << 20
# A line longer than this is served cut (a page's memory stays bounded by count * this).
MAX_LINE_BYTES = 1 << 20
# A page stops early once it holds this much (at least one line): memory stays bounded even
# when every line is huge.
PAGE_BYTES = 8 << 20
_CACHE_MAX = 64


@dataclass(slots=True)
class LineIndex:
    """Where each complete line of one rollout starts; `end` is the end of the last complete
    line (a torn last line, still being written, is not indexed until its newline lands)."""

    size: int = 0
    mtime_ns: int = 0
    end: int = 0
    starts: array = field(default_factory=lambda: array("q"))

    def __len__(self) -> int:
        return len(self.starts)

    def span(self, n: int) -> tuple[int, int]:
        """(start, end) byte offsets of line n, the end excluding its newline."""
        start = self.starts[n]
        stop = self.starts[n + 1] if n + 1 < len(self.starts) else self.end
        return start, stop - 1


_cache: dict[str, LineIndex] = {}
_lock = threading.Lock()


def _extend(index: LineIndex, path: str) -> None:
    """Index the complete lines from `index.end` on, in one streamed pass of CHUNK reads."""
    with open(path, "rb") as f:
        f.seek(index.end)
        pos = index.end
        line_start = index.end
        starts = index.starts
        while True:
            chunk = f.read(CHUNK)
            if not chunk:
                break
            find = chunk.find
            i = find(b"\n")
            while i >= 0:
                starts.append(line_start)
                line_start = pos + i + 1
                i = find(b"\n", i + 1)
            pos += len(chunk)
        index.end = line_start


def line_index(path: Path | str) -> LineIndex:
    """The (cached, brought up to date) line index of a rollout. Raises OSError."""
    key = os.fspath(path)
    st = os.stat(key)
    with _lock:
        index = _cache.get(key)
        if index is not None and (index.size, index.mtime_ns) == (st.st_size, st.st_mtime_ns):
            return index
        if index is None or st.st_size < index.size:
            index = LineIndex()
        _extend(index, key)
        index.size, index.mtime_ns = st.st_size, st.st_mtime_ns
        _cache.pop(key, None)
        _cache[key] = index
        while len(_cache) > _CACHE_MAX:
            _cache.pop(next(iter(_cache)))
        return index


@dataclass(frozen=True, slots=True)
class RawLine:
    """One line of a rollout as stored: its number, byte offset, and bytes (cut at
    MAX_LINE_BYTES, `truncated` then says so)."""

    number: int
    offset: int
    data: bytes
    truncated: bool = False


def read_lines(path: Path | str, start: int, count: int) -> tuple[list[RawLine], int]:
    """Lines [start, start+count) (fewer past PAGE_BYTES) and the total number of complete
    lines."""
    index = line_index(path)
    total = len(index)
    out: list[RawLine] = []
    if start < 0:
        start = 0
    held = 0
    with open(path, "rb") as f:
        for n in range(start, min(total, start + count)):
            if held >= PAGE_BYTES:
                break
            begin, stop = index.span(n)
            f.seek(begin)
            length = stop - begin
            data = f.read(min(length, MAX_LINE_BYTES))
            held += len(data)
            out.append(RawLine(n, begin, data, length > MAX_LINE_BYTES))
    return out, total


def read_after(path: Path | str, offset: int, limit: int = 500) -> tuple[list[RawLine], int]:
    """Complete lines starting at or after byte `offset` (at most `limit`), and the offset to
    ask from next time: what a live tail polls with."""
    index = line_index(path)
    starts = index.starts
    lo, hi = 0, len(starts)
    while lo < hi:  # first line starting at or after offset
        mid = (lo + hi) // 2
        if starts[mid] < offset:
            lo = mid + 1
        else:
            hi = mid
    lines, _total = read_lines(path, lo, limit)
    got = lo + len(lines)
    nxt = index.end if got >= len(starts) else starts[got]
    return lines, max(nxt, offset)


@dataclass(frozen=True, slots=True)
class RolloutStats:
    """What a session list shows that the head does not say: turns and the model."""

    turns: int
    model: str | None
    partial: bool = False  # the file is over STATS_MAX_BYTES: `turns` counts its head only


# A turn is a task: a `task_started` event. Our CLI writes a turn_context per model request and
# old rollouts have no task events, so turn_context lines count only when no task was recorded.
_TASK = re.compile(rb'"type":\s*"task_started"')
_TURN = re.compile(rb'"type":\s*"turn_context"')
_MODEL = re.compile(rb'"model":\s*"([^"\\]{1,200})"')
_stats: dict[tuple[str, int, int], RolloutStats] = {}
# A list of many huge sessions must not scan gigabytes: only this much of each file is counted.
STATS_MAX_BYTES = 16 << 20


def rollout_stats(path: Path | str) -> RolloutStats:
    """Turns (see _TASK) and the first turn's model, by one streamed scan of the raw
    bytes (no JSON parse), cached by (path, size, mtime)."""
    key_path = os.fspath(path)
    st = os.stat(key_path)
    key = (key_path, st.st_size, st.st_mtime_ns)
    hit = _stats.get(key)
    if hit is not None:
        return hit
    turns = tasks = 0
    model: str | None = None
    tail = b""
    with open(key_path, "rb") as f:
        while f.tell() < STATS_MAX_BYTES and (chunk := f.read(CHUNK)):
            # Lines are scanned whole: the partial last line waits for the next chunk.
            buf = tail + chunk
            cut = buf.rfind(b"\n") + 1
            whole, tail = buf[:cut], buf[cut:]
            tasks += len(_TASK.findall(whole))
            for m in _TURN.finditer(whole):
                turns += 1
                if model is None:
                    eol = whole.find(b"\n", m.end())
                    found = _MODEL.search(whole, whole.rfind(b"\n", 0, m.start()) + 1, eol)
                    if found:
                        model = found.group(1).decode("utf-8", "replace")
    stats = RolloutStats(tasks or turns, model, st.st_size > STATS_MAX_BYTES)
    if len(_stats) > 4096:
        _stats.clear()
    _stats[key] = stats
    return stats


def search_lines(path: Path | str, needle: str, limit: int = 200) -> list[int]:
    """Numbers of the lines whose raw JSON contains `needle` (ASCII case folded), first
    `limit` of them, by one streamed pass: search within a session of any size."""
    import bisect

    wanted = needle.encode("utf-8").lower()
    if not wanted:
        return []
    index = line_index(path)
    starts = index.starts
    found: list[int] = []
    with open(path, "rb") as f:
        pos = 0
        tail = b""
        while len(found) < limit and pos < index.end:
            chunk = f.read(min(CHUNK, index.end - pos))
            if not chunk:
                break
            buf = (tail + chunk).lower()
            base = pos - len(tail)
            pos += len(chunk)
            cut = buf.rfind(b"\n") + 1  # whole lines only: a match never spans a chunk edge
            buf, tail = buf[:cut], (tail + chunk)[cut:]
            i = buf.find(wanted)
            while i >= 0 and len(found) < limit:
                n = bisect.bisect_right(starts, base + i) - 1
                found.append(n)
                eol = buf.find(b"\n", i)  # next match on a later line
                i = buf.find(wanted, eol + 1) if eol >= 0 else -1
    return found
