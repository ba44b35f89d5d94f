"""The rest of the official SDK's surface in process: every public name and method signature of
`openai-codex` 0.163 (checked against the installed package), `thread_fork`, `models()`, the
account and login calls, thread names and `read()`, archive/unarchive, compact, interrupt and
steer, the error classes and `retry_on_overload`; each against the real loopback mock model server
and real files in a temporary CODEX_HOME."""

from __future__ import annotations

import asyncio
import inspect
import json
from pathlib import Path

import pytest
from tests.sdk.test_sdk import make_home
from tests.support.mock_model_server import Hold
from tests.support.model_stream import Message, Turn

import codex
from codex import (
    AgentMessageThreadItem,
    ApiKeyAccount,
    AsyncCodex,
    CancelLoginAccountStatus,
    ChatgptAccount,
    Codex,
    InvalidRequestError,
    ServerBusyError,
    TurnStatus,
)

OFFICIAL_ONLY: set[str] = set()  # names the in-process API leaves out on purpose (none now)


def official():
    return pytest.importorskip("openai_codex", reason="openai-codex (test extra) not installed")


def test_every_official_export_is_here():
    names = set(official().__all__) - {"__version__"} - OFFICIAL_ONLY
    assert sorted(n for n in names if not hasattr(codex, n)) == []


PAIRS = [
    "Codex",
    "AsyncCodex",
    "Thread",
    "AsyncThread",
    "TurnHandle",
    "AsyncTurnHandle",
    "ChatgptLoginHandle",
    "AsyncChatgptLoginHandle",
    "DeviceCodeLoginHandle",
    "AsyncDeviceCodeLoginHandle",
]


@pytest.mark.parametrize("name", PAIRS)
def test_methods_and_keywords_match_the_official_classes(name):
    theirs, ours = getattr(official(), name), getattr(codex, name)
    for method, fn in inspect.getmembers(theirs, inspect.isfunction):
        if method.startswith("_"):
            continue
        assert hasattr(ours, method), f"{name}.{method} is missing"
        mine = getattr(ours, method)
        assert inspect.iscoroutinefunction(mine) == inspect.iscoroutinefunction(fn), method
        want = [p.name for p in inspect.signature(fn).parameters.values()]
        have = inspect.signature(mine).parameters
        # Sync wrappers take **options and pass them to the async method: check that one.
        if any(p.kind is p.VAR_KEYWORD for p in have.values()) and name in ("Codex", "Thread"):
            mine = getattr(getattr(codex, "Async" + name), method)
            have = inspect.signature(mine).parameters
        missing = [p for p in want if p not in have]
        assert missing == [], f"{name}.{method} lacks {missing}"


SYNC_FACES = [
    ("Codex", "AsyncCodex"),
    ("Thread", "AsyncThread"),
    ("TurnHandle", "AsyncTurnHandle"),
    ("ChatgptLoginHandle", "AsyncChatgptLoginHandle"),
    ("DeviceCodeLoginHandle", "AsyncDeviceCodeLoginHandle"),
]


@pytest.mark.parametrize(("sync_name", "async_name"), SYNC_FACES)
def test_sync_methods_have_the_async_methods_signatures(sync_name, async_name):
    """Each sync method is a typed stub that `_blocking` turns into a call of the async method
    with the same arguments: its parameters (names, kinds, defaults, annotations) must be the
    async method's, or a user (and mypy) would be told a different signature than runs."""
    sync_cls, async_cls = getattr(codex, sync_name), getattr(codex, async_name)
    for method, fn in inspect.getmembers(async_cls, inspect.iscoroutinefunction):
        if method.startswith("_") or method == "stream":
            continue
        mine = getattr(sync_cls, method)
        assert not inspect.iscoroutinefunction(mine), f"{sync_name}.{method}"
        want = list(inspect.signature(fn).parameters.values())
        have = list(inspect.signature(mine).parameters.values())
        assert have == want, f"{sync_name}.{method}"


def test_a_sync_call_passes_exactly_the_given_arguments(tmp_path, mock_model_server):
    """Options left out keep the async method's defaults; a wrong keyword is refused before
    anything runs on the loop."""
    mock_model_server.repeat(Turn([Message("ok")]))
    with Codex(make_home(tmp_path, mock_model_server)) as client:
        thread = client.thread_start(ephemeral=True)
        assert thread.run("hi").final_response == "ok"
        handle = thread.turn("again")
        assert handle.run().final_response == "ok"
        with pytest.raises(TypeError):
            thread.run("x", no_such_option=1)  # type: ignore[call-arg]
        assert len(mock_model_server.requests) == 2


