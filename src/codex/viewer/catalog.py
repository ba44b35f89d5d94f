"""What a filtered session list searches: every session's cwd, first prompt and id, in memory.

Why: the unfiltered list is one page of core's thread index (the newest 100 files), but a text
or cwd filter must look at all 10,000 sessions, and asking the index for them all stats and
summarises every file on every request (~1 s). Here each day directory's listing is kept until
the directory's mtime changes (a new or removed session), and each session's searchable text is
read once (a rollout's head never changes: it is append-only). A filter is then a loop of
substring tests over strings; only the rows it returns are summarised (stat, turns) for display.
The catalog is filled in a background thread when the viewer starts, so the first filter
rarely waits for it.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from codex.core.rollout_walk import DayListings, day_dirs_desc, user_text
from codex.core.threads import ThreadIndex, ThreadSummary, read_head

_NAME = re.compile(
    r"^rollout-(\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2})-"
    r"([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\.jsonl$"
)

HEAD_BYTES = 64 << 10


def _parse(name: str) -> tuple[str, str] | None:
    match = _NAME.match(name)
    return (match.group(1), match.group(2)) if match else None


def _fast_head(path: str) -> tuple[dict[str, Any] | None, str | None]:
    """(session_meta payload, first user message) from the file's first HEAD_BYTES, by one
    read: a third of the cost of core's line-by-line reader on 10,000 small files (no Python
    file object). (None, None) when they are not both there; the caller then asks core."""
    try:
        fd = os.open(path, os.O_RDONLY)
        try:
            data = os.read(fd, HEAD_BYTES)
        finally:
            os.close(fd)
    except OSError:
        return None, None
    meta: dict[str, Any] | None = None
    for raw in data.split(b"\n")[:-1]:  # complete lines only
        if meta is None and b'"session_meta"' in raw:
            obj = _load(raw)
            if obj.get("type") == "session_meta" and isinstance(obj.get("payload"), dict):
                meta = obj["payload"]
        elif meta is not None and (b'"user_message"' in raw or b'"UserMessage"' in raw):
            obj = _load(raw)
            payload = obj.get("payload")
            if obj.get("type") == "event_msg" and isinstance(payload, dict):
                text = user_text(payload)
                if text is not None:
                    return meta, text
    return None, None


def _load(raw: bytes) -> dict[str, Any]:
    try:
        obj = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return {}
    return obj if isinstance(obj, dict) else {}


@dataclass(slots=True)
class Entry:
    """One rollout file; `text`/`cwd` are filled (lower-cased) once its head is listable."""

    ts: str
    uid: str
    path: str
    cwd: str | None = None
    text: str | None = None


class Catalog:
    """The searchable text of every session under one `$CODEX_HOME/sessions`, newest first."""

    def __init__(self, index: ThreadIndex) -> None:
        self.index = index
        self.root = os.path.join(os.fspath(index.codex_home), "sessions")
        self._listings = DayListings(_parse)
        # Per day: the listing the entries were made from, and the entries.
        self._days: dict[str, tuple[list[tuple[str, str, str]], list[Entry]]] = {}
        self._by_id: dict[str, Entry] = {}
        self._lock = threading.Lock()

    def _day(self, day: str) -> list[Entry]:
        """A day directory's rollouts newest first, as entries (kept, with their text, while
        the directory's listing is the same list: it is listed again only when it changed)."""
        found = self._listings.listing(day)
        hit = self._days.get(day)
        if hit is not None and hit[0] is found:
            return hit[1]
        old = {e.path: e for e in hit[1]} if hit is not None else {}
        entries: list[Entry] = []
        for ts, uid, path in found:
            entry = old.get(path) or Entry(ts, uid.lower(), path)
            entries.append(entry)
            self._by_id[entry.uid] = entry
        self._days[day] = (found, entries)
        return entries

    def entries(self) -> Iterator[Entry]:
        for day in day_dirs_desc(self.root):
            yield from self._day(day)

    def _read(self, entry: Entry) -> bool:
        """Fill the entry's searchable text from its head; False while it is not listable."""
        meta, preview = _fast_head(entry.path)
        if meta is None or preview is None:
            meta, preview = read_head(entry.path)  # a head over HEAD_BYTES: core's reader
        if meta is None or preview is None:
            return False
        cwd = str(meta.get("cwd", ""))
        entry.cwd = cwd.lower()
        entry.text = f"{preview}\n{cwd}\n{entry.uid}".lower()
        return True

    def search(self, q: str, cwd: str, limit: int) -> list[ThreadSummary]:
        """Up to `limit` sessions, newest first, whose prompt, cwd or id holds `q` and whose cwd
        holds `cwd` (both case folded)."""
        needle, place = q.lower(), cwd.lower()
        out: list[ThreadSummary] = []
        with self._lock:
            for entry in self.entries():
                # Not read yet, or not listable yet (no user message): read its head now.
                if entry.text is None and not self._read(entry):
                    continue
                assert entry.text is not None and entry.cwd is not None
                if place and place not in entry.cwd:
                    continue
                if needle and needle not in entry.text:
                    continue
                # The row's summary (a fresh stat: times, size), for the few rows shown only.
                item = self.index.summary(entry.path, entry.ts, entry.uid, False)
                if item is not None:
                    out.append(item)
                    if len(out) >= limit:
                        break
        return out

    def find(self, uid: str) -> Path | None:
        """The rollout of a session by id, from the listings already made (else None)."""
        entry = self._by_id.get(uid.lower())
        if entry is not None and os.path.exists(entry.path):
            return Path(entry.path)
        return None

    def warm(self) -> threading.Thread:
        """Read every session's head in a background thread (a daemon: it never holds up exit)."""
        thread = threading.Thread(target=self.search, args=("\0", "", 1), daemon=True)
        thread.start()
        return thread
