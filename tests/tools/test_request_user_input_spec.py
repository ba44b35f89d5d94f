"""Where request_user_input is offered and how its definition reads, against 0.169's requests
(tests/fixtures/request_user_input_official.json)."""

from __future__ import annotations

import json

import pytest
from tests.support.official import SAMPLES

from codex.tools.spec import ToolsConfig, build_tools, tool_name

FACTS = json.loads((SAMPLES.parent / "request_user_input_official.json").read_text())


@pytest.mark.parametrize("model", sorted(FACTS["tools_by_model"]))
def test_offered_to_every_model_as_0169(model: str) -> None:
    assert "request_user_input" in FACTS["tools_by_model"][model]
    names = [tool_name(t) for t in build_tools(ToolsConfig.for_model(model))]
    assert "request_user_input" in names


def test_the_definition_has_0169s_shape_and_names_the_modes() -> None:
    theirs = FACTS["exec_default"]["tool"]

    def ours(features: dict[str, bool]) -> dict:
        tools = build_tools(ToolsConfig.for_model("gpt-5.5", features=features))
        return next(t for t in tools if tool_name(t) == "request_user_input")

    plain, with_feature = ours({}), ours({"default_mode_request_user_input": True})

    def shape(value):  # the schema without its description texts
        if isinstance(value, dict):
            return {
                k: shape(v)
                for k, v in value.items()
                if not (k == "description" and isinstance(v, str))
            }
        return [shape(v) for v in value] if isinstance(value, list) else value

    assert json.dumps(shape(plain)) == json.dumps(shape(theirs))
    # as 0.169, the description says where the tool works: Plan only, or Default too
    assert "Plan mode only" in plain["description"]
    assert "Default and Plan" in with_feature["description"]
    assert "Default" not in plain["description"].replace("Plan mode only", "")
