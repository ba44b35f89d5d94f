"""The rollout JSONL writer: C engine vs Python twin, whole lines only, crash safety."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codex._native import load_extension
from codex._native._py.jsonl import RawWriter
from codex._native.jsonl import JsonlWriter

EXT = load_extension("jsonl")


def test_native_extension_is_built() -> None:
    assert EXT is not None, "codex._native._jsonl was not built/installed"


def _native(path: Path, policy: int, cap: int, mode: int = 0o644):  # type: ignore[no-untyped-def]
    from codex._native.jsonl import _NativeRaw

    return _NativeRaw(EXT, str(path), policy, cap, mode)


def _twin(path: Path, policy: int, cap: int, mode: int = 0o644) -> RawWriter:
    return RawWriter(str(path), policy, cap, mode)


BOTH = [pytest.param(_native, id="c"), pytest.param(_twin, id="twin")]

ops = st.lists(
    st.one_of(
        st.tuples(st.just("append"), st.integers(0, 300), st.integers(1, 3)),
        st.tuples(st.just("flush"), st.just(0), st.just(0)),
        st.tuples(st.just("turn_end"), st.just(0), st.just(0)),
        st.tuples(st.just("sync"), st.just(0), st.just(0)),  # fsync only: no byte changes
    ),
    max_size=40,
)


@settings(max_examples=150, deadline=None)
@given(ops=ops, cap=st.integers(1, 512), policy=st.integers(0, 2))
def test_c_and_twin_write_the_same_bytes_at_every_step(
    tmp_path_factory: pytest.TempPathFactory, ops: list[tuple[str, int, int]], cap: int, policy: int
) -> None:
    d = tmp_path_factory.mktemp("diffw")
    a, b = _native(d / "c.jsonl", policy, cap), _twin(d / "p.jsonl", policy, cap)
    for n, (op, size, lines) in enumerate(ops):
        if op == "append":
            data = b"".join(
                orjson.dumps({"n": n, "i": i, "pad": "x" * size}) + b"\n" for i in range(lines)
            )
            a.append(data)
            b.append(data)
        else:
            getattr(a, op)()
            getattr(b, op)()
        assert a.pending == b.pending
        assert (d / "c.jsonl").read_bytes() == (d / "p.jsonl").read_bytes()
    a.close()
    b.close()
    assert (d / "c.jsonl").read_bytes() == (d / "p.jsonl").read_bytes()


@pytest.mark.parametrize("make", BOTH)
def test_buffers_until_turn_end_then_writes_whole_lines(tmp_path: Path, make) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "r.jsonl"
    w = make(path, 1, 1024)
    w.append(b'{"a":1}\n')
    w.append(b'{"b":2}\n{"c":3}\n')
    assert path.read_bytes() == b""
    assert w.pending == 24
    w.turn_end()
    assert path.read_bytes() == b'{"a":1}\n{"b":2}\n{"c":3}\n'
    big = b'{"big":"' + b"y" * 5000 + b'"}\n'  # larger than the buffer: written at once
    w.append(big)
    assert path.read_bytes().endswith(big)
    w.append(b'{"d":4}\n')
    w.close()
    assert path.read_bytes().endswith(b'{"d":4}\n')


@pytest.mark.parametrize("make", BOTH)
@pytest.mark.parametrize("bad", [b"", b"no newline", b'{"a":1}\n{"b"'])
def test_rejects_partial_lines(tmp_path: Path, make, bad: bytes) -> None:  # type: ignore[no-untyped-def]
    w = make(tmp_path / "r.jsonl", 1, 64)
    with pytest.raises(OSError, match="complete lines"):
        w.append(bad)
    assert w.pending == 0
    w.close()


@pytest.mark.parametrize("make", BOTH)
def test_open_cuts_a_torn_tail_and_appends_after_it(tmp_path: Path, make) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "r.jsonl"
    path.write_bytes(b'{"a":1}\n{"b":2}\n{"tor')
    w = make(path, 0, 64)
    assert w.repaired == 5
    w.append(b'{"c":3}\n')
    w.close()
    assert path.read_bytes() == b'{"a":1}\n{"b":2}\n{"c":3}\n'
    whole = tmp_path / "one.jsonl"
    whole.write_bytes(b'{"only torn')
    w = make(whole, 0, 64)
    assert w.repaired == 11
    w.close()
    assert whole.read_bytes() == b""


@pytest.mark.parametrize("make", BOTH)
def test_file_mode_and_append_only(tmp_path: Path, make) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "r.jsonl"
    w = make(path, 2, 64, 0o600)
    w.append(b"1\n")
    w.flush()
    # Another writer appending concurrently is not overwritten (O_APPEND).
    with open(path, "ab") as other:
        other.write(b"2\n")
    w.append(b"3\n")
    w.close()
    assert path.read_bytes() == b"1\n2\n3\n"
    assert path.stat().st_mode & 0o777 == 0o600


def test_public_writer_rejects_unknown_policy(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="fsync policy"):
        JsonlWriter(tmp_path / "x", fsync="sometimes")  # type: ignore[arg-type]
    with JsonlWriter(tmp_path / "x") as w:
        w.append(b"{}\n")
    assert w.closed
    with pytest.raises(ValueError, match="closed"):
        w.append(b"{}\n")


# A writer that never stops: lines of very different sizes (some far larger than the buffer, so the
# kill can land inside a big write), flushes at pseudo-random points, reports once it is going.
_CHILD = r"""
import os, sys, orjson
from codex._native.jsonl import JsonlWriter
w = JsonlWriter(sys.argv[1], fsync="never", buffer_size=4096)
start = int(sys.argv[2])
sizes = [10, 300, 5000, 100, 2_000_000, 40, 70_000, 1]
n = start
while True:
    pad = "z" * sizes[n % len(sizes)]
    w.append(orjson.dumps({"seq": n, "pad": pad}) + b"\n")
    if n % 3 == 0:
        w.flush()
    if n == start + 20:
        sys.stdout.write("going\n"); sys.stdout.flush()
    n += 1
