"""Identifiers: thread (session) ids, item ids and call ids, as strings the wire carries.

Thread ids are random UUIDs (version 4); item ids the client mints use the official CLI's prefixes
(`msg_`, `fco_`, `ctco_`) over a time-ordered UUID (version 7) so they sort by creation. No I/O.
"""

from __future__ import annotations

import uuid

from codex.protocol.uuid7 import uuid7 as _uuid7

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
    """A time-ordered UUID (RFC 9562 version 7), monotonic in this process (see .uuid7)."""
    return _uuid7()


def new_turn_id() -> str:
    """A turn id as 0.169 mints them: a UUIDv7, unique across resumes, sorting by start time."""
    return _uuid7()


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
