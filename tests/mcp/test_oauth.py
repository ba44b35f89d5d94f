"""`codex mcp login`/`logout` against a real OAuth-protected streamable-HTTP MCP server built from
the `mcp` SDK (tests/mcp/peers/oauth_server.py) on 127.0.0.1. The browser step is driven with
httpx: GET the printed authorization URL, follow the redirect to codex's loopback callback.

Words and formats were captured from the official 0.169 CLI against the same peer: the prompt
and success lines, logout's two answers, the errors, the `.credentials.json` entry and its
`<server>|<sha256 prefix>` key, the `/callback/<id>` path."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from tests.exec.harness import codex_env, run_codex, write_config
from tests.mcp.harness import ROOT
from tests.support.model_stream import FunctionCall, Message, Turn

from codex.mcp_client.oauth_login import callback_id
from codex.mcp_client.oauth_store import store_key


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def oauth_peer():
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.mcp.peers.oauth_server", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while True:  # readiness poll on the metadata endpoint
        try:
            if httpx.get(
                f"http://127.0.0.1:{port}/.well-known/oauth-authorization-server"
            ).is_success:
                break
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail("the OAuth MCP peer did not start")
        time.sleep(0.05)
    yield port
    proc.terminate()
    proc.wait(timeout=30)


# No test may reach the user's keyring: every run gets the failing backend unless it names one.
NO_KEYRING = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}


def _home(tmp_path: Path, port: int, store: str = "file", base_url: str = "") -> Path:
    home = tmp_path / "home"
    tables = (
        f'[mcp_servers.oa]\nurl = "http://127.0.0.1:{port}/mcp"\n'
        '[mcp_servers.st]\ncommand = "echo"\n'
    )
    if base_url:
        write_config(home, base_url, tables)
    else:
        home.mkdir(parents=True)
        (home / "config.toml").write_text(tables)
    config = home / "config.toml"  # a top-level key goes before every table
    config.write_text(f'mcp_oauth_credentials_store = "{store}"\n' + config.read_text())
    return home


def _login(
    home: Path, env: dict[str, str] | None = None, argv: tuple[str, ...] = ("login", "oa")
) -> tuple[int, str, str, str]:
    """Run `codex mcp login oa` (or `argv`), click through the authorization URL it prints;
    returns (exit code, stdout, stderr, the callback page's text)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "codex", "mcp", *argv],
        cwd=home,
        env=codex_env(home, {"BROWSER": "true", **NO_KEYRING, **(env or {})}),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    lines = []
    url = None
    for line in proc.stdout:  # the prompt, then the URL
        lines.append(line)
        if line.startswith("http"):
            url = line.strip()
            break
    assert url is not None, proc.communicate(timeout=30)
    page = httpx.get(url, follow_redirects=True, timeout=30).text
    # read through the same buffered pipes (communicate() would skip what the loop buffered)
    out = proc.stdout.read()
    assert proc.stderr is not None
    err = proc.stderr.read()
    return proc.wait(timeout=60), "".join(lines) + out, err, page


def test_login_exec_and_logout(tmp_path, oauth_peer, mock_model_server):
    port = oauth_peer
    home = _home(tmp_path, port, base_url=mock_model_server.base_url)
    url = f"http://127.0.0.1:{port}/mcp"

    rc, out, err, page = _login(home)
    assert rc == 0, err
    assert page == "Authentication complete. You may close this window."
    prompt, auth_url, blank, done = out.splitlines()
    assert prompt == "Authorize `oa` by opening this URL in your browser:"
    assert blank == ""
    assert done == "Successfully logged in to MCP server 'oa'."
    query = httpx.URL(auth_url).params
    assert query["redirect_uri"].startswith("http://127.0.0.1:")
    assert query["redirect_uri"].endswith(f"/callback/{callback_id(url)}")
    assert query["code_challenge_method"] == "S256"
    assert query["scope"] == "mcp"  # discovered from the server's metadata

    saved = json.loads((home / ".credentials.json").read_text())
    assert list(saved) == [store_key("oa", url)]
    entry = saved[store_key("oa", url)]
    assert entry["server_name"] == "oa" and entry["server_url"] == url
    assert entry["issuer"] == f"http://127.0.0.1:{port}"
    assert entry["access_token"].startswith("at-") and entry["refresh_token"].startswith("rt-")
    assert entry["scopes"] == ["mcp"] and entry["client_id"]
    assert (home / ".credentials.json").stat().st_mode & 0o777 == 0o600

    listed = run_codex("mcp", "list", home=home, cwd=tmp_path, env=NO_KEYRING)
    row = next(r for r in listed.stdout.decode().splitlines() if r.startswith("oa "))
    assert row.split()[-1] == "OAuth"
    as_json = json.loads(
        run_codex("mcp", "list", "--json", home=home, cwd=tmp_path, env=NO_KEYRING).stdout
    )
    assert [s["auth_status"] for s in as_json] == ["o_auth", "unsupported"]

    # a session reaches the protected server with the stored token
    mock_model_server.enqueue(
        Turn([FunctionCall("c1", "mcp__oa__whoami", {})]), Turn([Message("done")])
    )
    run = run_codex(
        "exec", "--json", "--skip-git-repo-check", "go", home=home, cwd=tmp_path, env=NO_KEYRING
    )
    assert run.rc == 0, run.stderr
    assert "authorized" in mock_model_server.requests[-1].function_call_output("c1")["output"]

    first = run_codex("mcp", "logout", "oa", home=home, cwd=tmp_path, env=NO_KEYRING)
    assert first.stdout == b"Removed OAuth credentials for 'oa'.\n"
    assert not (home / ".credentials.json").exists()
    second = run_codex("mcp", "logout", "oa", home=home, cwd=tmp_path, env=NO_KEYRING)
    assert second.stdout == b"No OAuth credentials stored for 'oa'.\n"


def test_a_session_without_login_reports_the_server_failed(tmp_path, oauth_peer, mock_model_server):
    home = _home(tmp_path, oauth_peer, base_url=mock_model_server.base_url)
    mock_model_server.enqueue(
        Turn([FunctionCall("c1", "mcp__oa__whoami", {})]), Turn([Message("done")])
    )
    run = run_codex(
        "exec", "--json", "--skip-git-repo-check", "go", home=home, cwd=tmp_path, env=NO_KEYRING
    )
    assert run.rc == 0, run.stderr
    assert "MCP client for `oa` failed to start" in run.stderr
    assert "authorized" not in str(mock_model_server.requests[-1].function_call_output("c1"))


def test_auto_store_falls_back_to_the_file_without_a_keyring(tmp_path, oauth_peer):
    home = _home(tmp_path, oauth_peer, store="auto")
    rc, _, err, _ = _login(home)  # NO_KEYRING: the keyring is unavailable
    assert rc == 0, err
    assert (home / ".credentials.json").exists()


def test_keyring_store_keeps_the_official_value_and_no_file(tmp_path, oauth_peer):
    pytest.importorskip("keyrings.alt")
    data = tmp_path / "xdg"
    env = {
        "PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring",
        "XDG_DATA_HOME": str(data),
    }
    home = _home(tmp_path, oauth_peer, store="keyring")
    rc, _, err, _ = _login(home, env)
    assert rc == 0, err
    assert not (home / ".credentials.json").exists()
    url = f"http://127.0.0.1:{oauth_peer}/mcp"
    code = (
        "import keyring,json,sys;"
        f"v=keyring.get_password('Codex MCP Credentials',{store_key('oa', url)!r});"
        "print(v)"
    )
    value = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    stored = json.loads(value)
    assert stored["server_name"] == "oa" and stored["url"] == url
    assert stored["token_response"]["access_token"].startswith("at-")
    assert stored["token_response"]["token_type"] == "bearer"
    listed = run_codex("mcp", "list", "--json", home=home, cwd=tmp_path, env=env)
    assert json.loads(listed.stdout)[0]["auth_status"] == "o_auth"
    out = run_codex("mcp", "logout", "oa", home=home, cwd=tmp_path, env=env)
    assert out.stdout == b"Removed OAuth credentials for 'oa'.\n"


def test_no_browser_takes_the_pasted_callback_url(tmp_path, oauth_peer):
    """`--no-browser`: the official's words, and the callback URL pasted on stdin (the loopback
    listener is never visited) completes the login."""
    home = _home(tmp_path, oauth_peer)
    proc = subprocess.Popen(
        [sys.executable, "-m", "codex", "mcp", "login", "oa", "--no-browser"],
        cwd=home,
        env=codex_env(home, NO_KEYRING),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    head = [proc.stdout.readline() for _ in range(5)]
    assert head[0] == "Authorize the MCP server by opening this URL in your browser:\n"
    assert head[2:] == [
        "\n",
        "After signing in, copy the full URL from your browser's address bar.\n",
        "If the callback page cannot load, paste that URL here anyway.\n",
    ]
    redirect = httpx.get(head[1].strip(), follow_redirects=False, timeout=30)
    assert redirect.status_code == 302
    proc.stdin.write(redirect.headers["location"] + "\n")
    proc.stdin.close()
    out, err = proc.stdout.read(), proc.stderr.read()
    assert proc.wait(timeout=60) == 0, err
    assert out == "Successfully logged in to MCP server 'oa'.\n"
    assert err.startswith("Callback URL (input hidden): ")
    assert (home / ".credentials.json").exists()


def test_add_with_a_url_detects_oauth_and_logs_in(tmp_path, oauth_peer):
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text('mcp_oauth_credentials_store = "file"\n')
    url = f"http://127.0.0.1:{oauth_peer}/mcp"
    rc, out, err, _ = _login(home, argv=("add", "oa", "--url", url))
    assert rc == 0, err
    lines = out.splitlines()
    assert lines[:3] == [
        "Added global MCP server 'oa'.",
        "Detected OAuth support. Starting OAuth flow…",
        "Authorize `oa` by opening this URL in your browser:",
    ]
    assert lines[4:] == ["", "Successfully logged in."]
    assert store_key("oa", url) in json.loads((home / ".credentials.json").read_text())


def test_add_with_a_url_that_does_not_answer(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    res = run_codex(
        "mcp",
        "add",
        "web",
        "--url",
        "http://127.0.0.1:9/mcp",
        home=home,
        cwd=tmp_path,
        env=NO_KEYRING,
    )
    assert res.rc == 0, res.stderr
    assert res.stdout.decode().splitlines() == [  # as the official 0.169 answers it
        "Added global MCP server 'web'.",
        "MCP server may or may not require login. Run `codex mcp login web` to login.",
    ]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["login", "nope"], "No MCP server named 'nope' found."),
        (["login", "st"], "OAuth login is only supported for streamable HTTP servers."),
        (["logout", "nope"], "No MCP server named 'nope' found in configuration."),
        (["logout", "st"], "OAuth logout is only supported for streamable_http transports."),
    ],
)
def test_login_and_logout_errors_as_the_official(tmp_path, argv, message):
    home = _home(tmp_path, 1)
    res = run_codex("mcp", *argv, home=home, cwd=tmp_path, env=NO_KEYRING)
    assert res.rc == 1
    assert res.stderr == f"codex: {message}\n"


def test_store_key_and_callback_id_match_the_official():
    # captured from the official 0.169 login against the peer on port 42929
    url = "http://127.0.0.1:42929/mcp"
    assert store_key("oa", url) == "oa|31316d3a47cde92b"
    assert callback_id(url) == "WvAro2Uuew4N"
