"""Bad configuration is one line naming the file (or -c option), the key and what is allowed."""

from __future__ import annotations

from pathlib import Path

import pytest

from codex.config import ConfigOverrides, load_config
from codex.errors import UsageError


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("CODEX_HOME", raising=False)
    monkeypatch.delenv("CODEX_CONFIG_FILE", raising=False)


def error_for(home: Path, text: str, *overrides: str) -> str:
    (home / "config.toml").write_text(text)
    with pytest.raises(UsageError) as caught:
        load_config(
            ConfigOverrides(config_home=str(home), cli_overrides=overrides),
            managed_config_files=(),
        )
    message = str(caught.value)
    assert "\n" not in message
    assert caught.value.exit_code == 2
    return message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            'sandbox_mode = "bogus"\n',
            "config.toml: sandbox_mode: expected one of read-only, workspace-write, "
            'danger-full-access, got "bogus"',
        ),
        (
            'approval_policy = "sometimes"\n',
            "approval_policy: expected one of untrusted, on-failure, on-request, never, got",
        ),
        ("model = 5\n", "config.toml: model: expected a string, got 5"),
        ('hide_agent_reasoning = "yes"\n', "hide_agent_reasoning: expected a boolean"),
        (
            'project_doc_max_bytes = "big"\n',
            'project_doc_max_bytes: expected an integer, got "big"',
        ),
        ('notify = "say done"\n', 'notify: expected an array, got "say done"'),
        (
            '[model_providers.x]\nbase_url = "u"\n',
            "model_providers.x.name: required key is missing",
        ),
        (
            '[model_providers.x]\nname = "x"\nwire_api = "grpc"\n',
            'model_providers.x.wire_api: expected one of responses, chat, got "grpc"',
        ),
        (
            '[projects."/a.b"]\ntrust_level = "maybe"\n',
            'projects."/a.b".trust_level: expected one of trusted, untrusted, got "maybe"',
        ),
        (
            '[profiles.p]\nmodel_verbosity = "loud"\n',
            'profiles.p.model_verbosity: expected one of low, medium, high, got "loud"',
        ),
        ('[mcp_servers.s]\ncommand = "x"\nurl = "http://h"\n', "mcp_servers.s: mixes stdio keys"),
        (
            '[mcp_servers.s]\nurl = "http://h"\nbearer_token = "t"\n',
            "bearer_token is not supported",
        ),
        ('tool_hook_command = "hook.sh"\n', "tool_hook_command: expected an array of strings"),
        ('[custom_tools.t]\ndescription = "no command"\n', "custom_tools.t.command: required key"),
        ("[features]\nundo = 1\n", "features.undo: expected a boolean (true or false), got 1"),
        ("tui = 3\n", "tui: expected a table, got 3"),
        (
            '[tui]\nnotifications = "all"\n',
            "tui.notifications: expected a boolean (true or false) or an array",
        ),
    ],
)
def test_bad_value_is_one_line(tmp_path: Path, text: str, expected: str) -> None:
    message = error_for(tmp_path, text)
    assert expected in message
    assert message.startswith(str(tmp_path.resolve() / "config.toml") + ": ")


def test_error_names_the_c_override_that_caused_it(tmp_path: Path) -> None:
    message = error_for(tmp_path, "", "sandbox_mode=bogus")
    assert message.startswith("-c sandbox_mode=bogus: sandbox_mode: expected one of")


def test_active_profile_value_is_reported_once_at_its_real_key(tmp_path: Path) -> None:
    message = error_for(tmp_path, 'profile = "p"\n[profiles.p]\nsandbox_mode = "x"\n')
    assert "profiles.p.sandbox_mode: expected one of" in message
    assert "more problem" not in message


def test_several_problems_are_counted(tmp_path: Path) -> None:
    message = error_for(tmp_path, 'model = 1\nsandbox_mode = "x"\n')
    assert message.endswith("(and 1 more problem)")


def test_toml_syntax_error_has_line_and_column(tmp_path: Path) -> None:
    message = error_for(tmp_path, 'model = "ok"\n\nsandbox_mode = = 1\n')
    assert message.startswith(f"{tmp_path.resolve() / 'config.toml'}:3:")
    assert "TOML syntax error" in message


def test_missing_config_file_flag(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"--config-file: config file `.*nope.toml` does not"):
        load_config(ConfigOverrides(config_file=str(tmp_path / "nope.toml")))
    with pytest.raises(UsageError, match=r"--config-file: config file `nope.toml` was not found"):
        load_config(ConfigOverrides(config_file="nope.toml"))


def test_config_file_that_is_a_directory(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="it is a directory"):
        load_config(ConfigOverrides(config_file=str(tmp_path)))


def test_unreadable_config_file(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('model = "x"\n')
    path.chmod(0)
    if _readable(path):
        pytest.skip("this user reads files whatever their mode (root with CAP_DAC_OVERRIDE)")
    with pytest.raises(UsageError, match=r"cannot read config file .*: Permission denied"):
        load_config(ConfigOverrides(config_home=str(tmp_path)))


def _readable(path: Path) -> bool:
    try:
        with open(path, "rb"):
            return True
    except PermissionError:
        return False
