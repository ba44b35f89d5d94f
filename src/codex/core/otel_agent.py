"""The OpenTelemetry export process: `python -m codex.core.otel_agent`, spawned by codex.core.otel.

Why a process of its own: the opentelemetry SDK and its OTLP exporters take ~0.3-0.6 s to import
(protobuf, requests, grpc), several times a whole `codex exec` turn. Here they load beside the
session instead of in front of it, and the batches are flushed after the session's process has
exited, so turning `[otel]` on costs a turn almost nothing. Input: one JSON object per line on
stdin (the first is the configuration, see codex.core.otel); at end of input every open span is
ended and both providers are flushed and shut down.
"""

from __future__ import annotations

import base64
import contextlib
import os
import sys
import threading
from typing import Any

import orjson

# Seconds the process may spend flushing after the session ends. The SDK's exporters give up
# after their own timeouts (~15 s against a collector that never answers, with the defaults),
# but OTEL_EXPORTER_OTLP_TIMEOUT and friends can raise those without limit: this one cannot.
FLUSH_DEADLINE = 30.0


def _exporters(kind: str, spec: dict[str, Any]) -> Any:
    """An OTLP exporter for `kind` ("traces" or "logs") from `{"otlp-http"|"otlp-grpc": {...}}`."""
    (transport, cfg), *_ = spec.items()
    headers = dict(cfg.get("headers") or {})
    tls = cfg.get("tls") or {}
    endpoint = cfg["endpoint"]
    if transport == "otlp-grpc":
        credentials = _grpc_credentials(tls)
        secure = {
            "endpoint": endpoint,
            "headers": headers,
            "credentials": credentials,
            # Plain text only to an http:// endpoint with no [tls] table, as upstream.
            "insecure": credentials is None and endpoint.startswith("http://"),
        }
        if kind == "traces":
            from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import (
                OTLPSpanExporter as GrpcSpans,
            )

            return GrpcSpans(**secure)
        from opentelemetry.exporter.otlp.proto.grpc._log_exporter import (
            OTLPLogExporter as GrpcLogs,
        )

        return GrpcLogs(**secure)
    if cfg.get("protocol") == "json":
        return _OtlpJson(kind, endpoint, headers, tls)
    options: dict[str, Any] = {
        "endpoint": endpoint,
        "headers": headers,
        "certificate_file": tls.get("ca-certificate"),
        "client_certificate_file": tls.get("client-certificate"),
        "client_key_file": tls.get("client-private-key"),
    }
    if kind == "traces":
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        return OTLPSpanExporter(**options)
    from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter

    return OTLPLogExporter(**options)


class _OtlpJson:
    """OTLP/HTTP with `protocol = "json"`: the SDK's exporters speak protobuf only, so a batch is
    encoded by the SDK's own OTLP encoder and posted in OTLP's JSON mapping (lowerCamelCase
    names, integer enums, trace and span ids in hex) as `application/json`."""

    def __init__(self, kind: str, endpoint: str, headers: dict[str, str], tls: dict[str, Any]):
        import requests

        if kind == "traces":
            from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
            from opentelemetry.sdk.trace.export import SpanExportResult

            self._encode: Any = encode_spans
            self._results: Any = SpanExportResult
        else:
            from opentelemetry.exporter.otlp.proto.common._log_encoder import encode_logs
            from opentelemetry.sdk._logs import export

            self._encode = encode_logs
            self._results = getattr(export, "LogRecordExportResult", None) or export.LogExportResult
        self._endpoint = endpoint
        self._session = requests.Session()
        self._session.headers.update({**headers, "Content-Type": "application/json"})
        if tls.get("ca-certificate"):
            self._session.verify = tls["ca-certificate"]
        cert, key = tls.get("client-certificate"), tls.get("client-private-key")
        if cert:
            self._session.cert = (str(cert), str(key)) if key else str(cert)

    def export(self, batch: Any) -> Any:
        import requests
        from google.protobuf.json_format import MessageToDict  # type: ignore[import-untyped]

        body = MessageToDict(self._encode(batch), use_integers_for_enums=True)
        _hex_ids(body)
        try:
            answer = self._session.post(self._endpoint, data=orjson.dumps(body), timeout=10)
        except requests.RequestException:
            return self._results.FAILURE
        return self._results.SUCCESS if answer.ok else self._results.FAILURE

    def force_flush(self, timeout_millis: int = 30_000) -> bool:
        return True  # nothing is held between exports

    def shutdown(self) -> None:
        self._session.close()


