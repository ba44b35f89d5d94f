"""Killing a command together with everything it started, and knowing when they are gone.

Every command codex runs (tools, hooks, custom tools) leads its own process group, so one signal
reaches daemonized grandchildren too. SIGKILL is delivered asynchronously, so "killed" and "gone"
are different moments; callers that promise no leftovers wait for the second.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time

GROUP_EXIT_GRACE_S = 2.0


def signal_group(pgid: int, sig: int = signal.SIGKILL) -> None:
    """Signal every process in group `pgid`; a group that is already gone is fine."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


def kill_group_if_running(process: asyncio.subprocess.Process) -> None:
    """SIGKILL the group `process` leads, unless the leader has already been reaped."""
    if process.returncode is None:
        signal_group(process.pid)


def live_group_members(pgid: int) -> list[int]:
    """Pids of processes in group `pgid` that can still run (zombies excluded).

    Orphaned grandchildren are reparented to PID 1, which in some containers never reaps them, so
    "the group is gone" means "nothing in it can run any more", read from /proc. Without /proc
    (macOS) a group that still answers signal 0 counts as one live member.
    """
    try:
        entries = os.listdir("/proc")
    except FileNotFoundError:
        try:
            os.killpg(pgid, 0)
        except (ProcessLookupError, PermissionError):
            return []
        return [pgid]
    members: list[int] = []
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        # Fields after the parenthesised comm: state ppid pgrp ...
        rest = stat[stat.rfind(b")") + 2 :].split()
        if len(rest) >= 3 and int(rest[2]) == pgid and rest[0] not in (b"Z", b"X"):
            members.append(int(entry))
    return members


async def kill_group_and_wait(pgid: int, grace: float = GROUP_EXIT_GRACE_S) -> bool:
    """SIGKILL group `pgid` and wait, at most `grace` seconds, until none of it runs any more.
    Returns whether the group is gone."""
    deadline = time.monotonic() + grace
    while True:
        signal_group(pgid)
        if not live_group_members(pgid):
            return True
        if time.monotonic() >= deadline:
            return False
        await asyncio.sleep(0.01)
