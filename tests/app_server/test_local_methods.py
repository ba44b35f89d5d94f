"""The local methods added for 0.169's protocol, through a raw JSON-RPC client: fuzzyFileSearch,
modelProvider/list and capabilities/read, hooks/list, fs/watch and fs/unwatch,
thread/metadata/update and thread/inject_items (shapes and error wordings as the official
server answers them for the same requests, captured through the same client)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.app_server.rpc_client import RpcClient, ours_argv, scratch_env
from tests.support.mock_model_server import MockModelServer, scenario


def _start(ready: RpcClient, repo: Path) -> str:
    params = {"cwd": str(repo), "approvalPolicy": "never", "sandbox": "read-only"}
    return str(ready.call("thread/start", params)["thread"]["id"])


def _error(ready: RpcClient, method: str, params: dict[str, object]) -> str:
    reply, _ = ready.response(ready.start(method, params))
    assert reply["error"]["code"] == -32600, reply
    return str(reply["error"]["message"])


def test_fuzzy_file_search(ready: RpcClient, repo: Path) -> None:
    (repo / "src").mkdir()
    for name in ("src/main.py", "src/mainly.txt", "README.md", "ignored.log", ".hidden/main.c"):
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text("x")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / ".gitignore").write_text("*.log\n")
    result = ready.call("fuzzyFileSearch", {"query": "main", "roots": [str(repo)]})
    files = result["files"]
    assert [f["path"] for f in files] == ["src/main.py", "src/mainly.txt"]
    assert files[0] == {
        "root": str(repo),
        "path": "src/main.py",
        "match_type": "file",
        "file_name": "main.py",
        "score": files[0]["score"],
        "indices": [4, 5, 6, 7],
    }
    assert files[0]["score"] >= files[1]["score"]
    both = ready.call("fuzzyFileSearch", {"query": "rdm", "roots": [str(repo), str(repo / "src")]})
    assert [(f["root"], f["path"], f["indices"]) for f in both["files"]] == [
        (str(repo), "README.md", [0, 3, 4])
    ]
    assert ready.call("fuzzyFileSearch", {"query": "log", "roots": [str(repo)]})["files"] == []
    assert ready.call("fuzzyFileSearch", {"query": "", "roots": [str(repo)]}) == {"files": []}
    many = repo / "many"
    many.mkdir()
    for n in range(70):
        (many / f"file{n}.txt").write_text("")
    found = ready.call("fuzzyFileSearch", {"query": "file", "roots": [str(many)]})["files"]
    assert len(found) == 50  # at most 50 per root, as upstream
    assert "missing field `roots`" in _error(ready, "fuzzyFileSearch", {"query": "x"})
    # null for a required list is a type error, as 0.169 words it (same for turn/start's input,
    # command/exec's command, config/batchWrite's edits: one params.array rule)
    null_roots = {"query": "x", "roots": None}
    assert _error(ready, "fuzzyFileSearch", null_roots) == (
        "Invalid request: invalid type: null, expected a sequence"
    )


def test_model_providers(ready: RpcClient, mock: MockModelServer) -> None:
    listed = ready.call("modelProvider/list", {})
    assert listed == {
        "data": [
            {
                "id": "mock",
                "name": "Mock Responses",
                "canEdit": True,
                "baseUrl": mock.base_url,
                "settings": {
                    "type": "customGateway",
                    "auth": {"mode": "environmentVariable", "envKey": "MOCK_KEY"},
                },
            },
            {
                "id": "openai",
                "name": "OpenAI",
                "canEdit": False,
                "baseUrl": None,
                "settings": {"type": "openai"},
            },
        ],
        "defaultProviderId": "mock",
        "canChangeDefault": True,
    }
    capabilities = ready.call("modelProvider/capabilities/read", {})
    assert capabilities == {"imageGeneration": True, "webSearch": True}


def test_hooks_list(ready: RpcClient, repo: Path) -> None:
    thread_id = _start(ready, repo)
    empty = {"hooks": [], "warnings": [], "errors": []}
    assert ready.call("hooks/list", {"cwds": ["/a", "/b"]}) == {
        "data": [{"cwd": "/a", **empty}, {"cwd": "/b", **empty}]
    }
    assert ready.call("hooks/list", {"threadId": thread_id}) == {
        "data": [{"cwd": str(repo), **empty}]
    }
    assert ready.call("hooks/list", {}) == {"data": [{"cwd": str(repo), **empty}]}  # server cwd
    assert "thread not found" in _error(ready, "hooks/list", {"threadId": "nope"})


def test_fs_watch_reports_changes_until_unwatched(ready: RpcClient, repo: Path) -> None:
    watched = repo / "watched"
    watched.mkdir()
    (watched / "old.txt").write_text("old")
    assert ready.call("fs/watch", {"path": str(watched), "watchId": "w1"}) == {"path": str(watched)}
    (watched / "new.txt").write_text("new")
    change = ready.until(lambda m: m.get("method") == "fs/changed")[-1]
    assert change["params"] == {"watchId": "w1", "changedPaths": [str(watched / "new.txt")]}
    (watched / "old.txt").unlink()
    change = ready.until(lambda m: m.get("method") == "fs/changed")[-1]
    assert change["params"]["changedPaths"] == [str(watched / "old.txt")]
    file_watch = {"path": str(watched / "new.txt"), "watchId": "w2"}
    assert ready.call("fs/watch", file_watch)["path"] == str(watched / "new.txt")
    assert ready.call("fs/unwatch", {"watchId": "w1"}) == {}
    (watched / "new.txt").write_text("changed, longer")
    change = ready.until(lambda m: m.get("method") == "fs/changed")[-1]
    assert change["params"] == {"watchId": "w2", "changedPaths": [str(watched / "new.txt")]}
    assert ready.call("fs/unwatch", {"watchId": "never"}) == {}
    assert "without a base path" in _error(ready, "fs/watch", {"path": "rel", "watchId": "w"})


def test_thread_metadata_update_persists_git_info(home: Path, ready: RpcClient, repo: Path) -> None:
    thread_id = _start(ready, repo)
    thread = ready.call(
        "thread/metadata/update", {"threadId": thread_id, "gitInfo": {"branch": "b1", "x": 1}}
    )["thread"]
    assert thread["id"] == thread_id
    assert thread["gitInfo"] == {"sha": None, "branch": "b1", "originUrl": None}
    patched = ready.call(
        "thread/metadata/update",
        {"threadId": thread_id, "gitInfo": {"sha": "abc", "originUrl": "u"}},
    )["thread"]["gitInfo"]
    assert patched == {"sha": "abc", "branch": "b1", "originUrl": "u"}
    cleared = ready.call(
        "thread/metadata/update", {"threadId": thread_id, "gitInfo": {"branch": None}}
    )["thread"]["gitInfo"]
    assert cleared == {"sha": "abc", "branch": None, "originUrl": "u"}
    assert _error(ready, "thread/metadata/update", {"threadId": thread_id}) == (
        "thread metadata update must include at least one field"
    )
    assert _error(
        ready, "thread/metadata/update", {"threadId": thread_id, "gitInfo": {"bogus": 1}}
    ) == ("gitInfo must include at least one field")
    ready.turn(thread_id, "hello")  # listed once it has a user message
    assert ready.close() == 0

    # Another server: listed (by the start-up phase and by the full server) and read with it.
    again = RpcClient(ours_argv(), scratch_env(home), repo)
    try:
        again.initialize()
        listed = again.call("thread/list", {})["data"]
        assert [t["gitInfo"] for t in listed if t["id"] == thread_id] == [cleared]
        read = again.call("thread/read", {"threadId": thread_id})["thread"]
        assert read["gitInfo"] == cleared
        resumed = again.call("thread/resume", {"threadId": thread_id})["thread"]
        assert resumed["gitInfo"] == cleared
        listed = again.call("thread/list", {})["data"]
        assert [t["gitInfo"] for t in listed if t["id"] == thread_id] == [cleared]
    finally:
        again.close()


def test_thread_inject_items_reach_the_model_and_the_rollout(
    ready: RpcClient, repo: Path, mock: MockModelServer
) -> None:
    thread_id = _start(ready, repo)
    item = {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "inj"}]}
    assert ready.call("thread/inject_items", {"threadId": thread_id, "items": [item]}) == {}
    mock.repeat(scenario("message"))
    ready.turn(thread_id, "next")
    assert "inj" in mock.last_request().message_texts("user")
    path = Path(ready.call("thread/read", {"threadId": thread_id})["thread"]["path"])
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert any(
        line["type"] == "response_item" and line["payload"].get("content") == item["content"]
        for line in lines
    )
    message = _error(ready, "thread/inject_items", {"threadId": thread_id, "items": [5]})
    assert message == (
        "items[0] is not a valid response item: invalid type: integer `5`, "
        "expected internally tagged enum ResponseItem"
    )
    assert "thread not found" in _error(
        ready,
        "thread/inject_items",
        {"threadId": "00000000-0000-7000-8000-000000000000", "items": []},
    )
    # A thread id that is no uuid is refused first, as 0.169 (param_cases_official.json).
    assert _error(ready, "thread/inject_items", {"threadId": "x", "items": []}).startswith(
        "invalid thread id: invalid character"
    )
    # 0.169's answers (code -32600 each): an empty list, and null for the required list.
    empty = {"threadId": thread_id, "items": []}
    assert _error(ready, "thread/inject_items", empty) == "items must not be empty"
    null = {"threadId": thread_id, "items": None}
    assert _error(ready, "thread/inject_items", null) == (
        "Invalid request: invalid type: null, expected a sequence"
    )


_USER_ITEM = {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "x"}]}


def test_the_new_methods_answers_validate_against_the_committed_schema(
    ready: RpcClient, repo: Path
) -> None:
    from tests.app_server.test_schema import _validator

    (repo / "a.py").write_text("")
    thread_id = _start(ready, repo)
    for method, params, name in [
        ("fuzzyFileSearch", {"query": "a", "roots": [str(repo)]}, "FuzzyFileSearchResponse"),
        ("modelProvider/list", {}, "ModelProviderListResponse"),
        ("modelProvider/capabilities/read", {}, "ModelProviderCapabilitiesReadResponse"),
        ("hooks/list", {"cwds": [str(repo)]}, "HooksListResponse"),
        ("experimentalFeature/list", {}, "ExperimentalFeatureListResponse"),
        ("fs/watch", {"path": str(repo), "watchId": "w"}, "FsWatchResponse"),
        ("fs/unwatch", {"watchId": "w"}, "EmptyResponse"),
        (
            "thread/metadata/update",
            {"threadId": thread_id, "gitInfo": {"sha": "1"}},
            "ThreadMetadataUpdateResponse",
        ),
        (
            "thread/inject_items",
            {"threadId": thread_id, "items": [_USER_ITEM]},
            "EmptyResponse",
        ),
        ("thread/items/list", {"threadId": thread_id}, "ThreadItemsListResponse"),
        ("thread/shellCommand", {"threadId": thread_id, "command": "true"}, "EmptyResponse"),
    ]:
        _validator(name).validate(ready.call(method, params))
    ready.until(lambda m: m.get("method") == "turn/completed")


def test_experimental_feature_list(home: Path, ready: RpcClient, repo: Path) -> None:
    from codex.config.features import FEATURE_DEFAULTS

    listed = ready.call("experimentalFeature/list", {})
    assert listed["nextCursor"] is None
    by_name = {f["name"]: f for f in listed["data"]}
    assert set(by_name) == set(FEATURE_DEFAULTS)
    assert by_name["undo"] == {
        "name": "undo",
        "stage": "stable",
        "displayName": None,
        "description": None,
        "announcement": None,
        "enabled": True,
        "defaultEnabled": True,
    }
    assert by_name["parallel"]["stage"] == "underDevelopment"
    assert by_name["parallel"]["enabled"] is False
    first = ready.call("experimentalFeature/list", {"limit": 5})
    rest = ready.call("experimentalFeature/list", {"cursor": first["nextCursor"]})
    assert first["data"] + rest["data"] == listed["data"] and rest["nextCursor"] is None
    # The config's [features] table is what "enabled" reads.
    with (home / "config.toml").open("a") as f:
        f.write("\n[features]\nparallel = true\nundo = false\n")
    again = {f["name"]: f for f in ready.call("experimentalFeature/list", {})["data"]}
    assert again["parallel"]["enabled"] is True and again["undo"]["enabled"] is False


def test_experimental_feature_enablement_set_is_process_wide(ready: RpcClient) -> None:
    def enabled() -> dict[str, bool]:
        listed = ready.call("experimentalFeature/list", {})["data"]
        return {f["name"]: f["enabled"] for f in listed}

    assert enabled()["parallel"] is False
    applied = ready.call(
        "experimentalFeature/enablement/set", {"enablement": {"parallel": True, "undo": False}}
    )
    assert applied == {"enablement": {"parallel": True, "undo": False}}
    now = enabled()
    assert now["parallel"] is True and now["undo"] is False
    assert ready.call("experimentalFeature/enablement/set", {"enablement": {}}) == {
        "enablement": {}
    }
    skipped = ready.call(
        "experimentalFeature/enablement/set", {"enablement": {"nope": True, "parallel": True}}
    )
    assert skipped == {"enablement": {"parallel": True}}  # unknown names left out, as 0.169
    assert "missing field `enablement`" in _error(ready, "experimentalFeature/enablement/set", {})


def test_thread_items_list_pages_both_ways(
    ready: RpcClient, repo: Path, mock: MockModelServer
) -> None:
    mock.repeat(scenario("message"))
    thread_id = _start(ready, repo)
    ready.turn(thread_id, "one")
    ready.turn(thread_id, "two")
    everything = ready.call("thread/items/list", {"threadId": thread_id})
    assert everything["nextCursor"] is None
    entries = everything["data"]
    assert [e["item"]["type"] for e in entries] == ["userMessage", "agentMessage"] * 2
    assert entries[0]["item"]["content"][0]["text"] == "one"
    assert all(list(e) == ["turnId", "item", "startedAtMs", "completedAtMs"] for e in entries)
    turns = ready.call("thread/read", {"threadId": thread_id, "includeTurns": True})
    turn_ids = [t["id"] for t in turns["thread"]["turns"]]
    assert [e["turnId"] for e in entries] == [turn_ids[0]] * 2 + [turn_ids[1]] * 2

    # Forward one at a time, then back from the last page's first item.
    seen, cursor = [], None
    while True:
        params: dict[str, object] = {"threadId": thread_id, "limit": 1}
        if cursor is not None:
            params["cursor"] = cursor
        page = ready.call("thread/items/list", params)
        seen += page["data"]
        cursor = page["nextCursor"]
        if cursor is None:
            break
    assert seen == entries
    back = ready.call(
        "thread/items/list",
        {"threadId": thread_id, "sortDirection": "desc", "cursor": page["backwardsCursor"]},
    )
    assert back["data"] == entries[::-1]
    newest = ready.call("thread/items/list", {"threadId": thread_id, "sortDirection": "desc"})
    assert newest["data"] == entries[::-1]

    # One turn; an item anchor within it.
    second = ready.call("thread/items/list", {"threadId": thread_id, "turnId": turn_ids[1]})
    assert second["data"] == entries[2:]
    after = ready.call(
        "thread/items/list",
        {
            "threadId": thread_id,
            "turnId": turn_ids[1],
            "cursor": {"type": "item", "itemId": entries[2]["item"]["id"]},
        },
    )
    assert after["data"] == entries[3:]
    anchor = {"type": "item", "itemId": entries[0]["item"]["id"]}
    assert "requires a non-empty turnId" in _error(
        ready, "thread/items/list", {"threadId": thread_id, "cursor": anchor}
    )
    assert "invalid cursor" in _error(
        ready, "thread/items/list", {"threadId": thread_id, "cursor": "bogus"}
    )


def test_model_provider_config_write(home: Path, ready: RpcClient) -> None:
    import tomllib

    def write(settings: dict[str, object]) -> dict:
        return ready.call("modelProvider/config/write", {"settings": settings})

    added = write(
        {"type": "customGateway", "name": "My GW", "baseUrl": "http://x/v1", "envKey": "K"}
    )
    assert added == {
        "provider": {
            "id": "my-gw",
            "name": "My GW",
            "canEdit": True,
            "baseUrl": "http://x/v1",
            "settings": {
                "type": "customGateway",
                "auth": {"mode": "environmentVariable", "envKey": "K"},
            },
        }
    }
    again = write({"type": "customGateway", "name": "My GW"})
    assert again["provider"]["id"] == "my-gw-2"
    patched = write({"type": "customGateway", "providerId": "mock", "baseUrl": None})
    assert (
        patched["provider"]["baseUrl"] is None and patched["provider"]["name"] == "Mock Responses"
    )
    config = tomllib.loads((home / "config.toml").read_text())
    assert config["model_providers"]["my-gw"] == {
        "name": "My GW",
        "wire_api": "responses",
        "base_url": "http://x/v1",
        "env_key": "K",
    }
    assert "base_url" not in config["model_providers"]["mock"]
    listed = [p["id"] for p in ready.call("modelProvider/list", {})["data"]]
    assert listed == ["mock", "my-gw", "my-gw-2", "openai"]
    for settings, message, code in [
        (
            {"type": "customGateway", "providerId": "openai", "name": "x"},
            "built-in",
            "configValidationError",
        ),
        (
            {"type": "customGateway", "providerId": "nope"},
            "Unknown provider ID.",
            "configPathNotFound",
        ),
        ({"type": "customGateway"}, "Enter a provider name.", "configValidationError"),
    ]:
        reply, _ = ready.response(ready.start("modelProvider/config/write", {"settings": settings}))
        assert message in reply["error"]["message"]
        assert reply["error"]["data"] == {"config_write_error_code": code}
