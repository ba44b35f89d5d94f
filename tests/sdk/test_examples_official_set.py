"""The rest of the official Python SDK's example set, in-process (`from codex import ...`):
image and text input, structured output, model selection with turn parameters, error handling
and retry, turn controls (interrupt and steer). Each example runs as a user runs it (a
subprocess) against the real mock model server; the recorded requests show what reached the
model (the image, the output schema, the model and effort, the steered text)."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys

from tests.sdk.test_examples import ROOT, run_example, setup
from tests.support.mock_model_server import Hold
from tests.support.model_stream import HttpError, Message, Turn

# A 1x1 PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def _images(request) -> list[str]:
    """The image_url of every input_image part of the request's user messages."""
    urls = []
    for item in request.input():
        content = item.get("content")
        if item.get("role") == "user" and isinstance(content, list):
            urls += [p["image_url"] for p in content if p.get("type") == "input_image"]
    return urls


def test_image_and_text_sends_the_local_image(tmp_path, mock_model_server):
    home, work = setup(tmp_path, mock_model_server)
    (work / "dot.png").write_bytes(PNG)
    mock_model_server.enqueue(Turn([Message("a single dot")]))
    proc = run_example("sdk_image_and_text.py", "dot.png", "what is it?", home=home, cwd=work)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["a single dot"]
    request = mock_model_server.single_request()
    assert "what is it?" in request.message_texts("user")[-1]
    [url] = _images(request)
    assert url.startswith("data:image/png;base64,")
    assert base64.b64decode(url.split(",", 1)[1]) == PNG


def test_image_and_text_sends_an_image_url(tmp_path, mock_model_server):
    home, work = setup(tmp_path, mock_model_server)
    mock_model_server.enqueue(Turn([Message("a cat")]))
    url = "https://example.com/cat.png"
    proc = run_example("sdk_image_and_text.py", url, "which animal?", home=home, cwd=work)
    assert proc.returncode == 0, proc.stderr
    assert _images(mock_model_server.single_request()) == [url]


def test_structured_output_sends_the_schema_and_parses_the_answer(tmp_path, mock_model_server):
    home, work = setup(tmp_path, mock_model_server)
    answer = {"summary": "two files", "files": [{"path": "a.bin", "bytes": 10}]}
    mock_model_server.enqueue(Turn([Message(json.dumps(answer))]))
    proc = run_example("sdk_structured_output.py", "largest files", home=home, cwd=work)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["two files", "        10  a.bin"]
    sys.path.insert(0, str(ROOT / "examples"))
    try:
        from sdk_structured_output import SCHEMA
    finally:
        sys.path.remove(str(ROOT / "examples"))
    fmt = mock_model_server.single_request().json["text"]["format"]
    assert fmt["type"] == "json_schema" and fmt["schema"] == SCHEMA and fmt["strict"] is True


def test_model_select_sets_model_and_effort(tmp_path, mock_model_server):
    home, work = setup(tmp_path, mock_model_server)
    mock_model_server.enqueue(Turn([Message("Forge")]))
    proc = run_example("sdk_model_select.py", "low", "name it", home=home, cwd=work)
    assert proc.returncode == 0, proc.stderr
    first, answer = proc.stdout.splitlines()
    assert first.startswith("model: ") and first.endswith(", effort: low")
    assert answer == "Forge"
    chosen = first.removeprefix("model: ").split(" ", 1)[0]
    body = mock_model_server.single_request().json
    assert body["model"] == chosen
    assert body["reasoning"]["effort"] == "low" and body["reasoning"]["summary"] == "concise"


def test_error_handling_reports_a_failed_turn(tmp_path, mock_model_server):
    home, work = setup(tmp_path, mock_model_server)
    refusal = {"error": {"message": "the model is unwell", "type": "invalid_request_error"}}
    mock_model_server.repeat(HttpError(400, refusal))
    proc = run_example("sdk_error_handling.py", "hi", home=home, cwd=work)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout == ""
    [line] = [x for x in proc.stderr.splitlines() if x.startswith("turn failed: ")]
    assert "the model is unwell" in line


def test_error_handling_prints_the_answer_when_all_is_well(tmp_path, mock_model_server):
    home, work = setup(tmp_path, mock_model_server)
    mock_model_server.enqueue(Turn([Message("fine")]))
    proc = run_example("sdk_error_handling.py", "hi", home=home, cwd=work)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["fine"]


def test_turn_controls_interrupt_then_steer(tmp_path, mock_model_server):
    """Every model reply is held until the example has said it steered: so the first turn can
    end only by `interrupt()`, and the second is still running when it is steered. (Whether the
    interrupted turn's request went out first is a race; nothing here depends on it.)"""
    home, work = setup(tmp_path, mock_model_server)
    mock_model_server.enqueue(
        Hold(Turn([Message("1, 2, 3, 4, 5")])), Hold(Turn([Message("1, 2, 3, 4, 5")]))
    )
    mock_model_server.repeat(Turn([Message("1, 2, 3")]))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CODEX_", "OPENAI_"))}
    env["CODEX_SDK_HOME"] = str(home)
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "examples" / "sdk_turn_controls.py")],
        cwd=work,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline() == "interrupt: interrupted\n"
        assert proc.stdout.readline() == "steer: accepted\n"
        mock_model_server.release()
        out, err = proc.communicate(timeout=120)
    finally:
        mock_model_server.release()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    assert out.splitlines()[-1] == "steered turn: completed"
    # The steered text reached the model in the turn it was given to.
    last = mock_model_server.requests[-1]
    assert "Actually, stop after 3." in last.message_texts("user")
    assert "Count from 1 to 40 with commas." in last.message_texts("user")
