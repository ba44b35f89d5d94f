"""An image attached with nothing typed is a message of its own, as in 0.169 (checked in tmux
against its binary: a pasted image path and Enter send the image). Ours ignored Enter on an
empty composer even with an image attached. The user's cell lists the image."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import Message, Turn, Usage
from tests.tui.test_pilot import screen_text, until

pytestmark = pytest.mark.anyio
USAGE = Usage(input_tokens=100, cached_input_tokens=0, output_tokens=10)


def _png(path: Path) -> Path:
    """A 1x1 PNG, written by hand (no imaging library needed)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00\xff\x00\x00")
    png = chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + png)
    return path


async def test_an_image_alone_is_sent(
    make_app: Callable[..., Any], mock_model_server: MockModelServer, repo: Path, home: Path
) -> None:
    from textual import events

    from codex.tui.widgets import Composer

    image = _png(repo / "red.png")
    mock_model_server.enqueue(Turn([Message("a red dot")], USAGE))
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await until(pilot, lambda: bool(app.mapper.status.session_id))
        composer = app.query_one(Composer)
        composer.post_message(events.Paste(str(image)))
        await until(pilot, lambda: app.images == [str(image)])
        assert composer.text == ""
        await pilot.press("enter")
        await until(pilot, lambda: "a red dot" in screen_text(app))
        assert app.images == []
        assert f"[image] {image}" in screen_text(app)
        await app.shutdown()
    content = mock_model_server.requests[0].json["input"][-1]["content"]
    assert [part["type"] for part in content if part["type"] == "input_image"] == ["input_image"]
    assert not (home / "history.jsonl").exists()  # nothing typed, nothing to recall
