"""`codex login` / `login status` / `logout` as subprocesses against the mock issuer over real
HTTP. The test plays the browser: it reads the printed URL, follows it to the issuer, and
follows the issuer's redirect to the CLI's callback server."""

from __future__ import annotations

import base64
import configparser
import hashlib
import json
import socket
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from tests.auth.conftest import REPO, codex_argv, run_codex
from tests.auth.mock_issuer import MockIssuer


class LoginProcess:
    """A running `codex login` (browser flow) and the URL it printed. Both pipes are drained by
    threads so nothing is lost between reading the URL and collecting the rest."""

    def __init__(self, env: dict[str, str], home: Path, *args: str) -> None:
        self.proc = subprocess.Popen(
            codex_argv(home, "login", *args),
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=REPO,
        )
        self.err_lines: list[str] = []
        self.out_lines: list[str] = []
        self._url_seen = threading.Event()
        self._readers = [
            threading.Thread(target=self._drain, args=(self.proc.stderr, self.err_lines)),
            threading.Thread(target=self._drain, args=(self.proc.stdout, self.out_lines)),
        ]
        for reader in self._readers:
            reader.start()
        self._url_seen.wait(timeout=60)
        urls = [line.strip() for line in self.err_lines if line.startswith("http")]
        if not urls:
            code, out, err = self.finish()
            raise AssertionError(f"no URL printed (exit {code}): {err}{out}")
        self.url = urls[0]
        self.head = "".join(self.err_lines)

    def _drain(self, stream: object, sink: list[str]) -> None:
        for line in stream:  # type: ignore[attr-defined]
            sink.append(line)
            if line.startswith("http"):
                self._url_seen.set()
        self._url_seen.set()

    @property
    def query(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(urlsplit(self.url).query).items()}

    def finish(self) -> tuple[int, str, str]:
        code = self.proc.wait(timeout=60)
        for reader in self._readers:
            reader.join(timeout=60)
        return code, "".join(self.out_lines), "".join(self.err_lines)


def browse(url: str) -> httpx.Response:
    return httpx.get(url, follow_redirects=False, timeout=30)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def start_login(env: dict[str, str], home: Path, issuer: MockIssuer, *extra: str) -> LoginProcess:
    return LoginProcess(
        env, home, "--experimental_issuer", issuer.url, "--callback-port", "0", *extra
    )


def test_browser_login_end_to_end(
    cli_env: dict[str, str], codex_home: Path, issuer: MockIssuer
) -> None:
    login = start_login(cli_env, codex_home, issuer)
    q = login.query
    head = login.head
    assert head.startswith("Starting local login server on http://localhost:")
    assert login.url.startswith(f"{issuer.url}/oauth/authorize?")
    port = int(urlsplit(q["redirect_uri"]).port or 0)
    assert q["redirect_uri"] == f"http://127.0.0.1:{port}/auth/callback"
    assert f"http://localhost:{port}." in head
    assert q["response_type"] == "code"
    assert q["code_challenge_method"] == "S256"
    assert len(base64.urlsafe_b64decode(q["code_challenge"] + "=")) == 32  # a SHA-256
    assert len(base64.urlsafe_b64decode(q["state"] + "=")) == 32
    assert q["client_id"] == issuer.config.client_id
    assert q["scope"].split() == [
        "openid",
        "profile",
        "email",
        "offline_access",
        "api.connectors.read",
        "api.connectors.invoke",
    ]
    assert q["id_token_add_organizations"] == "true"
    assert q["codex_cli_simplified_flow"] == "true"
    assert q["originator"] == "codex_cli_rs"
    assert "allowed_workspace_id" not in q

    to_callback = browse(login.url)
    assert to_callback.status_code == 302
    to_success = browse(to_callback.headers["location"])
    assert to_success.status_code == 302
    success_url = to_success.headers["location"]
    assert success_url.startswith(f"http://127.0.0.1:{port}/success?")
    success_q = parse_qs(urlsplit(success_url).query)
    assert success_q["plan_type"] == ["pro"] and success_q["needs_setup"] == ["false"]
    page = browse(success_url)
    assert page.status_code == 200 and "Signed in" in page.text
    code, _out, err = login.finish()
    assert code == 0, err
    assert "On a remote or headless machine? Use `codex login --device-auth` instead." in err
    assert err.rstrip().endswith("Successfully logged in")

    path = codex_home / "auth.json"
    assert mode_of(path) == 0o600
    doc = json.loads(path.read_text())
    assert list(doc) == ["auth_mode", "OPENAI_API_KEY", "tokens", "last_refresh"]
    assert doc["auth_mode"] == "chatgpt"
    assert doc["OPENAI_API_KEY"].startswith("sk-proj-")  # from the token exchange
    assert doc["tokens"]["account_id"] == issuer.account.account_id
    assert doc["tokens"]["id_token"] in issuer.secrets_issued
    assert doc["last_refresh"].endswith("Z")
    # The PKCE verifier sent to /oauth/token matched the challenge in the URL.
    exchange = next(r for r in issuer.requests if r.path == "/oauth/token")
    verifier = parse_qs(exchange.body.decode())["code_verifier"][0]
    digest = hashlib.sha256(verifier.encode()).digest()
    assert base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == q["code_challenge"]

    status = run_codex(cli_env, codex_home, "login", "status")
    assert status.returncode == 0
    assert "Logged in using ChatGPT" in status.stderr
    assert issuer.account.email in status.stderr

    out_ = run_codex(cli_env, codex_home, "logout")
    assert out_.returncode == 0 and out_.stderr.strip() == "Successfully logged out"
    assert issuer.revoked[-1]["token"] == doc["tokens"]["refresh_token"]
    assert not path.exists()
    assert run_codex(cli_env, codex_home, "login", "status").returncode == 1


