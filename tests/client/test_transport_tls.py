"""The shared client's TLS context reads its CA bundle lazily, yet verifies every handshake.

A real HTTPS server on 127.0.0.1 with a self-signed certificate (made by the openssl CLI): trusted
through SSL_CERT_FILE it answers; with the default (certifi) bundle the handshake is refused.
"""

from __future__ import annotations

import asyncio
import shutil
import ssl
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import httpx
import pytest
from tests.support.tls_server import serve_tls

from codex.client.transport import LazyTrustContext, new_client

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl CLI")


class _Hello(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"hello over tls"
        self.send_response(200)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    with serve_tls(tmp_path, _Hello) as (port, cert):
        yield f"https://127.0.0.1:{port}/", cert


async def _get(url: str) -> httpx.Response:
    async with new_client() as client:
        return await client.get(url)


def test_no_ca_bundle_is_read_before_a_handshake() -> None:
    context = LazyTrustContext()
    assert context.cert_store_stats()["x509_ca"] == 0
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname


def test_ssl_cert_file_trusts_the_server(
    tls_server: tuple[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, cert = tls_server
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    response = asyncio.run(_get(url))
    assert response.status_code == 200
    assert response.text == "hello over tls"


def test_default_bundle_rejects_a_self_signed_server(
    tls_server: tuple[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, _cert = tls_server
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
        asyncio.run(_get(url))
