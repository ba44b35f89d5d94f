"""The one registry of event message types: `@event("tag", ...)` is `@wire` plus registration,
so an event is declared once, at its class, and `parse_event_msg` finds it by its `type`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from codex.protocol._wire import WireModel, wire

__all__ = ["EVENT_TYPES", "event"]

T = TypeVar("T", bound=WireModel)

# `type` on the wire -> the class (filled by @event as the event modules are imported).
EVENT_TYPES: dict[str, type[WireModel]] = {}


def event(tag: str, **options: Any) -> Callable[[type[T]], type[T]]:
    """`@wire(tag, **options)` that also registers the class as the event `tag`."""
    as_wire = wire(tag, **options)

    def register(cls: type[T]) -> type[T]:
        made = as_wire(cls)
        EVENT_TYPES[tag] = made
        return made

    return register
