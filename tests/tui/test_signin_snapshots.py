"""Snapshot tests (pytest-textual-snapshot) of the sign-in screen's pages: the first page (the
three ways to sign in) and the API-key page with a key typed (masked).

Update after an intended change: pytest tests/tui/test_signin_snapshots.py --snapshot-update
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

pytest.importorskip("pytest_textual_snapshot", reason="needs pytest-textual-snapshot")

from tests.tui.test_snapshots import SESSION, SIZE, ScreensApp


def _screen(tmp_path: Path) -> Any:
    from codex.tui.signin import SignInScreen

    return SignInScreen(SimpleNamespace(codex_home=tmp_path, forced_login_method=None))


def test_signin_first_page(snap_compare: Any, tmp_path: Path) -> None:
    assert snap_compare(ScreensApp([SESSION], _screen(tmp_path)), terminal_size=SIZE)


def test_signin_api_key_page(snap_compare: Any, tmp_path: Path) -> None:
    app = ScreensApp([SESSION], _screen(tmp_path))
    keys = ["3", "enter", *"sk-typed"]
    assert snap_compare(app, press=keys, terminal_size=SIZE)
    assert not (tmp_path / "auth.json").exists()  # typed, not saved
