"""`--strict-config`: a configuration naming a field this version does not know is an error, not
a debug note. Runs on the validated `Config` (cached or not): every table keeps its unknown keys."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

from codex.config.layers import Key, LayeredTree, dotted
from codex.config.schema import Table
from codex.errors import UsageError


def unknown_fields(table: Table, prefix: Key = ()) -> Iterator[Key]:
    """The dotted keys, at any depth, that no table of the schema defines."""
    for name in table.model_extra:
        yield (*prefix, name)
    for item in dataclasses.fields(table):
        if item.name.startswith("_"):
            continue
        value: Any = getattr(table, item.name)
        if isinstance(value, Table):
            yield from unknown_fields(value, (*prefix, item.name))
        elif isinstance(value, dict):
            for key, child in value.items():
                if isinstance(child, Table):
                    yield from unknown_fields(child, (*prefix, item.name, str(key)))


def check_strict(config: Table, layers: LayeredTree, config_file: str) -> None:
    """Raise a one-line `UsageError` naming where the unknown fields were written."""
    by_source: dict[str, list[str]] = {}
    for key in unknown_fields(config):
        origin = layers.origin_at(key)
        where = origin.source.where if origin is not None else config_file
        written = dotted(origin.key) if origin is not None else dotted(key)
        by_source.setdefault(where, []).append(f"`{written}`")
    if not by_source:
        return
    where, names = next(iter(by_source.items()))
    noun = "field" if len(names) == 1 else "fields"
    raise UsageError(f"{where}: unknown configuration {noun} {', '.join(names)} (--strict-config)")
