"""Recorded sessions by UUID: archive one, bring it back, find its files, delete them. (To
continue one, pass `Resume.thread(uuid)` to `open_session`.) From codex.core.sessions."""

from __future__ import annotations

from codex.core.sessions import archive, delete, find_all, unarchive

__all__ = ["archive", "delete", "find_all", "unarchive"]
