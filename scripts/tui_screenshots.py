#!/usr/bin/env python3
"""Renders the README's TUI screenshots (docs/tui-*.png) from a real terminal.

codex runs in a private tmux server against the loopback mock model server (tests/support); each
screen is captured with its colours (`tmux capture-pane -e -p`), decoded by Rich's ANSI decoder,
and drawn cell by cell with Pillow in DejaVu Sans Mono (Debian's fonts-dejavu-core), so what the
PNG shows is exactly what the terminal held. Run from the repository root:

    .venv/bin/python scripts/tui_screenshots.py [--out docs] [--only NAME ...]

Needs tmux, git, Pillow (`pip install 'codex-py[screenshots]'`) and the font.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONTS = {
    (False, False): "DejaVuSansMono.ttf",
    (True, False): "DejaVuSansMono-Bold.ttf",
    (False, True): "DejaVuSansMono-Oblique.ttf",
    (True, True): "DejaVuSansMono-BoldOblique.ttf",
}
FONT_SIZE = 15
PAD = 14
WIDTH, HEIGHT = 110, 34


# ---- ANSI capture -> PNG ----------------------------------------------------------------------


def _theme() -> Any:
    from rich.terminal_theme import TerminalTheme

    # A dark terminal palette (xterm-like ANSI colours on a near-black background).
    return TerminalTheme(
        (16, 16, 20),
        (220, 220, 220),
        [
            (30, 30, 30),
            (220, 80, 80),
            (110, 200, 110),
            (220, 190, 90),
            (90, 140, 230),
            (200, 110, 200),
            (80, 190, 200),
            (200, 200, 200),
        ],
        [
            (110, 110, 110),
            (255, 110, 110),
            (140, 230, 140),
            (250, 220, 120),
            (120, 170, 255),
            (230, 140, 230),
            (110, 220, 230),
            (250, 250, 250),
        ],
    )


def render_png(ansi: str, out: Path, *, columns: int) -> None:
    """Draw the captured screen `ansi` (one line per terminal row) into the PNG `out`."""
    from PIL import Image, ImageDraw, ImageFont
    from rich.ansi import AnsiDecoder
    from rich.cells import cell_len
    from rich.color import Color

    theme = _theme()
    fonts = {
        key: ImageFont.truetype(str(FONT_DIR / name), FONT_SIZE) for key, name in FONTS.items()
    }
    regular = fonts[(False, False)]
    cell_w = round(regular.getlength("M"))
    ascent, descent = regular.getmetrics()
    cell_h = ascent + descent + 2
    lines = list(AnsiDecoder().decode(ansi.rstrip("\n")))
    rows = max(len(lines), 1)
    size = (columns * cell_w + 2 * PAD, rows * cell_h + 2 * PAD)
    image = Image.new("RGB", size, tuple(theme.background_color))
    draw = ImageDraw.Draw(image)
    default_fg = tuple(theme.foreground_color)
    default_bg = tuple(theme.background_color)

    def rgb(color: Color | None, foreground: bool) -> tuple[int, int, int]:
        if color is None or color.is_default:
            return default_fg if foreground else default_bg
        return tuple(color.get_truecolor(theme, foreground=foreground))  # type: ignore[return-value]

    for row, line in enumerate(lines):
        col = 0
        y = PAD + row * cell_h
        for span_text, style in _styled_runs(line):
            fg = rgb(style.color, True)
            bg = rgb(style.bgcolor, False)
            if style.reverse:
                fg, bg = bg, fg
            if style.dim:
                fg = tuple((f + b) // 2 for f, b in zip(fg, bg, strict=True))  # type: ignore[assignment]
            font = fonts[(bool(style.bold), bool(style.italic))]
            for ch in span_text:
                width = max(cell_len(ch), 1)
                x = PAD + col * cell_w
                if bg != default_bg:
                    draw.rectangle([x, y, x + width * cell_w - 1, y + cell_h - 1], fill=bg)
                if not ch.isspace():
                    draw.text((x, y + 1), ch, font=font, fill=fg)
                if style.underline:
                    draw.line([x, y + cell_h - 2, x + width * cell_w - 1, y + cell_h - 2], fill=fg)
                col += width
    out.parent.mkdir(parents=True, exist_ok=True)
    image.save(out, optimize=True)


def _styled_runs(line: Any) -> list[tuple[str, Any]]:
    """(text, Style) runs of a Rich Text line, spans resolved (later spans on top). Plain runs
    count too: their Style is empty (falsy), yet they take cells."""
    from rich.console import Console
    from rich.style import Style

    console = Console(width=10_000, color_system="truecolor", file=open(os.devnull, "w"))  # noqa: SIM115
    return [(seg.text, seg.style or Style()) for seg in line.render(console) if seg.text]


# ---- driving codex in tmux ----------------------------------------------------------------------


def _scenario() -> list[Any]:
    from tests.support.model_stream import FunctionCall, Message, Turn, Usage, apply_patch_call

    usage = Usage(input_tokens=2400, cached_input_tokens=0, output_tokens=120)
    patch = (
        "*** Begin Patch\n*** Update File: README.md\n@@\n-# demo repo\n+# demo repo (patched)\n"
        "+\n+A line added by Codex.\n*** End Patch\n"
    )
    answer = (
        "Updated the **README** title and added a line.\n\n"
        "```python\ndef hello() -> str:\n    return 'hi'\n```\n"
    )
    escalate = {
        "cmd": "touch created_outside_sandbox.txt",
        "sandbox_permissions": "require_escalated",
        "justification": "Create a marker file in the repo root?",
    }
    verdict = (
        '{"findings": [{"title": "[P2] README claims a line Codex did not add", "body": '
        '"The new README line says Codex added it, but the commit history will show the user; '
        'reword it or drop it.", "priority": 2, "confidence_score": 0.6, "code_location": '
        '{"absolute_file_path": "README.md", "line_range": {"start": 3, "end": 3}}}], '
        '"overall_correctness": "patch is correct", "overall_explanation": "The change is small '
        'and safe; one wording nit.", "overall_confidence_score": 0.8}'
    )
    return [
        Turn([FunctionCall("c1", "exec_command", {"cmd": "ls && cat README.md"})], usage),
        Turn([apply_patch_call("p1", patch)], usage),
        Turn([Message(answer)], usage),
        Turn([FunctionCall("c2", "exec_command", escalate)], usage),
        Turn([Message("Done.")], usage),
        Turn([FunctionCall("r1", "exec_command", {"cmd": "git diff HEAD"})], usage),
        Turn([Message(verdict)], usage),
    ]


def main(argv: list[str] | None = None) -> int:
    from tests.support.mock_config import write_mock_config
    from tests.support.mock_model_server import MockModelServer
    from tests.tui.tmux import Pane

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs", help="where the PNGs go")
    parser.add_argument("--only", nargs="*", help="screens to write (default: all)")
    args = parser.parse_args(argv)

    def save(pane: Pane, name: str) -> None:
        if args.only and name not in args.only:
            return
        raw = pane._tmux("capture-pane", "-e", "-p", "-t", "e2e")
        out = args.out / f"tui-{name}.png"
        render_png(raw, out, columns=pane.width)
        print(f"wrote {out}")

    with MockModelServer() as server, tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        repo = work / "demo"
        repo.mkdir()
        git = ["git", "-c", "user.name=demo", "-c", "user.email=demo@example.com"]
        subprocess.run([*git, "init", "-q"], cwd=repo, check=True)
        (repo / "README.md").write_text("# demo repo\n")
        subprocess.run([*git, "add", "."], cwd=repo, check=True)
        subprocess.run([*git, "commit", "-qm", "first"], cwd=repo, check=True)
        home = write_mock_config(
            work / "home", server.base_url, f'\n[projects."{repo}"]\ntrust_level = "trusted"\n'
        )
        server.enqueue(*_scenario())
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(work),
            "CODEX_HOME": str(home),
            "MOCK_KEY": "k",
            "TERM": "xterm-256color",
            "COLORTERM": "truecolor",
        }
        pane = Pane(work / "tmux.sock", width=WIDTH, height=HEIGHT)
        try:
            pane.start([sys.executable, "-m", "codex", "-a", "on-request"], cwd=repo, env=env)
            pane.wait_text("Ask Codex to do anything")
            pane.type("please update the readme")
            pane.keys("Enter")
            pane.wait_text("A line added by Codex")
            pane.wait_text("Worked for")
            save(pane, "transcript")
            pane.type("now create the marker")
            pane.keys("Enter")
            pane.wait_text("Would you like to run the following command?")
            save(pane, "approval")
            pane.keys("Enter")
            pane.wait_text("Done.")
            pane.type("/")
            pane.wait_text("/compact")
            save(pane, "slash")
            pane.type("model")
            pane.wait_for(lambda s: "/model" in s and "/compact" not in s)
            pane.keys("Enter")
            pane.wait_text("Select Model and Effort")
            save(pane, "model")
            pane.keys("Escape")
            pane.wait_for(lambda s: "Select Model" not in s)
            pane.type("/review")
            pane.wait_for(lambda s: "review my current changes" in s)
            pane.keys("Enter")
            pane.wait_text("Select a review preset")
            pane.keys("2")
            pane.wait_text("one wording nit")
            save(pane, "review")
            pane.type("/undo")
            pane.wait_for(lambda s: "restore the files as they were" in s)
            pane.keys("Enter")
            pane.wait_text("Undo: restore the files to before a turn")
            save(pane, "undo")
            pane.keys("Escape")
        finally:
            pane.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
