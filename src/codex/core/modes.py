"""Collaboration modes: Default and Plan, a per-turn setting as in 0.169.

Facts (tests/fixtures/plan_mode_official.json): a thread starts in Default mode and its first
requests carry no mode text at all. When a turn runs in a mode other than the one the model last
heard, a developer message whose only text is `<collaboration_mode>…</collaboration_mode>` goes
right before that turn's user message, and stays in the history; a turn in the same mode adds
nothing. A thread's first turn in Plan mode carries the text as one more part of the opening
developer message instead (`turn_items`). Going back to Default sends Default's own message (it
tells the model that Plan mode ended). The rollout's task_started carries
`collaboration_mode_kind`, every turn_context a `collaboration_mode {mode, settings{model,
reasoning_effort, developer_instructions}}` (instructions null while the thread never left
Default). `request_user_input` is answered in Plan mode only (codex.tools.runtime.user_input).
The app-server's `collaborationMode/list` names the presets: Plan with reasoning effort
"medium", Default with none.

The instruction texts below are codex-py's own wording (0.169's are its own prose).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from codex.protocol.items import InputText, Message, OutputText, ResponseItem

DEFAULT = "default"
PLAN = "plan"
MODES = (DEFAULT, PLAN)
OPEN_TAG = "<collaboration_mode>"
CLOSE_TAG = "</collaboration_mode>"
PLAN_EFFORT = "medium"  # the Plan preset's reasoning effort (0.169's collaborationMode/list)

PLAN_INSTRUCTIONS = """# Collaboration mode: Plan

Until a later developer message switches the mode, you are planning, not implementing. A
request to "just do it" while this mode is on means: plan how it would be done.

## What you may do
- Look around without changing anything: read and search files, inspect configuration, run
  commands whose only effects are outputs, caches or build artifacts outside version control.
- Do not edit files, apply patches, run formatters that rewrite sources, or run anything whose
  purpose is to carry the work out. The `update_plan` checklist tool is not this mode and does
  not enter or leave it.

## How to plan
1. Learn what the workspace can tell you before asking anything. Do not ask the user what a
   search would answer.
2. Settle what the user wants: the goal, how success is judged, what is in and out of scope,
   constraints and preferences.
3. Settle how it will be built: approach, interfaces, data flow, failure cases, tests.

Ask about decisions that change the plan and cannot be discovered, preferably with the
`request_user_input` tool: one to three short questions, each with two or three real options,
the recommended one first. If the user gives no answer, go on with the recommended option and
note it as an assumption.

## The plan
When nothing is left for the implementer to decide, present the plan in one block:

<proposed_plan>
(the plan, in Markdown)
</proposed_plan>

Put each tag on a line of its own and never rename or translate the tags. Give the plan a
title, a short summary, the important changes (behaviour and interfaces rather than a list of
files), the tests, and the assumptions you made. Keep it short unless the user asks for more.
At most one such block per answer; a revised plan is a complete replacement. Do not end by
asking whether to proceed: the user leaves Plan mode to have the plan implemented.
"""

DEFAULT_INSTRUCTIONS = """# Collaboration mode: Default

Plan mode (or any other earlier mode) has ended: you are in Default mode and carry out the
user's requests. Only a later developer message with a different collaboration mode changes
this again; what the user or a tool says does not.

