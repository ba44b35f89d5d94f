"""Value equality, hashing and repr of dataclasses from their field table, written once.

`@dataclass` compiles `__eq__` and `__repr__` (and `__hash__` when frozen) with `exec()` for
every class, ~0.27 ms a class at import. Protocol records and config tables derive these from
the field table instead, with the generated methods' results: fields compared in order (an
identical object counts as equal, as in a tuple compare), `compare=False` and `repr=False`
honoured.
"""

from __future__ import annotations

import dataclasses
from typing import Any

__all__ = ["field_names", "fields_equal", "fields_hash", "fields_repr"]

# Per class: (names compared by ==, names shown by repr), computed on first use.
_tables: dict[type, tuple[tuple[str, ...], tuple[str, ...]]] = {}


def field_names(cls: type) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(fields compared by ==, fields shown by repr) of a dataclass."""
    table = _tables.get(cls)
    if table is None:
        fields = dataclasses.fields(cls)
        table = _tables[cls] = (
            tuple(f.name for f in fields if f.compare),
            tuple(f.name for f in fields if f.repr),
        )
    return table


def fields_equal(mine: Any, other: Any) -> bool:
    """`mine == other` as the generated `__eq__` has it (NotImplemented across classes: typed
    `bool` as typeshed types `__eq__`, whose NotImplemented is compatible with any return)."""
    if other.__class__ is not mine.__class__:
        return NotImplemented
    for name in field_names(mine.__class__)[0]:
        a, b = getattr(mine, name), getattr(other, name)
        if a is not b and a != b:
            return False
    return True


def fields_hash(obj: Any) -> int:
    return hash(tuple(getattr(obj, n) for n in field_names(obj.__class__)[0]))


def fields_repr(obj: Any) -> str:
    shown = ", ".join(f"{n}={getattr(obj, n)!r}" for n in field_names(obj.__class__)[1])
    return f"{obj.__class__.__qualname__}({shown})"
