"""What 0.169's TUI does with collaboration modes (facts for tests/tui/test_plan_mode.py):
`python -m tests.tui.capture_plan_mode` (needs the anchor and tmux) adds the screens to
tests/fixtures/plan_mode_official.json under "tui". `... ours` prints ours (nothing written).

Driven as tests/tui/capture_goal.py drives it (tmux 120x45, `codex --no-daemon`, scratch
CODEX_HOME on the mock, empty HOME). The mock answers every request with a message holding a
`<proposed_plan>` block. Recorded: the idle screen, after Shift+Tab once and twice, after
`/plan`, after a turn in Plan mode, and the model request's developer messages (opening tags).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.support.mock_config import write_mock_config
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import Message, Turn
from tests.support.official import official_binary
from tests.tui.capture_goal import home_config
from tests.tui.tmux import Pane

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "plan_mode_official.json"
PLAN_ANSWER = (
    "Here is the plan.\n\n<proposed_plan>\n# Title\n\n- step one\n- step two\n</proposed_plan>\n"
)


def _screen(pane: Pane, repo: Path) -> str:
    return "\n".join(x.rstrip() for x in pane.capture().splitlines()).replace(str(repo), "{cwd}")


def capture(argv: list[str]) -> dict[str, Any]:
    screens: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp, MockModelServer() as mock:
        root = Path(tmp)
        repo = root / "repo"
        repo.mkdir()
        subprocess.run(["git", "init", "-q", str(repo)], check=True)
        fake = root / "fakehome"
        fake.mkdir()
        (fake / ".bashrc").touch()
        mock.repeat(Turn([Message(PLAN_ANSWER)]))
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
            time.sleep(1.5)  # (a capture script, not a test: it waits to see what comes)
            screens["idle"] = _screen(pane, repo)
            pane.keys("BTab")
            time.sleep(1.5)
            screens["shift_tab_1"] = _screen(pane, repo)
            pane.keys("BTab")
            time.sleep(1.5)
            screens["shift_tab_2"] = _screen(pane, repo)
            pane.type("/plan")
            time.sleep(0.8)
            screens["plan_popup"] = _screen(pane, repo)
            pane.keys("Enter")
            time.sleep(1.5)
            screens["after_slash_plan"] = _screen(pane, repo)
            pane.type("make a plan")
            time.sleep(0.8)
            pane.keys("Enter")
            time.sleep(6.0)
            screens["after_plan_turn"] = _screen(pane, repo)
            pane.keys("Down")
            time.sleep(1.0)
            screens["after_plan_turn_down"] = _screen(pane, repo)
            pane.keys("Up")
            time.sleep(0.5)
            pane.keys("Enter")
            time.sleep(6.0)
            screens["after_implement"] = _screen(pane, repo)
        finally:
            screens["requests"] = [
                {
                    "developer_parts": [
                        [part.get("text", "")[:24] for part in item.get("content") or []]
                        for item in r.input()
                        if item.get("role") == "developer"
                    ],
                    "last_user_text": [
                        part.get("text", "")[:80]
                        for item in r.input()
                        if item.get("role") == "user"
                        for part in item.get("content") or []
                    ][-1:],
                    "has_text_format": "format" in r.json.get("text", {}),
                }
                for r in mock.requests
            ]
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
    facts = json.loads(FIXTURE.read_text())
    facts["tui"] = capture([str(binary), "--no-daemon"])
    FIXTURE.write_text(json.dumps(facts, indent=1) + "\n")
    print(FIXTURE)
    return 0


if __name__ == "__main__":
    sys.exit(main())
