"""The viewer in a real headless browser: Debian's chromium driven by Playwright's Python API
(`executable_path`: Playwright's own browser download is never used), against the real
`codex viewer --port 0` process. Skips with the reason when chromium or playwright is missing.

CODEX_VIEWER_SHOTS=DIR saves the list and session screenshots there (how docs/ got its images).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from tests.viewer.helpers import every_kind, place, place_sample

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no chromium on PATH (apt: chromium)")

SID = "0199a213-81c0-7800-8aa1-bbab2a035a70"
SID2 = "0199a213-81c0-7800-8aa1-bbab2a035a71"
WAIT_MS = 20_000  # an upper bound for a page to settle on a loaded machine, never a sleep


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as pw:
        # --no-sandbox: chromium refuses its own sandbox as root (the tests run as root).
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(WAIT_MS)
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    yield pg
    context.close()
    assert errors == []  # no script error, no CSP violation on any page


def shot(pg: Any, name: str) -> None:
    target = os.environ.get("CODEX_VIEWER_SHOTS")
    if target:
        pg.screenshot(path=str(Path(target) / name), full_page=False)


def agent(text: str, second: int = 30) -> dict[str, Any]:
    return {
        "timestamp": f"2026-11-24T20:49:{second:02d}.000Z",
        "type": "response_item",
        "payload": {
            "type": "message",
            "role": "assistant",
            "content": [{"type": "output_text", "text": text}],
        },
    }


def test_list_page_filter_and_uuid_box(viewer_home: Path, start_viewer: Any, page: Any) -> None:
    place(viewer_home, SID, every_kind(SID), stamp="2026-11-24T20-48-20")
    sample_id, _ = place_sample(viewer_home, "D.rollout.jsonl")
    v = start_viewer()
    page.goto(v.url + "/")
    rows = page.locator("#sessions tr:has(td)")
    assert rows.count() == 2
    assert "do every thing" in rows.nth(0).inner_text() + rows.nth(1).inner_text()
    text = page.locator("#sessions").inner_text()
    assert "/tmp/every" in text and "create a file" in text and "gpt-5.5" in text
    shot(page, "viewer-list.png")
    # Filter by text, through the form.
    page.fill("input[name=q]", "EVERY THING")
    page.click("form[action='/'] button")
    page.wait_for_url("**/?q=*")
    assert page.locator("#sessions tr:has(td)").count() == 1
    assert "do every thing" in page.locator("#sessions").inner_text()
    # Filter by cwd.
    page.goto(v.url + "/")
    page.fill("input[name=cwd]", "/repo")
    page.click("form[action='/'] button")
    page.wait_for_url("**cwd=*")
    assert "create a file" in page.locator("#sessions").inner_text()
    assert page.locator("#sessions tr:has(td)").count() == 1
    # Paste a UUID.
    page.goto(v.url + "/")
    page.fill("input[name=id]", sample_id)
    page.click("form[action='/go'] button")
    page.wait_for_url(f"**/session/{sample_id}")
    assert page.locator("h1").inner_text() == sample_id
    # Pick one from the list.
    page.goto(v.url + "/")
    page.click(f"a[href='/session/{SID}']")
    page.wait_for_url(f"**/session/{SID}")
    assert page.locator("#timeline .line").count() > 10


def test_session_with_every_item_kind(viewer_home: Path, start_viewer: Any, page: Any) -> None:
    path = place(viewer_home, SID, every_kind(SID))
    with open(path, "ab") as f:
        f.write(b"{not json at all\n")
    v = start_viewer()
    page.goto(v.url + f"/session/{SID}")
    tl = page.locator("#timeline")
    assert tl.locator(".line").count() == len(path.read_bytes().splitlines())
    for kind in (
        "meta",
        "turn",
        "msg-user",
        "msg-assistant",
        "reasoning",
        "command",
        "output",
        "patch",
        "plan",
        "search",
        "mcp",
        "tool",
        "tokens",
        "compaction",
        "error",
        "bad",
    ):
        entry = tl.locator(f".line.k-{kind}").first
        assert entry.is_visible(), kind
        assert entry.locator(".icon").inner_text().strip(), kind  # every entry has its icon
    # Markdown, as markup (and reasoning too).
    assert tl.locator(".k-msg-assistant strong").first.inner_text() == "done"
    assert tl.locator(".k-reasoning strong").first.inner_text() == "hard"
    # The command: its exit code and how long it ran (from the output's wall time).
    out = tl.locator("#L7")
    assert "exit 2" in out.inner_text() and out.locator(".dur").inner_text() == "1.5 s"
    # The patch as a coloured diff.
    assert tl.locator(".k-patch .diff .add").first.inner_text() == "+line one"
    # Timestamps: the clock time shown, the full stamp in the title.
    stamp = tl.locator("#L6 time")
    assert stamp.inner_text() == "20:48:03.000"
    assert stamp.get_attribute("datetime") == "2026-11-24T20:48:03.000Z"
    # Each turn's end: its duration and its token usage (from the file's token counts).
    done = tl.locator("#L24")
    assert "turn complete" in done.inner_text()
    assert done.locator(".dur").inner_text() == "12.0 s"
    tokens = done.locator(".turn-tokens").inner_text()
    assert tokens == "turn tokens: in 200 · cached 80 · out 20 · reasoning 10 · total 220"
    aborted = tl.locator("#L28")
    assert "turn aborted" in aborted.inner_text()
    assert aborted.locator(".dur").inner_text() == "2.0 s"
    # The MCP call's completion shows its duration.
    assert tl.locator("#L14 .dur").inner_text() == "400 ms"
    # A malformed line is shown as such.
    assert "unreadable line" in tl.locator("#L29").inner_text()
    # The raw JSON of a line, collapsed until asked for.
    raw = tl.locator("#L4 details pre")
    assert not raw.is_visible()
    tl.locator("#L4 details summary").click()
    assert raw.is_visible() and orjson.loads(raw.inner_text())["payload"]["type"] == "user_message"
    page.goto(v.url + f"/session/{SID}#L5")  # commands, durations, a diff, a plan
    shot(page, "viewer-session.png")


def test_search_in_a_session(viewer_home: Path, start_viewer: Any, page: Any) -> None:
    lines = every_kind(SID)
    lines += [agent(f"filler {i}") for i in range(600)]
    lines.append(agent("the NeedleWord is here"))
    place(viewer_home, SID, lines)
    v = start_viewer()
    page.goto(v.url + f"/session/{SID}")
    assert page.locator("#L628").count() == 0  # past the first page
    page.fill("input[name=q]", "needleword")
    page.press("input[name=q]", "Enter")
    page.wait_for_url("**/search?q=needleword")
    hits = page.locator("#hits a")
    assert hits.count() == 1 and hits.first.inner_text() == "line 629"
    hits.first.click()
    page.wait_for_url(f"**/session/{SID}?start=629#L629")
    target = page.locator("#L629")
    assert target.is_visible() and "the NeedleWord is here" in target.inner_text()
    assert page.evaluate("location.hash") == "#L629"
    # Nothing found is said so.
    page.goto(v.url + f"/session/{SID}/search?q=absent-word")
    assert page.locator("h1").inner_text().startswith("0 lines match")


def test_live_tail(viewer_home: Path, start_viewer: Any, page: Any) -> None:
    path = place(viewer_home, SID, every_kind(SID)[:5])
    v = start_viewer()
    page.goto(v.url + f"/session/{SID}")
    assert page.locator("#timeline .line").count() == 5
    page.check("#follow")
    with open(path, "ab") as f:
        f.write(orjson.dumps(agent("appended while open")) + b"\n")
        f.write(b'{"timestamp": "2026-11-24T20:49:40.000Z", "type": "event_msg", "payload": ')
        f.flush()
    page.locator("#L5", has_text="appended while open").wait_for()
    with open(path, "ab") as f:  # the torn line completes
        f.write(b'{"type": "agent_message", "message": "second append"}}\n')
    page.locator("#L6", has_text="second append").wait_for()
    assert page.locator("#timeline .line").count() == 7
    assert page.locator("#timeline .line.k-bad").count() == 0  # a torn line waits, whole


def test_100mb_rollout_opens_paged(
    viewer_home: Path, start_viewer: Any, page: Any, tmp_path: Path
) -> None:
    """A 100 MB rollout: the page shows its first 200 lines and the line count, pages on, and
    its last line is one request away (bench/bench_viewer.py times this)."""
    path = place(viewer_home, SID, every_kind(SID)[:5])
    blob = "x" * 900
    with open(path, "ab") as f:
        chunk = b"".join(orjson.dumps(agent(f"message {i} {blob}")) + b"\n" for i in range(1000))
        while f.tell() < 100 * 1024 * 1024:
            f.write(chunk)
        f.write(orjson.dumps(agent("the very last message")) + b"\n")
    total = len(path.read_bytes().splitlines())
    v = start_viewer()
    page.goto(v.url + f"/session/{SID}")
    assert f"{total} lines" in page.locator(".path").inner_text()
    assert page.locator("#timeline .line").count() == 200
    assert "do every thing" in page.locator("#L3").inner_text()
    more = page.locator("#more")
    assert more.is_visible()
    more.click()
    page.locator("#L399").wait_for()
    assert page.locator("#timeline .line").count() == 400
    page.goto(v.url + f"/session/{SID}?start={total - 1}")
    assert "the very last message" in page.locator(f"#L{total - 1}").inner_text()
    assert not page.locator("#more").is_visible()
