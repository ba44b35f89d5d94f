"""`codex batch TASKS.jsonl`: argument wiring. Everything is validated (task file, schema, flags)
before the first task runs; the work is in codex.batch.runner."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from typing import Any

SANDBOX_MODES = ("read-only", "workspace-write", "danger-full-access")


def configure(parser: argparse.ArgumentParser) -> None:
    p = parser.add_argument
    p("tasks", metavar="TASKS.jsonl", help="One task per line: {id, prompt, ...}")
    p("-o", "--output", metavar="RESULTS.jsonl", help="Append result lines here (default stdout)")
    p("--jobs", type=int, default=4, metavar="N", help="Tasks running at once (default 4)")
    p("--json", action="store_true", help="Stream each task's exec --json events, tagged task_id")
    p("--resume", action="store_true", help="Skip tasks already completed in RESULTS (-o)")
    p("--timeout", type=float, metavar="SECS", help="Fail a task whose turn runs longer")
    p("--fail-fast", action="store_true", help="Stop (cancel running tasks) at the first failure")
    p("-m", "--model", help="Default model for every task")
    p("-s", "--sandbox", dest="sandbox_mode", choices=SANDBOX_MODES, help="Default sandbox")
    p("--full-auto", action="store_true", help="Default sandbox workspace-write")
    p("-C", "--cd", metavar="DIR", help="Base directory (task cwd is relative to it)")
    p("--output-schema", metavar="FILE", help="Default JSON Schema for the final message")
    p("--skip-git-repo-check", action="store_true", help="Allow running outside a Git repo")
    p("--ephemeral", action="store_true", help="Do not write rollouts")
    p(
        "--ray",
        nargs="?",
        const="",
        metavar="ADDRESS",
        help="Spread the tasks over a Ray cluster (ADDRESS, else a local one); needs codex-py[ray]",
    )


def run(args: argparse.Namespace, ctx: Any) -> int:
    import os
    import sys
    from pathlib import Path

    from codex.batch.results import ResultSink, completed_ids
    from codex.batch.runner import BatchRunner, Defaults, config_loader
    from codex.batch.tasks import load_tasks
    from codex.errors import UsageError

    if args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    if args.timeout is not None and args.timeout <= 0:
        raise UsageError("--timeout must be a positive number of seconds")
    if args.resume and not args.output:
        raise UsageError("--resume needs the RESULTS file (-o RESULTS.jsonl)")
    if args.ray is not None and args.json:
        raise UsageError("--json is not available with --ray (results stream to RESULTS)")
    tasks = load_tasks(args.tasks)
    schema = _load_schema(args.output_schema)
    base = Path(args.cd).expanduser().resolve() if args.cd else Path.cwd().resolve()
    if not base.is_dir():
        raise UsageError(f"-C: not a directory: {args.cd}")
    if args.resume:
        done = completed_ids(args.output)
        tasks = [t for t in tasks if t.id not in done]
    defaults = Defaults(
        cwd=base,
        model=args.model,
        sandbox="workspace-write" if args.full_auto else args.sandbox_mode,
        output_schema=schema,
        skip_git_repo_check=args.skip_git_repo_check,
        ephemeral=args.ephemeral,
    )
    overrides = ctx.overrides()
    load = config_loader(overrides)
    # Config errors common to every task (a bad config.toml) stop the batch before it starts.
    from codex.core.logs import configure_logging

    configure_logging(load(base, {}, ()), ctx.log_target)  # this run's own log file
    sink = ResultSink(args.output)
    try:
        runner = BatchRunner(
            tasks=tasks,
            defaults=defaults,
            load_config=load,
            sink=sink,
            jobs=args.jobs,
            json=args.json,
            fail_fast=args.fail_fast,
            timeout=args.timeout,
            progress=not args.json and _isatty(sys.stderr) and os.environ.get("TERM") != "dumb",
        )
        if args.ray is not None:
            from codex.batch.ray_runner import RayBatch

            return RayBatch(runner, overrides, args.ray or None, sink).run()
        return runner.run()
    finally:
        sink.close()


def _load_schema(path: str | None) -> Any:
    if path is None:
        return None
    from pathlib import Path

    import orjson

    from codex.errors import CodexError

    try:
        schema = orjson.loads(Path(path).read_bytes())
    except OSError as err:
        raise CodexError(f"Failed to read output schema file {path}: {err.strerror}") from None
    except orjson.JSONDecodeError as err:
        raise CodexError(f"Output schema file {path} is not valid JSON: {err}") from None
    if not isinstance(schema, dict):
        raise CodexError(f"Output schema file {path} must contain a JSON object (a JSON Schema)")
    return schema


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False
