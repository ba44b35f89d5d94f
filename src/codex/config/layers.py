"""Stacking config layers into one raw TOML tree while remembering where every value came from.

Every leaf (a non-table value, or an empty table) has an `Origin`: the layer it came from (for
`codex debug config`) and the key as written there (for errors: a profile's `model` is
`profiles.NAME.model` in the file).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import field
from typing import Any

from codex._dataclass import dataclass

Key = tuple[str, ...]

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


@dataclass(frozen=True, slots=True)
class Source:
    """A layer: `label` is what `debug config` shows, `where` what an error names."""

    label: str
    where: str


DEFAULT = Source("default", "built-in default")
FLAG = Source("flag", "command-line flag")


@dataclass(frozen=True, slots=True)
class Origin:
    source: Source
    key: Key
    """The leaf's key as written in its source."""


def dotted(key: Key) -> str:
    """A key path as TOML would spell it: bare segments, quoted where needed."""
    import json

    return ".".join(p if _BARE_KEY.match(p) else json.dumps(p, ensure_ascii=False) for p in key)


@dataclass(slots=True)
class LayeredTree:
    """A raw config tree plus the origin of each leaf."""

    tree: dict[str, Any] = field(default_factory=dict)
    origins: dict[Key, Origin] = field(default_factory=dict)

    def merge(self, overlay: Mapping[str, Any], source: Source, prefix: Key = ()) -> None:
        """Deep-merge `overlay` at `prefix`: tables merge, anything else replaces."""
        target = self._table_at(prefix)
        for name, value in overlay.items():
            key = (*prefix, name)
            if isinstance(value, Mapping) and isinstance(target.get(name), dict):
                self.merge(value, source, key)
            else:
                self.set(key, value, source)

    def set(self, key: Key, value: Any, source: Source, source_key: Key | None = None) -> None:
        """Replace whatever is at `key`, creating tables on the way (the `-c` semantics)."""
        parent = self._table_at(key[:-1])
        parent[key[-1]] = _plain(value)
        self._forget(key)
        written = key if source_key is None else source_key
        for leaf in _leaves(parent[key[-1]], key):
            self.origins[leaf] = Origin(source, (*written, *leaf[len(key) :]))

    def get(self, key: Key, default: Any = None) -> Any:
        node: Any = self.tree
        for part in key:
            if not isinstance(node, dict) or part not in node:
                return default
            node = node[part]
        return node

    def origin_at(self, key: Key) -> Origin | None:
        """The origin of the value at `key`, re-keyed to `key` itself.

        `key` may be a leaf, lie under a leaf (a table value set whole by `-c`), or be a table
        whose leaves were recorded (then the first leaf's source names it).
        """
        for length in range(len(key), 0, -1):
            found = self.origins.get(key[:length])
            if found is not None:
                return Origin(found.source, (*found.key, *key[length:]))
        for leaf, found in self.origins.items():
            if leaf[: len(key)] == key and len(leaf) > len(key):
                cut = len(found.key) - (len(leaf) - len(key))
                return Origin(found.source, found.key[: max(cut, 0)])
        return None

    def _table_at(self, key: Key) -> dict[str, Any]:
        node = self.tree
        for depth, part in enumerate(key):
            child = node.get(part)
            if not isinstance(child, dict):
                self._forget(key[: depth + 1])
                child = {}
                node[part] = child
            node = child
        if key:
            # A table recorded as an (empty) leaf stops being a leaf once it gets content.
            self.origins.pop(key, None)
        return node

    def _forget(self, key: Key) -> None:
        """Drop the origins at and under `key`, and of ancestors that were leaves."""
        for depth in range(1, len(key) + 1):
            self.origins.pop(key[:depth], None)
        for leaf in [leaf for leaf in self.origins if leaf[: len(key)] == key]:
            del self.origins[leaf]


def _plain(value: Any) -> Any:
    """A deep copy made of plain dicts and lists, so layers never share mutable nodes."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _leaves(value: Any, key: Key) -> Iterator[Key]:
    if isinstance(value, dict) and value:
        for name, child in value.items():
            yield from _leaves(child, (*key, name))
    else:
        yield key
