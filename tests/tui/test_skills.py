"""Skills in the TUI, against what 0.169's TUI showed and sent (tests/fixtures/
tui_skills_official.json): `/skills` and its menu, the `$` popup (rows, filter, order, keys), the
Enable/Disable checklist and the config it writes, and the skill a sent message carries to the
model. Driven in a real terminal (tmux) against the loopback mock model server.

The skills are the capture's: pdf-tools (user) and repo-lint (repo), plus five stand-ins under
CODEX_HOME/skills/.system with the display names and short descriptions 0.169's bundled skills
showed (0.169 unpacks those on first run; codex-py does not ship them), so whole screens compare.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from tests.support.mock_model_server import MockModelServer, RecordedRequest
from tests.support.model_stream import Message, Turn, Usage
from tests.tui.test_tmux_e2e import CODEX, COMPOSER, env_for, trusted_home
from tests.tui.tmux import Pane, tmux_path

needs_tmux = pytest.mark.skipif(tmux_path() is None, reason="tmux is not installed")

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "tui_skills_official.json"
OFFICIAL: dict[str, Any] = json.loads(FIXTURE.read_text())
POPUP = OFFICIAL["dollar_popup"]
TOGGLE = OFFICIAL["enable_disable"]
# The bundled skills' folder names in 0.169's CODEX_HOME/skills/.system, by display name.
SYSTEM_NAMES = {
    "Image Gen": "imagegen",
    "OpenAI Docs": "openai-docs",
    "Review Agent": "review-agent",
    "Skill Creator": "skill-creator",
    "Skill Installer": "skill-installer",
}
ROW = re.compile(r"^[› ] (\S.*?)  +\[Skill\] (.*)$")


def _official_rows() -> dict[str, str]:
    """Display name -> short description, from 0.169's `$` popup."""
    rows = {}
    for line in POPUP["screen_list_skills"]:
        match = ROW.match(line)
        if match:
            rows[match.group(1)] = match.group(2)
    return rows


@pytest.fixture
def skills_home(home: Path, repo: Path, tmp_path: Path) -> dict[str, str]:
    """The capture's skills in `home` and `repo`; the environment to launch with (HOME is a
    scratch folder: $HOME/.agents/skills is a skills root too)."""
    trusted_home(home, repo)
    for where, text in OFFICIAL["skill_files"].items():
        path = Path(where.replace("{codex_home}", str(home)).replace("{repo}", str(repo)))
        path.parent.mkdir(parents=True)
        path.write_text(text)
    for display, description in _official_rows().items():
        name = SYSTEM_NAMES.get(display)
        if name is None:
            continue
        folder = home / "skills" / ".system" / name
        (folder / "agents").mkdir(parents=True)
        (folder / "SKILL.md").write_text(
            f"---\nname: {name}\ndescription: stand-in for {display}\n---\nBody of {name}.\n"
        )
        (folder / "agents" / "openai.yaml").write_text(
            f'interface:\n  display_name: "{display}"\n  short_description: "{description}"\n'
        )
    (tmp_path / "user-home").mkdir()
    return {**env_for(home), "HOME": str(tmp_path / "user-home")}


def _start(pane: Pane, repo: Path, env: dict[str, str]) -> None:
    pane.start(CODEX, cwd=repo, env=env)
    # the config is loaded (the status line names its model): the `$` popup needs CODEX_HOME
    pane.wait_for(lambda s: "? for shortcuts" in s and "gpt-5.5" in s)


def _lines(screen: str) -> list[str]:
    return [line.rstrip() for line in screen.splitlines()]


def _block(screen: str, first: str, last: str) -> list[str]:
    """The lines of `screen` from the one starting with `first` to the one equal to `last`."""
    lines = _lines(screen)
    start = next(i for i, line in enumerate(lines) if line.startswith(first))
    end = next(i for i in range(start, len(lines)) if lines[i] == last)
    return lines[start : end + 1]


def _popup(screen: str) -> list[str]:
    """The `$` popup: its rows (or "no matches") down to its key hints."""
    lines = _lines(screen)
    end = lines.index("  enter insert · esc close")
    start = end
    while start > 0 and (ROW.match(lines[start - 1]) or lines[start - 1] in ("", "no matches")):
        start -= 1
    while lines[start] == "":
        start += 1
    return lines[start : end + 1]


def _official_popup(screen: list[str]) -> list[str]:
    return screen[: screen.index("  enter insert · esc close") + 1]


def _colored(pane: Pane) -> str:
    """The screen with its colours (SGR escapes)."""
    return pane._tmux("capture-pane", "-p", "-e", "-t", "e2e")


