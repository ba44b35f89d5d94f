"""`codex viewer` end to end: the real command serving on 127.0.0.1 (port 0), driven with httpx."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from tests.exec.harness import codex_env, rollout_files, run_codex, write_config
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import FunctionCall, Message, Turn, Usage
from tests.viewer.helpers import place, place_sample

USAGE = Usage(input_tokens=100, cached_input_tokens=0, output_tokens=10)
SID = "0199a213-81c0-7800-8aa1-bbab2a035a53"
SID2 = "0199a213-81c0-7800-8aa1-bbab2a035a54"


def meta(sid: str, cwd: str) -> dict[str, Any]:
    return {
        "timestamp": "2026-11-24T20:48:20.000Z",
        "type": "session_meta",
        "payload": {"id": sid, "cwd": cwd, "cli_version": "0.169.0", "originator": "t"},
    }


def user(text: str) -> dict[str, Any]:
    return {
        "timestamp": "2026-11-24T20:48:21.000Z",
        "type": "event_msg",
        "payload": {"type": "user_message", "message": text},
    }


def turn(model: str) -> dict[str, Any]:
    return {"timestamp": "t", "type": "turn_context", "payload": {"cwd": "/x", "model": model}}


def agent(text: str) -> dict[str, Any]:
    return {
        "timestamp": "2026-11-24T20:48:22.000Z",
        "type": "response_item",
        "payload": {
            "type": "message",
            "role": "assistant",
            "content": [{"type": "output_text", "text": text}],
        },
    }


def test_list_filter_and_session_of_our_exec_rollout(
    mock_model_server: MockModelServer, git_repo: Path, viewer_home: Path, start_viewer: Any
) -> None:
    write_config(viewer_home, mock_model_server.base_url)
    mock_model_server.enqueue(
        Turn([FunctionCall("call_1", "exec_command", {"cmd": "echo viewer-out"})], USAGE),
        Turn([Message("all **done** here")], USAGE),
    )
    res = run_codex("exec", "--full-auto", "run the echo", home=viewer_home, cwd=git_repo)
    assert res.rc == 0, res.stderr
    (path,) = rollout_files(viewer_home)
    sid = path.stem[-36:]
    place(viewer_home, SID, [meta(SID, "/elsewhere/proj"), user("other prompt"), turn("m2")])

    v = start_viewer()
    listing = httpx.get(v.url + "/api/sessions").json()["sessions"]
    assert {r["id"] for r in listing} == {sid, SID}
    ours = next(r for r in listing if r["id"] == sid)
    assert ours["prompt"] == "run the echo" and ours["turns"] == 1
    assert ours["cwd"] == str(git_repo) and ours["size"] == path.stat().st_size
    assert ours["model"]
    page = httpx.get(v.url + "/")
    assert page.status_code == 200 and "run the echo" in page.text and "other prompt" in page.text
    # Filters: by text, by cwd.
    by_text = httpx.get(v.url + "/", params={"q": "ECHO"}).text
    assert "run the echo" in by_text and "other prompt" not in by_text
    by_cwd = httpx.get(v.url + "/api/sessions", params={"cwd": "/elsewhere"}).json()
    assert [r["id"] for r in by_cwd["sessions"]] == [SID]
    # The UUID box.
    go = httpx.get(v.url + "/go", params={"id": f" {sid} "})
    assert go.status_code == 303 and go.headers["location"] == f"/session/{sid}"

    session = httpx.get(v.url + f"/session/{sid}")
    assert session.status_code == 200
    html = session.text
    assert "echo viewer-out" in html  # the command
    assert "viewer-out\n" in html or "viewer-out" in html.split("echo viewer-out", 1)[1]
    assert "exit 0" in html  # its exit code
    assert "all <strong>done</strong> here" in html  # Markdown
    assert "tokens: in 100" in html  # token usage per turn
    assert "<details><summary>raw</summary>" in html
    api = httpx.get(v.url + f"/api/sessions/{sid}/lines", params={"start": 0, "count": 2}).json()
    assert [line["n"] for line in api["lines"]] == [0, 1] and api["next"] == 2
    assert api["total"] == len(path.read_bytes().splitlines())


@pytest.mark.parametrize("name", ["B.rollout.jsonl", "D.rollout.jsonl", "appserver.rollout.jsonl"])
def test_official_samples_render(name: str, viewer_home: Path, start_viewer: Any) -> None:
    sid, path = place_sample(viewer_home, name)
    v = start_viewer()
    listing = httpx.get(v.url + "/api/sessions").json()["sessions"]
    assert [r["id"] for r in listing] == [sid] and listing[0]["turns"] == 1
    data = httpx.get(v.url + f"/api/sessions/{sid}/lines", params={"count": 1000}).json()
    assert data["total"] == len(path.read_bytes().splitlines()) == len(data["lines"])
    kinds = {line["kind"] for line in data["lines"]}
    assert {"meta", "turn", "msg-user", "msg-assistant", "tokens", "output"} <= kinds
    assert "bad" not in kinds
    if name == "D.rollout.jsonl":  # a custom tool call (apply_patch) as a coloured diff
        assert "patch" in kinds
        assert any('class="diff"' in line["html"] for line in data["lines"])


def test_hostile_rollout_is_escaped(viewer_home: Path, start_viewer: Any) -> None:
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    lines = [
        meta(SID, f"/tmp/{evil}"),
        user(f"hi {evil}"),
        agent(f"**bold** {evil} `{evil}`\n\n```\n{evil}\n```"),
        {"timestamp": evil, "type": evil, "payload": {"type": evil, "name": evil}},
        {
            "type": "response_item",
            "payload": {
                "type": "function_call",
                "name": evil,
                "arguments": orjson.dumps({evil: 1}).decode(),
            },
        },
    ]
    place(viewer_home, SID, lines)
    v = start_viewer()
    for url in ("/", f"/session/{SID}", "/?q=hi"):
        r = httpx.get(v.url + url)
        assert r.status_code == 200
        assert "<script>alert" not in r.text and "<img src=x" not in r.text
        assert "&lt;script&gt;" in r.text
        assert "script-src 'self'" in r.headers["content-security-policy"]
    api = httpx.get(v.url + f"/api/sessions/{SID}/lines").json()
    for line in api["lines"]:
        assert "<script>" not in line["html"] and "<img src=x" not in line["html"]


def test_unknown_ids_404_and_no_write_endpoints(viewer_home: Path, start_viewer: Any) -> None:
    place(viewer_home, SID, [meta(SID, "/p"), user("x")])
    v = start_viewer()
    for url in (f"/session/{SID2}", f"/api/sessions/{SID2}/lines", "/session/not-a-uuid"):
        assert httpx.get(v.url + url).status_code == 404
    assert httpx.get(v.url + "/go", params={"id": "nope"}).status_code == 404
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        for url in ("/", f"/session/{SID}", f"/api/sessions/{SID}/lines", "/api/sessions"):
            assert httpx.request(method, v.url + url).status_code == 405, (method, url)


def test_tail_returns_appended_lines(viewer_home: Path, start_viewer: Any) -> None:
    path = place(viewer_home, SID, [meta(SID, "/p"), user("first")])
    v = start_viewer()
    first = httpx.get(v.url + f"/api/sessions/{SID}/lines").json()
    offset = first["end_offset"]
    assert offset == path.stat().st_size
    assert httpx.get(v.url + f"/api/sessions/{SID}/tail", params={"offset": offset}).json() == {
        "lines": [],
        "offset": offset,
    }
    with open(path, "ab") as f:
        f.write(orjson.dumps(agent("appended answer")) + b"\n")
        f.write(b'{"type": "event_msg", "payload": {"type": "agent_mess')  # torn: still writing
    tail = httpx.get(v.url + f"/api/sessions/{SID}/tail", params={"offset": offset}).json()
    assert [line["n"] for line in tail["lines"]] == [2]
    assert "appended answer" in tail["lines"][0]["html"]
    with open(path, "ab") as f:
        f.write(b'age", "message": "second"}}\n')
    again = httpx.get(v.url + f"/api/sessions/{SID}/tail", params={"offset": tail["offset"]}).json()
    assert [line["n"] for line in again["lines"]] == [3] and "second" in again["lines"][0]["html"]
    assert again["offset"] == path.stat().st_size


def test_large_rollout_pages_with_bounded_memory(viewer_home: Path, start_viewer: Any) -> None:
    """A 50 MB rollout: the first page and a page near the end are served from the offset
    index; the server's RSS grows by far less than the file."""
    path = place(viewer_home, SID, [meta(SID, "/big"), user("big session")])
    blob = "x" * 900
    with open(path, "ab") as f:
        chunk = b"".join(orjson.dumps(agent(f"message {i} {blob}")) + b"\n" for i in range(1000))
        while f.tell() < 50 * 1024 * 1024:
            f.write(chunk)
        f.write(orjson.dumps(agent("the very last message")) + b"\n")
    size = path.stat().st_size
    v = start_viewer()
    httpx.get(v.url + "/static/viewer.css")  # the app is warm: imports done
    before = v.rss_kb()
    page = httpx.get(v.url + f"/session/{SID}", timeout=30)
    assert page.status_code == 200 and "big session" in page.text
    total = httpx.get(v.url + f"/api/sessions/{SID}/lines", params={"count": 1}).json()["total"]
    last = httpx.get(
        v.url + f"/api/sessions/{SID}/lines", params={"start": total - 1, "count": 200}
    ).json()
    assert len(last["lines"]) == 1 and "the very last message" in last["lines"][0]["html"]
    assert last["next"] is None
    row = httpx.get(v.url + "/api/sessions").json()["sessions"][0]
    assert row["turns_partial"] is True  # the list counted only the head of this file
    grown_kb = v.rss_kb() - before
    print(f"rollout {size / 2**20:.1f} MB, {total} lines, RSS growth {grown_kb / 1024:.1f} MB")
    assert grown_kb * 1024 < size / 5


