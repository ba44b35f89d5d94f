"""`codex batch --ray [ADDRESS]`: the same batch spread over a Ray cluster.

One `BatchWorker` actor per alive node (pinned by node affinity, no CPU reserved: the work is
network-bound waiting on the model) runs the ordinary in-process runner with its own `--jobs`
concurrency, its own HTTP pool and 429 gate. The driver hands out tasks in chunks of `--jobs`,
keeping two chunks in flight per worker so its pool never drains between chunks; each result
streams back (an actor generator) and is written to the driver's RESULTS file the moment it
arrives. A worker that dies loses only the tasks of its chunks that had not reported: they go
back to the front of the queue and run on another worker (at most `MAX_ATTEMPTS` times, so a
task that kills every worker it touches cannot take the whole cluster down).

Workers load the config themselves: `--config-home`/`--config-file` (made absolute here) when
given, else their own `$CODEX_HOME`; rollouts land there. `-C` and task `cwd`s are paths on
the worker's machine. Ray is imported only here (`pip install 'codex-py[ray]'`).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import signal
import sys
import time
from collections import deque
from typing import TYPE_CHECKING, Any

from codex.batch.runner import BatchRunner, Defaults, config_loader
from codex.errors import CodexError

if TYPE_CHECKING:
    from codex.batch.results import ResultSink
    from codex.batch.tasks import Task
    from codex.config import ConfigOverrides

# How often one task is handed out after the worker running it died.
MAX_ATTEMPTS = 3
# Chunks a worker holds at once (one running, one queued behind it).
CHUNKS_IN_FLIGHT = 2


class BatchWorker:
    """The Ray actor (async: chunks, stop requests and results share its event loop)."""

    def __init__(
        self, defaults: Defaults, overrides: ConfigOverrides, jobs: int, timeout: float | None
    ) -> None:
        self._runner = BatchRunner(
            tasks=[],
            defaults=defaults,
            load_config=config_loader(overrides),
            sink=None,  # type: ignore[arg-type]  # results go back to the driver instead
            jobs=jobs,
            timeout=timeout,
        )
        self._gate: asyncio.Semaphore | None = None

    def whereami(self) -> dict[str, Any]:
        import socket

        import ray

        return {
            "node": ray.get_runtime_context().get_node_id(),
            "pid": os.getpid(),
            "host": socket.gethostname(),
        }

    async def run_chunk(self, tasks: list[Task]) -> Any:
        """Yield each task's result line as it finishes (a Ray streaming generator)."""
        runner = self._runner
        if self._gate is None:
            runner.start()  # on the actor's loop: its shared HTTP client
            self._gate = asyncio.Semaphore(runner.jobs)
        gate = self._gate
        done: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()

        async def one(task: Task) -> None:
            async with gate:
                if not runner._stopping:
                    done.put_nowait(await runner._one(task))

        job = asyncio.ensure_future(asyncio.gather(*(one(t) for t in tasks)))
        job.add_done_callback(lambda _: done.put_nowait(None))
        while (record := await done.get()) is not None:
            yield record
        job.result()

    async def stop(self) -> None:
        """Interrupt the running turns (their results come back `cancelled`), start no more."""
        self._runner._stop()


@dataclasses.dataclass(slots=True)
class _Outstanding:
    task: Task
    attempts: int = 0