def test_second_login_overwrites_and_revokes_the_first(
    cli_env: dict[str, str], codex_home: Path, issuer: MockIssuer
) -> None:
    (codex_home / "auth.json").write_text(json.dumps(issuer.auth_json()))
    old = json.loads((codex_home / "auth.json").read_text())
    login = start_login(cli_env, codex_home, issuer)
    page = browse(browse(browse(login.url).headers["location"]).headers["location"])
    assert page.status_code == 200
    assert login.finish()[0] == 0
    new = json.loads((codex_home / "auth.json").read_text())
    assert new["tokens"]["refresh_token"] != old["tokens"]["refresh_token"]
    assert [r["token"] for r in issuer.revoked] == [old["tokens"]["refresh_token"]]


def test_state_mismatch_is_rejected_and_the_flow_continues(
    cli_env: dict[str, str], codex_home: Path, issuer: MockIssuer
) -> None:
    login = start_login(cli_env, codex_home, issuer)
    callback = login.query["redirect_uri"]
    forged = browse(f"{callback}?code=attacker-code&state=forged-state")
    assert forged.status_code == 400 and forged.text == "State mismatch"
    assert not (codex_home / "auth.json").exists()
    assert browse(callback.replace("/auth/callback", "/nope")).status_code == 404
    page = browse(browse(browse(login.url).headers["location"]).headers["location"])
    assert page.status_code == 200
    assert login.finish()[0] == 0
    assert (codex_home / "auth.json").exists()


def test_issuer_returning_a_wrong_state_never_logs_in(
    cli_env: dict[str, str], codex_home: Path, issuer: MockIssuer
) -> None:
    issuer.config.callback_state = "not-the-state-we-sent"
    login = start_login(cli_env, codex_home, issuer)
    assert browse(browse(login.url).headers["location"]).status_code == 400
    assert browse(login.query["redirect_uri"].replace("/auth/callback", "/cancel")).text == (
        "Login cancelled"
    )
    code, _out, err = login.finish()
    assert code == 1 and "Error logging in: Login cancelled" in err
    assert not (codex_home / "auth.json").exists()
    assert not any(r.path == "/oauth/token" for r in issuer.requests)


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (("access_denied", "user said no"), "Sign-in failed: user said no"),
        (
            ("access_denied", "missing_codex_entitlement"),
            "Codex is not enabled for your workspace",
        ),
    ],
)
def test_authorize_error_ends_the_flow_with_a_message(
    cli_env: dict[str, str],
    codex_home: Path,
    issuer: MockIssuer,
    error: tuple[str, str],
    expected: str,
) -> None:
    issuer.config.authorize_error = error
    login = start_login(cli_env, codex_home, issuer)
    page = browse(browse(login.url).headers["location"])
    assert page.status_code == 200 and expected in page.text
    code, _out, err = login.finish()
    assert code == 1
    assert f"Error logging in: {expected}" in err
    assert not (codex_home / "auth.json").exists()


def test_forced_workspace_is_requested_and_enforced(
    cli_env: dict[str, str], codex_home: Path, issuer: MockIssuer
) -> None:
    login = start_login(
        cli_env, codex_home, issuer, "-c", 'forced_chatgpt_workspace_id="ws-allowed"'
    )
    assert login.query["allowed_workspace_id"] == "ws-allowed"
    page = browse(browse(login.url).headers["location"])
    assert "Login is restricted to workspace id(s) ws-allowed." in page.text
    code, _out, err = login.finish()
    assert code == 1 and "Login is restricted to workspace id(s) ws-allowed." in err
    assert not (codex_home / "auth.json").exists()


