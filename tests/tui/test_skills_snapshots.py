"""Snapshot tests (pytest-textual-snapshot) of the skills views over a real transcript: the
/skills menu, the Enable/Disable checklist (one skill off) and the `$` popup under the composer.
Built from the real view code with fixed skills (no session, no disk), so the pictures are
stable; tests/tui/test_skills.py checks the same views in a terminal against 0.169's screens.

Update after an intended change: pytest tests/tui/test_skills_snapshots.py --snapshot-update
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pytest_textual_snapshot", reason="needs pytest-textual-snapshot")

from tests.tui.test_snapshots import CONVERSATION, SIZE, ScreensApp


def _skills() -> list[Any]:
    from codex.core.skills import Skill

    def skill(name: str, description: str, where: str, **kw: Any) -> Skill:
        path = Path(f"/skills/{where}/{name}/SKILL.md")
        base: dict[str, Any] = {"short_description": None, "enabled": True, "interface": None}
        return Skill(name, description, path=path, scope=where, dependencies=None, **{**base, **kw})

    docs = {"displayName": "OpenAI Docs", "shortDescription": "Codex and ChatGPT Work Q&A"}
    return [
        skill("repo-lint", "Run the repository linters before committing", "repo"),
        skill("pdf-tools", "Extract text and tables from PDF files", "user", enabled=False),
        skill("openai-docs", "Long description", "system", interface=docs),
    ]


def test_skills_menu(snap_compare: Any) -> None:
    from codex.tui.skills import menu_screen

    assert snap_compare(ScreensApp(CONVERSATION, menu_screen()), terminal_size=SIZE)


def test_skills_checklist(snap_compare: Any) -> None:
    from codex.tui.skills import SkillToggleScreen

    screen = SkillToggleScreen(_skills(), "/nonexistent-codex-home")
    assert snap_compare(ScreensApp(CONVERSATION, screen), terminal_size=SIZE)


class _PopupApp(ScreensApp):
    """The chat with the composer's `$` popup open on `$p`."""

    def compose(self) -> Any:
        from codex.tui.widgets import Popup, StatusLine

        for widget in super().compose():  # the popup between composer and status line
            if isinstance(widget, StatusLine):
                yield Popup()
            yield widget

    def on_mount(self) -> None:
        from codex.tui import skills
        from codex.tui.widgets import Composer, Popup

        super().on_mount()
        rows = skills.ranked("p", _skills(), used=[])
        skills._by_path.update((str(s.path), s) for s in _skills())
        self.query_one(Composer).load_text("$p")
        self.query_one(Popup).show("skill", [(f"${s.name}", str(s.path)) for s in rows])


def test_dollar_popup(snap_compare: Any) -> None:
    assert snap_compare(_PopupApp(CONVERSATION), terminal_size=SIZE)
