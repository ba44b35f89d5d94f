"""The compiled per-class serializers (`WireModel._fast_to_dict`) produce exactly what the
table-driven reference (`_generic_to_dict`) does: same keys, same order, same values, for every
wire class of the protocol, over many generated field values (plain, None, enums, nested
values, lists, dicts, paths, bytes, unknown `extra` keys, `absent` fields)."""

from __future__ import annotations

import dataclasses
import random
from enum import IntEnum, StrEnum
from pathlib import PurePosixPath
from typing import Any

import pytest

import codex.protocol.events
import codex.protocol.items
import codex.protocol.ops
import codex.protocol.tool_events
import codex.protocol.usage  # noqa: F401 (registers the remaining wire classes)
from codex.protocol._wire import WireModel
from codex.protocol.events import TaskStarted, TurnStarted
from codex.protocol.items import InputText, Message, OutputText


def _wire_classes() -> list[type[WireModel]]:
    seen: list[type[WireModel]] = []
    todo = list(WireModel.__subclasses__())
    while todo:
        cls = todo.pop()
        if cls not in seen:
            seen.append(cls)
            todo.extend(cls.__subclasses__())
    return sorted(seen, key=lambda c: (c.__module__, c.__qualname__))


class _Color(StrEnum):
    RED = "red"


class _Level(IntEnum):
    HIGH = 3


def _value(rng: random.Random, depth: int = 0) -> Any:
    pool: list[Any] = [
        None,
        "",
        "text",
        "ünï\n",
        0,
        7,
        -1,
        True,
        False,
        1.5,
        _Color.RED,
        _Level.HIGH,
        PurePosixPath("/tmp/x"),
        b"\x00bytes",
        {"k": "v", "n": None},
    ]
    if depth < 2:
        pool += [
            [_value(rng, depth + 1) for _ in range(rng.randint(0, 3))],
            (_value(rng, depth + 1),),
            InputText(str(rng.random())),
            Message("user", [OutputText("hi"), InputText("x")]),
            {"nested": InputText("in dict")},
        ]
    return rng.choice(pool)


def _instances(cls: type[WireModel], rng: random.Random, count: int) -> list[WireModel]:
    made: list[WireModel] = []
    fields = [f for f in dataclasses.fields(cls) if f.name not in ("extra", "absent")]  # type: ignore[arg-type]
    for _ in range(count * 3):
        kwargs = {f.name: _value(rng) for f in fields}
        if rng.random() < 0.3:
            kwargs["extra"] = {"zz_unknown": _value(rng), "type_like": "x"}
        if rng.random() < 0.2 and cls._wire_fields:
            kwargs["absent"] = frozenset(rng.sample(cls._wire_fields, 1))
        try:
            made.append(cls(**kwargs))
        except (TypeError, ValueError):  # a class that checks its fields: not this draw
            continue
        if len(made) == count:
            break
    return made


@pytest.mark.parametrize("cls", _wire_classes(), ids=lambda c: c.__qualname__)
def test_compiled_serializer_equals_the_table_driven_one(cls: type[WireModel]) -> None:
    rng = random.Random(cls.__qualname__)
    objects = _instances(cls, rng, 60)
    if not objects:
        pytest.skip(f"{cls.__qualname__} takes no generated values")
    for obj in objects:
        try:
            expected = WireModel._generic_to_dict(obj)
        except TypeError:  # a value the wire refuses: the fast path must refuse it too
            with pytest.raises(TypeError):
                WireModel.to_dict(obj)
            continue
        got = WireModel.to_dict(obj)
        assert list(got.items()) == list(expected.items()), obj


def test_a_subclass_serializes_with_its_own_tag_after_its_parent() -> None:
    parent = TaskStarted(turn_id="t1", model_context_window=5)
    child = TurnStarted(turn_id="t2", model_context_window=6)
    assert parent.to_dict()["type"] == "task_started"
    assert child.to_dict()["type"] == "turn_started"
    assert parent.to_dict()["type"] == "task_started"
    assert child.to_dict() == WireModel._generic_to_dict(child)


def test_message_keeps_its_reordered_wire_table() -> None:
    msg = Message("assistant", [OutputText("ok")], id="m1")
    assert list(msg.to_dict()) == ["type", "id", "role", "content"]