def test_remote_host_needs_flag(viewer_home: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "codex", "viewer", "--host", "0.0.0.0", "--port", "0"],
        env=codex_env(viewer_home),
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr.decode().strip().endswith("pass --allow-remote to expose sessions")


def test_huge_lines_are_cut_and_pages_bounded(viewer_home: Path, start_viewer: Any) -> None:
    """Lines over 1 MB are served cut (shown as such, never a 500) and a page stops at ~8 MB."""
    path = place(viewer_home, SID, [meta(SID, "/p"), user("huge")])
    with open(path, "ab") as f:
        for i in range(12):
            f.write(orjson.dumps(agent(f"{i}" + "y" * (2 << 20))) + b"\n")
    v = start_viewer()
    data = httpx.get(v.url + f"/api/sessions/{SID}/lines", params={"count": 100}).json()
    assert data["total"] == 14
    assert 2 < len(data["lines"]) < 14 and data["next"] == len(data["lines"])
    assert [line["kind"] for line in data["lines"][2:]] == ["bad"] * (len(data["lines"]) - 2)
    assert "line too long, shown cut" in data["lines"][2]["html"]
    rest = httpx.get(v.url + f"/api/sessions/{SID}/lines", params={"start": data["next"]}).json()
    assert rest["lines"][0]["n"] == data["next"]


