"""`set_skill_enabled`: `[[skills.config]]` entries written the way 0.169's
`skills/config/write` writes them. Disabling appends `{path|name, enabled = false}` (or updates
the entry with the same selector), enabling removes the entries with that selector; comments
and the rest of config.toml are kept (codex.config.edits, atomic and locked).

Imported only when something is written (codex.config.edits pulls in tomlkit).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from codex.config.edits import ConfigEdits
from codex.core.skills.config_rules import canonical, config_file
from codex.errors import CodexError

SELECTOR_ERROR = "skills/config/write requires exactly one of path or name"


def set_skill_enabled(
    codex_home: Path, *, enabled: bool, path: Path | None = None, name: str | None = None
) -> bool:
    """Turn one skill (by path) or every skill of a name on or off in config.toml; the effective
    state. CodexError with 0.169's message unless exactly one selector is given (a name or path
    that matches no skill is written all the same, as 0.169 does)."""
    if (path is None) == (name is None) or (name is not None and not name.strip()):
        raise CodexError(SELECTOR_ERROR)
    if path is not None and not Path(path).is_absolute():
        raise CodexError(f"skill path must be absolute: {path}")
    key = "path" if path is not None else "name"
    # 0.169 writes the path with symlinks resolved (the identity discovery gives the skill).
    value = canonical(Path(path)) if path is not None else str(name).strip()
    edits = _SkillEdits(config_file(codex_home))
    edits.toggle(key, value, enabled)
    edits.apply()
    from codex.core.skills.discover import forget

    forget()
    return enabled


class _SkillEdits(ConfigEdits):
    """ConfigEdits plus the one edit it has no verb for: an entry of an array of tables."""

    def toggle(self, key: str, value: str, enabled: bool) -> None:
        self._edits.append(lambda doc: _toggle(doc, key, value, enabled))

    def _edited(self, path: Path) -> str:
        # tomlkit leaves the blank lines of a rebuilt array behind; one blank line before each
        # entry, as 0.169 writes them.
        return re.sub(r"\n{3,}(?=\[\[skills\.config\]\])", "\n\n", super()._edited(path))


def _toggle(doc: Any, key: str, value: str, enabled: bool) -> None:
    """Disable: update the entry with this selector (dropping repeats) or append one. Enable:
    drop the entries with this selector. The array is rebuilt, so no blank lines are left
    where an entry was taken out."""
    import tomlkit

    skills = doc.get("skills")
    old = list(skills.get("config") or []) if skills is not None else []
    kept: list[dict[str, Any]] = []
    updated = False
    for entry in old:
        if _same_selector(entry, key, value):
            if enabled or updated:
                continue
            entry = {**entry.unwrap(), "enabled": False}
            updated = True
        else:
            entry = entry.unwrap()
        kept.append(entry)
    if not enabled and not updated:
        kept.append({key: value, "enabled": False})
    if skills is None:
        if not kept:
            return
        doc["skills"] = tomlkit.table(is_super_table=True)
        skills = doc["skills"]
    if "config" in skills:
        del skills["config"]
    if kept:
        entries = tomlkit.aot()
        for entry in kept:
            table = tomlkit.table()
            for k, v in entry.items():
                table[k] = v
            entries.append(table)
        skills["config"] = entries
    elif len(skills) == 0:
        del doc["skills"]


def _same_selector(entry: Any, key: str, value: str) -> bool:
    other = "name" if key == "path" else "path"
    if other in entry or key not in entry:
        return False
    current = str(entry[key])
    if key == "name":
        return current.strip() == value
    return current == value or canonical(Path(current)) == canonical(Path(value))
