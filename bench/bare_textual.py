"""The baseline of bench/bench_tui.py's launch phase: a bare Textual app with a TextArea (what
issue 17 says reaches its first frame in ~200 ms here). Whatever `codex` takes beyond this is
codex's own start-up. It shows the same two strings the bench looks for in our composer.

python bench/bare_textual.py   (in a terminal; ctrl+q quits)
"""

from textual.app import App, ComposeResult
from textual.widgets import Static, TextArea


class Bare(App[None]):
    def compose(self) -> ComposeResult:
        yield TextArea(placeholder="Ask Codex to do anything")
        yield Static("? for shortcuts")


if __name__ == "__main__":
    Bare().run()
