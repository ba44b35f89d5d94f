"""/goal: the thread's goal from the composer, as 0.169's TUI has it
(tests/fixtures/tui_goal_official.json): `/goal <objective>` gives the thread a goal it then
pursues by itself turn after turn, `/goal pause` and `/goal resume` stop and restart that,
`/goal clear` forgets it; `/goal` alone says how to use it (and, with a goal, what it is).
The goal itself is core's (codex.core.goals.control)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from codex.core.goals.model import ThreadGoal
    from codex.tui.app import CodexApp

USAGE = "Usage: /goal [<objective>|clear|edit|pause|resume]"
NO_GOAL = "No goal is currently set."


def human_seconds(seconds: int) -> str:
    """8s, 2m 5s, 1h 3m: how long a goal has been worked on."""
    if seconds < 60:
        return f"{seconds}s"
    minutes, secs = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m {secs}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes}m"


def _summary(title: str, goal: ThreadGoal) -> str:
    return f"• {title} Objective: {goal.objective} Time: {human_seconds(goal.time_used_seconds)}."


async def run_goal(app: CodexApp, rest: str) -> None:
    from codex.core.goals import control
    from codex.core.goals.model import GoalError

    session = app.session
    if session is None:
        app.mapper.notice("The session is not ready yet.", "yellow")
        return
    word, _, more = rest.partition(" ")
    word = word.lower()
    say = app.mapper.notice
    try:
        if not rest:
            goal = control.current(session)
            if goal is None:
                say(f"• {USAGE} {NO_GOAL}", "")
            else:
                say(_summary(f"Goal {goal.wire_status}", goal), "")
        elif word == "clear" and not more:
            say("• Goal cleared" if control.clear(session) else f"• {NO_GOAL}", "")
        elif word in ("pause", "resume") and not more:
            goal = control.set_status(session, "paused" if word == "pause" else "active")
            if goal is None:
                say(f"• {NO_GOAL}", "")
            elif word == "pause":
                say(_summary("Goal paused", goal), "")
        elif word == "edit":
            if control.current(session) is None:
                say(f"• {USAGE} {NO_GOAL}", "")
            elif not more.strip():
                say(f"• {USAGE}", "")
            else:
                control.edit_objective(session, more)
        else:
            control.set_objective(session, rest)
    except GoalError as exc:
        say(f"• {exc}", "red")
