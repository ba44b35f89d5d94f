"""Core events → human-readable progress for stderr (the default `codex exec` output).

Pure: `process(msg)` returns the text to write to stderr for one EventMsg (wire-form dict) and
remembers what the run needs at the end (final message, token usage, failure). The runner writes
the text and, at the end, prints only the final agent message on stdout, so
`codex exec "…" > answer.txt` captures just the answer. Colours are ANSI SGR codes, on only when
the caller says so (`--color`, TTY detection live in the runner).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from codex.thread_events.jsonl import command_display
from codex.thread_events.processor import Msg, Rendered

MAX_OUTPUT_LINES = 20  # per command, as upstream: CI logs stay readable

_SGR = {
    "bold": "1",
    "dim": "2",
    "italic": "3",
    "red": "31",
    "green": "32",
    "yellow": "33",
    "magenta": "35",
    "cyan": "36",
}


@dataclass(slots=True, frozen=True)
class Palette:
    enabled: bool

    def __call__(self, text: str, *styles: str) -> str:
        if not self.enabled or not styles:
            return text
        codes = ";".join(_SGR[s] for s in styles)
        return f"\x1b[{codes}m{text}\x1b[0m"


def format_thousands(n: int) -> str:
    return f"{n:,}"


def format_duration(seconds: float) -> str:
    if seconds < 1:
        return f"{int(seconds * 1000)}ms"
    if seconds < 60:
        return f"{seconds:.2f}s"
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes}m {rest:02d}s"


def _duration_seconds(value: Any) -> float | None:
    # Core durations come as {"secs": n, "nanos": n} (serde) or as float seconds.
    if isinstance(value, dict):
        return float(value.get("secs", 0)) + float(value.get("nanos", 0)) / 1e9
    if isinstance(value, int | float):
        return float(value)
    return None


def _hook_event(msg: Msg) -> str:
    """A hook run's event as 0.169 prints it: `pre_tool_use` -> `PreToolUse`."""
    run = msg.get("run") or {}
    return "".join(part.capitalize() for part in str(run.get("event_name", "")).split("_"))


