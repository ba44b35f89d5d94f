"""`[otel]` through the real CLI: `codex exec` against the mock model server exports a whole
turn's spans and upstream's log events to an OTLP/HTTP receiver on 127.0.0.1, decoded with the
real opentelemetry-proto messages; prompts stay `[REDACTED]` unless `log_user_prompt = true`;
credentials never leave; without `[otel]` nothing of OpenTelemetry is imported."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import orjson
import pytest
from tests.exec.harness import rollout_files, run_codex, write_config
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import FunctionCall, Message, Turn, Usage

pytest.importorskip("opentelemetry.proto", reason="needs opentelemetry-proto (the test extra)")
pytest.importorskip("opentelemetry.sdk", reason="needs opentelemetry-sdk (the otel extra)")

from google.protobuf.json_format import MessageToDict
from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import (
    ExportLogsServiceRequest,
)
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
)

SECRET = "sk-proj-" + "Q" * 40  # a credential-shaped token the user pasted into the prompt


class Receiver:
    """A minimal OTLP/HTTP collector: decodes every export request it is sent."""

    def __init__(self) -> None:
        self.spans: list[dict[str, Any]] = []
        self.logs: list[dict[str, Any]] = []
        self.raw: list[bytes] = []
        self.headers: list[dict[str, str]] = []
        self.changed = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver.changed:
                    receiver.raw.append(body)
                    receiver.headers.append(dict(self.headers))
                    if self.path == "/v1/traces":
                        req = ExportTraceServiceRequest.FromString(body)
                        for rs in MessageToDict(req).get("resourceSpans", []):
                            for ss in rs.get("scopeSpans", []):
                                for span in ss.get("spans", []):
                                    span["resource"] = rs.get("resource", {})
                                    receiver.spans.append(span)
                    elif self.path == "/v1/logs":
                        req = ExportLogsServiceRequest.FromString(body)
                        for rl in MessageToDict(req).get("resourceLogs", []):
                            for sl in rl.get("scopeLogs", []):
                                receiver.logs.extend(sl.get("logRecords", []))
                    receiver.changed.notify_all()
                self.send_response(200)
                self.send_header("Content-Type", "application/x-protobuf")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, done: Any, timeout: float = 60) -> None:
        """Until `done()` holds (the agent flushes after the CLI exits), or fail."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while not done():
                left = deadline - time.monotonic()
                assert left > 0, f"spans {self.names()} logs {self.events()}"
                self.changed.wait(left)

    def names(self) -> list[str]:
        return [s["name"] for s in self.spans]

    def events(self) -> list[str]:
        return [attrs(r).get("event.name", "") for r in self.logs]


def attrs(obj: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for kv in obj.get("attributes", []):
        value = kv["value"]
        out[kv["key"]] = next(iter(value.values())) if value else None
    return out


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.server.shutdown()
    r.server.server_close()


def otel_config(receiver: Receiver, *, log_prompt: bool) -> str:
    return f"""
[otel]
environment = "test-env"
log_user_prompt = {str(log_prompt).lower()}
trace_exporter = {{ otlp-http = {{ endpoint = "{receiver.url}/v1/traces" }} }}

[otel.exporter.otlp-http]
endpoint = "{receiver.url}/v1/logs"
headers = {{ "x-otel-test" = "yes" }}
"""


def run_turn(home: Path, tmp_path: Path, server: MockModelServer, prompt: str) -> str:
    server.enqueue(
        Turn([FunctionCall("call-1", "exec_command", {"cmd": "echo hi", "login": False})]),
        Turn([Message("done")], Usage(input_tokens=30, output_tokens=7)),
    )
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    res = run_codex(
        "exec", "--skip-git-repo-check", "--sandbox", "workspace-write", prompt,
        home=home, cwd=work,
    )  # fmt: skip
    assert res.rc == 0, res.stderr
    (rollout,) = rollout_files(home)
    return orjson.loads(rollout.read_bytes().splitlines()[0])["payload"]["id"]


def test_a_turn_exports_its_spans_and_events(
    mock_model_server: MockModelServer, receiver: Receiver, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    write_config(home, mock_model_server.base_url, otel_config(receiver, log_prompt=False))
    thread_id = run_turn(home, tmp_path, mock_model_server, f"please look, key {SECRET}")

    wanted = {"codex.session", "session_task.turn", "run_sampling_request", "handle_tool_call"}
    events = {"codex.conversation_starts", "codex.user_prompt", "codex.api_request"}
    events |= {"codex.sse_event", "codex.tool_result"}
    receiver.wait_for(lambda: wanted <= set(receiver.names()) and events <= set(receiver.events()))
    by_name: dict[str, list[dict[str, Any]]] = {}
    for span in receiver.spans:
        by_name.setdefault(span["name"], []).append(span)
    (session,) = by_name["codex.session"]
    (turn,) = by_name["session_task.turn"]
    (tool,) = by_name["handle_tool_call"]
    assert len(by_name["run_sampling_request"]) == 2  # the call, then the answer
    assert turn["parentSpanId"] == session["spanId"]
    assert tool["parentSpanId"] == turn["spanId"]
    assert all(r["parentSpanId"] == turn["spanId"] for r in by_name["run_sampling_request"])
    assert {s["traceId"] for s in receiver.spans} == {session["traceId"]}
    assert attrs(session)["conversation.id"] == thread_id
    assert attrs(tool)["tool_name"] == "exec_command" and attrs(tool)["call_id"] == "call-1"
    usage = attrs(by_name["run_sampling_request"][1])
    assert usage["gen_ai.usage.input_tokens"] == "30"  # int64 values decode as strings
    resource = attrs(session["resource"])
    assert resource["env"] == "test-env" and resource["service.name"] == "codex_exec"

    logs = {attrs(r)["event.name"]: attrs(r) for r in receiver.logs}
    assert logs["codex.user_prompt"]["prompt"] == "[REDACTED]"
    assert logs["codex.tool_result"]["tool_name"] == "exec_command"
    assert "hi" in logs["codex.tool_result"]["output"]
    assert logs["codex.conversation_starts"]["conversation.id"] == thread_id
    assert any(h.get("x-otel-test") == "yes" for h in receiver.headers)
    assert all(SECRET.encode() not in body for body in receiver.raw)


def test_log_user_prompt_sends_the_prompt_but_never_a_credential(
    mock_model_server: MockModelServer, receiver: Receiver, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    write_config(home, mock_model_server.base_url, otel_config(receiver, log_prompt=True))
    run_turn(home, tmp_path, mock_model_server, f"please look, key {SECRET}")
    receiver.wait_for(lambda: "codex.user_prompt" in receiver.events())
    prompt = next(attrs(r) for r in receiver.logs if attrs(r)["event.name"] == "codex.user_prompt")
    assert prompt["prompt"] == "please look, key [REDACTED]"
    assert all(SECRET.encode() not in body for body in receiver.raw)


def test_without_otel_nothing_of_it_is_imported(
    mock_model_server: MockModelServer, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    write_config(home, mock_model_server.base_url)
    mock_model_server.enqueue(Turn([Message("done")]))
    work = tmp_path / "work"
    work.mkdir()
    res = run_codex(
        "exec", "--skip-git-repo-check", "hello", home=home, cwd=work,
        env={"PYTHONPROFILEIMPORTTIME": "1"},
    )  # fmt: skip
    assert res.rc == 0, res.stderr
    imported = res.stderr
    assert "codex.core.otel" not in imported and "opentelemetry" not in imported
    assert "| codex.core.session" in imported  # the import log is there: the check can fail
