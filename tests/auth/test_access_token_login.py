"""`codex login --with-access-token` (new in 0.169): the token from stdin is an agent identity
JWT, checked against the JWKS (`$CODEX_AGENT_IDENTITY_JWKS_BASE_URL/agent-identities/jwks`, else
`<chatgpt_base_url>/wham/agent-identities/jwks`) and saved to auth.json (0600) as
`{"auth_mode": "agentIdentity", "OPENAI_API_KEY": null, "agent_identity": <JWT>}`; `login status`
says "Logged in using access token". Every refusal is 0.169's line and exit 1, and the token
appears in no output and no log. A real JWKS server on 127.0.0.1 signs with a real Ed25519 key;
where the official binary is installed, the failure cases run there too and must agree."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from tests.support.official import official_binary

ed25519 = pytest.importorskip("cryptography.hazmat.primitives.asymmetric.ed25519")
serialization = pytest.importorskip("cryptography.hazmat.primitives.serialization")

OFFICIAL = official_binary()
OURS = [sys.executable, "-m", "codex"]
IMPLEMENTATIONS = [
    pytest.param(OURS, id="ours"),
    pytest.param(
        [str(OFFICIAL)],
        id="official",
        marks=pytest.mark.skipif(OFFICIAL is None, reason="needs the official codex 0.169"),
    ),
]
PREFIX = "Error logging in with access token: "


def _b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


SIGNER = ed25519.Ed25519PrivateKey.from_private_bytes(bytes([9] * 32))
OTHER = ed25519.Ed25519PrivateKey.from_private_bytes(bytes([5] * 32))


def _jwk(key: object, kid: str) -> dict[str, str]:
    raw = key.public_key().public_bytes(  # type: ignore[attr-defined]
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return {"kty": "OKP", "crv": "Ed25519", "x": _b64u(raw), "kid": kid, "alg": "EdDSA"}


def make_token(signer: object = SIGNER, kid: str | None = "k1", **claims: object) -> str:
    agent_key = ed25519.Ed25519PrivateKey.from_private_bytes(bytes([7] * 32))
    pkcs8 = agent_key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    body: dict[str, object] = {
        "agent_runtime_id": "agent-123",
        "agent_private_key": base64.b64encode(pkcs8).decode(),
        "account_id": "acct-1",
        "chatgpt_user_id": "user-1",
        "email": "dev@example.com",
        "plan_type": "plus",
        "chatgpt_account_is_fedramp": False,
        "iss": "https://chatgpt.com/codex-backend/agent-identity",
        "aud": "codex",
        "iat": 1_700_000_000,
        "exp": 4_000_000_000,
    }
    body.update(claims)
    header = {"alg": "EdDSA", "typ": "JWT", **({"kid": kid} if kid else {})}
    signed = f"{_b64u(json.dumps(header).encode())}.{_b64u(json.dumps(body).encode())}"
    return f"{signed}.{_b64u(signer.sign(signed.encode()))}"  # type: ignore[attr-defined]


class Jwks:
    """A JWKS endpoint on 127.0.0.1 recording the paths it was asked for."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        keys = {"keys": [_jwk(SIGNER, "k1")]}
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.paths.append(self.path)
                body = json.dumps(keys).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def jwks() -> Iterator[Jwks]:
    server = Jwks()
    yield server
    server.server.shutdown()
    server.server.server_close()


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "codex-home"
    path.mkdir(mode=0o700)
    return path


