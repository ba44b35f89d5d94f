"""Read a rollout file back: stream its lines and rebuild what a resumed session needs.

Streams line by line (memory follows the conversation's history, not the file: deltas, events and
turn contexts are dropped as they pass). Unparsable lines are skipped with a warning as upstream
does; a torn last line (a crash mid-write) is reported as such.
"""

from __future__ import annotations

import logging
import mmap
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from codex.errors import CodexError

log = logging.getLogger("codex.rollout")

# Upstream caps the user messages carried across a local compaction at 20 000 tokens, counted
# as bytes/4.
COMPACT_USER_MESSAGE_MAX_TOKENS = 20_000


@dataclass(frozen=True, slots=True)
class RolloutLine:
    timestamp: str
    type: str
    payload: Any
    ordinal: int | None = None


def iter_rollout(
    path: Path, warnings: list[str] | None = None, *, skim: frozenset[str] = frozenset()
) -> Iterator[RolloutLine]:
    """Yield each well-formed line; malformed ones are skipped and described in `warnings`.

    A malformed line whose envelope head reads cleanly (not the torn last line) is still yielded,
    with payload None: its ordinal was written, so a resume must continue after it whether or
    not it skims (fuzz_rollout found the two disagreeing).

    Lines of a type in `skim` whose envelope head reads cleanly are yielded with payload None
    and not parsed further: a resume drops `event_msg` lines (two thirds of a rollout's bytes,
    each answer is also in its `response_item`), so it need not decode them. Such a line that is
    corrupt after its head is then skipped without a warning; a torn last line is always
    parsed, so it is still reported."""
    with open(path, "rb") as f, mapped(f) as mm:
        if mm is None:
            return
        view = memoryview(mm)
        try:
            yield from _iter_lines(path, mm, view, warnings, skim)
        finally:
            view.release()


# Lines are parsed straight out of a read-only mapping (no per-line copies: a resumed 30 MB
# rollout holds 1 MB lines) and pages already parsed are handed back every few MiB, so peak
# RSS follows the longest line and the kept history, not the file.
_RELEASE_EVERY = 2 * 1024 * 1024
ASCII_WHITESPACE = b" \t\n\r\x0b\x0c"
# The envelope head both writers put first: timestamp, 0.169's optional ordinal, type, payload.
# The timestamp is plain printable ASCII (anything else, a damaged byte included, is decoded in
# full and reported like any bad line).
_HEAD = re.compile(
    rb'\{\s*"timestamp"\s*:\s*"([\x20\x21\x23-\x5b\x5d-\x7e]*)"\s*,\s*'
    rb'(?:"ordinal"\s*:\s*(\d{1,18})\s*,\s*)?'
    rb'"type"\s*:\s*"([a-z_]{1,32})"\s*,\s*"payload"\s*:'
)
_HEAD_WINDOW = 160


@contextmanager
def mapped(f: BinaryIO) -> Iterator[mmap.mmap | None]:
    """`f` mapped read-only, or None when it is empty (an empty file cannot be mapped)."""
    if os.fstat(f.fileno()).st_size == 0:
        yield None
        return
    mm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    try:
        yield mm
    finally:
        mm.close()


def _head(mm: mmap.mmap, start: int, end: int) -> RolloutLine | None:
    """The line's envelope head (timestamp, ordinal, type) with payload None, if it reads."""
    head = _HEAD.match(mm, start, min(end, start + _HEAD_WINDOW))
    if head is None:
        return None
    ordinal = int(head[2]) if head[2] is not None else None
    return RolloutLine(head[1].decode(), head[3].decode(), None, ordinal)


