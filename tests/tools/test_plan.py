"""update_plan argument validation."""

from __future__ import annotations

import pytest

from codex.protocol.events import PlanItem, PlanUpdate, StepStatus
from codex.tools.plan import PLAN_UPDATED, PlanArgumentError, parse_update_plan


def test_valid_plan_becomes_the_event() -> None:
    ev = parse_update_plan(
        '{"explanation": "start", "plan": [{"step": "read", "status": "completed"},'
        ' {"step": "write", "status": "in_progress"}]}'
    )
    assert ev == PlanUpdate(
        [PlanItem("read", StepStatus.COMPLETED), PlanItem("write", StepStatus.IN_PROGRESS)],
        explanation="start",
    )
    assert ev.to_dict() == {
        "type": "plan_update",
        "explanation": "start",
        "plan": [
            {"step": "read", "status": "completed"},
            {"step": "write", "status": "in_progress"},
        ],
    }
    assert PLAN_UPDATED == "Plan updated"


def test_explanation_is_optional() -> None:
    assert parse_update_plan('{"plan": []}').explanation is None


BAD = [
    ('{"explanation": "x"}', "missing field `plan`"),
    ('{"plan": [], "extra": 1}', "unknown field `extra`, expected `explanation` or `plan`"),
    ('{"plan": [{"step": "a"}]}', "missing field `status`"),
    (
        '{"plan": [{"step": "a", "status": "done"}]}',
        "unknown variant `done`, expected one of `pending`, `in_progress`, `completed`",
    ),
    (
        '{"plan": [{"step": "a", "status": "pending", "note": 1}]}',
        "unknown field `note`, expected `step` or `status`",
    ),
    ('{"plan": "a"}', 'invalid type: string "a", expected a sequence'),
    (
        '{"plan": [{"step": 1, "status": "pending"}]}',
        "invalid type: integer `1`, expected a string",
    ),
    ("[]", "invalid type: sequence, expected struct UpdatePlanArgs"),
]


@pytest.mark.parametrize(("arguments", "detail"), BAD)
def test_bad_arguments_give_a_readable_error(arguments: str, detail: str) -> None:
    with pytest.raises(PlanArgumentError) as info:
        parse_update_plan(arguments)
    assert str(info.value) == f"failed to parse function arguments: {detail}"


def test_invalid_json() -> None:
    with pytest.raises(PlanArgumentError) as info:
        parse_update_plan("{not json")
    assert str(info.value).startswith("failed to parse function arguments: ")
