"""The app-server's index of recorded threads: what `thread/list`, `thread/read` and the
thread-by-id lookups read, kept on disk so a freshly spawned server answers its first
`thread/list` without parsing every rollout head again.

Why persistent: a server is often spawned just to list threads (an IDE opening its history
pane); parsing 200 rollout heads costs ~4 ms, and every server started over again paid it.
The heads (a few fields of session_meta and the first user message) and the day
directories' listings are kept in `$CODEX_HOME/cache/app-server/threads.v1.json`; opening it
is one read and one JSON parse.

Why it stays correct while other programs write rollouts (the official CLI, `codex exec`, a
second server): nothing in the file is trusted without the file system agreeing. Every listing
walks the year/month/day directories, and a day's saved names are reused only while the
directory's mtime is the one they were listed at, and that listing was taken more than a
second after it (a file created, removed or renamed in it moves its mtime; within one clock
tick it might not, so a fresh directory is listed again); so a new rollout is seen by its
name; every listed rollout is
`stat`ed, and its cached head is used only while its mtime, size and inode are the ones it
was parsed at (an append, a rewrite in place or a replacement by rename each change one of
them: the head is parsed again, which costs tens of µs as it stops at the first user
message), and only once both the meta and the first user message were found. `updatedAt`
always comes from that stat. Deleted or moved files drop out of the listing because the walk
no longer yields them; the file is pruned when saved.

Light on purpose: this module imports only `os` and the C JSON scanner/encoder (no orjson,
dataclasses, pathlib or re: ~25 ms of imports), so the start-up path (`early.py`) can serve
`thread/list` before the rest of the server is loaded.
"""

from __future__ import annotations

import os

from codex.core.rollout_walk import DayListings, archived_files, user_text
from codex.core.thread_pages import ThreadPages

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any

INDEX_FILE = ("cache", "app-server", "threads.v1.json")
INDEX_VERSION = 2  # 2: a fork's head keeps `forked_from_id` (its preview is its lineage's)
HEAD_MAX_LINES = 64
HEAD_MAX_BYTES = 4 * 1024 * 1024
# The session_meta fields a thread summary shows, and a fork's parent; the rest (base
# instructions: kilobytes) is not kept.
META_KEYS = ("cwd", "model_provider", "source", "originator", "cli_version", "forked_from_id")
# A lineage longer than this is taken as a loop (files naming each other) and cut.
_MAX_LINEAGE = 64

_NAME_LEN = len("rollout-") + 19 + 1 + 36 + len(".jsonl")


def parse_name(name: str) -> tuple[str, str] | None:
    """(`YYYY-MM-DDThh-mm-ss`, lower-case uuid) of a rollout file name, else None; the rule
    of codex.rollout.paths.parse_rollout_name, by hand (no `re`; a day of 200 names is
    parsed on every new server's first listing)."""
    if (
        len(name) != _NAME_LEN
        or not name.startswith("rollout-")
        or not name.endswith(".jsonl")
        or name[27] != "-"
    ):
        return None
    ts, uid = name[8:27], name[28:64]
    if uid[8] != "-" or uid[13] != "-" or uid[18] != "-" or uid[23] != "-" or not _is_stamp(ts):
        return None
    digits = uid[:8] + uid[9:13] + uid[14:18] + uid[19:23] + uid[24:]
    if not (digits.isascii() and digits.isalnum()):  # int() alone takes `_`, `+`, spaces
        return None
    try:
        int(digits, 16)
    except ValueError:
        return None
    return ts, uid.lower()


def _is_stamp(t: str) -> bool:
    return (
        t[4] == "-"
        and t[7] == "-"
        and t[10] == "T"
        and t[13] == "-"
        and t[16] == "-"
        # isdecimal: what `\d` of the rollout name rule matches (and int() reads)
        and (t[0:4] + t[5:7] + t[8:10] + t[11:13] + t[14:16] + t[17:19]).isdecimal()
    )


_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def stamp_seconds(t: str) -> float | None:
    """`YYYY-MM-DDThh-mm-ss` as UTC seconds (codex.core.threads' rule, without `calendar`)."""
    if len(t) != 19 or not _is_stamp(t):
        return None
    year, month, day = int(t[0:4]), int(t[5:7]), int(t[8:10])
    hour, minute, second = int(t[11:13]), int(t[14:16]), int(t[17:19])
    if not (1 <= month <= 12 and hour < 24 and minute < 60 and second <= 61):
        return None
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    if not 1 <= day <= _DAYS[month - 1] + (1 if month == 2 and leap else 0):
        return None
    # Days since 1970-01-01 (Howard Hinnant's days_from_civil).
    y = year - (month <= 2)
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    days = era * 146097 + yoe * 365 + yoe // 4 - yoe // 100 + doy - 719468
    return float(days * 86400 + hour * 3600 + minute * 60 + second)


