"""codex.client.slots.Slots: waits that share one timer still time out each at its own
deadline, in any order of deadlines, and a slot freed later goes to the oldest live waiter."""

from __future__ import annotations

import asyncio

import pytest

from codex.client.slots import Slots


def run(coro):  # type: ignore[no-untyped-def]
    return asyncio.run(coro)


def test_each_waiter_times_out_at_its_own_deadline_whatever_the_order() -> None:
    async def main() -> list[tuple[str, float]]:
        loop = asyncio.get_running_loop()
        slots = Slots(1)
        await slots.acquire(None)  # the only slot is taken
        start = loop.time()
        ended: list[tuple[str, float]] = []

        async def wait(name: str, timeout: float) -> None:
            try:
                await slots.acquire(timeout)
            except TimeoutError:
                ended.append((name, loop.time() - start))

        # The later deadline first, then an earlier one: the shared timer must move forward.
        await asyncio.gather(wait("slow", 0.30), wait("fast", 0.05), wait("mid", 0.15))
        return ended

    ended = run(main())
    assert [name for name, _ in ended] == ["fast", "mid", "slow"]
    for (_name, at), want in zip(ended, (0.05, 0.15, 0.30), strict=True):
        assert at >= want - 0.002  # not before its own deadline (a timer may run 1 ms early)


def test_a_freed_slot_skips_timed_out_waiters_and_goes_to_the_oldest_live_one() -> None:
    async def main() -> tuple[list[str], int]:
        slots = Slots(1)
        await slots.acquire(None)
        got: list[str] = []

        async def wait(name: str, timeout: float | None) -> None:
            try:
                await slots.acquire(timeout)
                got.append(name)
            except TimeoutError:
                got.append(f"{name}: timed out")

        tasks = [
            asyncio.ensure_future(wait("first", 0.02)),
            asyncio.ensure_future(wait("second", None)),
            asyncio.ensure_future(wait("third", 5.0)),
        ]
        await asyncio.sleep(0.1)  # "first" has timed out by now
        slots.release()  # to "second"
        await asyncio.sleep(0)
        slots.release()  # to "third", well before its deadline
        await asyncio.gather(*tasks)
        slots.release()
        return got, slots.busy

    got, busy = run(main())
    assert got == ["first: timed out", "second", "third"]
    assert busy == 0


def test_cancelled_waiter_passes_a_slot_it_was_just_handed() -> None:
    async def main() -> int:
        slots = Slots(1)
        await slots.acquire(None)
        task = asyncio.ensure_future(slots.acquire(1.0))
        await asyncio.sleep(0)
        slots.release()  # handed to the waiter ...
        task.cancel()  # ... which is cancelled before it runs
        with pytest.raises(asyncio.CancelledError):
            await task
        return slots.busy

    assert run(main()) == 0


def test_no_timer_is_left_behind_once_every_waiter_is_served() -> None:
    async def main() -> bool:
        loop = asyncio.get_running_loop()
        slots = Slots(1)
        await slots.acquire(None)
        task = asyncio.ensure_future(slots.acquire(0.05))
        await asyncio.sleep(0)
        slots.release()
        await task
        await asyncio.sleep(0.1)  # the timer fires, finds nobody waiting, and is not set again
        return slots._timer is None and not [h for h in loop._scheduled if not h.cancelled()]  # type: ignore[attr-defined]

    assert run(main())


def test_a_timer_from_an_ended_loop_does_not_hide_a_later_timeout() -> None:
    # The review's case: a queue emptied in one loop, that loop gone, then a timed wait in
    # another loop must still time out (its timer is set on the loop it waits in).
    slots = Slots(1)

    async def first_loop() -> None:
        await slots.acquire(None)
        task = asyncio.ensure_future(slots.acquire(30.0))
        await asyncio.sleep(0)
        slots.release()  # handed to the queued waiter
        await task
        slots.release()

    async def second_loop() -> bool:
        await slots.acquire(None)
        task = asyncio.ensure_future(slots.acquire(0.05))
        done, _ = await asyncio.wait({task}, timeout=5.0)  # a guard, not the check
        if not done:
            task.cancel()
            return False  # hung: no timer armed on this loop
        return isinstance(task.exception(), TimeoutError)

    run(first_loop())
    assert run(second_loop())
    assert slots.busy == 1 and not slots._waiters
