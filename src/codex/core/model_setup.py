"""What follows from a thread's model and config (spec-core §2.1, §2.4): the tools offered,
whether apply_patch is the freeform tool, the tool-output budget. Built once per (config, model,
wire API) and shared by every thread of that config, since a batch or an SDK client starts many
threads with the same one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from codex._dataclass import dataclass
from codex.tools.output import TruncationPolicy

if TYPE_CHECKING:
    from codex.config import Config


@dataclass(frozen=True, slots=True)
class ModelSetup:
    """What follows from the model family (spec-core §2.1, §2.4): the tools offered, whether
    apply_patch is the freeform tool, and the tool-output budget."""

    tools: list[dict[str, Any]]
    freeform_apply_patch: bool
    family: Any  # codex.tools.spec.ModelFamily
    truncation: TruncationPolicy


def model_setup(config: Config, model: str, wire_api: str, extra_tools: list[Any]) -> ModelSetup:
    """The setup for `model` on a `wire_api` provider. Without extra (custom) tools it depends on
    the frozen config alone, so it is built once per (config object, model, wire API)
    (codex._memo) and shared: a `ModelSetup` and its tools list are never changed after this."""
    if extra_tools:
        return _model_setup(config, model, wire_api, extra_tools)
    from codex._memo import per_config

    return per_config.get(
        config,
        ("model_setup", model, wire_api),
        lambda: _model_setup(config, model, wire_api, []),
    )


def _model_setup(config: Config, model: str, wire_api: str, extra_tools: list[Any]) -> ModelSetup:
    from codex.config.features import FEATURE_DEFAULTS
    from codex.tools.spec import ToolsConfig, build_tools, find_model_family

    explicit = {
        name: value
        for name, value in config.features.as_dict().items()
        if isinstance(value, bool) and FEATURE_DEFAULTS.get(name, value) != value
    }
    if config.developer_instructions:  # a review thread: 0.169 offers it no goal tools
        from codex.core.turn_metadata import _is_review

        if _is_review(config):
            explicit["goals"] = False
    # The top-level `web_search` mode (`--search` sets "live"); when set it wins over the
    # web_search_request feature, as in 0.169 (checked against its request bodies).
    mode = config.web_search
    web_search = "cached"
    if mode is not None:
        web_search = str(mode)
        explicit.pop("web_search_request", None)
    tools = build_tools(
        ToolsConfig.for_model(model, wire_api=wire_api, features=explicit, web_search=web_search),
        extra_tools=extra_tools,
    )
    family = find_model_family(model)
    truncation = family.truncation
    if config.tool_output_token_limit:
        truncation = truncation.with_token_limit(config.tool_output_token_limit)
    return ModelSetup(
        tools=tools,
        freeform_apply_patch=any(
            t.get("type") == "custom" and t.get("name") == "apply_patch" for t in tools
        ),
        family=family,
        truncation=truncation,
    )