# ---- JSON without orjson ---------------------------------------------------------------------


def loads(text: str) -> Any:
    """One JSON value (strict, as orjson reads it), or raises ValueError."""
    from _json import make_scanner

    from codex.app_server.fast_start import _Context

    text = text.strip(" \t\r\n")
    try:
        value, end = make_scanner(_Context)(text, 0)  # type: ignore[arg-type]  # duck-typed
    except StopIteration:
        raise ValueError("not JSON") from None
    if end != len(text):
        raise ValueError("trailing data")
    return value


def _default(value: Any) -> Any:
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def dumps(value: Any) -> str:
    """Compact JSON (non-ASCII kept as is, as orjson writes it); ValueError for NaN."""
    from _json import encode_basestring, make_encoder

    encoder = make_encoder(None, _default, encode_basestring, None, ":", ",", False, False, False)
    return "".join(encoder(value, 0))


def _line_value(raw: bytes) -> Any:
    """A rollout line's JSON value, None when orjson would refuse it (the index must agree
    with codex.core.threads: invalid UTF-8 or a lone surrogate makes a line unreadable)."""
    try:
        text = raw.decode("utf-8")
        value = loads(text)
    except ValueError:
        return None
    if b"\\ud" in raw or b"\\uD" in raw:
        try:  # a lone surrogate survives the scanner; orjson refuses the line
            dumps(value).encode("utf-8")
        except (UnicodeEncodeError, ValueError):
            return None
    return value


# ---- heads -----------------------------------------------------------------------------------


def read_head(path: str) -> tuple[dict[str, Any] | None, str | None]:
    """(the kept session_meta fields, the first user message) from a rollout's first lines."""
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
                    continue
                obj = _line_value(raw)
                if not isinstance(obj, dict) or not isinstance(obj.get("payload"), dict):
                    continue
                payload = obj["payload"]
                if obj.get("type") == "session_meta" and meta is None:
                    meta = {k: payload[k] for k in META_KEYS if k in payload}
                elif obj.get("type") == "event_msg" and user is None:
                    user = user_text(payload)
                if meta is not None and user is not None:
                    break
    except OSError:
        return None, None
    if user is None and meta is not None and meta.get("forked_from_id"):
        user = ""  # a fork before its own first message: listed, previewed by its lineage
    return meta, user


class ThreadSummary:
    """What a thread list shows of one recorded thread."""

    __slots__ = (
        "archived",
        "created_at",
        "file_timestamp",
        "meta",
        "path",
        "preview",
        "search_text",
        "thread_id",
        "updated_at",
    )

    def __init__(
        self,
        thread_id: str,
        path: str,
        file_timestamp: str,
        created_at: float,
        updated_at: float,
        meta: dict[str, Any],
        preview: str,
        archived: bool,
        search_text: str | None = None,
    ) -> None:
        self.thread_id = thread_id
        self.path = path
        self.file_timestamp = file_timestamp
        self.created_at = created_at
        self.updated_at = updated_at
        self.meta = meta
        self.preview = preview
        self.archived = archived
        # What `searchTerm` matches, and the preview a search shows: a fork's own first
        # message where it has one (0.169), else the preview.
        self.search_text = preview if search_text is None else search_text


Head = list  # [mtime ns, size, meta or None, first user message or None, inode]


class _ListingLookups:
    """What one listing looks up for its forks' previews, kept for the rest of the call."""

    __slots__ = ("paths", "previews")

    def __init__(self) -> None:
        # Lower-case thread id → (rollout path, archived), walked at the first fork's lookup.
        self.paths: dict[str, tuple[str, bool]] | None = None
        # Lower-case parent id → (its lineage preview, the ids its walk went through).
        self.previews: dict[str, tuple[str | None, frozenset[str]]] = {}


