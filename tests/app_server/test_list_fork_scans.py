"""`thread/list` walks the rollouts a fixed number of times however many forks it lists.

A fork is previewed by its lineage's first message, so each listed fork looks up the thread it
was forked from. That lookup was a walk over every rollout (ThreadIndex._files) per fork and
per ancestor: 6000 forks of one thread took seconds of CPU to list. Counted here without any
timing: the real listing code runs (codex.app_server.listing.list_threads over the real
codex.app_server.thread_index.ThreadIndex, as the full server and the early start-up listing
run it), with `_files` wrapped by a counter that delegates to it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.support.rollout_heads import write_head

from codex.app_server.listing import list_threads
from codex.app_server.thread_index import ThreadIndex

DAY = ("sessions", "2026", "03", "01")


def _rollout(home: Path, n: int, text: str | None, parent: str | None = None) -> str:
    """A thread recorded at second `n` of 2026-03-01 10:00 (newer with `n`); its id."""
    thread_id = str(uuid.uuid4())
    write_head(
        home.joinpath(*DAY), f"2026-03-01T10-{n // 60:02d}-{n % 60:02d}", thread_id, text, parent
    )
    return thread_id


def _home_with_forks(home: Path, forks: int) -> None:
    """One thread, `forks` forks of it, and a fork of the last fork (none with a message of
    its own: each is previewed by the root's first message)."""
    root = _rollout(home, 0, "root message")
    last = root
    for n in range(forks):
        last = _rollout(home, 1 + n, None, root)
    _rollout(home, 1 + forks, None, last)


def _walks_per_listing(
    home: Path, params: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> tuple[int, list[str]]:
    """How many times one listing walked the rollouts, and the previews it listed."""
    calls = 0
    real = ThreadIndex._files

    def counting(self: ThreadIndex, archived: bool) -> Iterator[tuple[str, str, str]]:
        nonlocal calls
        calls += 1
        return real(self, archived)

    index = ThreadIndex(str(home))
    monkeypatch.setattr(ThreadIndex, "_files", counting)
    try:
        result = list_threads(index, {}, lambda _id: None, dict(params))
    finally:
        monkeypatch.undo()
    return calls, [thread["preview"] for thread in result["data"]]


@pytest.mark.parametrize(
    "params",
    [
        {"searchTerm": "matches nothing"},
        {"limit": 100},
        {"sortKey": "updated_at", "limit": 3},
        {"sortDirection": "asc", "limit": 3},
    ],
    ids=["search", "created_at", "updated_at", "ascending"],
)
def test_listing_walks_the_rollouts_as_often_with_many_forks_as_with_few(
    tmp_path: Path, params: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    few, many = tmp_path / "few", tmp_path / "many"
    _home_with_forks(few, 2)
    _home_with_forks(many, 20)
    walks_few, previews_few = _walks_per_listing(few, params, monkeypatch)
    walks_many, previews_many = _walks_per_listing(many, params, monkeypatch)
    assert walks_many == walks_few
    if "searchTerm" not in params:  # the listing still previews every fork by its root
        assert set(previews_few) == set(previews_many) == {"root message"}
        assert len(previews_many) == min(params["limit"], 22)


def test_previews_of_lineages_gone_looping_and_nested_in_one_listing(tmp_path: Path) -> None:
    """What the per-listing lookups must keep: a fork of a gone thread shows its own message
    (or is not listed), a loop of forks is cut, and forks of forks reach the root, whatever
    order the listing meets them in."""
    home = tmp_path
    root = _rollout(home, 0, "root")
    child = _rollout(home, 1, None, root)
    _rollout(home, 2, None, child)  # fork of a fork: the root's message
    _rollout(home, 3, "orphan's own", str(uuid.uuid4()))  # its parent is gone
    _rollout(home, 4, None, str(uuid.uuid4()))  # gone parent, no message: not listed
    a, b = str(uuid.uuid4()), str(uuid.uuid4())  # forked from each other
    write_head(home.joinpath(*DAY), "2026-03-01T10-00-10", a, "a's own", b)
    write_head(home.joinpath(*DAY), "2026-03-01T10-00-11", b, "b's own", a)
    _rollout(home, 20, None, a)  # forked from inside the loop: no lineage, no message
    _rollout(home, 21, "c's own", a)  # the same with a message of its own
    result = list_threads(ThreadIndex(str(home)), {}, lambda _id: None, {"limit": 100})
    previews = [thread["preview"] for thread in result["data"]]
    # newest first: c (21), then b (00-11), a (00-10), 4 is gone, 3, 2, 1, 0
    assert previews == ["c's own", "b's own", "a's own", "orphan's own", "root", "root", "root"]
