"""The small (de)serialization engine behind every protocol dataclass.

Each wire type is a slotted dataclass decorated with `@wire(...)`: the decorator records, once per
class, which fields go on the wire, in which order, which are left out when `None`, and how nested
values are parsed. `to_dict`/`from_dict` then run a tight loop over that table, so values go to and
from plain JSON-ready dicts (for orjson) without reflection per call.

Round trips are exact: keys we do not model are kept in `extra` (appended after the known ones, in
their original order) and fields missing from the input are remembered in `absent` so they are not
invented on the way out. Never does I/O.
"""

from __future__ import annotations

import base64
import dataclasses
from collections.abc import Callable, Iterable, Mapping
from enum import Enum
from pathlib import PurePath
from typing import Any, ClassVar, TypeVar

from codex._dataclass import dataclass
from codex.protocol._record import Record

__all__ = [
    "RawWire",
    "WireModel",
    "absent_field",
    "dump",
    "extra_field",
    "parse_list",
    "tagged_parser",
    "wire",
]

T = TypeVar("T", bound="WireModel")

_SCALARS = (str, int, float, bool)
_MISSING = dataclasses.MISSING


# Exact types `dump` hands back unchanged (subclasses such as StrEnum members are not in it).
_PLAIN = frozenset({str, int, float, bool, type(None)})


def dump(value: Any) -> Any:
    """Turn a protocol value (dataclass, list, dict, enum, path, bytes) into plain JSON data."""
    if value.__class__ in _PLAIN:  # the common case, one set lookup
        return value
    if isinstance(value, _SCALARS):
        # StrEnum members are str subclasses: hand them over as plain strings.
        if isinstance(value, Enum):
            return value.value
        return value
    to_dict = getattr(value, "to_dict", None) or getattr(value, "to_json_dict", None)
    if to_dict is not None:
        return to_dict()
    if isinstance(value, list | tuple):
        return [dump(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): dump(v) for k, v in value.items()}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, PurePath):
        return str(value)
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode("ascii")
    raise TypeError(f"cannot put {type(value).__name__} on the wire")


class WireModel(Record):
    """Base of every wire dataclass (`@record`); the tables are filled in by `@wire`."""

    __slots__ = ()

    TAG: ClassVar[str | None] = None
    _wire_fields: ClassVar[tuple[str, ...]] = ()
    _omit_none: ClassVar[frozenset[str]] = frozenset()
    _parsers: ClassVar[dict[str, Callable[[Any], Any]]] = {}
    _defaults: ClassVar[dict[str, Callable[[], Any]]] = {}
    _known: ClassVar[frozenset[str]] = frozenset()

    extra: dict[str, Any] | None
    absent: frozenset[str]

    def to_dict(self) -> dict[str, Any]:
        """The wire dict. Each class runs its own straight-line serializer (`_fast_to_dict`,
        compiled on first use); a class that overrides this and calls it gets the same."""
        cls = type(self)
        fast = cls.__dict__.get("_fast_to_dict")
        if fast is None:
            fast = _install_fast_to_dict(cls)
        return fast(self)

    def _generic_to_dict(self) -> dict[str, Any]:
        """The reference serializer, driven by the class's wire table (what `_fast_to_dict`
        compiles; also the path for an instance with `absent` fields)."""
        out: dict[str, Any] = {} if self.TAG is None else {"type": self.TAG}
        absent = self.absent
        omit = self._omit_none
        for name in self._wire_fields:
            if absent and name in absent:
                continue
            value = getattr(self, name)
            if value is None:
                if name in omit:
                    continue
                out[name] = None
            elif isinstance(value, str) and not isinstance(value, Enum):
                out[name] = value
            else:
                out[name] = dump(value)
        if self.extra:
            out.update(self.extra)
        return out

    @classmethod
    def from_dict(cls: type[T], data: Mapping[str, Any]) -> T:
        kwargs: dict[str, Any] = {}
        absent: list[str] = []
        parsers = cls._parsers
        for name in cls._wire_fields:
            if name in data:
                value = data[name]
                parser = parsers.get(name)
                kwargs[name] = parser(value) if parser is not None and value is not None else value
            else:
                absent.append(name)
                kwargs[name] = cls._defaults[name]()
        known = cls._known
        extra = {k: v for k, v in data.items() if k not in known}
        if extra:
            kwargs["extra"] = extra
        if absent:
            kwargs["absent"] = frozenset(absent)
        return cls(**kwargs)