"""


def _check_whole_lines(path: Path) -> int:
    """Every line but the last is a valid record in sequence; returns the next seq number."""
    data = path.read_bytes()
    lines = data.split(b"\n")
    tail = lines.pop()  # b"" when the file ends with a newline, else a torn fragment
    seqs = [orjson.loads(line)["seq"] for line in lines]
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs))) if seqs else True
    if tail:
        with pytest.raises(orjson.JSONDecodeError):
            orjson.loads(tail)
    return seqs[-1] + 1 if seqs else 0


@pytest.mark.parametrize("native", ["1", "0"], ids=["c", "twin"])
def test_kill_9_mid_stream_never_tears_a_middle_line(tmp_path: Path, native: str) -> None:
    path = tmp_path / "crash.jsonl"
    env = {**os.environ, "CODEX_PY_NATIVE": native}
    next_seq = 0
    for _round in range(4):
        child = subprocess.Popen(
            [sys.executable, "-c", _CHILD, str(path), str(next_seq)],
            stdout=subprocess.PIPE,
            env=env,
        )
        assert child.stdout is not None
        assert child.stdout.readline() == b"going\n"
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        assert child.returncode == -signal.SIGKILL
        # The reader's view: everything before the last line is intact.
        next_seq = _check_whole_lines(path)
        assert next_seq > 0
        # Reopening (as resume does) cuts a torn tail, so the next round appends to whole lines.
        JsonlWriter(path).close()
        assert path.read_bytes().endswith(b"\n")
    from codex.rollout.reader import iter_rollout

    # And the rollout reader streams it (lines lack type/payload: all skipped, none crash it).
    assert list(iter_rollout(path)) == []


def test_dropped_writer_still_writes_its_lines(tmp_path: Path) -> None:
    path = tmp_path / "dropped.jsonl"
    w = JsonlWriter(path)
    w.append(b'{"queued":1}\n')
    del w
    assert path.read_bytes() == b'{"queued":1}\n'
