"""The lean client over TLS: a real HTTPS server on 127.0.0.1 with a self-signed certificate
(made by the openssl CLI). Trusted through SSL_CERT_FILE (as httpx honours it) the model request
goes through; with the default bundle the handshake is refused with httpx's very message."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from tests.client._raw_server import SSE
from tests.client.conftest import CONVERSATION_ID, stream_all
from tests.support.tls_server import serve_tls

from codex.client import ModelClient, ModelProvider, OutputItemDone, RetryPolicy
from codex.client.transport import new_client

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl CLI")


class _SSE(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["content-length"]))
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("content-length", str(len(SSE)))
        self.end_headers()
        self.wfile.write(SSE)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    with serve_tls(tmp_path, _SSE) as (port, cert):
        yield f"https://127.0.0.1:{port}/v1", cert


def _client(base_url: str, http: object = None) -> ModelClient:
    table = {"name": "tls", "base_url": base_url, "wire_api": "responses", "env_key": "K"}
    table.update(request_max_retries=0, stream_max_retries=0)
    return ModelClient(
        ModelProvider.from_mapping("tls", table),
        "gpt-5.5",
        conversation_id=CONVERSATION_ID,
        originator="codex_exec",
        retry=RetryPolicy(jitter=lambda: 1.0),
        env={"K": "sk"},
        http=http,
    )


def test_ssl_cert_file_trusts_the_server(
    tls_server: tuple[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, cert = tls_server
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    out = stream_all(_client(url))
    assert out.error is None
    assert len(out.of(OutputItemDone)) == 1


def test_ssl_cert_dir_trusts_the_server(
    tls_server: tuple[str, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    url, cert = tls_server
    certs = tmp_path / "certs"
    certs.mkdir()
    shutil.copy(cert, certs / "local.pem")
    if shutil.which("c_rehash") is None and shutil.which("openssl") is None:
        pytest.skip("needs openssl rehash")
    subprocess.run(["openssl", "rehash", str(certs)], check=True, capture_output=True)
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.setenv("SSL_CERT_DIR", str(certs))
    out = stream_all(_client(url))
    assert out.error is None


def test_untrusted_certificate_fails_as_with_httpx(
    tls_server: tuple[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, _ = tls_server
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    lean = stream_all(_client(url))
    httpx = stream_all(_client(url, http=new_client()))
    assert lean.error is not None and httpx.error is not None
    port = re.compile(r"127\.0\.0\.1:\d+")
    assert port.sub("", str(lean.error)) == port.sub("", str(httpx.error))
    assert "CERTIFICATE_VERIFY_FAILED" in str(lean.error)
    assert lean.error.codex_error_info == httpx.error.codex_error_info
