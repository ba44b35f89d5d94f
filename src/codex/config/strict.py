"""`--strict-config`: a configuration naming a field this version does not know is an error, not
a debug note. Runs on the validated `Config` (cached or not): every table keeps its unknown keys;
`[features]` tables are checked in the raw layers, since resolution keeps only known features."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

from codex.config.features import canonical_feature
from codex.config.layers import Key, LayeredTree, dotted
from codex.config.schema import Table
from codex.errors import UsageError


def unknown_fields(table: Table, prefix: Key = ()) -> Iterator[Key]:
    """The dotted keys, at any depth, that no table of the schema defines."""
    for name in table.model_extra:
        yield (*prefix, name)
    for item in dataclasses.fields(table):
        if item.name.startswith("_") or item.name == "features":
            continue
        value: Any = getattr(table, item.name)
        if isinstance(value, Table):
            yield from unknown_fields(value, (*prefix, item.name))
        elif isinstance(value, dict):
            for key, child in value.items():
                if isinstance(child, Table):
                    yield from unknown_fields(child, (*prefix, item.name, str(key)))


def unknown_features(layers: LayeredTree) -> Iterator[Key]:
    """Keys of `[features]` and `[profiles.NAME.features]` that name no feature."""
    tables: list[tuple[Key, Any]] = [(("features",), layers.get(("features",)))]
    profiles = layers.get(("profiles",))
    if isinstance(profiles, dict):
        for name, profile in profiles.items():
            if isinstance(profile, dict):
                tables.append((("profiles", name, "features"), profile.get("features")))
    for prefix, table in tables:
        if isinstance(table, dict):
            for key in table:
                if canonical_feature(key) is None:
                    yield (*prefix, key)


def check_strict(config: Table, layers: LayeredTree, config_file: str) -> None:
    """Raise one `UsageError` line naming every unknown field and where it was written."""
    by_source: dict[str, list[str]] = {}
    keys = sorted({*unknown_fields(config), *unknown_features(layers)})
    for key in keys:
        origin = layers.origin_at(key)
        where = origin.source.where if origin is not None else config_file
        written = dotted(origin.key) if origin is not None else dotted(key)
        by_source.setdefault(where, []).append(f"`{written}`")
    if not by_source:
        return
    parts = []
    for where, names in by_source.items():
        noun = "field" if len(names) == 1 else "fields"
        parts.append(f"{where}: unknown configuration {noun} {', '.join(names)}")
    raise UsageError("; ".join(parts) + " (--strict-config)")
