"""Collaboration modes in the TUI: Shift+Tab and `/plan`, the footer's mode, and the proposed
plan a Plan-mode answer ends with.

As 0.169 (tests/fixtures/plan_mode_official.json, "tui"): Shift+Tab cycles Default → Plan →
Default; each switch writes `• Model changed to MODEL EFFORT for Plan mode.` (Plan runs at the
preset's "medium" effort; back in Default the configured effort, shown "default" when none) and
the footer's right side says `Plan mode (shift+tab to cycle)` while Plan is on. `/plan` switches
to Plan. In Plan mode a `<proposed_plan>` block of the answer is shown as its own
`Proposed Plan` cell above the rest of the answer, and when the turn ends a picker asks
`Implement this plan?`: "Yes, implement this plan" switches to Default and sends
`Implement the plan.`; "No, stay in Plan mode" keeps planning. (0.169's middle row, "Yes, clear
context and implement" in a fresh thread, is not offered here yet.)

The mode reaches core as `OverrideTurnContext(collaboration_mode=…, effort=…)` before the next
turn (codex.core.modes sends the model its mode message).
"""

from __future__ import annotations

import re
from typing import Any

from codex.core.modes import DEFAULT, PLAN, PLAN_EFFORT

FOOTER = "Plan mode (shift+tab to cycle)"
IMPLEMENT_PROMPT = "Implement the plan."
_BLOCK = re.compile(
    r"^[ \t]*<proposed_plan>[ \t]*\n(.*?)\n?^[ \t]*</proposed_plan>[ \t]*\n?", re.M | re.S
)
_FALLBACK_EFFORT = "medium"  # core needs an effort to go back to; gpt-5.5's catalog default


def current(app: Any) -> str:
    return str(getattr(app, "collaboration_mode", DEFAULT))


def _configured_effort(app: Any) -> str | None:
    cfg = app.options.config
    effort = getattr(cfg, "model_reasoning_effort", None) if cfg is not None else None
    return str(effort) if effort else None


async def set_mode(app: Any, mode: str) -> None:
    """Switch the next turns to `mode`: core hears it with the effort the mode runs at, the
    transcript says so and the status line shows it."""
    from codex.protocol.ops import OverrideTurnContext

    if app.session is None:
        app.mapper.notice("The session is not ready yet.", "yellow")
        app.mark_dirty()
        return
    configured = _configured_effort(app)
    effort = PLAN_EFFORT if mode == PLAN else configured
    await app.session.submit(
        OverrideTurnContext(
            collaboration_mode=mode, effort=effort or configured or _FALLBACK_EFFORT
        )
    )
    app.collaboration_mode = mode
    status = app.mapper.status
    status.effort = effort
    status.mode = mode
    name = "Plan" if mode == PLAN else "Default"
    app.mapper.notice(
        f"• Model changed to {status.model} {effort or 'default'} for {name} mode.", ""
    )
    app.mark_dirty()


def recorded_mode(rollout_path: str) -> str:
    """The mode a thread's last recorded turn ran in (its task_started's kind; Default when
    none says otherwise)."""
    from pathlib import Path

    from codex.core.threads import recorded_events

    mode = DEFAULT
    for _, line_type, payload in recorded_events(Path(rollout_path)):
        if line_type == "event_msg" and payload.get("type") == "task_started":
            mode = payload.get("collaboration_mode_kind") or DEFAULT
    return PLAN if mode == PLAN else DEFAULT


async def on_resumed(app: Any, rollout_path: str) -> None:
    """A resumed thread goes on in the mode it was left in: core hears it before the next
    turn, and the footer shows it (no "Model changed" line: nothing changed)."""
    from codex.protocol.ops import OverrideTurnContext

    if recorded_mode(rollout_path) != PLAN or app.session is None:
        return
    await app.session.submit(OverrideTurnContext(collaboration_mode=PLAN, effort=PLAN_EFFORT))
    app.collaboration_mode = PLAN
    app.mapper.status.mode = PLAN
    app.mapper.status.effort = PLAN_EFFORT
    app.mark_dirty()


async def cycle(app: Any) -> None:
    """Shift+Tab: the other mode (0.169 has two to cycle through)."""
    await set_mode(app, DEFAULT if current(app) == PLAN else PLAN)


def split_plan(text: str) -> tuple[str | None, str]:
    """(the proposed plan's Markdown, the answer without the block); no block: (None, text)."""
    found = _BLOCK.search(text)
    if found is None:
        return None, text
    rest = (text[: found.start()] + text[found.end() :]).strip()
    return found.group(1).strip("\n"), rest


def on_agent_message(app: Any, msg: Any) -> Any:
    """In Plan mode, an answer with a proposed plan: the plan becomes its own cell (the cell
    the answer streamed into, so it stays above) and `msg` goes on with the rest of the text.
    Returns the message the mapper should fold."""
    if current(app) != PLAN:
        return msg
    plan, rest = split_plan(str(msg.message))
    if plan is None:
        return msg
    from codex.tui.cells import AgentCell

    mapper = app.mapper
    cell = mapper._agent if mapper._agent is not None and not mapper._agent.done else None
    if cell is None:
        cell = mapper.add(AgentCell())
    cell.finish(f"Proposed Plan\n\n{plan}")
    mapper._agent = None
    app.proposed_plan = plan
    return type(msg)(message=rest, phase=msg.phase) if rest else None


def after_turn(app: Any) -> None:
    """A Plan-mode turn that proposed a plan: ask whether to implement it."""
    if current(app) != PLAN or not getattr(app, "proposed_plan", None):
        return
    app.proposed_plan = None
    from codex.tui.choice import Choice, ChoiceScreen

    choices = [
        Choice("Yes, implement this plan", "Switch to Default and start coding", value="yes"),
        Choice("No, stay in Plan mode", "Continue planning with the model", value="no"),
    ]

    def chosen(result: tuple[Any, str] | None) -> None:
        if result is not None and result[0] == "yes":
            app.run_worker(_implement(app), exclusive=False)

    app.push_screen(ChoiceScreen("Implement this plan?", choices), chosen)


async def _implement(app: Any) -> None:
    await set_mode(app, DEFAULT)
    await app.send_text(IMPLEMENT_PROMPT)
