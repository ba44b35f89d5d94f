"""Wiring for one `codex exec` run: request → prompt → config → checks → session → processor →
stdout/stderr → exit code. The decisions live in the small modules next door; this one only
orders them and owns the two output streams.

Stdout discipline: in `--json` mode every byte written to fd 1 is a whole JSON line (written with
one `os.write` per event, so a reader never sees half a line and nothing is held in a buffer);
in human mode fd 1 gets the final message only, at the very end.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codex.errors import CodexError

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Protocol

    from codex.config import Config
    from codex.core.session import Session
    from codex.exec.request import ExecRequest
    from codex.thread_events.processor import EventProcessor

    class ConfigSource(Protocol):
        """What the entry point hands over besides the request (cli's `CliContext`)."""

        def load_config(self, **kwargs: object) -> Config: ...


NOT_IN_GIT_REPO = "Not inside a trusted directory and --skip-git-repo-check was not specified."


# ---- checks that need no session ------------------------------------------------------------


def inside_git_repo(cwd: Path) -> bool:
    """Some ancestor of `cwd` (itself included) holds a `.git` file or directory."""
    return any((directory / ".git").exists() for directory in (cwd, *cwd.parents))


def load_output_schema(path: str | None) -> Any:
    """The `--output-schema` file as JSON; upstream's messages, exit 1."""
    if path is None:
        return None
    import orjson

    try:
        data = Path(path).read_bytes()
    except OSError as err:
        raise CodexError(
            f"Failed to read output schema file {path}: {err.strerror or err}"
        ) from None
    try:
        schema = orjson.loads(data)
    except orjson.JSONDecodeError as err:
        raise CodexError(f"Output schema file {path} is not valid JSON: {err}") from None
    if not isinstance(schema, dict):
        raise CodexError(f"Output schema file {path} must contain a JSON object (a JSON Schema)")
    return schema


def check_images(images: list[str], cwd: Path) -> list[str]:
    """`-i` paths made absolute (against the process cwd, like upstream), each must be a file."""
    out = []
    for image in images:
        path = Path(image).expanduser()
        if not path.is_absolute():
            path = Path.cwd() / path
        if not path.is_file():
            raise CodexError(f"image file not found: {image}")
        out.append(str(path))
    return out


def use_color(mode: str, stream: Any) -> bool:
    if mode == "always":
        return True
    if mode == "never":
        return False
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def flag_overrides(req: ExecRequest) -> dict[str, object]:
    """Command-line flags as dotted config keys (highest precedence). (Exec never asks: its
    FrontEnd record, codex.exec.driver.EXEC, forces approval_policy "never".)"""
    flags: dict[str, object] = {}
    if req.model:
        flags["model"] = req.model
    if req.sandbox_mode:
        flags["sandbox_mode"] = req.sandbox_mode
    if req.oss:
        flags["model_provider"] = req.local_provider or "oss"
    return flags


def sandbox_summary(config: Config, add_dirs: list[Path] | None = None) -> str:
    mode = str(config.sandbox_mode)
    if mode != "workspace-write":
        return mode
    ww = config.sandbox_workspace_write
    roots = ["workdir"]
    if not ww.exclude_slash_tmp:
        roots.append("/tmp")
    if not ww.exclude_tmpdir_env_var:
        roots.append("$TMPDIR")
    roots += [str(p) for p in [*ww.writable_roots, *(add_dirs or [])]]
    text = f"workspace-write [{', '.join(roots)}]"
    if ww.network_access:
        text += " (network access enabled)"
    return text


def summary_entries(
    config: Config, session_id: str, add_dirs: list[Path] | None = None
) -> list[tuple[str, str]]:
    entries = [
        ("workdir", str(config.cwd)),
        ("model", config.model),
        ("provider", config.model_provider),
        ("approval", str(config.approval_policy)),
        ("sandbox", sandbox_summary(config, add_dirs)),
    ]
    effort = config.model_reasoning_effort
    entries.append(("reasoning effort", "none" if effort is None else str(effort)))
    entries.append(("reasoning summaries", str(config.model_reasoning_summary)))
    entries.append(("session id", session_id))
    return entries


def check_last_message_file(path: str | None) -> None:
    """`-o FILE` must be writable before the turn runs (0.169: the file is opened, created if
    missing, never truncated, at startup; failing that, exit 1 before any request)."""
    if path is None:
        return
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, 0o666))
    except OSError as err:
        raise CodexError(
            f'Failed to open last message file "{path}": {err.strerror or err}', exit_code=1
        ) from None


def write_last_message(path: str, message: str | None, stderr: Any) -> None:
    try:
        Path(path).write_text(message or "", encoding="utf-8")
    except OSError as err:
        stderr.write(f"Failed to write last message file {path}: {err.strerror or err}\n")
        return
    if message is None:
        stderr.write(f"Warning: no last agent message; wrote empty content to {path}\n")


# ---- the run --------------------------------------------------------------------------------


