"""Transcript cells: one entry of the conversation as the TUI shows it (a user message, the
agent's answer, a command, a patch, the plan, an error), each able to render itself as Rich
renderables for a given width.

Pure data plus Rich: no Textual here, so the cells are tested and exported (Markdown, JSON)
without a terminal, and `TranscriptView` (codex.tui.transcript) only lays out what a cell
returns. A cell's `version` grows on every change so the view knows which cached lines to drop.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from rich.console import Group, RenderableType
from rich.text import Text

from codex.tui.streaming import Bulleted, StreamLayout

# Live output shown under a running or finished command (upstream shows a short tail).
OUTPUT_TAIL_LINES = 5


@dataclass(slots=True, eq=False)
class Cell:
    """Base: `kind` names the cell in exports; `version` invalidates cached lines."""

    kind: str = "cell"
    version: int = 0

    def touch(self) -> None:
        self.version += 1

    def render(self) -> RenderableType:
        raise NotImplementedError

    def to_markdown(self) -> str:
        raise NotImplementedError

    def to_json(self) -> dict[str, Any]:
        return {"type": self.kind, "text": self.to_markdown()}


@dataclass(slots=True, eq=False)
class UserCell(Cell):
    """A message the user sent, with the images attached to it."""

    text: str = ""
    images: list[str] = field(default_factory=list)
    kind: str = "user"
    mentions: tuple[str, ...] = ()  # `$name` skill mentions picked in the popup: coloured

    def render(self) -> RenderableType:
        body = Text("› ", style="bold")
        body.append(self.text)
        if self.mentions:  # (0.169 draws its mention elements in a colour of their own)
            body.highlight_words(self.mentions, style="color(147)")
        for image in self.images:
            body.append(f"\n  [image] {image}", style="dim")
        return body

    def to_markdown(self) -> str:
        return "**User:**\n\n" + self.text

    def to_json(self) -> dict[str, Any]:
        return {"type": self.kind, "text": self.text, "images": self.images}


@dataclass(slots=True, eq=False)
class AgentCell(Cell):
    """The agent's answer, streamed in by deltas (`parts`, joined lazily) until `done`."""

    parts: list[str] = field(default_factory=list)
    done: bool = False
    kind: str = "agent"
    _stream: StreamLayout | None = None

    @property
    def text(self) -> str:
        if len(self.parts) > 1:
            self.parts[:] = ["".join(self.parts)]
        return self.parts[0] if self.parts else ""

    def append(self, delta: str) -> None:
        self.parts.append(delta)
        self.touch()

    def finish(self, text: str | None = None) -> None:
        if text is not None:
            self.parts[:] = [text]
        self.done = True
        self._stream = None
        self.touch()

    def render(self) -> RenderableType:
        # Imported on the first answer: markdown-it is a third of the TUI's start-up imports.
        from rich.markdown import Markdown

        return bulleted(Markdown(self.text, code_theme="monokai"))

    def layout_parts(self, width: int) -> list[tuple[Hashable, Callable[[], RenderableType]]]:
        """The pieces the transcript lays out and caches one by one: while the answer streams,
        its finished blocks and its tail (codex.tui.streaming), so a repaint lays out only what
        changed; once done, the whole answer as one Markdown document, laid out once."""
        if self.done:
            return [(("done", self.version), self.render)]
        if self._stream is None:
            self._stream = StreamLayout()
        return self._stream.parts(self.text, width)

    def to_markdown(self) -> str:
        return "**Codex:**\n\n" + self.text

    def to_json(self) -> dict[str, Any]:
        return {"type": self.kind, "text": self.text}


@dataclass(slots=True, eq=False)
class ReasoningCell(Cell):
    """A reasoning summary: collapsed to its first line unless `expanded`."""

    parts: list[str] = field(default_factory=list)
    expanded: bool = False
    kind: str = "reasoning"

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def render(self) -> RenderableType:
        text = self.text.strip()
        if not self.expanded:
            first = text.splitlines()[0] if text else "Thinking"
            return Text(f"• {first.strip('*')}", style="dim italic")
        return Text(f"• {text}", style="dim italic")

    def to_markdown(self) -> str:
        return "_Reasoning:_ " + self.text


@dataclass(slots=True, eq=False)
class CommandCell(Cell):
    """One command: its words, a live tail of its output, then exit code and duration."""

    call_id: str = ""
    command: str = ""
    output: list[str] = field(default_factory=list)
    exit_code: int | None = None
    duration_s: float | None = None
    started: float = field(default_factory=time.monotonic)
    kind: str = "command"

    def add_output(self, chunk: str) -> None:
        self.output.append(chunk)
        # Keep memory bounded: only the tail is ever shown live.
        if len(self.output) > 256:
            self.output[:] = ["".join(self.output)[-8192:]]
        self.touch()

    def finish(self, exit_code: int, duration_s: float, output: str) -> None:
        self.exit_code = exit_code
        self.duration_s = duration_s
        self.output[:] = [output] if output else []
        self.touch()

    def tail(self) -> list[str]:
        return "".join(self.output).rstrip("\n").splitlines()[-OUTPUT_TAIL_LINES:]

    def render(self) -> RenderableType:
        running = self.exit_code is None
        head = Text("• ", style="bold" if running else ("green" if self.exit_code == 0 else "red"))
        head.append("Running " if running else "Ran ", style="bold")
        head.append(self.command)
        lines = [head]
        tail = self.tail()
        if not tail and not running:
            lines.append(Text("  └ (no output)", style="dim"))
        for i, line in enumerate(tail):
            lines.append(Text(("  └ " if i == 0 else "    ") + line, style="dim"))
        if not running:
            status = "✓" if self.exit_code == 0 else f"✗ exit {self.exit_code}"
            lines.append(Text(f"    {status} • {format_duration(self.duration_s or 0)}", "dim"))
        return Group(*lines)

    def to_markdown(self) -> str:
        out = "".join(self.output)
        return f"```sh\n$ {self.command}\n{out}```\n(exit {self.exit_code})"

    def to_json(self) -> dict[str, Any]:
        return {
            "type": self.kind,
            "command": self.command,
            "output": "".join(self.output),
            "exit_code": self.exit_code,
            "duration_s": self.duration_s,
        }


