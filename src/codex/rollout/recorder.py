"""RolloutRecorder: append one session's items to its rollout file, in the official line format.

Each line is `{"timestamp": "<UTC ms Z>", "type": <kind>, "payload": {...}}`, serialized with
orjson and handed to the native JSONL writer, which buffers whole lines and writes them at turn
boundaries (`turn_end()`), so a crash can only lose or tear the tail, never the middle. Core also
calls `flush()` (write(2), no fsync) before every model request and before a tool call runs, so
a `kill -9` at any moment leaves every item the model was sent on disk (issue 13). The turn-end
fsync (power-loss durability) runs in a worker thread, never on the event loop that called
`turn_end()`; `close()` returns with everything fsynced, and `aclose()` does the same while the
loop keeps serving other threads. A new
session's file starts with one `session_meta` line; a resumed one appends to the same file and
never writes `session_meta` again or re-writes the history.

A new session's file is made lazily, as 0.169 makes it: `create()` names the path (the thread
start's local time) and keeps the `session_meta` payload (timestamped at the thread start), but
the day folders, the file and its first line are written only by the first flush that has a
line to write after it, which is the first turn's (before its first model request, so the
write-ahead promise holds). A thread closed without a turn leaves no file; `materialize()`
forces it (a fork, whose copied history is on record from the start).

What core records is written in the official 0.169 CLI's shape and order (codex.rollout.shape:
one turn context per turn, `item_completed` events for messages, reasoning and tool calls, a
usage record per response, the turn's timing on `task_complete`); every flush writes what the
shaper held back, so the write-ahead promise above is unchanged.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from codex._dataclass import dataclass
from codex._native.jsonl import FsyncPolicy, JsonlWriter
from codex._native.jsonl_bg import FileAhead
from codex.rollout.paths import ensure_dir_once, forget_dir, new_conversation_id, rollout_file
from codex.rollout.policy import should_persist_event, should_persist_response_item
from codex.rollout.redact import Redactor, scrub_patterns
from codex.rollout.shape import Line, LineShaper

if TYPE_CHECKING:
    from codex.rollout.reader import ResumedSession

# Conversations can hold private code and prompts: owner-only, like history.jsonl.
ROLLOUT_FILE_MODE = 0o600


def utc_timestamp(when: datetime | None = None) -> str:
    """`YYYY-MM-DDThh:mm:ss.mmmZ`, the format of every rollout `timestamp`."""
    if when is None:
        return _now_timestamp()
    t = when.astimezone(UTC)
    # Integer fields: strftime through a datetime format spec cost ~3x this.
    return (
        f"{t.year:04d}-{t.month:02d}-{t.day:02d}T{t.hour:02d}:{t.minute:02d}:{t.second:02d}"
        f".{t.microsecond // 1000:03d}Z"
    )


# The current time's stamp, formatted once per millisecond: every rollout line takes one, and a
# turn writes a dozen lines within a few milliseconds. The second's prefix is kept apart so a new
# millisecond costs one small format, a new second one gmtime. Each cache is one tuple, swapped
# whole, so a thread never reads one millisecond's number with another's text.
_ms_cache: tuple[int, str] = (-1, "")
_second_cache: tuple[int, str] = (-1, "")


def _now_timestamp() -> str:
    global _ms_cache, _second_cache
    ms = time.time_ns() // 1_000_000
    cached = _ms_cache
    if cached[0] == ms:
        return cached[1]
    second = ms // 1000
    known = _second_cache
    if known[0] != second:
        t = time.gmtime(second)
        prefix = (
            f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}"
            f"T{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d}."
        )
        known = _second_cache = (second, prefix)
    stamp = f"{known[1]}{ms % 1000:03d}Z"
    _ms_cache = (ms, stamp)
    return stamp


@dataclass(frozen=True, slots=True)
class SessionMetaParams:
    """What the first line says about a new session (`SessionMeta` upstream)."""

    cwd: str
    originator: str  # "codex_exec", "codex_cli_rs", ...
    cli_version: str
    source: str | dict[str, Any]  # "cli" | "exec" | "vscode" | "mcp" | {"subagent": ...}
    model_provider: str | None
    instructions: str | None = None  # merged user instructions (AGENTS.md), or None
    base_instructions: str | None = None  # model base instructions (0.169 stores them here)
    git: Mapping[str, str] | None = None  # {commit_hash?, branch?, repository_url?}
    extra: Mapping[str, Any] = field(default_factory=dict)  # further fields, written as given
    # A fork's `forked_from_id` / `forked_from_ordinal_exclusive` (codex.core.lineage), written
    # right after `id` as 0.169 writes them; empty for a thread that is not a fork.
    lineage: Mapping[str, Any] = field(default_factory=dict)

    def payload(self, conversation_id: str, timestamp: str) -> dict[str, Any]:
        # Key order and the session_id / runtime_workspace_roots / thread_source fields as
        # 0.169 writes them (its account_scoped, history_mode and context_window are not).
        meta: dict[str, Any] = {
            "session_id": conversation_id,
            "id": conversation_id,
            **self.lineage,
            "timestamp": timestamp,
            "cwd": self.cwd,
            "runtime_workspace_roots": [self.cwd],
            "originator": self.originator,
            "cli_version": self.cli_version,
            "instructions": self.instructions,
            "source": self.source,
            "thread_source": "user",
            "model_provider": self.model_provider,
        }
        if self.base_instructions is not None:
            meta["base_instructions"] = {"text": self.base_instructions}
        meta.update(self.extra)
        if self.git:
            meta["git"] = dict(self.git)
        return meta


# Queued bytes that go to the writer without waiting for a flush (the native writer's buffer
# size: past it, lines were written out before the queue existed too).
_DRAIN_BYTES = 64 * 1024
# The recorder queues lines itself (`_queued`) and hands them over only when they are to be
# written, so its writer keeps no buffer: each hand-over is written at once, one native call
# (append and write together) instead of two.
_WRITE_THROUGH = 1


def _default(obj: object) -> object:
    """orjson fallback: what orjson cannot serialize is a caller's bug, named as such."""
    raise TypeError(f"cannot record {type(obj).__name__} in a rollout")