def test_search_within_a_session(viewer_home: Path, start_viewer: Any) -> None:
    """Every matching line is found, across the scan's 1 MB chunk edges, case folded."""
    lines = [meta(SID, "/p"), user("search me")]
    lines += [agent(f"filler {i} " + "z" * 700) for i in range(6000)]  # ~4.5 MB
    wanted = [7, 1500, 2999, 4444, 6001]
    for n in wanted:
        lines[n] = agent(f"the NeedleWord at {n}")
    place(viewer_home, SID, lines)
    v = start_viewer()
    hits = httpx.get(v.url + f"/api/sessions/{SID}/search", params={"q": "needleword"}).json()
    assert hits["lines"] == wanted
    limited = httpx.get(
        v.url + f"/api/sessions/{SID}/search", params={"q": "needleword", "limit": 2}
    ).json()
    assert limited["lines"] == wanted[:2]
    page = httpx.get(v.url + f"/session/{SID}/search", params={"q": "<b>needleword"})
    assert page.status_code == 200 and "&lt;b&gt;needleword" in page.text
    html = httpx.get(v.url + f"/session/{SID}/search", params={"q": "NEEDLEWORD"}).text
    assert f'href="/session/{SID}?start=4444#L4444"' in html
    jumped = httpx.get(v.url + f"/session/{SID}", params={"start": 4444}).text
    assert 'id="L4444"' in jumped and "the NeedleWord at 4444" in jumped


