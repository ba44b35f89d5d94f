"""The skills data every front end sees: `Skill`, `SkillError`, `SkillsOutcome`.

Pure data, no I/O: discovery (`discover.py`) builds them, the app-server, the TUI and the model
prompt read them. Field meanings follow what the official CLI 0.169 reports for each skill.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from codex._dataclass import dataclass

ScopeName = Literal["user", "repo", "system", "admin"]


@dataclass(frozen=True, slots=True)
class Skill:
    """One loaded SKILL.md.

    `path` is the SKILL.md with symlinks resolved (two roots reaching the same file give one
    skill). `interface` and `dependencies` come from the optional `agents/openai.yaml` next to
    it, already in the app-server's camelCase wire shape, None when that file says nothing
    usable. `allow_implicit_invocation` is that file's `policy.allow_implicit_invocation`: a
    skill that forbids it stays listed and usable by mention but is left out of the skills list
    the model sees."""

    name: str
    description: str
    short_description: str | None
    path: Path
    scope: ScopeName
    enabled: bool
    interface: dict[str, Any] | None
    dependencies: dict[str, Any] | None
    allow_implicit_invocation: bool = True


@dataclass(frozen=True, slots=True)
class SkillError:
    """A SKILL.md that could not be loaded, with 0.169's message for why."""

    path: Path
    message: str


@dataclass(frozen=True, slots=True)
class SkillsOutcome:
    """Every skill found for one cwd, in 0.169's order (repo, user, system, admin; then by name,
    then by path), and the files that failed to load, in scan order."""

    skills: tuple[Skill, ...]
    errors: tuple[SkillError, ...]

    def enabled(self) -> tuple[Skill, ...]:
        return tuple(s for s in self.skills if s.enabled)
