"""The lifecycle hooks 0.169 runs besides the tool ones (SessionStart, UserPromptSubmit, Stop,
SessionEnd; codex.tools.lifecycle_hooks), from hooks.json and config.toml's `[hooks]`, replayed
through real sessions against the mock model and compared with what 0.169's `codex exec` did in
the same scenarios (tests/fixtures/lifecycle_hooks_official.json, capture_lifecycle_hooks.py):
which hooks fire and in which order, their stdin documents, and what their output does to the
requests the model gets."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from tests.core.harness import make_config, run_turn
from tests.extensions.capture_lifecycle_hooks import CASES, FIXTURE, hooks_for, texts, toml_hooks
from tests.support.model_stream import FunctionCall, Message, Turn
from tests.support.official_drive import scrub

from codex.core import Session
from codex.core.hooks_view import configured_hooks, pending_count, trust_all

FACTS = json.loads(FIXTURE.read_text())
OFFICIAL = {case["name"]: case for case in FACTS["cases"]}
SCENARIO = {case["name"]: case for case in CASES}
# Fields whose values depend on the run (ids, paths) or on the tool (our tool names differ).
VARYING = {"session_id", "turn_id", "transcript_path", "cwd"}


def run(tmp_path: Path, server: Any, name: str, *, trust: bool = True) -> dict[str, Any]:
    """Case `name` of the capture, in one session of ours (hooks trusted first, as a user does
    in /hooks, unless not `trust`), closed at the end: what fired, with which documents, and
    what each request carried, with `{tmp}` for tmp_path as in the fixture."""
    case = SCENARIO[name]
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    hooks = hooks_for(tmp_path, case["events"])
    extra = ""
    if case.get("toml"):
        extra = toml_hooks(hooks)
    else:
        (home / "hooks.json").write_text(json.dumps({"hooks": hooks}))
    (tmp_path / "answers.json").write_text(json.dumps(case.get("answers", {})))
    server.enqueue(*case["replies"])
    config = make_config(tmp_path, server, extra=case.get("prefix", "") + extra)
    if trust:
        trust_all(config)

    async def main() -> list[Any]:
        async with Session(config) as session:
            await session.next_event()
            return await run_turn(session, "hello hooks")

    events = asyncio.run(main())
    log_path = tmp_path / "log.jsonl"
    lines = log_path.read_text().splitlines() if log_path.exists() else []
    log = [json.loads(line) for line in lines]
    facts = {
        "fired": [entry["event"] for entry in log],
        "documents": [entry["doc"] for entry in log],
        "requests": [texts(request) for request in server.requests],
        "events": events,
    }
    return scrub(facts, names={str(tmp_path): "{tmp}"})


def after_environment(request: list[Any]) -> list[Any]:
    """A request's items after the environment context (what the turn added)."""
    marks = [n for n, item in enumerate(request) if item == ["user", "<environment_context> ..."]]
    return request[marks[0] + 1 :]


def lifecycle_doc(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: ("<varies>" if k in VARYING else v) for k, v in doc.items()}


def test_events_fire_in_0169_order_with_its_documents(tmp_path, mock_model_server):
    official = OFFICIAL["tool_turn"]
    ours = run(tmp_path, mock_model_server, "tool_turn")
    assert ours["fired"] == official["fired"]
    for event, mine, theirs in zip(
        ours["fired"], ours["documents"], official["documents"], strict=True
    ):
        if event in ("PreToolUse", "PostToolUse"):
            continue  # codex-py's own tool documents (test_claude_hooks.py)
        assert lifecycle_doc(mine) == lifecycle_doc(theirs), event
        assert list(mine) == list(theirs), event  # the field order too
    # One session: every document names it, and the turn's ones name the turn.
    assert len({doc["session_id"] for doc in ours["documents"]}) == 1
    turn_ids = {doc.get("turn_id") for doc in ours["documents"] if "turn_id" in doc}
    assert len(turn_ids) == 1


def test_a_plain_turn_fires_what_0169_fires(tmp_path, mock_model_server):
    ours = run(tmp_path, mock_model_server, "plain_turn")
    assert ours["fired"] == OFFICIAL["plain_turn"]["fired"]


def test_session_start_and_prompt_context_reach_the_model(tmp_path, mock_model_server):
    for name in ("context_json", "context_plain_stdout"):
        case_dir = tmp_path / name
        case_dir.mkdir()
        ours = run(case_dir, mock_model_server, name)
        official = OFFICIAL[name]
        assert ours["fired"] == official["fired"]
        # After the environment: SessionStart's context, the prompt, UserPromptSubmit's.
        assert after_environment(ours["requests"][-1]) == after_environment(
            official["requests"][-1]
        )
        mock_model_server.requests.clear()


