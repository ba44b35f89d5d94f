"""JSON tool mode when the reply reaches the output limit (issue 15, item 10), against the
loopback mock server on both wire APIs: chat ends with finish_reason "length", Responses with
`response.incomplete` (max_output_tokens). The cut reply is a finished one: no retry, the
message text decoded so far is the answer, and the `{"action": ...}` wrapper never surfaces."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from tests.client.conftest import Sleeps, stream_all
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import Message as ScriptedMessage
from tests.support.model_stream import Turn, Usage

from codex.client import Completed, ModelClient, OutputItemDone, OutputTextDelta, Retrying
from codex.client.json_tools import CutOffReply
from codex.protocol.items import FunctionCall, Message

WIRES = ["chat", "responses"]
MakeClient = Callable[..., ModelClient]

CUT = '{"action": "final", "message": "A hash map stores pairs.\\nIt says \\"hi\\" \\u00e9 and then'
CUT_TEXT = 'A hash map stores pairs.\nIt says "hi" é and then'


def _cut_turn(text: str) -> Turn:
    pieces = [text[i : i + 7] for i in range(0, len(text), 7)]
    return Turn(
        [ScriptedMessage(text, pieces)],
        usage=Usage(input_tokens=900, output_tokens=512),
        fault="incomplete",
    )


@pytest.mark.parametrize("wire", WIRES)
@pytest.mark.parametrize("tail", ["", "\\u00", "\\"])
def test_cut_final_message_is_the_answer_without_retry(
    mock_model_server: MockModelServer,
    make_client: MakeClient,
    sleeps: Sleeps,
    wire: str,
    tail: str,
) -> None:
    # `tail`: the limit can also fall inside an escape; that half escape is dropped.
    mock_model_server.enqueue(_cut_turn(CUT + tail))
    out = stream_all(make_client(wire, tool_call_mode="json"))
    assert out.error is None
    assert out.of(Retrying) == [] and sleeps.delays == []
    assert len(mock_model_server.requests) == 1
    (done,) = [e.item for e in out.of(OutputItemDone)]
    assert isinstance(done, Message) and done.text() == CUT_TEXT
    assert "".join(e.delta for e in out.of(OutputTextDelta)) == CUT_TEXT
    completed = out.events[-1]
    assert isinstance(completed, Completed)
    assert completed.usage is not None and completed.usage.output_tokens == 512


@pytest.mark.parametrize("wire", WIRES)
@pytest.mark.parametrize(
    "text",
    [
        '{"action": "tool", "name": "exec_command", "arguments": {"cmd": "grep -r has',
        '{"action": "final", "message": "',
        '{"action": "fin',
    ],
)
def test_cut_reply_without_an_answer_is_one_clear_error(
    mock_model_server: MockModelServer, make_client: MakeClient, wire: str, text: str
) -> None:
    mock_model_server.enqueue(_cut_turn(text))
    out = stream_all(make_client(wire, tool_call_mode="json"))
    assert isinstance(out.error, CutOffReply)
    message = str(out.error)
    assert "\n" not in message and "{" not in message
    assert "cut off by the output limit (512 tokens)" in message
    assert len(mock_model_server.requests) == 1
    assert out.of(Retrying) == []
    assert not [e for e in out.of(OutputItemDone) if isinstance(e.item, (Message, FunctionCall))]
    # The tokens were spent: the usage still reaches the turn before the error.
    (completed,) = out.of(Completed)
    assert completed.usage is not None and completed.usage.output_tokens == 512


@pytest.mark.parametrize("wire", WIRES)
@pytest.mark.parametrize("configured", [None, 40])
def test_request_sets_the_small_model_output_limit(
    mock_model_server: MockModelServer, make_client: MakeClient, wire: str, configured: int | None
) -> None:
    """512 tokens unless the provider table sets `max_output_tokens`; the error names it."""
    extra = {} if configured is None else {"max_output_tokens": configured}
    mock_model_server.enqueue(_cut_turn('{"action": "tool", "name": "x", "arg'))
    out = stream_all(make_client(wire, tool_call_mode="json", **extra))
    limit = configured or 512
    assert isinstance(out.error, CutOffReply) and f"({limit} tokens)" in str(out.error)
    body = mock_model_server.single_request().json
    assert body["max_tokens" if wire == "chat" else "max_output_tokens"] == limit


@pytest.mark.parametrize("wire", WIRES)
def test_native_mode_still_retries_an_incomplete_reply(
    mock_model_server: MockModelServer, make_client: MakeClient, wire: str
) -> None:
    """Only JSON tool mode (where codex set the limit) treats the limit as the end; a native
    stream keeps the official retry."""
    mock_model_server.enqueue(_cut_turn("partial"), Turn([ScriptedMessage("whole")]))
    out = stream_all(make_client(wire))
    assert out.error is None
    assert len(out.of(Retrying)) == 1
    assert len(mock_model_server.requests) == 2
