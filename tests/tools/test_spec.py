"""Tool definitions per model family, checked against the tool list the official 0.169 CLI sent."""

from __future__ import annotations

import json
from typing import Any

import pytest
from tests.support.official import SAMPLES as OFFICIAL_SAMPLES

from codex.tools.apply_patch import APPLY_PATCH_LARK_GRAMMAR
from codex.tools.spec import (
    ApplyPatchToolType,
    ShellToolType,
    ToolsConfig,
    build_tools,
    find_model_family,
    to_chat_completions_tools,
    tool_name,
)

OFFICIAL = OFFICIAL_SAMPLES / "official-0.169-tools.json"


def _blank_descriptions(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            # (a property *named* description, as request_user_input's options have, stays)
            k: (
                "<omitted>" if k == "description" and isinstance(v, str) else _blank_descriptions(v)
            )
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_blank_descriptions(v) for v in value]
    return value


def test_default_family_matches_the_official_tool_list() -> None:
    official = json.loads(OFFICIAL.read_text())
    by_name = {tool_name(t): t for t in official}
    ours = build_tools(ToolsConfig.for_model("gpt-5.5"))
    names = [tool_name(t) for t in ours]
    assert names == [
        "exec_command",
        "write_stdin",
        "request_user_input",
        "update_plan",
        "apply_patch",
        "view_image",
        "get_goal",
        "create_goal",
        "update_goal",
        "web_search",
    ]
    shared = [n for n in names if n in by_name]
    # update_plan is ours (0.169 no longer offers it); everything else must be identical in
    # shape — same keys in the same order, same types, enums, required lists — descriptions aside.
    assert shared == [
        "exec_command",
        "write_stdin",
        "request_user_input",
        "apply_patch",
        "view_image",
        "get_goal",
        "create_goal",
        "update_goal",
        "web_search",
    ]
    official_order = [tool_name(t) for t in official]
    assert shared == sorted(shared, key=official_order.index)
    for tool in ours:
        name = tool_name(tool)
        if name not in by_name:
            continue
        mine = _blank_descriptions(tool)
        if name == "apply_patch":
            assert mine["format"]["definition"] == APPLY_PATCH_LARK_GRAMMAR
            mine["format"]["definition"] = "<omitted>"
        assert json.dumps(mine) == json.dumps(by_name[name]), name


def test_descriptions_are_filled_in() -> None:
    for tool in build_tools(ToolsConfig.for_model("gpt-5.5")):
        if tool["type"] in ("function", "custom"):
            assert len(tool["description"]) > 40, tool_name(tool)


FAMILIES = [
    ("gpt-5.5", ShellToolType.UNIFIED_EXEC, ApplyPatchToolType.FREEFORM, "tokens"),
    ("gpt-6.1-sol", ShellToolType.UNIFIED_EXEC, ApplyPatchToolType.FREEFORM, "tokens"),
    ("gpt-5.1-codex", ShellToolType.UNIFIED_EXEC, ApplyPatchToolType.FREEFORM, "tokens"),
    ("gpt-5-codex", ShellToolType.UNIFIED_EXEC, ApplyPatchToolType.FREEFORM, "tokens"),
    ("codex-auto-review", ShellToolType.UNIFIED_EXEC, ApplyPatchToolType.FREEFORM, "tokens"),
    ("openai/gpt-5.1-codex-max", ShellToolType.UNIFIED_EXEC, ApplyPatchToolType.FREEFORM, "tokens"),
    ("gpt-5.1", ShellToolType.SHELL_COMMAND, ApplyPatchToolType.FREEFORM, "bytes"),
    ("gpt-5", ShellToolType.SHELL, ApplyPatchToolType.FUNCTION, "bytes"),
    ("gpt-oss:20b", ShellToolType.SHELL, ApplyPatchToolType.FUNCTION, "bytes"),
    ("codex-mini-latest", ShellToolType.LOCAL, ApplyPatchToolType.FUNCTION, "bytes"),
    ("llama3.1", ShellToolType.SHELL, ApplyPatchToolType.FUNCTION, "bytes"),
]


@pytest.mark.parametrize(("slug", "shell", "patch", "budget"), FAMILIES)
def test_family_table(slug: str, shell, patch, budget: str) -> None:
    family = find_model_family(slug)
    assert (family.shell_type, family.apply_patch, family.truncation.mode) == (shell, patch, budget)


