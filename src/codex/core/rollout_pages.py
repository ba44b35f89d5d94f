"""Paged, random access to a rollout file for front ends that show it (the viewer).

Why: a rollout can be hundreds of MB; a page of it must be served without loading it. One
streamed pass records where every line starts (an `array` of offsets, 8 bytes a line); a page is
then one `seek` and one bounded `read`. The index is cached per path and reused while the file's
(size, mtime) is unchanged; a file that only grew (a live session: rollouts are append-only) is
indexed from where the last pass stopped; a file that shrank is indexed again.
"""

from __future__ import annotations

import bisect
import os
import re
import threading
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

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
    # TurnFacts of turn ends already worked out, by line (a complete line never changes: the
    # file is append-only, and a file that shrank gets a new index).
    facts: dict[int, TurnFacts] = field(default_factory=dict)

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
    torn: bool = False  # the file's last line, without its newline (still being written, or cut)


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


def iter_lines(path: Path | str) -> Iterator[RawLine]:
    """Every line of a rollout in order, in bounded memory (lines over MAX_LINE_BYTES come cut,
    a last line without its newline comes `torn`): what an export walks."""
    with open(path, "rb") as f:
        number = offset = 0
        while data := f.readline(MAX_LINE_BYTES + 1):
            length = len(data)
            if data.endswith(b"\n"):
                yield RawLine(number, offset, data[:-1])
            elif length > MAX_LINE_BYTES:
                while (rest := f.readline(CHUNK)) and not rest.endswith(b"\n"):
                    length += len(rest)
                length += len(rest)
                yield RawLine(number, offset, data[:MAX_LINE_BYTES], truncated=True)
            else:
                yield RawLine(number, offset, data, torn=True)
            number += 1
            offset += length


@dataclass(frozen=True, slots=True)
class TurnFacts:
    """What a turn's last line does not say itself: how long the turn took (its first and last
    lines' timestamps) and the tokens it used (the growth of the cumulative token count)."""

    seconds: float | None
    tokens: dict[str, int] | None


TOKEN_KEYS = (
    "input_tokens",
    "cached_input_tokens",
    "output_tokens",
    "reasoning_output_tokens",
    "total_tokens",
)


def stamp_seconds(stamp: object) -> float | None:
    """Seconds since the epoch of a rollout line's ISO timestamp, None if it is not one."""
    if not isinstance(stamp, str):
        return None
    try:
        return datetime.fromisoformat(stamp).timestamp()
    except ValueError:
        return None


def token_totals(payload: dict[str, Any]) -> dict[str, int] | None:
    """The cumulative usage in a token_count payload."""
    info = payload.get("info")
    total = info.get("total_token_usage") if isinstance(info, dict) else None
    if not isinstance(total, dict):
        return None
    return {k: int(v) for k in TOKEN_KEYS if isinstance(v := total.get(k), int)}


def token_delta(before: dict[str, int] | None, after: dict[str, int]) -> dict[str, int]:
    before = before or {}
    return {k: after.get(k, 0) - before.get(k, 0) for k in TOKEN_KEYS}


def _line_obj(path: Path | str, n: int) -> dict[str, Any] | None:
    lines, _total = read_lines(path, n, 1)
    if not lines or lines[0].truncated:
        return None
    try:
        obj = orjson.loads(lines[0].data)
    except orjson.JSONDecodeError:
        return None
    return obj if isinstance(obj, dict) else None


# Unescaped quotes occur only around JSON keys and values, never inside a string: a line holding
# one of these is (almost surely) that event; each one found is parsed to be sure.
_TURN_MARK = b'"task_started"'
_TOKEN_MARK = b'"token_count"'
# How far back a turn's end looks for its start: a bigger turn shows no duration or tokens.
FACTS_MAX_BYTES = 64 << 20


def _event_payload(path: Path | str, n: int, kind: str) -> tuple[dict[str, Any], Any] | None:
    """(payload, timestamp) of line n if it is an event_msg of this type."""
    obj = _line_obj(path, n)
    payload = obj.get("payload") if obj else None
    if obj is None or not isinstance(payload, dict) or payload.get("type") != kind:
        return None
    return payload, obj.get("timestamp")


def _scan_back(path: Path | str, index: LineIndex, n: int) -> Iterator[tuple[int, bytes]]:
    """(line, marker) of each marker in the lines before line n, nearest first, read backwards
    a CHUNK at a time, at most FACTS_MAX_BYTES."""
    starts = index.starts
    stop = starts[n]
    floor = max(0, stop - FACTS_MAX_BYTES)
    with open(path, "rb") as f:
        while stop > floor:
            begin = max(floor, stop - CHUNK)
            # Whole lines only: the block starts where its first line does (a line longer
            # than CHUNK is read whole, down to the floor).
            begin = max(floor, starts[bisect.bisect_right(starts, begin) - 1])
            f.seek(begin)
            block = f.read(stop - begin)
            found = []
            for mark in (_TURN_MARK, _TOKEN_MARK):
                j = block.find(mark)
                while j >= 0:
                    found.append((bisect.bisect_right(starts, begin + j) - 1, mark))
                    j = block.find(mark, j + 1)
            yield from sorted(set(found), reverse=True)
            stop = begin


def turn_facts(path: Path | str, n: int, end_stamp: object) -> TurnFacts:
    """The duration and token usage of the turn ending at line n (a task_complete or
    turn_aborted whose timestamp is `end_stamp`): the lines before it are scanned backwards for
    the turn's start and the token counts around it (bounded; cached per line)."""
    index = line_index(path)
    cached = index.facts.get(n)
    if cached is not None:
        return cached
    start_stamp: Any = None
    after: dict[str, int] | None = None
    before: dict[str, int] | None = None
    started = False
    for line, mark in _scan_back(path, index, n):
        if mark == _TURN_MARK and not started:
            hit = _event_payload(path, line, "task_started")
            if hit is not None:
                started, start_stamp = True, hit[1]
        elif mark == _TOKEN_MARK and (after is None or started):
            hit = _event_payload(path, line, "token_count")
            totals = token_totals(hit[0]) if hit is not None else None
            if totals is None:
                continue
            if not started:
                after = totals
            else:
                before = totals
                break
    t0, t1 = stamp_seconds(start_stamp), stamp_seconds(end_stamp)
    seconds = t1 - t0 if t0 is not None and t1 is not None and t1 >= t0 else None
    tokens = token_delta(before, after) if after is not None and after != before else None
    facts = TurnFacts(seconds, tokens if started else None)
    if len(index.facts) < 4096:
        index.facts[n] = facts
    return facts


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
