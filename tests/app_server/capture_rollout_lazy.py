"""When a thread's rollout file is made, as 0.169's app-server makes it (facts for
test_lazy_rollout.py): `python -m tests.app_server.capture_rollout_lazy` (needs the anchor,
tests/support/official.py) rewrites tests/fixtures/rollout_lazy_official.json.

One scenario, run the same way against either binary (`lazy_facts(argv)`): a thread started
and read but never run, then run once; a thread never run, resumed and forked in the same
server and, after the server shut down, from a new one; a thread read with its turns before it
ran; a thread given items (thread/inject_items) before it ran; a fork of a thread that ran.
Each fact is a boolean, a count, a line kind or an error reply with the thread id replaced by
`<id>`, so the file compares across runs.

The capture waits between steps (`gap` seconds) so that a timestamp tells which call it was
taken at; the test runs with no gap (its facts hold either way).
"""

from __future__ import annotations

import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tests.support.model_stream import Message, Turn, Usage
from tests.support.official_drive import app_server_argv, capture_main, rollout_files, scratch

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "rollout_lazy_official.json"


def _now() -> str:
    """The client's clock in the rollout's timestamp format (both compare as strings)."""
    t = datetime.now(UTC)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def _error(reply: dict[str, Any], thread_id: str) -> Any:
    error = reply.get("error")
    if error is None:
        return None
    return {"code": error["code"], "message": error["message"].replace(thread_id, "<id>")}


def _tag(line: dict[str, Any]) -> str:
    payload = line.get("payload") or {}
    tag = line["type"]
    if isinstance(payload.get("type"), str) and line["type"] != "session_meta":
        tag += ":" + payload["type"]
    if isinstance(payload.get("role"), str):
        tag += ":" + payload["role"]
    return tag


def lazy_facts(argv: list[str], gap: float = 0.0) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    with scratch(reply=Turn([Message("ok")], usage=Usage(20, 0, 2))) as s:
        home, repo = s.home, s.repo
        with s.serve(argv) as client:
            started_at = _now()
            a = client.call("thread/start", {"cwd": str(repo)})["thread"]
            started_back = _now()
            time.sleep(gap)
            facts["files_after_thread_start"] = len(rollout_files(home))
            facts["thread_list_after_thread_start"] = len(client.call("thread/list", {})["data"])
            read = client.call("thread/read", {"threadId": a["id"]})["thread"]
            facts["read_never_run"] = {
                "path_is_start_path": read["path"] == a["path"],
                "path_exists": Path(a["path"]).exists(),
                "turns": read["turns"],
            }
            time.sleep(gap)
            turn_at = _now()
            client.turn(a["id"], "hello")
            files = rollout_files(home)
            facts["files_after_first_turn"] = len(files)
            facts["file_is_start_path"] = [str(f) for f in files] == [a["path"]]
            lines = [json.loads(x) for x in Path(a["path"]).read_text().splitlines()]
            meta = lines[0]
            facts["first_line"] = _tag(meta)
            # Stamps against the client's clock: the line is stamped when the file is written
            # (the first turn), its payload at the thread start.
            facts["meta_line_stamp_at_or_after_turn_start"] = meta["timestamp"] >= turn_at
            facts["meta_payload_stamp_within_thread_start"] = (
                started_at <= meta["payload"]["timestamp"] <= started_back
            )
            facts["second_line"] = _tag(lines[1])
            facts["thread_list_after_turn"] = len(client.call("thread/list", {})["data"])

            b = client.call("thread/start", {"cwd": str(repo)})["thread"]
            bid = b["id"]
            resumed, _ = client.response(client.start("thread/resume", {"threadId": bid}))
            facts["resume_never_run_same_server"] = _error(resumed, bid)
            forked, _ = client.response(client.start("thread/fork", {"threadId": bid}))
            facts["fork_never_run_same_server"] = _error(forked, bid)

            c = client.call("thread/start", {"cwd": str(repo)})["thread"]
            with_turns, _ = client.response(
                client.start("thread/read", {"threadId": c["id"], "includeTurns": True})
            )
            facts["read_include_turns_never_run"] = _error(with_turns, c["id"])
            facts["read_include_turns_never_run_made_file"] = Path(c["path"]).exists()

            d = client.call("thread/start", {"cwd": str(repo)})["thread"]
            text = [{"type": "input_text", "text": "injected"}]
            injected = {"type": "message", "role": "user", "content": text}
            client.call("thread/inject_items", {"threadId": d["id"], "items": [injected]})
            facts["inject_items_never_run_made_file"] = Path(d["path"]).exists()

            fork = client.call("thread/fork", {"threadId": a["id"]})["thread"]
            facts["fork_of_run_thread_file_at_once"] = Path(fork["path"]).exists()
        facts["exit_code"] = client.proc.returncode
        facts["never_run_file_after_shutdown"] = Path(b["path"]).exists()
        facts["fork_of_run_thread_file_after_shutdown"] = Path(fork["path"]).exists()

        with s.serve(argv) as again:
            for method in ("thread/resume", "thread/read", "thread/fork"):
                reply, _ = again.response(again.start(method, {"threadId": bid}))
                facts[f"{method.split('/')[1]}_never_run_new_server"] = _error(reply, bid)
    return facts


def main() -> int:
    # Stamps tell which call they were taken at only with a gap between the calls.
    return capture_main(
        FIXTURE, lambda binary: lazy_facts(app_server_argv(binary), gap=1.2), indent=2
    )


if __name__ == "__main__":
    sys.exit(main())
