"""The `update_plan` tool: validate its arguments strictly and turn them into a plan event.

Arguments are `{"explanation"?: string, "plan": [{"step": string, "status": "pending" |
"in_progress" | "completed"}]}`; unknown fields are errors (upstream deserializes with
`deny_unknown_fields`). The model is answered `Plan updated`. Pure: no I/O.
"""

from __future__ import annotations

from typing import Any

import orjson

from codex.protocol.events import PlanItem, PlanUpdate, StepStatus
from codex.tools.output import failed_to_parse_arguments

__all__ = ["PLAN_UPDATED", "PlanArgumentError", "parse_update_plan"]

PLAN_UPDATED = "Plan updated"
_STATUSES = ", ".join(f"`{s.value}`" for s in StepStatus)


class PlanArgumentError(ValueError):
    """Bad arguments; `str()` is the tool output the model receives."""

    def __init__(self, detail: str) -> None:
        super().__init__(failed_to_parse_arguments(detail))


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"boolean `{str(value).lower()}`"
    if isinstance(value, int | float):
        return f"integer `{value}`" if isinstance(value, int) else f"floating point `{value}`"
    if isinstance(value, str):
        return f'string "{value}"'
    if isinstance(value, list):
        return "sequence"
    return "map"


def _check_fields(obj: dict[str, Any], allowed: tuple[str, ...]) -> None:
    for key in obj:
        if key not in allowed:
            expected = " or ".join(f"`{a}`" for a in allowed)
            raise PlanArgumentError(f"unknown field `{key}`, expected {expected}")


def _item(value: Any) -> PlanItem:
    if not isinstance(value, dict):
        raise PlanArgumentError(f"invalid type: {_type_name(value)}, expected struct PlanItemArg")
    _check_fields(value, ("step", "status"))
    for name in ("step", "status"):
        if name not in value:
            raise PlanArgumentError(f"missing field `{name}`")
    step, status = value["step"], value["status"]
    if not isinstance(step, str):
        raise PlanArgumentError(f"invalid type: {_type_name(step)}, expected a string")
    if not isinstance(status, str):
        raise PlanArgumentError(f"invalid type: {_type_name(status)}, expected a string")
    try:
        parsed = StepStatus(status)
    except ValueError:
        raise PlanArgumentError(
            f"unknown variant `{status}`, expected one of {_STATUSES}"
        ) from None
    return PlanItem(step, parsed)


def parse_update_plan(arguments: str) -> PlanUpdate:
    """The plan event for an `update_plan` call; raises PlanArgumentError."""
    try:
        data = orjson.loads(arguments)
    except orjson.JSONDecodeError as err:
        raise PlanArgumentError(str(err)) from None
    if not isinstance(data, dict):
        raise PlanArgumentError(f"invalid type: {_type_name(data)}, expected struct UpdatePlanArgs")
    _check_fields(data, ("explanation", "plan"))
    if "plan" not in data:
        raise PlanArgumentError("missing field `plan`")
    explanation = data.get("explanation")
    if explanation is not None and not isinstance(explanation, str):
        raise PlanArgumentError(f"invalid type: {_type_name(explanation)}, expected a string")
    plan = data["plan"]
    if not isinstance(plan, list):
        raise PlanArgumentError(f"invalid type: {_type_name(plan)}, expected a sequence")
    return PlanUpdate([_item(v) for v in plan], explanation=explanation)
