"""An exporter's `[tls]` table as 0.169 reads it: the otlp-grpc exporter verifies the collector
with `ca-certificate` (a gRPC receiver on 127.0.0.1 with a certificate made for the test), and a
`[tls]` file that cannot be read is one error line while the turn runs without OpenTelemetry."""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import uuid
from pathlib import Path
from typing import Any

import pytest
from tests.exec.harness import codex_env, write_config
from tests.otel.test_otel_hostile import agents, exec_turn
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import Message, Turn

pytest.importorskip("opentelemetry.proto", reason="needs opentelemetry-proto (the test extra)")
pytest.importorskip("opentelemetry.sdk", reason="needs opentelemetry-sdk (the otel extra)")


def test_an_unreadable_tls_file_is_one_error_and_the_turn_runs_without_otel(
    mock_model_server: MockModelServer, tmp_path: Path
) -> None:
    home, work = tmp_path / "home", tmp_path / "work"
    work.mkdir()
    missing = tmp_path / "no-such-ca.pem"
    write_config(
        home,
        mock_model_server.base_url,
        "[otel.trace_exporter.otlp-http]\n"
        'endpoint = "http://127.0.0.1:9/v1/traces"\n'
        f'tls = {{ ca-certificate = "{missing}" }}\n',
    )
    mock_model_server.enqueue(Turn([Message("done")]))
    marker = uuid.uuid4().hex
    proc = subprocess.run(
        [sys.executable, "-m", "codex", "exec", "--skip-git-repo-check", "run it"],
        cwd=work, env=codex_env(home, {"OTEL_TEST_MARKER": marker}), input=b"",
        capture_output=True, timeout=120, check=False,
    )  # fmt: skip
    stderr = proc.stderr.decode()
    assert proc.returncode == 0, stderr
    expected = (
        f"Could not create otel exporter: failed to read {missing}: "
        "No such file or directory (os error 2)"
    )
    assert sum(expected in line for line in stderr.splitlines()) == 1, stderr
    assert agents(marker) == []  # no export process was started for it


def _certificate(tmp_path: Path) -> tuple[bytes, bytes]:
    """(key, certificate) PEM for 127.0.0.1, made by the openssl CLI."""
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl CLI to make the receiver's certificate")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    return key.read_bytes(), cert.read_bytes()


def test_otlp_grpc_verifies_the_collector_with_the_ca_certificate(
    mock_model_server: MockModelServer, tmp_path: Path
) -> None:
    grpc = pytest.importorskip("grpc", reason="needs grpcio (the otel extra's gRPC exporter)")
    from concurrent import futures

    from opentelemetry.proto.collector.trace.v1 import trace_service_pb2, trace_service_pb2_grpc

    key, cert = _certificate(tmp_path)
    spans: list[str] = []
    changed = threading.Condition()

    class Traces(trace_service_pb2_grpc.TraceServiceServicer):  # type: ignore[misc]
        def Export(self, request: Any, context: Any) -> Any:
            with changed:
                for rs in request.resource_spans:
                    for ss in rs.scope_spans:
                        spans.extend(s.name for s in ss.spans)
                changed.notify_all()
            return trace_service_pb2.ExportTraceServiceResponse()

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    trace_service_pb2_grpc.add_TraceServiceServicer_to_server(Traces(), server)
    port = server.add_secure_port("127.0.0.1:0", grpc.ssl_server_credentials([(key, cert)]))
    server.start()
    try:
        home, work = tmp_path / "home", tmp_path / "work"
        work.mkdir()
        ca = tmp_path / "ca.pem"
        ca.write_bytes(cert)
        write_config(
            home,
            mock_model_server.base_url,
            "[otel.trace_exporter.otlp-grpc]\n"
            f'endpoint = "https://127.0.0.1:{port}"\n'
            f'tls = {{ ca-certificate = "{ca}" }}\n',
        )
        mock_model_server.enqueue(Turn([Message("done")]))
        exec_turn(home, work)
        with changed:
            assert changed.wait_for(lambda: "codex.session" in spans, timeout=60), spans
    finally:
        server.stop(0)
