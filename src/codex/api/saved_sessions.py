"""Recorded sessions by UUID: archive one, bring it back, find its files (or the newest one's
rollout), delete them. (To continue one, pass `Resume.thread(uuid)` to `open_session`.) From
codex.core.sessions."""

from __future__ import annotations

from codex.core.sessions import archive, delete, find_all, rollout_of, unarchive

__all__ = ["archive", "delete", "find_all", "rollout_of", "unarchive"]
