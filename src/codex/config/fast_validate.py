"""The common path of config validation without pydantic: a valid raw tree → the very `Config`
pydantic would build (codex.config.validate), or None, and pydantic judges.

Importing pydantic and building its validator of `Config` was half of a cold first thread start
(~90 ms). This walks the tables' field types once (resolved per class, cached) into small
validator functions and builds the tables with their own `__init__`. It mirrors pydantic's
strict mode exactly where it answers, and answers only where it is sure: exact TOML types (a
`str` subclass, a tuple, a bool where an int belongs are all left to pydantic), an int where a
float belongs only while the float holds it exactly (pydantic's strict float takes ints), one
union arm that fits. Anything else — an invalid value, an exception from a field's `Before`/
`After` function or a table's `_check`, a type it does not know — is a fall-back (`None`):
pydantic then validates, and reports the same one-line error as ever. So this must never accept
what pydantic refuses nor build a different value; tests/config/test_fast_validate.py checks it
against pydantic on generated trees.
"""

from __future__ import annotations

import dataclasses
import logging
import sys
import types
import typing
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from codex.config.schema import Table
from codex.config.types import After, Before

if typing.TYPE_CHECKING:
    from codex.config.model import Config

log = logging.getLogger(__name__)

Validator = Callable[[Any], Any]


class Fallback(Exception):
    """Not certainly valid: pydantic decides (raised by the validators, never escapes)."""


class Unsupported(Exception):
    """A field type, metadata or table setting this module does not mirror: always fall back."""


# The largest int a float holds exactly with all its neighbours: pydantic's strict float takes an
# int and converts it; beyond this the rounding (and overflow) is left to pydantic.
_EXACT_INT = 2**53
_PATH = type(Path())  # the concrete class `Path(...)` makes here (PosixPath, WindowsPath)
_TABLE_CONFIG = {"strict": True, "extra": "ignore"}
_NONE = type(None)


def fast_config(data: dict[str, Any]) -> Config | None:
    """`data` validated as a `Config` (unknown keys kept, as keep_unknown_keys does), or None
    when pydantic must judge it."""
    from codex.config.model import Config

    try:
        config: Config = _table(Config)(data)
    except Fallback:
        return None
    except Exception as err:  # a Before/After/_check refusal, or a type this does not mirror
        log.debug("config: fast validation falls back (%s: %s)", type(err).__name__, err)
        return None
    return config


def _fallback() -> typing.NoReturn:
    raise Fallback


# --- scalars: exact TOML types, as strict pydantic with no subclass doubt ---------------------


def _exact(kind: type[Any]) -> Validator:
    """A value of exactly `kind` (no subclass: a bool is no int here, as strict pydantic has
    it, and a str subclass is left to pydantic), handed back as it is."""

    def check(value: Any) -> Any:
        if type(value) is kind:
            return value
        _fallback()

    return check


def _float(value: Any) -> Any:
    kind = type(value)
    if kind is float:
        return value
    if kind is int and -_EXACT_INT <= value <= _EXACT_INT:
        return float(value)
    _fallback()


def _any(value: Any) -> Any:
    return value


_SCALARS: dict[Any, Validator] = {
    str: _exact(str),
    bool: _exact(bool),
    int: _exact(int),
    float: _float,
    Path: _exact(_PATH),  # strict `Path` is an instance check that hands the input back
    Any: _any,
}

# One validator per type object (the same `str | None` appears in many tables).
_COMPILED: dict[Any, Validator] = {}
_TABLES: dict[type[Any], Validator] = {}
_ANNOTATIONS: dict[tuple[int, str], Validator] = {}


def compile_type(tp: Any) -> Validator:
    """The validator of one resolved field type (raises `Unsupported`)."""
    found = _COMPILED.get(tp)
    if found is None:
        found = _COMPILED[tp] = _compile(tp)
    return found


