"""What 0.169's app-server answers to requests without `params` (facts for
test_missing_params.py): `python -m tests.app_server.capture_missing_params` (needs the anchor,
tests/support/official.py) rewrites tests/fixtures/missing_params_official.json (`--out PATH`
writes elsewhere, to diff a re-capture).

One scenario, run the same way against either binary (`missing_params_facts(argv)`), in a
scratch CODEX_HOME against the loopback mock model server:
- before `initialize`: a few requests without params, `initialize` without params, an unknown
  method (which error wins over "Not initialized");
- after `initialize`: every method of our method table once without params, the answer
  reduced to its error message or "ok" (what an accepted call returns is another test's);
- `params: null` for a few methods (0.169 reads it as absent);
- the methods whose params are the unit type, called with `{}`, a non-empty object, an array,
  a number, a string, a boolean.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.app_server.rpc_client import RpcClient
from tests.support.official_drive import app_server_argv, capture_main, scratch

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "missing_params_official.json"

BEFORE_INITIALIZE = ("thread/start", "thread/list", "account/logout", "no/such/method")
NULL_PARAMS = ("thread/start", "thread/list", "model/list", "account/logout", "initialize")
UNIT_METHODS = ("account/logout", "configRequirements/read", "config/mcpServer/reload")
ODD_PARAMS: list[Any] = [{}, {"a": 1}, [], 5, "s", True]


def _answer(client: RpcClient, message: dict[str, Any]) -> Any:
    """The error message of the reply to `message`, or "ok"."""
    request_id = client.new_id()
    client.send({"id": request_id, **message})
    reply, _ = client.response(request_id)
    if "error" in reply:
        error = reply["error"]
        # 0.169 lists every method it knows after an unknown one; the name is the fact.
        message = error["message"].split(", expected one of")[0]
        return {"code": error["code"], "message": message}
    return "ok"


def _methods() -> list[str]:
    from codex.app_server.methods import METHODS

    return sorted(METHODS)


def missing_params_facts(argv: list[str], methods: list[str] | None = None) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    with scratch() as s, s.serve(argv, name=None) as client:
        facts["before_initialize"] = {m: _answer(client, {"method": m}) for m in BEFORE_INITIALIZE}
        facts["initialize_without_params"] = _answer(client, {"method": "initialize"})
        client.initialize()
        facts["without_params"] = {m: _answer(client, {"method": m}) for m in methods or _methods()}
        facts["null_params"] = {
            m: _answer(client, {"method": m, "params": None}) for m in NULL_PARAMS
        }
        facts["unit_params"] = {
            m: {json.dumps(p): _answer(client, {"method": m, "params": p}) for p in ODD_PARAMS}
            for m in UNIT_METHODS
        }
    facts["exit_code"] = client.proc.returncode
    return facts


if __name__ == "__main__":
    raise SystemExit(
        capture_main(FIXTURE, lambda binary: missing_params_facts(app_server_argv(binary)))
    )
