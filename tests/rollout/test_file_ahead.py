"""A new thread's rollout file is created ahead by the native workers once its first turn is
submitted (RolloutRecorder.make_file_soon, csrc/jsonl_bg.h), off the event loop: the file, its
lines and its mode are those of a file the first flush makes itself; a creation never taken
leaves no file; a file that exists is never clobbered; without the C engine nothing changes."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
from tests.rollout.test_lazy_rollout import CONTEXT, META, _shape, _turn

from codex._native import load_extension
from codex._native.jsonl_bg import FileAhead
from codex.rollout.recorder import RolloutRecorder

ENGINES = [pytest.param("1", id="c"), pytest.param("0", id="twin")]
NATIVE = load_extension("jsonl")
needs_native = pytest.mark.skipif(NATIVE is None, reason="the C jsonl engine is not built here")


def _workers_idle() -> None:
    """Every queued creation (and fsync) is done: the engine's own drain, bounded."""
    assert NATIVE is not None
    assert NATIVE.lib.codex_jsonl_bg_drain(30_000, 0) == 1


@pytest.mark.parametrize("native", ENGINES)
def test_a_file_made_ahead_is_the_file_the_turn_would_make(
    tmp_path: Path, native: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CODEX_PY_NATIVE", native)
    ahead = RolloutRecorder.create(tmp_path / "ahead", META)
    ahead.record_response_item(CONTEXT)
    ahead.make_file_soon()  # the turn begins
    _turn(ahead)
    ahead.close()
    plain = RolloutRecorder.create(tmp_path / "plain", META)
    plain.record_response_item(CONTEXT)
    _turn(plain)
    plain.close()
    assert _shape(ahead.path) == _shape(plain.path)
    assert ahead.path.stat().st_mode & 0o777 == 0o600
    if native == "0":
        assert FileAhead.start(str(tmp_path / "x.jsonl"), 0o600) is None
        assert not (tmp_path / "x.jsonl").exists()


@needs_native
def test_a_creation_the_turn_never_takes_leaves_no_file(tmp_path: Path) -> None:
    rec = RolloutRecorder.create(tmp_path, META)
    rec.record_response_item(CONTEXT)
    rec.make_file_soon()
    _workers_idle()
    assert rec.path.exists() and rec.path.stat().st_size == 0  # made, empty, not yet taken
    rec.close()  # the turn was cancelled before a line: as a thread without a turn
    assert not rec.path.exists()

    async def aclosed() -> Path:
        other = RolloutRecorder.create(tmp_path, META)
        other.record_response_item(CONTEXT)
        other.make_file_soon()
        await other.aclose()
        return other.path

    path = asyncio.run(aclosed())
    _workers_idle()
    assert not path.exists()
    assert not list((tmp_path / "sessions").rglob("*.jsonl"))


@needs_native
def test_a_file_that_exists_is_appended_to_never_clobbered(tmp_path: Path) -> None:
    rec = RolloutRecorder.create(tmp_path, META)
    rec.record_response_item(CONTEXT)
    rec.path.parent.mkdir(parents=True)
    rec.path.write_bytes(b'{"someone":"else"}\n')
    rec.make_file_soon()
    _workers_idle()  # the creation met the file (O_EXCL) and left it alone
    _turn(rec)
    rec.close()
    lines = rec.path.read_bytes().splitlines()
    assert lines[0] == b'{"someone":"else"}' and len(lines) > 3


@needs_native
def test_many_creations_are_each_taken_or_made_by_the_flush(tmp_path: Path) -> None:
    """A burst of turns (a batch of threads): whichever creations the workers have not started
    by a turn's first flush that flush makes itself; every file is whole either way."""
    recs = [RolloutRecorder.create(tmp_path, META) for _ in range(100)]
    for rec in recs:
        rec.record_response_item(CONTEXT)
        rec.make_file_soon()
    for rec in recs:
        _turn(rec)
        rec.close()
    first = _shape(recs[0].path)
    assert all(_shape(rec.path) == first for rec in recs)
    assert all(rec.path.stat().st_mode & 0o777 == 0o600 for rec in recs)
    _workers_idle()
    assert len(list((tmp_path / "sessions").rglob("*.jsonl"))) == 100


@needs_native
def test_a_forked_child_makes_its_own_file(tmp_path: Path) -> None:
    """A creation queued in the parent is not the child's to wait for: its flush makes the
    file itself (the C side is covered by csrc/tests/test_jsonl_bg.c)."""
    rec = RolloutRecorder.create(tmp_path, META)
    rec.record_response_item(CONTEXT)
    rec.make_file_soon()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child reports through its exit status
        try:
            _turn(rec)
            rec.close()
            os._exit(0 if rec.path.stat().st_size > 0 else 1)
        except BaseException:
            os._exit(2)
    _, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    path = rec.path
    assert len(_shape(path)) > 3
    rec.close()  # the parent abandons its own creation: the file holds lines, so it stays
    _workers_idle()
    assert len(_shape(path)) > 3


@needs_native
@pytest.mark.skipif(not hasattr(os, "SCHED_BATCH"), reason="SCHED_BATCH is Linux's")
def test_the_workers_never_preempt_the_thread_that_wakes_them() -> None:
    """The lent workers run as SCHED_BATCH (no wakeup preemption of the event loop's thread);
    the lending thread keeps its own policy."""
    import threading

    from codex._native.jsonl_bg import lend_workers

    assert NATIVE is not None
    own = os.sched_getscheduler(0)
    lend_workers(NATIVE.lib)  # returns once every worker has entered the pool (and set it)
    workers = [t for t in threading.enumerate() if t.name.startswith("codex-rollout-io-")]
    assert workers
    assert {os.sched_getscheduler(t.native_id) for t in workers} == {os.SCHED_BATCH}
    assert os.sched_getscheduler(0) == own
