"""Whether a request's `params` may be absent, checked before anything else, as 0.169 checks it
(facts in tests/fixtures/missing_params_official.json).

0.169 decodes a whole request (method and params together) before it looks at the connection,
so a decode failure wins over "Not initialized":
- most methods take a params object: absent (or `null`) params are
  "Invalid request: missing field `params`", `initialize` included;
- a few take none (their params are the unit type): absent, `null` and `{}` pass, anything
  else is "Invalid request: invalid type: map, expected unit" (sequence, integer `5`, ...);
- a few take an optional object: absent params pass, as `{}` would.
Methods this server knows that 0.169 does not (thread/rollback) take a params object.
"""

from __future__ import annotations

from codex.app_server.errors import invalid_params
from codex.app_server.params import _describe

TYPE_CHECKING = False  # `typing` stays unloaded on the start-up path (early.py)
if TYPE_CHECKING:
    from typing import Any

# 0.169's methods whose params are the unit type (ClientRequest.json: params {"type": "null"}).
UNIT_PARAMS = frozenset(
    {
        "account/logout",
        "account/gatewayOAuth/cancel",
        "account/securitySetup/read",
        "account/workspaceMessages/read",
        "config/mcpServer/reload",
        "configRequirements/read",
        "externalAgentConfig/import/readHistories",
        "memory/reset",
        "remoteControl/status/read",
        "rollout/compress",
        "windowsSandbox/readiness",
    }
)

# 0.169's methods whose params are an optional object (anyOf [params struct, null]).
OPTIONAL_PARAMS = frozenset(
    {
        "account/gatewayOAuth/login",
        "account/gatewayOAuth/read",
        "account/rateLimits/read",
        "account/usage/read",
        "remoteControl/disable",
        "remoteControl/enable",
    }
)


def _unit_description(value: Any) -> str:
    # serde names the unexpected value bare here ("map", "sequence"), not "a map".
    if isinstance(value, dict):
        return "map"
    if isinstance(value, list):
        return "sequence"
    return _describe(value)


def check_params(method: str, params: Any) -> None:
    """Raise the error 0.169 gives for `method` called with these params before it gets to
    the method itself; `params` is None when the request had none (or `null`)."""
    if method in UNIT_PARAMS:
        if params is None or params == {}:
            return
        raise invalid_params(f"invalid type: {_unit_description(params)}, expected unit")
    if params is None and method not in OPTIONAL_PARAMS:
        raise invalid_params("missing field `params`")
    from codex.app_server.param_shapes import check_shape

    check_shape(method, params)
