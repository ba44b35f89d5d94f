"""What 0.169's TUI does with /goal (facts for tests/tui/test_goal.py):
`python -m tests.tui.capture_goal` (needs the anchor and tmux) rewrites
tests/fixtures/tui_goal_official.json. `python -m tests.tui.capture_goal ours` prints what ours
shows for the same keys (nothing written).

Driven in tmux (120x45) with `codex --no-daemon`, a scratch CODEX_HOME pointing the `mock`
provider at tests/support/mock_model_server.py (every request answered "working on it") with the
keys that skip the first-run dialogs, HOME an empty dir. Each line is typed, then Enter is sent
after a pause (0.169 takes a fast Enter for part of a paste). Screens are `capture-pane -p`,
trailing spaces trimmed, the repository path written `{cwd}`.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.support.mock_config import write_mock_config
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import Message, Turn
from tests.support.official import official_binary
from tests.tui.tmux import Pane

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "tui_goal_official.json"
STEPS = (
    ("goal_bare", "/goal"),
    ("goal_set", "/goal ship the feature"),
    ("goal_pause", "/goal pause"),
    ("goal_resume", "/goal resume"),
    ("goal_clear", "/goal clear"),
    ("goal_after_clear", "/goal"),
)


def home_config(repo: Path) -> str:
    return f"""
[tui]
screen_reader_detection_done = true
[tui.model_availability_nux]
"gpt-6.1-sol" = 1
[projects."{repo}"]
trust_level = "trusted"
[notice.model_migrations]
"gpt-5.5" = "gpt-6-sol"
"""


def capture(argv: list[str]) -> dict[str, object]:
    screens: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp, MockModelServer() as mock:
        root = Path(tmp)
        repo = root / "repo"
        repo.mkdir()
        subprocess.run(["git", "init", "-q", str(repo)], check=True)
        fake = root / "fakehome"
        fake.mkdir()
        (fake / ".bashrc").touch()
        mock.repeat(Turn([Message("working on it")]))
        home = write_mock_config(root / "home", mock.base_url, home_config(repo))
        pane = Pane(root / "tmux.sock", width=120, height=45)
        env = {
            "PATH": "/usr/bin:/bin",
            "HOME": str(fake),
            "CODEX_HOME": str(home),
            "MOCK_KEY": "k",
            "TERM": "xterm-256color",
            "LANG": "C.UTF-8",
        }
        pane.start(argv, cwd=repo, env=env)
        try:
            pane.wait_text("Ask Codex to do anything", 90)
            for name, line in STEPS:
                pane.type(line)
                time.sleep(0.8)
                pane.keys("Enter")
                time.sleep(3.0)  # (a capture script, not a test: it waits to see what comes)
                text = "\n".join(x.rstrip() for x in pane.capture().splitlines())
                screens[name] = text.replace(str(repo), "{cwd}")
        finally:
            screens["goal_turn_requests_seen"] = len(mock.requests) > 2
            pane.close()
    return screens


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "ours":
        print(json.dumps(capture([sys.executable, "-m", "codex"]), indent=1))
        return 0
    binary = official_binary()
    if binary is None:
        print("the official 0.169 binary is not installed", file=sys.stderr)
        return 1
    FIXTURE.write_text(json.dumps(capture([str(binary), "--no-daemon"]), indent=1) + "\n")
    print(FIXTURE)
    return 0


if __name__ == "__main__":
    sys.exit(main())