class ThreadIndex(ThreadPages):
    """Summaries of the threads recorded under one `$CODEX_HOME` (module docstring)."""

    def __init__(self, codex_home: str) -> None:
        self.codex_home = str(codex_home)
        self.file = os.path.join(self.codex_home, *INDEX_FILE)
        # Each day directory's rollouts, newest first, kept while its mtime stays the same
        # (seeded from the saved index; a listing stored since makes the index worth saving).
        self._listings = DayListings(parse_name)
        self._heads: dict[str, Head] = self._load()
        self._listings.changed = False
        self._heads_changed = False
        # The lookups of the listing under way (None between listings): see `page`.
        self._call: _ListingLookups | None = None

    # ---- the file ---------------------------------------------------------------------------

    def _load(self) -> dict[str, Head]:
        """The saved heads; anything unreadable or of another version counts as empty."""
        try:
            with open(self.file, "rb") as f:
                data = loads(f.read().decode("utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("version") != INDEX_VERSION:
            return {}
        heads = data.get("heads")
        if not isinstance(heads, dict):
            return {}
        days = self._listings.days
        saved_days = data.get("days")
        if isinstance(saved_days, dict):
            for day, entry in saved_days.items():
                if (
                    isinstance(entry, list)
                    and len(entry) == 2
                    and type(entry[0]) is int
                    and isinstance(entry[1], list)
                    and all(isinstance(f, list) and len(f) == 3 for f in entry[1])
                ):
                    days[day] = (entry[0], [(f[0], f[1], f[2]) for f in entry[1]])
        out: dict[str, Head] = {}
        for path, head in heads.items():
            if (
                isinstance(head, list)
                and len(head) == 5
                and type(head[0]) is int
                and type(head[1]) is int
                and isinstance(head[2], dict)
                and isinstance(head[3], str)
                and type(head[4]) is int
            ):
                out[path] = head
        return out

    def save(self) -> None:
        """Write the complete heads of files that still exist (atomically: a reader never sees
        half a file; with two servers, the last writer wins, and either file is valid)."""
        if not self.dirty:
            return
        self.dirty = False
        heads = {}
        for path, head in self._heads.items():
            if head[2] is not None and head[3] is not None and os.path.exists(path):
                heads[path] = head
        days = {
            day: [stamp, files]
            for day, (stamp, files) in self._listings.days.items()
            if os.path.isdir(day)  # a removed day directory is forgotten
        }
        try:
            text = dumps({"version": INDEX_VERSION, "heads": heads, "days": days})
            os.makedirs(os.path.dirname(self.file), exist_ok=True)
            tmp = f"{self.file}.{os.getpid()}.tmp"
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            try:
                data = text.encode("utf-8")
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view) :]
            finally:
                os.close(fd)
            os.replace(tmp, self.file)
        except (OSError, ValueError, UnicodeEncodeError):
            pass  # a cache: the next save tries again

    # ---- the walk ---------------------------------------------------------------------------

    @property
    def dirty(self) -> bool:
        """Whether the saved index is behind: a head parsed or dropped, or a day listed."""
        return self._heads_changed or self._listings.changed

    @dirty.setter
    def dirty(self, value: bool) -> None:
        self._heads_changed = self._listings.changed = value

    def _files(self, archived: bool) -> Iterator[tuple[str, str, str]]:
        """(file timestamp, uuid, path) newest first."""
        if archived:
            yield from archived_files(
                os.path.join(self.codex_home, "archived_sessions"), parse_name
            )
        else:
            yield from self._listings.files(os.path.join(self.codex_home, "sessions"))

    def page(self, **kwargs: Any) -> tuple[list[Any], str | None]:
        """ThreadPages.page, with the lineage lookups of its forks shared by the whole call:
        the rollouts are walked once for an id → path map (not once per fork and ancestor),
        and each parent's lineage preview is found once (6000 forks of one thread: ~0.09 s of
        CPU instead of ~2.8 s, bench/bench_thread_list_forks.py). The map is this listing's
        snapshot, as each walk was."""
        if self._call is not None:  # a sorted page lists everything through page again
            return super().page(**kwargs)
        self._call = _ListingLookups()
        try:
            return super().page(**kwargs)
        finally:
            self._call = None

    def _locate(self, thread_id: str) -> tuple[str, bool] | None:
        """find_path, answered from the listing's id → path map while a listing runs."""
        call = self._call
        if call is None:
            return self.find_path(thread_id)
        if call.paths is None:
            paths: dict[str, tuple[str, bool]] = {}
            for archived in (False, True):  # find_path's order: the first one found wins
                for _ts, uid, path in self._files(archived):
                    paths.setdefault(uid, (path, archived))
            call.paths = paths
        return call.paths.get(thread_id.lower())

    def summary(self, path: str, ts: str, uid: str, archived: bool) -> ThreadSummary | None:
        """One rollout's summary; None while it has no session_meta or no user message yet
        (an aborted start is not listed, as upstream). A fork is previewed by the first
        message of its lineage (the thread it was forked from, back to the first), as 0.169
        lists it; by its own first message when that thread is gone."""
        path = str(path)
        try:
            st = os.stat(path)
        except OSError:
            if self._heads.pop(path, None) is not None:
                self._heads_changed = True
            return None
        head = self._head(path, st)
        if head[2] is None or head[3] is None:
            return None
        preview = head[3]
        parent = head[2].get("forked_from_id")
        if parent:
            preview = self._lineage_preview(str(parent), uid) or preview
            if not preview and not head[3]:
                return None  # no message of its own and no lineage to preview it by
        created = stamp_seconds(ts) or st.st_mtime
        own = head[3] or preview
        return ThreadSummary(uid, path, ts, created, st.st_mtime, head[2], preview, archived, own)

    def _lineage_preview(self, parent: str, uid: str) -> str | None:
        """The first user message of the thread a fork's lineage starts with, None when a
        thread of it is gone (or the chain loops).

        Within a listing the answer is kept per parent: it is the same for every fork of that
        parent, except for a fork that is itself on the parent's lineage (a loop), which gets
        None, as its own walk stops when it comes back to it."""
        me = uid.lower()
        call = self._call
        key = parent.lower()
        if call is not None and key in call.previews:
            preview, lineage = call.previews[key]
            return None if me in lineage else preview
        seen = {me}
        walked: list[str] = []
        result: str | None = None
        while parent.lower() not in seen and len(seen) <= _MAX_LINEAGE:
            seen.add(parent.lower())
            walked.append(parent.lower())
            found = self._locate(parent)
            if found is None:
                break
            try:
                head = self._head(found[0], os.stat(found[0]))
            except OSError:
                break
            if head[2] is None:
                break
            grand = head[2].get("forked_from_id")
            if not grand:
                result = head[3]
                break
            parent = str(grand)
        else:
            if parent.lower() == me:  # came back to this fork: another fork's walk goes on
                return None
        if call is not None:
            call.previews[key] = (result, frozenset(walked))
        return result

    def _head(self, path: str, st: os.stat_result) -> Head:
        """The cached head of a rollout, parsed again when the file changed."""
        head = self._heads.get(path)
        if (
            head is None
            or head[1] != st.st_size
            or head[0] != st.st_mtime_ns
            or head[4] != st.st_ino
            or head[3] is None
        ):
            meta, preview = read_head(path)
            head = [st.st_mtime_ns, st.st_size, meta, preview, st.st_ino]
            self._heads[path] = head
            if meta is not None and preview is not None:
                self._heads_changed = True
        return head

    def find(self, thread_id: str) -> tuple[str, bool] | None:
        """The rollout of a thread by id and whether it is archived, or None."""
        return self.find_path(thread_id)


