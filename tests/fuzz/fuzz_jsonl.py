"""Rollout writer: csrc/jsonl.c (through its cffi binding) against codex._native._py.jsonl.

Input: byte 0 is the buffer size (0: the default 64 KiB, else 1..255 bytes, so lines larger
than the buffer take the direct path), byte 1 the fsync policy (mod 3), byte 2 the length of the
file's existing content, which follows (a torn tail in it is cut on open). Then a program, one
op byte each: `op & 3` = 0 append `op >> 2` raw bytes (maybe not a whole line: EINVAL),
1 append them plus "\\n", 2 flush, 3 turn_end.

Properties: both writers give the same outcome (errno) and `pending` after every op; a model of
the buffer predicts `pending` and the file, which after every op holds whole lines only and
after flush/turn_end/close exactly the lines accepted so far; the closed files are equal and
read back as the lines written. Only OSError may escape.
"""

from __future__ import annotations

import os

from tests.fuzz._support import check, scratch_dir

from codex._native import load_extension
from codex._native._py.jsonl import RawWriter
from codex._native.jsonl import _NativeRaw

_EXT = load_extension("jsonl")
if _EXT is None:
    raise ImportError("codex._native._jsonl not loaded (not built, or CODEX_PY_NATIVE=0)")


class _Model:
    """What the file and the buffer must hold: the twin's documented buffering, in a few lines."""

    def __init__(self, initial: bytes, cap: int) -> None:
        keep = initial.rfind(b"\n") + 1
        self.repaired = len(initial) - keep
        self.file = initial[:keep]
        self.buf = b""
        self.cap = cap or 64 * 1024

    def append(self, data: bytes) -> int:
        if not data.endswith(b"\n"):
            return 22
        if len(self.buf) + len(data) <= self.cap:
            self.buf += data
        elif len(data) <= self.cap:
            self.flush()
            self.buf = data
        else:
            self.file += self.buf + data
            self.buf = b""
        return 0

    def flush(self) -> int:
        self.file += self.buf
        self.buf = b""
        return 0


def _do(writer: object, op: str, data: bytes) -> int:
    try:
        if op == "append":
            writer.append(data)  # type: ignore[attr-defined]
        else:
            getattr(writer, op)()
    except OSError as err:
        return err.errno or -1
    return 0


def _lines(text: bytes) -> list[bytes]:
    """Lines ending in "\n" (bytes.splitlines would also split on a CR inside a line)."""
    return [line + b"\n" for line in text.split(b"\n")[:-1]]


def _read(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read()


def one_input(data: bytes) -> None:
    if len(data) < 3:
        return
    cap, policy, n_initial = data[0], data[1] % 3, data[2]
    initial = data[3 : 3 + n_initial]
    program = data[3 + n_initial :]
    base = scratch_dir()
    paths = (os.path.join(base, "c.jsonl"), os.path.join(base, "twin.jsonl"))
    for path in paths:
        with open(path, "wb") as f:
            f.write(initial)
    c = _NativeRaw(_EXT, paths[0], policy, cap, 0o644)
    twin = RawWriter(paths[1], policy, cap, 0o644)
    model = _Model(initial, cap)
    check(c.repaired == twin.repaired == model.repaired, "torn tails repaired differently")
    lines: list[bytes] = []
    pos = 0
    while pos < len(program):
        op_byte = program[pos]
        pos += 1
        kind, n = op_byte & 3, op_byte >> 2
        payload = b""
        if kind <= 1:
            payload = program[pos : pos + n] + (b"\n" if kind == 1 else b"")
            pos += n
            op = "append"
            want = model.append(payload)
            if not want:
                lines.extend(_lines(payload))
        else:
            op = "flush" if kind == 2 else "turn_end"
            want = model.flush()
        got_c, got_twin = _do(c, op, payload), _do(twin, op, payload)
        check(got_c == got_twin == want, f"{op}: C {got_c}, twin {got_twin}, model {want}")
        check(c.pending == twin.pending == len(model.buf), f"{op}: pending differs")
        for path in paths:
            check(_read(path) == model.file, f"{op}: {os.path.basename(path)} != model")
    check(_do(c, "close", b"") == _do(twin, "close", b"") == 0, "close failed")
    model.flush()
    c_file, twin_file = _read(paths[0]), _read(paths[1])
    check(c_file == twin_file == model.file, "closed files differ")
    keep = initial.rfind(b"\n") + 1
    check(_lines(c_file[keep:]) == lines, "lines do not read back")
