"""Helpers for the viewer tests: the running viewer, and rollouts filed as the CLI files them."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import orjson

SAMPLES = Path(__file__).resolve().parent.parent / "fixtures" / "samples" / "rollouts"


class Viewer:
    def __init__(self, proc: subprocess.Popen[bytes], url: str) -> None:
        self.proc = proc
        self.url = url.rstrip("/")

    def rss_kb(self) -> int:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise AssertionError("no VmRSS")


def place(
    home: Path, session_id: str, lines: list[dict], stamp: str = "2026-11-24T20-48-20"
) -> Path:
    """A rollout named and filed as the CLI files it."""
    year, month, day = stamp[:4], stamp[5:7], stamp[8:10]
    path = home / "sessions" / year / month / day / f"rollout-{stamp}-{session_id}.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"".join(orjson.dumps(line) + b"\n" for line in lines))
    return path


def place_sample(home: Path, name: str) -> tuple[str, Path]:
    src = SAMPLES / name
    meta = orjson.loads(src.read_bytes().split(b"\n", 1)[0])
    sid = meta["payload"]["id"]
    path = home / "sessions" / "2026" / "11" / "24" / f"rollout-2026-11-24T20-48-20-{sid}.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, path)
    return sid, path


def every_kind(sid: str) -> list[dict]:
    """One session holding every item kind the viewer and the export show, in the shapes our
    CLI and 0.169 record them: two turns (one completed, one aborted)."""

    def at(second: float) -> str:
        return f"2026-11-24T20:48:{second:06.3f}Z"

    def ev(second: float, payload: dict) -> dict:
        return {"timestamp": at(second), "type": "event_msg", "payload": payload}

    def ri(second: float, payload: dict) -> dict:
        return {"timestamp": at(second), "type": "response_item", "payload": payload}

    def usage(n: int) -> dict:
        tot = {"input_tokens": 100 * n, "cached_input_tokens": 40 * n, "output_tokens": 10 * n}
        tot["reasoning_output_tokens"] = 5 * n
        tot["total_tokens"] = 110 * n
        last = {k: v // n for k, v in tot.items()}
        return {"type": "token_count", "info": {"total_token_usage": tot, "last_token_usage": last}}

    patch = "*** Begin Patch\n*** Add File: hello.txt\n+line one\n*** End Patch\n"
    plan = {"explanation": "the plan", "plan": [{"step": "write it", "status": "completed"}]}
    return [
        {
            "timestamp": at(0),
            "type": "session_meta",
            "payload": {
                "id": sid,
                "cwd": "/tmp/every",
                "cli_version": "0.169.0",
                "originator": "t",
            },
        },
        ev(1, {"type": "task_started", "turn_id": "t1"}),
        {
            "timestamp": at(1.1),
            "type": "turn_context",
            "payload": {"cwd": "/w", "model": "gpt-5.5"},
        },
        ri(
            1.2,
            {
                "type": "message",
                "role": "user",
                "content": [{"type": "input_text", "text": "do every thing"}],
            },
        ),
        ev(1.2, {"type": "user_message", "message": "do every thing"}),
        ri(
            2,
            {
                "type": "reasoning",
                "summary": [{"type": "summary_text", "text": "thinking **hard**"}],
            },
        ),
        ri(
            3,
            {
                "type": "function_call",
                "name": "exec_command",
                "call_id": "c1",
                "arguments": '{"cmd": "ls -la"}',
            },
        ),
        ri(
            4.5,
            {
                "type": "function_call_output",
                "call_id": "c1",
                "output": (
                    "Chunk ID: 1\nWall time: 1.5000 seconds\nProcess exited with code 2\n"
                    "Output:\nls: no such file\n"
                ),
            },
        ),
        ri(5, {"type": "custom_tool_call", "name": "apply_patch", "call_id": "c2", "input": patch}),
        ri(
            5.2,
            {
                "type": "custom_tool_call_output",
                "call_id": "c2",
                "output": "Exit code: 0\nWall time: 0 seconds\nOutput:\nSuccess.\n",
            },
        ),
        ri(
            6,
            {
                "type": "function_call",
                "name": "update_plan",
                "call_id": "c3",
                "arguments": orjson.dumps(plan).decode(),
            },
        ),
        ri(6.1, {"type": "function_call_output", "call_id": "c3", "output": "Plan updated"}),
        ri(
            7,
            {
                "type": "web_search_call",
                "status": "completed",
                "action": {"type": "search", "query": "rust tokio"},
            },
        ),
        ri(
            8,
            {
                "type": "function_call",
                "name": "mcp__docs__lookup",
                "call_id": "c4",
                "arguments": '{"q": "x"}',
            },
        ),
        ev(
            8.4,
            {
                "type": "item_completed",
                "item": {
                    "type": "McpToolCall",
                    "id": "c4",
                    "server": "docs",
                    "tool": "lookup",
                    "status": "completed",
                    "result": {"content": [{"type": "text", "text": "found it"}]},
                    "duration": {"secs": 0, "nanos": 400000000},
                },
            },
        ),
        ri(8.5, {"type": "function_call_output", "call_id": "c4", "output": "found it"}),
        ri(
            9,
            {
                "type": "custom_tool_call",
                "name": "my_tool",
                "call_id": "c5",
                "input": "custom input",
            },
        ),
        ri(9.1, {"type": "custom_tool_call_output", "call_id": "c5", "output": "custom result"}),
        ev(9.5, usage(1)),
        ev(10, {"type": "stream_error", "message": "Reconnecting... 1/5"}),
        {
            "timestamp": at(11),
            "type": "compacted",
            "payload": {"message": "summary of earlier work"},
        },
        ri(
            12,
            {
                "type": "message",
                "role": "assistant",
                "content": [{"type": "output_text", "text": "all **done**"}],
            },
        ),
        ev(12, {"type": "agent_message", "message": "all **done**"}),
        ev(12.5, usage(2)),
        ev(13, {"type": "task_complete", "turn_id": "t1", "last_agent_message": "all **done**"}),
        ev(20, {"type": "task_started", "turn_id": "t2"}),
        ev(20.5, {"type": "user_message", "message": "second turn"}),
        ev(21, {"type": "error", "message": "model overloaded"}),
        ev(22, {"type": "turn_aborted", "turn_id": "t2", "reason": "interrupted"}),
    ]