def _install_fast_to_dict(cls: type[WireModel]) -> Callable[[WireModel], dict[str, Any]]:
    """Compile `cls`'s serializer: the wire-table loop of `_generic_to_dict` unrolled into one
    function per class (no per-field table lookups, and `str`/`int`/`bool`/`float`/None values
    stored without the `dump` call), which the events and items of every turn go through a
    dozen times. Compiled lazily, so a class's table edited after `@wire` (Message's order) is
    what it reads, and import pays nothing. An instance of a subclass goes back to the
    dispatcher (its class gets its own); one with `absent` fields takes the generic path.
    Field names are Python identifiers (dataclass fields), so they are safe in source."""
    lines = [
        "def to_dict(self):",
        "    if self.__class__ is not cls:",
        "        return dispatch(self)",
        "    if self.absent:",
        "        return generic(self)",
        "    out = {}" if cls.TAG is None else f"    out = {{'type': {cls.TAG!r}}}",
    ]
    omit = cls._omit_none
    for name in cls._wire_fields:
        key = repr(name)
        lines.append(f"    v = self.{name}")
        if name in omit:
            lines.append("    if v is not None:")
            lines.append(f"        out[{key}] = v if v.__class__ in plain else dump(v)")
        else:
            lines.append(f"    out[{key}] = v if v.__class__ in plain else dump(v)")
    lines += [
        "    extra = self.extra",
        "    if extra:",
        "        out.update(extra)",
        "    return out",
    ]
    namespace: dict[str, Any] = {
        "cls": cls,
        "generic": WireModel._generic_to_dict,
        "dispatch": WireModel.to_dict,
        "plain": _PLAIN,
        "dump": dump,
    }
    exec("\n".join(lines), namespace)  # the source built above
    fast: Callable[[WireModel], dict[str, Any]] = namespace["to_dict"]
    fast.__qualname__ = f"{cls.__qualname__}._fast_to_dict"
    cls._fast_to_dict = fast  # type: ignore[attr-defined]
    if "to_dict" not in cls.__dict__:
        # Called directly from now on (a subclass inheriting it is sent back to `dispatch`,
        # which compiles the subclass's own).
        cls.to_dict = fast  # type: ignore[method-assign,assignment]
    return fast


@dataclass(slots=True)
class RawWire:
    """A message of a type we do not model (a newer event, an unknown op), kept verbatim so it
    round-trips unchanged. `RawEvent` and `RawOp` subclass it to keep the two kinds apart."""

    data: dict[str, Any]

    @property
    def type(self) -> str | None:
        return self.data.get("type")

    def to_dict(self) -> dict[str, Any]:
        return self.data


def _default_factory(f: dataclasses.Field[Any]) -> Callable[[], Any]:
    if f.default is not _MISSING:
        value = f.default
        return lambda: value
    if f.default_factory is not _MISSING:
        return f.default_factory
    return lambda: None


def wire(
    tag: str | None = None,
    *,
    omit_none: Iterable[str] = (),
    parse: Mapping[str, Callable[[Any], Any]] | None = None,
    local: Iterable[str] = (),
    order: Iterable[str] | None = None,
) -> Callable[[type[T]], type[T]]:
    """Record the wire table of a dataclass.

    `tag` is the value of its `"type"` key (None: untagged). `omit_none` fields are left out when
    None (Rust's `skip_serializing_if = "Option::is_none"`); other None fields are written as null.
    `parse` maps a field to the function that builds it from JSON. `local` fields never go on the
    wire (in-process bookkeeping only). `order` gives the wire key order when it differs from the
    constructor's argument order (upstream writes optional ids before required fields).
    """
    local_set = frozenset(local) | {"extra", "absent"}

    def apply(cls: type[T]) -> type[T]:
        fields = [f for f in dataclasses.fields(cls) if f.name not in local_set]  # type: ignore[arg-type]
        names = tuple(f.name for f in fields)
        if order is not None:
            ordered = tuple(order)
            if sorted(ordered) != sorted(names):
                raise TypeError(f"{cls.__name__}: wire order {ordered} does not match {names}")
            names = ordered
        cls.TAG = tag
        cls._wire_fields = names
        cls._omit_none = frozenset(omit_none)
        cls._parsers = dict(parse or {})
        cls._defaults = {f.name: _default_factory(f) for f in fields}
        cls._known = frozenset(cls._wire_fields) | ({"type"} if tag is not None else frozenset())
        return cls

    return apply


def extra_field() -> Any:
    """Keys a wire dataclass does not model, kept for exact round trips (keyword-only)."""
    return dataclasses.field(default=None, kw_only=True, repr=False)


def absent_field() -> Any:
    """Fields that were missing from the parsed input, so serialization does not invent them."""
    return dataclasses.field(default=frozenset(), kw_only=True, repr=False, compare=False)


def parse_sandbox_policy(data: Any) -> Any:
    """A `SandboxPolicy` when the JSON is one it models exactly, else the JSON unchanged (so
    newer or unusual policies survive a round trip)."""
    from codex.protocol.sandbox_policy import SandboxPolicy

    try:
        policy = SandboxPolicy.from_json_dict(data)
    except (ValueError, TypeError):
        return data
    return policy if policy.to_json_dict() == data else data


def parse_list(parser: Callable[[Any], Any]) -> Callable[[Any], list[Any]]:
    """A parser for a JSON array whose elements each go through `parser`."""

    def parse_items(values: Any) -> list[Any]:
        return [parser(v) for v in values]

    return parse_items


def tagged_parser(
    table: Mapping[str, type[WireModel]], fallback: Callable[[Any], Any]
) -> Callable[[Any], Any]:
    """A parser dispatching on the `"type"` key; unknown tags go to `fallback`."""

    def parse_tagged(data: Any) -> Any:
        if isinstance(data, Mapping):
            cls = table.get(data.get("type"))  # type: ignore[arg-type]
            if cls is not None:
                return cls.from_dict(data)
        return fallback(data)

    return parse_tagged
