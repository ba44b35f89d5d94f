"""Skills in the TUI, as 0.169's TUI has them (facts: tests/fixtures/tui_skills_official.json):

- `/skills` opens a two-row menu: "List skills" puts `$` in the composer (which opens the `$`
  popup), "Enable/Disable Skills" opens a checklist that writes config.toml on each toggle and,
  when closed, says what changed ("• Disabled 1 skill").
- A `$word` in the composer offers the enabled skills, filtered as you type (codex.tui.completion
  asks `popup_items`); Tab/Enter insert `$<name> ` and remember which skill was picked.
- A sent message carries one `skill` input item per enabled skill its text mentions
  (`skill_inputs`); core turns those into what the model sees.

Everything about skills themselves (where they live, their frontmatter, enabled state, the
config writes) is core's: this module only asks `codex.core.skills`.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import orjson
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from codex.tui.choice import Choice, ChoiceScreen

if TYPE_CHECKING:
    from codex.tui.app import CodexApp

ROWS = 8  # 0.169 shows 8 skills at a time (popup and checklist), ↑/↓ marking hidden ones
POPUP_ROWS = ROWS
POPUP_FOOTER = "enter insert · esc close"
NO_MATCHES = "no matches"
MENU_TITLE = "Skills"
MENU_SUBTITLE = "Choose an action"
TOGGLE_TITLE = "Enable/Disable Skills"
TOGGLE_SUBTITLE = "Turn skills on or off. Your changes are saved automatically."
TOGGLE_PLACEHOLDER = "Type to search skills"
TOGGLE_FOOTER = "space/enter toggle · esc close"
USAGE_FILE = "mention_usage.json"  # the TUI's record of skills picked from the popup
# `$name` anywhere in a message (0.169 also resolves `($name)` and `x$name`); a name stops at
# punctuation such as `,` or `.`.
MENTION = re.compile(r"\$([A-Za-z0-9_:-]+)")

# Skills of the last load, by SKILL.md path: the popup's rows are (value, path) pairs and are
# drawn from here (the popup widget only knows strings).
_by_path: dict[str, Any] = {}


# ---- the catalog --------------------------------------------------------------------------


def load(codex_home: str, cwd: str, *, fresh: bool = False) -> list[Any]:
    """Every skill core finds for `cwd` (enabled or not), in core's order. `fresh` rescans (the
    popup opening, the checklist): core caches per cwd."""
    from codex.core.skills import load_skills

    outcome = load_skills(Path(codex_home), Path(cwd), force_reload=fresh)
    skills = list(outcome.skills)
    _by_path.clear()
    _by_path.update((str(skill.path), skill) for skill in skills)
    return skills


def label(skill: Any) -> str:
    """The name shown: the interface's display name, else the skill's name."""
    interface = skill.interface or {}
    return str(interface.get("displayName") or skill.name)


def blurb(skill: Any) -> str:
    """The description shown: the interface's short one, else the frontmatter's short one,
    else the description."""
    interface = skill.interface or {}
    return str(
        interface.get("shortDescription") or skill.short_description or skill.description or ""
    )


def used_paths(codex_home: str) -> list[str]:
    """SKILL.md paths picked from the popup before (they are offered first)."""
    try:
        data = orjson.loads((Path(codex_home) / USAGE_FILE).read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return []
    return [str(p) for p in data if isinstance(p, str)] if isinstance(data, list) else []


def record_use(codex_home: str, path: str) -> None:
    """Remember a pick (appended once, as 0.169 writes the file). Losing it only changes the
    popup's order, so a file we cannot write is let go."""
    from codex._atomic import default_file_mode, replace_file

    used = used_paths(codex_home)
    if path in used:
        return
    with contextlib.suppress(OSError):
        target = Path(codex_home) / USAGE_FILE
        replace_file(target, orjson.dumps([*used, path]), default_file_mode())


