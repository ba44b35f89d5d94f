"""Run as `python windows_prelude.py ARGS...`: codex's console entry as a Windows interpreter
would see it, on this Linux machine. `sys.platform` reads "win32" and the POSIX-only standard
modules cannot be imported, exactly as on Windows, so a codex module that imports one at top level
dies here as it would in the Windows wheel.

Standard and third-party modules that pick their own implementation from `sys.platform` at import
(subprocess, asyncio, sysconfig, pydantic through it) are imported first, under the real platform:
their Windows halves need Windows DLLs, and they work on Windows in their own right. Only codex is
under test. `msvcrt.locking`, which codex uses for file locks on Windows, is stood in for by POSIX
byte-range locks with the same "from the current position" semantics.
"""

from __future__ import annotations

import atexit
import fcntl
import importlib
import os
import sys
import sysconfig
import types

PLATFORM_PICKERS = (
    "asyncio",
    "asyncio.subprocess",
    "platform",
    "selectors",
    "shutil",
    "signal",
    "subprocess",
    "tempfile",
    "pydantic",
    "pydantic.main",
    "pydantic.type_adapter",
)
# What Windows lacks (the standard library's Unix-only modules codex could reach for).
POSIX_ONLY = ("fcntl", "termios", "pwd", "grp", "resource", "pty", "tty")


def _msvcrt_stand_in() -> types.ModuleType:
    lockf, lock_ex, lock_nb, lock_un = fcntl.lockf, fcntl.LOCK_EX, fcntl.LOCK_NB, fcntl.LOCK_UN
    module = types.ModuleType("msvcrt")
    module.LK_UNLCK, module.LK_LOCK, module.LK_NBLCK = 0, 1, 2  # type: ignore[attr-defined]
    modes = {0: lock_un, 1: lock_ex, 2: lock_ex | lock_nb}

    def locking(fd: int, mode: int, nbytes: int) -> None:
        lockf(fd, modes[mode], nbytes, os.lseek(fd, 0, os.SEEK_CUR), os.SEEK_SET)

    module.locking = locking  # type: ignore[attr-defined]
    return module


def _record_codex_modules(path: str) -> None:
    """At exit, write the codex modules this run imported (one per line) to `path`."""

    def write() -> None:
        names = sorted(n for n in sys.modules if n == "codex" or n.startswith("codex."))
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(names) + "\n")

    atexit.register(write)


def main() -> None:
    if sys.argv[1:2] == ["--record"]:  # the real platform: which modules does this run import?
        _record_codex_modules(sys.argv[2])
        del sys.argv[1:3]
        _run_codex()
        return
    sysconfig.get_config_vars()
    for name in PLATFORM_PICKERS:
        importlib.import_module(name)
    sys.platform = "win32"
    for name in POSIX_ONLY:
        sys.modules[name] = None  # type: ignore[assignment]  # import raises ModuleNotFoundError
    sys.modules["msvcrt"] = _msvcrt_stand_in()
    if sys.argv[1:2] == ["--python"]:  # run this code as Windows would (tests of codex parts)
        exec(compile(sys.argv[2], "<--python>", "exec"), {"__name__": "__main__"})
        return
    if sys.argv[1:2] == ["--import"]:  # import these modules, then stop (the static walk)
        for name in sys.argv[2:]:
            importlib.import_module(name)
        print("imported", len(sys.argv) - 2)
        return
    _run_codex()


def _run_codex() -> None:
    from codex.cli.main import entry

    sys.argv = ["codex", *sys.argv[1:]]
    entry()


if __name__ == "__main__":
    main()
