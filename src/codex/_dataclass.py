"""`dataclass`: the stdlib decorator with the same results, without an `exec()` per method.

On CPython 3.11 and 3.12 `@dataclass` writes the source of `__init__`, `__repr__`, `__eq__`,
`__hash__`, and for frozen classes `__setattr__` and `__delattr__`, and compiles each with
`exec()`: ~0.14 ms for a slotted class's `__init__` alone, ~0.5 ms for a frozen one with eq and
repr. The first thread of the in-process API creates ~160 dataclasses (protocol records, config
tables, core's values), and that compiling was a third of its first-use cost.

Here `_build` takes the stdlib's `_process_class` steps in the same order, with its own helpers
where they are cheap or rare (`Field`, `_get_field` for ClassVar/InitVar/KW_ONLY annotations,
`_add_slots`, the params), but:

- a plain annotation (a string whose leading name is none of ClassVar, InitVar, KW_ONLY) is
  looked at once, not by three regular-expression tests;
- `__init__` comes from a template per *shape* of class (codex._dataclass_init), its code
  renamed to the class's field names: the same signature, bytecode and errors;
- `__repr__`, `__eq__`, `__hash__`, `__setattr__` and `__delattr__` are closures over the
  field names, returning what the generated ones return (`__repr__` with the same recursion
  guard; frozen ones closed over the class before slots are added, as the stdlib's are).

Options it does not cover (order, unsafe_hash, weakref_slot, a class defining its own
`__eq__`, `__hash__`, `__setattr__` or `__delattr__`, a frozen class with dataclass bases, a
non-frozen one with a frozen base) and other Python versions (3.13 compiles one `exec()` per
class already) go to `dataclasses.dataclass` unchanged. tests/protocol/test_fast_dataclass.py
compares both on every shape.
"""

from __future__ import annotations

import abc
import dataclasses
import sys
from _thread import get_ident
from collections.abc import Callable
from dataclasses import MISSING, Field, FrozenInstanceError, field
from operator import attrgetter
from types import MemberDescriptorType
from typing import Any, ClassVar, TypeVar, _GenericAlias, dataclass_transform, overload  # type: ignore[attr-defined]

from codex._dataclass_init import HAS_DEFAULT_FACTORY, default_of, init_fn

__all__ = ["FAST", "dataclass"]

T = TypeVar("T")

_FIELD: Any = getattr(dataclasses, "_FIELD", None)
_FIELD_INITVAR: Any = getattr(dataclasses, "_FIELD_INITVAR", None)
_ADD_SLOTS: Any = getattr(dataclasses, "_add_slots", None)
_DataclassParams: Any = getattr(dataclasses, "_DataclassParams", None)
_MODULE_IDENTIFIER_RE: Any = getattr(dataclasses, "_MODULE_IDENTIFIER_RE", None)
_get_field: Any = getattr(dataclasses, "_get_field", None)
_is_kw_only: Any = getattr(dataclasses, "_is_kw_only", None)
_is_type: Any = getattr(dataclasses, "_is_type", None)

# The versions whose generated methods this module reproduces (checked by the tests).
FAST = (3, 11) <= sys.version_info[:2] <= (3, 12) and None not in (
    HAS_DEFAULT_FACTORY,
    _FIELD,
    _FIELD_INITVAR,
    _ADD_SLOTS,
    _DataclassParams,
    _MODULE_IDENTIFIER_RE,
    _get_field,
    _is_kw_only,
    _is_type,
)


@overload
def dataclass(
    cls: type[T],
    /,
    *,
    init: bool = True,
    repr: bool = True,
    eq: bool = True,
    order: bool = False,
    unsafe_hash: bool = False,
    frozen: bool = False,
    match_args: bool = True,
    kw_only: bool = False,
    slots: bool = False,
    weakref_slot: bool = False,
) -> type[T]: ...
@overload
def dataclass(
    cls: None = None,
    /,
    *,
    init: bool = True,
    repr: bool = True,
    eq: bool = True,
    order: bool = False,
    unsafe_hash: bool = False,
    frozen: bool = False,
    match_args: bool = True,
    kw_only: bool = False,
    slots: bool = False,
    weakref_slot: bool = False,
) -> Callable[[type[T]], type[T]]: ...


@dataclass_transform(field_specifiers=(dataclasses.field, dataclasses.Field))
def dataclass(
    cls: type[T] | None = None,
    /,
    *,
    init: bool = True,
    repr: bool = True,
    eq: bool = True,
    order: bool = False,
    unsafe_hash: bool = False,
    frozen: bool = False,
    match_args: bool = True,
    kw_only: bool = False,
    slots: bool = False,
    weakref_slot: bool = False,
) -> Any:
    """`dataclasses.dataclass`, same arguments, same class (see the module docstring)."""
    options = {
        "init": init,
        "repr": repr,
        "eq": eq,
        "order": order,
        "unsafe_hash": unsafe_hash,
        "frozen": frozen,
        "match_args": match_args,
        "kw_only": kw_only,
        "slots": slots,
        "weakref_slot": weakref_slot,
    }

    def wrap(klass: type[T]) -> type[T]:
        if not _covered(klass, options):
            return dataclasses.dataclass(klass, **options)
        return _build(klass, options)

    return wrap if cls is None else wrap(cls)


