"""Issue 18: the Windows wheel must run `codex exec`. Windows has no OS sandbox yet, so a
sandboxed command is refused in one line and a command runs only under an explicit
`-s danger-full-access`; and nothing on the exec path may import a POSIX-only module (fcntl,
termios, ...) at top level, which would kill codex on Windows before it says anything.

There is no Windows here: windows_prelude.py runs codex's console entry with `sys.platform` set
to "win32" and the POSIX-only modules made unimportable, as they are on Windows. The model is the
in-repo mock server; the commands are real subprocesses.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

from tests.platforms.windows_prelude import POSIX_ONLY
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import FunctionCall, Message, Turn

PRELUDE = Path(__file__).with_name("windows_prelude.py")
REFUSAL = "cannot sandbox: no sandbox for win32; rerun with --sandbox danger-full-access"


def _home(tmp_path: Path, server: MockModelServer) -> Path:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    (home / "config.toml").write_text(
        'model = "gpt-5.5"\nmodel_provider = "mock"\n[model_providers.mock]\n'
        f'name = "mock"\nbase_url = "{server.base_url}"\nwire_api = "responses"\n'
        'env_key = "PATH"\nstream_max_retries = 0\n'
    )
    return home


def _run(tmp_path: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CODEX_", "OPENAI_"))}
    env.update(CODEX_HOME=str(home), NO_COLOR="1")
    return subprocess.run(
        [sys.executable, str(PRELUDE), *args],
        cwd=work,
        env=env,
        input="",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _shell_turn(server: MockModelServer, marker: Path) -> None:
    """The model asks for one command (it creates `marker`), then answers."""
    cmd = f"{sys.executable} -c \"open({str(marker)!r}, 'w').close(); print('ran')\""
    server.enqueue(
        Turn([FunctionCall("call_1", "exec_command", {"cmd": cmd})]), Turn([Message("done")])
    )


def _command_items(stdout: str) -> list[dict[str, object]]:
    events = [json.loads(line) for line in stdout.splitlines()]
    return [
        e["item"]
        for e in events
        if e["type"] == "item.completed" and e["item"]["type"] == "command_execution"
    ]


def test_version_on_windows(tmp_path):
    out = _run(tmp_path, tmp_path, "--version")
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("codex-cli ")


def test_exec_refuses_a_sandboxed_command_in_one_line(tmp_path):
    marker = tmp_path / "ran.txt"
    with MockModelServer() as server:
        _shell_turn(server, marker)
        home = _home(tmp_path, server)
        out = _run(tmp_path, home, "exec", "--json", "--skip-git-repo-check", "go")
        output = server.requests[-1].function_call_output("call_1") if server.requests else None
    assert "Traceback" not in out.stderr, out.stderr
    assert out.returncode == 0, out.stderr
    [item] = _command_items(out.stdout)
    assert item["status"] == "failed"
    text = str(item["aggregated_output"])
    assert REFUSAL in text and "\n" not in text.strip()
    assert not marker.exists()  # never run bare
    assert output is not None and REFUSAL in json.dumps(output)  # the model is told why


def test_exec_runs_a_command_only_with_danger_full_access(tmp_path):
    marker = tmp_path / "ran.txt"
    with MockModelServer() as server:
        _shell_turn(server, marker)
        home = _home(tmp_path, server)
        args = ("exec", "--json", "--skip-git-repo-check", "-s", "danger-full-access", "go")
        out = _run(tmp_path, home, *args)
    assert "Traceback" not in out.stderr, out.stderr
    assert out.returncode == 0, out.stderr
    [item] = _command_items(out.stdout)
    assert item["status"] == "completed" and "ran" in str(item["aggregated_output"])
    assert marker.exists()


def _top_level_imports(tree: ast.Module) -> set[str]:
    """Modules a file imports unconditionally when it is imported: statements at module level
    and in module-level try/with blocks (an `if sys.platform ...` body is a platform guard)."""
    found: set[str] = set()
    pending: list[ast.stmt] = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
        elif isinstance(node, (ast.Try, ast.With)):
            pending.extend(node.body)
    return found


def test_nothing_exec_imports_needs_a_posix_only_module(tmp_path):
    """Walk the import graph of a real exec turn (one shell command): record every codex module
    it loads on this platform, then (1) none imports a POSIX-only module at top level, and (2)
    each imports under the Windows simulation."""
    record = tmp_path / "modules.txt"
    with MockModelServer() as server:
        _shell_turn(server, tmp_path / "ran.txt")
        home = _home(tmp_path, server)
        args = ("exec", "--json", "--skip-git-repo-check", "-s", "danger-full-access", "go")
        out = _run(tmp_path, home, "--record", str(record), *args)
    assert out.returncode == 0, out.stderr
    modules = record.read_text().split()
    assert "codex.exec" in " ".join(modules) and "codex.tools.runtime.process" in modules

    offenders = {}
    for name in modules:
        path = _module_file(name)
        if path is None or path.suffix != ".py":
            continue
        bad = _top_level_imports(ast.parse(path.read_text(encoding="utf-8"))) & set(POSIX_ONLY)
        if bad:
            offenders[name] = sorted(bad)
    assert offenders == {}

    out = _run(tmp_path, home, "--import", *modules)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == f"imported {len(modules)}"


def _module_file(name: str) -> Path | None:
    import importlib.util

    try:
        spec = importlib.util.find_spec(name)
    except (ModuleNotFoundError, ValueError):
        # a C extension's inner `lib`/`ffi` objects, not files (ValueError once this process
        # has loaded the extension: cffi puts them in sys.modules with no __spec__)
        return None
    return Path(spec.origin) if spec and spec.origin else None


def test_the_audits_modules_import_on_windows(tmp_path):
    """The modules issue 18's audit found importing fcntl/termios at top level, exec path or not
    (the app-server's process runner, the MCP OAuth store, ...), all import under Windows."""
    modules = [
        "codex.core.checkpoints.store",
        "codex.auth.storage",
        "codex.rollout.history",
        "codex.tools.runtime.process",
        "codex.app_server.exec_process",
        "codex.sandbox.execpolicy_files",
        "codex.mcp_client.oauth_store",
    ]
    out = _run(tmp_path, tmp_path, "--import", *modules)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == f"imported {len(modules)}"
