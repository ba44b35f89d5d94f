"""List sessions newest first, a page at a time, and find one by id; cheap by construction.

Order comes from directory and file names alone (`sessions/YYYY/MM/DD/rollout-<ts>-<uuid>.jsonl`,
sorted by (ts, uuid) descending, as upstream's `list.rs`). Per listed file only the head is read
(until the session_meta and a first user message are seen, bounded in lines and bytes) and the
tail is probed backwards for the newest timestamp: no file is parsed whole.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from codex.protocol.ids import is_uuid
from codex.rollout.day_dirs import day_dirs_desc
from codex.rollout.heads import user_text
from codex.rollout.paths import parse_rollout_name, sessions_dir
from codex.rollout.reader import ASCII_WHITESPACE, mapped

MAX_SCAN_FILES = 10_000
HEAD_MAX_LINES = 64
HEAD_MAX_BYTES = 4 * 1024 * 1024
TAIL_CHUNK = 8 * 1024
TAIL_MAX_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class SessionSummary:
    path: Path
    conversation_id: str
    file_timestamp: str  # YYYY-MM-DDThh-mm-ss from the file name
    created_at: str | None  # the first line's timestamp
    updated_at: str | None  # the last line's timestamp
    session_meta: dict[str, Any]
    first_user_message: str | None

    @property
    def source(self) -> Any:
        return self.session_meta.get("source")

    @property
    def model_provider(self) -> str | None:
        value = self.session_meta.get("model_provider")
        return value if isinstance(value, str) else None

    @property
    def cwd(self) -> str | None:
        value = self.session_meta.get("cwd")
        return value if isinstance(value, str) else None


@dataclass(frozen=True, slots=True)
class SessionsPage:
    items: list[SessionSummary]
    next_cursor: str | None  # pass back as `cursor` for the next page
    num_scanned_files: int
    reached_scan_cap: bool


def _files_newest_first(codex_home: Path) -> Iterator[tuple[str, str, Path]]:
    """(ts, uuid, path) for every rollout file, ordered (ts desc, uuid desc), lazily per day."""
    for day in day_dirs_desc(str(sessions_dir(codex_home))):
        found: list[tuple[str, str, Path]] = []
        try:
            entries = list(os.scandir(day))
        except OSError:
            continue
        for entry in entries:
            parsed = parse_rollout_name(entry.name)
            if parsed is not None and entry.is_file():
                found.append((parsed[0], parsed[1], Path(entry.path)))
        found.sort(key=lambda t: (t[0], t[1]), reverse=True)
        yield from found


def _read_head(path: Path) -> tuple[dict[str, Any] | None, str | None, str | None]:
    """(session_meta payload, first user message, first timestamp) from the file's head."""
    meta: dict[str, Any] | None = None
    user: str | None = None
    first_ts: str | None = None
    read = 0
    try:
        with open(path, "rb") as f:
            for lineno, raw in enumerate(f):
                read += len(raw)
                if lineno >= HEAD_MAX_LINES or read > HEAD_MAX_BYTES:
                    break
                try:
                    obj = orjson.loads(raw)
                except orjson.JSONDecodeError:
                    continue
                if not isinstance(obj, dict):
                    continue
                if first_ts is None and isinstance(obj.get("timestamp"), str):
                    first_ts = obj["timestamp"]
                kind, payload = obj.get("type"), obj.get("payload")
                if not isinstance(payload, dict):
                    continue
                if kind == "session_meta" and meta is None:
                    meta = payload
                elif user is None and kind == "event_msg":
                    user = user_text(payload)
                if meta is not None and user is not None:
                    break
    except OSError:
        return None, None, None
    return meta, user, first_ts


def _last_timestamp(path: Path) -> str | None:
    """The timestamp of the last line starting within TAIL_MAX_BYTES of the end.

    Searched in a read-only mapping, backwards, without copying the tail: the last line of a
    big rollout is often a 1 MB message, and growing a bytes tail chunk by chunk was quadratic.
    """
    marker = b'{"timestamp":'
    try:
        with open(path, "rb") as f, mapped(f) as mm:
            if mm is None:
                return None
            end = len(mm)
            lo = max(0, end - TAIL_MAX_BYTES)
            idx = mm.rfind(marker, lo, end)
            if idx < 0:
                return None
            at_line_start = idx == 0 or (idx > lo and mm[idx - 1] == 0x0A)
            if not at_line_start:
                return None
            start = idx + len(marker)
            while start < end and mm[start] in ASCII_WHITESPACE:
                start += 1
            if mm[start : start + 1] != b'"':
                return None
            close = mm.find(b'"', start + 1, end)
            if close < 0:
                return None
            return mm[start + 1 : close].decode(errors="replace")
    except OSError:
        return None


def _matches(
    meta: dict[str, Any],
    allowed_sources: Sequence[Any] | None,
    model_providers: Sequence[str] | None,
    default_provider: str | None,
) -> bool:
    if allowed_sources and meta.get("source") not in allowed_sources:
        return False
    if model_providers:
        provider = meta.get("model_provider")
        if provider is None:
            return default_provider is not None and default_provider in model_providers
        return provider in model_providers
    return True


def _parse_cursor(cursor: str | None) -> tuple[str, str] | None:
    if not cursor:
        return None
    ts, sep, uid = cursor.partition("|")
    if not sep or not is_uuid(uid):
        raise ValueError(f"invalid sessions cursor {cursor!r}")
    return ts, uid.lower()


def list_sessions(
    codex_home: Path,
    *,
    page_size: int = 25,
    cursor: str | None = None,
    allowed_sources: Sequence[Any] | None = None,
    model_providers: Sequence[str] | None = None,
    default_provider: str | None = None,
) -> SessionsPage:
    """One page of sessions, newest first. A session is listed once it has a session_meta line
    and a first user message (so an aborted start does not show up)."""
    after = _parse_cursor(cursor)
    items: list[SessionSummary] = []
    scanned = 0
    more = False
    for ts, uid, path in _files_newest_first(codex_home):
        if after is not None and (ts, uid) >= after:
            continue
        if len(items) >= page_size:
            more = True
            break
        if scanned >= MAX_SCAN_FILES:
            return SessionsPage(items, _cursor_of(items), scanned, True)
        scanned += 1
        meta, user, created = _read_head(path)
        if meta is None or user is None:
            continue
        if not _matches(meta, allowed_sources, model_providers, default_provider):
            continue
        items.append(
            SessionSummary(path, uid, ts, created, _last_timestamp(path), meta, user or None)
        )
    return SessionsPage(items, _cursor_of(items) if more else None, scanned, False)


def _cursor_of(items: list[SessionSummary]) -> str | None:
    if not items:
        return None
    last = items[-1]
    return f"{last.file_timestamp}|{last.conversation_id}"


def find_session_path(codex_home: Path, conversation_id: str) -> Path | None:
    """The rollout file of a session by its id (the uuid in the file name), or None."""
    if not is_uuid(conversation_id):
        return None
    wanted = conversation_id.lower()
    for _ts, uid, path in _files_newest_first(codex_home):
        if uid == wanted:
            return path
    return None
