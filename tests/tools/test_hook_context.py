"""Where a capped hook context's full text is saved (codex.tools.hook_context): in the shared
temp dir, as 0.169 saves it, so the folder and file must be this user's alone and never reached
through a link another user planted. Real files in a temp dir standing in for the system's."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

import pytest

from codex.tools.hook_context import cap_context

LONG = "secret line\n" * 2000  # far over the 2,500-token default


@pytest.fixture
def shared_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


def _saved_path(text: str) -> Path | None:
    marker = "Full hook output saved to: "
    return Path(text.split(marker, 1)[1]) if marker in text else None


def test_the_full_output_is_private(shared_tmp: Path) -> None:
    out = cap_context(LONG, None, "sess-1")
    path = _saved_path(out)
    assert path is not None and path.read_text() == LONG
    assert path.parent == shared_tmp / "hook_outputs" / "sess-1"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_a_planted_link_is_not_followed(shared_tmp: Path) -> None:
    elsewhere = shared_tmp / "attacker"
    elsewhere.mkdir()
    (shared_tmp / "hook_outputs").mkdir()
    os.symlink(elsewhere, shared_tmp / "hook_outputs" / "sess-2")
    out = cap_context(LONG, None, "sess-2")
    assert _saved_path(out) is None  # the cut still applies, without the pointer
    assert out.startswith("Warning: truncated output")
    assert list(elsewhere.iterdir()) == []


def test_a_folder_others_can_write_is_refused(shared_tmp: Path) -> None:
    folder = shared_tmp / "hook_outputs" / "sess-3"
    folder.mkdir(parents=True)
    folder.chmod(0o777)
    out = cap_context(LONG, None, "sess-3")
    assert _saved_path(out) is None
    assert list(folder.iterdir()) == []


def test_a_session_id_cannot_leave_the_folder(shared_tmp: Path) -> None:
    path = _saved_path(cap_context(LONG, None, "../../escape"))
    assert path is not None and path.parent == shared_tmp / "hook_outputs" / "escape"
