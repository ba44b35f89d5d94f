"""A `thread/list` answered during start-up (codex.app_server.early) is refused for malformed
params exactly as the full server refuses it: the fields only the params table checks
(0.169's words, tests/fixtures/app_server/param_cases_official.json) included, not answered
with a listing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.app_server.capture_param_cases import FIXTURE
from tests.app_server.rpc_client import scratch_env
from tests.app_server.test_fast_start import INIT, _both, _line

OFFICIAL = json.loads(Path(FIXTURE).read_text())["thread/list"]
CASES = [
    {"useStateDbOnly": "x"},
    {"excludedThreadIds": [5]},
    {"currentAccountOnly": None},
    {"parentThreadId": 5},
    # An experimental field, from a client without the capability: the full server's call.
    {"includeAttachedThreads": True},
    {"projectId": None},
]


@pytest.mark.parametrize("params", CASES, ids=json.dumps)
def test_an_early_list_refuses_what_the_full_server_refuses(
    params: dict[str, object], home: Path, repo: Path
) -> None:
    request = {"id": "l", "method": "thread/list", "params": params}
    lines = _line(INIT) + _line({"method": "initialized"}) + _line(request)
    fast, full = _both(["app-server"], lines, scratch_env(home), repo)
    assert fast.returncode == full.returncode == 0, (fast.stderr, full.stderr)
    assert fast.stdout == full.stdout
    reply = json.loads(fast.stdout.splitlines()[1])
    assert reply["error"] == OFFICIAL[json.dumps(params)]
