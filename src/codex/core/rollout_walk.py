"""The rollout-tree walk and head rule front ends share (the app-server's saved thread index,
the viewer's catalog), reached through core as the layering asks: `codex.rollout.day_dirs`
(newest-first `sessions/YYYY/MM/DD` walk, mtime-kept day listings) and
`codex.rollout.heads.user_text`. Imports nothing heavier than those two (`os`, `time`): the
app-server lists threads from here before the rest of the server has loaded.
"""

from __future__ import annotations

from codex.rollout.day_dirs import DayListings, archived_files, day_dirs_desc
from codex.rollout.heads import user_text

__all__ = ["DayListings", "archived_files", "day_dirs_desc", "user_text"]
