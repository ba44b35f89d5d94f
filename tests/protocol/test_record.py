"""`Record`'s shared eq/repr behave as the ones `@dataclass` would have generated."""

from __future__ import annotations

import dataclasses
import math

import pytest

from codex.protocol._record import Record, record
from codex.protocol.events import Duration, ExecCommandEnd
from codex.protocol.items import parse_item
from codex.thread_events.wire import AgentMessageItem


@record
class Point(Record):
    x: float
    y: float = 0.0
    note: str = dataclasses.field(default="", compare=False, repr=False)


@dataclasses.dataclass
class ReferencePoint:
    x: float
    y: float = 0.0
    note: str = dataclasses.field(default="", compare=False, repr=False)


@pytest.mark.parametrize(
    ("a", "b"),
    [((1, 2), (1, 2)), ((1, 2), (1, 3)), ((1, 2, "n"), (1, 2, "m")), ((math.nan, 0), (0, 0))],
)
def test_equality_and_repr_match_the_generated_ones(a: tuple, b: tuple) -> None:
    assert (Point(*a) == Point(*b)) == (ReferencePoint(*a) == ReferencePoint(*b))
    assert (Point(*a) != Point(*b)) == (ReferencePoint(*a) != ReferencePoint(*b))
    assert repr(Point(*a)).replace("Point", "ReferencePoint", 1) == repr(ReferencePoint(*a))


def test_same_nan_object_is_equal_as_in_a_tuple_compare() -> None:
    nan = math.nan
    assert Point(nan) == Point(nan)


def test_other_classes_are_never_equal_and_records_are_unhashable() -> None:
    assert Point(1) != ReferencePoint(1)
    assert Duration(1, 2) != Point(1, 2)
    with pytest.raises(TypeError):
        hash(Point(1))


def test_protocol_values_compare_by_value_and_ignore_absent() -> None:
    wire = {
        "type": "message",
        "role": "assistant",
        "content": [{"type": "output_text", "text": "hi"}],
    }
    assert parse_item(wire) == parse_item(dict(wire))
    assert parse_item(wire) != parse_item({**wire, "role": "user"})
    end = ExecCommandEnd.__dataclass_fields__
    assert "absent" in end and not end["absent"].compare
    item = AgentMessageItem(id="item_0", text="hi")
    assert item == AgentMessageItem(id="item_0", text="hi")
    assert repr(item) == "AgentMessageItem(id='item_0', type='agent_message', text='hi')"


def test_record_requires_the_record_base() -> None:
    with pytest.raises(TypeError, match="derive from Record"):

        @record
        class Plain:
            x: int
