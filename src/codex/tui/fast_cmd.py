"""`/fast`: toggles the priority ("Fast") service tier, as 0.169's TUI does
(tests/fixtures/tui_official_0169/slash_notes.md): on, config.toml gets top-level
`service_tier = "fast"`, the transcript says `• Service tier set to priority` and the status line
shows `Fast` after the model; off, `service_tier = "default"` and `… set to default`. Later
requests of this session carry `"service_tier": "priority"` or none (codex.core.service_tier).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from codex.core.service_tier import DEFAULT, FAST, PRIORITY, configured_tier

if TYPE_CHECKING:
    from codex.tui.app import CodexApp

__all__ = ["toggle_fast"]


async def toggle_fast(app: CodexApp, rest: str) -> None:
    from codex.config.edits import ConfigEdits

    cfg = app.options.config
    on = not app.mapper.status.fast
    written = FAST if on else DEFAULT
    if cfg is not None:
        try:
            ConfigEdits.for_config(cfg).set("service_tier", written).apply()
        except OSError as err:
            app.mapper.notice(f"Could not save the service tier: {err}", "red")
            return
        app.options.config = dataclasses.replace(cfg, service_tier=written)
    session = app.session
    if session is not None:  # this session's next requests (a new one reads the config)
        from codex.protocol.ops import OverrideTurnContext

        await session.submit(OverrideTurnContext(service_tier=configured_tier(written) or ""))
    app.mapper.status.fast = on
    app.mapper.notice(f"• Service tier set to {PRIORITY if on else DEFAULT}", "")
    app.mark_dirty()