def test_filtered_list_sees_new_and_grown_sessions(viewer_home: Path, start_viewer: Any) -> None:
    """The filter's in-memory catalog follows the disk: a session added to a day already
    listed or to a new day, and one whose first prompt arrives later, are all found."""
    sid3, sid4 = SID[:-2] + "c3", SID[:-2] + "c4"
    place(viewer_home, SID, [meta(SID, "/p/one"), user("alpha one")], "2026-11-24T10-00-00")
    late = place(viewer_home, SID2, [meta(SID2, "/p/two")], "2026-11-24T11-00-00")
    v = start_viewer()

    def ids(**params: str) -> list[str]:
        found = httpx.get(v.url + "/api/sessions", params=params).json()["sessions"]
        return [r["id"] for r in found]

    assert ids(q="alpha") == [SID]
    assert ids(cwd="/P/TWO") == []  # no prompt yet: not listed (as the unfiltered list)
    with open(late, "ab") as f:
        f.write(orjson.dumps(user("alpha two")) + b"\n")
    assert ids(q="alpha") == [SID2, SID] and ids(cwd="/P/TWO") == [SID2]
    place(viewer_home, sid3, [meta(sid3, "/p/3"), user("alpha three")], "2026-11-24T12-00-00")
    place(viewer_home, sid4, [meta(sid4, "/p/4"), user("alpha four")], "2026-11-25T09-00-00")
    assert ids(q="ALPHA") == [sid4, sid3, SID2, SID]
    assert ids(q="alpha", limit="2") == [sid4, sid3]
    assert httpx.get(v.url + f"/session/{sid4}").status_code == 200
    next(viewer_home.glob(f"sessions/**/*{sid3}.jsonl")).unlink()
    assert ids(q="alpha") == [sid4, SID2, SID]
    assert httpx.get(v.url + f"/session/{sid3}").status_code == 404


