"""build_env is computed once per policy and environment in a process (every session of the
Python API or the app-server builds the same one), but a change to os.environ or to the policy
between two sessions is seen, and each session gets its own dict."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from codex.core.shell_env import build_env


def _config(**policy: object) -> SimpleNamespace:
    base: dict[str, object] = {
        "inherit": "all",
        "ignore_default_excludes": False,
        "exclude": [],
        "set": {},
        "include_only": [],
    }
    base.update(policy)
    return SimpleNamespace(shell_environment_policy=SimpleNamespace(**base))


def test_environment_changes_are_seen(monkeypatch: pytest.MonkeyPatch) -> None:
    config = _config()
    monkeypatch.delenv("CODEX_TEST_CACHE_VAR", raising=False)
    first = build_env(config)
    assert "CODEX_TEST_CACHE_VAR" not in first
    first["MUTATED_BY_A_CALLER"] = "x"
    assert "MUTATED_BY_A_CALLER" not in build_env(config)  # a new dict each time

    monkeypatch.setenv("CODEX_TEST_CACHE_VAR", "1")
    assert build_env(config)["CODEX_TEST_CACHE_VAR"] == "1"
    monkeypatch.setenv("CODEX_TEST_CACHE_VAR", "2")
    assert build_env(config)["CODEX_TEST_CACHE_VAR"] == "2"
    monkeypatch.delenv("CODEX_TEST_CACHE_VAR")
    assert "CODEX_TEST_CACHE_VAR" not in build_env(config)


def test_policy_changes_are_seen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CODEX_TEST_CACHE_VAR", "1")
    assert build_env(_config())["CODEX_TEST_CACHE_VAR"] == "1"
    assert "CODEX_TEST_CACHE_VAR" not in build_env(_config(exclude=["CODEX_TEST_*"]))
    assert build_env(_config(set={"CODEX_TEST_CACHE_VAR": "set"}))["CODEX_TEST_CACHE_VAR"] == "set"
    assert set(build_env(_config(inherit="none"))) == {"PATH"}
    assert build_env(_config())["CODEX_TEST_CACHE_VAR"] == "1"
