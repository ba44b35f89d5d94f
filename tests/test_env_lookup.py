"""codex._env.getenv answers as os.environ.get does, including changes made after import."""

from __future__ import annotations

import os

import pytest

from codex._env import getenv


def test_unset_gives_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CODEX_TEST_ENV_PROBE", raising=False)
    assert getenv("CODEX_TEST_ENV_PROBE") is None
    assert getenv("CODEX_TEST_ENV_PROBE", "fallback") == "fallback"


def test_sees_values_set_and_removed_later(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CODEX_TEST_ENV_PROBE", "välue")
    assert getenv("CODEX_TEST_ENV_PROBE") == "välue" == os.environ.get("CODEX_TEST_ENV_PROBE")
    os.environ["CODEX_TEST_ENV_PROBE"] = ""
    assert getenv("CODEX_TEST_ENV_PROBE", "x") == ""  # set but empty is not unset
    monkeypatch.delenv("CODEX_TEST_ENV_PROBE")
    assert getenv("CODEX_TEST_ENV_PROBE") is None


def test_undecodable_bytes_round_trip_as_os_environ_has_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if not hasattr(os, "environb"):
        pytest.skip("no bytes environment on this platform")
    monkeypatch.setitem(os.environb, b"CODEX_TEST_ENV_PROBE", b"\xff-raw")
    assert getenv("CODEX_TEST_ENV_PROBE") == os.environ["CODEX_TEST_ENV_PROBE"]
