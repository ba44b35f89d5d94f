"""codex.core.modes.announced_mode reads records and wire dicts alike: the record fast path
gives what the item's wire dict gives, including the odd shapes a resumed history may hold."""

from __future__ import annotations

from typing import Any

import pytest

from codex.core.modes import CLOSE_TAG, DEFAULT, OPEN_TAG, PLAN, announced_mode, mode_message
from codex.protocol.items import InputText, Message, OutputText, parse_item

PLAN_TEXT = f"{OPEN_TAG}Collaboration mode: Plan ...{CLOSE_TAG}"
DEFAULT_TEXT = f"{OPEN_TAG}Collaboration mode: Default ...{CLOSE_TAG}"


def _by_wire(items: list[Any]) -> str | None:
    """The reference: every item as its wire dict."""
    return announced_mode([i if isinstance(i, dict) else i.to_dict() for i in items])


@pytest.mark.parametrize(
    "items",
    [
        [mode_message(PLAN)],
        [mode_message(PLAN), Message("user", [InputText("hi")]), mode_message(DEFAULT)],
        [Message("developer", [InputText("other"), OutputText(PLAN_TEXT)])],
        [Message("assistant", [OutputText(PLAN_TEXT)])],  # only developer messages count
        [parse_item({"type": "message", "role": "developer"})],  # no content at all
        [parse_item({"type": "message", "role": "developer", "content": None})],
        [Message("developer", [{"type": "input_text", "text": PLAN_TEXT}])],  # type: ignore[list-item]
        [Message("developer", PLAN_TEXT)],  # type: ignore[arg-type]
        [parse_item({"type": "message", "role": "developer", "content": [{"type": "input_text"}]})],
        [Message("developer", [InputText(DEFAULT_TEXT)], extra={"role": "user"})],
        [{"type": "message", "role": "developer", "content": [{"text": PLAN_TEXT}]}],
    ],
)
def test_records_give_what_their_wire_dicts_give(items: list[Any]) -> None:
    assert announced_mode(items) == _by_wire(items)


def test_the_last_mode_message_wins() -> None:
    assert announced_mode([mode_message(PLAN), mode_message(DEFAULT)]) == DEFAULT
    assert announced_mode([Message("user", [InputText(PLAN_TEXT)])]) is None
