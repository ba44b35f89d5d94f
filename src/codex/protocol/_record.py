"""`record`: the slotted dataclass every protocol value is, with one shared `__eq__`/`__repr__`.

`@dataclass` compiles a fresh `__init__`, `__repr__` and `__eq__` with `exec()` for each class;
on the ~100 event, item, op and exec-event classes `codex exec` imports at start that costs
~0.27 ms a class. Only `__init__` must be per class: `Record` takes equality and repr from the
field table (`codex._fieldwise`), with the generated methods' results, and the `__init__` comes
from codex._dataclass (a template per shape of class, not an `exec()` per class).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, dataclass_transform, overload

from codex._dataclass import dataclass
from codex._fieldwise import fields_equal, fields_repr

__all__ = ["Record", "record"]

T = TypeVar("T")


class Record:
    """Base of `record` classes: value equality and a dataclass-style repr."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        return fields_equal(self, other)

    __hash__ = None  # type: ignore[assignment]  # mutable values, as @dataclass(eq=True) has it

    def __repr__(self) -> str:
        return fields_repr(self)


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
        made = dataclass(klass, slots=True, repr=False, eq=False, kw_only=kw_only)
        if undocumented:
            made.__doc__ = None
        return made

    return make if cls is None else make(cls)
