"""The `sessions/YYYY/MM/DD` tree walked newest first, and each day folder's rollout names kept
while the folder is unchanged: the one walk under every index over rollout files (core's thread
index, the app-server's saved index, the viewer's catalog).

Imports only `os` and `time`: the app-server answers `thread/list` from this walk while the rest
of the server is still loading. File names are parsed by the caller's `parse` (name -> (file
timestamp, uuid) or None), so the app-server's start-up path keeps its light parser.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator

__all__ = ["DayListings", "archived_files", "day_dirs_desc", "numeric_dirs_desc"]

Parse = Callable[[str], "tuple[str, str] | None"]
Found = list[tuple[str, str, str]]  # (file timestamp, uuid, path), newest first

RACY_NS = 1_000_000_000
"""A folder changed this recently may change again without its mtime moving (timestamps are
as coarse as the kernel's clock tick): it is listed, never kept."""


def numeric_dirs_desc(path: str) -> list[str]:
    """The all-digit subfolders of `path` (years, months, days), highest number first."""
    try:
        names = [e.name for e in os.scandir(path) if e.name.isdigit() and e.is_dir()]
    except OSError:
        return []
    names.sort(key=int, reverse=True)
    return [os.path.join(path, n) for n in names]


def day_dirs_desc(sessions_root: str) -> Iterator[str]:
    """Every `YYYY/MM/DD` folder under `sessions_root`, newest day first, found lazily (a
    first page of threads touches only the newest days)."""
    for year in numeric_dirs_desc(sessions_root):
        for month in numeric_dirs_desc(year):
            yield from numeric_dirs_desc(month)


def archived_files(folder: str, parse: Parse) -> Found:
    """The rollouts directly in `folder` (`archived_sessions` is flat), newest first."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    found = []
    for entry in entries:
        parsed = parse(entry.name)
        if parsed is not None:
            found.append((parsed[0], parsed[1], entry.path))
    found.sort(reverse=True)
    return found


class DayListings:
    """Each day folder's rollouts, newest first, listed again only when the folder's mtime
    moved (a file added, removed or renamed in it moves it). `days` may be seeded from a saved
    index; `changed` turns true whenever a listing is stored, so the owner knows to save."""

    __slots__ = ("changed", "days", "parse")

    def __init__(self, parse: Parse) -> None:
        self.parse = parse
        self.days: dict[str, tuple[int, Found]] = {}
        self.changed = False

    def listing(self, day: str) -> Found:
        """The day's rollouts; the same list object while the folder is unchanged."""
        try:
            stamp = os.stat(day).st_mtime_ns
        except OSError:
            return []
        cached = self.days.get(day)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        racy = time.time_ns() - stamp < RACY_NS
        try:
            names = os.listdir(day)
        except OSError:
            return []
        found = []
        parse = self.parse
        for name in names:
            parsed = parse(name)
            if parsed is not None:
                found.append((parsed[0], parsed[1], os.path.join(day, name)))
        found.sort(reverse=True)
        if not racy:
            self.days[day] = (stamp, found)
            self.changed = True
        return found

    def files(self, sessions_root: str) -> Iterator[tuple[str, str, str]]:
        """Every rollout under `sessions_root`, newest first, day by day."""
        for day in day_dirs_desc(sessions_root):
            yield from self.listing(day)
