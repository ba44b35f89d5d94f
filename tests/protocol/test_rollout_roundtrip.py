"""Every response_item and event_msg payload the official 0.169 CLI wrote survives parse → dump
byte for byte (orjson output compared with orjson's re-encoding of the original payload)."""

from __future__ import annotations

import orjson
import pytest
from tests.support.official import SAMPLES as OFFICIAL_SAMPLES

from codex.protocol.events import RawEvent, parse_event_msg
from codex.protocol.items import RawItem, parse_item

SAMPLES = OFFICIAL_SAMPLES / "rollouts"


def _lines(kind: str) -> list[tuple[str, dict]]:
    out = []
    for path in sorted(SAMPLES.glob("*.jsonl")):
        for n, raw in enumerate(path.read_bytes().splitlines()):
            line = orjson.loads(raw)
            if line["type"] == kind:
                out.append((f"{path.name}:{n}", line["payload"]))
    return out


@pytest.mark.parametrize(("where", "payload"), _lines("response_item"))
def test_response_item_round_trips(where: str, payload: dict) -> None:
    item = parse_item(payload)
    assert not isinstance(item, RawItem), f"{where}: {payload['type']} not modelled"
    assert orjson.dumps(item.to_dict()) == orjson.dumps(payload), where


@pytest.mark.parametrize(("where", "payload"), _lines("event_msg"))
def test_event_msg_round_trips(where: str, payload: dict) -> None:
    msg = parse_event_msg(payload)
    assert orjson.dumps(msg.to_dict()) == orjson.dumps(payload), where


def test_the_modelled_sample_events_are_typed() -> None:
    kinds = {payload["type"]: type(parse_event_msg(payload)) for _, payload in _lines("event_msg")}
    # thread_settings_applied is a 0.169-only settings echo we keep verbatim.
    assert kinds.pop("thread_settings_applied") is RawEvent
    assert all(cls is not RawEvent for cls in kinds.values()), kinds
    assert {"task_started", "task_complete", "token_count", "item_completed"} <= set(kinds)


def test_sample_token_count_parses_into_usage() -> None:
    payload = next(p for _, p in _lines("event_msg") if p["type"] == "token_count")
    msg = parse_event_msg(payload)
    assert (
        msg.info.total_token_usage.total_tokens
        == payload["info"]["total_token_usage"]["total_tokens"]
    )
    assert msg.info.model_context_window == 258400
    assert msg.rate_limits.limit_id == "codex"
