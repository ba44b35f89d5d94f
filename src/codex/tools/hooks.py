"""`tool_hook_command`: the fork's observer hook, run before and after every tool call.

The hook gets one JSON document on stdin (the seed's §3.1 shapes)::

    {"phase": "before_execution", "call": {"tool_name", "call_id", "payload"}}
    {"phase": "after_execution",  "call": {...}, "outcome": {"success": {"response": <item>}}
                                                          | {"error": {"message": "..."}}}

It is an observer only: a hook that fails, crashes, hangs (killed after `timeout`), does not
exist, exits without reading its input or prints garbage is logged (one line on stderr) and never
changes or stops the tool call. It runs as an asyncio subprocess so the event loop (streaming,
other tools) keeps going while it runs; a call waits for its own hook at most `timeout`. Its
stderr is inherited; its stdout goes to our stderr too, so a chatty hook can never corrupt
`codex exec --json` on stdout. Its stdin is a file holding the document (`document_stdin`), never
a pipe we write to, so how and when the hook exits cannot make us fail.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Callable, Sequence
from typing import Any

import orjson

from codex.sandbox.process_group import kill_group_if_running
from codex.tools.runtime.context import ToolCall

log = logging.getLogger("codex.tools.hooks")

DEFAULT_HOOK_TIMEOUT_MS = 10_000


def parsed_or_none(text: str) -> Any:
    """Best-effort JSON value of a function call's arguments (None when not JSON)."""
    try:
        return orjson.loads(text) if text else None
    except orjson.JSONDecodeError:
        return None


def call_payload(call: ToolCall) -> dict[str, Any]:
    """The request as the hook sees it (function / custom / local_shell).

    MCP calls carry `server`, `tool` (the raw names) and `raw_arguments`.
    """
    if call.mcp_target is not None:
        server, tool = call.mcp_target
        return {"type": "mcp", "server": server, "tool": tool, "raw_arguments": call.payload}
    if call.kind == "custom":
        return {"type": "custom", "input": call.payload}
    if call.kind == "local_shell":
        action = parsed_or_none(call.payload) or {}
        return {
            "type": "local_shell",
            "command": action.get("command"),
            "workdir": action.get("working_directory"),
            "timeout_ms": action.get("timeout_ms"),
        }
    return {
        "type": "function",
        "arguments": call.payload,
        "parsed_arguments": parsed_or_none(call.payload),
    }


def call_snapshot(call: ToolCall) -> dict[str, Any]:
    return {"tool_name": call.name, "call_id": call.call_id, "payload": call_payload(call)}


def before_document(call: ToolCall) -> dict[str, Any]:
    return {"phase": "before_execution", "call": call_snapshot(call)}


def after_document(
    call: ToolCall, *, response: dict[str, Any] | None = None, error: str | None = None
) -> dict[str, Any]:
    if error is not None:
        outcome: dict[str, Any] = {"error": {"message": error}}
    else:
        outcome = {"success": {"response": response}}
    return {"phase": "after_execution", "call": call_snapshot(call), "outcome": outcome}


def document_stdin(data: bytes) -> int:
    """A file descriptor holding `data` from offset 0, to hand a hook as its stdin; the caller
    closes it once the process has started (the child keeps its own copy).

    A file rather than a pipe we feed: with a pipe, a hook that exits before reading (`true`, a
    crash, a missing interpreter) races our write, which then fails with EPIPE or, under uvloop,
    RuntimeError on the closed transport (issue 13: two turns in three failed), and a hook that
    never reads a large document blocks the write. A file has no reader to lose. In memory
    (memfd) on Linux; an unlinked temporary file elsewhere. OSError when neither can be made."""
    try:
        fd = os.memfd_create("codex-hook-input", os.MFD_CLOEXEC)
    except (AttributeError, OSError):  # not Linux, or memfd refused: a nameless temporary file
        import tempfile  # only here: every session imports this module

        fd, path = tempfile.mkstemp(prefix="codex-hook-")
        os.unlink(path)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.lseek(fd, 0, os.SEEK_SET)
    except BaseException:
        os.close(fd)
        raise
    return fd


