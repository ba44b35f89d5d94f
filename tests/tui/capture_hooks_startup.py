"""What 0.169's TUI shows at start-up when hooks wait for review (new, or changed since they were
trusted): `python -m tests.tui.capture_hooks_startup` (needs the anchor and tmux) rewrites
tests/fixtures/tui_official_0169/hooks_startup_*.txt and hooks_startup_official.json; the facts
in words are in hooks_startup_notes.md. `--out DIR` writes them into DIR instead (to diff a
re-capture with the committed files); scenario names re-capture only those.

Each scenario starts the official binary (`--no-daemon`: no app-server daemon left behind) in
a private 110x45 tmux (official_drive.tui_pane) on a scratch CODEX_HOME (the
mock model, `$CODEX_HOME/hooks.json` holding one PreToolUse and one PostToolUse hook), presses
the scenario's keys and records the screens, the `[hooks.state]` records config.toml holds
after, and whether the PreToolUse hook ran for the model's one `exec_command` call.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import tomllib
from pathlib import Path
from typing import Any

from tests.support.model_stream import FunctionCall, Message, Turn
from tests.support.official import official_binary
from tests.support.official_drive import scratch, tui_config, tui_pane
from tests.tui.tmux import Pane

OUT = Path(__file__).resolve().parents[1] / "fixtures" / "tui_official_0169"
FIXTURE = OUT / "hooks_startup_official.json"
WAIT = 3.0  # a capture script (never a test) waits this long after each key
MARK = "hook-ran"  # the file the PreToolUse hook touches in the scratch root


def hooks_file(root: Path, command: str = "") -> dict[str, Any]:
    """The hooks.json of every scenario: its PreToolUse hook touches root/MARK."""
    pre = command or f"touch {root / MARK}"
    return {
        "hooks": {
            "PreToolUse": [
                # (no matcher: 0.169 matches its tool names, "Bash" for exec_command, and
                # codex-py its own; every tool call runs it in both)
                {"hooks": [{"type": "command", "command": pre, "timeout": 30}]}
            ],
            "PostToolUse": [{"hooks": [{"type": "command", "command": "true"}]}],
        }
    }


# name: (keys, folder trusted, extra argv, whether to run a turn after the keys)
SCENARIOS: dict[str, tuple[list[str], bool, list[str], bool]] = {
    "trust_all": (["Down", "Enter"], True, [], True),
    "skip_esc": (["Escape"], True, [], True),
    "skip_choice_3": (["3"], True, [], False),
    "digit_2_only_moves": (["2"], True, [], False),
    "review": (["1", "Escape"], True, [], False),
    "wraps": (["Up", "j", "k"], True, [], False),
    "untrusted_folder": (["Enter"], False, [], False),
    "bypass_flag": ([], True, ["--dangerously-bypass-hook-trust"], True),
}


def _screen(pane: Pane, repo: Path, home: Path) -> list[str]:
    text = pane.capture().replace(str(repo), "{cwd}").replace(str(home), "{codex_home}")
    lines = [line.rstrip() for line in text.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _records(home: Path) -> dict[str, Any]:
    doc = tomllib.loads((home / "config.toml").read_text())
    state = doc.get("hooks", {}).get("state", {})
    return {key.replace(str(home), "{codex_home}"): value for key, value in state.items()}


def run(binary: Path, name: str, *, modified: bool = False) -> dict[str, Any]:
    keys, folder_trusted, args, turn = SCENARIOS[name]
    reply = [Turn([FunctionCall("c1", "exec_command", {"cmd": "true"})]), Turn([Message("done")])]
    # (the reply: any request 0.169 makes on its own)
    with scratch(reply=Turn([Message("done")]), git=True) as s:
        trusted_dir = s.repo if folder_trusted else s.root / "elsewhere"
        s.configure(tui_config(trusted_dir))
        (s.home / "hooks.json").write_text(json.dumps(hooks_file(s.root)))
        argv = [str(binary), "--no-daemon", *args]
        with tui_pane(s, argv, width=110, wait_for=None) as tui:
            pane = tui.pane
            time.sleep(8)  # (the hooks prompt comes before the composer)
            screens = {"start": _screen(pane, s.repo, s.home)}
            for n, key in enumerate(keys):
                pane.keys(key)
                time.sleep(WAIT)
                screens[f"{n + 1}:{key}"] = _screen(pane, s.repo, s.home)
            if turn:  # (queued only now: what start-up asked the mock took the repeat)
                s.mock.enqueue(*reply)
                pane.type("run true")
                time.sleep(1)  # (0.169 takes an Enter right after typing as pasted text)
                pane.keys("Enter")
                pane.wait_text("Ran true", 60)  # (the PreToolUse hook ran before it, or not)
            return {
                "screens": screens,
                "records": _records(s.home),
                "hook_ran": (s.root / MARK).exists() if turn else None,
            }


def run_modified(binary: Path) -> dict[str, Any]:
    """Trust all, change the PreToolUse hook's command, start again: the second prompt."""
    with scratch(git=True) as s:
        s.configure(tui_config(s.repo))
        (s.home / "hooks.json").write_text(json.dumps(hooks_file(s.root)))
        screens: dict[str, list[str]] = {}
        for n, keys in enumerate((["Down", "Enter"], ["1", "Enter"])):
            if n:
                (s.home / "hooks.json").write_text(json.dumps(hooks_file(s.root, "~/other.sh")))
            argv = [str(binary), "--no-daemon"]
            with tui_pane(s, argv, width=110, socket=f"tmux{n}.sock", wait_for=None) as tui:
                time.sleep(8)
                screens[f"run{n + 1}:start"] = _screen(tui.pane, s.repo, s.home)
                for key in keys:
                    tui.pane.keys(key)
                    time.sleep(WAIT)
                    screens[f"run{n + 1}:{key}"] = _screen(tui.pane, s.repo, s.home)
        return {"screens": screens, "records": _records(s.home)}


def write_screens(facts: dict[str, Any], out: Path = OUT) -> None:
    """The screens the tests compare with, as .txt like the other captures, into `out`."""
    files = {
        "hooks_startup_prompt.txt": facts["trust_all"]["screens"]["start"],
        "hooks_startup_prompt_one.txt": facts["modified"]["screens"]["run2:start"],
        "hooks_startup_review.txt": facts["review"]["screens"]["1:1"],
    }
    for name, lines in files.items():
        (out / name).write_text("\n".join(lines) + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(description="re-capture 0.169's hooks start-up prompt")
    parser.add_argument("only", nargs="*", help="scenarios to re-capture (default: all)")
    parser.add_argument("--out", type=Path, default=OUT, help="directory to write (a re-capture)")
    args = parser.parse_args()
    binary = official_binary()
    if binary is None:
        print("the official 0.169 binary is not installed (official.py)", file=sys.stderr)
        return 1
    only = args.only
    facts: dict[str, Any] = json.loads(FIXTURE.read_text()) if only and FIXTURE.exists() else {}
    for name in SCENARIOS:
        if not only or name in only:
            facts[name] = run(binary, name)
            print(name, file=sys.stderr)
    if not only or "modified" in only:
        facts["modified"] = run_modified(binary)
    args.out.mkdir(parents=True, exist_ok=True)
    text = json.dumps(facts, indent=1, ensure_ascii=False) + "\n"
    (args.out / FIXTURE.name).write_text(text)
    write_screens(facts, args.out)
    print(args.out / FIXTURE.name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