def _compile(tp: Any) -> Validator:
    scalar = _SCALARS.get(tp) if isinstance(tp, type) or tp is Any else None
    if scalar is not None:
        return scalar
    origin = get_origin(tp)
    if origin is Annotated:
        return _annotated(tp.__origin__, tp.__metadata__)
    if origin is Union or origin is types.UnionType:
        return _union(get_args(tp))
    if origin is list:
        return _list(get_args(tp))
    if origin is dict:
        return _dict(get_args(tp))
    if origin is Literal:
        return _literal(get_args(tp))
    if isinstance(tp, type) and issubclass(tp, Table):
        return _table_ref(tp)
    if isinstance(tp, type) and issubclass(tp, Enum):
        return _enum(tp)
    raise Unsupported(f"field type {tp!r}")


def _annotated(base: Any, metadata: tuple[Any, ...]) -> Validator:
    # pydantic wraps the schema in each metadata item in turn, so the last item is outermost: a
    # Before runs before everything inside it, an After after it.
    validate = compile_type(base)
    for item in metadata:
        if type(item) is Before:
            validate = _before(item.fn, validate)
        elif type(item) is After:
            validate = _after(item.fn, validate)
        else:
            raise Unsupported(f"metadata {item!r}")
    return validate


def _before(fn: Validator, inner: Validator) -> Validator:
    def validate(value: Any) -> Any:
        return inner(fn(value))

    return validate


def _after(fn: Validator, inner: Validator) -> Validator:
    def validate(value: Any) -> Any:
        return fn(inner(value))

    return validate


def _union(arms: tuple[Any, ...]) -> Validator:
    # pydantic makes `X | None` a nullable X (None never reaches X's validators).
    nullable = _NONE in arms
    rest = [compile_type(arm) for arm in arms if arm is not _NONE]
    if not rest:
        raise Unsupported("a union of None alone")
    if len(rest) == 1:
        only = rest[0]
        if not nullable:
            return only

        def optional(value: Any) -> Any:
            return None if value is None else only(value)

        return optional

    def union(value: Any) -> Any:
        if value is None and nullable:
            return None
        # Smart mode picks among arms that all fit by exactness; answer only when one arm fits.
        found: list[Any] = []
        for arm in rest:
            try:
                found.append(arm(value))
            except Fallback:
                continue
        if len(found) != 1:
            _fallback()
        return found[0]

    return union


def _list(args: tuple[Any, ...]) -> Validator:
    if len(args) != 1:
        raise Unsupported(f"list{list(args)}")
    item = compile_type(args[0])

    def validate(value: Any) -> Any:
        if type(value) is not list:
            _fallback()
        return [item(part) for part in value]

    return validate


def _dict(args: tuple[Any, ...]) -> Validator:
    if len(args) != 2 or args[0] is not str:
        raise Unsupported(f"dict{list(args)}")
    item = compile_type(args[1])

    def validate(value: Any) -> Any:
        if type(value) is not dict:
            _fallback()
        out = {}
        for key, part in value.items():
            if type(key) is not str:
                _fallback()
            out[key] = item(part)
        return out

    return validate


def _literal(allowed: tuple[Any, ...]) -> Validator:
    if not all(type(choice) is str for choice in allowed):
        raise Unsupported(f"Literal{list(allowed)}")
    choices = frozenset(allowed)

    def validate(value: Any) -> Any:
        if type(value) is str and value in choices:
            return value
        _fallback()

    return validate


def _enum(kind: type[Enum]) -> Validator:
    # A strict enum field takes a member (the `choice` Before made it one from the spelling).
    def validate(value: Any) -> Any:
        if type(value) is kind:
            return value
        _fallback()

    return validate


def _field_validator(annotation: Any, module: dict[str, Any]) -> Validator:
    """The validator of a field's annotation: a string (the tables' modules use `from __future__
    import annotations`) is evaluated in its module's globals, as `typing.get_type_hints` does
    for these tables (a test holds the two equal), once per module and string: most fields
    share a handful of spellings (`bool`, `str | None`)."""
    if not isinstance(annotation, str):
        return compile_type(annotation)
    key = (id(module), annotation)
    found = _ANNOTATIONS.get(key)
    if found is None:
        found = _ANNOTATIONS[key] = compile_type(eval(annotation, module))
    return found


