"""review/start: a code review run as a turn of a thread, as the official 0.169 server does it.

The review itself runs in a reviewer session of its own (ephemeral, read-only, never asking
for approval, codex.core.review's instructions as its developer message and the target's prompt
as its one user message), so the thread's conversation never holds the reviewer's exchange.
What the client sees, on the reviewed thread and under the review turn's id:
`enteredReviewMode {review: the target's hint}`, the reviewer's turn (its prompt as the
userMessage, its reasoning and read-only commands), `exitedReviewMode {review: the rendered
verdict}` and an agentMessage with that text, then `turn/completed`. The raw JSON answer is
never shown.

The thread's history and rollout then get the review as one turn: upstream's
`entered_review_mode {target, user_facing_hint}` and `exited_review_mode {review_output}` events,
a user message carrying the findings (so a follow-up "fix the first one" has them) and the
rendered answer. `delivery: "detached"` (upstream's earlier option, which 0.169 dropped) runs
the review on a new thread instead and names it in `reviewThreadId`.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codex.app_server import errors
from codex.app_server.items import agent_message_item, now_ms, text_content, turn_object
from codex.app_server.notifications import TurnMapper, note
from codex.app_server.params import mapping, string

if TYPE_CHECKING:
    from codex.app_server.connection import Connection
    from codex.app_server.live import LiveThread
    from codex.app_server.server import AppServer
    from codex.core.review import ReviewTarget

TARGET_TYPES = ("uncommittedChanges", "baseBranch", "commit", "custom")
# Events of the reviewer's turn the client does not see: its raw JSON answer, and usage that
# is not the thread's own.
_HIDDEN = frozenset({"agent_message_delta", "agent_message", "token_count", "session_configured"})


def _target(p: dict[str, Any], cwd: Path) -> tuple[ReviewTarget, dict[str, Any]]:
    """The resolved target and its wire form (as recorded in `entered_review_mode`)."""
    from codex.core.review import resolve_target
    from codex.errors import CodexError

    target = mapping(p, "target")
    if target is None:
        raise errors.invalid_params("missing field `target`")
    kind = target.get("type")
    if kind not in TARGET_TYPES:
        expected = ", ".join(f"`{k}`" for k in TARGET_TYPES)
        raise errors.invalid_params(f"unknown variant `{kind}`, expected one of {expected}")
    try:
        if kind == "baseBranch":
            branch = string(target, "branch")
            return resolve_target(cwd, base=branch), {"type": "baseBranch", "branch": branch}
        if kind == "commit":
            sha = string(target, "sha")
            title = string(target, "title", required=False)
            resolved = resolve_target(cwd, commit=sha, title=title)
            # the hint names the commit as the client did (0.169: "commit HEAD: title")
            hint = f"commit {sha[:7]}: {title}" if title else f"commit {sha[:7]}"
            resolved = dataclasses.replace(resolved, hint=hint)
            return resolved, {"type": "commit", "sha": sha, "title": title}
        if kind == "custom":
            instructions = string(target, "instructions")
            if not instructions.strip():
                raise errors.invalid_request("instructions must not be empty")
            resolved = resolve_target(cwd, instructions=instructions)
            return resolved, {"type": "custom", "instructions": instructions}
        return resolve_target(cwd, uncommitted=True), {"type": "uncommittedChanges"}
    except CodexError as exc:
        raise errors.invalid_request(str(exc)) from None


def review_output(raw: str | None) -> dict[str, Any]:
    """The verdict in upstream's `review_output` shape (a non-JSON answer as the explanation)."""
    from codex.core.review import parse_result

    result = parse_result(raw or "")
    if result.raw is not None:
        return {
            "findings": [],
            "overall_correctness": "",
            "overall_explanation": result.raw,
            "overall_confidence_score": 0.0,
        }
    return {
        "findings": [
            {
                "title": f.title,
                "body": f.body,
                "confidence_score": f.confidence_score,
                "priority": f.priority,
                "code_location": {
                    "absolute_file_path": f.path,
                    "line_range": {"start": f.start, "end": f.end},
                },
            }
            for f in result.findings
        ],
        "overall_correctness": result.overall_correctness,
        "overall_explanation": result.overall_explanation,
        "overall_confidence_score": result.overall_confidence_score,
    }