class RolloutRecorder:
    """Writes one rollout file. Call `turn_end()` at every turn boundary and `close()` at exit."""

    def __init__(
        self,
        path: Path,
        conversation_id: str,
        writer: JsonlWriter | None,
        *,
        redactor: Redactor | None = None,
        next_ordinal: int | None = None,
        shaper: LineShaper | None = None,
    ) -> None:
        self.path = path
        self.conversation_id = conversation_id
        # None until a lazily made file is written (see `_open_pending`).
        self._writer: JsonlWriter | None = writer
        self._pending: _PendingFile | None = None
        self._redactor = redactor or Redactor()
        self._shaper = shaper or LineShaper(conversation_id, new_file=False)
        # Set when appending to a 0.169 "paginated" file: every line then carries the next
        # `ordinal`, which that CLI requires (it refuses to resume a file whose last line lacks
        # one). New files are written in the legacy form without ordinals, which it accepts.
        self._next_ordinal = next_ordinal
        # Serialized lines not yet handed to the writer: scrubbed and appended in one call per
        # flush (`_drain`), not one per line (each native call releases and retakes the GIL,
        # and the redaction screen is one pass over the batch). Nothing reads them before they
        # reach the writer, and every flush point drains them first, so what reaches write(2)
        # and when is unchanged.
        self._queued: list[bytes] = []
        self._queued_bytes = 0

    # ---- lifecycle ---------------------------------------------------------------------------

    @classmethod
    def create(
        cls,
        codex_home: Path,
        meta: SessionMetaParams,
        *,
        conversation_id: str | None = None,
        fsync: FsyncPolicy = "turn_end",
        secrets: Iterable[str] = (),
    ) -> RolloutRecorder:
        """A new session's recorder: the path is named now, the file and its `session_meta`
        line are written by the first flush with a line to follow them (the first turn's), or
        by `materialize()`. Nothing touches the disk here."""
        conversation_id = conversation_id or new_conversation_id()
        now = datetime.now(UTC)
        folder, file = rollout_file(codex_home, conversation_id, now)
        shaper = LineShaper(
            conversation_id,
            new_file=True,
            source=meta.source,
            model_provider=meta.model_provider,
        )
        rec = cls(Path(file), conversation_id, None, redactor=Redactor(secrets), shaper=shaper)
        rec._pending = _PendingFile(
            folder, file, fsync, meta.payload(conversation_id, utc_timestamp(now))
        )
        return rec

    @property
    def materialized(self) -> bool:
        """Whether the file exists (always, but for a new session before its first turn)."""
        return self._writer is not None

    def materialize(self) -> None:
        """Write the file now, with its `session_meta` line and what is queued (a no-op once
        it exists; nothing once closed)."""
        if self._writer is None:
            if self._pending is None:
                return
            self._open_pending()
        self.flush()

    def make_file_soon(self) -> None:
        """A turn is on its way (its input submitted, or the session starting one itself), and
        its first flush will make the new session's file: the native workers start creating it
        now (codex._native.jsonl_bg.FileAhead), while the loop gets to the turn and the turn
        builds its request, and that flush takes it. Creating a file is the rollout step whose
        cost the file system decides (milliseconds on a busy or network one), paid here off the
        event loop every other thread runs on. A no-op once the file exists or is on its way."""
        pending = self._pending
        if pending is None or self._writer is not None or pending.ahead is not None:
            return
        try:
            ensure_dir_once(pending.folder)
        except OSError:
            return  # the flush meets (and reports) it
        pending.ahead = FileAhead.start(pending.file, ROLLOUT_FILE_MODE)

    def _open_pending(self) -> JsonlWriter:
        """Make the day folders and the file, and queue `session_meta` first. Its line is
        stamped now (0.169 stamps it when the file is written), or with the first queued line's
        stamp, so no line of the file is older than its first; its payload keeps the thread
        start's time."""
        pending = self._pending
        assert pending is not None, "a recorder without a writer has a pending file"
        made = ensure_dir_once(pending.folder)
        ahead, pending.ahead = pending.ahead, None
        try:
            writer = _open_writer(pending.file, pending.fsync, ahead)
        except FileNotFoundError:
            if made:
                raise
            forget_dir(pending.folder)  # removed since this process made it: make it again
            ensure_dir_once(pending.folder)
            writer = _open_writer(pending.file, pending.fsync)
        self._pending = None
        self._writer = writer
        queued = self._queued
        self._queued = []
        self._queued_bytes = 0
        # Stamped no later than the lines queued before the file existed (they follow it): the
        # file's first timestamp is the thread's creation, never after its other lines'.
        first = orjson.loads(queued[0]).get("timestamp") if queued else None
        self._write("session_meta", pending.meta, timestamp=first)
        self._queued.extend(queued)
        self._queued_bytes += sum(len(line) for line in queued)
        return writer

    @classmethod
    def open_existing(
        cls,
        path: Path,
        conversation_id: str,
        *,
        next_ordinal: int | None = None,
        fsync: FsyncPolicy = "turn_end",
        secrets: Iterable[str] = (),
        session_meta: Mapping[str, Any] | None = None,
    ) -> RolloutRecorder:
        """Append to an existing session file. Nothing is re-written; a line torn by an earlier
        crash is cut off first so that new lines never follow a fragment. Without
        `next_ordinal`, ordinals continue from the file's last line when it has one; without
        `session_meta` (its source and provider name the new lines' turns), the first line is
        read for it."""
        writer = JsonlWriter(path, fsync=fsync, mode=ROLLOUT_FILE_MODE, buffer_size=_WRITE_THROUGH)
        if next_ordinal is None:
            from codex.rollout.reader import last_line_ordinal  # lazy: a new session never reads

            last = last_line_ordinal(Path(path))
            next_ordinal = None if last is None else last + 1
        meta = session_meta if session_meta is not None else _first_line_meta(Path(path))
        provider = meta.get("model_provider")
        shaper = LineShaper(
            conversation_id,
            new_file=False,
            source=meta.get("source"),
            model_provider=provider if isinstance(provider, str) else None,
        )
        return cls(
            Path(path),
            conversation_id,
            writer,
            redactor=Redactor(secrets),
            next_ordinal=next_ordinal,
            shaper=shaper,
        )

    @classmethod
    def resume(
        cls,
        session: ResumedSession,
        *,
        fsync: FsyncPolicy = "turn_end",
        secrets: Iterable[str] = (),
    ) -> RolloutRecorder:
        """Continue the file `load_rollout` read: same id, same file, ordinals continued if the
        file has them."""
        last = session.last_ordinal
        return cls.open_existing(
            session.path,
            session.conversation_id,
            next_ordinal=None if last is None else last + 1,
            fsync=fsync,
            secrets=secrets,
            session_meta=session.session_meta,
        )

    def add_secret(self, value: str) -> None:
        """Never write this value (e.g. the API key in use) to the file."""
        self._redactor.add_secret(value)

    @property
    def repaired_bytes(self) -> int:
        """Bytes of a torn last line cut off when the file was opened (0 normally)."""
        return 0 if self._writer is None else self._writer.repaired

    def turn_end(self) -> None:
        """Turn boundary: write everything queued (here, whole lines); the fsync the policy asks
        for runs in a worker thread, so this never waits for the disk."""
        self._release(final=True)
        if self._writer is not None:
            self._writer.turn_end()

    def flush(self) -> None:
        """Write what is queued (whole lines) through to the OS; no fsync. Costs one call and
        no syscall when nothing is queued, so core calls it before every request."""
        self._release()
        if self._writer is not None:
            self._writer.flush()

    def close(self) -> None:
        """Write what is queued, fsync, close: durable on return (waits for the disk). A file
        never written stays unwritten (a thread that ran no turn leaves nothing)."""
        writer = self._writer
        if writer is None or not writer.closed:
            self._release(final=True)
            writer = self._writer
        self._forget_pending()
        if writer is not None:
            writer.close()

    def _release(self, *, final: bool = False) -> None:
        """Lines the shaper held back (codex.rollout.shape) join the queue, in order, and the
        queue goes to the writer. A new file before its first turn stays unmade: the initial
        context the shaper holds waits for the turn (or for any other line, which makes it)."""
        if self._writer is None and self._shaper.awaits_first_turn:
            return
        self._write_lines(self._shaper.release(final=final))
        self._drain()

    def _drain(self) -> None:
        """The queued lines, scrubbed, to the writer: exact secrets here, then one native call
        screens the batch for credential shapes and writes it when it holds none (the common
        case); a batch that holds one is redacted here (codex.rollout.redact) and written. The
        first lines of a lazily made file make it (`_open_pending`)."""
        queued = self._queued
        if not queued:
            return
        writer = self._writer
        if writer is None:
            if self._pending is None:
                return  # closed before its file was made: nothing may be written any more
            writer = self._open_pending()
            queued = self._queued
        data = queued[0] if len(queued) == 1 else b"".join(queued)
        queued.clear()
        self._queued_bytes = 0
        data = self._redactor.scrub_exact(data)
        if not writer.append_clean(data):
            writer.append(scrub_patterns(data))

    async def aclose(self) -> None:
        """`close()` for an event loop: the queued lines are written here, on the loop (a kill -9
        from now on loses nothing), then the final fsync and close run in a worker thread while
        the loop serves other threads. Nothing may record to this recorder once it is called."""
        import asyncio

        if self._writer is not None and self._writer.closed:
            return
        self._release(final=True)
        self._forget_pending()
        writer = self._writer
        if writer is None:
            return  # no turn ran: no file, nothing to close
        writer.flush()
        if writer.close_if_synced():
            return  # the turn end's fsync covered everything and is done: no wait, no worker
        try:
            await asyncio.to_thread(writer.close)
        except RuntimeError:  # the loop's executor is shut down already: close right here
            writer.close()

    def _forget_pending(self) -> None:
        """Closing: a file still to be made never will be; its creation, if one was started
        for a turn that wrote nothing (cancelled first), is abandoned and its file removed."""
        pending, self._pending = self._pending, None
        if pending is not None and pending.ahead is not None:
            pending.ahead.drop()

    def __del__(self) -> None:
        # A recorder dropped without close(): its queued lines go to the writer, whose own
        # __del__ writes them (as when each line went straight to the writer); queued lines
        # make a file not made yet, as a flush would.
        try:  # try/except, not suppress: module globals may be gone at shutdown
            if self._queued and (self._writer is None or not self._writer.closed):
                self._drain()
        except Exception:  # a dead file system: nothing left to do
            pass

    def __enter__(self) -> RolloutRecorder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- recording ---------------------------------------------------------------------------

    def _write(self, kind: str, payload: object, timestamp: str | None = None) -> None:
        record: dict[str, object] = {"timestamp": timestamp or utc_timestamp()}
        if self._next_ordinal is not None:
            record["ordinal"] = self._next_ordinal
            self._next_ordinal += 1
        record["type"] = kind
        record["payload"] = payload
        line = orjson.dumps(record, default=_default, option=orjson.OPT_APPEND_NEWLINE)
        self._queued.append(line)
        self._queued_bytes += len(line)
        if self._queued_bytes >= _DRAIN_BYTES:  # as the writer's own buffer: bounded memory
            self._drain()

    def _write_lines(self, lines: list[Line]) -> None:
        for kind, payload in lines:
            self._write(kind, payload)

    def record_response_item(self, item: Mapping[str, Any]) -> bool:
        """A ResponseItem dict as sent to / received from the model. Returns whether it was kept."""
        if not should_persist_response_item(item):
            return False
        self._write_lines(self._shaper.response_item(item))
        return True

    def amend_initial_item(self, old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> bool:
        """Replace an initial-context item not written yet (None: add `new` before the first);
        only in a new file before its first turn; False when it is on its way to disk."""
        return self._shaper.amend_initial(old, new)

    def record_response_items(self, items: Iterable[Mapping[str, Any]]) -> None:
        for item in items:
            self.record_response_item(item)

    def record_event(self, msg: Mapping[str, Any]) -> bool:
        """An EventMsg dict (`{"type": <snake_case>, ...}`); kept only if the policy says so."""
        if not should_persist_event(msg):
            return False
        self._write_lines(self._shaper.event(msg))
        return True

    def record_turn_context(self, ctx: Mapping[str, Any]) -> None:
        """`{cwd, approval_policy, sandbox_policy, model, effort?, summary}` per request; on
        disk once per turn (and again if it changes), naming the turn, as 0.169."""
        self._write_lines(self._shaper.turn_context(ctx))

    def record_compacted(
        self, message: str, replacement_history: list[Mapping[str, Any]] | None = None
    ) -> None:
        """A compaction: its summary, and the whole new history when compaction was remote."""
        payload: dict[str, Any] = {"message": message}
        if replacement_history is not None:
            payload["replacement_history"] = replacement_history
        self._write_lines(self._shaper.compacted())
        self._write("compacted", payload)

    def record_item(self, kind: str, payload: Mapping[str, Any]) -> None:
        """Any other line kind (e.g. 0.169's `world_state`, `token_usage_record`), as given."""
        if kind == "session_meta":
            raise ValueError("session_meta is written once, with the new file")
        self._write_lines(self._shaper.line(kind, payload))


@dataclass(slots=True)
class _PendingFile:
    """A new session's file before its first turn: where it goes and what its first line says."""

    folder: str
    file: str
    fsync: FsyncPolicy
    meta: dict[str, Any]
    ahead: FileAhead | None = None  # its creation, started when the first turn began


def _open_writer(file: str, fsync: FsyncPolicy, ahead: FileAhead | None = None) -> JsonlWriter:
    return JsonlWriter(
        file, fsync=fsync, mode=ROLLOUT_FILE_MODE, buffer_size=_WRITE_THROUGH, ahead=ahead
    )


def _first_line_meta(path: Path) -> dict[str, Any]:
    """The session_meta payload of a rollout's first line ({} when it has none or is unreadable):
    what an appending recorder needs to know about the session it continues."""
    try:
        with open(path, "rb") as fh:
            first = fh.readline()
        obj = orjson.loads(first)
    except (OSError, orjson.JSONDecodeError):
        return {}
    payload = obj.get("payload") if isinstance(obj, dict) else None
    if not isinstance(obj, dict) or obj.get("type") != "session_meta":
        return {}
    return payload if isinstance(payload, dict) else {}