def test_other_models_get_shell_and_json_apply_patch() -> None:
    tools = build_tools(ToolsConfig.for_model("gpt-4.1"))
    assert [tool_name(t) for t in tools] == [
        "shell",
        "request_user_input",  # 0.169 offers it to every model (request_user_input_official)
        "update_plan",
        "apply_patch",
        "view_image",
        "get_goal",
        "create_goal",
        "update_goal",
        "web_search",
    ]
    patch = next(t for t in tools if t["name"] == "apply_patch")
    assert patch["type"] == "function"
    assert patch["parameters"] == {
        "type": "object",
        "properties": {"input": {"type": "string", "description": "The whole patch text."}},
        "required": ["input"],
        "additionalProperties": False,
    }
    shell = tools[0]["parameters"]
    assert shell["required"] == ["command"]
    assert shell["properties"]["command"]["items"] == {"type": "string"}
    assert list(shell["properties"]) == sorted(shell["properties"])


def test_chat_completions_providers_get_function_tools_only() -> None:
    tools = build_tools(ToolsConfig.for_model("gpt-5.5", wire_api="chat"))
    assert {t["type"] for t in tools} == {"function"}
    assert [tool_name(t) for t in tools] == [
        "exec_command",
        "write_stdin",
        "request_user_input",
        "update_plan",
        "apply_patch",
        "view_image",
        "get_goal",
        "create_goal",
        "update_goal",
    ]
    local = build_tools(ToolsConfig.for_model("codex-mini-latest", wire_api="chat"))
    assert tool_name(local[0]) == "shell"
    chat = to_chat_completions_tools(tools)
    assert chat[0]["type"] == "function" and chat[0]["function"]["name"] == "exec_command"
    assert set(chat[0]["function"]) == {"name", "description", "parameters"}


def test_features_adjust_the_tool_set() -> None:
    def names(**kw: Any) -> list[str]:
        return [tool_name(t) for t in build_tools(ToolsConfig.for_model(**kw))]

    assert names(slug="gpt-5.5", features={"unified_exec": False})[0] == "shell_command"
    assert names(slug="gpt-4.1", features={"unified_exec": True})[:2] == [
        "exec_command",
        "write_stdin",
    ]
    assert "exec_command" not in names(slug="gpt-5.5", features={"shell_tool": False})
    assert "view_image" not in names(slug="gpt-5.5", features={"view_image_tool": False})
    assert "update_plan" not in names(slug="gpt-5.5", features={"update_plan": False})
    assert "web_search" not in names(slug="gpt-5.5", web_search=None)
    assert "web_search" not in names(slug="gpt-5.5", web_search="disabled")
    live = build_tools(ToolsConfig.for_model("gpt-5.5", features={"web_search_request": True}))
    assert live[-1] == {
        "type": "web_search",
        "external_web_access": True,
        "search_content_types": ["text", "image"],
    }
    freeform = build_tools(
        ToolsConfig.for_model("gpt-4.1", features={"apply_patch_freeform": True})
    )
    assert next(t for t in freeform if tool_name(t) == "apply_patch")["type"] == "custom"


def test_extra_tools_go_last() -> None:
    mcp = {
        "type": "function",
        "name": "mcp__srv__tool",
        "description": "",
        "strict": False,
        "parameters": {},
    }
    tools = build_tools(ToolsConfig.for_model("gpt-5.5"), [mcp])
    assert tools[-1] is mcp


def test_update_plan_schema() -> None:
    tool = next(
        t for t in build_tools(ToolsConfig.for_model("gpt-5.5")) if tool_name(t) == "update_plan"
    )
    params = tool["parameters"]
    assert params["required"] == ["plan"]
    assert list(params["properties"]) == ["explanation", "plan"]
    item = params["properties"]["plan"]["items"]
    assert item["required"] == ["step", "status"] and item["additionalProperties"] is False


def test_goal_tools_follow_the_goals_feature() -> None:
    """0.169 offers the goal tools with `features.goals` on (its default), to every model."""
    on = [tool_name(t) for t in build_tools(ToolsConfig.for_model("gpt-4.1"))]
    off = [
        tool_name(t)
        for t in build_tools(ToolsConfig.for_model("gpt-5.5", features={"goals": False}))
    ]
    assert {"get_goal", "create_goal", "update_goal"} <= set(on)
    assert not {"get_goal", "create_goal", "update_goal"} & set(off)
