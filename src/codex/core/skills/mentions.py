"""Which skills a turn's input names, and the messages that hand them to the model.

As 0.169 does it:

* a structured `skill` input (`codex.protocol.ops.InputSkill`) selects the skill whose SKILL.md
  is at its path (the name it carries does not matter, and a path that is no enabled skill
  selects nothing); its name is then no longer matched as a `$name` mention;
* in the text parts, `[$name](path)` selects the skill at that path, and `$name` selects the
  enabled skill of that name when exactly one has it (names are ASCII letters, digits, `_`,
  `-` and `:`; `$PATH`, `$HOME` and the like are never skills);
* each selected skill becomes one user message after the user's own, in skills order (linked
  paths first, then names), `<skill>`, `<name>N</name>`, `<path>P</path>`, the SKILL.md text
  and `</skill>` on lines of their own. A SKILL.md that cannot be read is skipped.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from codex.core.skills.model import Skill

_NAME = r"[A-Za-z0-9_:-]+"
_LINKED = re.compile(rf"\[\$({_NAME})\]\s*\(([^)]*)\)")
_PLAIN = re.compile(rf"\$({_NAME})")
_ENV_VARS = frozenset(
    {"PATH", "HOME", "USER", "SHELL", "PWD", "TMPDIR", "TEMP", "TMP", "LANG", "TERM"}
    | {"XDG_CONFIG_HOME"}
)
_SKILL_URI = "skill://"
_OTHER_URIS = ("app://", "mcp://", "plugin://")


def text_mentions(text: str) -> tuple[set[str], set[str]]:
    """(`$name` names, `[$name](path)` paths) mentioned in `text`."""
    names: set[str] = set()
    paths: set[str] = set()
    pos = 0
    while pos < len(text):
        linked = _LINKED.match(text, pos) if text[pos] == "[" else None
        if linked is not None:
            path = linked.group(2).strip()
            if path and linked.group(1).upper() not in _ENV_VARS:
                paths.add(path)
            pos = linked.end() if path else pos + 1
            continue
        plain = _PLAIN.match(text, pos) if text[pos] == "$" else None
        if plain is not None:
            if plain.group(1).upper() not in _ENV_VARS:
                names.add(plain.group(1))
            pos = plain.end()
            continue
        pos += 1
    return names, paths


def select(
    skill_inputs: Sequence[tuple[str, str]], texts: Iterable[str], skills: Sequence[Skill]
) -> list[Skill]:
    """The skills the input names, in injection order. `skill_inputs`: (name, path) of each
    structured skill input; `skills`: the session's skills (disabled ones are never picked)."""
    enabled = [s for s in skills if s.enabled]
    counts = Counter(s.name for s in enabled)
    selected: list[Skill] = []
    seen_paths: set[Path] = set()
    seen_names: set[str] = set()
    blocked: set[str] = set()

    def take(skill: Skill) -> None:
        seen_paths.add(skill.path)
        seen_names.add(skill.name)
        selected.append(skill)

    for name, raw in skill_inputs:
        blocked.add(name)
        path = Path(os.path.abspath(raw))
        match = next((s for s in enabled if s.path == path), None)
        if match is not None and path not in seen_paths:
            take(match)
    for text in texts:
        names, paths = text_mentions(text)
        wanted = {
            p[len(_SKILL_URI) :] if p.startswith(_SKILL_URI) else p
            for p in paths
            if not p.startswith(_OTHER_URIS)
        }
        for skill in enabled:
            if skill.path not in seen_paths and str(skill.path) in wanted:
                take(skill)
        for skill in enabled:
            if skill.path in seen_paths or skill.name in blocked or skill.name not in names:
                continue
            if counts[skill.name] == 1 and skill.name not in seen_names:
                take(skill)
    return selected


def injection_text(skill: Skill, contents: str) -> str:
    return f"<skill>\n<name>{skill.name}</name>\n<path>{skill.path}</path>\n{contents}\n</skill>"


def injections(selected: Sequence[Skill]) -> list[Any]:
    """One user message per selected skill whose SKILL.md can be read."""
    from codex.protocol.items import InputText, Message

    out = []
    for skill in selected:
        try:
            contents = skill.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        out.append(Message("user", [InputText(injection_text(skill, contents))]))
    return out