def read_thread_names(codex_home: str) -> dict[str, str]:
    """Thread names from `$CODEX_HOME/session_index.jsonl` (the official CLI's file, the last
    line for an id wins): codex.core.threads.read_thread_names without orjson."""
    names: dict[str, str] = {}
    try:
        with open(os.path.join(codex_home, "session_index.jsonl"), "rb") as f:
            for raw in f:
                entry = _line_value(raw)
                if isinstance(entry, dict) and isinstance(entry.get("id"), str):
                    name = entry.get("thread_name")
                    if isinstance(name, str):
                        names[entry["id"]] = name
    except OSError:
        pass
    return names


GIT_INFO_FILE = ("cache", "app-server", "git-info.v1.json")


def read_git_info(codex_home: str) -> dict[str, dict[str, Any]]:
    """Thread id → the Git metadata thread/metadata/update stored ({sha, branch, originUrl})."""
    try:
        with open(os.path.join(codex_home, *GIT_INFO_FILE), "rb") as f:
            data = loads(f.read().decode("utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, dict)}


def write_git_info(codex_home: str, info: dict[str, dict[str, Any]]) -> None:
    """Saved atomically (a temporary file renamed over the old one). OSError on failure."""
    path = os.path.join(codex_home, *GIT_INFO_FILE)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(dumps(info))
    os.replace(tmp, path)
