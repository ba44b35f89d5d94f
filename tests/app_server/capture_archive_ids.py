"""What 0.169's app-server answers `thread/archive`, `thread/unarchive` and `thread/delete` given
a thread id that names no thread, is not a uuid, or names a thread in the wrong state (facts
for test_param_archive_ids.py): `python -m tests.app_server.capture_archive_ids` (needs the
anchor, tests/support/official.py) rewrites tests/fixtures/archive_ids_official.json (`ours`
prints what our server answers instead).

One initialized connection in a scratch CODEX_HOME on the loopback mock model server. First
every id form for each method (no thread exists yet), and a few forms for the other methods
that take a thread id; then one real thread through its
states: loaded without a rollout file, recorded, archived, unarchived, deleted. Every answer is
reduced to its error code and message, or "ok"; the real thread's id reads `<thread>`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.app_server.rpc_client import RpcClient
from tests.support.model_stream import Message, Turn
from tests.support.official_drive import Scratch, app_server_argv, capture_main, scratch

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "archive_ids_official.json"

NO_THREAD = "00000000-0000-7000-8000-000000000000"
METHODS = ("thread/archive", "thread/unarchive", "thread/delete")

# Ids of every form the uuid crate might read (hyphenated, simple, braced, urn, upper case)
# and some it cannot; none names a thread.
IDS = (
    NO_THREAD,
    "00000000-0000-0000-0000-000000000000",
    "0195A6C4-0000-7000-8000-000000000001",
    "0195a6c4000070008000000000000001",
    "{0195a6c4-0000-7000-8000-000000000001}",
    "urn:uuid:0195a6c4-0000-7000-8000-000000000001",
    "nope",
    "",
    " 0195a6c4-0000-7000-8000-000000000001",
    "0195a6c4-0000-7000-8000-00000000000g",
    "0195a6c4-0000-7000-8000-0000000000011",
    "{0195a6c4-0000-7000-8000-00000000000}",
    "{0195a6c4000070008000000000000001}",
    "urn:uuid:0195a6c4000070008000000000000001",
    "URN:UUID:0195a6c4-0000-7000-8000-000000000001",
    "0195a6c4-0000-7000-8000",
    "0195a6c-40000-7000-8000-000000000001",
    "0195a6c4-0000-7000-8000-00000000000\u00e9",
    "0195a6c40000700080000000000000011",
)


# Other methods that take a thread id, with their other required params: an id in another
# spelling names the thread by its lower-case hyphenated form in their errors too.
OTHER_METHODS: dict[str, dict[str, Any]] = {
    "thread/read": {},
    "thread/resume": {},
    "thread/fork": {},
    "thread/name/set": {"name": "n"},
    "thread/goal/get": {},
    "thread/goal/set": {"objective": "o"},
    "thread/goal/clear": {},
    "thread/turns/list": {},
    "thread/compact/start": {},
    "turn/start": {"input": []},
    "turn/interrupt": {"turnId": "t"},
    "turn/steer": {"input": [], "expectedTurnId": "t"},
    "review/start": {"target": {"type": "uncommittedChanges"}},
    "thread/shellCommand": {"command": "true"},
}
OTHER_IDS = (
    "0195A6C4-0000-7000-8000-000000000001",
    "{0195a6c4-0000-7000-8000-000000000001}",
    "urn:uuid:0195a6c4-0000-7000-8000-000000000001",
    "nope",
)


def _answer(client: RpcClient, method: str, params: Any, names: dict[str, str]) -> Any:
    """The error (code and message, ids named) of the reply to one call, or "ok"."""
    reply, _ = client.response(client.start(method, params))
    if "error" not in reply:
        return "ok"
    message = reply["error"]["message"]
    for raw, name in names.items():
        message = message.replace(raw, name)
    return {"code": reply["error"]["code"], "message": message}


def _files(home: Path) -> dict[str, int]:
    """How many rollout files each folder holds (a step that writes or moves one shows)."""
    return {
        folder: len(list((home / folder).rglob("rollout-*.jsonl")))
        for folder in ("sessions", "archived_sessions")
    }


def archive_ids_facts(argv: list[str]) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    with scratch(reply=Turn([Message("ok")])) as s:
        # Before `initialize`: the params decode, the id is the method's to read, and the
        # connection is refused first.
        with s.serve(argv, name=None) as fresh:
            facts["before_initialize"] = {
                method: _answer(fresh, method, {"threadId": "nope", **extra}, {})
                for method, extra in BEFORE_INITIALIZE.items()
            }
        with s.serve(argv) as client:
            _scenario(client, s, facts)
    facts["exit_code"] = client.proc.returncode
    return facts


BEFORE_INITIALIZE: dict[str, dict[str, Any]] = {
    "thread/read": {},
    "thread/archive": {},
    "turn/start": {"input": []},
}


def _scenario(client: RpcClient, s: Scratch, facts: dict[str, Any]) -> None:
    """Every id form for each method, then the threads through their states."""
    names = {str(s.root): "<tmp>"}
    facts["ids"] = {
        method: {json.dumps(i): _answer(client, method, {"threadId": i}, names) for i in IDS}
        for method in METHODS
    }
    facts["other_methods"] = {
        method: {i: _answer(client, method, {"threadId": i, **extra}, names) for i in OTHER_IDS}
        for method, extra in OTHER_METHODS.items()
    }
    steps: list[Any] = []

    def step(label: str, method: str, thread_id: str) -> None:
        answer = _answer(client, method, {"threadId": thread_id}, names)
        steps.append([label, method, answer, _files(s.home)])

    # Loaded threads with no rollout file yet (no turn ran): each method first.
    for method in METHODS:
        fresh = client.call("thread/start", {})["thread"]["id"]
        names[fresh] = "<fresh>"
        step("fresh", method, fresh)
        for then in METHODS:
            step("after " + method, then, fresh)
    # A recorded thread through archive, unarchive and delete.
    thread = client.call("thread/start", {})["thread"]["id"]
    names[thread] = "<thread>"
    client.turn(thread, "hello")
    step("recorded", "thread/unarchive", thread)
    step("recorded", "thread/archive", thread)
    step("archived", "thread/archive", thread)
    step("archived", "thread/unarchive", thread)
    step("unarchived", "thread/unarchive", thread)
    step("unarchived", "thread/delete", thread)
    for method in METHODS:
        step("deleted", method, thread)
    facts["states"] = steps


if __name__ == "__main__":
    raise SystemExit(
        capture_main(
            FIXTURE,
            lambda binary: archive_ids_facts(app_server_argv(binary)),
            ours=lambda argv: archive_ids_facts([*argv, "app-server"]),
        )
    )
