"""The `fs/*` methods and thread/delete over raw JSON-RPC, as the official 0.169 server answers
them (results, defaults, error codes and words), and the method table against the official
schema: every method of 0.169's `generate-json-schema` list is answered (served, or a clear
-32600 naming it), never "unknown variant"."""

from __future__ import annotations

import base64
import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from tests.app_server.rpc_client import RpcClient
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import Message, Turn
from tests.support.official import official_binary


def _reply(client: RpcClient, method: str, params: dict[str, Any]) -> dict[str, Any]:
    reply, _ = client.response(client.start(method, params))
    reply.pop("id")
    return reply


def test_fs_methods(ready: RpcClient, tmp_path: Path) -> None:
    d = tmp_path / "d"
    d.mkdir()
    (d / "f.txt").write_text("hi")
    os.symlink("f.txt", d / "ln")
    assert _reply(ready, "fs/readFile", {"path": str(d / "f.txt")}) == {
        "result": {"dataBase64": base64.b64encode(b"hi").decode()}
    }
    assert _reply(ready, "fs/readFile", {"path": "rel.txt"})["error"] == {
        "code": -32600,
        "message": "Invalid request: AbsolutePathBuf deserialized without a base path",
    }
    assert _reply(ready, "fs/readFile", {"path": str(d / "nope")})["error"] == {
        "code": -32603,
        "message": "No such file or directory (os error 2)",
    }
    assert _reply(ready, "fs/readFile", {"path": str(d)})["error"] == {
        "code": -32600,
        "message": f"path `{d}` is not a file",
    }
    data = base64.b64encode(b"yo").decode()
    assert _reply(ready, "fs/writeFile", {"path": str(d / "w.txt"), "dataBase64": data}) == {
        "result": {}
    }
    assert (d / "w.txt").read_bytes() == b"yo"
    bad = _reply(ready, "fs/writeFile", {"path": str(d / "w.txt"), "dataBase64": "!!"})
    assert bad["error"]["code"] == -32600
    assert bad["error"]["message"].startswith("fs/writeFile requires valid base64 dataBase64")

    assert "result" in _reply(ready, "fs/createDirectory", {"path": str(d / "a" / "b")})
    exists = _reply(ready, "fs/createDirectory", {"path": str(d / "a" / "b"), "recursive": False})
    assert exists["error"] == {"code": -32603, "message": "File exists (os error 17)"}

    meta = _reply(ready, "fs/getMetadata", {"path": str(d / "ln")})["result"]
    assert meta["isFile"] and meta["isSymlink"] and not meta["isDirectory"]
    assert meta["modifiedAtMs"] == (d / "f.txt").stat().st_mtime_ns // 1_000_000
    entries = _reply(ready, "fs/readDirectory", {"path": str(d)})["result"]["entries"]
    assert sorted((e["fileName"], e["isDirectory"], e["isFile"]) for e in entries) == [
        ("a", True, False),
        ("f.txt", False, True),
        ("ln", False, True),
        ("w.txt", False, True),
    ]

    copied = {"sourcePath": str(d / "a"), "destinationPath": str(d / "a2"), "recursive": True}
    assert "result" in _reply(ready, "fs/copy", copied)
    assert (d / "a2" / "b").is_dir()
    assert "result" in _reply(ready, "fs/remove", {"path": str(d / "a")})  # recursive default
    assert not (d / "a").exists()
    assert "result" in _reply(ready, "fs/remove", {"path": str(d / "nope")})  # force default
    assert _reply(ready, "fs/remove", {"path": str(d / "nope"), "force": False})["error"] == {
        "code": -32603,
        "message": "No such file or directory (os error 2)",
    }


def test_thread_delete(ready: RpcClient, mock: MockModelServer, repo: Path) -> None:
    thread = ready.call("thread/start", {"cwd": str(repo)})["thread"]
    mock.enqueue(Turn([Message("x")]))
    ready.turn(thread["id"], "hi")
    reply, _ = ready.response(ready.start("thread/delete", {"threadId": thread["id"]}))
    assert reply["result"] == {}
    deleted = ready.until(lambda m: m.get("method") == "thread/deleted")
    assert deleted[-1]["params"] == {"threadId": thread["id"]}
    assert not Path(thread["path"]).exists()
    again = _reply(ready, "thread/delete", {"threadId": thread["id"]})
    assert again["error"] == {
        "code": -32600,
        "message": f"no rollout found for thread id {thread['id']}",
    }


def _official_methods(tmp_path: Path) -> list[str]:
    binary = official_binary()
    if binary is None:
        pytest.skip("the official 0.169 binary is not installed")
    out = tmp_path / "schema"
    env = {**os.environ, "CODEX_HOME": str(tmp_path)}
    subprocess.run(
        [str(binary), "app-server", "generate-json-schema", "--out", str(out)],
        check=True,
        capture_output=True,
        env=env,
        timeout=60,
    )
    bundle = json.loads((out / "ClientRequest.json").read_text())
    return [v["properties"]["method"]["enum"][0] for v in bundle["oneOf"]]


def test_every_official_method_is_answered(ready: RpcClient, tmp_path: Path) -> None:
    methods = [m for m in _official_methods(tmp_path) if m != "initialize"]
    unknown = []
    for method in methods:
        reply = _reply(ready, method, {"bogus": True})
        error = reply.get("error")
        if (
            error is not None
            and "unknown variant" in error["message"]
            and method in error["message"]
        ):
            unknown.append(method)
        if error is not None and error["code"] == -32603:
            unknown.append(f"{method}: internal error {error['message']}")
    assert unknown == []
