"""`codex debug config`: the effective configuration, one value per line, each with its source."""

from __future__ import annotations

import datetime as dt
import json
import math
import sys
from collections.abc import Iterator
from enum import Enum
from pathlib import PurePath
from typing import Any, TextIO

from codex.config.layers import Key, dotted
from codex.config.model import Config

# Where things live: shown in the header, not as config values.
_LOCATION_KEYS = ("codex_home", "config_file", "cwd", "profile")
# Tables of named entries: their unset optional keys are noise, so they are left out.
_NAMED_TABLES = ("profiles", "model_providers", "mcp_servers", "custom_tools", "projects")


def effective_values(config: Config) -> list[tuple[str, Any, str]]:
    """(dotted key, JSON-able value, source) for every leaf of the effective config."""
    dump = _json_value(config.as_dict())
    for location in _LOCATION_KEYS:
        dump.pop(location, None)
    rows = []
    for key, value in _leaves(dump, ()):
        if value is None and key[0] in _NAMED_TABLES:
            continue
        source = config.origin(key)
        if key[0] in config.model_extra:
            source += " (unknown key, ignored)"
        rows.append((dotted(key), value, source))
    return rows


def print_effective_config(
    config: Config, *, as_json: bool = False, out: TextIO | None = None
) -> int:
    stream = sys.stdout if out is None else out
    rows = effective_values(config)
    header = {
        "codex_home": str(config.codex_home),
        "config_file": str(config.config_file),
        "config_file_exists": config.config_file.is_file(),
        "cwd": str(config.cwd),
        "profile": config.profile,
    }
    if as_json:
        document = {
            **header,
            "values": {key: {"value": value, "source": source} for key, value, source in rows},
        }
        stream.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        return 0
    exists = "" if header["config_file_exists"] else "  (not present)"
    stream.write(f"# codex_home  = {header['codex_home']}\n")
    stream.write(f"# config_file = {header['config_file']}{exists}\n")
    stream.write(f"# cwd         = {header['cwd']}\n")
    stream.write(f"# profile     = {config.profile or '(none)'}\n")
    rendered = [(key, _toml(value)) for key, value, _ in rows]
    width = min(max((len(k) + len(v) for k, v in rendered), default=0) + 3, 72)
    for (key, text), (_, _, source) in zip(rendered, rows, strict=True):
        line = f"{key} = {text}"
        stream.write(f"{line.ljust(width)}  # {source}\n")
    return 0


def _json_value(value: Any) -> Any:
    """JSON-able: enums as their values, paths as strings, TOML dates and times in ISO 8601
    (`Z` for UTC), non-finite floats as null (as pydantic's JSON mode had them)."""
    if isinstance(value, dict):
        return {k: _json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    if isinstance(value, Enum):
        return _json_value(value.value)
    if isinstance(value, PurePath):
        return str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dt.datetime):
        text = value.isoformat()
        offset = value.utcoffset()
        return text[:-6] + "Z" if offset is not None and not offset else text
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return value


def _leaves(value: Any, key: Key) -> Iterator[tuple[Key, Any]]:
    if isinstance(value, dict) and value:
        for name, child in value.items():
            yield from _leaves(child, (*key, name))
    else:
        yield key, value


def _toml(value: Any) -> str:
    """A TOML-looking rendering (JSON is close enough for scalars, arrays and inline tables)."""
    if value is None:
        return "(unset)"
    if isinstance(value, dict):
        inner = ", ".join(f"{dotted((k,))} = {_toml(v)}" for k, v in value.items())
        return "{ " + inner + " }" if inner else "{}"
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)
