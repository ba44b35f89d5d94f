"""The turn's shortcuts say what the long way says: the environment update skipped for settings
equal to the last ones gives the messages rebuilding and diffing the environment every turn
gives, over random sequences of settings (cwd, approval, sandbox), with initial contexts rebuilt
in between (a compaction's)."""

from __future__ import annotations

import asyncio
import random
from pathlib import Path
from typing import Any

from tests.core.harness import make_config

from codex.core import Session
from codex.core.session_state import TurnSettings
from codex.protocol.sandbox_policy import SandboxPolicy


def _texts(items: list[Any]) -> list[str]:
    return [item.text() for item in items]


def test_environment_update_equals_rebuilding_every_turn(tmp_path: Path, mock_model_server) -> None:  # type: ignore[no-untyped-def]
    config = make_config(tmp_path, mock_model_server)
    other = tmp_path / "other"
    other.mkdir()
    cwds = [Path(config.cwd), other]
    policies = [
        SandboxPolicy.from_json_dict({"type": "read-only"}),
        SandboxPolicy.from_json_dict({"type": "workspace-write"}),
        SandboxPolicy.from_json_dict({"type": "workspace-write", "network_access": True}),
        SandboxPolicy.from_json_dict({"type": "danger-full-access"}),
    ]

    async def main() -> None:
        session = Session(config)
        state = session.state
        rng = random.Random(7)

        def settings() -> TurnSettings:
            policy = rng.choice(policies)
            if rng.random() < 0.3:  # an equal policy that is another object
                policy = SandboxPolicy.from_json_dict(policy.to_json_dict())
            return TurnSettings(
                cwd=rng.choice(cwds),
                approval_policy=rng.choice(["never", "on-request"]),
                sandbox_policy=policy,
                model="gpt-5.5",
            )

        first = settings()
        state.fresh_initial_context(first)
        reference = state.environment_for(first)
        said = 0
        now = first
        for _ in range(400):
            if rng.random() < 0.05:  # a compaction builds the initial context again
                now = settings()
                state.fresh_initial_context(now)
                reference = state.environment_for(now)
            if rng.random() < 0.5:  # else the same settings again
                now = settings()
            expected_diff = reference.diff(state.environment_for(now))
            reference = state.environment_for(now)
            expected = [] if expected_diff is None else [expected_diff.to_message()]
            got = state.environment_update(now)
            assert _texts(got) == _texts(expected)
            said += bool(got)
        assert 0 < said < 400  # both outcomes were exercised

    asyncio.run(main())