def render_output(output: dict[str, Any]) -> str:
    """A recorded `review_output` as the text shown for it."""
    from codex.core.review import render_text

    return render_text(json.dumps(output))


def _user_action(rendered: str) -> dict[str, Any]:
    text = (
        "<user_action>\n  <context>The user ran a code review; the reviewer's findings "
        "follow. The user may ask to address some of them.</context>\n"
        f"  <action>review</action>\n  <results>\n{rendered}\n  </results>\n</user_action>"
    )
    return {"type": "message", "role": "user", "content": [{"type": "input_text", "text": text}]}


def _item_notes(mapper: TurnMapper, item: dict[str, Any]) -> list[dict[str, Any]]:
    at = now_ms()
    started = {**item, "completedAtMs": None}
    return [
        note(
            "item/started",
            {"item": started, "threadId": mapper.thread_id, "turnId": mapper.turn_id,
             "startedAtMs": at},
        ),
        note(
            "item/completed",
            {"item": item, "threadId": mapper.thread_id, "turnId": mapper.turn_id,
             "contentTokenCount": None, "completedAtMs": at},
        ),
    ]  # fmt: skip


def _mode_item(kind: str, turn_id: str, text: str) -> dict[str, Any]:
    at = now_ms()
    return {
        "type": kind,
        "id": f"{kind[:6]}_{turn_id[:8]}_{at}",
        "review": text,
        "startedAtMs": at,
        "completedAtMs": at,
    }


async def review_start(server: AppServer, conn: Connection, p: dict[str, Any]) -> Any:
    from codex.app_server import threads

    live = server.thread(p)
    delivery = p.get("delivery")
    if delivery not in (None, "inline", "detached"):
        raise errors.invalid_params(
            f"unknown variant `{delivery}`, expected `inline` or `detached`"
        )
    target, wire = _target(p, Path(live.cwd))
    if live.current_turn is not None:
        raise errors.invalid_request("a turn is already running on this thread")
    if delivery == "detached":
        settings = live.session.settings
        live = await threads.reopen_new(server, conn, {"cwd": live.cwd, "model": settings.model})
    tid = live.next_turn_id()
    live.current_turn = tid
    live.turn_done.clear()
    task = asyncio.ensure_future(_run(server, live, tid, target, wire))
    live.review_task = task
    turn = turn_object(tid)
    turn["items"] = [
        {
            "type": "userMessage",
            "id": tid,
            "clientId": None,
            "content": [text_content(target.hint)],
            "startedAtMs": None,
            "completedAtMs": None,
        }
    ]
    from codex.app_server.framing import Followed

    after = [note("thread/started", {"thread": live.thread()})] if delivery == "detached" else []
    return Followed({"turn": turn, "reviewThreadId": live.thread_id}, after)


async def _run(
    server: AppServer, live: LiveThread, tid: str, target: ReviewTarget, wire: dict[str, Any]
) -> None:
    """The review turn, start to end; the thread is idle again when it returns."""
    mapper = TurnMapper(live.thread_id)
    mapper.begin(tid, [])
    reviewer = None
    try:
        live.broadcast(_item_notes(mapper, _mode_item("enteredReviewMode", tid, target.hint)))
        reviewer = await _open_reviewer(server, live)
        live.review_session = reviewer
        raw = await _drive(live, mapper, reviewer, target)
    except Exception as exc:  # a failed review is a failed turn, never a stuck thread
        raw = None
        mapper.error = str(exc)
        live.broadcast(mapper.map(_Complete()))
    try:
        # Recorded even when it failed: turn ids derive from the number of recorded turns.
        _record(live, tid, target, wire, raw)
    finally:
        live.review_session = None
        live.review_task = None
        if reviewer is not None:
            with contextlib.suppress(Exception):
                await server.manager.remove(reviewer.conversation_id)
        live.current_turn = None
        live.turn_done.set()


