"""codex.protocol.uuid7: the UUIDv7 turn ids 0.169 mints (version 7, RFC 9562 variant, time
first), strictly increasing within a process even when many share a millisecond or the clock
steps back, and distinct between a parent and a forked child."""

from __future__ import annotations

import os
import uuid

from codex.protocol.ids import new_turn_id, uuid7
from codex.protocol.uuid7 import Uuid7Generator, uuid7_time_ms


class Clock:
    """A settable millisecond clock for a generator under test."""

    def __init__(self, ms: int) -> None:
        self.ms = ms

    def __call__(self) -> int:
        return self.ms


def test_shape_is_version_7_with_the_rfc_variant() -> None:
    for _ in range(1000):
        text = new_turn_id()
        value = uuid.UUID(text)
        assert value.version == 7 and value.variant == uuid.RFC_4122
        assert text == str(value) and len(text) == 36
        assert text[14] == "7" and text[19] in "89ab"


def test_timestamp_is_the_minting_millisecond() -> None:
    assert uuid7_time_ms(Uuid7Generator(Clock(1_795_553_287_254))()) == 1_795_553_287_254
    # The official ids carry their time the same way (a thread id from a 0.169 rollout).
    assert uuid7_time_ms("01a20f50-dc4c-7d73-8148-8a9882982f12") == 0x01A20F50DC4C


def test_ids_increase_within_a_millisecond_and_when_the_clock_steps_back() -> None:
    clock = Clock(2_000_000_000_000)
    mint = Uuid7Generator(clock)
    ids = [mint() for _ in range(5000)]  # one millisecond
    clock.ms -= 1000  # the clock steps back a second
    ids += [mint() for _ in range(100)]
    clock.ms += 1001
    ids += [mint() for _ in range(100)]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert [uuid.UUID(i).int for i in ids] == sorted(uuid.UUID(i).int for i in ids)
    assert {uuid7_time_ms(i) for i in ids} == {2_000_000_000_000, 2_000_000_000_001}


def test_the_process_sequence_increases() -> None:
    ids = [uuid7() for _ in range(2000)]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)


def test_later_milliseconds_sort_later() -> None:
    clock = Clock(3_000_000_000_000)
    mint = Uuid7Generator(clock)
    a = mint()
    clock.ms += 1
    b = mint()
    assert a < b and uuid7_time_ms(b) - uuid7_time_ms(a) == 1


def test_a_forked_child_mints_different_ids() -> None:
    uuid7()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its next ids, from the sequence it inherited
        os.close(read)
        os.write(write, "\n".join(uuid7() for _ in range(50)).encode())
        os._exit(0)
    os.close(write)
    parent = {uuid7() for _ in range(50)}
    with os.fdopen(read, "rb") as fh:
        child = set(fh.read().decode().split("\n"))
    os.waitpid(pid, 0)
    assert len(child) == 50 and not parent & child


def test_anything_but_a_v7_is_refused() -> None:
    try:
        uuid7_time_ms(str(uuid.uuid4()))
    except ValueError:
        return
    raise AssertionError("a version 4 uuid was read as a v7")


def test_the_text_form_is_what_uuid_formats() -> None:
    mint = Uuid7Generator(Clock(1_795_553_287_254))
    for _ in range(3000):  # across several blocks of buffered random bytes
        value = mint.next_int()
        text = mint()
        assert text == str(uuid.UUID(text)) and uuid.UUID(text).int > value
    assert len({mint() for _ in range(3000)}) == 3000