@dataclass(slots=True)
class HumanEventProcessor:
    color: Palette = field(default_factory=lambda: Palette(False))
    show_reasoning: bool = True
    final_message: str | None = None
    total_tokens: int | None = None
    saw_error: bool = False
    turn_done: bool = False
    _last_diff: str = ""
    _patch_paths: dict[str, list[str]] = field(default_factory=dict)
    # session_configured -> the header (`header(version, entries, prompt)`); the front end
    # knows the version, the summary and the prompt.
    header_for: Callable[[Msg], str] | None = None

    # ---- the EventProcessor interface (codex.thread_events.processor) -----------------------

    @property
    def handled(self) -> frozenset[str]:
        return HANDLED

    def render(self, msg: Msg) -> Rendered:
        """Progress text for stderr (the header for session_configured)."""
        if msg.get("type") == "session_configured":
            return Rendered(stderr=self.header_for(msg) if self.header_for is not None else "")
        return Rendered(stderr=self.process(msg))

    def finish(self, last_agent_message: str | None) -> Rendered:
        """The token footer on stderr, and only the final answer on stdout."""
        final = last_agent_message
        if final is not None and not final.endswith("\n"):
            final += "\n"
        return Rendered(stdout=final.encode() if final is not None else b"", stderr=self.footer())

    # ---- the header (before any event) ------------------------------------------------------

    def header(self, version: str, entries: list[tuple[str, str]], prompt: str) -> str:
        c = self.color
        lines = [f"OpenAI Codex v{version}", "--------"]
        lines += [f"{c(key + ':', 'bold')} {value}" for key, value in entries]
        lines += ["--------", c("user", "cyan"), prompt]
        return "\n".join(lines) + "\n"

    def footer(self) -> str:
        if self.total_tokens is None:
            return ""
        c = self.color
        return f"{c('tokens used', 'magenta', 'bold')}\n{format_thousands(self.total_tokens)}\n"

    # ---- events -----------------------------------------------------------------------------

    def process(self, msg: Msg) -> str:
        handler = getattr(self, "_on_" + str(msg.get("type")), None)
        if handler is None:
            return ""
        return handler(msg)

    def _on_error(self, msg: Msg) -> str:
        self.saw_error = True
        return f"{self.color('ERROR:', 'red')} {msg.get('message', '')}\n"

    def _on_warning(self, msg: Msg) -> str:
        return f"{self.color('warning:', 'yellow', 'bold')} {msg.get('message', '')}\n"

    def _on_hook_started(self, msg: Msg) -> str:
        """0.169's "hook: <Event>" as a hook run begins."""
        return f"hook: {_hook_event(msg)}\n"

    def _on_hook_completed(self, msg: Msg) -> str:
        """0.169's "hook: <Event> <Status>" (Completed, Blocked, Failed, ...) as it ends."""
        run = msg.get("run") or {}
        return f"hook: {_hook_event(msg)} {str(run.get('status', '')).capitalize()}\n"

    def _on_deprecation_notice(self, msg: Msg) -> str:
        out = f"{self.color('deprecated:', 'magenta', 'bold')} {msg.get('summary', '')}\n"
        if msg.get("details"):
            out += f"  {self.color(str(msg['details']), 'dim')}\n"
        return out

    def _on_stream_error(self, msg: Msg) -> str:
        message = str(msg.get("message", ""))
        details = msg.get("additional_details")
        if details and str(details).strip():
            message = f"{message} ({details})"
        return self.color(message, "dim") + "\n"

    def _on_background_event(self, msg: Msg) -> str:
        return self.color(str(msg.get("message", "")), "dim") + "\n"

    def _on_token_count(self, msg: Msg) -> str:
        info = msg.get("info")
        if info and info.get("total_token_usage"):
            # The blended figure UIs show: non-cached input plus output.
            total = info["total_token_usage"]
            cached = max(0, int(total.get("cached_input_tokens") or 0))
            non_cached = max(0, int(total.get("input_tokens") or 0) - cached)
            self.total_tokens = non_cached + max(0, int(total.get("output_tokens") or 0))
        return ""

    def _on_task_complete(self, msg: Msg) -> str:
        self.final_message = msg.get("last_agent_message")
        self.turn_done = True
        return ""

    _on_turn_complete = _on_task_complete

    def _on_agent_message(self, msg: Msg) -> str:
        return f"{self.color('codex', 'italic', 'magenta')}\n{msg.get('message', '')}\n"

    def _on_agent_reasoning(self, msg: Msg) -> str:
        if not self.show_reasoning or not msg.get("text"):
            return ""
        return self.color(str(msg["text"]), "italic") + "\n"  # 0.169: the summary, no header

    def _on_agent_reasoning_raw_content(self, msg: Msg) -> str:
        return ""

    def _on_exec_command_begin(self, msg: Msg) -> str:
        c = self.color
        command = command_display(msg.get("command"))
        return f"{c('exec', 'italic', 'magenta')}\n{c(command, 'bold')} in {msg.get('cwd', '')}\n"

    def _on_exec_command_end(self, msg: Msg) -> str:
        c = self.color
        seconds = _duration_seconds(msg.get("duration"))
        took = f" in {format_duration(seconds)}" if seconds is not None else ""
        exit_code = msg.get("exit_code")
        if exit_code == 0:
            title = c(f" succeeded{took}:", "green")
        else:
            title = c(f" exited {exit_code}{took}:", "red")
        output = str(msg.get("aggregated_output") or "")
        shown = "\n".join(output.splitlines()[:MAX_OUTPUT_LINES])
        return f"{title}\n{c(shown, 'dim')}\n\n"

    def _on_mcp_tool_call_begin(self, msg: Msg) -> str:
        inv = msg.get("invocation") or {}
        return f"{self.color('tool', 'magenta')} {self.color(_mcp_display(inv), 'bold')}\n"

    def _on_mcp_tool_call_end(self, msg: Msg) -> str:
        c = self.color
        raw = msg.get("result")
        ok = isinstance(raw, dict) and "Err" not in raw
        if ok:
            inner = raw.get("Ok", raw)  # type: ignore[union-attr]
            ok = not inner.get("is_error", inner.get("isError"))
        seconds = _duration_seconds(msg.get("duration"))
        took = f" in {format_duration(seconds)}" if seconds is not None else ""
        status = "success" if ok else "failed"
        inv = _mcp_display(msg.get("invocation") or {})
        return c(f"{inv} {status}{took}:", "green" if ok else "red") + "\n"

    def _on_web_search_end(self, msg: Msg) -> str:
        return f"{self.color('web search:', 'magenta')} {msg.get('query', '')}\n"

    # Patches read as in 0.169: "apply patch", then "patch: completed" with the paths touched,
    # then the turn's diff itself.
    def _on_patch_apply_begin(self, msg: Msg) -> str:
        self._patch_paths[str(msg.get("call_id"))] = [
            _change_display(path, change) for path, change in (msg.get("changes") or {}).items()
        ]
        return self.color("apply patch", "magenta") + "\n"

    def _on_patch_apply_end(self, msg: Msg) -> str:
        c = self.color
        paths = self._patch_paths.pop(str(msg.get("call_id")), None)
        if paths is None:
            paths = [
                _change_display(path, change) for path, change in (msg.get("changes") or {}).items()
            ]
        if msg.get("success"):
            return "\n".join([c("patch: completed", "green"), *paths]) + "\n"
        detail = str(msg.get("stderr") or "").strip()
        return "\n".join([c("patch: failed", "red"), *paths, *([detail] if detail else [])]) + "\n"

    def _on_turn_diff(self, msg: Msg) -> str:
        # Core re-sends the aggregate diff after every patch and every response; show it only
        # when it changed, so a log holds each version once.
        diff = str(msg.get("unified_diff") or "")
        if not diff.strip() or diff == self._last_diff:
            return ""
        self._last_diff = diff
        return diff.rstrip("\n") + "\n\n"

    def _on_plan_update(self, msg: Msg) -> str:
        c = self.color
        lines = [c("Plan update", "magenta")]
        if msg.get("explanation"):
            lines.append(c(str(msg["explanation"]), "italic"))
        marks = {"completed": "✓", "in_progress": "→", "pending": "•"}
        for step in msg.get("plan") or ():
            status = step.get("status", "pending")
            lines.append(f"  {marks.get(status, '•')} {step.get('step', '')}")
        return "\n".join(lines) + "\n"

    def _on_turn_aborted(self, msg: Msg) -> str:
        return self.color(f"task aborted: {msg.get('reason', 'interrupted')}", "red") + "\n"


def _change_display(path: str, change: Any) -> str:
    move = change.get("move_path") if isinstance(change, dict) else None
    return f"{path} → {move}" if move else str(path)


def _mcp_display(invocation: Msg) -> str:
    import json

    args = invocation.get("arguments")
    shown = "" if args is None else json.dumps(args, separators=(",", ":"))
    return f"{invocation.get('server', '')}.{invocation.get('tool', '')}({shown})"


# The EventMsg types this processor reacts to (plus the header's session_configured).
HANDLED = frozenset(name[4:] for name in dir(HumanEventProcessor) if name.startswith("_on_")) | {
    "session_configured"
}
