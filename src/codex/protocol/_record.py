"""`record`: the slotted dataclass every protocol value is, with one shared `__eq__`/`__repr__`.

`@dataclass` compiles a fresh `__init__`, `__repr__` and `__eq__` with `exec()` for each class;
on the ~100 event, item, op and exec-event classes `codex exec` imports at start that costs
~0.27 ms a class, about 30 ms of every run. Only `__init__` must be per class; equality and repr
work the same from the field table, so `Record` implements them once (same results as the
generated ones: fields compared in order, `compare=False` and `repr=False` honoured).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar, dataclass_transform, overload

__all__ = ["Record", "record"]

T = TypeVar("T")

# Per class: (names compared by ==, names shown by repr), computed on first use.
_tables: dict[type, tuple[tuple[str, ...], tuple[str, ...]]] = {}


def _table(cls: type) -> tuple[tuple[str, ...], tuple[str, ...]]:
    table = _tables.get(cls)
    if table is None:
        fields = dataclasses.fields(cls)
        table = _tables[cls] = (
            tuple(f.name for f in fields if f.compare),
            tuple(f.name for f in fields if f.repr),
        )
    return table


class Record:
    """Base of `record` classes: value equality and a dataclass-style repr."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        for name in _table(self.__class__)[0]:
            mine, theirs = getattr(self, name), getattr(other, name)
            if mine is not theirs and mine != theirs:
                return False
        return True

    __hash__ = None  # type: ignore[assignment]  # mutable values, as @dataclass(eq=True) has it

    def __repr__(self) -> str:
        shown = ", ".join(f"{n}={getattr(self, n)!r}" for n in _table(self.__class__)[1])
        return f"{self.__class__.__qualname__}({shown})"


@overload
def record(cls: type[T], /) -> type[T]: ...
@overload
def record(*, kw_only: bool = False) -> Callable[[type[T]], type[T]]: ...


@dataclass_transform()
def record(cls: type[T] | None = None, /, *, kw_only: bool = False) -> Any:
    """`@dataclass(slots=True)` for a `Record` subclass, without per-class eq/repr codegen."""

    def make(klass: type[T]) -> type[T]:
        if not issubclass(klass, Record):
            raise TypeError(f"{klass.__name__}: @record classes derive from Record")
        # An undocumented class would get inspect.signature() rendered into its __doc__ by
        # @dataclass (~0.07 ms a class): hold the slot with a placeholder, then clear it.
        undocumented = klass.__dict__.get("__doc__") is None
        if undocumented:
            klass.__doc__ = "-"
        made = dataclasses.dataclass(klass, slots=True, repr=False, eq=False, kw_only=kw_only)
        if undocumented:
            made.__doc__ = None
        return made

    return make if cls is None else make(cls)
