"""The batch runner: every task an ordinary session (`open_session` with batch's FrontEnd
record: a rollout written, resumable with `codex exec resume`), at most `jobs` at once on one
event loop. A task's failure is written as its own result and never reaches another task.

Stopping (SIGINT/SIGTERM, or `--fail-fast` after a failure): running turns get an `Interrupt`,
their results are written as `cancelled`; tasks not yet started are not written, so a later
`--resume` runs them.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codex.core.front_end import FrontEnd, Resume

if TYPE_CHECKING:
    from codex.batch.results import ResultSink
    from codex.batch.tasks import Task
    from codex.config import Config
    from codex.core.session import Session

# Batch is exec many times over: the same decisions (nobody answers approvals, no deltas,
# CODEX_API_KEY honoured) and the same originator and `session_meta.source`, so each task's
# rollout is an exec session to `codex exec resume` here and in the official CLI.
BATCH = FrontEnd(
    originator="codex_exec",
    source="exec",
    stream_deltas=False,
    honour_codex_api_key=True,
    approval_policy="never",
)

# The progress line is redrawn at most this often (a 10k batch finishes hundreds of tasks a
# second; a terminal write per event would cost more than the tasks' own bookkeeping).
PROGRESS_INTERVAL = 0.1

NOT_IN_GIT_REPO = "Not inside a trusted directory and --skip-git-repo-check was not specified."


def config_loader(overrides: Any) -> Callable[[Path, dict[str, object], tuple[str, ...]], Any]:
    """(cwd, flag overrides, a task's extra `-c` overrides) -> Config, on top of the command
    line's global options; Ray workers build theirs from the driver's `overrides`."""

    def load(cwd: Path, flags: dict[str, object], extra: tuple[str, ...]) -> Any:
        import dataclasses

        from codex.config import load_config

        more = dataclasses.replace(overrides, cli_overrides=(*overrides.cli_overrides, *extra))
        return load_config(more, cwd=cwd, flag_overrides=flags)

    return load


@dataclass(slots=True)
class Defaults:
    """The command line's settings, applied to every task that does not set its own."""

    cwd: Path
    model: str | None = None
    sandbox: str | None = None
    output_schema: Any = None
    skip_git_repo_check: bool = False
    ephemeral: bool = False


@dataclass(slots=True)
class Counts:
    done: int = 0
    failed: int = 0
    cancelled: int = 0
    running: int = 0
    tokens: int = 0


@dataclass(slots=True)
class BatchRunner:
    tasks: list[Task]
    defaults: Defaults
    load_config: Any  # (cwd, flag_overrides, extra -c overrides) -> Config
    sink: ResultSink
    jobs: int = 4
    json: bool = False
    fail_fast: bool = False
    progress: bool = False
    timeout: float | None = None  # seconds per task's turn; then it is interrupted, failed
    counts: Counts = field(default_factory=Counts)
    _stopping: bool = False
    _interrupted: bool = False
    _sessions: dict[str, Session] = field(default_factory=dict)
    _configs: dict[tuple[Any, ...], Config | Exception] = field(default_factory=dict)
    _started: float = 0.0
    _drawn: float = 0.0
    total: int = 0  # tasks in this batch, for the progress line (default: len(tasks))
    gates: Any = None  # the per-origin 429 gates of the shared HTTP setup, once started

    def run(self) -> int:
        try:
            import uvloop
        except ImportError:  # pragma: no cover - uvloop is a dependency on unix
            return asyncio.run(self._run())
        return uvloop.run(self._run())

    async def _run(self) -> int:
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(signum, self._on_signal)
        self.start()
        try:
            await self.run_tasks(self.tasks, self.sink.write)
        finally:
            await self.close()
        if self.progress:
            self._show_progress(final=True)
        return self.exit_status()

    def exit_status(self) -> int:
        if self._interrupted:
            return 130
        return 1 if self.counts.failed else 0

    def start(self) -> None:
        """On the running loop: one HTTP setup (one connection pool, the 429 gates) for every
        task; codex.client's model requests pick it up as the loop's shared clients (the lean
        one where it applies, so a batch imports no httpx, as `exec` does not)."""
        from codex.core.shared_http import install_batch_http

        self.gates = install_batch_http(self.jobs, self._paused)
        self._started = time.monotonic()
        self.total = self.total or len(self.tasks)

    def _paused(self, origin: str, seconds: float) -> None:
        """One stderr line per pool-wide pause (users see why the batch stalls; tests wait
        for it): cleared progress line first, so the two do not mix."""
        clear = "\r\x1b[2K" if self.progress else ""
        sys.stderr.write(
            f"{clear}codex batch: {origin} answered 429 (rate limited); "
            f"every task waits {seconds:g} s before its next request to it\n"
        )
        sys.stderr.flush()
        self._drawn = 0.0

    async def close(self) -> None:
        from codex.core.shared_http import close_shared_client

        await close_shared_client()

    async def run_tasks(
        self, tasks: Iterable[Task], deliver: Callable[[dict[str, Any]], None]
    ) -> None:
        """Run `tasks`, at most `jobs` at once, handing each result to `deliver` as it finishes.
        A fixed pool of `jobs` workers takes the next task from one shared iterator, so the
        cost of waiting tasks is nothing (no coroutine per task of a 10k batch)."""
        pending = iter(tasks)

        async def worker() -> None:
            for task in pending:
                if self._stopping:
                    return
                deliver(await self._one(task))

        await asyncio.gather(*(worker() for _ in range(max(1, self.jobs))))

    def _on_signal(self) -> None:
        self._interrupted = True
        self._stop()

    def _stop(self) -> None:
        if self._stopping:
            return
        self._stopping = True
        for session in list(self._sessions.values()):
            asyncio.get_running_loop().create_task(_interrupt(session))

    async def _one(self, task: Task) -> dict[str, Any]:
        self.counts.running += 1
        self._show_progress()
        try:
            record = await self._run_task(task)
        except Exception as err:  # a bug in one task must not end the batch
            record = _record(task, "failed", error=_one_line(repr(err)))
        finally:
            self.counts.running -= 1
        self.count(record)
        if record["status"] == "failed" and self.fail_fast:
            self._stop()
        return record

    def count(self, record: dict[str, Any]) -> None:
        status = record["status"]
        if record["usage"]:
            self.counts.tokens += record["usage"]["total_tokens"]
        if status == "completed":
            self.counts.done += 1
        elif status == "failed":
            self.counts.failed += 1
        else:
            self.counts.cancelled += 1
        self._show_progress()

    def _config_for(self, task: Task, cwd: Path) -> Config:
        """The config of a task, loaded once per distinct (cwd, model, sandbox, overrides)."""
        from codex.batch.tasks import toml_value

        flags: dict[str, object] = {}
        model = task.model or self.defaults.model
        sandbox = task.sandbox or self.defaults.sandbox
        if model:
            flags["model"] = model
        if sandbox:
            flags["sandbox_mode"] = sandbox
        extra = tuple(f"{k}={toml_value(v)}" for k, v in sorted(task.config.items()))
        key = (str(cwd), model, sandbox, extra)
        cached = self._configs.get(key)
        if cached is None:
            try:
                cached = self.load_config(cwd, flags, extra)
            except Exception as err:
                cached = err
            self._configs[key] = cached
        if isinstance(cached, Exception):
            raise cached
        return cached

    async def _run_task(self, task: Task) -> dict[str, Any]:
        from codex.core.open import open_session
        from codex.errors import CodexError

        began = time.monotonic()
        cwd = self.defaults.cwd
        if task.cwd:
            cwd = (cwd / Path(task.cwd).expanduser()).resolve()
        record = _record(task, "failed")
        try:
            if not cwd.is_dir():
                raise CodexError(f"cwd is not a directory: {cwd}")
            config = self._config_for(task, cwd)
            if not self.defaults.skip_git_repo_check and not _inside_git_repo(config.cwd):
                raise CodexError(NOT_IN_GIT_REPO)
            images = _check_images(task.images, cwd)
            schema = task.output_schema or self.defaults.output_schema
            resume = Resume.thread(task.resume) if task.resume else None
            async with open_session(
                config, BATCH, resume=resume, ephemeral=self.defaults.ephemeral
            ) as session:
                record["thread_id"] = session.conversation_id
                if not self.defaults.ephemeral and session.rollout_path is not None:
                    record["rollout_path"] = str(session.rollout_path)
                await self._drive(task, session, images, schema, record)
        except CodexError as err:
            record["status"] = "failed"
            record["error"] = _one_line(str(err))
        record["duration_ms"] = int((time.monotonic() - began) * 1000)
        return record

    async def _drive(
        self, task: Task, session: Session, images: list[str], schema: Any, record: dict[str, Any]
    ) -> None:
        from codex.protocol.ops import InputLocalImage, InputText

        processor = None
        if self.json:
            from codex.thread_events.jsonl import JsonlEventProcessor

            processor = JsonlEventProcessor()
            self._emit(
                task.id,
                processor.render({"type": "session_configured", "session_id": record["thread_id"]}),
            )
        if self._stopping:
            record["status"] = "cancelled"
            return
        self._sessions[task.id] = session
        try:
            items: list[Any] = [InputLocalImage(path=p) for p in images]
            items.append(InputText(text=task.prompt))
            handle = await session.run_turn(
                session.settings.user_turn(items, final_output_json_schema=schema)
            )
            if self._stopping:  # stopped while the turn was being submitted
                await _interrupt(session)
            timed_out = False

            def on_timeout() -> None:
                nonlocal timed_out
                timed_out = True
                asyncio.get_running_loop().create_task(_interrupt(session))

            timer = None
            if self.timeout is not None:
                timer = asyncio.get_running_loop().call_later(self.timeout, on_timeout)
            try:
                async for event in handle.events():
                    if processor is None:
                        continue
                    tag = getattr(event.msg, "TAG", None)  # a RawEvent has none: not rendered
                    if isinstance(tag, str) and tag in processor.handled:
                        self._emit(task.id, processor.render(event.msg.to_dict()))
            finally:
                if timer is not None:
                    timer.cancel()
        finally:
            self._sessions.pop(task.id, None)
        result = handle.result
        assert result is not None
        if result.usage is not None:
            record["usage"] = _usage_dict(result.usage)
        if result.aborted and timed_out:
            record["error"] = f"timed out after {self.timeout:g} s"
            return
        if result.aborted:
            record["status"] = "cancelled"
            record["error"] = "interrupted"
            return
        record["final_message"] = result.last_agent_message
        if result.error is not None:
            record["error"] = _one_line(result.error)
            return
        if schema is not None and result.last_agent_message is not None:
            import orjson

            try:
                record["structured_output"] = orjson.loads(result.last_agent_message)
            except orjson.JSONDecodeError:
                record["error"] = "final message is not valid JSON for the output schema"
                return
        record["status"] = "completed"

    def _emit(self, task_id: str, rendered: Any) -> None:
        """exec --json lines of one task, each tagged with its id, to stdout (whole lines)."""
        if not rendered.stdout:
            return
        import orjson

        out = bytearray()
        for line in bytes(rendered.stdout).splitlines():
            if line.strip():
                out += orjson.dumps({"task_id": task_id, **orjson.loads(line)}) + b"\n"
        view = memoryview(bytes(out))
        while view:
            view = view[os.write(1, view) :]

    def _show_progress(self, final: bool = False) -> None:
        if not self.progress:
            return
        now = time.monotonic()
        if not final and now - self._drawn < PROGRESS_INTERVAL:
            return
        self._drawn = now
        c = self.counts
        elapsed = max(now - self._started, 1e-9)
        finished = c.done + c.failed + c.cancelled
        rate = finished / elapsed
        left = self.total - finished
        eta = f"{left / rate:.0f}s" if rate > 0 and left else "-"
        line = (
            f"\r\x1b[2K{finished}/{self.total} done · {c.failed} failed · "
            f"{c.cancelled} cancelled · {c.running} running · {rate:.1f} tasks/s · "
            f"{c.tokens} tokens · ETA {eta}"
        )
        sys.stderr.write(line + ("\n" if final else ""))
        sys.stderr.flush()


def _record(task: Task, status: str, *, error: str | None = None) -> dict[str, Any]:
    return {
        "id": task.id,
        "status": status,
        "thread_id": None,
        "final_message": None,
        "structured_output": None,
        "usage": None,
        "duration_ms": 0,
        "error": error,
        "rollout_path": None,
    }


def _usage_dict(usage: Any) -> dict[str, Any]:
    return {
        "input_tokens": usage.input_tokens,
        "cached_input_tokens": usage.cached_input_tokens,
        "output_tokens": usage.output_tokens,
        "reasoning_output_tokens": usage.reasoning_output_tokens,
        "total_tokens": usage.total_tokens,
    }


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _inside_git_repo(cwd: Path) -> bool:
    return any((directory / ".git").exists() for directory in (cwd, *cwd.parents))


def _check_images(images: tuple[str, ...], cwd: Path) -> list[str]:
    from codex.errors import CodexError

    out = []
    for image in images:
        path = cwd / Path(image).expanduser()
        if not path.is_file():
            raise CodexError(f"image file not found: {image}")
        out.append(str(path))
    return out


async def _interrupt(session: Session) -> None:
    from codex.protocol.ops import Interrupt

    with contextlib.suppress(Exception):
        await session.submit(Interrupt())
