"""The config layer through the real CLI: `codex ... debug config`, errors, home isolation."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from tests.support.codex_cli import RunCodex


def shown(result: subprocess.CompletedProcess[str]) -> dict:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("codex: ")
    return lines[0]


def test_issue_example_with_nonexistent_home(run_codex: RunCodex, tmp_path: Path) -> None:
    home = tmp_path / "some" / "dir"
    result = run_codex("-c", "model=o3", "--config-home", str(home), "debug", "config")
    assert result.returncode == 0, result.stderr
    assert f"# codex_home  = {home}" in result.stdout
    model_line = next(line for line in result.stdout.splitlines() if line.startswith("model ="))
    assert model_line.startswith('model = "o3"') and model_line.endswith("# -c model=o3")
    assert not (tmp_path / "some").exists()


def test_isolation_nothing_written_to_home_dot_codex(
    run_codex: RunCodex, scratch_env: dict[str, str], tmp_path: Path
) -> None:
    home = tmp_path / "empty-home"
    home.mkdir()
    for args in (["debug", "config"], ["debug", "config", "--json"], ["--version"]):
        result = run_codex("--config-home", str(home), *args)
        assert result.returncode == 0, result.stderr
    assert list(home.iterdir()) == []
    assert not (Path(scratch_env["HOME"]) / ".codex").exists()


def test_default_home_is_home_dot_codex(run_codex: RunCodex, scratch_env: dict[str, str]) -> None:
    document = shown(run_codex("debug", "config", "--json"))
    assert document["codex_home"] == str(Path(scratch_env["HOME"]) / ".codex")
    assert document["config_file_exists"] is False
    assert not (Path(scratch_env["HOME"]) / ".codex").exists()


def test_codex_home_env(run_codex: RunCodex, tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('model = "env-home"\n')
    document = shown(run_codex("debug", "config", "--json", env={"CODEX_HOME": str(tmp_path)}))
    assert document["values"]["model"]["value"] == "env-home"


def test_sources_file_c_flagless_profile_and_default(run_codex: RunCodex, tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        '# mine\nmodel = "file-model"\napproval_policy = "never"\n'
        '[profiles.fast]\nmodel_reasoning_effort = "low"\n'
    )
    document = shown(
        run_codex(
            "--config-home",
            str(tmp_path),
            "-p",
            "fast",
            "-c",
            "approval_policy=on-failure",
            "debug",
            "config",
            "--json",
        )
    )
    values = document["values"]
    assert values["model"] == {"value": "file-model", "source": str(config)}
    assert values["approval_policy"] == {
        "value": "on-failure",
        "source": "-c approval_policy=on-failure",
    }
    assert values["model_reasoning_effort"] == {"value": "low", "source": "profile fast"}
    assert values["sandbox_mode"] == {"value": "read-only", "source": "default"}
    assert document["profile"] == "fast"


@pytest.mark.parametrize(
    ("override", "key", "value"),
    [
        ("notify=[\"say\", \"done\"]", "notify", ["say", "done"]),
        ("project_doc_fallback_filenames=[]", "project_doc_fallback_filenames", []),
        ('shell_environment_policy.set={A = "1", B = "x=y"}', "shell_environment_policy.set",
         {"A": "1", "B": "x=y"}),
        ('developer_instructions="be brief"', "developer_instructions", "be brief"),
        ("developer_instructions='single'", "developer_instructions", "single"),
        ("developer_instructions=two bare words", "developer_instructions", "two bare words"),
        ("chatgpt_base_url=http://127.0.0.1:1/?a=b", "chatgpt_base_url", "http://127.0.0.1:1/?a=b"),
        ("project_doc_max_bytes=0", "project_doc_max_bytes", 0),
        ("sandbox_workspace_write.network_access=true", "sandbox_workspace_write.network_access",
         True),
        ("features.unified_exec=true", "features.unified_exec", True),
        ("history.max_bytes=1024", "history.max_bytes", 1024),
    ],
)  # fmt: skip
def test_c_edge_cases_through_cli(
    run_codex: RunCodex, tmp_path: Path, override: str, key: str, value: object
) -> None:
    document = shown(
        run_codex("--config-home", str(tmp_path), "-c", override, "debug", "config", "--json")
    )
    values = document["values"]
    if isinstance(value, dict) and value:
        for name, item in value.items():
            assert values[f"{key}.{name}"] == {"value": item, "source": f"-c {override}"}
    else:
        assert values[key] == {"value": value, "source": f"-c {override}"}


def test_nested_c_key_creates_tables(run_codex: RunCodex, tmp_path: Path) -> None:
    document = shown(
        run_codex("--config-home", str(tmp_path), "-c", "a.b.c=1", "debug", "config", "--json")
    )
    assert document["values"]["a.b.c"] == {
        "value": 1,
        "source": "-c a.b.c=1 (unknown key, ignored)",
    }


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("model", "codex: Invalid override (missing '='): model"),
        ("=o3", "codex: Empty key in override: =o3"),
        (
            "sandbox_mode=bogus",
            "codex: -c sandbox_mode=bogus: sandbox_mode: expected one of read-only, "
            'workspace-write, danger-full-access, got "bogus"',
        ),
        ("hide_agent_reasoning=maybe", "hide_agent_reasoning: expected a boolean"),
    ],
)
def test_bad_c_is_one_line_exit_2(
    run_codex: RunCodex, tmp_path: Path, override: str, message: str
) -> None:
    line = one_line_error(
        run_codex("--config-home", str(tmp_path), "-c", override, "debug", "config")
    )
    assert message in line


def test_malformed_config_is_one_line_exit_2(run_codex: RunCodex, tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('sandbox_mode = "bogus"\n')
    line = one_line_error(run_codex("--config-home", str(tmp_path), "debug", "config"))
    assert line == (
        f"codex: {tmp_path}/config.toml: sandbox_mode: expected one of read-only, "
        'workspace-write, danger-full-access, got "bogus"'
    )


def test_toml_syntax_error_is_file_line_col(run_codex: RunCodex, tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('model = "x"\n[tui\n')
    line = one_line_error(run_codex("--config-home", str(tmp_path), "debug", "config"))
    assert line.startswith(f"codex: {tmp_path}/config.toml:2:")
    assert "TOML syntax error" in line


def test_missing_profile_through_cli(run_codex: RunCodex, tmp_path: Path) -> None:
    """0.169 runs on without a profile that exists nowhere; we say so on stderr."""
    result = run_codex("--config-home", str(tmp_path), "-p", "x", "debug", "config")
    assert result.returncode == 0, result.stderr
    (line,) = result.stderr.splitlines()
    assert line.startswith("codex: warning: profile `x` not found")
    assert str(tmp_path / "x.config.toml") in line


def test_missing_config_file(run_codex: RunCodex, tmp_path: Path) -> None:
    missing = tmp_path / "missing.toml"
    line = one_line_error(run_codex("--config-file", str(missing), "debug", "config"))
    assert str(missing) in line and "does not exist" in line
    line = one_line_error(run_codex("debug", "config", env={"CODEX_CONFIG_FILE": str(missing)}))
    assert "CODEX_CONFIG_FILE" in line


def test_unreadable_config_file(
    run_codex: RunCodex, tmp_path: Path, scratch_env: dict[str, str]
) -> None:
    path = tmp_path / "locked.toml"
    path.write_text('model = "secret"\n')
    path.chmod(0)
    argv = [sys.executable, "-m", "codex", "--config-file", str(path), "debug", "config"]
    if os.geteuid() == 0 and shutil.which("setpriv"):
        # Root reads anything; drop the capabilities that let it, as an ordinary user lacks them.
        argv = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", *argv]
    result = subprocess.run(argv, env=scratch_env, capture_output=True, text=True, timeout=60)
    if result.returncode == 0:
        pytest.skip("this user can read a mode-000 file")
    line = one_line_error(result)
    assert line == f"codex: cannot read config file {path}: Permission denied"


def test_config_file_elsewhere_keeps_home(run_codex: RunCodex, tmp_path: Path) -> None:
    home = tmp_path / "home-dir"
    home.mkdir()
    (home / "config.toml").write_text('model = "from-home"\n')
    ci = tmp_path / "ci" / "replay.toml"
    ci.parent.mkdir()
    ci.write_text('model = "from-ci"\n')
    document = shown(
        run_codex("--config-home", str(home), "--config-file", str(ci), "debug", "config", "--json")
    )
    assert document["codex_home"] == str(home)
    assert document["config_file"] == str(ci)
    assert document["values"]["model"] == {"value": "from-ci", "source": str(ci)}
    relative = shown(
        run_codex("--config-home", str(home), "--config-file", "replay.toml", "debug", "config",
                  "--json", cwd=ci.parent)
    )  # fmt: skip
    assert relative["config_file"] == str(ci)


def test_unknown_keys_do_not_break_and_are_not_printed_as_warnings(
    run_codex: RunCodex, tmp_path: Path
) -> None:
    (tmp_path / "config.toml").write_text("new_in_2030 = true\n[features]\nteleport = true\n")
    result = run_codex("--config-home", str(tmp_path), "debug", "config")
    assert result.returncode == 0
    assert result.stderr == ""
    assert "new_in_2030 = true" in result.stdout and "unknown key, ignored" in result.stdout
