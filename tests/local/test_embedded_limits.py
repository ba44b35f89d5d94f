"""The embedded runtime when a reply reaches its output limit (issue 15, item 10), through the
real CLI and the real llama.cpp server: the limit is set low (`max_output_tokens` in
`[model_providers.embedded]`) so a longer question reaches it in seconds. The cut reply is the
answer, or (when the model was writing a tool call) one clear error line; never a retry, never
the `{"action": ...}` wrapper. The model is tiny: assertions are about structure, not wording."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import orjson
import pytest
from tests.exec.harness import codex_env, rollout_files
from tests.local.conftest import Llama, needs_runtime

# A real model on shared cores: generation alone can pass the suite's 120 s default.
pytestmark = [needs_runtime, pytest.mark.timeout(900)]

CONFIG = """[model_providers.embedded]
name = "embedded"
max_output_tokens = {limit}
"""


@pytest.mark.parametrize(
    ("prompt", "limit"),
    [
        # SmolLM2 starts this one as a tool call: the cut call is the one-line error.
        ("Explain in detail how a hash map works, with examples", 24),
        # ... and answers this one (24 tokens in all): 18 cut it inside the message string.
        ("Say hello in one short sentence.", 18),
    ],
)
def test_reply_is_cut_at_the_limit_without_retry_or_wrapper(
    llama: Llama, tmp_path: Path, prompt: str, limit: int
) -> None:
    llama.stop()  # never two model servers at once
    home = tmp_path / "home"
    pull = subprocess.run(
        [sys.executable, "-m", "codex", "--config-home", str(home), "models", "pull", "smollm2"],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert pull.returncode == 0, pull.stderr
    (home / "config.toml").write_text(CONFIG.format(limit=limit))
    res = subprocess.run(
        [sys.executable, "-m", "codex", "exec", "--skip-git-repo-check", "--oss", prompt],
        cwd=tmp_path, env=codex_env(home), stdin=subprocess.DEVNULL,
        capture_output=True, timeout=600, check=False,
    )  # fmt: skip
    out, err = res.stdout.decode(), res.stderr.decode()
    assert "Reconnecting" not in err
    assert '"action"' not in out and '"action"' not in err
    rollout = [orjson.loads(x) for x in rollout_files(home)[0].read_bytes().splitlines()]
    usage = [
        r["payload"]["info"]["last_token_usage"]
        for r in rollout
        if r["payload"].get("type") == "token_count" and r["payload"].get("info")
    ]
    assert len(usage) == 1, "one request: the cut reply was not generated again"
    assert usage[0]["output_tokens"] == limit
    if res.returncode == 0:
        assert out.strip(), "the text decoded before the limit is the answer"
        messages = [
            r["payload"]["content"][0]["text"]
            for r in rollout
            if r["type"] == "response_item" and r["payload"].get("role") == "assistant"
        ]
        assert messages == [out.rstrip("\n")]
    else:  # the model was writing a tool call when the limit struck
        assert res.returncode == 1, err
        (line,) = [x for x in err.splitlines() if "cut off by the output limit" in x]
        assert f"({limit} tokens)" in line
