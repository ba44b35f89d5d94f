"""The ordered checklist that 0.169's /title and /statusline share, and its save to `[tui]`.

Both commands are the same picker in 0.169 (tests/fixtures/tui_official_0169/slash_title.txt,
slash_statusline.txt): a heading, a search line ("Type to search"), eight rows `[x] item
description` with ↑/↓ markers, a preview of the chosen items joined by a separator, and the
footer "space toggle · ←/→ reorder · enter save · esc cancel". Space toggles, ←/→ move the
highlighted item earlier or later, Enter saves the chosen items in the order shown as a list
under `[tui]` in config.toml, Esc cancels. Only what `ChecklistSpec` holds differs between the
two, so the screen is written once here; each command keeps its items and values.

Items a config names that the command does not offer are dropped, and a repeated item is listed
once, as 0.169 does (tried in tmux 2026-12-07: it saved `status_line = ["bogus-item", "model"]`
back as `["model"]`, `terminal_title = ["app-name", "app-name", "repo-x"]` as `["app-name"]`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

if TYPE_CHECKING:
    from codex.tui.app import CodexApp

FOOTER = "space toggle · ←/→ reorder · enter save · esc cancel"


@dataclasses.dataclass(frozen=True)
class ChecklistSpec:
    """What one command's checklist is: its words, items and where the choice is saved."""

    id_prefix: str  # the widgets' ids are `<prefix>-head`, `-search`, `-rows`, `-preview`, ...
    head: str  # the bold first line ("Configure Terminal Title")
    subtitle: str  # the dim line under it
    items: tuple[tuple[str, str], ...]  # (item, description) in the command's default order
    samples: Mapping[str, str]  # the preview's stand-ins for items with no value now
    separator: str  # what joins the preview's values (as the real title / status line does)
    config_key: str  # the key under `[tui]` (also the field of codex.config.schema's TuiConfig)
    noun: str  # for the error notice: "Could not save <noun>: ..."


