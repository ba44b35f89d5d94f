"""OpenTelemetry for a session (`[otel]`, spec-platform §10): spans for the session, each turn,
each model request and each tool call, and upstream's log events (`codex.conversation_starts`,
`codex.user_prompt`, `codex.api_request`, `codex.sse_event`, `codex.tool_decision`,
`codex.tool_result`), sent by the opentelemetry SDK's OTLP exporters.

The SDK runs in a process of its own (codex.core.otel_agent): this side only numbers spans and
writes one JSON line per span start, span end and log event into a pipe, without blocking (what
the pipe cannot take yet waits in a buffer until the next write or the end of the session). With
no exporter configured, `telemetry_for` returns None and nothing of this is imported.

As upstream: `exporter` sends the log events, `trace_exporter` the spans (no default: OTLP/HTTP
endpoints are per signal); prompts are sent as `[REDACTED]` unless `log_user_prompt = true`.
codex-py sends metrics nowhere (`metrics_exporter`, upstream's Statsig default included: it never
reports to a service the user did not name). Every value goes through the rollout redactor, so
credentials in commands, outputs or prompts are never exported.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import select
import subprocess
import sys
import time
from typing import Any

import orjson

from codex.rollout.redact import Redactor

__all__ = ["Telemetry", "telemetry_for"]

_OUTPUT_LIMIT = 4096  # characters of a tool's output kept in a `codex.tool_result` event
# Characters past the cut that are scrubbed with it: a credential straddling the cut is matched
# whole (and replaced) instead of leaving a prefix too short for the redactor's patterns.
_SCRUB_MARGIN = 4096
_BUFFER_LIMIT = 8 << 20  # bytes waiting for a stalled export process; later events are dropped
_EARLY_LIMIT = 256 << 10  # bytes buffered before the first turn's end starts the export anyway
_CLOSE_WAIT = 2.0  # seconds the session's end waits for the export process to take the rest


def _exporter(value: Any) -> dict[str, Any] | None:
    """`{"otlp-http": {...}}` as plain data, or None for "none"/"statsig"/absent."""
    if not isinstance(value, dict) or not value:
        return None
    (name, table), *_ = value.items()
    data = (
        table
        if isinstance(table, dict)
        else {k: getattr(table, k) for k in ("endpoint", "headers", "protocol", "tls")}
    )
    return {name: {k: v for k, v in data.items() if v is not None}}


_TLS_FILES = ("ca-certificate", "client-certificate", "client-private-key")


def _unreadable_tls_file(*specs: dict[str, Any] | None) -> str | None:
    """0.169's words for the first `[tls]` file of an exporter that cannot be read, if any:
    checked here, before the export process starts, so a typo is reported instead of every
    export failing silently in the background."""
    for spec in specs:
        for table in (spec or {}).values():
            for key in _TLS_FILES:
                path = (table.get("tls") or {}).get(key)
                if not path:
                    continue
                try:
                    with open(path, "rb"):
                        pass
                except OSError as exc:
                    return f"failed to read {path}: {exc.strerror} (os error {exc.errno})"
    return None


def telemetry_for(
    config: Any, *, conversation_id: str, originator: str, model: str
) -> Telemetry | None:
    """The session's telemetry, or None when `[otel]` exports nothing (the default)."""
    otel = getattr(config, "otel", None)
    if otel is None:
        return None
    logs = _exporter(otel.exporter)
    traces = _exporter(getattr(otel, "trace_exporter", None))
    if logs is None and traces is None:
        return None
    problem = _unreadable_tls_file(logs, traces)
    if problem is not None:
        # As 0.169: one error, and the session runs without OpenTelemetry (logged, so the
        # TUI's screen is not written over; exec shows it on stderr).
        import logging

        logging.getLogger("codex.core.otel").error("Could not create otel exporter: %s", problem)
        return None
    try:
        return Telemetry(config, logs, traces, conversation_id, originator, model)
    except OSError:
        return None  # no process could be started: the session runs without telemetry


