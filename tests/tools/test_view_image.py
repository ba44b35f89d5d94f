"""`view_image` through the real `codex exec` against the mock model server (issue 15, item 4).

The image goes back inside the call's own `function_call_output` as content items, exactly as the
official CLI 0.169 sends it (captured in tests/fixtures/view_image_official.json; regenerate with
CODEX_CAPTURE_FIXTURES=1 and the official binary installed): one `input_image` with a base64
data URL of the file's bytes and `"detail": "original"`, no text item, no extra user message;
the rollout records the same item. Errors are plain text outputs with the official wording.

A model that keeps calling `view_image` on the same file no longer loops without end: after
MAX_IDENTICAL_CALLS identical calls the turn stops with an error the user sees (the official CLI
has no bound: 40 identical calls in one turn ran to the end).
"""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest
from tests.exec.harness import codex_env, rollout_files, write_config
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import FunctionCall, Message, Turn, Usage
from tests.support.official import official_binary
from tests.tools.image_helpers import Frame, gif, png_pixels

from codex.tools.runtime.repeats import MAX_IDENTICAL_CALLS

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "view_image_official.json"
GIF_FIXTURE = FIXTURE.with_name("view_image_gif_official.json")
OFFICIAL = official_binary()
OURS = [sys.executable, "-m", "codex"]
CAPTURE = os.environ.get("CODEX_CAPTURE_FIXTURES") == "1"

PNG_1X1 = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
# Argument of the call -> what the workspace holds.
CASES = {
    "png": "dot.png",
    "png_named_jpg": "dot.jpg",  # the kind comes from the bytes, not the name
    "missing": "missing.png",
    "directory": "sub",
    "not_an_image": "notes.png",
}


def _workspace(base: Path) -> Path:
    ws = base / "ws"
    ws.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(ws)], check=True)
    (ws / "dot.png").write_bytes(PNG_1X1)
    (ws / "dot.jpg").write_bytes(PNG_1X1)
    (ws / "notes.png").write_text("hello")
    (ws / "sub").mkdir()
    return ws


def _strip(item: dict[str, Any], base: Path) -> dict[str, Any]:
    # The official CLI also sends an `id` on every output item (ours never does, for any tool);
    # the comparison is about the output, so the id is left out.
    text = orjson.dumps({k: v for k, v in item.items() if k != "id"}).decode()
    return orjson.loads(text.replace(str(base), "@"))


