"""Where rollout files live and how they are named (`rollout-<local time>-<uuid>.jsonl`)."""

from __future__ import annotations

import os
import re
import time
from datetime import UTC, datetime
from pathlib import Path

SESSIONS_SUBDIR = "sessions"
ARCHIVED_SESSIONS_SUBDIR = "archived_sessions"

# rollout-YYYY-MM-DDThh-mm-ss-<uuid>.jsonl; the uuid is the conversation id.
_NAME_RE = re.compile(
    r"^rollout-(\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2})-"
    r"([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\.jsonl$"
)


def sessions_dir(codex_home: Path) -> Path:
    return Path(codex_home) / SESSIONS_SUBDIR


def archived_dir(codex_home: Path) -> Path:
    return Path(codex_home) / ARCHIVED_SESSIONS_SUBDIR


def new_conversation_id() -> str:
    """A UUIDv7 (time-ordered, as upstream's ConversationId::new)."""
    ms = time.time_ns() // 1_000_000
    # os.urandom is what secrets.token_bytes returns (that module, and hmac behind it, stay
    # off a thread start's imports).
    rand = int.from_bytes(os.urandom(10), "big")
    value = (ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76  # version 7
    value |= ((rand >> 62) & 0xFFF) << 64  # rand_a (12 bits)
    value |= 0b10 << 62  # RFC 4122 variant
    value |= rand & ((1 << 62) - 1)  # rand_b
    # The canonical hyphenated lower-case form, formatted directly (what str(uuid.UUID(int=
    # value)) gives, without building the object).
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def rollout_path(codex_home: Path, conversation_id: str, when: datetime | None = None) -> Path:
    """The file a new session writes to; directory and name use the LOCAL clock, as upstream."""
    return Path(rollout_file(codex_home, conversation_id, when)[1])


def rollout_file(
    codex_home: str | os.PathLike[str], conversation_id: str, when: datetime | None = None
) -> tuple[str, str]:
    """(day directory, file) of `rollout_path` as plain strings: a thread start needs nothing
    else, and strings cost a fraction of the five `Path` joins."""
    local = (when or datetime.now(UTC)).astimezone()
    year, month, day = f"{local.year:04d}", f"{local.month:02d}", f"{local.day:02d}"
    folder = os.path.join(os.fspath(codex_home), SESSIONS_SUBDIR, year, month, day)
    stamp = f"{year}-{month}-{day}T{local.hour:02d}-{local.minute:02d}-{local.second:02d}"
    return folder, os.path.join(folder, f"rollout-{stamp}-{conversation_id}.jsonl")


def parse_rollout_name(name: str) -> tuple[str, str] | None:
    """(`YYYY-MM-DDThh-mm-ss`, uuid) from a rollout file name, or None if it is not one."""
    m = _NAME_RE.match(name)
    if m is None:
        return None
    return m.group(1), m.group(2).lower()


def ensure_dir(path: Path) -> None:
    os.makedirs(path, exist_ok=True)


# Day folders this process made or found (a thread start asks for the same one every time).
_known_dirs: set[str] = set()


def ensure_dir_once(path: str) -> bool:
    """`ensure_dir(path)` unless this process already did it for `path`; whether it ran. A
    caller whose open then fails with FileNotFoundError (the folder was removed since) calls
    `forget_dir` and tries again."""
    if path in _known_dirs:
        return False
    os.makedirs(path, exist_ok=True)
    if len(_known_dirs) >= 64:
        _known_dirs.clear()
    _known_dirs.add(path)
    return True


def forget_dir(path: str) -> None:
    _known_dirs.discard(path)