def _covered(klass: type, options: dict[str, bool]) -> bool:
    if not FAST or options["order"] or options["unsafe_hash"] or options["weakref_slot"]:
        return False
    own = klass.__dict__
    if "__eq__" in own or "__hash__" in own:
        return False
    frozen = options["frozen"]
    if frozen and ("__setattr__" in own or "__delattr__" in own):
        return False
    for base in klass.__mro__[1:]:
        # The stdlib checks frozen against the dataclass bases; leave any mix to it.
        params = getattr(base, "__dataclass_params__", None)
        if params is not None and (frozen or params.frozen):
            return False
    return True


def _build(klass: type[T], options: dict[str, bool]) -> type[T]:
    """The stdlib's `_process_class` for the covered options, step for step, with the methods
    made here instead of compiled."""
    cls: Any = klass
    init, frozen, slots = options["init"], options["frozen"], options["slots"]
    cls.__dataclass_params__ = _params(options)
    all_fields: dict[str, Any] = {}
    for base in cls.__mro__[-1:0:-1]:
        base_fields = getattr(base, "__dataclass_fields__", None)
        if base_fields is not None:
            for f in base_fields.values():
                all_fields[f.name] = f
    annotations = cls.__dict__.get("__annotations__", {})  # noqa: RUF063 - as the stdlib reads it
    own_fields = _own_fields(cls, annotations, options["kw_only"])
    for f in own_fields:
        all_fields[f.name] = f
        if isinstance(getattr(cls, f.name, None), Field):
            if f.default is MISSING:
                delattr(cls, f.name)
            else:
                setattr(cls, f.name, f.default)
    for name, value in cls.__dict__.items():
        if isinstance(value, Field) and name not in annotations:
            raise TypeError(f"{name!r} is a field but has no type annotation")
    cls.__dataclass_fields__ = all_fields
    init_fields = [f for f in all_fields.values() if f._field_type in (_FIELD, _FIELD_INITVAR)]
    fields = [f for f in all_fields.values() if f._field_type is _FIELD]
    own = cls.__dict__
    made_init = None
    if init:
        made_init = init_fn(cls, init_fields, frozen, slots)
        if "__init__" not in own:
            cls.__init__ = made_init
    if options["repr"] and "__repr__" not in own:
        cls.__repr__ = _repr_fn(cls, [f.name for f in fields if f.repr])
    if options["eq"]:
        cls.__eq__ = _eq_fn(cls, [f.name for f in fields if f.compare])
    if frozen:
        cls.__setattr__, cls.__delattr__ = _frozen_fns(cls, tuple(f.name for f in fields))
    if options["eq"]:
        if frozen:
            hashed = [f.name for f in fields if (f.compare if f.hash is None else f.hash)]
            cls.__hash__ = _hash_fn(cls, hashed)
        else:
            cls.__hash__ = None
    if not cls.__doc__:
        cls.__doc__ = cls.__name__ + _signature_text(cls, init_fields, made_init)
    if options["match_args"] and "__match_args__" not in own:
        match_args = tuple(f.name for f in init_fields if f.init and not f.kw_only)
        setattr(cls, "__match_args__", match_args)  # noqa: B010 - mypy refuses the attribute
    if slots:
        cls = _ADD_SLOTS(cls, frozen, False)
    abc.update_abstractmethods(cls)
    return cls


def _signature_text(cls: Any, init_fields: list[Any], made_init: Any) -> str:
    """`str(inspect.signature(cls))` without ` -> None`, the stdlib's text for an undocumented
    class. When the signature is our `__init__`'s (no `__new__` of the class's own, a plain
    metaclass) it is written from the fields, as inspect renders it (~0.08 ms less a class)."""
    import inspect

    own = cls.__dict__
    if (
        made_init is None
        or own.get("__init__") is not made_init
        or "__new__" in own
        or type(cls).__call__ is not type.__call__
    ):
        try:
            return str(inspect.signature(cls)).replace(" -> None", "")
        except (TypeError, ValueError):
            return ""
    std = [f for f in init_fields if f.init and not f.kw_only]
    kw = [f for f in init_fields if f.init and f.kw_only]
    parts = [_parameter_text(f, inspect.formatannotation) for f in std]
    if kw:
        parts += ["*", *(_parameter_text(f, inspect.formatannotation) for f in kw)]
    return f"({', '.join(parts)}) -> None".replace(" -> None", "")


def _parameter_text(f: Any, formatannotation: Any) -> str:
    text = f"{f.name}: {formatannotation(f.type)}"
    default = default_of(f)
    return text if default is MISSING else f"{text} = {default!r}"


