"""Fixtures for auth tests: a running mock issuer, a scratch CODEX_HOME, and `codex` subprocesses
whose environment points every auth endpoint at the mock and every keyring at a scratch file."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.auth.mock_issuer import MockIssuer

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def issuer(monkeypatch: pytest.MonkeyPatch) -> Iterator[MockIssuer]:
    mock = MockIssuer().start()
    # In-process refresh/revoke go to the mock too.
    monkeypatch.setenv("CODEX_REFRESH_TOKEN_URL_OVERRIDE", f"{mock.url}/oauth/token")
    monkeypatch.setenv("CODEX_REVOKE_TOKEN_URL_OVERRIDE", f"{mock.url}/oauth/revoke")
    monkeypatch.delenv("CODEX_API_KEY", raising=False)
    yield mock
    mock.stop()


@pytest.fixture
def codex_home(tmp_path: Path) -> Path:
    home = tmp_path / "codex-home"
    home.mkdir(mode=0o700)
    return home


@pytest.fixture
def cli_env(tmp_path: Path, issuer: MockIssuer) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CODEX_")}
    env.update(
        HOME=str(tmp_path / "home"),
        XDG_DATA_HOME=str(tmp_path / "xdg-data"),
        PYTHON_KEYRING_BACKEND="keyrings.alt.file.PlaintextKeyring",
        CODEX_REFRESH_TOKEN_URL_OVERRIDE=f"{issuer.url}/oauth/token",
        CODEX_REVOKE_TOKEN_URL_OVERRIDE=f"{issuer.url}/oauth/revoke",
        PYTHONUNBUFFERED="1",
    )
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    (tmp_path / "home").mkdir(exist_ok=True)
    return env


def codex_argv(codex_home: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "codex", "--config-home", str(codex_home), *args]


def run_codex(
    env: dict[str, str], codex_home: Path, *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        codex_argv(codex_home, *args),
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
    )