def login(
    argv: list[str], home: Path, stdin: str, jwks_base: str | None, *args: str
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CODEX_", "OPENAI_"))}
    env.update(CODEX_HOME=str(home), HOME=str(home.parent))
    if jwks_base is not None:
        env["CODEX_AGENT_IDENTITY_JWKS_BASE_URL"] = jwks_base
    return subprocess.run(
        [*argv, *args, "login", "--with-access-token"],
        input=stdin,
        env=env,
        cwd=home.parent,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_login_saves_the_token_0600_and_status_reports_it(jwks: Jwks, home: Path) -> None:
    token = make_token()
    proc = login(OURS, home, token + "\n", jwks.url)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.splitlines() == [
        "Reading access token from stdin...",
        "Successfully logged in",
    ]
    assert jwks.paths == ["/agent-identities/jwks"]
    auth = home / "auth.json"
    assert auth.stat().st_mode & 0o777 == 0o600
    assert json.loads(auth.read_text()) == {
        "auth_mode": "agentIdentity",
        "OPENAI_API_KEY": None,
        "agent_identity": token,
    }
    env = {k: v for k, v in os.environ.items() if not k.startswith("CODEX_")}
    status = subprocess.run(
        [*OURS, "--config-home", str(home), "login", "status"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (status.returncode, status.stderr) == (0, "Logged in using access token\n")
    # The secret is nowhere but auth.json: not in any output, not in the login log.
    logs = "".join(p.read_text() for p in (home / "log").glob("*"))
    for text in (proc.stdout, proc.stderr, status.stdout, status.stderr, logs):
        assert token not in text and token.split(".")[1] not in text
    assert "starting access token login flow" in logs


def test_default_jwks_url_follows_chatgpt_base_url(jwks: Jwks, home: Path) -> None:
    """Without the env override the keys come from <chatgpt_base_url>/wham/agent-identities/jwks
    (the path 0.169 asks for)."""
    proc = login(
        OURS, home, make_token(), None, "-c", f'chatgpt_base_url="{jwks.url}/backend-api/"'
    )
    assert proc.returncode == 0, proc.stderr
    assert jwks.paths == ["/backend-api/wham/agent-identities/jwks"]


@pytest.mark.skipif(OFFICIAL is None, reason="needs the official codex 0.169")
def test_the_official_cli_asks_the_same_jwks_urls(jwks: Jwks, tmp_path: Path) -> None:
    for n, args in enumerate(([], ["-c", f'chatgpt_base_url="{jwks.url}/backend-api/"'])):
        home = tmp_path / f"h{n}"
        home.mkdir()
        login([str(OFFICIAL)], home, make_token(), None if args else jwks.url, *args)
    assert jwks.paths == ["/agent-identities/jwks", "/backend-api/wham/agent-identities/jwks"]


@pytest.mark.parametrize("argv", IMPLEMENTATIONS)
@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        pytest.param("", "No access token provided via stdin.", id="empty"),
        pytest.param(
            "not-a-jwt\n",
            PREFIX + "failed to decode agent identity JWT: invalid agent identity JWT format",
            id="not-a-jwt",
        ),
        pytest.param(
            "a..c\n",
            PREFIX + "failed to decode agent identity JWT: invalid agent identity JWT format",
            id="empty-part",
        ),
        pytest.param(
            "a.!!!.c\n",
            PREFIX + "failed to decode agent identity JWT: "
            "agent identity JWT payload is not valid base64url",
            id="bad-base64",
        ),
    ],
)
def test_malformed_input_is_refused_as_0169_does(
    argv: list[str], stdin: str, message: str, jwks: Jwks, home: Path
) -> None:
    proc = login(argv, home, stdin, jwks.url)
    assert proc.returncode == 1
    lines = [line for line in proc.stderr.splitlines() if "PATH aliases" not in line]
    assert lines[0] == "Reading access token from stdin..."
    assert lines[1].startswith(message), lines
    assert not (home / "auth.json").exists()
    assert jwks.paths == []


@pytest.mark.parametrize("argv", IMPLEMENTATIONS)
def test_unreachable_jwks_is_refused(argv: list[str], home: Path) -> None:
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}"
    proc = login(argv, home, make_token(), closed)
    assert proc.returncode == 1
    assert PREFIX + "failed to request agent identity JWKS" in proc.stderr
    assert not (home / "auth.json").exists()


@pytest.mark.parametrize(
    ("token", "message"),
    [
        pytest.param(
            make_token(signer=OTHER), "failed to verify agent identity JWT", id="wrong-key"
        ),
        pytest.param(make_token(kid=None), "does not include a kid", id="no-kid"),
        pytest.param(
            make_token(kid="other"), "failed to verify agent identity JWT", id="unknown-kid"
        ),
        pytest.param(make_token(exp=1_000), "the token has expired", id="expired"),
        pytest.param(
            make_token(chatgpt_account_is_fedramp="no"), "invalid credential JSON", id="bad-claim"
        ),
    ],
)
def test_tokens_that_do_not_verify_are_refused(
    token: str, message: str, jwks: Jwks, home: Path
) -> None:
    proc = login(OURS, home, token, jwks.url)
    assert proc.returncode == 1
    (error,) = [line for line in proc.stderr.splitlines() if line.startswith(PREFIX)]
    assert message in error
    assert token.split(".")[1] not in proc.stderr
    assert not (home / "auth.json").exists()


def test_forced_api_login_refuses_access_tokens(jwks: Jwks, home: Path) -> None:
    (home / "config.toml").write_text('forced_login_method = "api"\n')
    proc = login(OURS, home, make_token(), jwks.url)
    assert proc.returncode == 1
    assert "Access token login is disabled. Use API key login instead." in proc.stderr
    assert not (home / "auth.json").exists()
