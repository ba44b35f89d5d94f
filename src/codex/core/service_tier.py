"""The service tier a request asks for (`service_tier` in config.toml, `-c`, the app-server's
`serviceTier`, the TUI's /fast), with 0.169's rules as captured in
tests/fixtures/service_tier_official.json.

A setting goes through two steps. First the name: "fast" is the user-facing name of the
"priority" tier, so it becomes "priority"; an explicit "default" means "no tier". Then, per
request, the model: "flex" is always sent; any other tier only when the model's catalog entry
advertises it (every listed 0.169 catalog model advertises "priority"; a model outside the
catalog advertises none), else the request carries no `service_tier` and the turn warns once.
"""

from __future__ import annotations

from codex.core.model_catalog import find_model

__all__ = [
    "DEFAULT",
    "DEFAULT_PRIORITY",
    "FAST_DESCRIPTIONS",
    "PRIORITY",
    "advertised",
    "configured_tier",
    "reported_tier",
    "request_tier",
    "thread_tier",
    "tier_warning",
]

PRIORITY = "priority"
DEFAULT = "default"
FLEX = "flex"
# The user-facing alias of the priority tier (what /fast writes to config.toml).
FAST = "fast"

# How 0.169's catalog describes each listed model's "Fast" (priority) tier (its model/list).
FAST_DESCRIPTIONS: dict[str, str] = {
    "gpt-6.1-sol": "2x speed, increased usage",
    "gpt-6-astra": "2x speed, increased usage",
    "gpt-6-sol": "1.5x speed",
    "gpt-6-luna": "1.5x speed",
    "gpt-5.6-sol": "1.5x speed, increased usage",
    "gpt-6.1-terra": "1.5x speed",
    "gpt-5.6-terra": "1.5x speed, increased usage",
    "gpt-5.6-luna": "1.5x speed, increased usage",
    "gpt-5.5": "1.5x speed, increased usage",
}
# Catalog models whose 0.169 entry names "priority" as the default tier (reported in model/list
# only: 0.169 sends no tier for them unless one is configured).
DEFAULT_PRIORITY: frozenset[str] = frozenset({"gpt-6-sol", "gpt-6-luna"})


def configured_tier(value: str | None) -> str | None:
    """A configured tier name as the session keeps it: "fast" is "priority"; any other name
    (even an unknown one, which is then warned about per turn) is kept as written."""
    if value is None:
        return None
    return PRIORITY if value == FAST else value


def advertised(model: str) -> tuple[str, ...]:
    """The tiers `model`'s catalog entry advertises (none for a model the catalog lacks)."""
    return (PRIORITY,) if find_model(model) is not None else ()


def _sendable(tier: str, model: str) -> bool:
    return tier == FLEX or tier in advertised(model)


def request_tier(tier: str | None, model: str) -> str | None:
    """The request body's `service_tier` for the session's `tier` on `model` (None: absent)."""
    if tier is None or tier == DEFAULT:
        return None
    return tier if _sendable(tier, model) else None


def tier_warning(tier: str | None, model: str) -> str | None:
    """The warning of a turn whose tier `model` does not advertise (None: nothing to say)."""
    if tier is None or tier == DEFAULT or _sendable(tier, model):
        return None
    return (
        f"Configured service tier `{tier}` is not advertised as supported for model `{model}` "
        "and will be omitted from requests."
    )


def reported_tier(tier: str | None, model: str) -> str | None:
    """What the app-server's thread/start and thread/resume report as `serviceTier`: the tier
    when it applies to `model` (or is "default"), else null, as 0.169."""
    if tier is None:
        return None
    return tier if tier == DEFAULT or _sendable(tier, model) else None


def thread_tier(value: str | None, model: str) -> str | None:
    """The tier an app-server thread keeps for a `serviceTier` it was given (thread/start,
    turn/start): an explicit null is "default", and a tier `model` does not advertise is
    dropped at once (0.169 then reports null and the requests carry none)."""
    return reported_tier(configured_tier(value) if value is not None else DEFAULT, model)
