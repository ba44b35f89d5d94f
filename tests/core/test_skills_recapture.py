"""The stored 0.169 facts (tests/fixtures/skills_official.json) still describe the installed
official binary: every scenario is captured again and must give the same answer. Skips when the
binary is not installed; the other skills tests read the stored facts either way."""

from __future__ import annotations

import json

import pytest
from tests.core.skills_official import FIXTURE, capture_all
from tests.support.official import INSTALL_HINT, official_binary


def test_stored_facts_match_the_official_binary() -> None:
    binary = official_binary()
    if binary is None:
        pytest.skip(f"official codex 0.169.0 not installed ({INSTALL_HINT})")
    stored = json.loads(FIXTURE.read_text())
    fresh = capture_all(binary)
    for key, value in fresh.items():
        assert value == stored[key], key