def _params(options: dict[str, bool]) -> Any:
    values = [options[name] for name in ("init", "repr", "eq", "order", "unsafe_hash", "frozen")]
    if sys.version_info >= (3, 12):
        values += [options[name] for name in ("match_args", "kw_only", "slots", "weakref_slot")]
    return _DataclassParams(*values)


def _own_fields(cls: Any, annotations: dict[str, Any], kw_only: bool) -> list[Any]:
    """The stdlib's field collection: a plain annotation (the usual case, a string naming no
    ClassVar, InitVar or KW_ONLY) becomes its Field here, once; anything else takes the
    stdlib's own steps (`_get_field`, the KW_ONLY marker)."""
    module = sys.modules.get(cls.__module__)
    namespace = module.__dict__ if module is not None else None
    fields = []
    kw_only_seen = False
    for name, annotation in annotations.items():
        if namespace is not None and isinstance(annotation, str):
            match = _MODULE_IDENTIFIER_RE.match(annotation)
            plain = match is None or (
                not match.group(1) and not _special(namespace.get(match.group(2)))
            )
        else:
            plain = False
        if plain:
            default = getattr(cls, name, MISSING)
            if isinstance(default, Field):
                f: Any = default
            else:
                if isinstance(default, MemberDescriptorType):
                    default = MISSING  # a slot of a base: no default
                f = field(default=default)
            f.name = name
            f.type = annotation
            f._field_type = _FIELD
            if f.kw_only is MISSING:
                f.kw_only = kw_only
            if f.default.__class__.__hash__ is None:
                raise ValueError(
                    f"mutable default {type(f.default)} for field {f.name} is not allowed:"
                    " use default_factory"
                )
            fields.append(f)
        elif _is_kw_only(annotation, dataclasses) or (
            isinstance(annotation, str)
            and _is_type(annotation, cls, dataclasses, dataclasses.KW_ONLY, _is_kw_only)
        ):
            if kw_only_seen:
                raise TypeError(f"{name!r} is KW_ONLY, but KW_ONLY has already been specified")
            kw_only_seen = True
            kw_only = True
        else:
            fields.append(_get_field(cls, name, annotation, kw_only))
    return fields


def _special(value: Any) -> bool:
    """Whether a name an annotation starts with is ClassVar, InitVar or KW_ONLY (the stdlib's
    `_is_classvar`, `_is_initvar` and `_is_kw_only` tests)."""
    return (
        value is ClassVar
        or (type(value) is _GenericAlias and value.__origin__ is ClassVar)
        or value is dataclasses.InitVar
        or type(value) is dataclasses.InitVar
        or value is dataclasses.KW_ONLY
    )


def _qualify(cls: type, fn: Any) -> Any:
    """Named as the stdlib names its methods (compiled in the class's module)."""
    fn.__qualname__ = f"{cls.__qualname__}.{fn.__name__}"
    fn.__module__ = cls.__module__
    return fn


def _repr_fn(cls: type, names: list[str]) -> Any:
    running: set[tuple[int, int]] = set()
    pairs = [(f"{name}=", attrgetter(name)) for name in names]

    def __repr__(self: Any) -> str:
        key = id(self), get_ident()
        if key in running:
            return "..."
        running.add(key)
        try:
            shown = ", ".join([label + repr(get(self)) for label, get in pairs])
        finally:
            running.discard(key)
        return f"{self.__class__.__qualname__}({shown})"

    return _qualify(cls, __repr__)


def _as_tuple(names: list[str]) -> Any:
    """A getter of the fields as a tuple (attrgetter alone gives a scalar for one name)."""
    if not names:
        return lambda obj: ()
    if len(names) == 1:
        one = attrgetter(names[0])
        return lambda obj: (one(obj),)
    return attrgetter(*names)


def _eq_fn(cls: type, names: list[str]) -> Any:
    values = _as_tuple(names)

    def __eq__(self: Any, other: Any) -> Any:
        if other.__class__ is self.__class__:
            return values(self) == values(other)
        return NotImplemented

    return _qualify(cls, __eq__)


def _hash_fn(cls: type, names: list[str]) -> Any:
    values = _as_tuple(names)

    def __hash__(self: Any) -> int:
        return hash(values(self))

    return _qualify(cls, __hash__)


def _frozen_fns(cls: Any, names: tuple[str, ...]) -> tuple[Any, Any]:
    """The frozen `__setattr__`/`__delattr__`, closed over the class before slots are added, as
    the stdlib's are (so even their quirks match)."""

    def __setattr__(self: Any, name: str, value: Any) -> None:
        if type(self) is cls or name in names:
            raise FrozenInstanceError(f"cannot assign to field {name!r}")
        super(cls, self).__setattr__(name, value)

    def __delattr__(self: Any, name: str) -> None:
        if type(self) is cls or name in names:
            raise FrozenInstanceError(f"cannot delete field {name!r}")
        super(cls, self).__delattr__(name)

    return _qualify(cls, __setattr__), _qualify(cls, __delattr__)
