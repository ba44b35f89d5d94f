"""Identifiers: thread (session) ids, item ids and call ids, as strings the wire carries.

Thread ids are random UUIDs (version 4); item ids the client mints use the official CLI's prefixes
(`msg_`, `fco_`, `ctco_`) over a time-ordered UUID (version 7) so they sort by creation. No I/O.
"""

from __future__ import annotations

import os
import time
import uuid

__all__ = [
    "is_uuid",
    "new_call_id",
    "new_custom_output_id",
    "new_function_output_id",
    "new_message_id",
    "new_submission_id",
    "new_thread_id",
    "new_turn_id",
    "uuid7",
]


def new_thread_id() -> str:
    """A fresh thread (conversation / session) id: a random UUID string."""
    return str(uuid.uuid4())


def uuid7() -> str:
    """A time-ordered UUID (RFC 9562 version 7): 48-bit Unix milliseconds, then random bits."""
    ms = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76  # version
    value |= ((rand >> 62) & 0xFFF) << 64  # rand_a (12 bits)
    value |= 0b10 << 62  # variant
    value |= rand & ((1 << 62) - 1)  # rand_b (62 bits)
    return str(uuid.UUID(int=value))


def new_turn_id() -> str:
    return uuid7()


def new_message_id() -> str:
    return f"msg_{uuid7()}"


def new_function_output_id() -> str:
    return f"fco_{uuid7()}"


def new_custom_output_id() -> str:
    return f"ctco_{uuid7()}"


def new_call_id() -> str:
    """A call id for calls the client itself originates (models supply their own)."""
    return f"call_{uuid.uuid4().hex[:24]}"


_submission_counter = 0


def new_submission_id() -> str:
    """Monotonic submission ids, as the official CLI numbers its submissions."""
    global _submission_counter
    _submission_counter += 1
    return str(_submission_counter)


def is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True
