"""The models a user can pick, with the reasoning efforts each supports: the list the official
0.169 CLI offers (its `model/list` answer, tests/fixtures/app_server/), as data every front end
may read (the TUI's /model picker). A local CLI has no catalog service to ask; a model that is not
listed here can still be used by name (`-m`, `model = ...`).
"""

from __future__ import annotations

from codex._dataclass import dataclass

__all__ = ["EFFORT_DESCRIPTIONS", "EFFORT_LABELS", "MODELS", "ModelInfo", "find_model"]

EFFORT_DESCRIPTIONS: dict[str, str] = {
    "low": "Fast responses with lighter reasoning",
    "medium": "Balances speed and reasoning depth for everyday tasks",
    "high": "Greater reasoning depth for complex problems",
    "xhigh": "Extra high reasoning depth for complex problems",
    "max": "Maximum reasoning depth for the hardest problems",
    "ultra": "Maximum reasoning with automatic task delegation",
}
# How 0.169's pickers name each effort.
EFFORT_LABELS: dict[str, str] = {
    "low": "Low",
    "medium": "Medium",
    "high": "High",
    "xhigh": "Extra high",
    "max": "Max",
    "ultra": "Ultra",
}
_ALL = ("low", "medium", "high", "xhigh", "max", "ultra")
_NO_ULTRA = _ALL[:5]


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """One catalog model. The request defaults are 0.169's for its bundled models (captured in
    tests/fixtures/request_reasoning_official.json): its default effort, no reasoning summary
    unless one is configured, `text.verbosity` "low" unless configured, and for the newer
    families `reasoning.context` "all_turns"."""

    slug: str
    display_name: str
    description: str
    default_effort: str
    efforts: tuple[str, ...]
    reasoning_context: str | None = "all_turns"
    default_verbosity: str = "low"


MODELS: tuple[ModelInfo, ...] = (
    ModelInfo(
        "gpt-6.1-sol",
        "GPT-6.1-Sol",
        "Latest workhorse model for coding and everyday work.",
        "low",
        _ALL,
    ),
    ModelInfo(
        "gpt-6-astra",
        "GPT-6-Astra",
        "Frontier intelligence for the most demanding work.",
        "low",
        _ALL,
    ),
    ModelInfo("gpt-6-sol", "GPT-6-Sol", "Previous generation workhorse model.", "medium", _ALL),
    ModelInfo(
        "gpt-6-luna",
        "GPT-6-Luna",
        "Fast and affordable model for easier tasks.",
        "medium",
        _NO_ULTRA,
    ),
    ModelInfo("gpt-5.6-sol", "GPT-5.6-Sol", "Older generation workhorse model.", "low", _ALL),
    ModelInfo("gpt-6.1-terra", "GPT-6.1 Terra", "GPT-6.1 Terra Codex model.", "low", _ALL),
    ModelInfo(
        "gpt-5.6-terra",
        "GPT-5.6-Terra",
        "Older balanced model for straightforward work.",
        "medium",
        _ALL,
    ),
    ModelInfo(
        "gpt-5.6-luna", "GPT-5.6-Luna", "Older fast and efficient model.", "medium", _NO_ULTRA
    ),
    ModelInfo("gpt-5.5", "GPT-5.5", "Legacy coding model.", "medium", _ALL[:4], None),
)


_BY_SLUG: dict[str, ModelInfo] = {m.slug: m for m in MODELS}


def find_model(slug: str) -> ModelInfo | None:
    """The catalog entry of `slug`, or None for a model the catalog does not list (a dict
    lookup: every model request asks, for its reasoning, verbosity and turn metadata)."""
    return _BY_SLUG.get(slug)