def test_fork_continues_the_history_in_a_new_thread(tmp_path, mock_model_server):
    mock_model_server.enqueue(
        Turn([Message("first")]), Turn([Message("forked")]), Turn([Message("original")])
    )
    config = make_home(tmp_path, mock_model_server)
    with Codex(config) as client:
        source = client.thread_start()
        source.run("remember 42")
        source.set_name("numbers")
        source_path = Path(source.read().thread.path or "")
        before = source_path.read_bytes()
        fork = client.thread_fork(source.id)
        assert fork.id != source.id
        assert fork.run("what number?").final_response == "forked"
        # The source is untouched by the fork and still runs on its own.
        assert source_path.read_bytes() == before
        assert source.run("and you?").final_response == "original"
        forked = fork.read().thread
    assert forked.name == "numbers" and forked.forked_from_id == source.id
    second = mock_model_server.requests[1]
    assert second.message_texts("user")[-1] == "what number?"
    assert "remember 42" in second.message_texts("user")
    assert "first" in second.message_texts("assistant")
    assert "what number?" not in mock_model_server.requests[2].message_texts("user")


def test_fork_of_an_unknown_thread_is_an_invalid_request(tmp_path, mock_model_server):
    with Codex(make_home(tmp_path, mock_model_server)) as client:
        with pytest.raises(InvalidRequestError, match="no rollout found") as info:
            client.thread_fork("00000000-0000-4000-8000-000000000000")
        with pytest.raises(codex.CodexError):
            client.thread_resume("00000000-0000-4000-8000-000000000000")
    assert info.value.code == -32600
    assert mock_model_server.requests == []


def test_models_lists_the_catalog(tmp_path, mock_model_server):
    fixture = Path(__file__).parents[1] / "fixtures" / "app_server"
    with Codex(make_home(tmp_path, mock_model_server)) as client:
        models = client.models()
    assert models.next_cursor is None
    assert [m.is_default for m in models.data].count(True) == 1 and models.data[0].is_default
    wanted = [m.model for m in models.data]
    assert "gpt-5.5" in wanted
    recorded = sorted(fixture.glob("official_model_list*.json"))
    if recorded:  # the official 0.169 server's answer, when captured
        data = json.loads(recorded[0].read_text())
        data = data.get("result", data)
        assert wanted == [m["model"] for m in data["data"]]
    efforts = {e.reasoning_effort for e in models.data[0].supported_reasoning_efforts}
    assert models.data[0].default_reasoning_effort in efforts


def test_api_key_login_account_and_logout(tmp_path, mock_model_server):
    config = make_home(tmp_path, mock_model_server)
    with Codex(config) as client:
        assert client.account().account is None
        client.login_api_key("sk-test-key")
        assert isinstance(client.account().account, ApiKeyAccount)
        stored = json.loads((Path(config.codex_home or "") / "auth.json").read_text())
        assert stored["OPENAI_API_KEY"] == "sk-test-key"
        client.logout()
        assert client.account().account is None
    assert not (Path(config.codex_home or "") / "auth.json").exists()


def test_api_key_login_refused_when_chatgpt_is_forced(tmp_path, mock_model_server):
    config = make_home(tmp_path, mock_model_server)
    config.config_overrides = ('forced_login_method="chatgpt"',)
    with Codex(config) as client:
        with pytest.raises(InvalidRequestError):
            client.login_api_key("sk-test-key")
        assert client.account().account is None


def test_chatgpt_login_gives_a_url_and_can_be_cancelled(tmp_path, mock_model_server):
    async def main():
        async with AsyncCodex(make_home(tmp_path, mock_model_server)) as client:
            client._login_port = 0  # any free port: never the user's 1455
            handle = await client.login_chatgpt()
            assert handle.login_id and "code_challenge=" in handle.auth_url
            assert "redirect_uri=http%3A%2F%2F127.0.0.1%3A" in handle.auth_url
            cancelled = await handle.cancel()
            done = await handle.wait()
            again = await handle.cancel()
            return cancelled, done, again

    cancelled, done, again = asyncio.run(main())
    assert cancelled.status is CancelLoginAccountStatus.canceled
    assert done.success is False and "cancel" in (done.error or "").lower()
    assert again.status is CancelLoginAccountStatus.not_found


