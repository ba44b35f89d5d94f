"""Config validation: the effective raw tree → one frozen `Config`, or the one-line error a user
reads. A valid tree is built without pydantic (codex.config.fast_validate); pydantic, the
authority, judges whatever that path is not sure of and reports every error. The only config
module that imports pydantic, lazily: a valid config (or one from the validated-config cache)
never loads it."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from codex.config.layers import LayeredTree
from codex.config.model import Config
from codex.config.schema import Table

if TYPE_CHECKING:
    from pydantic import TypeAdapter

_ADAPTERS: dict[type[Any], TypeAdapter[Any]] = {}


def adapter(kind: type[Any]) -> TypeAdapter[Any]:
    """The (built once) pydantic validator of a table type."""
    found = _ADAPTERS.get(kind)
    if found is None:
        from pydantic import TypeAdapter

        found = _ADAPTERS[kind] = TypeAdapter(kind)
    return found


def validate_config(data: dict[str, Any], layers: LayeredTree, config_file: str) -> Config:
    """`data` (the effective tree plus codex_home, config_file, cwd, profile) as a `Config`.
    Raises `UsageError` naming the file (or -c option) and key of the first problem."""
    from codex.config.fast_validate import fast_config

    config = fast_config(data)
    if config is not None:
        return config
    return pydantic_config(data, layers, config_file)


def pydantic_config(data: dict[str, Any], layers: LayeredTree, config_file: str) -> Config:
    """`validate_config` by pydantic alone (the fall-back, and the reference the fast path is
    tested against)."""
    from pydantic import ValidationError

    from codex.config.errors import config_error

    try:
        config: Config = adapter(Config).validate_python(data)
    except ValidationError as err:
        raise config_error(err, layers, config_file) from None
    keep_unknown_keys(config, data)
    return config


def keep_unknown_keys(obj: Table, raw: Any) -> None:
    """Record in every table the keys of its raw TOML table that are not its fields."""
    if not isinstance(raw, dict):
        return
    fields = [item for item in dataclasses.fields(obj) if not item.name.startswith("_")]
    known = {item.name for item in fields} | set(type(obj)._aliases.values())
    object.__setattr__(obj, "_extra", {k: v for k, v in raw.items() if k not in known})
    for item in fields:
        value = getattr(obj, item.name)
        given = raw.get(item.name)
        if isinstance(value, Table):
            keep_unknown_keys(value, given)
        elif isinstance(value, dict) and isinstance(given, dict):
            for name, child in value.items():
                if isinstance(child, Table):
                    keep_unknown_keys(child, given.get(name))