class Telemetry:
    """One session's spans and events, streamed to the export process."""

    __slots__ = (
        "_buffer",
        "_common",
        "_fd",
        "_ids",
        "_log_prompt",
        "_proc",
        "_redactor",
        "_requests",
        "_session",
        "_tools",
        "_turns",
    )

    def __init__(
        self,
        config: Any,
        logs: dict[str, Any] | None,
        traces: dict[str, Any] | None,
        conversation_id: str,
        originator: str,
        model: str,
    ) -> None:
        from codex import __version__
        from codex.protocol.terminal import terminal_token

        self._redactor = Redactor()
        self._log_prompt = bool(config.otel.log_user_prompt)
        self._ids = itertools.count(1)
        self._buffer = bytearray()
        self._turns: dict[str, int] = {}
        self._tools: dict[str, tuple[int, int]] = {}
        self._requests: dict[int, int] = {}
        self._common = {
            "conversation.id": conversation_id,
            "app.version": __version__,
            "originator": originator,
            "model": model,
            "slug": model,
            "terminal.type": terminal_token(),  # the User-Agent's terminal token
        }
        # The export process starts when the first turn ends (or the session does, or much is
        # waiting): its start-up (~0.6 s of CPU for Python and the SDK) then never competes
        # with a turn for the machine; a one-turn `codex exec` ran ~25% longer on 2 cores.
        self._proc: subprocess.Popen[bytes] | None = None
        self._fd = -1
        resource = {
            "service.name": originator,
            "service.version": __version__,
            "env": str(config.otel.environment),
        }
        # Not scrubbed: the exporters' own settings (an `authorization = "Bearer ..."` header
        # for the collector) go to our own process, and must reach it as written.
        self._send({"resource": resource, "logs": logs, "traces": traces}, scrub=False)
        self._session = self.start_span("codex.session", None, {})
        self.event(
            "codex.conversation_starts",
            {
                "provider_name": str(config.model_provider),
                "reasoning_effort": str(config.model_reasoning_effort or ""),
                "context_window": int(config.model_context_window or 0),
                "approval_policy": str(config.approval_policy),
                "sandbox_policy": str(config.sandbox_mode or ""),
                "mcp_servers": ",".join(sorted(config.mcp_servers or {})),
                "active_profile": str(config.profile or ""),
            },
        )

    # ---- the pipe ------------------------------------------------------------------------

    def _send(self, obj: dict[str, Any], *, scrub: bool = True) -> None:
        line = orjson.dumps(obj)
        if scrub:
            line = self._redactor.scrub(line)
        if len(self._buffer) + len(line) > _BUFFER_LIMIT:
            self._drain()
            if len(self._buffer) + len(line) > _BUFFER_LIMIT:
                return  # the export process is stalled: telemetry is lost, memory is not
        self._buffer += line + b"\n"
        self._drain()

    def _start(self) -> None:
        """Start the export process (once) and hand it what is waiting."""
        if self._proc is not None:
            return
        try:
            self._proc = subprocess.Popen(
                # -P: `-m` would put the cwd (the work tree, which the model writes) first on
                # sys.path, and a planted `orjson.py` would run outside the sandbox.
                [sys.executable, "-P", "-m", "codex.core.otel_agent"],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,  # a Ctrl-C in the terminal must not cut the last flush
                close_fds=True,
            )
        except OSError:
            self._buffer.clear()  # no process: the session runs without telemetry
            self._fd = -2
            return
        assert self._proc.stdin is not None
        self._fd = self._proc.stdin.fileno()
        os.set_blocking(self._fd, False)
        self._drain()

    def _drain(self) -> None:
        if self._fd < 0:
            if self._fd == -2:
                self._buffer.clear()
            elif len(self._buffer) > _EARLY_LIMIT:
                self._start()  # a long first turn: stream from now on
            return
        while self._buffer:
            try:
                written = os.write(self._fd, self._buffer)
            except BlockingIOError:
                return  # the agent is still starting; the rest goes with a later write
            except OSError:
                self._buffer.clear()  # the agent is gone: telemetry is lost, the session is not
                return
            del self._buffer[:written]

    def close(self) -> None:
        """End the session span and hand everything to the agent, which flushes after we exit."""
        for span in [*self._requests, *(s for s, _ in self._tools.values()), *self._turns.values()]:
            self.end_span(span)
        self.end_span(self._session)
        self._start()
        # What the pipe cannot take yet gets a bounded wait, never a blocking write: a stalled
        # export process (stopped, swapped out) must not hold the session's exit.
        deadline = time.monotonic() + _CLOSE_WAIT
        while self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            with contextlib.suppress(OSError, ValueError):
                select.select([], [self._fd], [], left)
            self._drain()
        if self._proc is not None and self._proc.stdin is not None:
            with contextlib.suppress(OSError):
                self._proc.stdin.close()

    # ---- spans and events ------------------------------------------------------------------

    def start_span(self, name: str, parent: int | None, attrs: dict[str, Any]) -> int:
        span = next(self._ids)
        self._send({"k": "start", "i": span, "p": parent, "n": name, "t": time.time_ns(),
                    "a": {**self._common, **attrs}})  # fmt: skip
        return span

    def end_span(self, span: int, attrs: dict[str, Any] | None = None, error: str = "") -> None:
        self._send({"k": "end", "i": span, "t": time.time_ns(), "a": attrs, "e": error})

    def event(self, name: str, attrs: dict[str, Any], parent: int | None = None) -> None:
        data = {"event.name": name, "event.timestamp": _iso_now(), **self._common, **attrs}
        self._send({"k": "log", "t": time.time_ns(), "p": parent or self._session, "a": data})

    # ---- what the session reports ----------------------------------------------------------

    def observe(self, msg: Any) -> None:
        """Turn spans and prompt/usage events from the session's own events."""
        kind = type(msg).__name__
        if kind == "TaskStarted":
            self._turns[msg.turn_id] = self.start_span(
                "session_task.turn", self._session, {"turn.id": msg.turn_id}
            )
        elif kind in ("TaskComplete", "TurnAborted"):
            span = self._turns.pop(str(msg.turn_id or ""), None)
            if span is not None:
                reason = "" if kind == "TaskComplete" else f"aborted: {msg.reason}"
                self.end_span(span, error=reason)
            self._start()
        elif kind == "UserMessage":
            text = msg.message or ""
            self.event(
                "codex.user_prompt",
                {
                    "prompt_length": len(text),
                    "prompt": text if self._log_prompt else "[REDACTED]",
                    "image_input_count": len(msg.images or []) + len(msg.local_images or []),
                },
                self._current_turn(),
            )
        elif kind == "StreamError":
            self.event("codex.sse_event", {"error.message": msg.message}, self._current_turn())

    def _current_turn(self) -> int | None:
        return next(reversed(self._turns.values()), None) if self._turns else None

    def request_started(self, turn_id: str, model: str, attempt: int = 1) -> int:
        span = self.start_span(
            "run_sampling_request", self._turns.get(turn_id), {"turn.id": turn_id, "model": model}
        )
        self._requests[span] = time.monotonic_ns()
        return span

    def request_finished(self, span: int, usage: Any = None, error: str = "") -> None:
        started = self._requests.pop(span, time.monotonic_ns())
        duration_ms = (time.monotonic_ns() - started) // 1_000_000
        attrs: dict[str, Any] = {"duration_ms": duration_ms}
        if usage is not None:
            attrs.update(
                {
                    "gen_ai.usage.input_tokens": int(usage.input_tokens),
                    "gen_ai.usage.cache_read.input_tokens": int(usage.cached_input_tokens),
                    "gen_ai.usage.output_tokens": int(usage.output_tokens),
                    "codex.usage.reasoning_output_tokens": int(usage.reasoning_output_tokens),
                    "codex.usage.total_tokens": int(usage.total_tokens),
                }
            )
            self.event(
                "codex.sse_event",
                {
                    "event.kind": "response.completed",
                    "input_token_count": int(usage.input_tokens),
                    "output_token_count": int(usage.output_tokens),
                    "cached_token_count": int(usage.cached_input_tokens),
                    "reasoning_token_count": int(usage.reasoning_output_tokens),
                    "tool_token_count": 0,
                },
                span,
            )
        request: dict[str, Any] = {"attempt": 1, "duration_ms": duration_ms}
        if error:
            request["error.message"] = error
        self.event("codex.api_request", request, span)
        self.end_span(span, attrs, error)

    def tool_started(self, turn_id: str, name: str, call_id: str) -> None:
        span = self.start_span(
            "handle_tool_call", self._turns.get(turn_id), {"tool_name": name, "call_id": call_id}
        )
        self._tools[call_id] = (span, time.monotonic_ns())

    def tool_finished(
        self, name: str, call_id: str, arguments: str, output: str, success: bool
    ) -> None:
        span, started = self._tools.pop(call_id, (None, time.monotonic_ns()))
        duration_ms = (time.monotonic_ns() - started) // 1_000_000
        self.event(
            "codex.tool_result",
            {
                "tool_name": name,
                "call_id": call_id,
                "arguments": arguments,
                "duration_ms": duration_ms,
                "success": "true" if success else "false",
                "output": self._clip(output),
            },
            span,
        )
        if span is not None:
            self.end_span(span, {"success": success}, "" if success else "tool failed")

    def _clip(self, text: str) -> str:
        """The first `_OUTPUT_LIMIT` characters of a tool's output, scrubbed before the cut."""
        if len(text) <= _OUTPUT_LIMIT:
            return text
        scrubbed = orjson.loads(
            self._redactor.scrub(orjson.dumps(text[: _OUTPUT_LIMIT + _SCRUB_MARGIN]))
        )
        return str(scrubbed)[:_OUTPUT_LIMIT]

    def tool_decision(self, name: str, call_id: str, decision: str, source: str) -> None:
        attrs = {"tool_name": name, "call_id": call_id, "decision": decision, "source": source}
        self.event("codex.tool_decision", attrs, self._tools.get(call_id, (None,))[0])


def _iso_now() -> str:
    now = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + f".{int(now % 1 * 1000):03d}Z"