def _plain(line: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", line)


def _fg_before(line: str, text: str) -> str | None:
    """The last foreground colour set before `text` in `line` (an SGR `38;…` or `3N`)."""
    head = line[: line.index(text)]
    colors = re.findall(r"\x1b\[([0-9;]*)m", head)
    for sgr in reversed(colors):
        match = re.search(r"(?:^|;)(38;5;\d+|38;2;\d+;\d+;\d+|3[0-79])(?:;|$)", sgr)
        if match:
            return match.group(1)
    return None


def _norm(text: str, home: Path, repo: Path) -> str:
    return text.replace(str(home), "{codex_home}").replace(str(repo), "{repo}")


def _turn_request(server: MockModelServer, text: str) -> RecordedRequest:
    """The turn request whose last user text message is `text` or a skill after it."""
    for request in reversed(server.requests):
        if text in request.message_texts("user"):
            return request
    raise AssertionError(f"no request carried {text!r}")


def _after_user_text(request: RecordedRequest, text: str) -> list[dict[str, Any]]:
    """The input items from the user's message `text` on, as role + text parts."""
    items = [
        {"type": i["type"], "role": i["role"], "content": i["content"]}
        for i in request.input()
        if i.get("type") == "message"
    ]
    start = max(i for i, item in enumerate(items) if item["content"][0].get("text") == text)
    return [
        {**item, "content": [{"type": c["type"], "text": c["text"]} for c in item["content"]]}
        for item in items[start:]
    ]


@needs_tmux
def test_skills_command_menu_and_list(
    pane: Pane, repo: Path, skills_home: dict[str, str], mock_model_server: MockModelServer
) -> None:
    _start(pane, repo, skills_home)
    pane.type("/skills")
    screen = pane.wait_text("use skills to improve")
    official = OFFICIAL["slash_popup_row"].removeprefix("› /skills").strip()
    assert any(line.split() == ["/skills", *official.split()] for line in _lines(screen))
    pane.keys("Enter")
    screen = pane.wait_text("enter select · esc back")
    rows = [line for line in OFFICIAL["skills_menu"]["rows"] if line]
    assert [line for line in _block(screen, "  Skills", rows[-1]) if line] == rows
    pane.keys("Enter")  # List skills: `$` in the composer, and its popup
    screen = pane.wait_text("enter insert · esc close")
    assert _popup(screen) == _official_popup(POPUP["screen_list_skills"])
    assert " $" in _lines(screen)[_lines(screen).index(_popup(screen)[0]) - 1]


@needs_tmux
def test_dollar_popup_filters_inserts_and_the_skill_reaches_the_model(
    pane: Pane,
    home: Path,
    repo: Path,
    skills_home: dict[str, str],
    mock_model_server: MockModelServer,
) -> None:
    mock_model_server.enqueue(Turn([Message("done with pdf")], Usage(10, 0, 1)))
    _start(pane, repo, skills_home)
    pane.type("$p")
    screen = pane.wait_for(lambda s: "enter insert" in s and "OpenAI Docs" in s and "Gen" not in s)
    assert _popup(screen) == _official_popup(POPUP["screen_query_p"])
    pane.type("d")
    screen = pane.wait_for(lambda s: "enter insert" in s and "repo-lint" not in s)
    assert _popup(screen) == _official_popup(POPUP["screen_query_pd"])
    pane.keys("Tab")
    screen = pane.wait_for(lambda s: "enter insert" not in s and "$pdf-tools" in s)
    # 0.169's composer line is `› $pdf-tools ` (this TUI's composer has no `›`)
    inserted = OFFICIAL["composer_mention"]["after_tab"].removeprefix("› ")
    assert inserted == "$pdf-tools "
    assert any(line.strip() == inserted.strip() for line in _lines(screen)), screen
    used = json.loads((home / "mention_usage.json").read_text())
    assert [_norm(p, home, repo) for p in used] == json.loads(
        OFFICIAL["mention_usage_json_after_one_insert"]
    )
    pane.type("summarize")  # after the inserted trailing space
    pane.wait_text("$pdf-tools summarize")
    pane.keys("Enter")
    pane.wait_text("done with pdf")
    # in the transcript too, the picked mention has a colour of its own (0.169: 147)
    line = next(x for x in _colored(pane).splitlines() if "$pdf-tools summarize" in _plain(x))
    assert _fg_before(line, "$pdf-tools") not in (None, _fg_before(line, "summarize")), line
    request = _turn_request(mock_model_server, "$pdf-tools summarize")
    sent = json.loads(
        _norm(json.dumps(_after_user_text(request, "$pdf-tools summarize")), home, repo)
    )
    assert sent == OFFICIAL["model_request"]["input_tail"]


@needs_tmux
def test_a_picked_skill_wins_over_a_namesake_and_a_typed_one_takes_the_first(
    pane: Pane,
    home: Path,
    repo: Path,
    skills_home: dict[str, str],
    mock_model_server: MockModelServer,
) -> None:
    """Two skills named repo-lint (the repo's, then a user copy): the one picked in the popup
    is the one sent (its path); typed by hand, `$repo-lint` is the first in load order, as
    0.169's TUI sends it. Core alone resolves a `$name` only when one skill has that name, so
    both need the TUI's skill items."""
    copy = home / "skills" / "dupe" / "SKILL.md"
    copy.parent.mkdir(parents=True)
    copy.write_text("---\nname: repo-lint\ndescription: User copy of repo-lint\n---\nCopy.\n")
    mock_model_server.enqueue(Turn([Message("first done")], Usage(10, 0, 1)))
    mock_model_server.enqueue(Turn([Message("second done")], Usage(10, 0, 1)))
    _start(pane, repo, skills_home)
    pane.type("$repo")
    # the popup for `$rep`: just the two (the one for `$` or `$re` is drawn on the way)
    screen = pane.wait_for(
        lambda s: "enter insert" in s and sum(bool(ROW.match(r)) for r in _popup(s)) == 2
    )
    rows = _popup(screen)
    assert rows[0].startswith("› repo-lint") and rows[1].startswith("  repo-lint")
    assert rows[1].endswith("[Skill] User copy of repo-lint")
    pane.keys("Down")
    pane.wait_for(
        lambda s: any(line.startswith("› repo-lint") and "User copy" in line for line in _lines(s))
    )
    pane.keys("Tab")
    pane.wait_for(lambda s: "enter insert" not in s and "$repo-lint" in s)
    pane.type("one")
    pane.wait_text("$repo-lint one")
    pane.keys("Enter")
    pane.wait_text("first done")
    skill_text = _after_user_text(
        _turn_request(mock_model_server, "$repo-lint one"), "$repo-lint one"
    )
    paths = re.findall(r"<path>(.*?)</path>", json.dumps(skill_text))
    assert paths == [str(copy)]

    pane.type("$repo-lint")
    pane.wait_text("enter insert")
    pane.keys("Escape")  # typed by hand: no pick
    pane.wait_for(lambda s: "enter insert" not in s)
    pane.type(" two")
    pane.wait_text("$repo-lint two")
    pane.keys("Enter")
    pane.wait_text("second done")
    skill_text = _after_user_text(
        _turn_request(mock_model_server, "$repo-lint two"), "$repo-lint two"
    )
    paths = re.findall(r"<path>(.*?)</path>", json.dumps(skill_text))
    assert paths == [str(repo / ".codex" / "skills" / "repo-lint" / "SKILL.md")]


@needs_tmux
def test_enable_disable_checklist_writes_config_and_hides_the_skill(
    pane: Pane,
    home: Path,
    repo: Path,
    skills_home: dict[str, str],
    mock_model_server: MockModelServer,
) -> None:
    mock_model_server.enqueue(Turn([Message("no skill here")], Usage(10, 0, 1)))
    _start(pane, repo, skills_home)
    pane.type("/skills")
    pane.wait_text("use skills to improve")
    pane.keys("Enter")
    pane.wait_text("enter select · esc back")
    pane.keys("Down")
    pane.keys("Enter")
    screen = pane.wait_text("space/enter toggle · esc close")
    official = [line.rstrip() for line in TOGGLE["screen"]]
    first, last = official[1], official[-1]
    assert _block(screen, first, last) == official[1:]
    pane.keys("Down")
    pane.keys("Space")
    screen = pane.wait_text("[ ] pdf-tools")
    official = [line.rstrip() for line in TOGGLE["toggled_screen"]]
    assert _block(screen, first, last) == official[1:]
    config = _norm((home / "config.toml").read_text(), home, repo)
    assert config.rstrip().endswith(TOGGLE["config_after_disabling_pdf_tools"])
    pane.type("zzz")
    screen = pane.wait_text("  zzz")
    official = [line.rstrip() for line in TOGGLE["no_match_screen"]]
    assert _block(screen, first, last) == official[1:]
    pane.keys("Escape")
    screen = pane.wait_text("• Disabled 1 skill")
    assert "• Disabled 1 skill" in _lines(screen)

    pane.type("$pdf")  # no longer offered
    screen = pane.wait_text("no matches")
    assert _popup(screen) == _official_popup(POPUP["screen_no_matches"])
    pane.keys("Escape")
    pane.wait_for(lambda s: "no matches" not in s)
    pane.keys("C-u")
    pane.wait_text(COMPOSER)
    pane.type("$pdf-tools now")
    pane.wait_text("$pdf-tools now")
    pane.keys("Enter")
    pane.wait_text("no skill here")
    tail = _after_user_text(_turn_request(mock_model_server, "$pdf-tools now"), "$pdf-tools now")
    assert len(tail) == 1  # the user's message alone: a disabled skill is not sent


@needs_tmux
def test_backspace_takes_a_picked_mention_whole_and_esc_keeps_the_text(
    pane: Pane, repo: Path, skills_home: dict[str, str], mock_model_server: MockModelServer
) -> None:
    _start(pane, repo, skills_home)
    pane.type("a$p")  # mid-word: no popup
    pane.wait_text("a$p")
    assert "enter insert" not in pane.capture()
    pane.keys("C-u")
    pane.keys("BSpace", "BSpace", "BSpace")
    pane.wait_text(COMPOSER)
    pane.type("try $rep")
    pane.wait_text("enter insert")
    pane.keys("Enter")  # Enter inserts too (it does not send)
    pane.wait_for(lambda s: "try $repo-lint" in s and "enter insert" not in s)
    # drawn in another colour than the typed text (0.169: cyan), an element of its own
    line = next(x for x in _colored(pane).splitlines() if "try $repo-lint" in _plain(x))
    assert _fg_before(line, "$repo-lint") not in (None, _fg_before(line, "try")), repr(line)
    pane.keys("BSpace")  # the trailing space
    pane.keys("BSpace")  # then the whole mention
    screen = pane.wait_for(lambda s: "$repo" not in s)
    assert any(line.strip() == "try" for line in _lines(screen)), screen


def test_checklist_summary_words_as_0169() -> None:
    from codex.tui.skills import change_summary

    said = re.findall(r"'(• [^']+)'", TOGGLE["on_close"])
    assert said == [
        "• Disabled 1 skill",
        "• Disabled 2 skills",
        "• Enabled 2 skills, disabled 1 skill",
    ]
    assert [change_summary(0, 1), change_summary(0, 2), change_summary(2, 1)] == said
    assert change_summary(0, 0) == ""  # nothing changed: nothing said


def test_popup_order_picked_first_then_best_match() -> None:
    """0.169 with `$el` and repo-lint picked before: both repo-lints (picked) ahead of delta
    (`el` adjacent) ahead of agent-skill (`e…l` spread), though a-g-… sorts first."""
    from types import SimpleNamespace

    from codex.tui.skills import ranked

    def skill(name: str, path: str) -> SimpleNamespace:
        return SimpleNamespace(name=name, path=Path(path), enabled=True, interface=None)

    skills = [
        skill("agent-skill", "/r/a"),
        skill("repo-lint", "/r/b"),
        skill("delta", "/u/d"),
        skill("repo-lint", "/u/r"),
        skill("gamma", "/u/g"),
    ]
    order = [s.path.name for s in ranked("el", skills, used=["/r/b", "/u/r"])]
    assert order == ["b", "r", "d", "a"]
    assert [s.path.name for s in ranked("", skills, used=[])] == ["a", "d", "g", "b", "r"]


@needs_tmux
def test_more_skills_than_rows_scroll_as_0169(
    pane: Pane,
    home: Path,
    repo: Path,
    skills_home: dict[str, str],
    mock_model_server: MockModelServer,
) -> None:
    """13 skills, some picked before: the checklist and the `$` popup show 8 rows, ↓ then ↑
    where 0.169 puts them, and the name column as wide as the widest name of all rows."""
    many = OFFICIAL["many_skills"]
    for where, text in many["skill_files"].items():
        path = Path(where.replace("{codex_home}", str(home)).replace("{repo}", str(repo)))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    used = many["mention_usage_json"].replace("{codex_home}", str(home))
    (home / "mention_usage.json").write_text(used.replace("{repo}", str(repo)))
    _start(pane, repo, skills_home)
    pane.type("/skills")
    pane.wait_text("use skills to improve")
    pane.keys("Enter")
    pane.wait_text("enter select · esc back")
    pane.keys("Down")
    pane.keys("Enter")
    first, last = many["checklist_top"][0], many["checklist_top"][-1]
    screen = pane.wait_text("space/enter toggle · esc close")
    assert _block(screen, first, last) == many["checklist_top"]
    pane.keys(*["Down"] * 12)
    screen = pane.wait_text("› [x] Skill Installer")
    assert _block(screen, first, last) == many["checklist_bottom"]
    pane.keys("Escape")
    pane.wait_for(lambda s: "Enable/Disable" not in s)
    pane.type("$")
    screen = pane.wait_text("enter insert · esc close")
    assert _popup_rows(screen) == many["popup_top"]
    pane.keys(*["Down"] * 12)
    screen = pane.wait_text("› delta")
    assert _popup_rows(screen) == many["popup_bottom"]


def _popup_rows(screen: str) -> list[str]:
    """The `$` popup from its first row (or ↑) to its key hints."""
    lines = _lines(screen)
    end = lines.index("  enter insert · esc close")
    start = end
    while start > 0 and (ROW.match(lines[start - 1]) or lines[start - 1] in ("↑", "↓", "")):
        start -= 1
    while lines[start] == "":
        start += 1
    return lines[start : end + 1]
