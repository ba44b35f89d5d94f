"""What core's session asks of skills: the developer-message part that lists them, once per
conversation, and the messages a turn's skill mentions add after the user's message.

Both load skills through the cached `load_skills`, so a conversation in a folder without skills
costs a few stats and changes nothing in the request."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from codex.core.skills.discover import load_skills
from codex.core.skills.mentions import injections, select
from codex.core.skills.render import skills_instructions


def session_skills_instructions(codex_home: Path, cwd: Path) -> str | None:
    """The `<skills_instructions>` text for a conversation in `cwd`; None without skills."""
    return skills_instructions(load_skills(codex_home, cwd))


def turn_skill_messages(codex_home: Path, cwd: Path, inputs: Sequence[Any]) -> list[Any]:
    """The `<skill>` user messages for the skills a turn's input names (usually none)."""
    from codex.protocol import ops

    picks = [(p.name, p.path) for p in inputs if isinstance(p, ops.InputSkill)]
    texts = [p.text for p in inputs if isinstance(p, ops.InputText)]
    if not picks and not any("$" in t for t in texts):
        return []  # nothing names a skill: no need to look at the disk
    outcome = load_skills(codex_home, cwd)
    return injections(select(picks, texts, outcome.skills))
