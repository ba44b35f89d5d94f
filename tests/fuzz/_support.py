"""What every fuzz target shares: the input conventions, the allowed-errors rule, scratch files.

A target is a module `tests/fuzz/fuzz_<name>.py` with `one_input(data: bytes) -> None` that
raises only when it found a bug: an exception type the parser does not document, or a property
broken (`PropertyBroken`). The C harnesses in csrc/fuzz read the same input layouts, so one seed
corpus serves both.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator

__all__ = ["PropertyBroken", "check", "chunks", "scratch_dir"]


class PropertyBroken(AssertionError):
    """A property of the parser does not hold for this input (C and twin disagree, a
    round-trip loses data, ...). Deliberately not a type any parser raises."""


def check(condition: bool, message: str) -> None:
    """`assert` that survives `python -O` (a fuzz run must never skip its oracle)."""
    if not condition:
        raise PropertyBroken(message)


def chunks(data: bytes, seed: int) -> Iterator[bytes]:
    """Split `data` into pieces whose sizes come from a tiny LCG seeded by one input byte.

    The same sequence as `codex_fuzz_chunk` in csrc/fuzz/fuzz_common.h. `seed & 63 == 0` feeds
    one byte at a time (every boundary is a split point); otherwise pieces are 1..253 bytes."""
    state = seed + 1
    span = 1 + 4 * (seed & 63)
    pos = 0
    while pos < len(data):
        state = (state * 1103515245 + 12345) & 0x7FFFFFFF
        size = 1 + (state >> 8) % span
        yield data[pos : pos + size]
        pos += size


_SCRATCH: str | None = None


def scratch_dir() -> str:
    """A private directory for the targets that need real files: $CODEX_FUZZ_SCRATCH (the
    driver and the tests point it into a folder they remove), else a new one on tmpfs when
    there is one (a million inputs would otherwise be a million fsyncs to disk)."""
    global _SCRATCH
    if _SCRATCH is None:
        given = os.environ.get("CODEX_FUZZ_SCRATCH")
        if given:
            os.makedirs(given, exist_ok=True)
            _SCRATCH = given
        else:
            base = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
            _SCRATCH = tempfile.mkdtemp(prefix="codex-fuzz-", dir=base)
            atexit.register(shutil.rmtree, _SCRATCH, True)
    return _SCRATCH