def test_a_blocked_prompt_never_reaches_the_model(tmp_path, mock_model_server):
    for name in ("prompt_blocked_json", "prompt_blocked_exit2"):
        case_dir = tmp_path / name
        case_dir.mkdir()
        ours = run(case_dir, mock_model_server, name)
        assert OFFICIAL[name]["requests"] == []
        assert ours["requests"] == []
        assert ours["fired"] == OFFICIAL[name]["fired"] == ["UserPromptSubmit"]
        assert ours["events"][-1].msg.TAG == "task_complete"


def test_a_stop_hook_block_continues_the_turn_with_its_reason(tmp_path, mock_model_server):
    for name in ("stop_blocked_once", "stop_blocked_exit2"):
        case_dir = tmp_path / name
        case_dir.mkdir()
        ours = run(case_dir, mock_model_server, name)
        official = OFFICIAL[name]
        assert ours["fired"] == official["fired"] == ["Stop", "Stop"]
        assert [d["stop_hook_active"] for d in ours["documents"]] == [False, True]
        assert [d["last_assistant_message"] for d in ours["documents"]] == ["first", "second"]
        # The second request: the first answer, then the reason as a <hook_prompt> user message
        # naming the hook's run (stop:<display order>:<source file>).
        assert after_environment(ours["requests"][1]) == after_environment(official["requests"][1])
        mock_model_server.requests.clear()


def test_compaction_hooks_fire_as_0169s(tmp_path, mock_model_server):
    """An automatic compaction mid-turn: PreCompact and PostCompact (trigger "auto", no
    permission_mode), then SessionStart again with source "compact"."""
    official = OFFICIAL["compact_mid_turn"]
    ours = run(tmp_path, mock_model_server, "compact_mid_turn")
    assert ours["fired"] == official["fired"]
    for event, mine, theirs in zip(
        ours["fired"], ours["documents"], official["documents"], strict=True
    ):
        if event not in ("PreToolUse", "PostToolUse"):
            assert lifecycle_doc(mine) == lifecycle_doc(theirs), event
            assert list(mine) == list(theirs), event


def test_config_toml_hooks_run_as_0169_runs_them(tmp_path, mock_model_server):
    ours = run(tmp_path, mock_model_server, "config_toml_source")
    assert ours["fired"] == OFFICIAL["config_toml_source"]["fired"]


def test_untrusted_lifecycle_hooks_do_not_run(tmp_path, mock_model_server):
    ours = run(tmp_path, mock_model_server, "plain_turn", trust=False)
    assert ours["fired"] == []
    warnings = [ev.msg.message for ev in ours["events"] if ev.msg.TAG == "warning"]
    assert not warnings or "need review" in " ".join(warnings)


def test_hooks_list_has_config_toml_hooks_as_0169(tmp_path, mock_model_server):
    """hooks/list (and /hooks) list config.toml's `[hooks]` after hooks.json's, with 0.169's
    keys, display order, hashes, and its warning about the two sources."""
    from codex.app_server.hooks_list import listing

    facts = FACTS["listing_both_sources"]
    home = tmp_path / "home"
    home.mkdir()
    (home / "hooks.json").write_text(json.dumps(facts["hooks_json"]))
    config = make_config(tmp_path, mock_model_server, extra=facts["toml"])
    entry = scrub(listing(config), names={str(tmp_path): "{tmp}"})
    fields = [k for k in facts["hooks"][0] if k != "source"]
    assert [{k: h[k] for k in fields} for h in entry["hooks"]] == [
        {k: h[k] for k in fields} for h in facts["hooks"]
    ]
    assert entry["warnings"] == facts["warnings"]
    # /hooks counts them: three hooks to review, one SessionStart and two Stop.
    hooks = configured_hooks(config)
    assert pending_count(hooks) == 3
    assert sorted(h.event for h in hooks) == ["SessionStart", "Stop", "Stop"]


def permission_run(tmp_path: Path, server: Any, how: str) -> dict[str, Any]:
    """0.169's PermissionRequest scenario (capture_lifecycle_hooks.permission_case) in a session
    of ours: an on-request, read-only session, a command asking for escalation, the hook
    answering `how`; approval requests that still reach the user are declined."""
    from tests.extensions.capture_lifecycle_hooks import ESCALATED, PERMISSION_ANSWERS

    home = tmp_path / "home"
    home.mkdir()
    events = ["PreToolUse", "PermissionRequest", "PostToolUse"]
    (home / "hooks.json").write_text(json.dumps({"hooks": hooks_for(tmp_path, events)}))
    answers = {"PermissionRequest": [PERMISSION_ANSWERS[how]]}
    (tmp_path / "answers.json").write_text(json.dumps(answers))
    server.enqueue(
        Turn([FunctionCall("c1", "exec_command", {**ESCALATED, "justification": "test"})]),
        Turn([Message("done")]),
    )
    config = make_config(tmp_path, server, approval="on-request", sandbox="read-only")
    trust_all(config)
    asked: list[Any] = []

    def decide(request: Any) -> str:
        asked.append(request)
        return "denied"

    async def main() -> None:
        async with Session(config) as session:
            await session.next_event()
            await run_turn(session, "hello hooks", decide=decide)

    asyncio.run(main())
    log = [json.loads(line) for line in (tmp_path / "log.jsonl").read_text().splitlines()]
    output = server.requests[-1].function_call_output("c1")
    facts = {
        "fired": [entry["event"] for entry in log],
        "documents": [entry["doc"] for entry in log],
        "client_asked": len(asked),
        "made": (config.cwd / "made-by-hook").exists(),
        "output": (output or {}).get("output"),
    }
    return scrub(facts, names={str(tmp_path): "{tmp}"})


