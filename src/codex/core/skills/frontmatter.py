r"""SKILL.md frontmatter: the `---` block at the top, its YAML, and the checks 0.169 makes.

Error texts are the official CLI's (they reach users through `skills/list` errors and the TUI):
`missing YAML frontmatter delimited by ---`, `invalid YAML: ...`, `missing field \`description\``,
`invalid name: exceeds maximum length of 64 characters`, `failed to read file: ...`.

0.169 is lenient about one YAML mistake people make all the time, an unquoted value holding
YAML punctuation (`name: a: b`, `name: [draft`): when the block does not parse, it is parsed again
with every top-level one-line plain value quoted, and only a second failure is an error. A value
of the wrong kind that parses fine (a sequence where a string belongs) stays an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml  # type: ignore[import-untyped]

MAX_NAME_LEN = 64
# YAML's plain-scalar spellings of null: serde reads them as an absent value.
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
# A top-level `key: value` line whose value is a plain one-liner (not quoted, not a block).
_TOP_LEVEL = re.compile(r"^([A-Za-z0-9_][^:#]*?):[ ]+([^\s\"'|>&*!%@`#].*?)\s*$")


class FrontmatterError(Exception):
    """Why a SKILL.md is not a skill; `str()` is 0.169's message."""


@dataclass(frozen=True, slots=True)
class Frontmatter:
    name: str | None
    description: str | None
    short_description: str | None


def extract(contents: str) -> str | None:
    """The lines between a first line `---` and the next `---` line (both may carry spaces), or
    None when there is no such block or it is empty."""
    lines = contents.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    lines = [line[:-1] if line.endswith("\r") else line for line in lines]
    if not lines or lines[0].strip() != "---":
        return None
    block: list[str] = []
    for line in lines[1:]:
        if line.strip() == "---":
            return "\n".join(block) if block else None
        block.append(line)
    return None


def sanitize(raw: str) -> str:
    """Whitespace runs (newlines included) become one space; ends trimmed."""
    return " ".join(raw.split())


def parse(contents: str) -> Frontmatter:
    """The frontmatter fields of a SKILL.md's text; FrontmatterError when 0.169 rejects it."""
    block = extract(contents)
    if block is None:
        raise FrontmatterError("missing YAML frontmatter delimited by ---")

    try:
        root = _compose(block)
    except yaml.YAMLError as first:
        try:
            root = _compose(_quote_plain_values(block))
        except yaml.YAMLError:
            raise FrontmatterError(f"invalid YAML: {_yaml_message(first)}") from None
    return _fields(root, block)


def _compose(text: str) -> Any:

    # BaseLoader: every scalar stays the text it was written as (`123`, `true` are strings, as
    # serde reads them into a String field), and the node keeps its style and position.
    return yaml.compose(text, Loader=yaml.BaseLoader)


def _quote_plain_values(block: str) -> str:
    def quote(m: re.Match[str]) -> str:
        value = m.group(2).replace("\\", "\\\\").replace('"', '\\"')
        return f'{m.group(1)}: "{value}"'

    return "\n".join(_TOP_LEVEL.sub(quote, line) for line in block.split("\n"))


def _fields(root: Any, block: str) -> Frontmatter:

    if root is None:
        return Frontmatter(None, None, None)
    if not isinstance(root, yaml.MappingNode):
        raise FrontmatterError(
            f"invalid YAML: invalid type: {_kind(root)}, expected struct SkillFrontmatter"
        )
    seen: dict[str, Any] = {}
    for key, value in root.value:
        k = key.value if isinstance(key, yaml.ScalarNode) else None
        if k in ("name", "description", "metadata"):
            if k in seen:
                raise FrontmatterError(f"invalid YAML: duplicate field `{k}`")
            seen[k] = value
    short = None
    meta = seen.get("metadata")
    if meta is not None and not _is_null(meta):
        if not isinstance(meta, yaml.MappingNode):
            raise FrontmatterError(
                f"invalid YAML: metadata: invalid type: {_kind(meta)}, "
                f"expected struct SkillFrontmatterMetadata{_at(meta)}"
            )
        for key, value in meta.value:
            if isinstance(key, yaml.ScalarNode) and key.value == "short-description":
                short = _string(value, "metadata.short-description", block)
    return Frontmatter(
        _string(seen.get("name"), "name", block),
        _string(seen.get("description"), "description", block),
        short,
    )


def _string(node: Any, field: str, block: str) -> str | None:

    if node is None or _is_null(node):
        return None
    if isinstance(node, yaml.ScalarNode):
        return str(node.value)
    if isinstance(node, yaml.MappingNode):
        # 0.169 keeps a flow mapping written where a string belongs (`description: {a: b}`) as
        # the text it was written as.
        return block_slice(block, node)
    raise FrontmatterError(
        f"invalid YAML: {field}: invalid type: {_kind(node)}, expected a string{_at(node)}"
    )


def block_slice(block: str, node: Any) -> str:
    return block[node.start_mark.index : node.end_mark.index]


def _is_null(node: Any) -> bool:

    return isinstance(node, yaml.ScalarNode) and node.style is None and node.value in _NULLS


def _kind(node: Any) -> str:
    """serde's name for what a node holds (`sequence`, `map`, `integer \\`5\\``, ...)."""

    if isinstance(node, yaml.SequenceNode):
        return "sequence"
    if isinstance(node, yaml.MappingNode):
        return "map"
    text = str(node.value)
    if node.style is None:
        if re.fullmatch(r"[-+]?[0-9]+", text):
            return f"integer `{text}`"
        if text in ("true", "false"):
            return f"boolean `{text}`"
        if re.fullmatch(r"[-+]?([0-9]+\.[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?", text):
            return f"floating point `{text}`"
    return f'string "{text}"'


def _at(node: Any) -> str:
    mark = node.start_mark
    return f" at line {mark.line + 1} column {mark.column + 1}"


def _yaml_message(err: Exception) -> str:
    """libyaml's wording, as serde_yaml prints it: `<problem> at line L column C, <context> at
    line L column C` (PyYAML's scanner shares libyaml's problem and context texts)."""
    problem = getattr(err, "problem", None)
    if problem is None:
        return str(err).replace("\n", " ")
    text = problem + _mark(getattr(err, "problem_mark", None))
    context = getattr(err, "context", None)
    if context:
        text += f", {context}{_mark(getattr(err, 'context_mark', None))}"
    return text


def _mark(mark: Any) -> str:
    return "" if mark is None else f" at line {mark.line + 1} column {mark.column + 1}"
