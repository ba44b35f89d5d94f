"""Providers: built-ins, environment overrides, insert-if-absent merging, URLs and headers."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from codex.client import EnvVarError, ModelProvider, merge_providers, resolve_provider
from codex.client.providers import built_in_providers
from codex.client.rate_limits import parse_rate_limits
from codex.client.retry import RetryPolicy, parse_retry_after, retry_after_from_message
from codex.client.runtime import run, uvloop_available
from codex.errors import CodexError


def test_built_ins() -> None:
    providers = built_in_providers({})
    openai = providers["openai"]
    assert openai.wire_api == "responses" and openai.requires_openai_auth
    assert openai.url() == "https://api.openai.com/v1/responses"
    assert openai.url(chatgpt_auth=True) == "https://chatgpt.com/backend-api/codex/responses"
    assert openai.http_headers == {"version": "0.169.0"}
    assert providers["ollama"].url() == "http://localhost:11434/v1/chat/completions"
    assert providers["oss"].base_url == "http://localhost:11434/v1"
    assert providers["lmstudio"].url() == "http://localhost:1234/v1/responses"


def test_environment_overrides() -> None:
    env = {
        "OPENAI_BASE_URL": "http://127.0.0.1:9/v1",
        "CODEX_OSS_PORT": "8080",
        "OPENAI_ORGANIZATION": "org-1",
        "OPENAI_PROJECT": "  ",
    }
    providers = built_in_providers(env)
    assert providers["openai"].url() == "http://127.0.0.1:9/v1/responses"
    assert providers["openai"].headers(env) == {
        "version": "0.169.0",
        "OpenAI-Organization": "org-1",
    }
    assert providers["ollama"].base_url == "http://localhost:8080/v1"
    oss = built_in_providers({"CODEX_OSS_BASE_URL": "http://gpu:1/v1"})
    assert oss["ollama"].base_url == oss["lmstudio"].base_url == "http://gpu:1/v1"
    assert built_in_providers({"OPENAI_BASE_URL": " "})["openai"].base_url is None


def test_user_providers_are_merged_insert_if_absent() -> None:
    user = {
        "openai": {"name": "hijack", "base_url": "http://evil"},
        "mock": {"name": "Mock", "base_url": "http://127.0.0.1:1/v1/", "wire_api": "responses"},
        "plain": {"name": "Plain"},
    }
    providers = merge_providers(user, env={})
    assert providers["openai"].name == "OpenAI"
    assert providers["mock"].url() == "http://127.0.0.1:1/v1/responses"
    assert providers["plain"].wire_api == "chat"  # upstream's serde default
    assert resolve_provider("mock", user, env={}).name == "Mock"
    with pytest.raises(CodexError, match=r"Model provider `nope` not found"):
        resolve_provider("nope", user, env={})


def test_from_mapping_accepts_enum_values_and_limits() -> None:
    class Wire:
        value = "responses"

    p = ModelProvider.from_mapping(
        "x",
        {
            "name": "X",
            "wire_api": Wire(),
            "query_params": {"a": "1", "b": "two"},
            "request_max_retries": 500,
            "stream_max_retries": 0,
            "stream_idle_timeout_ms": 1500,
        },
    )
    assert p.url() == "https://api.openai.com/v1/responses?a=1&b=two"
    assert (p.request_retries, p.stream_retries, p.stream_idle_timeout) == (100, 0, 1.5)
    defaults = ModelProvider("d", "D")
    assert (defaults.request_retries, defaults.stream_retries) == (4, 5)
    assert defaults.stream_idle_timeout == 300.0
    with pytest.raises(ValueError, match="unknown wire API"):
        ModelProvider.from_mapping("y", {"wire_api": "grpc"})


def test_env_key() -> None:
    p = ModelProvider("m", "M", env_key="MY_KEY", env_key_instructions="Export it.")
    assert p.api_key({"MY_KEY": "k"}) == "k"
    with pytest.raises(EnvVarError) as err:
        p.api_key({"MY_KEY": "   "})
    assert str(err.value) == "Missing environment variable: `MY_KEY`. Export it."
    assert ModelProvider("n", "N").api_key({}) is None


def test_azure_detection() -> None:
    azure = ModelProvider("a", "A", base_url="https://x.openai.azure.com/o", wire_api="responses")
    assert azure.is_azure_responses_endpoint()
    assert ModelProvider("b", "azure", wire_api="responses").is_azure_responses_endpoint()
    assert not ModelProvider("c", "azure", wire_api="chat").is_azure_responses_endpoint()


def test_rate_limit_snapshot_without_headers_is_empty() -> None:
    snapshot = parse_rate_limits({"x-codex-primary-used-percent": "nan?"})
    assert (snapshot.primary, snapshot.secondary, snapshot.credits) == (None, None, None)


def test_backoff_and_hints() -> None:
    policy = RetryPolicy(jitter=lambda: 1.1)
    assert [round(policy.backoff(n), 3) for n in (1, 2, 3)] == [0.22, 0.44, 0.88]
    assert 0.18 <= RetryPolicy().backoff(1) <= 0.22
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after("soon") is None
    assert retry_after_from_message("Please try again in 250ms.") == 0.25
    assert retry_after_from_message("Try again in 2 seconds") == 2.0
    assert retry_after_from_message("no hint") is None


def test_run_uses_uvloop_when_available() -> None:
    async def loop_module() -> str:
        return type(asyncio.get_running_loop()).__module__

    module = run(loop_module())
    assert module.startswith("uvloop") == uvloop_available()


def test_chat_reattaches_reasoning_after_the_last_user_message() -> None:
    from codex.client import chat_messages

    def reasoning(text: str) -> dict[str, object]:
        return {
            "type": "reasoning",
            "summary": [],
            "content": [{"type": "reasoning_text", "text": text}],
        }

    def assistant(text: str) -> dict[str, object]:
        return {
            "type": "message",
            "role": "assistant",
            "content": [{"type": "output_text", "text": text}],
        }

    user = {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "q"}]}
    call = {"type": "function_call", "name": "f", "arguments": "{}", "call_id": "c1"}
    output = {"type": "function_call_output", "call_id": "c1", "output": "ok"}
    history = [
        reasoning("old"),
        user,
        reasoning("plan"),
        call,
        output,
        assistant("a"),
        reasoning("after"),
    ]
    messages = chat_messages(None, history)
    assert [m.get("reasoning") for m in messages] == [None, "plan", None, "after"]
    # ending on a user message: nothing is attached; a repeated assistant text is dropped
    messages = chat_messages(None, [assistant("x"), assistant("x"), reasoning("r"), user])
    assert messages == [{"role": "assistant", "content": "x"}, {"role": "user", "content": "q"}]


def test_provider_for_config_takes_config_tables() -> None:
    from types import SimpleNamespace

    from codex.client import provider_for_config
    from codex.config.schema import ModelProviderConfig
    from codex.protocol.config_types import WireApi

    table = ModelProviderConfig(
        name="Mock", base_url="http://127.0.0.1:1/v1", wire_api=WireApi.RESPONSES
    )
    assert "env_key" not in table.as_dict(exclude_none=True)  # unset keys stay unset
    config = SimpleNamespace(model_provider="mock", model_providers={"mock": table})
    assert provider_for_config(config, env={}).url() == "http://127.0.0.1:1/v1/responses"
    default = SimpleNamespace(model_provider="openai", model_providers={})
    assert provider_for_config(default, env={}).id == "openai"
    moved = SimpleNamespace(
        model_provider="openai", model_providers={}, openai_base_url="http://127.0.0.1:2/v1"
    )
    env = {"OPENAI_BASE_URL": "http://elsewhere/v1"}
    assert provider_for_config(moved, env=env).url() == "http://127.0.0.1:2/v1/responses"


def test_provider_for_a_real_config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from codex.client import provider_for_config
    from codex.config import ConfigOverrides, load_config

    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text(
        'model = "gpt-5.5"\nmodel_provider = "mock"\n\n[model_providers.mock]\n'
        'name = "Mock"\nbase_url = "http://127.0.0.1:9/v1"\nwire_api = "responses"\n'
        'env_key = "MOCK_KEY"\nstream_max_retries = 2\n'
    )
    monkeypatch.setenv("CODEX_HOME", str(home))
    config = load_config(ConfigOverrides(config_home=str(home)), cwd=tmp_path)
    provider = provider_for_config(config, env={})
    assert (provider.id, provider.wire_api, provider.stream_retries) == ("mock", "responses", 2)
    assert provider.url() == "http://127.0.0.1:9/v1/responses"