class RayBatch:
    """The driver: hands chunks to the workers and writes what comes back."""

    def __init__(
        self,
        runner: BatchRunner,
        overrides: ConfigOverrides,
        address: str | None,
        sink: ResultSink,
    ) -> None:
        self.runner = runner  # its counts, progress line and options; it runs nothing here
        self.overrides = _absolute(overrides)
        self.address = address
        self.sink = sink
        self.pending: deque[_Outstanding] = deque(_Outstanding(t) for t in runner.tasks)
        self.in_flight = 0  # chunks handed out and not finished
        self.changed: asyncio.Condition | None = None
        self.workers: list[Any] = []
        self.per_node: dict[str, int] = {}
        self._stopping = False
        self._interrupted = False

    def run(self) -> int:
        import logging

        try:
            import ray
        except ImportError:
            raise CodexError("--ray needs Ray: pip install 'codex-py[ray]'") from None
        started = time.monotonic()
        try:
            ray.init(
                address=self.address or None,
                logging_level=logging.WARNING,
                log_to_driver=False,
                include_dashboard=False if not self.address else None,
                configure_logging=False,
            )
        except Exception as err:  # ConnectionError, RuntimeError: one line, not a traceback
            raise CodexError(f"cannot reach the Ray cluster: {err}") from None
        try:
            return asyncio.run(self._run(ray, started))
        finally:
            ray.shutdown()

    async def _run(self, ray: Any, started: float) -> int:
        from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(signum, self._on_signal)
        self.changed = asyncio.Condition()
        runner = self.runner
        actor = ray.remote(max_restarts=0, num_cpus=0)(BatchWorker)
        nodes = [n for n in ray.nodes() if n.get("Alive")]
        for node in nodes:
            strategy = NodeAffinitySchedulingStrategy(node["NodeID"], soft=False)
            self.workers.append(
                actor.options(scheduling_strategy=strategy).remote(
                    runner.defaults, self.overrides, runner.jobs, runner.timeout
                )
            )
        places = await asyncio.gather(*(w.whereami.remote() for w in self.workers))
        for place in places:
            _note(
                f"Ray worker on node {place['node'][:12]} ({place['host']}), "
                f"pid {place['pid']}, {runner.jobs} jobs"
            )
        _note(f"{len(self.workers)} Ray workers ready in {time.monotonic() - started:.1f} s")
        runner.total = len(runner.tasks)
        runner._started = time.monotonic()
        await asyncio.gather(
            *(self._drive(w, p["node"]) for w, p in zip(self.workers, places, strict=True))
        )
        if runner.progress:
            runner._show_progress(final=True)
        summary = ", ".join(f"{node[:12]}: {n}" for node, n in sorted(self.per_node.items()))
        _note(f"results per node: {summary or 'none'}")
        left = len(self.pending)
        if left and not self._stopping:
            raise CodexError(
                f"every Ray worker died; {left} tasks did not run (rerun with --resume)"
            )
        if self._interrupted:
            return 130
        return 1 if runner.counts.failed else 0

    def _on_signal(self) -> None:
        self._interrupted = True
        self._stop()

    def _stop(self) -> None:
        if self._stopping:
            return
        self._stopping = True
        for worker in self.workers:
            worker.stop.remote()
        self._notify()

    def _notify(self) -> None:
        async def wake() -> None:
            assert self.changed is not None
            async with self.changed:
                self.changed.notify_all()

        asyncio.get_running_loop().create_task(wake())

    async def _drive(self, worker: Any, node: str) -> None:
        """Feed one worker until the queue is empty and no chunk anywhere might come back."""
        alive = [True]
        await asyncio.gather(*(self._feed(worker, node, alive) for _ in range(CHUNKS_IN_FLIGHT)))

    async def _feed(self, worker: Any, node: str, alive: list[bool]) -> None:
        from ray.exceptions import RayError, RayTaskError

        assert self.changed is not None
        while alive[0]:
            async with self.changed:
                await self.changed.wait_for(
                    lambda: self._stopping or bool(self.pending) or not self.in_flight
                )
                if self._stopping or not self.pending:
                    return
                size = min(self.runner.jobs, len(self.pending))
                chunk = [self.pending.popleft() for _ in range(size)]
                self.in_flight += 1
            unreported = {item.task.id: item for item in chunk}
            try:
                async for ref in worker.run_chunk.remote([item.task for item in chunk]):
                    record = await ref
                    unreported.pop(record["id"], None)
                    self._write(record, node)
            except RayTaskError as err:  # our code raised on the worker: those tasks fail
                for item in unreported.values():
                    self._write(_failed(item.task, f"Ray worker error: {err}"), node)
                unreported.clear()
            except RayError as err:  # the worker (or its node) died
                alive[0] = False
                self._requeue(list(unreported.values()), err)
                unreported.clear()
            finally:
                async with self.changed:
                    self.in_flight -= 1
                    self.changed.notify_all()

    def _requeue(self, items: list[_Outstanding], err: Exception) -> None:
        reason = " ".join(str(err).split())[:200]
        for item in reversed(items):
            item.attempts += 1
            if item.attempts >= MAX_ATTEMPTS:
                self._write(_failed(item.task, f"Ray worker died {item.attempts} times"), "")
            else:
                self.pending.appendleft(item)
        if items:
            _note(f"a Ray worker died ({reason}); {len(items)} tasks go to another worker")

    def _write(self, record: dict[str, Any], node: str) -> None:
        self.sink.write(record)
        if node:
            self.per_node[node] = self.per_node.get(node, 0) + 1
        if self.runner.counts is not None:
            self.runner.count(record)
        if record["status"] == "failed" and self.runner.fail_fast:
            self._stop()


def _failed(task: Task, error: str) -> dict[str, Any]:
    from codex.batch.runner import _record

    return _record(task, "failed", error=error)


def _absolute(overrides: ConfigOverrides) -> ConfigOverrides:
    """--config-home / --config-file as absolute paths: workers run in other directories."""
    changes = {}
    for name in ("config_home", "config_file"):
        value = getattr(overrides, name)
        if value:
            changes[name] = os.path.abspath(os.path.expanduser(value))
    return dataclasses.replace(overrides, **changes) if changes else overrides


def _note(text: str) -> None:
    sys.stderr.write(f"codex batch: {text}\n")
    sys.stderr.flush()
