"""`codex sandbox` end to end, and the asyncio spawn API the agent's shell tools use."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest
from tests.sandbox.conftest import snapshot

from codex.protocol.sandbox_policy import SandboxPolicy
from codex.sandbox.platform import SandboxType
from codex.sandbox.spawn import SandboxUnavailable, run, sandboxed_argv, spawn


def _codex(home: Path, cwd: Path, *args: str, env: dict[str, str] | None = None):
    return subprocess.run(
        [sys.executable, "-m", "codex", "--config-home", str(home), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture
def home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    return home


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    (ws / ".git").mkdir(parents=True)
    (ws / ".git" / "config").write_text("[core]\n")
    return ws


def test_touch_outside_fails_with_a_sandbox_error(home: Path, ws: Path) -> None:
    target = "/codex-sandbox-outside-probe"
    done = _codex(home, ws, "sandbox", "--", "touch", target)
    assert done.returncode == 1
    assert "Read-only file system" in done.stderr
    assert not os.path.exists(target)


def test_workspace_write_inside_succeeds(home: Path, ws: Path) -> None:
    done = _codex(home, ws, "sandbox", "-s", "workspace-write", "--", "touch", "./inside")
    assert done.returncode == 0, done.stderr
    assert (ws / "inside").exists()


def test_workspace_write_keeps_git_read_only(home: Path, ws: Path) -> None:
    before = snapshot(ws / ".git")
    done = _codex(home, ws, "sandbox", "--full-auto", "--", "sh", "-c", "echo x >> .git/config")
    assert done.returncode != 0
    assert before == snapshot(ws / ".git")


def test_default_read_only_blocks_cwd(home: Path, ws: Path) -> None:
    done = _codex(home, ws, "sandbox", "--", "touch", "x")
    assert done.returncode == 1 and not (ws / "x").exists()


def test_config_sandbox_mode_and_table(home: Path, ws: Path, tmp_path: Path) -> None:
    extra = tmp_path / "extra"
    extra.mkdir()
    (home / "config.toml").write_text(
        'sandbox_mode = "workspace-write"\n[sandbox_workspace_write]\n'
        f'writable_roots = ["{extra}"]\nexclude_slash_tmp = true\n'
    )
    ok = _codex(home, ws, "sandbox", "--", "touch", str(extra / "a"), "inside")
    assert ok.returncode == 0, ok.stderr
    denied = _codex(home, ws, "sandbox", "--", "touch", str(tmp_path / "outside"))
    assert denied.returncode == 1 and not (tmp_path / "outside").exists()
    override = _codex(home, ws, "-c", 'sandbox_mode="read-only"', "sandbox", "--", "touch", "b")
    assert override.returncode == 1 and not (ws / "b").exists()


def test_add_dir_and_yolo(home: Path, ws: Path, tmp_path: Path) -> None:
    extra = tmp_path / "added"
    extra.mkdir()
    done = _codex(
        home,
        ws,
        "sandbox",
        "-s",
        "workspace-write",
        "--add-dir",
        str(extra),
        "--",
        "touch",
        str(extra / "f"),
    )
    assert done.returncode == 0, done.stderr
    free = _codex(
        home,
        ws,
        "sandbox",
        "--dangerously-bypass-approvals-and-sandbox",
        "--",
        "touch",
        str(tmp_path / "free"),
    )
    assert free.returncode == 0 and (tmp_path / "free").exists()
    both = _codex(home, ws, "sandbox", "--full-auto", "--yolo", "--", "true")
    assert both.returncode == 2 and both.stderr.count("\n") == 1
    assert "'--full-auto' cannot be used with '--dangerously-bypass" in both.stderr


def test_exit_code_passes_through_and_linux_alias(home: Path, ws: Path) -> None:
    assert _codex(home, ws, "sandbox", "--", "sh", "-c", "exit 7").returncode == 7
    alias = _codex(home, ws, "sandbox", "linux", "--full-auto", "--", "touch", "via-alias")
    assert alias.returncode == 0, alias.stderr
    assert (ws / "via-alias").exists()
    mac = _codex(home, ws, "sandbox", "macos", "--", "true")
    assert mac.returncode == 2 and "darwin" in mac.stderr


def test_network_is_off_by_default(home: Path, ws: Path) -> None:
    code = "import socket; socket.socket(socket.AF_INET)"
    done = _codex(home, ws, "sandbox", "--full-auto", "--", sys.executable, "-c", code)
    assert done.returncode == 1 and "Operation not permitted" in done.stderr


def test_probe(home: Path, ws: Path) -> None:
    done = _codex(home, ws, "sandbox", "--probe")
    assert done.returncode == 0
    assert "landlock abi: " in done.stdout and "can sandbox: yes" in done.stdout
    assert "read-only mounts" in done.stdout


def test_missing_launcher_refuses_to_run(home: Path, ws: Path) -> None:
    marker = ws / "ran"
    done = _codex(
        home,
        ws,
        "sandbox",
        "--",
        "touch",
        str(marker),
        env={"CODEX_LINUX_SANDBOX_EXE": str(ws / "nope")},
    )
    assert done.returncode != 0 and not marker.exists()


def test_no_command(home: Path, ws: Path) -> None:
    done = _codex(home, ws, "sandbox")
    assert done.returncode == 2 and done.stderr.startswith("codex: no command given")


# ---- the Python API ----


def test_spawn_env_cwd_stdin_and_process_group(ws: Path) -> None:
    async def go() -> tuple[int, bytes, int]:
        proc = await spawn(
            [
                "sh",
                "-c",
                'read line; echo "$line $FOO $CODEX_SANDBOX_NETWORK_DISABLED $(pwd)";'
                " ps -o pgid= -p $$",
            ],
            SandboxPolicy.read_only(),
            cwd=ws,
            env={"FOO": "bar", "PATH": os.environ["PATH"]},
            stdin=asyncio.subprocess.PIPE,
        )
        out, _ = await proc.communicate(b"hello\n")
        return proc.returncode or 0, out, proc.pid

    code, out, pid = asyncio.run(go())
    first, pgid = out.decode().splitlines()
    assert code == 0
    assert first == f"hello bar 1 {ws}"
    assert int(pgid) == pid != os.getpgrp()


def test_run_timeout_kills_the_group(ws: Path) -> None:
    result = asyncio.run(
        run(
            ["sh", "-c", "sleep 30 & echo $! > bg.pid; sleep 30"],
            SandboxPolicy.workspace_write(),
            cwd=ws,
            timeout=1.0,
        )
    )
    assert result.timed_out and result.exit_code == 124
    assert result.sandbox is SandboxType.LINUX
    bg = int((ws / "bg.pid").read_text())
    try:
        state = Path(f"/proc/{bg}/stat").read_text().split()[2]
    except FileNotFoundError:
        state = "gone"
    assert state in ("Z", "gone")  # the background child died with its group


def test_run_result_and_signal_code(ws: Path) -> None:
    ok = asyncio.run(run(["sh", "-c", "echo out; echo err >&2"], SandboxPolicy.read_only(), cwd=ws))
    assert (ok.exit_code, ok.stdout, ok.stderr) == (0, b"out\n", b"err\n")
    killed = asyncio.run(run(["sh", "-c", "kill -KILL $$"], SandboxPolicy.read_only(), cwd=ws))
    assert killed.exit_code == 128 + 9
    danger = asyncio.run(run(["true"], SandboxPolicy.danger_full_access(), cwd=ws))
    assert danger.sandbox is SandboxType.NONE


def test_argv_shapes(ws: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    argv = sandboxed_argv(["ls"], SandboxPolicy.read_only(), cwd=ws)
    assert argv[0].endswith("/codex-linux-sandbox")
    assert argv[1:5] == [
        "--sandbox-policy-cwd",
        str(ws),
        "--sandbox-policy",
        '{"type":"read-only"}',
    ]
    assert argv[-2:] == ["--", "ls"]
    assert sandboxed_argv(["ls"], SandboxPolicy.danger_full_access(), cwd=ws) == ["ls"]
    monkeypatch.setenv("CODEX_LINUX_SANDBOX_EXE", "")
    from codex.sandbox import launch

    monkeypatch.setattr(launch, "_installed_launcher", lambda: None)
    with pytest.raises(SandboxUnavailable, match="danger-full-access"):
        sandboxed_argv(["ls"], SandboxPolicy.read_only(), cwd=ws)