def test_turn_end_shows_duration_and_tokens_of_a_long_turn(
    viewer_home: Path, start_viewer: Any
) -> None:
    """A turn spanning several MB (the end looks back over several read blocks): its end line
    shows the time from its start and the tokens it added to the running total."""

    def ev(stamp: str, payload: dict[str, Any]) -> dict[str, Any]:
        return {"timestamp": stamp, "type": "event_msg", "payload": payload}

    def count(total: int) -> dict[str, Any]:
        usage = {"input_tokens": total, "output_tokens": total // 10, "total_tokens": total * 2}
        return {"type": "token_count", "info": {"total_token_usage": usage}}

    lines = [meta(SID, "/p"), user("long turn")]
    lines += [ev("2026-11-24T20:00:00.000Z", {"type": "task_started"}), ev("t", count(1000))]
    lines += [ev("2026-11-24T20:00:10.000Z", {"type": "task_complete"})]
    lines += [ev("2026-11-24T20:01:00.000Z", {"type": "task_started", "turn_id": "2"})]
    lines += [agent(f"filler {i} " + "z" * 1000) for i in range(3000)]  # ~3 MB
    lines += [ev("t", count(1500)), agent("more " + "q" * 1000), ev("t", count(4000))]
    lines += [agent("tail " + "w" * 1000) for _ in range(1500)]
    lines += [ev("2026-11-24T20:03:05.500Z", {"type": "task_complete"})]
    place(viewer_home, SID, lines)
    end = len(lines) - 1
    v = start_viewer()
    first = httpx.get(v.url + f"/api/sessions/{SID}/lines", params={"start": 4, "count": 1})
    html = first.json()["lines"][0]["html"]
    assert '<span class="dur">10.0 s</span>' in html
    assert "turn tokens: in 1000 · out 100 · total 2000" in html
    last = httpx.get(v.url + f"/api/sessions/{SID}/lines", params={"start": end, "count": 1})
    html = last.json()["lines"][0]["html"]
    assert '<span class="dur">2 min 6 s</span>' in html
    assert "turn tokens: in 3000 · out 300 · total 6000" in html


def test_filter_finds_official_and_big_headed_sessions(
    viewer_home: Path, start_viewer: Any
) -> None:
    """The filter reads heads its own quick way (one 64 KB read) and falls back to core's reader:
    a 0.169 rollout (the prompt only as a completed UserMessage item) and a session whose
    session_meta alone is 200 KB are both found."""
    sample_id, _ = place_sample(viewer_home, "D.rollout.jsonl")
    big_meta = meta(SID, "/big/head")
    big_meta["payload"]["base_instructions"] = {"text": "b" * 200_000}
    place(viewer_home, SID, [big_meta, user("prompt after a huge head")], "2026-11-24T21-00-00")
    v = start_viewer()
    found = httpx.get(v.url + "/api/sessions", params={"q": "create a FILE"}).json()
    assert [r["id"] for r in found["sessions"]] == [sample_id]
    found = httpx.get(v.url + "/api/sessions", params={"q": "huge head"}).json()
    assert [r["id"] for r in found["sessions"]] == [SID]
    found = httpx.get(v.url + "/api/sessions", params={"cwd": "/big"}).json()
    assert [r["cwd"] for r in found["sessions"]] == ["/big/head"]


def test_export_links_serve_core_export(viewer_home: Path, start_viewer: Any) -> None:
    """The session page links the three exports; each is `codex export`'s output, a download."""
    place(viewer_home, SID, [meta(SID, "/p"), user("export me"), agent("exported **answer**")])
    v = start_viewer()
    page = httpx.get(v.url + f"/session/{SID}").text
    for fmt in ("md", "json", "html"):
        assert f'href="/session/{SID}/export?format={fmt}"' in page
    r = httpx.get(v.url + f"/session/{SID}/export", params={"format": "json"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    disposition = r.headers["content-disposition"]
    assert disposition == f'attachment; filename="codex-session-{SID}.json"'
    data = r.json()
    assert [(i["type"], i["text"]) for i in data["items"]] == [
        ("user_message", "export me"),
        ("agent_message", "exported **answer**"),
    ]
    md = httpx.get(v.url + f"/session/{SID}/export").text  # md by default
    assert md.startswith(f"# Codex session {SID}") and "exported **answer**" in md
    html = httpx.get(v.url + f"/session/{SID}/export", params={"format": "html"}).text
    assert "exported <strong>answer</strong>" in html and "<style>" in html
    assert httpx.get(v.url + f"/session/{SID}/export", params={"format": "pdf"}).status_code == 422
    assert httpx.get(v.url + f"/session/{SID2}/export").status_code == 404
