"""Windows wheels ship no OS sandbox: codex must say so in one line and run a command only
under an explicit danger-full-access, never silently unsandboxed. Checked here by running the
real policy code in a process whose `sys.platform` is "win32" (set before codex is imported;
the decision reads nothing else of the OS)."""

from __future__ import annotations

import subprocess
import sys

CODE = """
import sys
sys.platform = "win32"
from codex.protocol.sandbox_policy import SandboxPolicy
from codex.sandbox.launch import SandboxUnavailable, check_available
for name in ("read_only", "workspace_write"):
    try:
        check_available(getattr(SandboxPolicy, name)())
    except SandboxUnavailable as exc:
        print("refused:", exc)
    else:
        print("ran:", name)
print("full:", check_available(SandboxPolicy.danger_full_access()))
"""


def test_windows_refuses_sandboxed_policies_and_runs_only_full_access():
    out = subprocess.run(
        [sys.executable, "-c", CODE], capture_output=True, text=True, timeout=60, check=True
    ).stdout.splitlines()
    assert len(out) == 3
    for line in out[:2]:
        assert line.startswith("refused: cannot sandbox: no sandbox for win32")
        assert "danger-full-access" in line and "\n" not in line
    assert out[2] == "full: none"