class ToolHook:
    """Runs `argv` once per phase with the JSON document on stdin; never raises (but cancels)."""

    def __init__(self, argv: Sequence[str], timeout_ms: int = DEFAULT_HOOK_TIMEOUT_MS) -> None:
        self.argv = [os.path.expanduser(a) if a.startswith("~") else a for a in argv]
        self.timeout = max(1, int(timeout_ms)) / 1000

    async def run(self, document: dict[str, Any]) -> None:
        try:
            stdin = document_stdin(orjson.dumps(document))
        except OSError as exc:
            log.error("tool hook %s could not start: no input file: %s", self.argv[0], exc)
            return
        try:
            process = await asyncio.create_subprocess_exec(
                *self.argv,
                stdin=stdin,
                stdout=2,  # our stderr: see the module docstring
                start_new_session=True,  # its own group, so a hang is killed with its children
            )
        except OSError as exc:
            log.error("tool hook %s could not start: %s", self.argv[0], exc)
            return
        finally:
            os.close(stdin)
        try:
            await asyncio.wait_for(process.wait(), self.timeout)
        except TimeoutError:
            kill_group_if_running(process)
            log.error(
                "tool hook %s did not finish within %d ms; killed",
                self.argv[0],
                int(self.timeout * 1000),
            )
            await process.wait()
            return
        except BaseException:
            kill_group_if_running(process)
            with contextlib.suppress(BaseException):
                await asyncio.shield(process.wait())
            raise
        if process.returncode:
            log.error("tool hook %s exited with status %s", self.argv[0], process.returncode)


class ToolHooks:
    """Everything that runs around a tool call: the seed's `tool_hook_command` and the
    Claude-style hooks.json hooks (codex.tools.claude_hooks), run concurrently per phase.
    Each runs only while trusted and enabled (`gate`, codex.tools.hook_trust); `seed_id` is the
    seed's trust key and hash."""

    def __init__(
        self,
        seed: ToolHook | None,
        claude: Any = None,
        *,
        gate: Any = None,
        seed_id: tuple[str, str] = ("", ""),
    ) -> None:
        self.seed = seed
        self.claude = claude
        self.gate = gate  # None: everything runs (a caller that vetted the hooks itself)
        self.seed_id = seed_id
        self._lifecycle: Any = None

    @property
    def lifecycle(self) -> Any:
        """The session's lifecycle hooks (codex.tools.lifecycle_hooks.LifecycleHooks), or None
        when no lifecycle event has hooks."""
        claude = self.claude
        if claude is None or not any(claude.events.values()):
            return None
        if self._lifecycle is None:
            from codex.tools.lifecycle_hooks import LifecycleHooks

            self._lifecycle = LifecycleHooks(claude)
        return self._lifecycle

    def _seed(self) -> ToolHook | None:
        if self.seed is None or self.gate is None or self.gate.allows(*self.seed_id):
            return self.seed
        return None

    def pending_review(self) -> int:
        """How many hooks wait for the user's review (new, or changed since trusted)."""
        if self.gate is None:
            return 0
        ids = [self.seed_id] if self.seed is not None else []
        if self.claude is not None:
            ids += [(h.key, h.hash) for h in self.claude.hooks]
        return sum(1 for key, digest in ids if self.gate.status(key, digest) != "trusted")

    async def before(self, call: ToolCall, ctx: Any = None) -> str | None:
        """Run the before hooks (`ctx`: the turn's ToolContext); what the model gets when a
        PreToolUse hook vetoes the call (it must not run), or None."""
        jobs: list[Any] = []
        seed = self._seed()
        if seed is not None:
            jobs.append(seed.run(before_document(call)))
        if self.claude is not None:
            jobs.append(self.claude.pre_tool_use(call, ctx))
        results = await asyncio.gather(*jobs)
        return next((r for r in results if isinstance(r, str)), None)

    async def after(
        self,
        call: ToolCall,
        *,
        response: dict[str, Any] | None,
        error: str | None,
        ran: bool,
        ctx: Any = None,
    ) -> None:
        jobs: list[Any] = []
        seed = self._seed()
        if seed is not None:
            jobs.append(seed.run(after_document(call, response=response, error=error)))
        if self.claude is not None and ran:
            output = response.get("output") if response is not None else {"error": error}
            jobs.append(self.claude.post_tool_use(call, output, ctx))
        await asyncio.gather(*jobs)


