"""Codex skills: SKILL.md folders the model can be pointed at, found on disk as 0.169 finds
them. Front ends use only what is exported here (see /tmp/skills-api.md for the contract)."""

from collections.abc import Sequence
from pathlib import Path

from codex.core.skills.discover import forget as clear_skills_cache
from codex.core.skills.discover import load_skills
from codex.core.skills.discover import skill_root_paths as skill_roots
from codex.core.skills.model import ScopeName, Skill, SkillError, SkillsOutcome
from codex.core.skills.wire import error_wire, skill_wire


def set_skill_enabled(
    codex_home: Path, *, enabled: bool, path: Path | None = None, name: str | None = None
) -> bool:
    """Turn one skill (by `path`) or every skill called `name` on or off in config.toml, as
    0.169's `skills/config/write` does; the effective state (codex.core.skills.config_write)."""
    from codex.core.skills.config_write import set_skill_enabled as write

    return write(codex_home, enabled=enabled, path=path, name=name)


def set_session_extra_roots(roots: Sequence[Path]) -> None:
    """Also scan `roots` (user scope) for every session of this process: their skills are
    listed to the model and injected on a mention, as 0.169's app-server does with the roots
    of `skills/extraRoots/set` (codex.core.skills.turn)."""
    from codex.core.skills.turn import set_session_extra_roots as set_roots

    set_roots(roots)


__all__ = [
    "ScopeName",
    "Skill",
    "SkillError",
    "SkillsOutcome",
    "clear_skills_cache",
    "error_wire",
    "load_skills",
    "set_session_extra_roots",
    "set_skill_enabled",
    "skill_roots",
    "skill_wire",
]