class OrderedChecklistScreen(ModalScreen[list[str] | None]):
    """The checklist, dismissed with the chosen items in order, or None on Esc."""

    DEFAULT_CSS = """
    OrderedChecklistScreen { align: left bottom; background: $background 0%; }
    OrderedChecklistScreen > Vertical { height: auto; width: 100%; padding: 1 0 0 0;
                                        background: $background; }
    OrderedChecklistScreen .checklist-head { height: auto; padding: 0 2; }
    OrderedChecklistScreen .checklist-search { height: 1; padding: 0 2; margin-top: 1; }
    OrderedChecklistScreen .checklist-rows { height: auto; padding: 1 0 0 0; }
    OrderedChecklistScreen .checklist-preview { height: auto; padding: 1 2 0 2; }
    OrderedChecklistScreen .checklist-footer { height: auto; color: $text-muted; padding: 0 2; }
    """
    # (The search line is drawn here, not an Input: space, ←/→ and Enter are the list's keys.)
    BINDINGS: ClassVar = [
        Binding("escape", "cancel", show=False),
        Binding("up", "move(-1)", show=False),
        Binding("down", "move(1)", show=False),
        Binding("space", "flip", show=False),
        Binding("left", "reorder(-1)", show=False),
        Binding("right", "reorder(1)", show=False),
        Binding("enter", "save", show=False),
        Binding("backspace", "erase", show=False),
    ]
    VISIBLE = 8

    def __init__(self, spec: ChecklistSpec, current: list[str], values: Mapping[str, str]) -> None:
        super().__init__()
        self.spec = spec
        self.values = values
        self.described = dict(spec.items)
        # The chosen items first, in their order (each once, as 0.169), then the rest in the
        # command's order.
        self.order = [i for i in dict.fromkeys(current) if i in self.described]
        self.order += [i for i, _ in spec.items if i not in current]
        self.on = set(current)
        self.index = 0
        self.needle = ""

    def _part_id(self, part: str) -> str:
        return f"{self.spec.id_prefix}-{part}"

    def compose(self) -> ComposeResult:
        with Vertical():
            head = Text(self.spec.head + "\n", style="bold")
            head.append(self.spec.subtitle, style="dim")
            yield Static(head, id=self._part_id("head"), classes="checklist-head")
            yield Static(id=self._part_id("search"), classes="checklist-search")
            yield Static(id=self._part_id("rows"), classes="checklist-rows")
            yield Static(id=self._part_id("preview"), classes="checklist-preview")
            yield Static(FOOTER, id=self._part_id("footer"), classes="checklist-footer")

    def on_mount(self) -> None:
        self._render_rows()

    @property
    def shown(self) -> list[str]:
        """The items the search leaves, in the current order."""
        return [i for i in self.order if self.needle in i]

    def _render_rows(self) -> None:
        rows = self.shown
        self.index = max(0, min(self.index, len(rows) - 1))
        start = max(0, min(self.index - self.VISIBLE + 1, len(rows) - self.VISIBLE))
        visible = rows[start : start + self.VISIBLE]
        width = max((len(i) for i in visible), default=0) + 2  # (as 0.169: the rows shown)
        text = Text()
        if start > 0:
            text.append("↑\n", style="dim")
        for n, item in enumerate(visible, start):
            here = n == self.index
            mark = "[x]" if item in self.on else "[ ]"
            # (0.169 draws the highlighted row's item bold, its description not)
            name_style = "bold cyan" if here else ""
            text.append(f"{'› ' if here else '  '}{mark} {item.ljust(width)}", style=name_style)
            text.append(self.described[item] + "\n", style="cyan" if here else "dim")
        if start + self.VISIBLE < len(rows):
            text.append("↓\n", style="dim")
        text.rstrip()
        self.query_one(f"#{self._part_id('rows')}", Static).update(text)
        search = Text(self.needle) if self.needle else Text("Type to search", style="dim")
        self.query_one(f"#{self._part_id('search')}", Static).update(search)
        samples = self.spec.samples
        picked = [self.values.get(i) or samples.get(i, "") for i in self.order if i in self.on]
        preview = self.spec.separator.join(p for p in picked if p)
        self.query_one(f"#{self._part_id('preview')}", Static).update(preview)

    def action_move(self, step: int) -> None:
        rows = self.shown
        if rows:
            self.index = (self.index + step) % len(rows)
            self._render_rows()

    def action_flip(self) -> None:
        rows = self.shown
        if rows:
            self.on.symmetric_difference_update({rows[self.index]})
            self._render_rows()

    def action_reorder(self, step: int) -> None:
        """Swap the highlighted item with its neighbour in the whole order (the search only
        hides rows), and keep it highlighted."""
        rows = self.shown
        if not rows:
            return
        at = self.order.index(rows[self.index])
        to = at + step
        if 0 <= to < len(self.order):
            self.order[at], self.order[to] = self.order[to], self.order[at]
            self.index = self.shown.index(self.order[to])
            self._render_rows()

    def action_save(self) -> None:
        self.dismiss([i for i in self.order if i in self.on])

    def on_key(self, event: events.Key) -> None:
        char = event.character
        if char and char.isprintable() and char != " " and len(char) == 1:
            event.stop()
            self.needle += char.lower()
            self.index = 0
            self._render_rows()

    def action_erase(self) -> None:
        self.needle = self.needle[:-1]
        self.index = 0
        self._render_rows()

    def action_cancel(self) -> None:
        self.dismiss(None)


def open_checklist(
    app: CodexApp, spec: ChecklistSpec, current: list[str], values: Mapping[str, str]
) -> None:
    """Show the checklist; a saved choice goes to `[tui] <config_key>` in config.toml and into
    the running config at once (so the title or status line follows without a restart)."""

    def saved(items: list[str] | None) -> None:
        from codex.config.edits import ConfigEdits
        from codex.errors import CodexError
        from codex.tui.thread_cmds import refocus

        refocus(app)
        if items is None:
            return
        cfg = app.options.config
        try:
            ConfigEdits.for_config(cfg).set(("tui", spec.config_key), items).apply()
        except (CodexError, OSError) as err:  # (a config.toml that no longer parses: UsageError)
            app.mapper.notice(f"Could not save {spec.noun}: {err}", "red")
            return
        tui = dataclasses.replace(cfg.tui, **{spec.config_key: items})
        app.options.config = dataclasses.replace(cfg, tui=tui)
        app.mark_dirty()

    app.push_screen(OrderedChecklistScreen(spec, current, values), saved)