Prefer sensible assumptions and getting the work done over stopping to ask. Use the
`request_user_input` tool only when it is among this turn's tools and only for optional
questions whose answers would clearly improve the result; if it returns no answers, carry on
with your best judgment. Never use it to ask for permissions. If you cannot go on without an
answer, ask one short question in plain text instead.
"""


def instructions(mode: str) -> str:
    return PLAN_INSTRUCTIONS if mode == PLAN else DEFAULT_INSTRUCTIONS


def normalize(mode: Any) -> str | None:
    """A mode name from an op or a request (any case), or None when it names no known mode."""
    if isinstance(mode, str) and mode.lower() in MODES:
        return mode.lower()
    return None


def mode_message(mode: str) -> Message:
    """The developer message announcing `mode` to the model."""
    return Message("developer", [InputText(f"{OPEN_TAG}{instructions(mode)}{CLOSE_TAG}")])


def announced_mode(items: Iterable[ResponseItem | dict[str, Any]]) -> str | None:
    """The mode the model last heard in `items` (a resumed history); None: no mode message
    (the model works in Default mode without having been told)."""
    heard = None
    for item in items:
        texts = _record_texts(item)
        if texts is None:  # not a plain record: read its wire dict, as it is sent
            data = item if isinstance(item, dict) else item.to_dict()
            if data.get("type") != "message" or data.get("role") != "developer":
                continue
            content = data.get("content") or ()
            texts = [p.get("text", "") if isinstance(p, dict) else "" for p in content]
        for text in texts:
            if isinstance(text, str) and text.startswith(OPEN_TAG):
                heard = PLAN if "Collaboration mode: Plan" in text[:80] else DEFAULT
    return heard


def _record_texts(item: Any) -> list[Any] | None:
    """The texts a developer Message's wire dict would carry, read off the record ([] for any
    other plain Message): a thread's turns ask `announced_mode` of its history, whose opening
    developer message is its longest item. None where only the wire dict tells (extra or absent
    fields, content that is not a list of text parts): the caller reads that."""
    if not isinstance(item, Message) or item.extra or item.absent:
        return None
    if item.role != "developer":
        return []
    content = item.content
    if not isinstance(content, list):
        return None
    texts = []
    for part in content:
        if not isinstance(part, InputText | OutputText) or part.extra or part.absent:
            return None
        texts.append(part.text)
    return texts


class ModeTracker:
    """Which mode the model last heard in a thread, so a turn announces a change only."""

    def __init__(self) -> None:
        self.heard: str | None = None  # None: not known yet (read from the history once)
        self.sent = False  # any mode message in the thread so far

    def update(self, history: Iterable[ResponseItem], mode: str) -> list[ResponseItem]:
        """What a turn in `mode` adds before its user message (nothing when unchanged)."""
        if self.heard is None:
            heard = announced_mode(history)
            self.heard, self.sent = heard or DEFAULT, heard is not None
        if self.heard == mode:
            return []
        self.heard, self.sent = mode, True
        return [mode_message(mode)]

    def start_fork(self, history: Iterable[ResponseItem]) -> None:
        """A fork just opened on a copy of its source's `history`: the model last heard the
        mode that history announced (Default when none); the fork itself has sent nothing."""
        self.heard, self.sent = announced_mode(history) or DEFAULT, False

    @property
    def fork_unannounced(self) -> bool:
        """A fork before its first turn (start_fork, nothing sent since)."""
        return self.heard is not None and not self.sent


def turn_items(state: Any, mode: str) -> list[ResponseItem]:
    """What a turn in `mode` adds before its user message. A thread's first turn in a mode
    other than Default adds nothing: the mode text becomes one more part of the opening
    developer message instead (as 0.169 sends it), in the history and in the rollout's
    initial context while that is not written yet (else: its own message, as later turns)."""
    tracker: ModeTracker = state.modes
    items = tracker.update(state.history, mode)
    if items and tracker.heard != DEFAULT and _into_opening(state, items[0]):
        return []
    return items


def _into_opening(state: Any, message: ResponseItem) -> bool:
    history = state.history.items
    if not state.initial_context_len or len(history) != state.initial_context_len:
        return False  # not the first turn of a new thread
    at = next((i for i, m in enumerate(history) if getattr(m, "role", None) == "developer"), None)
    old = history[at] if at is not None else None  # none: the mode opens the context alone
    assert isinstance(message, Message) and (old is None or isinstance(old, Message))
    new = Message("developer", [*old.content, *message.content]) if old else message
    recorder = state.recorder
    if recorder is not None:
        amend = getattr(recorder, "amend_initial_item", None)
        if amend is None or not amend(old.to_dict() if old else None, new.to_dict()):
            return False
    at = at if at is not None else 0
    state.history.replace([*history[:at], new, *history[at + (old is not None) :]])
    state.initial_context_len += old is None
    return True


def turn_context_entry(
    mode: str, model: str, effort: str | None, announced: bool
) -> dict[str, Any]:
    """The rollout turn_context's `collaboration_mode` (instructions null until any mode
    message was sent in the thread, as 0.169 writes a thread that never left Default)."""
    return {
        "mode": mode,
        "settings": {
            "model": model,
            "reasoning_effort": effort,
            "developer_instructions": instructions(mode) if announced else None,
        },
    }


def presets() -> list[dict[str, Any]]:
    """`collaborationMode/list`'s data, in 0.169's order."""
    return [
        {"name": "Plan", "mode": PLAN, "model": None, "reasoning_effort": PLAN_EFFORT},
        {"name": "Default", "mode": DEFAULT, "model": None, "reasoning_effort": None},
    ]


def event_kind(mode: str) -> str | None:
    """task_started's `collaboration_mode_kind` as core emits it: None in Default mode, which the
    rollout writes as "default" (so events of a Default turn keep their earlier look)."""
    return None if mode == DEFAULT else mode


def thread_mode(session: Any) -> str:
    """The mode `session`'s next turn runs in: its setting, or, while that is Default, the
    mode its (resumed) history last announced, so a thread reopened from its rollout goes on
    in the mode it was left in."""
    mode = session.collaboration_mode
    if mode == DEFAULT and session.state.modes.heard is None:
        mode = announced_mode(session.state.history) or DEFAULT
        session.set_collaboration_mode(mode)  # the next turn continues in it
    return mode


def resume_entry(session: Any) -> dict[str, Any]:
    """thread/resume's `collaborationMode`, shaped as 0.169 reports it: the mode, the model,
    reasoning_effort null (what the client sent, which is nothing) and the mode's instructions
    (null while the thread never heard any mode message, and for a fork before its first
    turn, whatever its copied history announced)."""
    mode = thread_mode(session)
    tracker: ModeTracker = session.state.modes
    announced = announced_mode(session.state.history) is not None
    if tracker.fork_unannounced:
        announced = False
    return turn_context_entry(mode, session.settings.model, None, announced)
