"""Codex skills: SKILL.md folders the model can be pointed at, found on disk as 0.169 finds
them. Front ends use only what is exported here (see /tmp/skills-api.md for the contract)."""

from codex.core.skills.config_rules import set_skill_enabled
from codex.core.skills.discover import forget as clear_skills_cache
from codex.core.skills.discover import load_skills
from codex.core.skills.discover import skill_root_paths as skill_roots
from codex.core.skills.model import ScopeName, Skill, SkillError, SkillsOutcome
from codex.core.skills.wire import error_wire, skill_wire

__all__ = [
    "ScopeName",
    "Skill",
    "SkillError",
    "SkillsOutcome",
    "clear_skills_cache",
    "error_wire",
    "load_skills",
    "set_skill_enabled",
    "skill_roots",
    "skill_wire",
]
