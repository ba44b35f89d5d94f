"""The model catalog `model/list` serves: the models the official 0.169 server lists (its
`model/list` answer, tests/fixtures/app_server/), as data. Kept here rather than asked of a
backend: a local CLI has no catalog service, and clients only need the names and efforts."""

from __future__ import annotations

from typing import Any

from codex.core.service_tier import DEFAULT_PRIORITY, FAST_DESCRIPTIONS, PRIORITY

_EFFORTS = {
    "low": "Fast responses with lighter reasoning",
    "medium": "Balances speed and reasoning depth for everyday tasks",
    "high": "Greater reasoning depth for complex problems",
    "xhigh": "Extra high reasoning depth for complex problems",
    "max": "Maximum reasoning depth for the hardest problems",
    "ultra": "Maximum reasoning with automatic task delegation",
}
_ALL = ("low", "medium", "high", "xhigh", "max", "ultra")
_NO_ULTRA = _ALL[:5]

# (id, display name, description, default effort, efforts)
CATALOG: tuple[tuple[str, str, str, str, tuple[str, ...]], ...] = (
    (
        "gpt-6.1-sol",
        "GPT-6.1-Sol",
        "Latest workhorse model for coding and everyday work.",
        "low",
        _ALL,
    ),
    (
        "gpt-6-astra",
        "GPT-6-Astra",
        "Frontier intelligence for the most demanding work.",
        "low",
        _ALL,
    ),
    ("gpt-6-sol", "GPT-6-Sol", "Previous generation workhorse model.", "medium", _ALL),
    (
        "gpt-6-luna",
        "GPT-6-Luna",
        "Fast and affordable model for easier tasks.",
        "medium",
        _NO_ULTRA,
    ),
    ("gpt-5.6-sol", "GPT-5.6-Sol", "Older generation workhorse model.", "low", _ALL),
    ("gpt-6.1-terra", "GPT-6.1 Terra", "GPT-6.1 Terra Codex model.", "low", _ALL),
    (
        "gpt-5.6-terra",
        "GPT-5.6-Terra",
        "Older balanced model for straightforward work.",
        "medium",
        _ALL,
    ),
    ("gpt-5.6-luna", "GPT-5.6-Luna", "Older fast and efficient model.", "medium", _NO_ULTRA),
    ("gpt-5.5", "GPT-5.5", "Legacy coding model.", "medium", _ALL[:4]),
)


def model_entries() -> list[dict[str, Any]]:
    out = []
    for index, (slug, display, description, default, efforts) in enumerate(CATALOG):
        out.append(
            {
                "id": slug,
                "model": slug,
                "upgrade": None,
                "upgradeInfo": None,
                "availabilityNux": None,
                "displayName": display,
                "description": description,
                "modelSpecialty": None,
                "hidden": False,
                "supportedReasoningEfforts": [
                    {"reasoningEffort": e, "description": _EFFORTS[e]} for e in efforts
                ],
                "defaultReasoningEffort": default,
                "inputModalities": ["text", "image"],
                "supportsPersonality": False,
                "additionalSpeedTiers": ["fast"],
                "serviceTiers": [
                    {"id": PRIORITY, "name": "Fast", "description": FAST_DESCRIPTIONS[slug]}
                ],
                "defaultServiceTier": PRIORITY if slug in DEFAULT_PRIORITY else None,
                "availableAccessPrograms": None,
                "isDefault": index == 0,
            }
        )
    return out
