"""load_config through the API: layers, precedence, profiles, trust defaults, paths."""

from __future__ import annotations

import logging
import shutil
import subprocess
from pathlib import Path

import pytest

from codex.config import Config, ConfigOverrides, load_config
from codex.errors import UsageError
from codex.protocol.config_types import AskForApproval, SandboxMode, WireApi


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    home = tmp_path / "userhome"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("CODEX_HOME", raising=False)
    monkeypatch.delenv("CODEX_CONFIG_FILE", raising=False)
    monkeypatch.chdir(tmp_path)
    return home


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "codex-home"
    path.mkdir()
    return path


def load(home: Path, text: str | None = None, *overrides: str, **kwargs: object) -> Config:
    if text is not None:
        (home / "config.toml").write_text(text)
    kwargs.setdefault("managed_config_files", ())
    profile = kwargs.pop("profile", None)
    return load_config(
        ConfigOverrides(config_home=str(home), cli_overrides=overrides, profile=profile),  # type: ignore[arg-type]
        **kwargs,  # type: ignore[arg-type]
    )


def test_defaults_without_any_file(home: Path) -> None:
    config = load(home)
    assert config.codex_home == home.resolve()
    assert config.config_file == home.resolve() / "config.toml"
    assert config.model == "gpt-5.1-codex"
    assert config.model_provider == "openai"
    assert config.approval_policy is AskForApproval.ON_REQUEST
    assert config.sandbox_mode is SandboxMode.READ_ONLY
    assert config.project_doc_max_bytes == 32768
    assert config.features.undo and not config.features.unified_exec
    assert config.origin("model") == "default"
    assert list(home.iterdir()) == []  # loading wrote nothing


def test_file_then_c_then_flags(home: Path) -> None:
    text = 'model = "file"\nmodel_provider = "p"\napproval_policy = "never"\n'
    config = load(home, text, "model=cli", flag_overrides={"approval_policy": "untrusted"})
    assert config.model == "cli"
    assert config.origin("model") == "-c model=cli"
    assert config.model_provider == "p"
    assert config.origin("model_provider") == str(home.resolve() / "config.toml")
    assert config.approval_policy is AskForApproval.UNTRUSTED
    assert config.origin("approval_policy") == "flag"


def test_later_c_wins_and_c_replaces_whole_tables(home: Path) -> None:
    text = "[sandbox_workspace_write]\nnetwork_access = true\nexclude_slash_tmp = true\n"
    config = load(
        home, text, "model=a", "model=b", "sandbox_workspace_write={exclude_tmpdir_env_var=true}"
    )
    assert config.model == "b"
    sww = config.sandbox_workspace_write
    assert (sww.network_access, sww.exclude_slash_tmp, sww.exclude_tmpdir_env_var) == (
        False,
        False,
        True,
    )


def test_c_dotted_key_into_a_file_table_merges(home: Path) -> None:
    text = "[sandbox_workspace_write]\nnetwork_access = true\n"
    config = load(home, text, "sandbox_workspace_write.exclude_slash_tmp=true")
    assert config.sandbox_workspace_write.network_access
    assert config.sandbox_workspace_write.exclude_slash_tmp


def test_c_defines_a_model_provider_inline(home: Path) -> None:
    config = load(
        home,
        None,
        'model_providers.mock={ name = "mock", base_url = "http://127.0.0.1:9/v1",'
        ' env_key = "PATH", wire_api = "chat" }',
        'model_provider="mock"',
    )
    provider = config.model_providers["mock"]
    assert provider.base_url == "http://127.0.0.1:9/v1"
    assert provider.wire_api is WireApi.CHAT
    assert config.model_provider == "mock"


def test_provider_wire_api_defaults_to_chat(home: Path) -> None:
    config = load(home, '[model_providers.x]\nname = "X"\n')
    assert config.model_providers["x"].wire_api is WireApi.CHAT
    assert config.model_providers["x"].requires_openai_auth is False


def test_profile_from_file_key_and_flag(home: Path) -> None:
    text = """
model = "top"
profile = "a"
model_reasoning_effort = "low"
[profiles.a]
model = "from-a"
[profiles.b]
model = "from-b"
model_reasoning_effort = "high"
"""
    assert load(home, text).model == "from-a"
    config = load(home, text, profile="b")
    assert (config.profile, config.model, config.model_reasoning_effort) == ("b", "from-b", "high")
    assert config.origin("model") == "profile b"


def test_profile_beats_c_on_top_level_key_and_flag_beats_profile(home: Path) -> None:
    text = 'profile = "p"\n[profiles.p]\nmodel = "prof"\n'
    assert load(home, text, "model=cli").model == "prof"  # upstream: profile > top-level (-c)
    assert load(home, text, "profiles.p.model=cli").model == "cli"
    assert load(home, text, flag_overrides={"model": "flag"}).model == "flag"