def run_exec(req: ExecRequest, ctx: ConfigSource) -> int:
    from codex.exec.args import resolve_dir
    from codex.exec.prompt import PromptError, resolve_prompt

    stderr = sys.stderr
    stream_json = req.input_format == "stream-json"
    if req.bypass_hook_trust:
        from codex._hook_trust_flag import request_bypass

        request_bypass()
    if req.review is not None:
        return _run_review(req, ctx)
    try:
        stdin = sys.stdin.buffer if sys.stdin is not None else None
        prompt = (
            None
            if stream_json
            else resolve_prompt(
                req.prompt,
                stdin,
                stdin is None or sys.stdin.isatty(),
                stderr,
                append_stdin=not req.resume,  # 0.169: resume never reads stdin beside a PROMPT
            )
        )
    except PromptError as err:
        stderr.write(f"{err}\n")
        return 1
    output_schema = load_output_schema(req.output_schema)
    cwd = resolve_dir(req.cd, Path.cwd()) if req.cd else Path.cwd().resolve()
    try:
        config = ctx.load_config(cwd=cwd, flag_overrides=flag_overrides(req))
    except CodexError as err:
        raise CodexError(str(err), exit_code=1) from None
    add_dirs = [resolve_dir(d, cwd) for d in req.add_dirs]
    if not req.skip_git_repo_check and not inside_git_repo(config.cwd):
        stderr.write(NOT_IN_GIT_REPO + "\n")
        return 1
    check_last_message_file(req.output_last_message)
    images = check_images(req.images, config.cwd)
    return _drive(req, config, prompt, output_schema, images, add_dirs)


def _run_review(req: ExecRequest, ctx: ConfigSource) -> int:
    """`exec review`: the target resolved in core, its user message as the prompt, the review
    instructions as the developer message, and a read-only sandbox (the reviewer only reads)."""
    from codex.core.review import resolve_target, review_settings
    from codex.exec.args import resolve_dir
    from codex.exec.prompt import PromptError, resolve_prompt
    from codex.exec.review import NO_TARGET

    flags: Any = req.review
    stderr = sys.stderr
    custom = None
    if req.prompt is not None:
        try:
            stdin = sys.stdin.buffer if sys.stdin is not None else None
            custom = resolve_prompt(req.prompt, stdin, True, stderr, append_stdin=False)
        except PromptError as err:
            stderr.write(f"{err}\n")
            return 1
    if custom is None and not (flags.uncommitted or flags.base or flags.commit):
        raise CodexError(NO_TARGET, exit_code=1)
    cwd = resolve_dir(req.cd, Path.cwd()) if req.cd else Path.cwd().resolve()
    overrides = flag_overrides(req)
    overrides.setdefault("sandbox_mode", "read-only")
    overrides.update(review_settings())
    try:
        config = ctx.load_config(cwd=cwd, flag_overrides=overrides)
    except CodexError as err:
        raise CodexError(str(err), exit_code=1) from None
    if not req.skip_git_repo_check and not inside_git_repo(config.cwd):
        stderr.write(NOT_IN_GIT_REPO + "\n")
        return 1
    target = resolve_target(
        config.cwd,
        uncommitted=flags.uncommitted,
        base=flags.base,
        commit=flags.commit,
        title=flags.title,
        instructions=custom,
    )
    check_last_message_file(req.output_last_message)
    return _drive(req, config, target.prompt, None, [], [], hint=target.hint)


def _drive(
    req: ExecRequest,
    config: Config,
    prompt: str | None,
    output_schema: Any,
    images: list[str],
    add_dirs: list[Path],
    *,
    hint: str | None = None,
) -> int:
    import dataclasses

    from codex.core.front_end import LocalModel, Resume
    from codex.exec.driver import EXEC, ExecDriver

    stderr = sys.stderr
    resume = None
    if req.resume:
        resume = Resume.newest() if req.resume_last else Resume(thread_id=req.resume_id)
    # A local provider (--oss, or "oss"/"embedded" configured): open_session checks its server
    # and model, or runs the embedded one for the whole session.
    local = LocalModel(oss=req.oss, provider=req.local_provider, model_flag=req.model)
    on_turn_end = None
    if req.output_last_message:
        path = req.output_last_message

        def on_turn_end(final: str | None) -> None:
            if req.review is not None and final is not None:
                from codex.core.review import render_text

                final = render_text(final)
            write_last_message(path, final, stderr)

    turns = None
    if req.input_format == "stream-json" and sys.stdin is not None:
        from codex.exec.stream_input import StreamJsonInput

        turns = StreamJsonInput(sys.stdin.fileno())
    driver = ExecDriver(
        config=config,
        prompt=prompt or "",
        images=images,
        output_schema=output_schema,
        processor_for=_processor_factory(req, hint or prompt or "", add_dirs, stderr),
        on_turn_end=on_turn_end,
        spinner=not req.json and _isatty(stderr),
        ephemeral=req.ephemeral,
        resume=resume,
        add_dirs=add_dirs,
        local=local,
        front_end=EXEC if not req.ignore_rules else dataclasses.replace(EXEC, exec_rules=False),
        turns=turns,
        multi_turn=req.input_format == "stream-json",
    )
    return driver.run()


def _processor_factory(
    req: ExecRequest, prompt: str, add_dirs: list[Path], stderr: Any
) -> Callable[[Session], EventProcessor]:
    """`--json`: ThreadEvent lines; otherwise progress for people, headed by the settings the
    session actually runs with (after the local provider and exec's forced policy)."""
    color = use_color(req.color, stderr)

    def processor_for(session: Session) -> EventProcessor:
        processor = _plain_processor(session)
        if req.review is not None:
            from codex.exec.review import wrap_processor

            return wrap_processor(processor)
        return processor

    def _plain_processor(session: Session) -> EventProcessor:
        if req.json:
            from codex.thread_events.jsonl import JsonlEventProcessor

            return JsonlEventProcessor()
        from codex import __version__
        from codex.thread_events.human import HumanEventProcessor, Palette

        def header(configured: dict[str, Any]) -> str:
            entries = summary_entries(
                session.config, str(configured.get("session_id", "")), add_dirs
            )
            return processor.header(__version__, entries, prompt)

        processor = HumanEventProcessor(color=Palette(color), header_for=header)
        return processor

    return processor_for


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False