@dataclass(slots=True, eq=False)
class PatchCell(Cell):
    """File changes: per file a header with +/- counts, then the coloured diff."""

    call_id: str = ""
    changes: dict[str, Any] = field(default_factory=dict)
    status: str = "pending"  # pending | applied | failed | denied | diff (/diff)
    cwd: str | None = None
    kind: str = "patch"

    def render(self) -> RenderableType:
        return render_changes(self.changes, title=self._title(), cwd=self.cwd)

    def _title(self) -> str:
        verb = {
            "applied": "Edited",
            "failed": "Failed to edit",
            "denied": "Rejected edit of",
            "diff": "Uncommitted changes in",  # /diff: nothing is being edited
        }
        return verb.get(self.status, "Editing")

    def to_markdown(self) -> str:
        return "```diff\n" + "\n".join(change_diff(p, c) for p, c in self.changes.items()) + "```"


@dataclass(slots=True, eq=False)
class PlanCell(Cell):
    """The plan (update_plan) as a checklist."""

    steps: list[tuple[str, str]] = field(default_factory=list)
    explanation: str | None = None
    kind: str = "plan"

    def render(self) -> RenderableType:
        lines = [Text("• Updated Plan", style="bold")]
        if self.explanation:
            lines.append(Text("  " + self.explanation, style="dim italic"))
        for step, status in self.steps:
            mark = {"completed": "✔", "in_progress": "□"}.get(status, "□")
            style = {"completed": "dim strike", "in_progress": "cyan bold"}.get(status, "")
            lines.append(Text(f"  {mark} {step}", style=style))
        return Group(*lines)

    def to_markdown(self) -> str:
        return "\n".join(f"- [{'x' if s == 'completed' else ' '}] {t}" for t, s in self.steps)


@dataclass(slots=True, eq=False)
class NoticeCell(Cell):
    """An error, a retry, a warning or an informational line (`style` picks the colour)."""

    text: str = ""
    style: str = "dim"
    kind: str = "notice"

    def render(self) -> RenderableType:
        return Text(self.text, style=self.style)

    def to_markdown(self) -> str:
        return "> " + self.text


def bulleted(body: RenderableType, bullet: str = "•") -> RenderableType:
    """`• ` then `body` indented under it (how upstream sets the agent's messages)."""
    return Bulleted(body, bullet)


def format_duration(seconds: float) -> str:
    if seconds < 1:
        return f"{int(seconds * 1000)}ms"
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes}m {secs:02d}s"


def change_diff(path: str, change: Any) -> str:
    """A FileChange (add/delete/update, as object or wire dict) as unified-diff text."""
    data = change if isinstance(change, dict) else change.to_dict()
    kind = data.get("type")
    if kind == "add":
        lines = data.get("content", "").splitlines()
        return f"+++ {path}\n" + "".join(f"+{line}\n" for line in lines)
    if kind == "delete":
        lines = data.get("content", "").splitlines()
        return f"--- {path}\n" + "".join(f"-{line}\n" for line in lines)
    diff = data.get("unified_diff", "")
    target = data.get("move_path") or path
    return f"--- {path}\n+++ {target}\n" + diff + ("" if diff.endswith("\n") else "\n")


def diff_counts(text: str) -> tuple[int, int]:
    added = removed = 0
    for line in text.splitlines():
        if line.startswith("+") and not line.startswith("+++"):
            added += 1
        elif line.startswith("-") and not line.startswith("---"):
            removed += 1
    return added, removed


def render_diff(text: str) -> Text:
    """Unified diff lines coloured as upstream: additions green, removals red, hunks cyan."""
    out = Text()
    for line in text.splitlines():
        if line.startswith(("+++", "---")):
            continue
        if line.startswith("+"):
            style = "green"
        elif line.startswith("-"):
            style = "red"
        elif line.startswith("@@"):
            style = "cyan"
        else:
            style = "dim"
        out.append("    " + line + "\n", style=style)
    out.rstrip()
    return out


def display_path(path: str, cwd: str | None) -> str:
    """`path` relative to `cwd` when inside it (as upstream lists edited files)."""
    if cwd and path.startswith(cwd.rstrip("/") + "/"):
        return path[len(cwd.rstrip("/")) + 1 :]
    return path


def render_changes(
    changes: dict[str, Any], *, title: str, cwd: str | None = None
) -> RenderableType:
    diffs = {
        display_path(path, cwd): change_diff(display_path(path, cwd), change)
        for path, change in changes.items()
    }
    total_add = total_del = 0
    per_file = []
    for path, text in diffs.items():
        added, removed = diff_counts(text)
        total_add += added
        total_del += removed
        header = Text(f"  └ {path} ", style="bold")
        header.append(f"(+{added} -{removed})", style="dim")
        per_file.append(header)
        per_file.append(render_diff(text))
    plural = "file" if len(diffs) == 1 else "files"
    head = Text(f"• {title} {len(diffs)} {plural} ", style="bold")
    head.append(f"(+{total_add} -{total_del})", style="dim")
    return Group(head, *per_file)