def test_a_permission_request_hook_decides_the_approval(tmp_path, mock_model_server):
    """allow: the command runs (escalated) without asking; deny / exit 2: it is rejected with
    the hook's message in 0.169's words; no verdict: the user is asked, as without hooks."""
    for official in FACTS["permission_request"]:
        how = official["name"].removeprefix("permission_")
        case_dir = tmp_path / how
        case_dir.mkdir()
        ours = permission_run(case_dir, mock_model_server, how)
        assert ours["fired"] == official["fired"], how
        request = ours["documents"][1]
        assert lifecycle_doc(request) == lifecycle_doc(official["documents"][1]), how
        assert list(request) == list(official["documents"][1]), how
        assert ours["made"] == official["made"], how
        assert ours["client_asked"] == len(official["client_asked"]), how
        if how in ("deny", "exit2"):
            assert ours["output"] == official["output"], how
        mock_model_server.requests.clear()


def test_a_resumed_session_starts_with_source_resume(tmp_path, mock_model_server):
    """A second session resuming the thread (from its history): SessionStart says "resume"."""
    from codex.protocol.items import assistant_message, user_message

    official = OFFICIAL["resume"]
    case = SCENARIO["resume"]
    home = tmp_path / "home"
    home.mkdir()
    hooks = hooks_for(tmp_path, case["events"])
    (home / "hooks.json").write_text(json.dumps({"hooks": hooks}))
    mock_model_server.enqueue(*case["replies"])
    config = make_config(tmp_path, mock_model_server)
    trust_all(config)

    async def main() -> None:
        async with Session(config) as session:
            await session.next_event()
            await run_turn(session, "hello hooks")
            thread = session.conversation_id
        history = [user_message("hello hooks").to_dict(), assistant_message("first").to_dict()]
        async with Session(config, initial_history=history, conversation_id=thread) as session:
            await session.next_event()
            await run_turn(session, "again")

    asyncio.run(main())
    log = [json.loads(line) for line in (tmp_path / "log.jsonl").read_text().splitlines()]
    assert [entry["event"] for entry in log] == official["fired"]
    sources = [e["doc"].get("source") for e in log if e["event"] == "SessionStart"]
    assert sources == ["startup", "resume"]


def test_an_interrupted_turn_runs_the_interrupt_hooks(tmp_path, mock_model_server):
    """The user interrupts a turn while the model's answer is held: Interrupt fires (no Stop),
    with 0.169's document."""
    from tests.support.mock_model_server import Hold

    from codex.protocol import ops

    official = FACTS["interrupt"]
    home = tmp_path / "home"
    home.mkdir()
    events = ["SessionStart", "UserPromptSubmit", "Stop", "Interrupt", "SessionEnd"]
    (home / "hooks.json").write_text(json.dumps({"hooks": hooks_for(tmp_path, events)}))
    mock_model_server.enqueue(Hold(Turn([Message("never seen")])))
    config = make_config(tmp_path, mock_model_server, approval="on-request")
    trust_all(config)

    async def main() -> str:
        async with Session(config) as session:
            await session.next_event()
            await session.submit(ops.UserInput([ops.InputText("hello hooks")]))
            await asyncio.to_thread(mock_model_server.wait_held)
            await session.submit(ops.Interrupt())
            while (event := await session.next_event()).msg.TAG != "turn_aborted":
                pass
            mock_model_server.release()
            return event.msg.TAG

    assert asyncio.run(main()) == "turn_aborted"
    log = [json.loads(line) for line in (tmp_path / "log.jsonl").read_text().splitlines()]
    assert [entry["event"] for entry in log] == official["fired"]
    mine = next(e["doc"] for e in log if e["event"] == "Interrupt")
    theirs = next(d for d in official["documents"] if d["hook_event_name"] == "Interrupt")
    assert lifecycle_doc(mine) == lifecycle_doc(theirs)
    assert list(mine) == list(theirs)
