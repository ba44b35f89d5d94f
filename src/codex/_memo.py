"""`PerObject`: values derived once from an object that never changes, such as a loaded `Config`.

A thread start derives the same things from its `Config` every time (the sandbox policy, the
model provider, the tools offered, the auth settings). The Python API caches one `Config` per
(cwd, overrides) and the app-server one per config reload, so many threads in one process start
from the very same object; what depends on that object alone is computed once per object here.

Entries are keyed by the object's identity and hold a strong reference to it, so an id is never
reused while its entry lives: a new `Config` (a reload, an edited config.toml, `evolve`) is
another key, and its values are derived afresh. Anything that also depends on the outside world
(environment variables, files) must put that into `key`, or not be kept here. A bounded number of
objects is kept (the oldest dropped first); thread-safe in the sense that matters here: two
threads racing on one key may both compute it, and either answer is right.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")

MAX_OBJECTS = 32


class PerObject:
    """`get(obj, key, compute)`: `compute()` once per (`obj`, `key`) while `obj` is kept."""

    __slots__ = ("_entries", "_max")

    def __init__(self, max_objects: int = MAX_OBJECTS) -> None:
        self._entries: dict[int, tuple[object, dict[Hashable, Any]]] = {}
        self._max = max_objects

    def values_for(self, obj: object) -> dict[Hashable, Any]:
        """The mutable table of `obj`'s derived values (created empty on first use)."""
        entry = self._entries.get(id(obj))
        if entry is None or entry[0] is not obj:
            if len(self._entries) >= self._max:
                self._entries.pop(next(iter(self._entries)), None)
            entry = (obj, {})
            self._entries[id(obj)] = entry
        return entry[1]

    def get(self, obj: object, key: Hashable, compute: Callable[[], T]) -> T:
        """The kept value, or `compute()` kept. An object that is not a frozen dataclass (a
        stand-in a caller may change between two calls) is never kept: computed every time."""
        if not is_frozen(obj):
            return compute()
        values = self.values_for(obj)
        try:
            return values[key]
        except KeyError:
            value = values[key] = compute()
            return value

    def clear(self) -> None:
        self._entries.clear()


def is_frozen(obj: object) -> bool:
    """Whether `obj` is an instance of a frozen dataclass, or of a class that says it is frozen
    (`__frozen__`: a `Config` and its tables, codex.config.schema.table)."""
    kind = type(obj)
    if getattr(kind, "__frozen__", False) is True:
        return True
    params = getattr(kind, "__dataclass_params__", None)
    return bool(getattr(params, "frozen", False))


# The one table for everything derived from a `codex.config.Config` (each user names its keys).
per_config = PerObject()
