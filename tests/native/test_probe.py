"""The capability probe: the C engine and its Python twin agree, and both agree with the kernel."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from codex._native import probe
from codex._native._py import probe as py_probe

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux facilities")


def _proc_status(field: str) -> str:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return line.split(":", 1)[1].strip()
    raise LookupError(field)


def test_native_extension_is_built() -> None:
    assert probe.ext_loaded(), "codex._native._probe was not built/installed"


def test_c_and_twin_agree() -> None:
    assert probe.raw_probe() == py_probe.raw_probe()


def test_matches_proc_status() -> None:
    raw = probe.raw_probe()
    assert raw.seccomp_mode == int(_proc_status("Seccomp"))
    assert raw.no_new_privs == int(_proc_status("NoNewPrivs"))


def test_landlock_abi_matches_securityfs_or_kernel() -> None:
    caps = probe.probe()
    if caps.landlock_abi is None:
        assert caps.landlock_unavailable
    else:
        assert caps.landlock_abi >= 1
        assert caps.landlock_unavailable is None


def _probe_in_child(code: str, env: dict[str, str] | None = None) -> str:
    return subprocess.run(
        [sys.executable, "-c", code],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    ).stdout.strip()


def test_no_new_privs_is_seen_after_setting_it() -> None:
    """Set no_new_privs in a child (it is irreversible) and check both probes report it."""
    code = (
        "import ctypes; libc = ctypes.CDLL(None); assert libc.prctl(38, 1, 0, 0, 0) == 0;"
        "from codex._native import probe; from codex._native._py import probe as t;"
        "print(probe.raw_probe().no_new_privs, t.raw_probe().no_new_privs)"
    )
    assert _probe_in_child(code) == "1 1"


def test_forced_twin_is_used_without_warning() -> None:
    code = "from codex._native import probe; c = probe.probe(); print(c.native, c.landlock_abi)"
    out = _probe_in_child(code, {"CODEX_PY_NATIVE": "0"})
    native, abi = out.split()
    assert native == "False"
    assert abi == str(probe.probe().landlock_abi)
