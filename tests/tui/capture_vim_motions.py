"""What 0.169's Vim mode does with counts, f/t/F/T (and `;` `,`), text objects, R (Replace
mode), search and redo (facts for tests/tui/test_vim_motions.py):
`python -m tests.tui.capture_vim_motions` (needs the anchor and tmux) writes
tests/fixtures/tui_official_0169/vim_motions_official.json; `... ours` prints ours.

Driven as tests/tui/capture_vim.py (tmux 110x45, `codex --no-daemon`, scratch CODEX_HOME on
the mock, empty HOME), `/vim` on. Each scenario starts from an empty composer: `i`, its text
typed (further lines opened with Esc `o`), Esc, then its keys one by one. Recorded: the
composer's lines, the footer's last line and the tmux cursor right after the keys, then the
composer once a `|` marks where the cursor was (typed after `i` in Normal mode, as is in
Insert mode), which shows the cursor's place as text. `ggdG` empties the composer between
scenarios.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path
from typing import Any

from tests.support.model_stream import Message, Turn
from tests.support.official_drive import TuiRun, capture_main, tui_session
from tests.tui.capture_vim import _composer

FACTS = Path(__file__).resolve().parents[1] / "fixtures" / "tui_official_0169"
FACTS = FACTS / "vim_motions_official.json"

# `<Name>` is a tmux key name; any other character is sent as itself.
TOKEN = re.compile(r"<([A-Za-z0-9-]+)>|(.)", re.S)

WORDS = "one two three four five"
COMMAS = "abc,def,ghi,jkl"
NEST = "say (hello [big] world) now"
QUOTE = 'a "quoted text" b'
# (name, text, keys): the scenarios, grouped by feature.
SCENARIOS: list[tuple[str, str, str]] = [
    # counts
    ("3w", WORDS, "03w"),
    ("3e", WORDS, "03e"),
    ("3b", WORDS, "$3b"),
    ("5l", WORDS, "05l"),
    ("3h", WORDS, "$3h"),
    ("30l", WORDS, "030l"),
    ("d2w", WORDS, "0d2w"),
    ("2dw", WORDS, "02dw"),
    ("2d2w", WORDS, "02d2w"),
    ("3x", WORDS, "03x"),
    ("c2w", WORDS, "0c2wX"),
    ("2dd", "l1\nl2\nl3\nl4", "gg2dd"),
    ("3yyp", "l1\nl2\nl3\nl4", "gg3yyGp"),
    ("2p", "ab", "0yl2p"),
    ("2j", "l1\nl2\nl3\nl4", "gg2j"),
    ("2$", "l1\nl2\nl3", "gg2$"),
    ("3ihi", "x", "03ihi<Escape>"),
    ("3rX", WORDS, "03rX"),
    ("2dot", WORDS, "0dw2."),
    ("2u", WORDS, "0xxx2u"),
    # find / till
    ("f,", COMMAS, "0f,"),
    ("f,;", COMMAS, "0f,;"),
    ("f,;,", COMMAS, "0f,;;,"),
    ("F,", COMMAS, "$F,"),
    ("t,", COMMAS, "0t,"),
    ("t,;", COMMAS, "0t,;"),
    ("T,", COMMAS, "$T,"),
    ("2f,", COMMAS, "02f,"),
    ("fz", COMMAS, "0lfz"),
    ("df,", COMMAS, "0df,"),
    ("dt,", COMMAS, "0dt,"),
    ("d2f,", COMMAS, "0d2f,"),
    ("dF,", COMMAS, "$dF,"),
    ("dT,", COMMAS, "$dT,"),
    ("ct,", COMMAS, "0ct,X"),
    ("d;", COMMAS, "0f,d;"),
    ("f;", "a;b;c", "0f;"),
    # text objects
    ("diw", WORDS, "0wdiw"),
    ("daw", WORDS, "0wdaw"),
    ("daw_end", WORDS, "$daw"),
    ("ciw", WORDS, "0wciwX"),
    ("yiwP", WORDS, "0wyiw$p"),
    ("yiw", WORDS, "0wllyiw"),
    ("p_mid", WORDS, "0yiwwp"),
    ("yyp_mid", "l1\nl2\nl3", "ggyyp"),
    ("diw_space", WORDS, "0wlllldiw"),
    ("diW", "foo-bar baz", "0ldiW"),
    ("daW", "foo-bar baz", "0ldaW"),
    ("diw_punct", "foo-bar baz", "0ldiw"),
    ("d2aw", WORDS, "0d2aw"),
    ("di[", NEST, "0fbdi["),
    ("da[", NEST, "0fbda["),
    ("di(", NEST, "0fbdi("),
    ("da(", NEST, "0fbda("),
    ("di)", NEST, "0fbdi)"),
    ("dib", NEST, "0fbdib"),
    ("ci(", NEST, "0fhci(X"),
    ("di(_out", NEST, "0di("),
    ("di{", "x {a {b} c} y", "0fbdi{"),
    ("diB", "x {a {b} c} y", "0fbdiB"),
    ("ci{_multi", "{\nab\n}", "ggjci{X"),
    ('yi"', QUOTE, '0fqyi"$p'),
    ("da{", "x {a {b} c} y", "0fbda{"),
    ('di"', QUOTE, '0fqdi"'),
    ('da"', QUOTE, '0fqda"'),
    ('ci"', QUOTE, '0fqci"X'),
    ('di"_before', QUOTE, '0di"'),
    ("di'", "a 'x y' b", "0fxdi'"),
    ("di`", "a `x y` b", "0fxdi`"),
    ("di(_multi", "f(a\nb)", "ggjdi("),
    # Replace mode
    ("R", "hello world", "0Rab"),
    ("R_esc", "hello world", "0Rab<Escape>"),
    ("R_past_end", "hi", "0Rhello<Escape>"),
    ("R_bs", "hello world", "0Rabc<BSpace><BSpace><Escape>"),
    ("R_undo", "hello world", "0Rab<Escape>u"),
    ("R_dot", "hello world", "0Rab<Escape>w."),
    ("R_bs_before", "hello world", "0wRa<BSpace><BSpace>b<Escape>"),
    # search, redo
    ("/", "foo bar foo baz foo", "0/"),
    ("/foo", "foo bar foo baz foo", "0/foo<Enter>"),
    ("/foo_n", "foo bar foo baz foo", "0/foo<Enter>n"),
    ("/foo_N", "foo bar foo baz foo", "0/foo<Enter>nN"),
    ("?bar", "foo bar foo baz foo", "$?bar<Enter>"),
    ("/none", "foo bar foo baz foo", "0w/zzz<Enter>"),
    ("/fo_prompt", "foo bar foo baz foo", "0/fo"),
    ("/fo_bs", "foo bar foo baz foo", "0/fo<BSpace><BSpace><BSpace>"),
    ("/fo_esc", "foo bar foo baz foo", "0w/fo<Escape>"),
    ("/foo_wrap", "foo bar foo baz foo", "0/foo<Enter>nn"),
    ("?foo_wrap", "foo bar foo baz foo", "0?foo<Enter>"),
    ("/multi", "ab\ncd ab", "gg/ab<Enter>"),
    ("/case", "Foo foo", "0/foo<Enter>N"),
    ("/regex", "a.c abc", "0l/.c<Enter>"),
    ("n_first", "foo bar foo", "0n"),
    ("redo", WORDS, "0xxuu<C-r>"),
    ("redo_cursor", WORDS, "0wdwu<C-r>"),
    # no-ops / other keys
    ("X", WORDS, "0wX"),
    ("P", WORDS, "0ywP"),
    ("~", WORDS, "0~"),
    ("W", "a-b c-d", "0W"),
    ("J", "l1\nl2", "ggJ"),
    ("ge", WORDS, "$ge"),
    # the basics around them: which keys 0.169 has, where they leave the cursor
    ("Yp", "l1\nl2", "ggYp"),
    ("cc", "  ab\ncd", "ggwccX"),
    ("S", "  ab\ncd", "ggwSX"),
    ("gg", "  ab\ncd", "gg"),
    ("G", "ab\n  cd", "ggG"),
    ("^", "  ab cd", "$^"),
    ("C", WORDS, "0wCX"),
    ("s", WORDS, "0sX"),
    ("D", WORDS, "0wD"),
    ("r", WORDS, "0rX"),
    ("de", WORDS, "0de"),
    ("db", WORDS, "$db"),
    ("d$", WORDS, "0wd$"),
    ("d0", WORDS, "0wwd0"),
    ("dl", WORDS, "0dl"),
    ("yw_p", WORDS, "0yw$p"),
    ("cw", WORDS, "0cwX"),
    ("dG", "l1\nl2\nl3", "ggjdG"),
    ("dgg", "l1\nl2\nl3", "ggjdgg"),
    ("dj_last", "l1\nl2\nl3", "ggjdj"),
    ("x_end", "ab", "$x"),
    ("x_end_x", "abc", "$xx"),
    ("left", WORDS, "0w<Left>"),
    ("right", WORDS, "0<Right>"),
    ("home", WORDS, "$<Home>"),
    ("end", WORDS, "0<End>"),
    ("dd_last", "l1\nl2", "Gdd"),
    ("dot_ciw", WORDS, "0ciwX<Escape>w."),
]


def tokens(keys: str) -> list[tuple[str, bool]]:
    """`keys` as (key, literal) pairs: `<Escape>` → ("Escape", False), `w` → ("w", True);
    `;` is written `\\;` (tmux reads a bare `;` argument as its command separator)."""
    return [
        (m[1], False) if m[1] else ("\\;" if m[2] == ";" else m[2], True)
        for m in TOKEN.finditer(keys)
    ]


def send(tui: TuiRun, keys: str) -> None:
    """One key at a time (0.169 reads a fast run of characters as a paste)."""
    for key, literal in tokens(keys):
        tui.pane.keys(key, literal=literal)
        time.sleep(0.12)


def _state(tui: TuiRun) -> dict[str, Any]:
    time.sleep(0.5)
    screen = tui.screen()
    cursor = tui.pane.option("#{cursor_x},#{cursor_y}")
    return {"composer": _composer(screen), "footer": screen.splitlines()[-1], "cursor": cursor}


def _fill(tui: TuiRun, text: str) -> None:
    for n, line in enumerate(text.split("\n")):
        send(tui, "i" if n == 0 else "<Escape>o")
        tui.pane.type(line)
        time.sleep(0.3)
    send(tui, "<Escape>")


def capture(argv: list[str]) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    with tui_session(argv, Turn([Message("mock answer")]), width=110) as tui:
        tui.type("/vim", wait=0.8)
        tui.press("Enter", wait=1.5)
        for name, text, keys in SCENARIOS:
            _fill(tui, text)
            send(tui, keys)
            after = _state(tui)
            if name in ("/", "/fo_prompt", "R"):
                after["screen_tail"] = tui.screen().splitlines()[-6:]
            mode = after["footer"]
            send(tui, "|" if "Vim: Insert" in mode else "<Escape>i|")
            send(tui, "<Escape>")
            marked = _state(tui)
            facts[name] = {"text": text, "keys": keys, **after, "marked": marked["composer"]}
            send(tui, "ggdG")
            empty = _state(tui)
            if (
                any(x.strip() not in ("›", "") for x in empty["composer"][:1])
                and len(empty["composer"]) > 1
            ):
                facts[name]["reset_failed"] = empty["composer"]
            print(name, facts[name]["marked"], file=sys.stderr)
    return facts


def main() -> int:
    return capture_main(FACTS, lambda binary: capture([str(binary), "--no-daemon"]), ours=capture)


if __name__ == "__main__":
    sys.exit(main())
