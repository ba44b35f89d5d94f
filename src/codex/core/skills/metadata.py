"""`agents/openai.yaml` beside a SKILL.md: how apps show the skill (`interface`), the tools it
needs (`dependencies`) and whether the model may pick it on its own (`policy`).

The file is optional and fails open, as in 0.169: a missing, unreadable or malformed file, or a
bad value in it, never keeps the skill from loading; the bad part is just left out. Results are
in the app-server's wire shape (camelCase), which is all anyone needs them for.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import yaml  # type: ignore[import-untyped]

from codex.core.skills.frontmatter import MAX_NAME_LEN, sanitize

METADATA_PATH = ("agents", "openai.yaml")
_MAX_TEXT_LEN = 1024
# Keys of one dependency tool that are optional, in 0.169's wire order.
_TOOL_OPTIONAL = ("description", "transport", "command", "url")
_TOOL_LIMITS = {"type": MAX_NAME_LEN, "transport": MAX_NAME_LEN}


@dataclass(frozen=True, slots=True)
class SkillMetadata:
    interface: dict[str, Any] | None = None
    dependencies: dict[str, Any] | None = None
    allow_implicit_invocation: bool = True


NONE = SkillMetadata()


def load_metadata(skill_dir: Path, watch_add: Any = None) -> SkillMetadata:
    """The metadata of the skill in `skill_dir` (NONE when its openai.yaml is absent or bad).
    `watch_add`: the cache's watch, told about the file before it is read."""
    path = skill_dir.joinpath(*METADATA_PATH)
    if watch_add is not None:
        watch_add(path)
    if not path.is_file():
        return NONE
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return NONE

    try:
        # BaseLoader: scalars stay the text written (`yes`, `0x1f` are strings, as serde reads
        # them); booleans and nulls are told apart below where a field wants them.
        doc = yaml.load(text, Loader=yaml.BaseLoader)
    except yaml.YAMLError:
        return NONE
    if not _well_formed(doc):
        return NONE  # 0.169 drops the whole file when any known field has the wrong shape
    doc = _nulls_out(doc)
    policy = doc.get("policy") or {}
    return SkillMetadata(
        _interface(doc.get("interface"), skill_dir),
        _dependencies(doc.get("dependencies")),
        _flag(policy.get("allow_implicit_invocation")) is not False,
    )


_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})
_NULL = frozenset({"", "~", "null", "Null", "NULL"})
_INTERFACE_FIELDS = (
    "display_name",
    "short_description",
    "icon_small",
    "icon_large",
    "brand_color",
    "default_prompt",
)


def _flag(raw: Any) -> bool | None:
    return True if raw in _TRUE else False if raw in _FALSE else None


def _is_null(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and raw in _NULL)


def _scalar_or_null(raw: Any) -> bool:
    return not isinstance(raw, dict | list)


def _well_formed(doc: Any) -> bool:
    """Whether serde would read `doc` into 0.169's metadata struct: a mapping (or nothing)
    whose known keys hold the kinds of value it declares."""
    if _is_null(doc):
        return True
    if not isinstance(doc, dict):
        return False
    interface = doc.get("interface")
    if not _is_null(interface):
        if not isinstance(interface, dict):
            return False
        if not all(_scalar_or_null(interface.get(k)) for k in _INTERFACE_FIELDS):
            return False
    deps = doc.get("dependencies")
    if not _is_null(deps):
        if not isinstance(deps, dict):
            return False
        tools = deps.get("tools")
        if not _is_null(tools):
            if not isinstance(tools, list) or not all(isinstance(t, dict) for t in tools):
                return False
            if not all(_scalar_or_null(v) for t in tools for v in t.values()):
                return False
    policy = doc.get("policy")
    if not _is_null(policy):
        if not isinstance(policy, dict):
            return False
        implicit = policy.get("allow_implicit_invocation")
        if not _is_null(implicit) and _flag(implicit) is None:
            return False
        products = policy.get("products")
        if not _is_null(products) and not isinstance(products, list):
            return False
    return True


def _nulls_out(node: Any) -> Any:
    """`node` with YAML nulls as None (BaseLoader keeps them as their text)."""
    if isinstance(node, dict):
        return {k: _nulls_out(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_nulls_out(v) for v in node]
    return None if _is_null(node) else node


def _interface(raw: Any, skill_dir: Path) -> dict[str, Any] | None:
    if not isinstance(raw, dict):
        return None
    wire = {
        "displayName": _text(raw.get("display_name"), MAX_NAME_LEN),
        "shortDescription": _text(raw.get("short_description"), _MAX_TEXT_LEN),
        "iconSmall": _icon(raw.get("icon_small"), skill_dir),
        "iconLarge": _icon(raw.get("icon_large"), skill_dir),
        # Remote (URL) icons only exist for skills served by a plugin marketplace.
        "iconSmallUrl": None,
        "iconLargeUrl": None,
        "brandColor": _color(raw.get("brand_color")),
        "defaultPrompt": _text(raw.get("default_prompt"), _MAX_TEXT_LEN),
    }
    return wire if any(v is not None for v in wire.values()) else None


def _dependencies(raw: Any) -> dict[str, Any] | None:
    if not isinstance(raw, dict) or not isinstance(raw.get("tools"), list):
        return None
    tools = [t for t in (_tool(item) for item in raw["tools"]) if t is not None]
    return {"tools": tools} if tools else None


def _tool(raw: Any) -> dict[str, Any] | None:
    if not isinstance(raw, dict):
        return None
    kind = _text(raw.get("type"), _TOOL_LIMITS["type"])
    value = _text(raw.get("value"), _MAX_TEXT_LEN)
    if kind is None or value is None:  # both required: the entry is dropped
        return None
    tool: dict[str, Any] = {"type": kind, "value": value}
    for key in _TOOL_OPTIONAL:
        text = _text(raw.get(key), _TOOL_LIMITS.get(key, _MAX_TEXT_LEN))
        if text is not None:
            tool[key] = text
    return tool


def _text(raw: Any, limit: int) -> str | None:
    """A one-line string within `limit` characters, else None (empty and too long are dropped)."""
    if raw is None or isinstance(raw, dict | list):
        return None
    text = sanitize(str(raw))
    return text if text and len(text) <= limit else None


def _color(raw: Any) -> str | None:
    """`#RRGGBB` exactly (hex digits in either case), else None."""
    if not isinstance(raw, str):
        return None
    value = raw.strip()
    if (
        len(value) == 7
        and value[0] == "#"
        and all(c in "0123456789abcdefABCDEF" for c in value[1:])
    ):
        return value
    return None


def _icon(raw: Any, skill_dir: Path) -> str | None:
    """An icon path relative to the skill's `assets/` folder, made absolute; anything else
    (absolute, `..`, outside assets/) is dropped."""
    if not isinstance(raw, str) or not raw:
        return None
    rel = PurePosixPath(raw)
    if rel.is_absolute():
        return None
    parts = [p for p in rel.parts if p != "."]
    if ".." in parts or not parts or parts[0] != "assets":
        return None
    return os.path.join(skill_dir, *parts)