def _run_case(argv: list[str], path_arg: str, base: Path) -> dict[str, Any]:
    """One exec run whose model calls view_image once: the output item the next request carries,
    whether a user message with an image followed it, and the rollout's record of it."""
    with MockModelServer() as server:
        home = base / "home"
        write_config(home, server.base_url)
        ws = _workspace(base)
        server.enqueue(
            Turn([FunctionCall("v1", "view_image", {"path": path_arg})], Usage(1, 0, 1)),
            Turn([Message("seen")], Usage(1, 0, 1)),
        )
        proc = subprocess.run(
            [*argv, "exec", "--json", "look"],
            cwd=ws,
            env=codex_env(home),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=120,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr.decode()[-2000:]
        assert len(server.requests) == 2
        second = server.requests[1]
    sent = second.function_call_output("v1")
    assert sent is not None
    after = second.input()[second.input().index(sent) + 1 :]
    (rollout,) = rollout_files(home)
    recorded = [
        line["payload"]
        for line in map(orjson.loads, rollout.read_bytes().splitlines())
        if line.get("type") == "response_item"
        and line["payload"].get("type") == "function_call_output"
    ]
    assert len(recorded) == 1
    rollout_item = {k: recorded[0][k] for k in ("type", "call_id", "output")}
    return {
        "request": _strip(sent, base),
        "items_after_output": len(after),
        "rollout": _strip(rollout_item, base),
    }


def _capture(tmp_path: Path) -> None:
    assert OFFICIAL is not None
    facts = {
        name: _run_case([str(OFFICIAL)], arg, tmp_path / "official" / name)
        for name, arg in CASES.items()
    }
    FIXTURE.write_bytes(
        orjson.dumps(facts, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"
    )


@pytest.mark.parametrize("case", list(CASES))
def test_view_image_output_matches_official(case: str, tmp_path: Path) -> None:
    if CAPTURE and case == next(iter(CASES)):
        if OFFICIAL is None:
            pytest.skip("CODEX_CAPTURE_FIXTURES=1 needs the official codex binary")
        _capture(tmp_path)
    expected = orjson.loads(FIXTURE.read_bytes())[case]
    assert _run_case(OURS, CASES[case], tmp_path / "ours") == expected


@pytest.mark.skipif(OFFICIAL is None, reason="official codex 0.169 binary not installed")
def test_view_image_output_live_against_official(tmp_path: Path) -> None:
    assert OFFICIAL is not None
    official = _run_case([str(OFFICIAL)], "dot.png", tmp_path / "official")
    assert _run_case(OURS, "dot.png", tmp_path / "ours") == official
    assert official["request"]["output"] == [
        {
            "type": "input_image",
            "image_url": "data:image/png;base64," + base64.b64encode(PNG_1X1).decode(),
            "detail": "original",
        }
    ]


def test_a_model_repeating_view_image_forever_is_stopped(tmp_path: Path) -> None:
    """The scripted model asks for the same image on every request, without end (distinct call
    ids, then the same reply for ever after); the turn ends after MAX_IDENTICAL_CALLS requests
    with a clear error, and the exec run fails."""
    with MockModelServer() as server:
        home = tmp_path / "home"
        write_config(home, server.base_url)
        ws = _workspace(tmp_path)
        call = {"path": "dot.png"}
        server.enqueue(
            *(Turn([FunctionCall(f"v{i}", "view_image", call)], Usage(1, 0, 1)) for i in range(3))
        )
        server.repeat(Turn([FunctionCall("again", "view_image", call)], Usage(1, 0, 1)))
        proc = subprocess.run(
            [*OURS, "exec", "--json", "look"],
            cwd=ws,
            env=codex_env(home),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=100,  # a safety net only: the run ends on the bound, not on time
            check=False,
        )
        requests = len(server.requests)
    events = [orjson.loads(line) for line in proc.stdout.splitlines()]
    message = (
        f"turn stopped: the model called `view_image` {MAX_IDENTICAL_CALLS} times in a row with "
        f"the same arguments and got the same result each time (limit: {MAX_IDENTICAL_CALLS} "
        "identical consecutive tool calls)"
    )
    assert requests == MAX_IDENTICAL_CALLS
    assert proc.returncode == 1
    assert events[-2:] == [
        {"type": "error", "message": message},
        {"type": "turn.failed", "error": {"message": message}},
    ]


def test_repeats_count_only_identical_results(tmp_path: Path) -> None:
    """A different result in between (the image changed) starts the count again: progress is
    not a loop. Two runs of MAX_IDENTICAL_CALLS - 1 identical calls, split by a changed file,
    end normally."""
    with MockModelServer() as server:
        home = tmp_path / "home"
        write_config(home, server.base_url)
        ws = _workspace(tmp_path)
        n = MAX_IDENTICAL_CALLS - 1
        view = [Turn([FunctionCall(f"v{i}", "view_image", {"path": "dot.png"})]) for i in range(n)]
        # The model rewrites the image between the two runs, so the next view returns new bytes.
        rewrite = Turn(
            [FunctionCall("w", "exec_command", {"cmd": "printf GIF89a >> dot.png", "login": False})]
        )
        again = [Turn([FunctionCall(f"u{i}", "view_image", {"path": "dot.png"})]) for i in range(n)]
        server.enqueue(*view, rewrite, *again, Turn([Message("done")]))
        proc = subprocess.run(
            [*OURS, "exec", "--json", "-s", "danger-full-access", "look"],
            cwd=ws,
            env=codex_env(home),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=100,
            check=False,
        )
        requests = len(server.requests)
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    assert requests == 2 * n + 2
    assert orjson.loads(proc.stdout.splitlines()[-1])["type"] == "turn.completed"


GIF_PALETTE = [(255, 0, 0), (0, 128, 0), (0, 0, 255), (250, 250, 250)]
GIFS = {
    "palette_transparent": gif(
        7,
        5,
        GIF_PALETTE,
        [Frame(7, 5, [(x * 3 + y) % 4 for y in range(5) for x in range(7)], transparent=2)],
    ),
    "interlaced": gif(
        5,
        11,
        GIF_PALETTE,
        [Frame(5, 11, [(x + 2 * y) % 4 for y in range(11) for x in range(5)], interlaced=True)],
    ),
    "offset_frame": gif(6, 6, GIF_PALETTE, [Frame(3, 2, [0, 1, 2, 3, 2, 1], left=2, top=3)]),
    "animated": gif(
        4, 3, GIF_PALETTE, [Frame(4, 3, [1] * 12), Frame(4, 3, [2] * 12), Frame(2, 1, [0, 3])]
    ),
}


def _run_gifs(argv: list[str], base: Path) -> dict[str, Any]:
    """One exec run whose model views every GIF in one response: per GIF, the data URL's MIME
    type and the pixels of the PNG sent."""
    with MockModelServer() as server:
        home = base / "home"
        write_config(home, server.base_url)
        ws = _workspace(base)
        for name, data in GIFS.items():
            (ws / f"{name}.gif").write_bytes(data)
        calls = [FunctionCall(n, "view_image", {"path": f"{n}.gif"}) for n in GIFS]
        server.enqueue(Turn(calls, Usage(1, 0, 1)), Turn([Message("seen")], Usage(1, 0, 1)))
        proc = subprocess.run(
            [*argv, "exec", "--json", "look"],
            cwd=ws,
            env=codex_env(home),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=120,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr.decode()[-2000:]
        second = server.requests[1]
    out: dict[str, Any] = {}
    for name in GIFS:
        item = second.function_call_output(name)
        assert item is not None
        (image,) = item["output"]
        head, _, b64 = image["image_url"].partition(",")
        width, height, rgba = png_pixels(base64.b64decode(b64))
        out[name] = {"head": head, "width": width, "height": height, "rgba": rgba.hex()}
    return out


def test_gif_goes_as_png_of_its_first_frame_like_official(tmp_path: Path) -> None:
    """The official CLI sends a GIF as an RGBA PNG of its first frame; same pixels here (the
    PNG bytes themselves differ: another encoder)."""
    if CAPTURE:
        if OFFICIAL is None:
            pytest.skip("CODEX_CAPTURE_FIXTURES=1 needs the official codex binary")
        facts = _run_gifs([str(OFFICIAL)], tmp_path / "official")
        GIF_FIXTURE.write_bytes(
            orjson.dumps(facts, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"
        )
    expected = orjson.loads(GIF_FIXTURE.read_bytes())
    assert _run_gifs(OURS, tmp_path / "ours") == expected