class _Complete:
    TAG = "task_complete"
    last_agent_message = None


async def _open_reviewer(server: AppServer, live: LiveThread) -> Any:
    from codex.core.front_end import FrontEnd
    from codex.core.review import review_settings

    settings = live.session.settings
    flags = {
        **review_settings(),
        "sandbox_mode": "read-only",
        "approval_policy": "never",
        "model": settings.model,
    }
    config = server.load_config(cwd=live.cwd, flags=flags)
    front_end = FrontEnd(originator=live.originator, source="vscode")
    return await server.manager.open(config, front_end=front_end, ephemeral=True)


async def _drive(
    live: LiveThread, mapper: TurnMapper, reviewer: Any, target: ReviewTarget
) -> str | None:
    """Stream the reviewer's turn to the thread's clients; its final answer (None when the
    turn failed or was interrupted)."""
    from codex.protocol.ops import InputText, UserInput

    subscription = reviewer.subscribe(maxsize=None)
    try:
        await reviewer.submit(UserInput([InputText(target.prompt)]))
        while (event := await subscription.next()) is not None:
            msg: Any = event.msg
            tag = msg.TAG
            if tag in _HIDDEN:
                continue
            if tag == "task_complete" and mapper.error is None:
                raw = msg.last_agent_message
                rendered = render_output(review_output(raw))
                out = _item_notes(mapper, _mode_item("exitedReviewMode", mapper.turn_id, rendered))
                at = now_ms()
                message = agent_message_item(f"msg_{mapper.turn_id[:8]}_review", rendered, at, at)
                out += _item_notes(mapper, message)
                live.broadcast(out)
                live.broadcast(mapper.map(msg))
                return str(raw or "")
            out = mapper.map(msg)
            if out:
                live.broadcast(out)
            if tag in ("task_complete", "turn_complete", "turn_aborted"):
                return None
    finally:
        subscription.close()
    return None


def _record(
    live: LiveThread, tid: str, target: ReviewTarget, wire: dict[str, Any], raw: str | None
) -> None:
    """The review as one turn of the thread: in its rollout and in its model history (a
    review that failed or was interrupted: an aborted turn, nothing in the history)."""
    from codex.protocol.items import parse_item

    session = live.session
    recorder = getattr(session, "recorder", None)
    core_id = tid  # thread/read reads the turn's id from its task_started line
    if raw is None:
        if recorder is not None:
            recorder.record_event({"type": "task_started", "turn_id": core_id})
            recorder.record_event(
                {"type": "entered_review_mode", "target": wire, "user_facing_hint": target.hint}
            )
            recorder.record_event({"type": "turn_aborted", "turn_id": core_id, "reason": "review"})
            recorder.turn_end()
        return
    output = review_output(raw)
    rendered = render_output(output)
    user_action = _user_action(rendered)
    answer = {
        "type": "message",
        "role": "assistant",
        "content": [{"type": "output_text", "text": rendered}],
    }
    session.history.record([parse_item(user_action), parse_item(answer)])
    if recorder is None:
        return
    recorder.record_event({"type": "task_started", "turn_id": core_id})
    recorder.record_event(
        {"type": "entered_review_mode", "target": wire, "user_facing_hint": target.hint}
    )
    recorder.record_response_item(user_action)
    recorder.record_event({"type": "exited_review_mode", "review_output": output})
    recorder.record_response_item(answer)
    recorder.record_event({"type": "agent_message", "message": rendered})
    recorder.record_event(
        {"type": "task_complete", "turn_id": core_id, "last_agent_message": rendered}
    )
    recorder.turn_end()


async def interrupt(live: LiveThread) -> bool:
    """turn/interrupt of a running review: the reviewer's turn is interrupted."""
    from codex.protocol.ops import Interrupt

    reviewer = getattr(live, "review_session", None)
    if reviewer is None:
        return False
    await reviewer.submit(Interrupt())
    return True
