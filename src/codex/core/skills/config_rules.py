"""`[[skills.config]]` in `$CODEX_HOME/config.toml`: which skills the user turned off.

Each entry selects skills by `path` (a SKILL.md) or by `name` (every skill of that name) and says
`enabled = true|false`; entries apply in file order, a later one overriding an earlier one for
the same skills. An entry with both selectors or neither is ignored, as in 0.169.

Writing them is codex.core.skills.config_write's job.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

Selector = tuple[str, str]  # ("path", canonical path) or ("name", name)


def config_file(codex_home: Path) -> Path:
    return codex_home / "config.toml"


def read_rules(codex_home: Path) -> list[tuple[Selector, bool]]:
    """The effective rules, in order, each selector once (its last entry wins its place)."""
    import tomllib

    try:
        data = tomllib.loads(config_file(codex_home).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return []
    skills = data.get("skills")
    entries = skills.get("config") if isinstance(skills, dict) else None
    if not isinstance(entries, list) or not all(_valid(e) for e in entries):
        return []  # 0.169 drops a `skills` table it cannot read, with a warning
    rules: list[tuple[Selector, bool]] = []
    for entry in entries:
        selector = _selector(entry, codex_home)
        if selector is None:
            continue
        rules = [r for r in rules if r[0] != selector]
        rules.append((selector, entry["enabled"]))
    return rules


def disabled_paths(rules: Iterable[tuple[Selector, bool]], skills: Iterable[Any]) -> set[str]:
    """The SKILL.md paths the rules leave disabled (skills: anything with `.name`, `.path`)."""
    skills = list(skills)
    off: set[str] = set()
    for (kind, value), enabled in rules:
        paths = [value] if kind == "path" else [str(s.path) for s in skills if s.name == value]
        for p in paths:
            (off.discard if enabled else off.add)(p)
    return off


def _valid(entry: Any) -> bool:
    return (
        isinstance(entry, dict)
        and isinstance(entry.get("enabled"), bool)
        and isinstance(entry.get("path", ""), str)
        and isinstance(entry.get("name", ""), str)
    )


def _selector(entry: dict[str, Any], codex_home: Path) -> Selector | None:
    path, name = entry.get("path"), entry.get("name")
    if (path is None) == (name is None):
        return None
    if path is not None:
        return ("path", canonical(codex_home / path))
    stripped = str(name).strip()
    return ("name", stripped) if stripped else None


def canonical(path: Path) -> str:
    try:
        return os.path.realpath(path, strict=True)
    except OSError:
        return os.path.abspath(path)