def match_score(query: str, text: str) -> int | None:
    """Lower is better; None when `query` is not a subsequence of `text` (case-blind): the span
    the match covers beyond the query's length, a match at the very start far ahead."""
    if not query:
        return 0
    lowered = text.lower()
    first = position = -1
    for ch in query.lower():
        position = lowered.find(ch, position + 1)
        if position < 0:
            return None
        if first < 0:
            first = position
    score = position - first + 1 - len(query)
    return score - 100 if first == 0 else score


def skill_score(query: str, skill: Any) -> int | None:
    """The better of `query` against the skill's name and its shown name (not the
    description: 0.169 does not search it)."""
    pair = (match_score(query, skill.name), match_score(query, label(skill)))
    return min((s for s in pair if s is not None), default=None)


def ranked(query: str, skills: Sequence[Any], used: Sequence[str]) -> list[Any]:
    """The enabled skills matching `query` by name or shown name: those picked before first,
    then the best match, then by shown name (case-sensitive, as 0.169 sorts them)."""
    picked = set(used)
    rows = []
    for skill in skills:
        score = skill_score(query, skill) if skill.enabled else None
        if score is not None:
            rows.append((str(skill.path) not in picked, score, label(skill), skill))
    rows.sort(key=lambda row: row[:3])
    return [row[3] for row in rows]


def popup_items(query: str, codex_home: str, cwd: str) -> list[tuple[str, str]] | None:
    """The `$` popup's rows for `query` as (text to insert, SKILL.md path); None when no skill
    is enabled (0.169 then opens no popup at all). An empty query (the `$` just typed) rescans."""
    try:
        skills = load(codex_home, cwd, fresh=not query)
    except Exception:  # a broken skills folder must not break typing
        return None
    if not any(skill.enabled for skill in skills):
        return None
    used = used_paths(codex_home)
    return [(f"${skill.name}", str(skill.path)) for skill in ranked(query, skills, used)]


def popup_text(items: Sequence[tuple[str, str]], index: int) -> Text:
    """The popup as 0.169 draws it: `› ` on the selected row, the shown name padded to the
    longest of all the rows + 2, `[Skill] ` and the description; a `↑` line above the rows
    when some are hidden there, `↓` instead of the blank line before the key hints when some
    are hidden below."""
    out = Text()
    if not items:
        out.append(NO_MATCHES + "\n", style="dim")
    rows = [(_by_path.get(path), value) for value, path in items]
    width = max((len(label(s) if s else v) for s, v in rows), default=0) + 2
    start = max(0, min(index - ROWS + 1, len(items) - ROWS))
    if start > 0:
        out.append("↑\n", style="dim")
    for offset, (skill, value) in enumerate(rows[start : start + ROWS]):
        selected = start + offset == index
        style = "bold cyan" if selected else ""
        out.append("› " if selected else "  ", style=style)
        out.append((label(skill) if skill else value).ljust(width), style=style)
        out.append(f"[Skill] {blurb(skill) if skill else ''}\n", style="" if selected else "dim")
    out.append("↓" if start + ROWS < len(items) else "", style="dim")
    out.append(f"\n  {POPUP_FOOTER}", style="dim")
    return out


# ---- what a message sends -----------------------------------------------------------------


def skill_inputs(
    text: str, codex_home: str, cwd: str, picks: dict[str, str] | None = None
) -> list[Any]:
    """One InputSkill per enabled skill that `text` mentions as `$name`, each once, in core's
    order (0.169 sends them so). A name picked from the popup means that skill (two skills can
    share a name); a typed one means the first enabled skill of that name."""
    from codex.protocol.ops import InputSkill

    names = set(MENTION.findall(text))
    if not names:
        return []
    try:
        skills = [s for s in load(codex_home, cwd) if s.enabled]
    except Exception:  # the message still goes, without its skills
        return []
    chosen: dict[str, Any] = {}
    for name in names:
        pick = (picks or {}).get(name)
        same = [s for s in skills if s.name == name]
        match = next((s for s in same if str(s.path) == pick), same[0] if same else None)
        if match is not None:
            chosen[str(match.path)] = match
    ordered = [s for s in skills if str(s.path) in chosen]
    return [InputSkill(name=s.name, path=str(s.path)) for s in ordered]


