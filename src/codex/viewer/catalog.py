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
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from codex.core.threads import ThreadIndex, ThreadSummary

_NAME = re.compile(
    r"^rollout-(\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2})-"
    r"([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\.jsonl$"
)

_RACY_NS = 2_000_000_000


@dataclass(slots=True)
class Entry:
    """One rollout file; `text`/`cwd` are filled (lower-cased) once its head is listable."""

    ts: str
    uid: str
    path: str
    cwd: str | None = None
    text: str | None = None


def _numeric_dirs_desc(path: str) -> list[str]:
    try:
        names = [e.name for e in os.scandir(path) if e.name.isdigit() and e.is_dir()]
    except OSError:
        return []
    names.sort(key=int, reverse=True)
    return [os.path.join(path, n) for n in names]


class Catalog:
    """The searchable text of every session under one `$CODEX_HOME/sessions`, newest first."""

    def __init__(self, index: ThreadIndex) -> None:
        self.index = index
        self.root = os.path.join(os.fspath(index.codex_home), "sessions")
        self._days: dict[str, tuple[int, list[Entry]]] = {}
        self._by_id: dict[str, Entry] = {}
        self._lock = threading.Lock()

    def _day(self, day: str) -> list[Entry]:
        """A day directory's rollouts newest first, listed again only when it changed."""
        try:
            mtime = os.stat(day).st_mtime_ns
        except OSError:
            return []
        hit = self._days.get(day)
        if hit is not None and hit[0] == mtime:
            return hit[1]
        # A listing made while the directory's mtime was this recent may miss a file created in
        # the same clock tick (same mtime): it is not kept, the next request lists again.
        racy = time.time_ns() - mtime < _RACY_NS
        old = {e.path: e for e in hit[1]} if hit is not None else {}
        entries: list[Entry] = []
        try:
            names = os.listdir(day)
        except OSError:
            return []
        for name in names:
            m = _NAME.match(name)
            if m is None:
                continue
            path = os.path.join(day, name)
            entry = old.get(path) or Entry(m.group(1), m.group(2).lower(), path)
            entries.append(entry)
            self._by_id[entry.uid] = entry
        entries.sort(key=lambda e: (e.ts, e.uid), reverse=True)
        self._days[day] = (-1 if racy else mtime, entries)
        return entries

    def entries(self) -> Iterator[Entry]:
        for year in _numeric_dirs_desc(self.root):
            for month in _numeric_dirs_desc(year):
                for day in _numeric_dirs_desc(month):
                    yield from self._day(day)

    def _summary(self, entry: Entry) -> ThreadSummary | None:
        item = self.index.summary(entry.path, entry.ts, entry.uid, False)
        if item is not None and entry.text is None:
            cwd = str(item.meta.get("cwd", ""))
            entry.cwd = cwd.lower()
            entry.text = f"{item.preview}\n{cwd}\n{item.thread_id}".lower()
        return item

    def search(self, q: str, cwd: str, limit: int) -> list[ThreadSummary]:
        """Up to `limit` sessions, newest first, whose prompt, cwd or id holds `q` and whose cwd
        holds `cwd` (both case folded)."""
        needle, place = q.lower(), cwd.lower()
        out: list[ThreadSummary] = []
        with self._lock:
            for entry in self.entries():
                # Not read yet, or not listable yet (no user message): read its head now.
                if entry.text is None and self._summary(entry) is None:
                    continue
                assert entry.text is not None and entry.cwd is not None
                if place and place not in entry.cwd:
                    continue
                if needle and needle not in entry.text:
                    continue
                item = self._summary(entry)  # fresh stat: times and size for the row
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
