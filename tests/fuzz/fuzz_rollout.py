"""The rollout reader (codex.rollout.reader), from the bytes of a rollout file.

Input: the file's bytes. Properties: `load_rollout` raises only CodexError (empty file, no
session_meta); `iter_rollout` and `last_line_ordinal` raise nothing; skimming `event_msg`
lines (what a resume does) rebuilds the same session as reading every line, apart from the
events themselves; every line `iter_rollout` yields has a string type.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from tests.fuzz._support import check, scratch_dir

from codex.errors import CodexError
from codex.rollout.reader import ResumedSession, iter_rollout, last_line_ordinal, load_rollout

_LOG = logging.getLogger("codex.rollout")


def _load(path: Path, keep_events: bool) -> ResumedSession | str:
    try:
        return load_rollout(
            path,
            initial_context=lambda: [{"type": "message", "role": "user", "content": []}],
            summary_prefix="Summary:",
            keep_events=keep_events,
        )
    except CodexError as err:
        return f"CodexError: {err}"


def _state(session: ResumedSession | str) -> object:
    if isinstance(session, str):
        return session
    return (
        session.conversation_id,
        session.session_meta,
        session.history,
        session.last_turn_context,
        session.last_ordinal,
    )


def one_input(data: bytes) -> None:
    # The reader logs every skipped line; a million of them would drown the fuzzer's output.
    # Disabled per call, not for good: other tests in a pytest process read these records.
    quiet = _LOG.disabled
    _LOG.disabled = True
    try:
        _one_input(data)
    finally:
        _LOG.disabled = quiet


def _one_input(data: bytes) -> None:
    path = Path(os.path.join(scratch_dir(), "rollout.jsonl"))
    path.write_bytes(data)
    for line in iter_rollout(path, []):
        check(isinstance(line.type, str), f"line type {line.type!r} is not a string")
    for _ in iter_rollout(path, [], skim=frozenset({"event_msg"})):
        pass
    last_line_ordinal(path)
    skimmed, full = _load(path, False), _load(path, True)
    check(
        _state(skimmed) == _state(full),
        f"skimming event_msg lines changed the session: {_state(skimmed)!r} != {_state(full)!r}",
    )