def _iter_lines(
    path: Path,
    mm: mmap.mmap,
    view: memoryview,
    warnings: list[str] | None,
    skim: frozenset[str],
) -> Iterator[RolloutLine]:
    size = len(mm)
    released = 0
    pos = 0
    lineno = 0
    while pos < size:
        if pos - released >= _RELEASE_EVERY and hasattr(mm, "madvise"):
            # Everything before `pos` is parsed; a page it shares with this line comes back.
            done = (pos // mmap.PAGESIZE) * mmap.PAGESIZE
            mm.madvise(mmap.MADV_DONTNEED, released, done - released)
            released = done
        nl = mm.find(b"\n", pos)
        end = size if nl < 0 else nl + 1
        raw = view[pos:end]
        pos = end
        lineno += 1
        if raw[0] in ASCII_WHITESPACE and not bytes(raw).strip():
            continue
        torn = nl < 0
        head = None
        if skim and not torn:
            head = _head(mm, pos - len(raw), pos)
            if head is not None and head.type in skim:
                yield head
                continue
        try:
            obj = orjson.loads(raw)
            kind = obj["type"]
            payload = obj["payload"]
            if not isinstance(kind, str):
                raise TypeError("type is not a string")
        except (orjson.JSONDecodeError, KeyError, TypeError) as exc:
            what = "torn last line" if torn else f"unparsable line {lineno}"
            msg = f"{path}: skipping {what}: {exc}"
            log.warning("%s", msg)
            if warnings is not None:
                warnings.append(msg)
            if not torn:
                head = head or _head(mm, pos - len(raw), pos)
                if head is not None:
                    yield head
            continue
        yield RolloutLine(str(obj.get("timestamp", "")), kind, payload, obj.get("ordinal"))


def last_line_ordinal(path: Path, chunk: int = 64 * 1024) -> int | None:
    """The `ordinal` of the last complete line (0.169 paginated files), read from the end."""
    with open(path, "rb") as f:
        end = f.seek(0, 2)
        tail = b""
        pos = end
        while pos > 0:
            step = min(chunk, pos)
            pos -= step
            f.seek(pos)
            tail = f.read(step) + tail
            last_nl = tail.rfind(b"\n")
            if last_nl < 0:
                continue
            start = tail.rfind(b"\n", 0, last_nl)
            if start < 0 and pos > 0:
                continue
            try:
                obj = orjson.loads(tail[start + 1 : last_nl])
            except orjson.JSONDecodeError:
                return None
            value = obj.get("ordinal") if isinstance(obj, dict) else None
            return value if isinstance(value, int) else None
    return None


@dataclass(slots=True)
class ResumedSession:
    """Everything a resumed session starts from."""

    path: Path
    conversation_id: str
    session_meta: dict[str, Any]
    history: list[dict[str, Any]]
    last_turn_context: dict[str, Any] | None
    events: list[dict[str, Any]] = field(default_factory=list)  # UI replay, if requested
    warnings: list[str] = field(default_factory=list)
    last_ordinal: int | None = None

    @property
    def last_model(self) -> str | None:
        ctx = self.last_turn_context or {}
        model = ctx.get("model")
        return model if isinstance(model, str) else None

    def model_change_warning(self, current_model: str) -> str | None:
        """The warning upstream shows when resuming with a different model, or None."""
        old = self.last_model
        if old is None or old == current_model:
            return None
        return (
            f"This session was recorded with model `{old}` but is resuming with "
            f"`{current_model}`. Consider switching back to `{old}` as it may affect Codex "
            "performance."
        )


def _keeps_in_history(item: dict[str, Any]) -> bool:
    """The history filter: API-visible items only (no `other`, no system-role messages)."""
    kind = item.get("type")
    if kind in (None, "other"):
        return False
    return not (kind == "message" and item.get("role") == "system")


def _message_text(item: dict[str, Any]) -> str:
    parts = item.get("content") or []
    return "".join(
        p.get("text", "") for p in parts if isinstance(p, dict) and isinstance(p.get("text"), str)
    )


def _is_real_user_message(item: dict[str, Any], summary_prefix: str | None) -> bool:
    """A user message typed by the user: not injected context, not an earlier summary."""
    if item.get("type") != "message" or item.get("role") != "user":
        return False
    text = _message_text(item).lstrip()
    if text.startswith(("<environment_context>", "<user_instructions>", "# AGENTS.md")):
        return False
    return not (summary_prefix and text.startswith(summary_prefix))


def rebuild_after_local_compaction(
    history: list[dict[str, Any]],
    summary: str,
    initial_context: list[dict[str, Any]],
    summary_prefix: str | None = None,
) -> list[dict[str, Any]]:
    """Upstream's rebuild for a `compacted` line without replacement history: the current
    initial context, the most recent earlier user messages (within the token cap), the summary.
    """
    kept: list[dict[str, Any]] = []
    budget = COMPACT_USER_MESSAGE_MAX_TOKENS * 4
    for item in reversed(history):
        if not _is_real_user_message(item, summary_prefix):
            continue
        size = len(_message_text(item).encode())
        if size > budget:
            break
        budget -= size
        kept.append(item)
    kept.reverse()
    # Upstream (and codex.core.compact) record the summary message whole, prefix included.
    prefixed = not summary_prefix or summary.startswith(summary_prefix)
    text = summary if prefixed else f"{summary_prefix}\n{summary}"
    summary_item = {
        "type": "message",
        "role": "user",
        "content": [{"type": "input_text", "text": text}],
    }
    return [*initial_context, *kept, summary_item]


def load_rollout(
    path: Path,
    *,
    initial_context: Callable[[], list[dict[str, Any]]] | None = None,
    summary_prefix: str | None = None,
    keep_events: bool = False,
) -> ResumedSession:
    """Stream `path` and rebuild the session: meta, history, last turn context.

    `initial_context` builds the current initial context (from the current config) for local
    compactions; without it such a compaction keeps just the user messages and summary.
    Raises CodexError when the file is empty or has no session_meta.
    """
    warnings: list[str] = []
    meta: dict[str, Any] | None = None
    history: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    turn_context: dict[str, Any] | None = None
    last_ordinal: int | None = None
    seen_any = False
    skim = frozenset() if keep_events else frozenset({"event_msg"})
    for line in iter_rollout(path, warnings, skim=skim):
        seen_any = True
        if isinstance(line.ordinal, int):
            last_ordinal = line.ordinal
        payload = line.payload
        if line.type == "session_meta":
            if meta is None and isinstance(payload, dict):
                meta = payload
        elif line.type == "response_item":
            if isinstance(payload, dict) and _keeps_in_history(payload):
                history.append(payload)
        elif line.type == "compacted" and isinstance(payload, dict):
            replacement = payload.get("replacement_history")
            if isinstance(replacement, list):
                history = [i for i in replacement if isinstance(i, dict) and _keeps_in_history(i)]
            else:
                ctx = initial_context() if initial_context is not None else []
                message = payload.get("message")
                history = rebuild_after_local_compaction(
                    history, message if isinstance(message, str) else "", ctx, summary_prefix
                )
        elif line.type == "turn_context" and isinstance(payload, dict):
            turn_context = payload
        elif line.type == "event_msg" and keep_events and isinstance(payload, dict):
            events.append(payload)
    if not seen_any:
        raise CodexError(f"rollout file {path} is empty")
    if meta is None or not isinstance(meta.get("id"), str):
        raise CodexError(f"rollout file {path} has no session_meta line")
    return ResumedSession(
        path=Path(path),
        conversation_id=meta["id"],
        session_meta=meta,
        history=history,
        last_turn_context=turn_context,
        events=events,
        warnings=warnings,
        last_ordinal=last_ordinal,
    )