_ID_FIELDS = frozenset({"traceId", "spanId", "parentSpanId"})


def _hex_ids(node: Any) -> None:
    """OTLP/JSON spells ids in hex where protobuf's JSON mapping gives base64 (in place)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in _ID_FIELDS and isinstance(value, str):
                node[key] = base64.b64decode(value).hex()
            else:
                _hex_ids(value)
    elif isinstance(node, list):
        for value in node:
            _hex_ids(value)


def _grpc_credentials(tls: dict[str, Any]) -> Any:
    """gRPC channel credentials from an exporter's `[tls]` table (`ca-certificate`,
    `client-certificate`, `client-private-key`: PEM files), or None without one. The session
    checked the files are readable before starting this process (codex.core.otel)."""
    if not tls:
        return None
    import grpc  # type: ignore[import-untyped]

    def pem(key: str) -> bytes | None:
        path = tls.get(key)
        if not path:
            return None
        with open(path, "rb") as file:
            return file.read()

    return grpc.ssl_channel_credentials(
        root_certificates=pem("ca-certificate"),
        private_key=pem("client-private-key"),
        certificate_chain=pem("client-certificate"),
    )


def _lines(stream: Any) -> Any:
    """The input's lines, read by a thread from the start: the session's pipe is emptied while
    the SDK is still importing, so the session never waits on a full pipe at its exit."""
    import queue

    lines: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()

    def pump() -> None:
        try:
            for line in stream:
                lines.put(line)
        finally:
            lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    while (line := lines.get()) is not None:
        yield line


def run(stream: Any) -> None:
    stream = _lines(stream)
    init = orjson.loads(next(stream, b"{}") or b"{}")
    from opentelemetry import trace
    from opentelemetry._logs import LogRecord
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.trace import Status, StatusCode

    resource = Resource.create(init.get("resource") or {})
    tracer = logger = None
    providers: list[Any] = []
    if init.get("traces"):
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor

        tracer_provider = TracerProvider(resource=resource)
        tracer_provider.add_span_processor(BatchSpanProcessor(_exporters("traces", init["traces"])))
        tracer = tracer_provider.get_tracer("codex-py")
        providers.append(tracer_provider)
    if init.get("logs"):
        from opentelemetry.sdk._logs import LoggerProvider
        from opentelemetry.sdk._logs.export import BatchLogRecordProcessor

        logger_provider = LoggerProvider(resource=resource)
        logger_provider.add_log_record_processor(
            BatchLogRecordProcessor(_exporters("logs", init["logs"]))
        )
        logger = logger_provider.get_logger("codex-py")
        providers.append(logger_provider)

    spans: dict[int, Any] = {}
    for line in stream:
        try:
            msg = orjson.loads(line)
        except orjson.JSONDecodeError:
            continue
        kind = msg.get("k")
        if kind == "start" and tracer is not None:
            parent = spans.get(msg.get("p") or 0)
            context = trace.set_span_in_context(parent) if parent is not None else None
            spans[msg["i"]] = tracer.start_span(
                msg["n"], context=context, start_time=msg["t"], attributes=msg.get("a")
            )
        elif kind == "end":
            span = spans.pop(msg["i"], None)
            if span is None:
                continue
            if msg.get("a"):
                span.set_attributes(msg["a"])
            if msg.get("e"):
                span.set_status(Status(StatusCode.ERROR, msg["e"]))
            span.end(end_time=msg["t"])
        elif kind == "log" and logger is not None:
            parent = spans.get(msg.get("p") or 0)
            logger.emit(
                LogRecord(
                    timestamp=msg["t"],
                    context=trace.set_span_in_context(parent) if parent is not None else None,
                    body=msg["a"].get("event.name"),
                    event_name=msg["a"].get("event.name"),
                    attributes=msg["a"],
                )
            )
    watchdog = threading.Timer(FLUSH_DEADLINE, os._exit, args=(0,))
    watchdog.daemon = True  # a finished flush exits at once
    watchdog.start()
    for span in spans.values():  # the session ended without closing them (a crash)
        span.end()
    for provider in providers:
        provider.shutdown()  # flushes the batches


if __name__ == "__main__":
    # Below the session in the scheduler: the SDK's import (~0.5 s of CPU) runs beside the
    # turn, and on a busy machine it must take the spare cycles, not the turn's.
    with contextlib.suppress(OSError):
        os.nice(10)
    run(sys.stdin.buffer)
