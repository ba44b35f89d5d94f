"""`protocol = "json"` on an otlp-http exporter, through the real CLI: the spans and log events
of a `codex exec` turn reach a receiver on 127.0.0.1 as OTLP/JSON (`application/json`, ids in hex,
integer enums), which 0.169 sends for that setting; protobuf is the default."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import orjson
import pytest
from tests.exec.harness import write_config
from tests.otel.test_otel_hostile import exec_turn
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import Message, Turn

pytest.importorskip("opentelemetry.sdk", reason="needs opentelemetry-sdk (the otel extra)")


class JsonReceiver:
    def __init__(self) -> None:
        self.posts: list[tuple[str, str, Any]] = []  # (path, content type, decoded body)
        self.changed = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver.changed:
                    kind = self.headers.get("Content-Type", "")
                    decoded = orjson.loads(body) if kind == "application/json" else None
                    receiver.posts.append((self.path, kind, decoded))
                    receiver.changed.notify_all()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def spans(self) -> list[dict[str, Any]]:
        return [
            span
            for path, _, body in self.posts
            if path == "/v1/traces" and body
            for rs in body.get("resourceSpans", [])
            for ss in rs.get("scopeSpans", [])
            for span in ss.get("spans", [])
        ]

    def log_records(self) -> list[dict[str, Any]]:
        return [
            record
            for path, _, body in self.posts
            if path == "/v1/logs" and body
            for rl in body.get("resourceLogs", [])
            for sl in rl.get("scopeLogs", [])
            for record in sl.get("logRecords", [])
        ]


@pytest.fixture
def receiver() -> Iterator[JsonReceiver]:
    r = JsonReceiver()
    yield r
    r.server.shutdown()
    r.server.server_close()


def test_json_protocol_sends_otlp_json(
    receiver: JsonReceiver, mock_model_server: MockModelServer, tmp_path: Path
) -> None:
    home, work = tmp_path / "home", tmp_path / "work"
    work.mkdir()
    write_config(
        home,
        mock_model_server.base_url,
        "[otel.trace_exporter.otlp-http]\n"
        f'endpoint = "{receiver.url}/v1/traces"\nprotocol = "json"\n'
        "[otel.exporter.otlp-http]\n"
        f'endpoint = "{receiver.url}/v1/logs"\nprotocol = "json"\n',
    )
    mock_model_server.enqueue(Turn([Message("done")]))
    exec_turn(home, work)
    with receiver.changed:
        assert receiver.changed.wait_for(
            lambda: (
                any(s["name"] == "codex.session" for s in receiver.spans())
                and any(r.get("eventName") == "codex.user_prompt" for r in receiver.log_records())
            ),
            timeout=60,
        ), receiver.posts
    assert {kind for _, kind, _ in receiver.posts} == {"application/json"}
    session = next(s for s in receiver.spans() if s["name"] == "codex.session")
    assert re.fullmatch(r"[0-9a-f]{32}", session["traceId"])
    assert re.fullmatch(r"[0-9a-f]{16}", session["spanId"])
    assert isinstance(session["kind"], int)
    turn = next(s for s in receiver.spans() if s["name"] == "session_task.turn")
    assert turn["traceId"] == session["traceId"] and turn["parentSpanId"] == session["spanId"]
