"""codex._filelock: one process holding the lock keeps another out, on POSIX (flock) and on the
Windows path (msvcrt.locking on the lock byte; here through windows_prelude.py, whose msvcrt is
POSIX byte-range locks with msvcrt's from-the-current-position rule). Real processes, real files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

PRELUDE = Path(__file__).with_name("windows_prelude.py")

HOLD = """
import os, sys
from codex import _filelock
fd = os.open(sys.argv[-1], os.O_RDWR | os.O_CREAT)
os.write(fd, b"data")
_filelock.lock(fd)
assert os.lseek(fd, 0, os.SEEK_CUR) == 4  # the file position is left where it was
print("held", flush=True)
sys.stdin.readline()
_filelock.unlock(fd)
print("released", flush=True)
sys.stdin.readline()
"""

PROBE = """
import os, sys
from codex import _filelock
fd = os.open(sys.argv[-1], os.O_RDWR)
try:
    _filelock.lock(fd, blocking=False)
except BlockingIOError:
    print("busy")
else:
    print("free")
    _filelock.unlock(fd)
print(sys.platform, os.read(fd, 4).decode())  # the lock byte is far past the data: readable
"""


def _argv(windows: bool, code: str, path: Path) -> list[str]:
    if windows:
        return [sys.executable, str(PRELUDE), "--python", code, str(path)]
    return [sys.executable, "-c", code, str(path)]


@pytest.mark.parametrize("windows", [False, True], ids=["posix", "windows"])
def test_a_held_lock_keeps_another_process_out_until_released(tmp_path, windows):
    path = tmp_path / "codex.lock"
    holder = subprocess.Popen(
        _argv(windows, HOLD, path), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert holder.stdin is not None and holder.stdout is not None
    try:
        assert holder.stdout.readline() == "held\n"

        def probe() -> list[str]:
            out = subprocess.run(
                _argv(windows, PROBE, path), capture_output=True, text=True, timeout=60
            )
            assert out.returncode == 0, out.stderr
            return out.stdout.split()

        platform = "win32" if windows else "linux"
        assert probe() == ["busy", platform, "data"]
        holder.stdin.write("\n")
        holder.stdin.flush()
        assert holder.stdout.readline() == "released\n"
        assert probe() == ["free", platform, "data"]
    finally:
        holder.kill()
        holder.wait()
