"""ConfigEdits: comments and ordering survive, writes are atomic and go to the effective file."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from codex.config import ConfigEdits, ConfigOverrides, load_config
from codex.errors import UsageError
from codex.protocol.config_types import TrustLevel

ORIGINAL = """\
# My codex config. Keep this comment.
model = "o3"  # the model I like

# Providers below.
[model_providers.mock]
name = "Mock"          # aligned comment
base_url = "http://127.0.0.1:1/v1"

[tui]
# notifications are noisy
notifications = false
"""


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "userhome"))
    monkeypatch.delenv("CODEX_HOME", raising=False)
    monkeypatch.delenv("CODEX_CONFIG_FILE", raising=False)


def test_set_keeps_comments_and_order(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(ORIGINAL)
    ConfigEdits(path).set("model", "gpt-5.1-codex").set("tui.animations", False).apply()
    text = path.read_text()
    assert text == ORIGINAL.replace('"o3"', '"gpt-5.1-codex"').replace(
        "notifications = false\n", "notifications = false\nanimations = false\n"
    )


def test_new_top_level_key_goes_before_the_tables(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(ORIGINAL)
    ConfigEdits(path).set("approval_policy", "never").apply()
    text = path.read_text()
    assert text.index('approval_policy = "never"') < text.index("[model_providers.mock]")
    config = load_config(ConfigOverrides(config_file=str(path)), managed_config_files=())
    assert config.approval_policy.value == "never"
    assert config.tui.notifications is False


def test_project_trust_level(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(ORIGINAL)
    project = tmp_path / "work" / "repo.v2"
    ConfigEdits(path).set_project_trust_level(project, TrustLevel.TRUSTED).apply()
    assert f'[projects."{project}"]\ntrust_level = "trusted"\n' in path.read_text()
    assert path.read_text().startswith(ORIGINAL)
    ConfigEdits(path).set_project_trust_level(project, "untrusted").apply()
    config = load_config(
        ConfigOverrides(config_file=str(path)), cwd=project, managed_config_files=()
    )
    assert config.projects[str(project)].trust_level is TrustLevel.UNTRUSTED
    assert config.sandbox_mode.value == "workspace-write"


def test_add_and_remove_mcp_server(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(ORIGINAL)
    server = {"command": "npx", "args": ["-y", "docs-server"], "env": {"TOKEN_VAR": "X"}}
    ConfigEdits(path).set_mcp_server("docs", server).apply()
    text = path.read_text()
    assert '[mcp_servers.docs]\ncommand = "npx"\nargs = ["-y", "docs-server"]\n' in text
    config = load_config(ConfigOverrides(config_file=str(path)), managed_config_files=())
    assert config.mcp_servers["docs"].args == ["-y", "docs-server"]
    assert config.mcp_servers["docs"].env == {"TOKEN_VAR": "X"}
    ConfigEdits(path).remove_mcp_server("docs").apply()
    assert path.read_text() == ORIGINAL


def test_remove_absent_key_is_a_no_op(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(ORIGINAL)
    ConfigEdits(path).remove("nope.deeper").remove("mcp_servers.none").apply()
    assert path.read_text() == ORIGINAL


def test_write_is_atomic_keeps_mode_and_leaves_no_temp_files(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(ORIGINAL)
    path.chmod(0o600)
    inode_before = path.stat().st_ino
    ConfigEdits(path).set("model", "x").apply()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.stat().st_ino != inode_before  # replaced by rename, not rewritten in place
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.toml"]


def test_symlinked_config_stays_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "dotfiles" / "codex.toml"
    real.parent.mkdir()
    real.write_text(ORIGINAL)
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").symlink_to(real)
    ConfigEdits.for_overrides(ConfigOverrides(config_home=str(home))).set("model", "y").apply()
    assert (home / "config.toml").is_symlink()
    assert 'model = "y"' in real.read_text()


def test_creates_home_and_file_when_absent(tmp_path: Path) -> None:
    home = tmp_path / "new-home"
    ConfigEdits.for_overrides(ConfigOverrides(config_home=str(home))).set("model", "z").apply()
    assert (home / "config.toml").read_text() == 'model = "z"\n'
    assert stat.S_IMODE((home / "config.toml").stat().st_mode) == 0o666 & ~_umask()


def test_writes_go_to_the_config_file_override(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    other = tmp_path / "other.toml"
    other.write_text("")
    overrides = ConfigOverrides(config_home=str(home), config_file=str(other))
    config = load_config(overrides, managed_config_files=())
    ConfigEdits.for_config(config).set("model", "w").apply()
    assert other.read_text() == 'model = "w"\n'
    assert list(home.iterdir()) == []


def test_render_does_not_write(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(ORIGINAL)
    rendered = ConfigEdits(path).set("model", "r").render()
    assert 'model = "r"' in rendered
    assert path.read_text() == ORIGINAL


def test_syntax_error_refuses_to_edit(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('model = "x"\n[broken\n')
    with pytest.raises(UsageError, match=r"config.toml:2:\d+: TOML syntax error"):
        ConfigEdits(path).set("model", "y").apply()
    assert path.read_text() == 'model = "x"\n[broken\n'


def test_concurrent_processes_do_not_lose_edits(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(ORIGINAL)
    script = (
        "import sys; from pathlib import Path; from codex.config import ConfigEdits\n"
        "for i in range(20):\n"
        "    ConfigEdits(Path(sys.argv[1])).set(('notice', f'{sys.argv[2]}_{i}'), True).apply()\n"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", script, str(path), name]) for name in ("a", "b")
    ]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    config = load_config(ConfigOverrides(config_file=str(path)), managed_config_files=())
    assert len(config.notice) == 40
    assert path.read_text().startswith(ORIGINAL)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
