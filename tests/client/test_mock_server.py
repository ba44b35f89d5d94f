"""The mock model server itself: recording, scripting, pairing checks and the `python -m` entry."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import orjson
from tests.support.mock_model_server import MockModelServer, scenario
from tests.support.model_stream import HttpError, JsonReply, RawSSE, Turn, repeated_deltas

ROOT = Path(__file__).resolve().parents[2]


def test_records_requests_and_serves_replies_in_order(mock_model_server: MockModelServer) -> None:
    mock_model_server.enqueue(HttpError(418, "teapot"), JsonReply({"output": []}))
    with httpx.Client() as http:
        first = http.post(f"{mock_model_server.base_url}/responses?x=1", json={"input": []})
        second = http.post(f"{mock_model_server.base_url}/responses/compact", json={"a": 1})
        third = http.post(f"{mock_model_server.base_url}/responses", content=b"not json")
    assert (first.status_code, first.text) == (418, "teapot")
    assert second.json() == {"output": []}
    assert third.status_code == 500 and "no scripted reply for request #3" in third.text
    one, two, three = mock_model_server.requests
    assert (one.path, one.query, one.json, one.wire) == (
        "/v1/responses",
        {"x": "1"},
        {"input": []},
        "responses",
    )
    assert two.json == {"a": 1}
    assert three.json is None and three.body == b"not json"


def test_stream_ends_right_after_the_last_event(mock_model_server: MockModelServer) -> None:
    mock_model_server.enqueue(RawSSE([{"type": "a"}, "[DONE]"]))
    with httpx.Client() as http:
        response = http.post(f"{mock_model_server.base_url}/chat/completions", json={})
    assert response.headers["content-type"] == "text/event-stream"
    assert response.text == 'data: {"type":"a"}\n\ndata: [DONE]\n\n'


def test_tool_pairing_problems(mock_model_server: MockModelServer) -> None:
    body = {
        "input": [
            {"type": "function_call", "call_id": "a", "name": "f", "arguments": "{}"},
            {"type": "function_call_output", "call_id": "b", "output": "x"},
        ]
    }
    mock_model_server.enqueue(scenario("message"))
    with httpx.Client() as http:
        http.post(f"{mock_model_server.base_url}/responses", json=body)
    assert mock_model_server.single_request().tool_pairing_problems() == [
        "output for unknown call 'b'",
        "call 'a' has no output",
    ]


def test_deltas_render_once_per_distinct_piece() -> None:
    frames = Turn([repeated_deltas(1000)]).render("responses")
    deltas = [f for f in frames if b"output_text.delta" in f]
    assert len(deltas) == 1000 and len({id(f) for f in deltas}) == 1


def test_python_dash_m_entry_point(tmp_path: Path) -> None:
    record = tmp_path / "requests.jsonl"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.support.mock_model_server",
            "--scenario",
            "function_call",
            "--scenario",
            "http429",
            "--repeat-last",
            "--record",
            str(record),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("listening on http://127.0.0.1:")
        base_url = line.split()[-1]
        with httpx.Client() as http:
            first = http.post(f"{base_url}/responses", json={"n": 1})
            statuses = [
                http.post(f"{base_url}/responses", json={"n": i}).status_code for i in (2, 3)
            ]
        assert "response.completed" in first.text and '"exec_command"' in first.text
        assert statuses == [429, 429]
    finally:
        proc.terminate()
        proc.wait()
    bodies = [orjson.loads(line)["body"] for line in record.read_text().splitlines()]
    assert bodies == [{"n": 1}, {"n": 2}, {"n": 3}]
