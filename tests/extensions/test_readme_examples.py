"""The README's extension examples stay true: its TOML loads into the documented tools and
hook, and `examples/demo_extensions.py` runs end to end."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from codex.config import ConfigOverrides, load_config
from codex.tools.custom import load_custom_tools

ROOT = Path(__file__).resolve().parents[2]


def section_toml() -> str:
    text = (ROOT / "README.md").read_text()
    section = text.split("## Tool hooks and config-defined tools", 1)[1].split("\n## ", 1)[0]
    return "\n".join(re.findall(r"```toml\n(.*?)```", section, re.S))


def test_readme_toml_loads(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    home = tmp_path / "codex-home"
    home.mkdir()
    (home / "config.toml").write_text(section_toml().replace("/path/to/codex-py", str(ROOT)))
    config = load_config(ConfigOverrides(config_home=str(home)), cwd=tmp_path)
    assert config.tool_hook_command == [
        "python3",
        f"{tmp_path}/codex-py/examples/hooks/log_tool_calls.py",
    ]
    tools = load_custom_tools(config)
    assert list(tools) == ["custom__echo_demo"]
    tool = tools["custom__echo_demo"]
    assert tool.command[1] == str(ROOT / "examples/custom_tools/echo_tool.py")
    assert Path(tool.command[1]).is_file()
    assert tool.env == {"CUSTOM_TOOL_PREFIX": "dev-build: "}
    assert tool.parameters["required"] == ["text"]


def test_demo_script_runs():
    run = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "demo_extensions.py")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert '"stdout":"dev-build: hello from the agent\\n"' in run.stdout
    assert "before_execution custom__echo_demo call_1" in run.stdout
    assert "after_execution custom__echo_demo call_1" in run.stdout
