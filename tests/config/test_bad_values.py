"""Bad configuration values stop every entry point with one line and a non-zero exit, as 0.169
does: a wrong type or a bogus enum in config.toml or `-c` (even where `codex exec` or a profile
overrides the key afterwards), a `[features]` entry that is not a boolean, TOML nested thousands
deep, and `exec -o` into a folder that does not exist. Each case runs through the real CLI; where
the official binary is installed, it runs the same case and must fail (or pass) the same way."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from tests.support.mock_config import MOCK_CONFIG
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import Message, Turn, Usage
from tests.support.official import INSTALL_HINT, official_binary

OFFICIAL = official_binary()
OURS = [sys.executable, "-m", "codex"]
needs_official = pytest.mark.skipif(OFFICIAL is None, reason=f"needs codex 0.169 ({INSTALL_HINT})")


@dataclass
class Outcome:
    rc: int
    stdout: str
    stderr: str
    requests: int

    @property
    def error_lines(self) -> list[str]:
        """stderr minus the prompt notice exec prints before reading stdin."""
        return [
            line
            for line in self.stderr.splitlines()
            if line.strip() and line != "Reading additional input from stdin..."
        ]


def _run(
    argv: list[str],
    home: Path,
    cwd: Path,
    server: MockModelServer,
    *args: str,
    top: str = "",
    files: dict[str, str] | None = None,
) -> Outcome:
    """`argv args...` with CODEX_HOME=home holding the mock config (`top` goes before its tables,
    so its keys stay top-level) plus `files` next to it."""
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(
        top + "\n" + MOCK_CONFIG.format(base_url=server.base_url, extra="")
    )
    for name, text in (files or {}).items():
        (home / name).write_text(text)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CODEX_", "OPENAI_"))}
    env.update(CODEX_HOME=str(home), MOCK_KEY="sk-mock", NO_COLOR="1")
    before = len(server.requests)
    proc = subprocess.run(
        [*argv, *args],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return Outcome(proc.returncode, proc.stdout, proc.stderr, len(server.requests) - before)


@pytest.fixture
def server(mock_model_server: MockModelServer) -> MockModelServer:
    mock_model_server.repeat(Turn([Message("answer")], Usage(1, 0, 1)))
    return mock_model_server


def _assert_one_line_failure(out: Outcome, *needles: str) -> None:
    assert out.rc != 0, out.stderr
    assert out.requests == 0, "the turn must not run"
    assert "Traceback" not in out.stderr
    assert len(out.error_lines) == 1, out.stderr
    for needle in needles:
        assert needle in out.error_lines[0], out.error_lines[0]


# Each case: (config.toml top-level text, exec options, what the one line names).
BAD_VALUES = [
    pytest.param("approval_policy = 7", [], "approval_policy", id="approval-int"),
    pytest.param('approval_policy = ["x"]', [], "approval_policy", id="approval-array"),
    pytest.param('approval_policy = "bogus"', [], "approval_policy", id="approval-bogus"),
    pytest.param("", ["-c", 'approval_policy="bogus"'], "approval_policy", id="c-approval-bogus"),
    pytest.param("", ["-c", "approval_policy=7"], "approval_policy", id="c-approval-int"),
    pytest.param('sandbox_mode = "nope"', ["-s", "read-only"], "sandbox_mode", id="sandbox-bogus"),
    pytest.param("", ["-c", "model=5", "-m", "gpt-5.5"], "model", id="model-int-under-flag"),
    pytest.param('hide_agent_reasoning = "yes"', [], "hide_agent_reasoning", id="bool-str"),
    pytest.param('model_context_window = "big"', [], "model_context_window", id="int-str"),
    pytest.param("[features]\nfoo = 3", [], "foo", id="unknown-feature-int"),
    pytest.param("[history]\npersistence = 3", [], "history.persistence", id="nested-enum"),
    pytest.param(
        '[profiles.p]\napproval_policy = "bogus"', [], "profiles.p.approval_policy", id="profile"
    ),
]


@pytest.mark.parametrize(("top", "args", "names"), BAD_VALUES)
def test_exec_refuses_a_bad_value_even_where_a_flag_overrides_it(
    top: str, args: list[str], names: str, server: MockModelServer, tmp_path: Path
) -> None:
    # `codex exec` forces approval_policy=never and -s/-m replace their keys: before the fix the
    # bad value was replaced before validation and the turn ran as if nothing were wrong.
    out = _run(
        OURS,
        tmp_path / "home",
        tmp_path,
        server,
        "exec",
        *args,
        "--skip-git-repo-check",
        "hi",
        top=top,
    )
    _assert_one_line_failure(out, names)
    assert out.rc == 1  # exec's exit code for a config error, as 0.169's
    if top:
        assert str(tmp_path / "home" / "config.toml") in out.error_lines[0]


@needs_official
@pytest.mark.parametrize(("top", "args", "names"), BAD_VALUES)
def test_the_official_cli_refuses_the_same_values(
    top: str, args: list[str], names: str, server: MockModelServer, tmp_path: Path
) -> None:
    out = _run(
        [str(OFFICIAL)],
        tmp_path / "home",
        tmp_path,
        server,
        "exec",
        *args,
        "--skip-git-repo-check",
        "hi",
        top=top,
    )
    assert out.rc == 1, out.stderr
    assert out.requests == 0


def test_debug_config_and_exec_agree_on_a_bad_override(
    server: MockModelServer, tmp_path: Path
) -> None:
    """Every entry point validates the same tree: the same message from both."""
    args = ["-c", 'approval_policy="bogus"']
    home = tmp_path / "home"
    shown = _run(OURS, home, tmp_path, server, *args, "debug", "config")
    ran = _run(OURS, home, tmp_path, server, "exec", *args, "--skip-git-repo-check", "hi")
    _assert_one_line_failure(shown, "approval_policy")
    _assert_one_line_failure(ran, "approval_policy")
    assert shown.error_lines == ran.error_lines


def test_a_cache_hit_never_skips_a_new_override(server: MockModelServer, tmp_path: Path) -> None:
    """The validated-config cache answers a repeat run; a new `-c` is a new key, validated."""
    home = tmp_path / "home"
    # Valid, but declined by the pydantic-free fast path (an int for a float beyond the floats'
    # exact range): only what pydantic validated is cached.
    top = (
        "mcp_servers.big = "
        '{ command = "true", enabled = false, startup_timeout_sec = 9007199254740993 }'
    )
    for _ in range(2):  # the second run is served by the cache
        ok = _run(OURS, home, tmp_path, server, "exec", "--skip-git-repo-check", "hi", top=top)
        assert ok.rc == 0, ok.stderr
    assert list((home / "cache" / "config").glob("*.pickle"))
    bad = _run(
        OURS,
        home,
        tmp_path,
        server,
        "-c",
        "approval_policy=7",
        "exec",
        "--skip-git-repo-check",
        "hi",
        top=top,
    )
    _assert_one_line_failure(bad, "approval_policy")


def _nested_arrays(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(f"x = {_nested_arrays(5000)}", id="arrays-5000"),
        pytest.param("x = " + "{a=" * 5000 + "1" + "}" * 5000, id="inline-tables-5000"),
        pytest.param("a." * 5000 + "b = 1", id="dotted-key-5000"),
        pytest.param(f"x = {_nested_arrays(81)}", id="arrays-81"),
    ],
)
def test_toml_nested_too_deep_is_one_line(
    text: str, server: MockModelServer, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text(text + "\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CODEX_")}
    proc = subprocess.run(
        [*OURS, "--config-home", str(home), "debug", "config"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "RecursionError" not in proc.stderr
    (line,) = proc.stderr.splitlines()
    assert "nested more than 80 levels deep" in line
    assert line.startswith(f"codex: {home / 'config.toml'}")


def test_80_levels_still_load(tmp_path: Path) -> None:
    """0.169 accepts 80 nested arrays (81 fail): so do we."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text(f"x = {_nested_arrays(80)}\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CODEX_")}
    proc = subprocess.run(
        [*OURS, "--config-home", str(home), "debug", "config"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr


@needs_official
@pytest.mark.parametrize(("depth", "ok"), [(80, True), (81, False), (5000, False)])
def test_nesting_limit_matches_the_official(
    depth: int, ok: bool, server: MockModelServer, tmp_path: Path
) -> None:
    top = f"x = {_nested_arrays(depth)}"
    official = _run(
        [str(OFFICIAL)],
        tmp_path / "o",
        tmp_path,
        server,
        "exec",
        "--skip-git-repo-check",
        "hi",
        top=top,
    )
    ours = _run(
        OURS, tmp_path / "p", tmp_path, server, "exec", "--skip-git-repo-check", "hi", top=top
    )
    assert (official.rc == 0) is ok, official.stderr
    assert (ours.rc == 0) is ok, ours.stderr
    if not ok:
        _assert_one_line_failure(ours, "nested more than 80 levels deep")


def test_a_too_deep_c_value_is_a_string_as_in_0169(tmp_path: Path) -> None:
    """A `-c` value that does not parse as TOML is a literal string (0.169: so is one nested
    past the limit); in a typed key that is one clear error, never a RecursionError."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CODEX_")}
    deep = _nested_arrays(5000)
    proc = subprocess.run(
        [*OURS, "--config-home", str(tmp_path), "-c", f"notify={deep}", "debug", "config"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 2
    (line,) = proc.stderr.splitlines()
    assert 'notify: expected an array, got "[[[' in line
    assert len(line) < 300
    untyped = subprocess.run(
        [*OURS, "--config-home", str(tmp_path), "-c", f"x={deep}", "debug", "config"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert untyped.returncode == 0, untyped.stderr


@pytest.mark.parametrize("target", ["missing-dir/x", "a-directory"])
def test_exec_output_last_message_unwritable_fails_before_the_turn(
    target: str, server: MockModelServer, tmp_path: Path
) -> None:
    (tmp_path / "a-directory").mkdir()
    path = tmp_path / target
    out = _run(
        OURS,
        tmp_path / "home",
        tmp_path,
        server,
        "exec",
        "--skip-git-repo-check",
        "-o",
        str(path),
        "hi",
    )
    _assert_one_line_failure(out, f'Failed to open last message file "{path}"')
    assert out.rc == 1
    assert out.stdout == ""


@needs_official
def test_exec_output_last_message_matches_the_official(
    server: MockModelServer, tmp_path: Path
) -> None:
    path = tmp_path / "missing-dir" / "x"
    runs = {
        name: _run(
            argv,
            tmp_path / name,
            tmp_path,
            server,
            "exec",
            "--skip-git-repo-check",
            "-o",
            str(path),
            "hi",
        )
        for name, argv in (("official", [str(OFFICIAL)]), ("ours", OURS))
    }
    for out in runs.values():
        assert out.rc == 1 and out.requests == 0
        assert any(
            f'Failed to open last message file "{path}"' in line for line in out.error_lines
        ), out.stderr


def test_exec_output_last_message_still_gets_the_answer(
    server: MockModelServer, tmp_path: Path
) -> None:
    """The startup check creates a missing file (0.169 does too); the turn's last message is
    written into it at the end."""
    fresh = tmp_path / "fresh.txt"
    out = _run(
        OURS,
        tmp_path / "home",
        tmp_path,
        server,
        "exec",
        "--skip-git-repo-check",
        "-o",
        str(fresh),
        "hi",
    )
    assert out.rc == 0, out.stderr
    assert fresh.read_text() == "answer"