def mention_spans(line: str, names: Any) -> list[tuple[int, int]]:
    """Byte ranges of the `$name` mentions of `names` in `line` (how the composer colours the
    picked ones, as 0.169 draws its mention elements)."""
    return [
        (len(line[: m.start()].encode()), len(line[: m.end()].encode()))
        for m in MENTION.finditer(line)
        if m.group(1) in names
    ]


def text_elements(text: str, picks: dict[str, str]) -> list[dict[str, Any]] | None:
    """The byte ranges of the mentions picked from the popup (0.169 sends them as the text's
    elements, placeholder = the mention); None when there are none."""
    data = text.encode()
    out = [
        {"byte_range": {"start": start, "end": end}, "placeholder": data[start:end].decode()}
        for start, end in mention_spans(text, picks)
    ]
    return out or None


# ---- /skills ------------------------------------------------------------------------------


def menu_screen() -> ChoiceScreen:
    """0.169's menu: List skills (the `$` popup) or Enable/Disable Skills (the checklist)."""
    rows = [
        Choice("List skills", "Tip: press $ to open this list directly", "list"),
        Choice("Enable/Disable Skills", "Enable or disable skills", "toggle"),
    ]
    return ChoiceScreen(MENU_TITLE, rows, subtitle=MENU_SUBTITLE)


def open_skills_menu(app: CodexApp) -> None:
    def chosen(result: tuple[Any, str] | None) -> None:
        if result is None:
            return
        if result[0] == "list":
            from codex.tui.widgets import Composer

            composer = app.query_one(Composer)
            composer.insert("$")
            composer.focus()
        else:
            open_toggles(app)

    app.push_screen(menu_screen(), chosen)


def open_toggles(app: CodexApp) -> None:
    cfg = app.options.config
    home, cwd = str(cfg.codex_home), str(cfg.cwd)
    try:
        skills = load(home, cwd, fresh=True)
    except Exception as err:  # (core's one-line error, e.g. an unreadable config)
        app.mapper.notice(f"Could not load skills: {err}", "red")
        app.mark_dirty()
        return

    def closed(summary: str | None) -> None:
        if summary:
            app.mapper.notice(summary, "")
            app.mark_dirty()

    app.push_screen(SkillToggleScreen(skills, home), closed)


def change_summary(enabled: int, disabled: int) -> str:
    """'• Enabled 2 skills, disabled 1 skill' (0.169's wording), or '' for no change."""

    def count(n: int) -> str:
        return f"{n} skill" + ("" if n == 1 else "s")

    parts = ([f"enabled {count(enabled)}"] if enabled else []) + (
        [f"disabled {count(disabled)}"] if disabled else []
    )
    if not parts:
        return ""
    text = ", ".join(parts)
    return "• " + text[0].upper() + text[1:]