def test_device_code_login_stores_chatgpt_credentials(tmp_path, mock_model_server, monkeypatch):
    from tests.auth.mock_issuer import MockIssuer

    issuer = MockIssuer().start()
    monkeypatch.setenv("CODEX_APP_SERVER_LOGIN_ISSUER", issuer.url)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
    config = make_home(tmp_path, mock_model_server)
    try:
        with Codex(config) as client:
            handle = client.login_chatgpt_device_code()
            assert handle.verification_url.startswith(issuer.url) and handle.user_code
            issuer.approve_device(handle.user_code)
            done = handle.wait()
            account = client.account().account
            refused = client.login_chatgpt_device_code()
            assert refused.cancel().status is CancelLoginAccountStatus.canceled
            assert refused.wait().success is False
    finally:
        issuer.stop()
    assert done.success is True and done.error is None
    assert isinstance(account, ChatgptAccount) and account.email == "dev@example.com"
    assert "/api/accounts/deviceauth/token" in issuer.paths()


def test_names_read_with_turns_and_list(tmp_path, mock_model_server):
    mock_model_server.enqueue(Turn([Message("hello back")]))
    config = make_home(tmp_path, mock_model_server)
    with Codex(config) as client:
        thread = client.thread_start()
        assert thread.read().thread.status == "idle"
        thread.run("hello")
        thread.set_name("greeting")
        live = thread.read(include_turns=True).thread
    assert live.name == "greeting" and live.model == "gpt-5.5"
    assert [t.status for t in live.turns] == [TurnStatus.completed]
    texts = [i.text for i in live.turns[0].items if isinstance(i, AgentMessageThreadItem)]
    assert texts == ["hello back"]
    with Codex(config) as client:  # another client reads the recorded thread
        listed = client.thread_list().data
        assert [(t.id, t.name) for t in listed] == [(thread.id, "greeting")]
        recorded = client.thread_resume(thread.id).read(include_turns=True).thread
        assert [t.status for t in recorded.turns] == [TurnStatus.completed]


def test_archive_and_unarchive(tmp_path, mock_model_server):
    mock_model_server.enqueue(Turn([Message("one")]), Turn([Message("two")]))
    config = make_home(tmp_path, mock_model_server)
    with Codex(config) as client:
        thread = client.thread_start()
        thread.run("keep me")
        client.thread_archive(thread.id)
        assert client.thread_list().data == []
        assert [t.id for t in client.thread_list(archived=True).data] == [thread.id]
        back = client.thread_unarchive(thread.id)
        assert [t.id for t in client.thread_list().data] == [thread.id]
        assert back.run("again").final_response == "two"
    assert "keep me" in mock_model_server.requests[1].message_texts("user")


def test_compact_replaces_the_history_with_a_summary(tmp_path, mock_model_server):
    mock_model_server.enqueue(
        Turn([Message("answer")]), Turn([Message("THE SUMMARY")]), Turn([Message("after")])
    )
    with Codex(make_home(tmp_path, mock_model_server)) as client:
        thread = client.thread_start()
        thread.run("question")
        thread.compact()
        assert thread.run("next").final_response == "after"
    last = mock_model_server.requests[-1]
    assert any("THE SUMMARY" in text for text in last.message_texts("user"))
    assert "answer" not in last.message_texts("assistant")  # the summary stands for it


def test_interrupt_and_steer_a_running_turn(tmp_path, mock_model_server):
    mock_model_server.enqueue(Hold(Turn([Message("never")]), frames=None))
    with Codex(make_home(tmp_path, mock_model_server)) as client:
        try:
            handle = client.thread_start().turn("long job")
            mock_model_server.wait_held()
            assert handle.steer("also this").turn_id == handle.id
            handle.interrupt()
            result = handle.run()
        finally:
            mock_model_server.release()
    assert result.status is TurnStatus.interrupted and result.final_response is None


def test_retry_on_overload_retries_only_overloads():
    calls = []

    def flaky():
        calls.append(1)
        if len(calls) < 3:
            raise ServerBusyError(-32001, "busy", {"codex_error_info": "server_overloaded"})
        return "done"

    assert codex.retry_on_overload(flaky, initial_delay_s=0, jitter_ratio=0) == "done"
    assert len(calls) == 3 and codex.is_retryable_error(ServerBusyError(-32001, "busy"))
    with pytest.raises(InvalidRequestError):
        codex.retry_on_overload(lambda: (_ for _ in ()).throw(InvalidRequestError(-32600, "no")))
