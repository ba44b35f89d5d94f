"""What 0.169's app-server answers to requests without `params` (facts for
test_missing_params.py): `python -m tests.app_server.capture_missing_params` (needs the anchor,
tests/support/official.py) rewrites tests/fixtures/missing_params_official.json.

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
import sys
import tempfile
from pathlib import Path
from typing import Any

from tests.app_server.rpc_client import RpcClient, scratch_env
from tests.support.mock_config import write_mock_config
from tests.support.mock_model_server import MockModelServer
from tests.support.official import official_binary

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
    with tempfile.TemporaryDirectory() as tmp, MockModelServer() as mock:
        home = write_mock_config(Path(tmp) / "home", mock.base_url)
        repo = Path(tmp) / "repo"
        repo.mkdir()
        client = RpcClient(argv, scratch_env(home), repo)
        try:
            facts["before_initialize"] = {
                m: _answer(client, {"method": m}) for m in BEFORE_INITIALIZE
            }
            facts["initialize_without_params"] = _answer(client, {"method": "initialize"})
            client.initialize()
            facts["without_params"] = {
                m: _answer(client, {"method": m}) for m in methods or _methods()
            }
            facts["null_params"] = {
                m: _answer(client, {"method": m, "params": None}) for m in NULL_PARAMS
            }
            facts["unit_params"] = {
                m: {json.dumps(p): _answer(client, {"method": m, "params": p}) for p in ODD_PARAMS}
                for m in UNIT_METHODS
            }
        finally:
            facts["exit_code"] = client.close()
    return facts


def main() -> int:
    binary = official_binary()
    if binary is None:
        print("the official 0.169 binary is not installed", file=sys.stderr)
        return 1
    facts = missing_params_facts([str(binary), "app-server"])
    FIXTURE.write_text(json.dumps(facts, indent=1) + "\n")
    print(FIXTURE)
    return 0


if __name__ == "__main__":
    sys.exit(main())
