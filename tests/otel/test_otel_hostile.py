"""`[otel]` against a hostile work tree, a collector that never answers, a stalled export process
and secrets cut in half: the session is never held, the export process never outlives a bound,
nothing from the work tree runs in it, and no byte of a credential is exported."""

from __future__ import annotations

import os
import select
import signal
import socket
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from tests.exec.harness import codex_env, write_config
from tests.otel.test_otel_export import Receiver, attrs
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import FunctionCall, Message, Turn

pytest.importorskip("opentelemetry.proto", reason="needs opentelemetry-proto (the test extra)")
pytest.importorskip("opentelemetry.sdk", reason="needs opentelemetry-sdk (the otel extra)")


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.server.shutdown()
    r.server.server_close()


def exec_turn(home: Path, work: Path, *, env: dict[str, str] | None = None) -> None:
    """One `codex exec` turn, started as the installed `codex` script is (no cwd on sys.path)."""
    proc = subprocess.run(
        [sys.executable, "-P", "-m", "codex", "exec", "--skip-git-repo-check",
         "--sandbox", "workspace-write", "run it"],
        cwd=work, env=codex_env(home, env), input=b"", capture_output=True, timeout=120,
        check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")
    assert b"Traceback" not in proc.stderr


def agents(marker: str) -> list[int]:
    """Export processes started by a session whose environment holds `marker`."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
            environ = Path(f"/proc/{entry}/environ").read_bytes()
        except OSError:
            continue
        if b"codex.core.otel_agent" in cmdline and marker.encode() in environ:
            found.append(int(entry))
    return found


def test_the_export_process_never_imports_from_the_work_tree(
    mock_model_server: MockModelServer, receiver: Receiver, tmp_path: Path
) -> None:
    home, work = tmp_path / "home", tmp_path / "work"
    work.mkdir()
    ran = tmp_path / "planted-module-ran"
    # What a model (or a cloned repository) can leave in the work tree.
    (work / "orjson.py").write_text(f"open({str(ran)!r}, 'w').close()\nraise SystemExit(3)\n")
    write_config(
        home,
        mock_model_server.base_url,
        f'[otel]\ntrace_exporter = {{ otlp-http = {{ endpoint = "{receiver.url}/v1/traces" }} }}\n',
    )
    mock_model_server.enqueue(Turn([Message("done")]))
    exec_turn(home, work)
    receiver.wait_for(lambda: "codex.session" in receiver.names() or ran.exists())
    assert not ran.exists()  # the unsandboxed export process ran the planted module


def test_the_collectors_authorization_header_reaches_it(
    mock_model_server: MockModelServer, receiver: Receiver, tmp_path: Path
) -> None:
    home, work = tmp_path / "home", tmp_path / "work"
    work.mkdir()
    token = "collector-" + "T" * 24
    write_config(
        home,
        mock_model_server.base_url,
        f"""[otel.exporter.otlp-http]
endpoint = "{receiver.url}/v1/logs"
headers = {{ "authorization" = "Bearer {token}" }}
""",
    )
    mock_model_server.enqueue(Turn([Message("done")]))
    exec_turn(home, work)
    receiver.wait_for(lambda: bool(receiver.headers))
    # Was "Bearer [REDACTED]": the redactor meant for exported values scrubbed the config.
    assert receiver.headers[0].get("authorization") == f"Bearer {token}"
    assert all(token.encode() not in body for body in receiver.raw)


def test_a_secret_cut_by_the_output_limit_leaves_no_prefix(
    mock_model_server: MockModelServer, receiver: Receiver, tmp_path: Path
) -> None:
    home, work = tmp_path / "home", tmp_path / "work"
    work.mkdir()
    key = "live" + uuid.uuid4().hex + uuid.uuid4().hex  # the session's key, not of a known shape
    (work / "out.txt").write_text("x" * 3970 + key + "\n")  # the cut falls inside the key
    write_config(
        home,
        mock_model_server.base_url,
        f'[otel.exporter.otlp-http]\nendpoint = "{receiver.url}/v1/logs"\n',
    )
    mock_model_server.enqueue(
        Turn([FunctionCall("c1", "exec_command", {"cmd": "cat out.txt", "login": False})]),
        Turn([Message("done")]),
    )
    exec_turn(home, work, env={"OPENAI_API_KEY": key})
    receiver.wait_for(lambda: "codex.tool_result" in receiver.events())
    result = next(attrs(r) for r in receiver.logs if attrs(r)["event.name"] == "codex.tool_result")
    start = result["output"].index("x" * 3970)  # after the tool's header
    assert start + 3970 + 12 < 4096 < start + 3970 + len(key)  # the cut is inside the key
    assert all(key[:12].encode() not in body for body in receiver.raw)


def test_the_export_process_ends_though_the_collector_never_answers(
    mock_model_server: MockModelServer, tmp_path: Path
) -> None:
    home, work = tmp_path / "home", tmp_path / "work"
    work.mkdir()
    silent = socket.socket()  # accepts connections (the kernel's backlog), never answers
    silent.bind(("127.0.0.1", 0))
    silent.listen(64)
    url = f"http://127.0.0.1:{silent.getsockname()[1]}"
    write_config(
        home,
        mock_model_server.base_url,
        f'[otel]\ntrace_exporter = {{ otlp-http = {{ endpoint = "{url}/v1/traces" }} }}\n'
        f'[otel.exporter.otlp-http]\nendpoint = "{url}/v1/logs"\n',
    )
    marker = "CODEX_TEST_MARK_" + uuid.uuid4().hex
    mock_model_server.enqueue(Turn([Message("done")]))
    # The SDK's own timeouts raised to an hour: only the process's own bound ends it.
    exec_turn(home, work, env={marker: "1", "OTEL_EXPORTER_OTLP_TIMEOUT": "3600000"})
    pids = agents(marker)
    assert len(pids) == 1  # still flushing into the silent collector after the CLI exited
    fd = os.pidfd_open(pids[0])
    try:
        ready, _, _ = select.select([fd], [], [], 120)
        if not ready:
            os.kill(pids[0], signal.SIGKILL)
        assert ready, "the export process outlived its flush deadline"
    finally:
        os.close(fd)
        silent.close()


def test_a_stalled_export_process_never_holds_the_session(tmp_path: Path) -> None:
    from codex.core.otel import Telemetry

    otel = SimpleNamespace(log_user_prompt=False, environment="dev")
    config = SimpleNamespace(
        otel=otel, model_provider="mock", model_reasoning_effort=None, model_context_window=0,
        approval_policy="never", sandbox_mode=None, mcp_servers={}, profile=None,
    )  # fmt: skip
    logs = {"otlp-http": {"endpoint": "http://127.0.0.1:9/v1/logs"}}
    telemetry = Telemetry(config, logs, None, "conv", "codex_exec", "model")
    telemetry._start()  # as at the end of the first turn
    agent = telemetry._proc
    assert agent is not None
    os.kill(agent.pid, signal.SIGSTOP)  # stopped: it reads nothing more
    try:
        for i in range(3000):  # far more than a pipe holds (64 KiB)
            telemetry.event("codex.sse_event", {"i": i, "payload": "p" * 200})
        closer = threading.Thread(target=telemetry.close, daemon=True)
        closer.start()
        closer.join(60)
        assert not closer.is_alive(), "close() blocked on the stopped export process"
    finally:
        os.kill(agent.pid, signal.SIGKILL)
        os.kill(agent.pid, signal.SIGCONT)
        agent.wait()


def test_a_bad_endpoint_never_fails_the_turn(
    mock_model_server: MockModelServer, tmp_path: Path
) -> None:
    home, work = tmp_path / "home", tmp_path / "work"
    work.mkdir()
    write_config(
        home,
        mock_model_server.base_url,
        '[otel]\ntrace_exporter = { otlp-grpc = { endpoint = "not a url::" } }\n'
        '[otel.exporter.otlp-http]\nendpoint = "http://[::1"\n',
    )
    mock_model_server.enqueue(Turn([Message("done")]))
    exec_turn(home, work)


def test_the_otlp_grpc_exporters_deliver_a_turn(
    mock_model_server: MockModelServer, tmp_path: Path
) -> None:
    grpc = pytest.importorskip("grpc", reason="needs grpcio (the otel extra's gRPC exporter)")
    from concurrent import futures

    from opentelemetry.proto.collector.logs.v1 import logs_service_pb2, logs_service_pb2_grpc
    from opentelemetry.proto.collector.trace.v1 import trace_service_pb2, trace_service_pb2_grpc

    seen: dict[str, Any] = {"spans": [], "events": [], "auth": []}
    changed = threading.Condition()

    class Traces(trace_service_pb2_grpc.TraceServiceServicer):  # type: ignore[misc]
        def Export(self, request: Any, context: Any) -> Any:
            with changed:
                seen["auth"].append(dict(context.invocation_metadata()).get("x-collector"))
                for rs in request.resource_spans:
                    for ss in rs.scope_spans:
                        seen["spans"].extend(s.name for s in ss.spans)
                changed.notify_all()
            return trace_service_pb2.ExportTraceServiceResponse()

    class Logs(logs_service_pb2_grpc.LogsServiceServicer):  # type: ignore[misc]
        def Export(self, request: Any, context: Any) -> Any:
            with changed:
                for rl in request.resource_logs:
                    for sl in rl.scope_logs:
                        seen["events"].extend(r.event_name for r in sl.log_records)
                changed.notify_all()
            return logs_service_pb2.ExportLogsServiceResponse()

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    trace_service_pb2_grpc.add_TraceServiceServicer_to_server(Traces(), server)
    logs_service_pb2_grpc.add_LogsServiceServicer_to_server(Logs(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        home, work = tmp_path / "home", tmp_path / "work"
        work.mkdir()
        url = f"http://127.0.0.1:{port}"
        grpc_table = (
            f'{{ otlp-grpc = {{ endpoint = "{url}", headers = {{ "x-collector" = "k" }} }} }}'
        )
        write_config(
            home,
            mock_model_server.base_url,
            f"[otel]\ntrace_exporter = {grpc_table}\nexporter = {grpc_table}\n",
        )
        mock_model_server.enqueue(Turn([Message("done")]))
        exec_turn(home, work)
        with changed:
            assert changed.wait_for(
                lambda: (
                    "session_task.turn" in seen["spans"] and "codex.user_prompt" in seen["events"]
                ),
                timeout=60,
            ), seen
        assert "codex.session" in seen["spans"] and seen["auth"][0] == "k"
    finally:
        server.stop(0)
