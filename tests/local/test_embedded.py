"""codex against the real embedded llama.cpp server (SmolLM2-135M): streaming on both wire APIs
through the normal ModelClient, and a real exec_command round trip in JSON tool mode. The model
is tiny, so tests assert structure (events, items, files), never wording."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import orjson
import pytest
from tests.exec.harness import rollout_files, run_codex
from tests.local.conftest import Llama, needs_runtime

from codex.client import ModelClient, ModelProvider, Prompt, run
from codex.client.events import Completed, OutputItemDone, OutputTextDelta
from codex.client.transport import aclose_shared
from codex.local.oss import LOCAL_INSTRUCTIONS
from codex.protocol.items import Message

# A real model on shared cores: generation alone can pass the suite's 120 s default.
pytestmark = [needs_runtime, pytest.mark.timeout(900)]


@pytest.mark.parametrize("wire", ["chat", "responses"])
def test_answer_streams_on_both_wire_apis(llama: Llama, wire: str) -> None:
    server = llama.server()
    provider = ModelProvider(id="embedded", name="embedded", base_url=server.base_url,
                             wire_api=wire)  # type: ignore[arg-type]  # fmt: skip
    client = ModelClient(provider, "smollm2", conversation_id="t-stream")
    prompt = Prompt(
        input=[{"type": "message", "role": "user",
                "content": [{"type": "input_text", "text": "Write one sentence about cats."}]}],
        instructions="You are a helpful assistant.",
    )  # fmt: skip

    async def collect() -> list[object]:
        try:
            return [event async for event in client.stream(prompt)]
        finally:
            await aclose_shared()

    events = run(collect())
    deltas = [e.delta for e in events if isinstance(e, OutputTextDelta)]
    done = [e.item for e in events if isinstance(e, OutputItemDone)]
    assert len(deltas) >= 2, "the answer must arrive in pieces"
    assert isinstance(done[-1], Message) and done[-1].text() == "".join(deltas)
    assert isinstance(events[-1], Completed)
    if wire == "responses":  # chat streams report usage only when asked (stream_options)
        assert events[-1].usage is not None and events[-1].usage.output_tokens >= len(deltas) - 1


CONFIG = """model = "smollm2"
model_provider = "llama"
instructions = {instructions}

[model_providers.llama]
name = "embedded llama.cpp"
base_url = "{base_url}"
wire_api = "{wire}"
tool_call_mode = "json"

[features]
unified_exec = true
"""


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
@pytest.mark.parametrize("wire", ["chat", "responses"])
def test_json_tool_mode_runs_exec_command(llama: Llama, tmp_path: Path, wire: str) -> None:
    home = tmp_path / "home"
    home.mkdir()
    config = CONFIG.format(
        base_url=llama.server().base_url,
        wire=wire,
        instructions=orjson.dumps(LOCAL_INSTRUCTIONS).decode(),  # a JSON string is TOML too
    )
    (home / "config.toml").write_text(config)
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    res = run_codex(
        "exec", "--json",
        "Run the command `echo hello` and tell me what it printed.",
        home=home, cwd=repo, timeout=300,
    )  # fmt: skip
    assert res.rc == 0, res.stderr
    events = res.events()
    commands = [
        e["item"]
        for e in events
        if e["type"] == "item.completed" and e["item"]["type"] == "command_execution"
    ]
    assert commands, f"no tool call: {events}"
    assert commands[0]["status"] in ("completed", "failed")
    assert isinstance(commands[0]["exit_code"], int)
    assert events[-1]["type"] == "turn.completed"
    assert any(e.get("item", {}).get("type") == "agent_message" for e in events)
    rollout = [orjson.loads(x) for x in rollout_files(home)[0].read_bytes().splitlines()]
    items = [r["payload"] for r in rollout if r["type"] == "response_item"]
    calls = [i for i in items if i["type"] == "function_call"]
    outputs = [i for i in items if i["type"] == "function_call_output"]
    assert calls[0]["name"] == "exec_command"
    assert set(orjson.loads(calls[0]["arguments"])) == {"cmd"}
    assert {o["call_id"] for o in outputs} == {c["call_id"] for c in calls}
