"""Renders the README's TUI screenshots from a real terminal: codex runs in a private tmux
server (100x30) against the loopback mock model server, each screen is captured with its
colours (`tmux capture-pane -e`) and written as SVG by Rich (docs/tui-*.svg).

python docs/tui_screenshots.py
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from rich.console import Console  # noqa: E402
from rich.text import Text  # noqa: E402
from tests.support.mock_config import write_mock_config  # noqa: E402
from tests.support.mock_model_server import MockModelServer  # noqa: E402
from tests.support.model_stream import (  # noqa: E402
    FunctionCall,
    Message,
    Turn,
    Usage,
    apply_patch_call,
)
from tests.tui.tmux import Pane  # noqa: E402

USAGE = Usage(input_tokens=2400, cached_input_tokens=0, output_tokens=120)
PATCH = (
    "*** Begin Patch\n*** Update File: README.md\n@@\n-# demo repo\n+# demo repo (patched)\n"
    "+\n+A line added by Codex.\n*** End Patch\n"
)
ANSWER = (
    "Updated the **README** title and added a line.\n\n"
    "```python\ndef hello() -> str:\n    return 'hi'\n```\n"
)


def save(pane: Pane, name: str) -> None:
    raw = pane._tmux("capture-pane", "-e", "-p", "-t", "e2e")
    console = Console(record=True, width=pane.width, file=open(os.devnull, "w"))  # noqa: SIM115
    console.print(Text.from_ansi(raw.rstrip("\n")), end="")
    out = ROOT / "docs" / f"tui-{name}.svg"
    console.save_svg(str(out), title=f"codex — {name}")
    print(f"wrote {out.relative_to(ROOT)}")


def main() -> int:
    with MockModelServer() as server, tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        repo = work / "demo"
        repo.mkdir()
        (repo / ".git").mkdir()
        (repo / "README.md").write_text("# demo repo\n")
        home = write_mock_config(
            work / "home", server.base_url, f'\n[projects."{repo}"]\ntrust_level = "trusted"\n'
        )
        escalate = {
            "cmd": "touch created_outside_sandbox.txt",
            "sandbox_permissions": "require_escalated",
            "justification": "Create a marker file in the repo root?",
        }
        server.enqueue(
            Turn([FunctionCall("c1", "exec_command", {"cmd": "ls && cat README.md"})], USAGE),
            Turn([apply_patch_call("p1", PATCH)], USAGE),
            Turn([Message(ANSWER)], USAGE),
            Turn([FunctionCall("c2", "exec_command", escalate)], USAGE),
            Turn([Message("Done.")], USAGE),
        )
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(work),
            "CODEX_HOME": str(home),
            "MOCK_KEY": "k",
            "TERM": "xterm-256color",
        }
        pane = Pane(work / "tmux.sock")
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
        finally:
            pane.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