def _table_ref(kind: type[Any]) -> Validator:
    """A table's validator, compiled on first use (its field types resolve then)."""

    def validate(value: Any) -> Any:
        return _table(kind)(value)

    return validate


def _table(kind: type[Any]) -> Validator:
    found = _TABLES.get(kind)
    if found is None:
        found = _TABLES[kind] = _compile_table(kind)
    return found


def _compile_table(kind: type[Any]) -> Validator:
    """A dict → instance of the table `kind`, as pydantic's dataclass schema with Table's hook:
    a dict (not an instance) is the input, the `_check` runs first, the alias of a field wins
    over its name, unknown keys are ignored then kept in `_extra` (keep_unknown_keys). A field's
    type is resolved when a tree first sets it: most of `Config`'s sixty are seldom written."""
    if kind.__dict__.get("__get_pydantic_core_schema__", None) is not None and kind is not Table:
        raise Unsupported(f"{kind.__name__} has its own pydantic schema hook")
    if dict(getattr(kind, "__pydantic_config__", {})) != _TABLE_CONFIG:
        raise Unsupported(f"{kind.__name__}'s pydantic config")
    module = sys.modules[kind.__module__].__dict__
    aliases: dict[str, str] = dict(kind._aliases)
    annotations: dict[str, Any] = {}  # field name -> its annotation
    by_key: dict[str, str] = {}  # a key of the raw table -> the field it sets
    required: list[str] = []
    not_init: set[str] = set()
    for item in dataclasses.fields(kind):
        if not item.init:
            not_init.add(item.name)
            continue
        if item.name.startswith("_"):
            raise Unsupported(f"{kind.__name__}.{item.name}: an init field named with _")
        annotations[item.name] = item.type
        by_key[item.name] = item.name
        if item.name in aliases:
            by_key[aliases[item.name]] = item.name
        if item.default is dataclasses.MISSING and item.default_factory is dataclasses.MISSING:
            required.append(item.name)
    if set(aliases) - set(annotations) or set(aliases.values()) & (set(annotations) | not_init):
        raise Unsupported(f"{kind.__name__}'s aliases")
    # As keep_unknown_keys has it: the names of the fields not named with `_`, and the aliases.
    known = frozenset(
        item.name for item in dataclasses.fields(kind) if not item.name.startswith("_")
    ) | frozenset(aliases.values())
    check = kind.__dict__.get("_check") if kind is not Table else None
    check_fn: Validator | None = None if check is None else check.__func__
    compiled: dict[str, Validator] = {}

    def build(raw: Any) -> Any:
        if type(raw) is not dict:
            _fallback()
        data = raw if check_fn is None else check_fn(raw)
        if type(data) is not dict:
            _fallback()
        values: dict[str, Any] = {}
        for key, value in data.items():
            name = by_key.get(key)
            if name is None:
                if key in not_init:  # pydantic's handling of these is not mirrored
                    _fallback()
                continue
            alias = aliases.get(key)
            if alias is not None and alias in data:
                continue  # the alias is read first; the name's value is not even looked at
            validate = compiled.get(name)
            if validate is None:
                validate = compiled[name] = _field_validator(annotations[name], module)
            values[name] = validate(value)
        for name in required:
            if name not in values:
                _fallback()
        obj = kind(**values)
        object.__setattr__(obj, "_extra", {k: v for k, v in raw.items() if k not in known})
        return obj

    return build


def field_validators(kind: type[Any]) -> dict[str, Validator]:
    """Every init field's validator, compiled now (tests: no field type is unsupported)."""
    module = sys.modules[kind.__module__].__dict__
    return {
        item.name: _field_validator(item.type, module)
        for item in dataclasses.fields(kind)
        if item.init
    }


__all__ = ["Fallback", "Unsupported", "compile_type", "fast_config", "field_validators"]
