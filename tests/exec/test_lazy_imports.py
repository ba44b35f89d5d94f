"""A tool's implementation loads with the first call of that tool: a `codex exec` whose model only
answers text never imports the apply_patch parser/planner, the command process machinery, the
rules parser or the rollout reader. Checked on the real `codex exec` process (the `python -m codex`
entry, unchanged) by the module table it holds when it exits. Not `-X importtime`: its log leaves
out modules loaded through `importlib.import_module`, which is how the lazy paths load them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.exec.harness import Exec, codex_env
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import FunctionCall, Message, Turn, Usage, apply_patch_call

USAGE = Usage(input_tokens=100, cached_input_tokens=0, output_tokens=10)
# `python -m codex ...` plus one exit hook writing `sys.modules` to $MODULES_OUT.
ENTRY = """
import atexit, os, sys
def dump():
    with open(os.environ["MODULES_OUT"], "w") as f:
        f.write("\\n".join(sorted(sys.modules)))
atexit.register(dump)
sys.argv[0] = "codex"
from codex.cli.main import entry
entry()
"""

# Loaded only when a tool (or a feature) that needs them is used.
TOOL_MODULES = (
    "codex.tools.apply_patch.parser",
    "codex.tools.apply_patch.planner",
    "codex.tools.apply_patch.applier",
    "codex.tools.runtime.patch",
    "codex.tools.runtime.shell",
    "codex.tools.runtime.process",
    "codex.tools.runtime.orchestrator",
    "codex.tools.runtime.exec_once",
    "codex.tools.custom",
    "codex.tools.claude_hooks",
    "codex.sandbox.execpolicy",
    "codex.rollout.reader",
    "codex.rollout.listing",
    "codex._native.diff",
)


def run_exec(*argv: str, home: Path, cwd: Path, tmp_path: Path) -> tuple[Exec, set[str]]:
    """The real `codex exec` process, and every module it had imported when it exited."""
    out = tmp_path / "modules.txt"
    proc = subprocess.run(
        [sys.executable, "-c", ENTRY, *argv],
        cwd=cwd,
        env=codex_env(home, {"MODULES_OUT": str(out)}),
        input=b"",
        capture_output=True,
        timeout=90,
        check=False,
    )
    res = Exec(proc.returncode, proc.stdout, proc.stderr.decode("utf-8", "replace"))
    return res, set(out.read_text().split("\n"))


def test_text_answer_imports_no_tool_runtime(
    mock_model_server: MockModelServer, home: Path, repo: Path, tmp_path: Path
) -> None:
    mock_model_server.enqueue(Turn([Message("just text")], USAGE))
    res, names = run_exec("exec", "--json", "hi", home=home, cwd=repo, tmp_path=tmp_path)
    assert res.rc == 0, res.stderr
    assert res.events()[-2]["item"]["text"] == "just text"
    # The table is real: the session, the turn loop and the router itself were imported.
    assert {"codex.core.session", "codex.core.turn", "codex.tools.runtime.router"} <= names
    assert sorted(names.intersection(TOOL_MODULES)) == []
    # The interactive TUI and its toolkit stay out of exec (issue 17).
    assert (
        sorted(n for n in names if n.split(".")[0] == "textual" or n.startswith("codex.tui")) == []
    )
    # The session viewer's web stack (the `viewer` extra) loads only for `codex viewer`.
    web = ("fastapi", "starlette", "uvicorn")
    assert sorted(n for n in names if n.split(".")[0] in web or n.startswith("codex.viewer")) == []
    # The in-process SDK (`from codex import Codex`) is never exec's business.
    assert sorted(n for n in names if n.startswith("codex.sdk")) == []
    # The tools were still offered to the model, apply_patch and the shell among them.
    tools = {t.get("name") for t in mock_model_server.requests[0].json["tools"]}
    assert {"apply_patch", "exec_command"} <= tools


def test_tools_load_on_first_call_and_work(
    mock_model_server: MockModelServer, home: Path, repo: Path, tmp_path: Path
) -> None:
    patch = "*** Begin Patch\n*** Add File: lazy.txt\n+lazy\n*** End Patch\n"
    mock_model_server.enqueue(
        Turn(
            [
                apply_patch_call("call_p", patch),
                FunctionCall("call_s", "exec_command", {"cmd": "echo from-shell"}),
            ],
            USAGE,
        ),
        Turn([Message("done")], USAGE),
    )
    res, names = run_exec(
        "exec", "--json", "--full-auto", "go", home=home, cwd=repo, tmp_path=tmp_path
    )
    assert res.rc == 0, res.stderr
    assert (repo / "lazy.txt").read_text() == "lazy\n"
    items = [e["item"] for e in res.events() if e["type"] == "item.completed"]
    assert any(i["type"] == "file_change" and i["status"] == "completed" for i in items)
    assert any(
        i["type"] == "command_execution" and "from-shell" in i["aggregated_output"] for i in items
    )
    for module in (
        "codex.tools.apply_patch.planner",
        "codex.tools.runtime.patch",
        "codex.tools.runtime.process",
        "codex._native.diff",
    ):
        assert module in names


def test_version_imports_neither_the_sdk_nor_core(home: Path, repo: Path, tmp_path: Path) -> None:
    """`codex --version` pays only for the CLI: codex/__init__.py's SDK names stay unloaded."""
    res, names = run_exec("--version", home=home, cwd=repo, tmp_path=tmp_path)
    assert res.rc == 0 and b"0.169.0" in res.stdout
    assert "codex.cli.main" in names
    assert sorted(n for n in names if n.startswith(("codex.sdk", "codex.core"))) == []


def test_version_and_help_import_no_tui(tmp_path: Path, home: Path, repo: Path) -> None:
    """`codex --version` and `codex exec --help` never load Textual or codex.tui."""
    for argv in (["--version"], ["exec", "--help"]):
        out = tmp_path / "modules.txt"
        proc = subprocess.run(
            [sys.executable, "-c", ENTRY, *argv],
            cwd=repo,
            env=codex_env(home, {"MODULES_OUT": str(out)}),
            input=b"",
            capture_output=True,
            timeout=60,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr
        names = set(out.read_text().split("\n"))
        assert "codex.cli.main" in names  # the table is real
        assert sorted(n for n in names if n.split(".")[0] in ("textual", "rich")) == []
        assert sorted(n for n in names if n.startswith("codex.tui")) == []
