"""`codex exec --oss` with the embedded runtime owns its server: it starts it, the answer comes
back, and the server is gone afterwards — also when codex is stopped by SIGTERM, SIGKILL or a
terminal Ctrl-C (SIGINT to the whole process group). The shared test server is stopped first, so
only the server codex starts is alive."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest
from tests.exec.harness import codex_env, rollout_files
from tests.local.conftest import Llama, needs_runtime

# A real model on shared cores: generation alone can pass the suite's 120 s default.
pytestmark = [needs_runtime, pytest.mark.timeout(900)]


def server_pids(marker: Path) -> list[int]:
    """Live processes running codex.local.server for the model under `marker`."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"codex.local.server" in argv and any(str(marker).encode() in a for a in argv):
            pids.append(int(entry.name))
    return pids


def wait_for(predicate, what: str, limit: float = 120.0) -> None:  # type: ignore[no-untyped-def]
    """Poll a condition (not a timing assertion: the limit only bounds a hung test)."""
    deadline = time.monotonic() + limit
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.05)


@pytest.fixture
def home(llama: Llama, tmp_path: Path) -> Path:
    llama.stop()  # never two model servers at once
    path = tmp_path / "home"
    res = subprocess.run(
        [sys.executable, "-m", "codex", "--config-home", str(path), "models", "pull"],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    return path


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_codex(home: Path, cwd: Path, prompt: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "codex", "exec", "--skip-git-repo-check", "--oss", prompt],
        cwd=cwd,
        env=codex_env(home),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group, like a shell job
        # A terminal job starts with SIGINT at its default; a job launched in the background by a
        # non-interactive shell (how CI may run pytest) inherits it ignored, and Ctrl-C could
        # never reach codex then.
        preexec_fn=_default_sigint,
    )


def test_exec_oss_answers_and_leaves_no_server(home: Path, tmp_path: Path) -> None:
    proc = start_codex(home, tmp_path, "Say hello in one short sentence.")
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err.decode()
    assert out.strip(), "a final answer on stdout"
    assert b"provider: embedded" in err and b"model: smollm2" in err
    rollout = [orjson.loads(x) for x in rollout_files(home)[0].read_bytes().splitlines()]
    assert rollout[0]["payload"]["model_provider"] == "embedded"
    # The window is the one the server runs with (8,192 tokens, 95% of it effective, the rule
    # 0.169 applies to every model), not the 272,000-token fallback (258,400) (issue 15 #11).
    started = [r["payload"] for r in rollout if r["payload"].get("type") == "task_started"]
    assert [s["model_context_window"] for s in started] == [8192 * 95 // 100]
    counts = [
        r["payload"]["info"]
        for r in rollout
        if r["payload"].get("type") == "token_count" and r["payload"].get("info")
    ]
    assert counts and all(c["model_context_window"] == 8192 * 95 // 100 for c in counts)
    assert server_pids(home) == []


def _group_report(pgid: int) -> str:
    """What is still alive in codex's process group, and where codex's Python is stuck."""
    lines = []
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text()
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()[:200]
        except (OSError, ValueError):
            continue
        fields = stat[stat.rfind(")") + 2 :].split()
        if int(fields[2]) == pgid:
            lines.append(f"pid {entry.name} state {fields[0]} ppid {fields[1]}: {cmd}")
    spy = Path(sys.executable).parent / "py-spy"
    if spy.exists():
        dump = subprocess.run(
            [str(spy), "dump", "--pid", str(pgid)], capture_output=True, text=True, check=False
        )
        lines.append(dump.stdout + dump.stderr)
    return "\n".join(lines) or "(group empty)"


@pytest.mark.parametrize(
    ("how", "sig"),
    [("SIGTERM", signal.SIGTERM), ("SIGKILL", signal.SIGKILL), ("Ctrl-C", signal.SIGINT)],
)
def test_stopping_codex_stops_the_server(home: Path, tmp_path: Path, how: str, sig: int) -> None:
    proc = start_codex(home, tmp_path, "Write a long story about a lighthouse keeper.")
    try:
        wait_for(lambda: server_pids(home), "the model server to start")
        if how == "Ctrl-C":
            os.killpg(proc.pid, sig)  # a terminal sends it to the whole foreground group
        else:
            proc.send_signal(sig)
        try:
            proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            pytest.fail(f"codex did not finish after {how}:\n{_group_report(proc.pid)}")
        wait_for(lambda: not server_pids(home), "the model server to exit", limit=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    if how == "SIGTERM":
        assert proc.returncode == 128 + signal.SIGTERM
    elif how == "SIGKILL":
        assert proc.returncode == -signal.SIGKILL
    else:
        assert proc.returncode in (130, 1)


def test_model_provider_embedded_in_config_needs_no_flag(home: Path, tmp_path: Path) -> None:
    (home / "config.toml").write_text('model_provider = "embedded"\n')
    env = codex_env(home)
    res = subprocess.run(
        [sys.executable, "-m", "codex", "exec", "--skip-git-repo-check", "--json",
         "Say hello in one short sentence."],
        cwd=tmp_path, env=env, capture_output=True, timeout=300, check=False,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr.decode()
    events = [orjson.loads(line) for line in res.stdout.splitlines()]
    assert events[-1]["type"] == "turn.completed"
    assert any(e.get("item", {}).get("type") == "agent_message" for e in events)
    assert server_pids(home) == []
