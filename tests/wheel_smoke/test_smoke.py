"""The smoke suite run INSIDE every built wheel (cibuildwheel's test-command, and
tests/wheel/test_built_wheel.py here): the installed package, never the source tree, must answer
`codex --version`, run one `codex exec` turn against the in-repo mock model server, load its C
engines (not the pure-Python twins) and deny a write through its sandbox launcher.

Only the standard library, pytest and tests.support (the mock server) are used, so the suite runs
in a bare venv holding the wheel and pytest.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import Message, Turn

import codex

CHECKOUT = Path(__file__).resolve().parents[2]


def codex_argv() -> list[str]:
    """The console script the wheel installed next to this interpreter (else `-m codex`)."""
    scripts = Path(sys.executable).parent
    for name in ("codex", "codex.exe"):
        if (scripts / name).is_file():
            return [str(scripts / name)]
    return [sys.executable, "-m", "codex"]


def env_for(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CODEX_", "OPENAI_"))}
    env.update(CODEX_HOME=str(home), NO_COLOR="1")
    return env


def test_the_package_under_test_is_installed_not_the_checkout():
    assert not Path(codex.__file__).resolve().is_relative_to(CHECKOUT / "src")


def test_version():
    out = subprocess.run([*codex_argv(), "--version"], capture_output=True, timeout=60, check=True)
    assert out.stdout.decode().strip() == f"codex-cli {codex.__version__}"


# jsonl.c is POSIX-only: on Windows its twin serves (CMakeLists.txt).
ENGINES = ["sse", "diff"] + ([] if sys.platform == "win32" else ["jsonl"])


@pytest.mark.parametrize("engine", ENGINES)
def test_the_c_engines_load_from_the_wheel(engine):
    from codex._native import load_extension

    assert os.environ.get("CODEX_PY_NATIVE", "1") != "0"
    module = load_extension(engine)
    assert module is not None, f"codex._native._{engine} did not load from the wheel"
    assert (
        Path(module.__file__).resolve().parent == Path(codex.__file__).resolve().parent / "_native"
    )


def test_one_exec_turn_against_the_mock(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    work = tmp_path / "work"
    work.mkdir()
    with MockModelServer() as server:
        server.enqueue(Turn([Message("hello from the wheel")]))
        (home / "config.toml").write_text(
            'model = "gpt-5.5"\nmodel_provider = "mock"\n[model_providers.mock]\n'
            f'name = "mock"\nbase_url = "{server.base_url}"\nwire_api = "responses"\n'
            'env_key = "PATH"\nstream_max_retries = 0\n'
        )
        proc = subprocess.run(
            [*codex_argv(), "exec", "--json", "--skip-git-repo-check", "say hello"],
            cwd=work,
            env=env_for(home),
            input=b"",
            capture_output=True,
            timeout=120,
            check=False,
        )
    assert proc.returncode == 0, proc.stderr.decode()
    events = [json.loads(line) for line in proc.stdout.splitlines()]
    texts = [e["item"]["text"] for e in events if e["type"] == "item.completed"]
    assert texts == ["hello from the wheel"]
    if sys.platform != "win32":
        assert b"using the slower Python twin" not in proc.stderr


@pytest.mark.skipif(
    sys.platform not in ("linux", "darwin"), reason="no OS sandbox on this platform (yet)"
)
def test_the_sandbox_denies_a_write(tmp_path):
    if sys.platform == "darwin" and not shutil.which("sandbox-exec"):
        pytest.skip("sandbox-exec is not on this macOS")
    home = tmp_path / "home"
    home.mkdir()
    target = tmp_path / "denied.txt"
    proc = subprocess.run(
        [*codex_argv(), "sandbox", "-s", "read-only", "--", "touch", str(target)],
        cwd=tmp_path,
        env=env_for(home),
        capture_output=True,
        timeout=60,
        check=False,
    )
    if proc.returncode != 0 and b"cannot sandbox" in proc.stderr:
        # The kernel lacks Landlock/seccomp (some CI containers): a clear refusal is the
        # contract there; the launcher itself must still be in the wheel.
        assert b"not installed with this package" not in proc.stderr
        pytest.skip(proc.stderr.decode().strip())
    assert proc.returncode != 0
    assert not target.exists()
    # The same command without the sandbox writes: the refusal was the sandbox's.
    subprocess.run(
        [*codex_argv(), "sandbox", "--yolo", "--", "touch", str(target)],
        cwd=tmp_path,
        env=env_for(home),
        capture_output=True,
        timeout=60,
        check=True,
    )
    assert target.exists()


@pytest.mark.skipif(sys.platform != "win32", reason="Windows only: elsewhere an OS sandbox exists")
def test_windows_exec_refuses_a_sandboxed_command_in_one_line(tmp_path):
    """No OS sandbox on Windows yet: a command under the default read-only sandbox is refused
    with one line naming `danger-full-access`, never run bare (tests/platforms simulates this on
    Linux; here it is the real Windows wheel)."""
    from tests.support.model_stream import FunctionCall

    home = tmp_path / "home"
    home.mkdir()
    work = tmp_path / "work"
    work.mkdir()
    marker = tmp_path / "ran.txt"
    cmd = f"{sys.executable} -c \"open({str(marker)!r}, 'w').close()\""
    with MockModelServer() as server:
        server.enqueue(
            Turn([FunctionCall("call_1", "exec_command", {"cmd": cmd})]), Turn([Message("done")])
        )
        (home / "config.toml").write_text(
            'model = "gpt-5.5"\nmodel_provider = "mock"\n[model_providers.mock]\n'
            f'name = "mock"\nbase_url = "{server.base_url}"\nwire_api = "responses"\n'
            'env_key = "PATH"\nstream_max_retries = 0\n'
        )
        proc = subprocess.run(
            [*codex_argv(), "exec", "--json", "--skip-git-repo-check", "go"],
            cwd=work,
            env=env_for(home),
            input=b"",
            capture_output=True,
            timeout=120,
            check=False,
        )
    assert b"Traceback" not in proc.stderr, proc.stderr.decode()
    assert proc.returncode == 0, proc.stderr.decode()
    events = [json.loads(line) for line in proc.stdout.splitlines()]
    [item] = [
        e["item"]
        for e in events
        if e["type"] == "item.completed" and e["item"]["type"] == "command_execution"
    ]
    text = item["aggregated_output"].strip()
    assert "cannot sandbox: no sandbox for win32" in text and "danger-full-access" in text
    assert "\n" not in text
    assert not marker.exists()
