"""Our app-server makes a thread's rollout file when its first turn runs, and answers about a
thread that never ran as 0.169 answers: the same scenario (capture_rollout_lazy.lazy_facts)
run against our server gives the facts captured from the official one."""

from __future__ import annotations

import json

from tests.app_server.capture_rollout_lazy import FIXTURE, lazy_facts
from tests.app_server.rpc_client import ours_argv


def test_the_rollout_file_is_made_by_the_first_turn_as_0169_makes_it() -> None:
    official = json.loads(FIXTURE.read_text())
    ours = lazy_facts(ours_argv())
    assert ours == official
