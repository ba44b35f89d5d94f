"""Collaboration modes over the app-server (experimental API), as 0.169
(tests/fixtures/plan_mode_official.json):

- `turn/start` takes `collaborationMode {mode, settings{model, reasoning_effort,
  developer_instructions}}`; the turn and those after it run in that mode (codex.core.modes).
  A client that did not opt into `experimentalApi` gets -32600 "turn/start.collaborationMode
  requires experimentalApi capability" and no turn starts.
- `collaborationMode/list` names the presets (Plan at "medium" effort, Default); without the
  experimental API: -32600 "collaborationMode/list requires experimentalApi capability".

- `thread/resume` reports `collaborationMode {mode, settings{model, reasoning_effort: null,
  developer_instructions}}`: the mode the thread goes on in (a thread reopened from its rollout:
  the mode its history last announced). thread/start and thread/fork report none.
- A fork starts in Default mode whatever its source was in (tests/fixtures/
  start_fork_mode_official.json): its first turn announces Default after the source's last
  announcement, and until then thread/resume reports Default without instructions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from codex.app_server import errors
from codex.core.modes import normalize, presets, resume_entry

if TYPE_CHECKING:
    from codex.app_server.connection import Connection
    from codex.app_server.server import AppServer


def _require_experimental(conn: Connection, what: str) -> None:
    if not getattr(conn, "experimental", False):
        raise errors.invalid_request(f"{what} requires experimentalApi capability")


def turn_mode(conn: Connection, p: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
    """The mode turn/start asks for (None: keep the thread's) and its settings (model,
    reasoning_effort: None when not given)."""
    raw = p.get("collaborationMode")
    if raw is None:
        return None, {}
    _require_experimental(conn, "turn/start.collaborationMode")
    mode = normalize(raw.get("mode")) if isinstance(raw, dict) else None
    if mode is None:
        raise errors.invalid_params('collaborationMode.mode must be "plan" or "default"')
    settings = raw.get("settings")
    return mode, settings if isinstance(settings, dict) else {}


async def collaboration_mode_list(server: AppServer, conn: Connection, p: Any) -> Any:
    _require_experimental(conn, "collaborationMode/list")
    return {"data": presets()}


def fork_starts_in_default(session: Any) -> None:
    """Open a fork in Default mode, as 0.169 does (core's Session.start_fork_in_default_mode:
    its first turn announces Default if its source's history announced another mode)."""
    session.start_fork_in_default_mode()


def with_resume_mode(result: dict[str, Any], session: Any) -> dict[str, Any]:
    """thread/resume's result with the thread's `collaborationMode` (as 0.169's; a fork before
    its first turn: no instructions)."""
    result["collaborationMode"] = resume_entry(session)
    return result