def test_missing_profile(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`-p NAME` naming nothing runs without a profile (0.169), with a warning; the legacy
    `profile = "NAME"` selector naming nothing stays an error."""
    config = load(home, 'model = "x"\n', profile="nope")
    assert (config.profile, config.model) == (None, "x")
    assert "warning: profile `nope` not found" in capsys.readouterr().err
    with pytest.raises(UsageError, match=r"^config profile `gone` not found$"):
        load(home, 'profile = "gone"\n')


def test_providers_and_mcp_servers_are_top_level_only(home: Path) -> None:
    text = """
profile = "p"
[profiles.p]
model_provider = "mine"
[profiles.p.model_providers.mine]
name = "ignored"
[profiles.p.mcp_servers.s]
command = "ignored"
[model_providers.mine]
name = "Mine"
"""
    config = load(home, text)
    assert config.model_provider == "mine"
    assert config.model_providers["mine"].name == "Mine"
    assert config.mcp_servers == {}


def test_tables_are_deep_merged_with_managed_config_on_top(home: Path, tmp_path: Path) -> None:
    managed = tmp_path / "managed_config.toml"
    managed.write_text('approval_policy = "never"\n[shell_environment_policy]\ninherit = "core"\n')
    text = '[shell_environment_policy]\nexclude = ["AWS_*"]\ninherit = "all"\n'
    config = load(home, text, "approval_policy=on-failure", managed_config_files=(managed,))
    assert config.approval_policy is AskForApproval.NEVER  # managed beats -c
    assert config.origin("approval_policy") == f"managed ({managed})"
    assert config.shell_environment_policy.inherit.value == "core"
    assert config.shell_environment_policy.exclude == ["AWS_*"]


def test_features_resolution_order(home: Path) -> None:
    text = """
experimental_use_unified_exec_tool = true
[tools]
web_search = true
[features]
unified_exec = false
undo = false
[profiles.p]
tools_view_image = false
[profiles.p.features]
parallel = true
web_search = false
"""
    config = load(home, text, profile="p", flag_overrides={"features.undo": True})
    features = config.features
    assert features.unified_exec is False  # [features] beats the legacy top-level boolean
    # [tools] web_search does not turn the feature on (0.169), and the profile says false.
    assert features.web_search_request is False
    assert features.view_image_tool is False
    assert features.parallel is True
    assert features.undo is True  # flag beats everything
    assert config.origin("features.parallel") == "profile p"
    assert config.origin("features.undo") == "flag"


def test_unknown_keys_are_kept_and_logged_at_debug(
    home: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG, logger="codex.config"):
        config = load(home, "from_the_future = 1\n[features]\nhoverboard = true\n[tui]\nx = 1\n")
    assert config.model_extra == {"from_the_future": 1}
    assert config.unknown_keys == ["from_the_future"]
    assert any("from_the_future" in r.getMessage() for r in caplog.records)
    assert any("hoverboard" in r.getMessage() for r in caplog.records)
    assert all(r.levelno == logging.DEBUG for r in caplog.records)


def test_trusted_project_defaults_to_workspace_write(home: Path, tmp_path: Path) -> None:
    project = tmp_path / "proj"
    project.mkdir()
    text = f'[projects."{project}"]\ntrust_level = "trusted"\n'
    config = load(home, text, cwd=project)
    assert config.sandbox_mode is SandboxMode.WORKSPACE_WRITE
    assert config.approval_policy is AskForApproval.ON_REQUEST
    assert config.origin("sandbox_mode").startswith("default (trusted project")
    # Anything explicit still wins over the trust default.
    assert load(home, 'sandbox_mode = "read-only"\n' + text, cwd=project).sandbox_mode is (
        SandboxMode.READ_ONLY
    )


def test_untrusted_project_asks_for_approval(home: Path, tmp_path: Path) -> None:
    text = f'[projects."{tmp_path}"]\ntrust_level = "untrusted"\n'
    config = load(home, text, cwd=tmp_path)
    assert config.sandbox_mode is SandboxMode.WORKSPACE_WRITE
    assert config.approval_policy is AskForApproval.UNTRUSTED


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_trust_is_looked_up_at_the_git_root_and_main_worktree(home: Path, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "sub" / "dir").mkdir(parents=True)
    git = ["git", "-c", "user.email=t@t", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q", str(repo)], check=True)
    subprocess.run([*git, "-C", str(repo), "commit", "-q", "--allow-empty", "-m", "x"], check=True)
    worktree = tmp_path / "wt"
    subprocess.run([*git, "-C", str(repo), "worktree", "add", "-q", str(worktree)], check=True)
    text = f'[projects."{repo}"]\ntrust_level = "trusted"\n'
    assert load(home, text, cwd=repo / "sub" / "dir").sandbox_mode is SandboxMode.WORKSPACE_WRITE
    assert load(home, text, cwd=worktree).sandbox_mode is SandboxMode.WORKSPACE_WRITE
    assert load(home, text, cwd=tmp_path).sandbox_mode is SandboxMode.READ_ONLY


def test_fork_keys(home: Path, isolated: Path) -> None:
    text = """
tool_hook_command = ["python3", "~/hooks/log.py"]
[custom_tools.echo]
command = ["python3", "echo.py"]
description = "Echo"
parameters = { type = "object", properties = { text = { type = "string" } } }
timeout_ms = 4000
[custom_tools.echo.env]
PREFIX = "dev: "
[custom_tools.bare]
command = ["true"]
"""
    config = load(home, text)
    assert config.tool_hook_command == ["python3", f"{isolated}/hooks/log.py"]
    echo = config.custom_tools["echo"]
    assert echo.command == ["python3", "echo.py"]
    assert echo.env == {"PREFIX": "dev: "}
    assert echo.timeout_ms == 4000
    assert echo.parameters_schema["properties"]["text"] == {"type": "string"}
    assert config.custom_tools["bare"].parameters_schema == {"type": "object", "properties": {}}


def test_mcp_servers(home: Path) -> None:
    text = """
[mcp_servers.local]
command = "npx"
args = ["-y", "server"]
startup_timeout_ms = 2500
[mcp_servers.remote]
url = "http://127.0.0.1:1/mcp"
bearer_token_env_var = "TOKEN"
enabled = false
"""
    config = load(home, text)
    local, remote = config.mcp_servers["local"], config.mcp_servers["remote"]
    assert (local.transport, local.startup_timeout, local.tool_timeout) == ("stdio", 2.5, 60.0)
    assert (remote.transport, remote.enabled) == ("streamable_http", False)


def test_compact_prompt_trimmed_and_instruction_file_relative_to_cwd(
    home: Path, tmp_path: Path
) -> None:
    config = load(
        home, 'compact_prompt = "  "\nexperimental_instructions_file = "i.md"\n', cwd=tmp_path
    )
    assert config.compact_prompt is None
    assert config.experimental_instructions_file == tmp_path / "i.md"


def test_codex_home_from_env_and_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                         isolated: Path) -> None:  # fmt: skip
    env_home = tmp_path / "envhome"
    env_home.mkdir()
    (env_home / "config.toml").write_text('model = "env"\n')
    monkeypatch.setenv("CODEX_HOME", str(env_home))
    config = load_config(ConfigOverrides(), managed_config_files=())
    assert (config.codex_home, config.model) == (env_home.resolve(), "env")
    monkeypatch.delenv("CODEX_HOME")
    config = load_config(ConfigOverrides(), managed_config_files=())
    assert config.codex_home == isolated.resolve() / ".codex"
    assert not (isolated / ".codex").exists()


def test_missing_codex_home_env_dir_is_an_error(monkeypatch: pytest.MonkeyPatch,
                                                tmp_path: Path) -> None:  # fmt: skip
    monkeypatch.setenv("CODEX_HOME", str(tmp_path / "nope"))
    with pytest.raises(UsageError, match=r"CODEX_HOME points to .*does not exist"):
        load_config(ConfigOverrides())


def test_config_home_flag_beats_env_and_may_not_exist(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("CODEX_HOME", str(tmp_path))
    config = load_config(ConfigOverrides(config_home="rel/home"), managed_config_files=())
    assert config.codex_home == tmp_path / "rel" / "home"
    assert not (tmp_path / "rel").exists()


def test_config_file_keeps_home_and_resolves_relative_names(
    monkeypatch: pytest.MonkeyPatch, home: Path, tmp_path: Path
) -> None:
    (home / "config.toml").write_text('model = "home"\n')
    (tmp_path / ".codex").mkdir()
    (tmp_path / ".codex" / "ci.toml").write_text('model = "ci"\n')
    config = load_config(
        ConfigOverrides(config_home=str(home), config_file="ci.toml"), managed_config_files=()
    )
    assert config.model == "ci"
    assert config.config_file == tmp_path / ".codex" / "ci.toml"
    assert config.codex_home == home.resolve()
    monkeypatch.setenv("CODEX_CONFIG_FILE", str(tmp_path / ".codex" / "ci.toml"))
    config = load_config(ConfigOverrides(config_home=str(home)), managed_config_files=())
    assert config.model == "ci"


def test_config_is_frozen(home: Path) -> None:
    config = load(home)
    with pytest.raises(Exception, match="frozen"):
        config.model = "x"  # type: ignore[misc]


def test_show_raw_agent_reasoning_config_beats_flag(home: Path) -> None:
    flags = {"show_raw_agent_reasoning": True}
    assert (
        load(
            home, "show_raw_agent_reasoning = false\n", flag_overrides=flags
        ).show_raw_agent_reasoning
        is False
    )
    assert load(home, "", flag_overrides=flags).show_raw_agent_reasoning is True


def test_flags_accept_enums_and_paths(home: Path, tmp_path: Path) -> None:
    config = load(
        home,
        None,
        flag_overrides={
            "sandbox_mode": SandboxMode.DANGER_FULL_ACCESS,
            "sandbox_workspace_write.writable_roots": [tmp_path],
        },
    )
    assert config.sandbox_mode is SandboxMode.DANGER_FULL_ACCESS
    assert config.sandbox_workspace_write.writable_roots == [tmp_path]
    assert config.origin("sandbox_mode") == "flag"


def test_location_env_for_children(home: Path) -> None:
    config = load(home)
    assert config.location_env() == {
        "CODEX_HOME": str(home.resolve()),
        "CODEX_CONFIG_FILE": str(home.resolve() / "config.toml"),
    }
