"""The config.toml of every run against the mock model server (tests and bench alike): a `mock`
Responses provider keyed by `MOCK_KEY` (rust-anchor §2), a file both CLIs read the same way."""

from __future__ import annotations

from pathlib import Path

MOCK_CONFIG = """model = "gpt-5.5"
model_provider = "mock"

[model_providers.mock]
name = "Mock Responses"
base_url = "{base_url}"
wire_api = "responses"
env_key = "MOCK_KEY"
{extra}"""


def write_mock_config(home: Path, base_url: str, extra: str = "") -> Path:
    """`home/config.toml` pointing at the mock at `base_url` (plus `extra` TOML); `home`."""
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(MOCK_CONFIG.format(base_url=base_url, extra=extra))
    return home
