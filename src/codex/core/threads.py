"""Recorded threads for front ends that list and read them (app-server, and any other that
serves many threads): a cached index of thread summaries paged newest first, a thread's rollout
by id, and a thread's recorded events (to rebuild its turns).

Why an index: `thread/list` is called by IDEs on every focus change; scanning and parsing 200
rollout heads each time costs tens of ms. Here only the directory walk and one `stat` per listed
file are repeated; a file's head (session_meta, first user message) is parsed once and kept
while its size only grows (a rollout is append-only; a rewritten file is parsed again).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from codex.core.thread_pages import ThreadPages
from codex.rollout.day_dirs import DayListings, archived_files
from codex.rollout.heads import user_text

HEAD_MAX_LINES = 64
HEAD_MAX_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class ThreadSummary:
    """What a thread list shows of one recorded thread."""

    thread_id: str
    path: Path
    file_timestamp: str
    created_at: float  # seconds (the file name's timestamp, else the file's mtime)
    updated_at: float  # the file's mtime
    meta: dict[str, Any]
    preview: str
    archived: bool


@dataclass(slots=True)
class _Head:
    size: int
    meta: dict[str, Any] | None
    preview: str | None


def _parse_name(name: str) -> tuple[str, str] | None:
    from codex.rollout.paths import parse_rollout_name

    return parse_rollout_name(name)


def read_head(path: Path | str) -> tuple[dict[str, Any] | None, str | None]:
    """(session_meta payload, first user message) from a rollout's first lines."""
    meta: dict[str, Any] | None = None
    user: str | None = None
    read = 0
    try:
        with open(path, "rb") as f:
            for lineno, raw in enumerate(f):
                read += len(raw)
                if lineno >= HEAD_MAX_LINES or read > HEAD_MAX_BYTES:
                    break
                if (
                    b'"session_meta"' not in raw
                    and b'"user_message"' not in raw
                    and b'"UserMessage"' not in raw
                ):
                    continue  # most head lines are neither: skip the parse
                try:
                    obj = orjson.loads(raw)
                except orjson.JSONDecodeError:
                    continue
                if not isinstance(obj, dict) or not isinstance(obj.get("payload"), dict):
                    continue
                payload = obj["payload"]
                if obj.get("type") == "session_meta" and meta is None:
                    meta = payload
                elif obj.get("type") == "event_msg" and user is None:
                    user = user_text(payload)
                if meta is not None and user is not None:
                    break
    except OSError:
        return None, None
    return meta, user


def _stamp_seconds(file_timestamp: str) -> float | None:
    """`YYYY-MM-DDThh-mm-ss` as UTC seconds; by hand: time.strptime costs ~10 ms on its
    first call (it builds locale regexes) and ~60 µs on every later one."""
    import calendar

    t = file_timestamp
    if len(t) != 19 or t[4] != "-" or t[7] != "-" or t[10] != "T" or t[13] != "-" or t[16] != "-":
        return None
    try:
        fields = (int(t[0:4]), int(t[5:7]), int(t[8:10]), int(t[11:13]), int(t[14:16]))
        second = int(t[17:19])
    except ValueError:
        return None
    year, month, day, hour, minute = fields
    if not (1 <= month <= 12 and hour < 24 and minute < 60 and second <= 61):
        return None
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return float(calendar.timegm((year, month, day, hour, minute, second, 0, 0, 0)))


class ThreadIndex(ThreadPages):
    """Summaries of the threads recorded under one `$CODEX_HOME` (see the module docstring)."""

    def __init__(self, codex_home: Path | str) -> None:
        self.codex_home = Path(codex_home)
        self._heads: dict[str, _Head] = {}
        # Each day directory's rollouts, newest first, kept while its mtime stays the same.
        self._listings = DayListings(_parse_name)

    def _files(self, archived: bool) -> Iterator[tuple[str, str, str]]:
        """(file timestamp, uuid, path) newest first."""
        from codex.rollout.paths import archived_dir, sessions_dir

        if archived:
            yield from archived_files(str(archived_dir(self.codex_home)), _parse_name)
        else:
            yield from self._listings.files(str(sessions_dir(self.codex_home)))

    def summary(self, path: str, ts: str, uid: str, archived: bool) -> ThreadSummary | None:
        """The summary of one rollout file, None while it has no session_meta or no user
        message yet (an aborted start is not listed, as upstream)."""
        try:
            st = os.stat(path)
        except OSError:
            return None
        head = self._heads.get(path)
        if head is None or st.st_size < head.size or head.preview is None:
            meta, preview = read_head(path)
            head = _Head(st.st_size, meta, preview)
            self._heads[path] = head
        if head.meta is None or head.preview is None:
            return None
        created = _stamp_seconds(ts) or st.st_mtime
        return ThreadSummary(
            uid, Path(path), ts, created, st.st_mtime, head.meta, head.preview, archived
        )

    def find(self, thread_id: str) -> tuple[Path, bool] | None:
        """The rollout of a thread by id and whether it is archived, or None."""
        found = self.find_path(thread_id)
        return None if found is None else (Path(found[0]), found[1])


def recorded_events(path: Path) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(timestamp, line type, payload) of every readable line of a rollout, in order."""
    for _, stamp, kind, payload in positioned_events(path):
        yield stamp, kind, payload


def positioned_events(path: Path) -> Iterator[tuple[int, str, str, dict[str, Any]]]:
    """`recorded_events` with each line's position: its recorded `ordinal`, else its index among
    the readable lines (a file written before ordinals existed). Paging cursors name these."""
    from codex.rollout import iter_rollout

    for index, line in enumerate(iter_rollout(Path(path))):
        payload = getattr(line, "payload", None)
        if isinstance(payload, dict):
            ordinal = getattr(line, "ordinal", None)
            position = ordinal if isinstance(ordinal, int) else index
            yield position, str(getattr(line, "timestamp", "") or ""), str(line.type), payload


SESSION_INDEX = "session_index.jsonl"


def read_thread_names(codex_home: Path | str) -> dict[str, str]:
    """Thread names from `$CODEX_HOME/session_index.jsonl` (the official CLI's file: one
    `{"id", "thread_name", "updated_at"}` line per rename, the last one wins)."""
    names: dict[str, str] = {}
    try:
        with open(Path(codex_home) / SESSION_INDEX, "rb") as f:
            for raw in f:
                try:
                    entry = orjson.loads(raw)
                except orjson.JSONDecodeError:
                    continue
                if isinstance(entry, dict) and isinstance(entry.get("id"), str):
                    name = entry.get("thread_name")
                    if isinstance(name, str):
                        names[entry["id"]] = name
    except OSError:
        pass
    return names


def append_thread_name(codex_home: Path | str, thread_id: str, name: str) -> None:
    """Record a rename as the official CLI does (one line, appended in one write)."""
    from datetime import UTC, datetime

    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    line = orjson.dumps({"id": thread_id, "thread_name": name, "updated_at": stamp}) + b"\n"
    fd = os.open(Path(codex_home) / SESSION_INDEX, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)
