"""The skills list in the first request, through the real `codex exec` against the mock, in
0.169's format (tests/fixtures/skills_followup_official.json `format_small`, `format_budget`):
the `### Skill roots` aliases of the roots that hold a listed skill, in scan order, the lines'
order (system, repo, user; each by name), and the budget (2% of the context window in tokens)
that cuts every long description to the same length, without an ellipsis."""

from __future__ import annotations

import json
import sys

import pytest
from tests.core.capture_skills_followup import FIXTURE, list_format

OFFICIAL = json.loads(FIXTURE.read_text())
OURS = [sys.executable, "-m", "codex"]


@pytest.mark.parametrize(("case", "count", "desc_len"), [("small", 3, 20), ("budget", 40, 600)])
def test_list_format_as_0169(case: str, count: int, desc_len: int) -> None:
    want = OFFICIAL[f"format_{case}"]
    # Stand-ins for 0.169's bundled skills, with its descriptions' lengths (ours bundles none).
    system = OFFICIAL["format_small"]["system_skills_kept_description_chars"]
    got = list_format(OURS, count, desc_len, system=system)
    assert got["headings"] == want["headings"]
    assert got["aliases"] == want["aliases"]
    # (the budget case keeps only its last two lines)
    assert got["skill_lines"][-len(want["skill_lines"]) :] == want["skill_lines"]
    if case == "small":
        assert got["skill_lines"] == want["skill_lines"]
    assert got["description_lengths"] == want["description_lengths"]
    assert [n for n, _ in got["system_skills_kept_description_chars"]] == [
        n for n, _ in want["system_skills_kept_description_chars"]
    ]