def test_forced_login_method_refuses_the_other_method(
    cli_env: dict[str, str], codex_home: Path, issuer: MockIssuer
) -> None:
    api_only = ("-c", 'forced_login_method="api"')
    browser = run_codex(cli_env, codex_home, *api_only, "login", "--experimental_issuer", "x")
    assert browser.returncode == 1
    assert browser.stderr.strip() == "ChatGPT login is disabled. Use API key login instead."
    device = run_codex(cli_env, codex_home, *api_only, "login", "--device-auth")
    assert device.returncode == 1 and "ChatGPT login is disabled" in device.stderr
    chatgpt_only = ("-c", 'forced_login_method="chatgpt"')
    key = run_codex(
        cli_env, codex_home, *chatgpt_only, "login", "--with-api-key", stdin="sk-abc-123\n"
    )
    assert key.returncode == 1
    assert "API key login is disabled. Use ChatGPT login instead." in key.stderr
    assert not (codex_home / "auth.json").exists()
    assert issuer.requests == []


class _NoCancel(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def busy_port() -> Iterator[int]:
    server = HTTPServer(("127.0.0.1", 0), _NoCancel)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_busy_port_is_a_clear_error(
    cli_env: dict[str, str], codex_home: Path, issuer: MockIssuer, busy_port: int
) -> None:
    result = run_codex(
        cli_env,
        codex_home,
        "login",
        "--experimental_issuer",
        issuer.url,
        "--callback-port",
        str(busy_port),
    )
    assert result.returncode == 1
    assert f"Port 127.0.0.1:{busy_port} is already in use" in result.stderr
    assert result.stderr.startswith("Error logging in:")


def test_busy_port_falls_back_when_a_fallback_is_configured(busy_port: int, tmp_path: Path) -> None:
    from codex.auth.login_server import LoginFlow, LoginOptions
    from codex.auth.settings import AuthSettings

    fallback = free_port()
    flow = LoginFlow(LoginOptions(AuthSettings(tmp_path), port=busy_port, fallback_port=fallback))
    try:
        assert flow.port == fallback
        assert f"127.0.0.1%3A{fallback}%2Fauth%2Fcallback" in flow.auth_url
    finally:
        flow.close()


def test_new_login_cancels_the_previous_one_on_the_same_port(
    cli_env: dict[str, str], codex_home: Path, issuer: MockIssuer
) -> None:
    port = str(free_port())
    first = LoginProcess(
        cli_env, codex_home, "--experimental_issuer", issuer.url, "--callback-port", port
    )
    second = LoginProcess(
        cli_env, codex_home, "--experimental_issuer", issuer.url, "--callback-port", port
    )
    code, _out, err = first.finish()
    assert code == 1 and "Login cancelled" in err
    assert f"127.0.0.1%3A{port}%2F" in second.url
    page = browse(browse(browse(second.url).headers["location"]).headers["location"])
    assert page.status_code == 200
    assert second.finish()[0] == 0


def test_device_code_login(cli_env: dict[str, str], codex_home: Path, issuer: MockIssuer) -> None:
    proc = subprocess.Popen(
        codex_argv(codex_home, "login", "--device-auth", "--experimental_issuer", issuer.url),
        env=cli_env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    assert proc.stdout is not None
    lines = []
    for line in proc.stdout:
        lines.append(line)
        if "one-time code" in line:
            user_code = next(proc.stdout).strip()
            break
    assert f"{issuer.url}/codex/device" in "".join(lines)
    assert "\x1b[" not in "".join(lines)  # no colour codes when stdout is not a terminal
    issuer.approve_device(user_code)
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert err.strip().endswith("Successfully logged in")
    doc = json.loads((codex_home / "auth.json").read_text())
    assert doc["auth_mode"] == "chatgpt"
    assert doc["OPENAI_API_KEY"] is None  # no API-key exchange in the device flow
    assert doc["tokens"]["account_id"] == issuer.account.account_id
    assert mode_of(codex_home / "auth.json") == 0o600
    exchange = [r for r in issuer.requests if r.path == "/oauth/token"]
    assert len(exchange) == 1
    form = parse_qs(exchange[0].body.decode())
    assert form["redirect_uri"] == [f"{issuer.url}/deviceauth/callback"]


def test_device_code_disabled_on_the_server(
    cli_env: dict[str, str], codex_home: Path, issuer: MockIssuer
) -> None:
    issuer.config.device_enabled = False
    result = run_codex(
        cli_env, codex_home, "login", "--device-auth", "--experimental_issuer", issuer.url
    )
    assert result.returncode == 1
    assert "device code login is not enabled" in result.stderr


def test_device_code_expires(issuer: MockIssuer, tmp_path: Path) -> None:
    from codex.auth import oauth

    code = oauth.request_device_code(issuer.url, issuer.config.client_id)
    ticks = iter([0.0, 5.0, 10.0])
    waits: list[float] = []
    with pytest.raises(oauth.AuthError, match="timed out"):
        oauth.poll_device_code(
            issuer.url, code, max_wait=10.0, sleep=waits.append, clock=lambda: next(ticks)
        )
    assert waits == [0.0]  # the server's interval ("0"), capped by the time left
    assert [r.path for r in issuer.requests].count("/api/accounts/deviceauth/token") == 2


def test_api_key_login_status_and_logout(
    cli_env: dict[str, str], codex_home: Path, issuer: MockIssuer
) -> None:
    result = run_codex(
        cli_env, codex_home, "login", "--with-api-key", stdin="sk-test-abcdefghijklmnop1234\n"
    )
    assert result.returncode == 0
    assert result.stderr == (
        "Reading API key from stdin...\n"
        "API key saved. Authentication is checked when you send a request.\n"
    )
    assert (codex_home / "auth.json").read_bytes() == (
        b'{\n  "auth_mode": "apikey",\n  "OPENAI_API_KEY": "sk-test-abcdefghijklmnop1234"\n}'
    )
    assert mode_of(codex_home / "auth.json") == 0o600
    status = run_codex(cli_env, codex_home, "login", "status")
    assert status.returncode == 0
    assert status.stderr.splitlines()[0] == "API key configured - sk-test-***p1234"
    assert run_codex(cli_env, codex_home, "logout").stderr == "Successfully logged out\n"
    assert run_codex(cli_env, codex_home, "logout").stderr == "Not logged in\n"
    missing = run_codex(cli_env, codex_home, "login", "status")
    assert missing.returncode == 1 and missing.stderr == "Not logged in\n"


def test_api_key_as_argument_is_refused_without_echo(
    cli_env: dict[str, str], codex_home: Path
) -> None:
    for args in (
        ("login", "sk-leaky-secret-123456"),
        ("login", "--api-key", "sk-leaky-secret-123456"),
    ):
        result = run_codex(cli_env, codex_home, *args)
        assert result.returncode in (1, 2)
        assert "sk-leaky-secret" not in result.stdout + result.stderr
        assert "codex login --with-api-key" in result.stderr
    empty = run_codex(cli_env, codex_home, "login", "--with-api-key", stdin="  \n")
    assert empty.returncode == 1 and "No API key provided via stdin." in empty.stderr
    assert not (codex_home / "auth.json").exists()


def test_corrupt_auth_file_status_is_a_clear_error(
    cli_env: dict[str, str], codex_home: Path
) -> None:
    (codex_home / "auth.json").write_text('{"OPENAI_API_KEY": "sk-half-written')
    (codex_home / "auth.json").chmod(0o600)
    result = run_codex(cli_env, codex_home, "login", "status")
    assert result.returncode == 1
    assert result.stderr.startswith("Error checking login status: ")
    assert "is not valid JSON" in result.stderr
    assert "sk-half" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert run_codex(cli_env, codex_home, "logout").stderr == "Successfully logged out\n"


def test_auth_file_nested_too_deep_is_one_line(cli_env: dict[str, str], codex_home: Path) -> None:
    """A hostile auth.json (100,000 nested arrays) is the same one-line error, not a
    RecursionError traceback (0.169: "failed to deserialize CLI auth from file", exit 1)."""
    (codex_home / "auth.json").write_text("[" * 100_000 + "]" * 100_000)
    (codex_home / "auth.json").chmod(0o600)
    result = run_codex(cli_env, codex_home, "login", "status")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.splitlines()
    assert line.startswith("Error checking login status: ") and "nested too deep" in line


def test_keyring_store_through_the_cli(
    cli_env: dict[str, str], codex_home: Path, tmp_path: Path
) -> None:
    keyring_mode = ("-c", 'cli_auth_credentials_store="keyring"')
    result = run_codex(
        cli_env, codex_home, *keyring_mode, "login", "--with-api-key", stdin="sk-kr-1234567890abc\n"
    )
    assert result.returncode == 0, result.stderr
    assert not (codex_home / "auth.json").exists()
    # keyrings.alt's file: section = service, option = account, value = base64 of the secret.
    stored = configparser.RawConfigParser()
    stored.read(tmp_path / "xdg-data" / "python_keyring" / "keyring_pass.cfg")
    assert stored.sections() == ["Codex_20Auth"]  # "Codex Auth", escaped by keyrings.alt
    (option,) = stored.options("Codex_20Auth")
    digest = hashlib.sha256(str(codex_home.resolve()).encode()).hexdigest()[:16]
    assert option == f"cli_7c{digest}"  # "cli|<digest>", "|" escaped as _7c
    secret = base64.b64decode(stored.get("Codex_20Auth", option)).decode()
    assert json.loads(secret) == {"auth_mode": "apikey", "OPENAI_API_KEY": "sk-kr-1234567890abc"}
    status = run_codex(cli_env, codex_home, *keyring_mode, "login", "status")
    assert status.returncode == 0 and "sk-kr-12***90abc" in status.stderr
    # The file store does not see keyring credentials.
    assert run_codex(cli_env, codex_home, "login", "status").returncode == 1
    out = run_codex(cli_env, codex_home, *keyring_mode, "logout")
    assert out.stderr == "Successfully logged out\n"
    assert run_codex(cli_env, codex_home, *keyring_mode, "login", "status").returncode == 1


def test_auto_store_falls_back_to_file_without_a_keyring(
    cli_env: dict[str, str], codex_home: Path
) -> None:
    env = {**cli_env, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    auto = ("-c", 'cli_auth_credentials_store="auto"')
    result = run_codex(
        env, codex_home, *auto, "login", "--with-api-key", stdin="sk-auto-123456789\n"
    )
    assert result.returncode == 0
    assert mode_of(codex_home / "auth.json") == 0o600
    strict = run_codex(
        env, codex_home, "-c", 'cli_auth_credentials_store="keyring"', "login", "status"
    )
    assert strict.returncode == 1 and "no keyring backend" in strict.stderr


def test_loose_permissions_are_reported_and_fixed_on_next_save(
    cli_env: dict[str, str], codex_home: Path, issuer: MockIssuer
) -> None:
    path = codex_home / "auth.json"
    path.write_text(json.dumps(issuer.auth_json(ttl=-60)))
    path.chmod(0o644)
    status = run_codex(cli_env, codex_home, "login", "status")
    assert status.returncode == 0
    assert f"warning: {path} is accessible by other users (mode 644)" in status.stderr
    from codex.auth.manager import AuthManager

    AuthManager(codex_home).bearer_sync()  # the expired token is refreshed and saved
    assert mode_of(path) == 0o600


def _browser_env(cli_env: dict[str, str], tmp_path: Path) -> tuple[dict[str, str], Path]:
    marker = tmp_path / "browser.log"
    sim = Path(__file__).with_name("browser_sim.py")
    # webbrowser runs $BROWSER as one executable path (no argument splitting): wrap the command.
    launcher = tmp_path / "browser"
    launcher.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{sim}" "$@"\n')
    launcher.chmod(0o755)
    env = {**cli_env, "BROWSER": str(launcher), "BROWSER_SIM_LOG": str(marker)}
    return env, marker


def test_browser_is_opened_when_a_display_exists(
    cli_env: dict[str, str], codex_home: Path, issuer: MockIssuer, tmp_path: Path
) -> None:
    env, marker = _browser_env(cli_env, tmp_path)
    env["DISPLAY"] = ":0"
    login = start_login(env, codex_home, issuer)
    code, _out, err = login.finish()  # the "browser" completes the flow on its own
    assert code == 0, err
    assert marker.read_text().strip() == login.url
    assert (codex_home / "auth.json").exists()


@pytest.mark.parametrize("display", [None, ":0"])
def test_no_browser_without_display_or_when_told_not_to(
    cli_env: dict[str, str],
    codex_home: Path,
    issuer: MockIssuer,
    tmp_path: Path,
    display: str | None,
) -> None:
    env, marker = _browser_env(cli_env, tmp_path)
    extra: tuple[str, ...] = ()
    if display is not None:
        env["DISPLAY"] = display
        extra = ("--no-browser",)
    login = start_login(env, codex_home, issuer, *extra)
    page = browse(browse(browse(login.url).headers["location"]).headers["location"])
    assert page.status_code == 200
    assert login.finish()[0] == 0
    assert not marker.exists()  # the URL was only printed