def _may_exist(path: str) -> bool:
    """False only when `path` is certainly missing (then codex.tools.claude_hooks, which reads
    and reports the file, is not imported at all)."""
    try:
        os.stat(path)
    except FileNotFoundError:
        return False
    except OSError:
        return True
    return True


def seed_timeout_ms(config: Any) -> int:
    """`tool_hook_timeout_ms` when valid, else the default (one run of `tool_hook_command`)."""
    timeout = getattr(config, "tool_hook_timeout_ms", None)
    if not isinstance(timeout, int) or isinstance(timeout, bool) or timeout <= 0:
        return DEFAULT_HOOK_TIMEOUT_MS
    return timeout


def seed_trust_id(config: Any) -> tuple[str, str]:
    """The `[hooks.state]` key and trust hash of the configured `tool_hook_command`."""
    from codex.tools.hook_trust import tool_hook_hash, tool_hook_key

    argv = [str(a) for a in getattr(config, "tool_hook_command", None) or ()]
    return tool_hook_key(config.config_file), tool_hook_hash(argv, seed_timeout_ms(config))


def trust_bypassed() -> bool:
    """`--dangerously-bypass-hook-trust` was on this process's command line (never a config
    value: codex._hook_trust_flag says why)."""
    from codex._hook_trust_flag import bypass_requested

    return bypass_requested()


def toml_hook_tables(config: Any) -> dict[str, Any]:
    """config.toml's `[hooks]` event tables (0.169's hooks in config.toml; `state` and the
    other keys are not hooks)."""
    from codex.tools.hook_trust import EVENT_LABELS

    table = getattr(config, "hooks", None)
    if not isinstance(table, dict):
        return {}
    return {key: value for key, value in table.items() if key in EVENT_LABELS}


def hook_from_config(
    config: Any, *, warn: Callable[[str], None] | None = None, **context: Any
) -> ToolHooks | None:
    """The configured hooks, or None. `tool_hook_timeout_ms` (codex-py) bounds one run of
    `tool_hook_command`; `context` (session_id, transcript_path, cwd) goes to hooks.json hooks.
    Hooks run only once trusted (codex.tools.hook_trust); when some wait for review, `warn`
    gets one line saying how many and where to review them. A malformed hooks.json is a
    CodexError."""
    seed = None
    argv = getattr(config, "tool_hook_command", None)
    if argv:
        seed = ToolHook(argv, seed_timeout_ms(config))
    claude = None
    home = getattr(config, "codex_home", None)
    toml_hooks = toml_hook_tables(config)
    if home is not None and (toml_hooks or _may_exist(os.path.join(home, "hooks.json"))):
        from codex.tools.claude_hooks import ClaudeHooks  # lazy: only with hooks configured

        claude = ClaudeHooks.load(
            home, toml_hooks=toml_hooks, config_file=config.config_file, **context
        )
        for line in claude.warnings if claude is not None and warn is not None else ():
            warn(line)  # groups skipped as read (a bad matcher), worded as 0.169 warns
    if seed is None and claude is None:
        return None
    from codex.tools.hook_trust import TrustGate, review_warning

    gate = TrustGate(config.config_file, bypass=trust_bypassed())
    if claude is not None:
        claude.gate = gate
    hooks = ToolHooks(seed, claude, gate=gate, seed_id=seed_trust_id(config) if seed else ("", ""))
    pending = 0 if gate.bypass else hooks.pending_review()
    if pending and warn is not None:
        warn(review_warning(pending))
    return hooks