class SkillToggleScreen(ModalScreen[str]):
    """The checklist: typed text filters, space/enter toggles (written at once through
    core's set_skill_enabled), ↑/↓ move, esc closes with the summary of net changes."""

    DEFAULT_CSS = """
    SkillToggleScreen { align: left bottom; background: $background 0%; }
    SkillToggleScreen > Vertical {
        height: auto; max-height: 100%; width: 100%; padding: 1 0 0 0;
        background: $background; border-top: solid $accent 40%;
    }
    SkillToggleScreen #toggle-title { height: auto; text-style: bold; padding: 0 2; }
    SkillToggleScreen #toggle-subtitle { height: auto; color: $text-muted; padding: 0 2; }
    SkillToggleScreen #toggle-search { height: auto; padding: 1 2 0 2; }
    SkillToggleScreen #toggle-rows { height: auto; }
    SkillToggleScreen #toggle-footer { height: auto; color: $text-muted; padding: 0 2; }
    """
    BINDINGS: ClassVar = [Binding("escape", "close", show=False)]

    def __init__(self, skills: Sequence[Any], codex_home: str) -> None:
        super().__init__()
        self.skills = list(skills)
        self.codex_home = codex_home
        self.initial = {str(s.path): bool(s.enabled) for s in self.skills}
        self.state = dict(self.initial)
        self.needle = ""
        self.shown = list(self.skills)
        self.index = 0

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(TOGGLE_TITLE, id="toggle-title")
            yield Static(TOGGLE_SUBTITLE, id="toggle-subtitle")
            yield Static(id="toggle-search")
            yield Static(id="toggle-rows")
            yield Static(TOGGLE_FOOTER, id="toggle-footer")

    def on_mount(self) -> None:
        self._draw()

    def _filter(self) -> None:
        if not self.needle:
            self.shown = list(self.skills)
        else:
            scored = []
            for order, skill in enumerate(self.skills):
                score = skill_score(self.needle, skill)
                if score is not None:
                    scored.append((score, order, skill))
            self.shown = [row[2] for row in sorted(scored, key=lambda row: row[:2])]
        self.index = 0

    def _draw(self) -> None:
        search = Text(self.needle) if self.needle else Text(TOGGLE_PLACEHOLDER, style="dim")
        self.query_one("#toggle-search", Static).update(search)
        # 0.169's lines: a blank (or ↑), the rows (or "no matches"), a blank (or ↓), two blanks
        start = max(0, min(self.index - ROWS + 1, len(self.shown) - ROWS))
        out = Text("↑\n" if start > 0 else "\n", style="dim")
        if not self.shown:
            out.append(NO_MATCHES + "\n", style="dim")
        width = max((len(label(s)) for s in self.shown), default=0) + 2
        for offset, skill in enumerate(self.shown[start : start + ROWS]):
            selected = start + offset == self.index
            style = "bold cyan" if selected else ""
            mark = "[x] " if self.state[str(skill.path)] else "[ ] "
            out.append(("› " if selected else "  ") + mark, style=style)
            out.append(label(skill).ljust(width), style=style)
            out.append(blurb(skill) + "\n", style="" if selected else "dim")
        out.append("↓\n" if start + ROWS < len(self.shown) else "\n", style="dim")
        out.append("\n")
        self.query_one("#toggle-rows", Static).update(out)

    def _toggle(self) -> None:
        if not self.shown:
            return
        from codex.core.skills import set_skill_enabled
        from codex.errors import CodexError

        skill = self.shown[self.index]
        key = str(skill.path)
        try:
            self.state[key] = set_skill_enabled(
                Path(self.codex_home), enabled=not self.state[key], path=skill.path
            )
        except (CodexError, OSError) as err:
            self.app.notify(str(err), severity="error")
        self._draw()

    def on_key(self, event: events.Key) -> None:
        key = event.key
        handled = True
        if key in ("up", "ctrl+p", "down", "ctrl+n"):
            if self.shown:
                step = -1 if key in ("up", "ctrl+p") else 1
                self.index = (self.index + step) % len(self.shown)
        elif key in ("space", "enter"):
            self._toggle()
            return self._stop(event)
        elif key == "backspace":
            self.needle = self.needle[:-1]
            self._filter()
        elif event.character and event.is_printable:
            self.needle += event.character
            self._filter()
        else:
            handled = False
        if handled:
            self._draw()
            self._stop(event)

    @staticmethod
    def _stop(event: events.Key) -> None:
        event.stop()
        event.prevent_default()

    def action_close(self) -> None:
        enabled = sum(1 for k, v in self.state.items() if v and not self.initial[k])
        disabled = sum(1 for k, v in self.state.items() if not v and self.initial[k])
        self.dismiss(change_summary(enabled, disabled))
