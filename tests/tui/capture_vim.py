"""What 0.169's `/vim` does (facts for tests/tui/test_slash_vim.py):
`python -m tests.tui.capture_vim` (needs the anchor and tmux) writes the screens to
tests/fixtures/tui_official_0169/vim_*.txt; `... ours` prints ours (nothing written).

Driven as the other TUI captures (tmux 110x45, `codex --no-daemon`, scratch CODEX_HOME on the
mock, empty HOME), the repository path written `{cwd}`. Each line is typed, then its Enter sent
after a pause (0.169 takes a fast Enter as part of a paste). Recorded per step: the composer's
lines, the footer's last line and the cursor (column, row); whole screens for the main states;
then /vim on again and /clear (its new composer), and a second run with `[tui] vim_mode_default
= true`: its start, Esc, /vim off and /clear.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from tests.support.model_stream import Message, Turn
from tests.support.official_drive import TuiRun, capture_main, tui_config, tui_session, write_json

OUT = Path(__file__).resolve().parents[1] / "fixtures" / "tui_official_0169"
FACTS = OUT / "vim_official.json"

# (label, keys): a key list is sent as tmux key names; a str is typed literally.
STEPS: list[tuple[str, list[str] | str]] = [
    ("i", ["i"]),
    ("type", "hello world foo"),
    ("esc", ["Escape"]),
    ("0", ["0"]),
    ("w", ["w"]),
    ("e", ["e"]),
    ("b", ["b"]),
    ("$", ["$"]),
    ("h", ["h"]),
    ("l", ["l"]),
    ("0x", ["0", "x"]),
    ("u", ["u"]),
    ("wdw", ["w", "d", "w"]),
    ("A", ["A"]),
    ("type!", "!"),
    ("esc2", ["Escape"]),
    ("I", ["I"]),
    ("typeX", "X "),
    ("esc3", ["Escape"]),
    ("o", ["o"]),
    ("type2", "second"),
    ("esc4", ["Escape"]),
    ("k", ["k"]),
    ("j", ["j"]),
    ("dd", ["d", "d"]),
    ("u2", ["u"]),
    ("O", ["k", "O"]),
    ("type0", "zero"),
    ("esc5", ["Escape"]),
]


def _composer(screen: str) -> list[str]:
    """The composer's lines: from the `›` line up to the blank line above the status line."""
    lines = screen.splitlines()
    starts = [i for i, x in enumerate(lines) if x.startswith("› ") or x == "›"]
    if not starts:
        return []
    out = []
    for line in lines[starts[-1] :]:
        if not line.strip():
            break
        out.append(line)
    return out


def _step(tui: TuiRun, keys: list[str] | str) -> dict[str, Any]:
    screen = tui.type(keys, wait=0.6) if isinstance(keys, str) else tui.press(*keys, wait=0.6)
    cursor = tui.pane.option("#{cursor_x},#{cursor_y}")
    return {"composer": _composer(screen), "footer": screen.splitlines()[-1], "cursor": cursor}


def _line(tui: TuiRun, text: str, wait: float) -> str:
    tui.type(text, wait=0.8)
    return tui.press("Enter", wait=wait)


def capture(argv: list[str]) -> dict[str, Any]:
    facts: dict[str, Any] = {"steps": {}, "screens": {}}
    with tui_session(argv, Turn([Message("mock answer")]), width=110) as tui:
        s = tui.scratch
        facts["screens"]["idle"] = tui.press(wait=1.5)
        facts["screens"]["enabled"] = _line(tui, "/vim", 1.5)
        for label, keys in STEPS:
            facts["steps"][label] = _step(tui, keys)
        facts["screens"]["edited"] = tui.screen()
        facts["screens"]["submitted"] = tui.press("Enter", wait=4.0)
        facts["sent"] = [
            part.get("text")
            for item in s.mock.requests[0].input()
            if item.get("role") == "user"
            for part in item.get("content") or []
        ][-1:]
        facts["screens"]["disabled"] = _line(tui, "/vim", 1.5)
        config = (s.home / "config.toml").read_text().replace(s.mock.base_url, "<mock>")
        facts["config_after_toggle"] = config.replace(str(s.repo), "{cwd}")
        _line(tui, "/vim", 1.5)  # on again: does /clear's new composer keep it?
        facts["screens"]["clear_after_vim"] = _line(tui, "/clear", 2.0)
    extra = tui_config_vim_default()
    with tui_session(
        argv,
        Turn([Message("mock answer")]),
        width=110,
        config=lambda repo: tui_config(repo).replace("[tui]\n", extra),
    ) as tui:
        facts["screens"]["start_vim_default"] = tui.press(wait=1.5)
        facts["steps"]["default_esc"] = _step(tui, ["Escape"])
        tui.press("i", wait=0.6)
        facts["screens"]["default_disabled"] = _line(tui, "/vim", 1.5)
        facts["screens"]["default_clear"] = _line(tui, "/clear", 2.0)
    return facts


def tui_config_vim_default() -> str:
    """`[tui] vim_mode_default = true`: what 0.169's /config → Input → "Start in Vim mode"
    writes."""
    return "[tui]\nvim_mode_default = true\n"


def _write(out: Path, facts: dict[str, Any]) -> None:
    screens = facts.pop("screens")
    for name, text in screens.items():
        (out.parent / f"vim_{name}.txt").write_text(text.rstrip("\n") + "\n")
    write_json(out, facts)


def main() -> int:
    return capture_main(
        FACTS, lambda binary: capture([str(binary), "--no-daemon"]), ours=capture, write=_write
    )


if __name__ == "__main__":
    sys.exit(main())
