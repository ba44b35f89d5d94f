"""Vim mode's `f`/`F`/`t`/`T`, text objects, Replace mode (`R`), `/` `?` `n` `N` search and
Ctrl-R redo in a real terminal (tmux) against the loopback mock, replaying the scenarios
0.169's TUI was driven through (tests/tui/capture_vim_motions.py →
tests/fixtures/tui_official_0169/vim_motions_official.json) and asserting our composer ends
with the same text, a `|` typed where the cursor was. Also what 0.169 does not have: counts
(`3w` moves one word: the digit is no command), `;` and `,`, `P`, `X`, `S`, `^`, Home/End; and
where the basic keys leave the cursor (`gg`, `x` and `D` at a line's end, `dd` on the last).

How keys are sent: a run of characters in one go; an Esc only once the screen shows the mode
it leaves (Insert, Replace, the search prompt), and nothing after it until the footer says
`Vim: Normal` again, since a character right behind an Esc reads as Alt+character.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.support.mock_model_server import MockModelServer
from tests.tui.capture_vim_motions import tokens
from tests.tui.test_slash_thread import _start
from tests.tui.tmux import Pane, tmux_path

pytestmark = pytest.mark.skipif(tmux_path() is None, reason="tmux is not installed")
FACTS = json.loads(
    (
        Path(__file__).resolve().parents[1]
        / "fixtures"
        / "tui_official_0169"
        / "vim_motions_official.json"
    ).read_text()
)
NORMAL = "Vim: Normal"
COMPOSER = "Ask Codex to do anything"


def _footer(screen: str) -> str:
    return screen.rstrip("\n").splitlines()[-1]


def _text(screen: str) -> list[str]:
    """Our composer's lines, as text: the block right above the status line's two lines (a
    one-column margin before each)."""
    lines = screen.rstrip("\n").splitlines()[:-2]
    block: list[str] = []
    while lines and lines[-1].strip():
        block.insert(0, lines.pop()[1:].rstrip())
    return [] if block == [COMPOSER] else block  # (the empty composer's placeholder)


def _send(pane: Pane, keys: str) -> None:
    """`keys` (capture_vim_motions' notation) to the pane, each Esc on a settled screen."""
    run: list[str] = []
    for key, literal in [*tokens(keys), ("", False)]:
        if literal:
            run.append(key)
            continue
        if run:
            pane.keys(*run, literal=True)
            run = []
        if key == "Escape":
            pane.wait_for(lambda s: NORMAL not in _footer(s))  # Insert, Replace or `/`
            pane.keys("Escape")
            pane.wait_for(lambda s: NORMAL in _footer(s))
        elif key:
            pane.keys(key)


def _replay(pane: Pane, name: str) -> None:
    """One scenario as the capture ran it: from an empty composer, its text typed, its keys,
    then `|` where the cursor is; the composer must read as 0.169's did, then `ggdG`."""
    fact: dict[str, Any] = FACTS[name]
    for n, line in enumerate(fact["text"].split("\n")):
        _send(pane, ("i" if n == 0 else "<Escape>o") + line)
    _send(pane, "<Escape>" + fact["keys"])
    after = fact["footer"]
    if "Vim: Insert" in after:
        _send(pane, "|<Escape>")
    elif NORMAL in after:
        _send(pane, "i|<Escape>")
    else:  # in Replace mode, or in the search prompt
        _send(pane, "<Escape>i|<Escape>")
    want = [x[2:].rstrip() for x in fact["marked"]]  # (0.169's lines start `› `, then `  `)
    try:
        pane.wait_for(lambda s: _text(s) == want and NORMAL in _footer(s), 15)
    except AssertionError:
        screen = pane.capture()
        raise AssertionError(
            f"{name} ({fact['keys']!r}): 0.169 {want}, ours {_text(screen)}:\n{screen}"
        ) from None
    pane.keys("g", "g", "d", "G", literal=True)
    pane.wait_for(lambda s: "|" not in "".join(_text(s)))


def start_vim(pane: Pane, home: Path, repo: Path, mock_model_server: MockModelServer) -> Pane:
    """Our TUI on the mock (one answer queued), `/vim` on: the composer in Normal mode."""
    _start(pane, home, repo, mock_model_server, "vim answer")
    pane.type("/vim")
    pane.wait_text("toggle Vim mode for the composer")
    pane.keys("Enter")
    pane.wait_for(lambda s: "• Vim mode enabled." in s and NORMAL in s)
    return pane


@pytest.fixture
def vim_pane(pane: Pane, home: Path, repo: Path, mock_model_server: MockModelServer) -> Pane:
    return start_vim(pane, home, repo, mock_model_server)


FIND = ["f,", "F,", "t,", "T,", "fz", "df,", "dt,", "dF,", "dT,", "ct,", "f,;", "f,;,", "t,;", "f;"]
OBJECTS = ["diw", "daw", "daw_end", "ciw", "yiwP", "yiw", "diw_space", "diW", "daW"]
OBJECTS += ["diw_punct", "di[", "da[", "di(", "da(", "di)", "dib", "ci(", "di(_out", "di{"]
OBJECTS += ["da{", "diB", "ci{_multi", "di(_multi", 'di"', 'da"', 'ci"', 'di"_before', "di'"]
OBJECTS += ["di`", 'yi"']
REPLACE = ["R", "R_esc", "R_past_end", "R_bs", "R_bs_before", "R_undo", "R_dot"]
SEARCH = ["/", "/fo_prompt", "/fo_bs", "/fo_esc", "/foo", "/foo_n", "/foo_N", "?bar", "/none"]
SEARCH += ["/foo_wrap", "?foo_wrap", "/multi", "/case", "/regex", "n_first", "redo"]
SEARCH += ["redo_cursor"]
# 0.169 has no counts (a digit cancels a pending operator and is otherwise no command), no
# `P`/`X`; `p` leaves the cursor just past the text it put.
LACKS = ["3w", "3e", "3b", "5l", "3h", "30l", "d2w", "2dw", "2d2w", "3x", "c2w", "2dd"]
LACKS += ["3yyp", "2j", "2$", "3ihi", "3rX", "2dot", "2u", "d2f,", "2f,", "d2aw", "d;"]
LACKS += ["2p", "p_mid", "yyp_mid", "X", "P", "~", "W", "J", "ge", "S", "^", "home", "end"]
# The basics around them, where 0.169 leaves the cursor: `gg`/`G` on the first non-blank,
# after `x`/`D` at a line's end just past it; `dd`/`dG`/`dj` down to the last line keep the
# line break before; `Y` yanks the line.
BASICS = ["Yp", "cc", "gg", "G", "C", "s", "D", "r", "de", "db", "d$", "d0", "dl", "yw_p"]
BASICS += ["cw", "dG", "dgg", "dj_last", "x_end", "x_end_x", "left", "right", "dd_last"]
BASICS += ["dot_ciw"]


def test_find_and_till_on_the_line(vim_pane: Pane) -> None:
    for name in FIND:
        _replay(vim_pane, name)


def test_text_objects(vim_pane: Pane) -> None:
    for name in OBJECTS:
        _replay(vim_pane, name)


def test_replace_mode(vim_pane: Pane) -> None:
    _send(vim_pane, "iab<Escape>0R")
    vim_pane.wait_for(lambda s: "Vim: Replace" in _footer(s))
    assert "Vim: Replace" in FACTS["R"]["footer"]
    _send(vim_pane, "<Escape>")
    vim_pane.keys("g", "g", "d", "G", literal=True)
    vim_pane.wait_for(lambda s: "ab" not in "".join(_text(s)))
    for name in REPLACE:
        _replay(vim_pane, name)


def test_search_and_redo(vim_pane: Pane) -> None:
    _send(vim_pane, "ifoo bar<Escape>0/fo")
    prompt = FACTS["/fo_prompt"]["screen_tail"][-1]
    vim_pane.wait_for(lambda s: _footer(s) == prompt)  # the prompt in place of the footer
    _send(vim_pane, "<Escape>")
    vim_pane.keys("g", "g", "d", "G", literal=True)
    vim_pane.wait_for(lambda s: "foo" not in "".join(_text(s)))
    for name in SEARCH:
        _replay(vim_pane, name)


def test_what_0169_does_not_have(vim_pane: Pane) -> None:
    for name in LACKS:
        _replay(vim_pane, name)


def test_basics_leave_the_cursor_where_0169_does(vim_pane: Pane) -> None:
    for name in BASICS:
        _replay(vim_pane, name)


def test_every_captured_scenario_is_replayed() -> None:
    assert sorted(FIND + OBJECTS + REPLACE + SEARCH + LACKS + BASICS) == sorted(FACTS)
