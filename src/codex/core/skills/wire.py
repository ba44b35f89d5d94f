"""`skill_wire`: a Skill as the app-server's `SkillMetadata` JSON object, key for key as 0.169
sends it: optional `shortDescription`, `interface` and `dependencies` are left out when absent,
`pluginId` is always there (null: skills on disk belong to no plugin)."""

from __future__ import annotations

from typing import Any

from codex.core.skills.model import Skill


def skill_wire(skill: Skill) -> dict[str, Any]:
    wire: dict[str, Any] = {"name": skill.name, "description": skill.description}
    if skill.short_description is not None:
        wire["shortDescription"] = skill.short_description
    if skill.interface is not None:
        wire["interface"] = dict(skill.interface)
    if skill.dependencies is not None:
        wire["dependencies"] = {"tools": [dict(t) for t in skill.dependencies["tools"]]}
    wire["path"] = str(skill.path)
    wire["scope"] = skill.scope
    wire["enabled"] = skill.enabled
    wire["pluginId"] = None
    return wire


def error_wire(path: Any, message: str) -> dict[str, Any]:
    """A SkillError as the `errors[]` entry of `skills/list`."""
    return {"path": str(path), "message": message}
