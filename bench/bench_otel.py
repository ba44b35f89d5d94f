"""What `[otel]` costs a `codex exec` turn: the one-turn wall with OpenTelemetry off and on.

Both runs use the loopback mock model server and a fresh CODEX_HOME each time; "on" exports the
spans and log events to an OTLP/HTTP sink on 127.0.0.1 (the export process flushes after the
CLI exits, so its work is not part of the wall the user waits for). Target: on / off < 1.10.

    .venv/bin/python bench/bench_otel.py [--runs 15]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.exec.harness import codex_env, write_config  # noqa: E402
from tests.support.mock_model_server import MockModelServer  # noqa: E402
from tests.support.model_stream import Message, Turn  # noqa: E402


class _Sink(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def one_turn(server: MockModelServer, extra: str) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp, "home")
        write_config(home, server.base_url, extra)
        server.enqueue(Turn([Message("done")]))
        argv = [sys.executable, "-m", "codex", "exec", "--skip-git-repo-check", "hello"]
        start = time.perf_counter()
        subprocess.run(argv, cwd=tmp, env=codex_env(home), capture_output=True, check=True)
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    sink = ThreadingHTTPServer(("127.0.0.1", 0), _Sink)
    threading.Thread(target=sink.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{sink.server_address[1]}"
    otel = (
        f'[otel]\nexporter = {{ otlp-http = {{ endpoint = "{url}/v1/logs" }} }}\n'
        f'trace_exporter = {{ otlp-http = {{ endpoint = "{url}/v1/traces" }} }}\n'
    )
    off: list[float] = []
    on: list[float] = []
    with MockModelServer() as server:
        one_turn(server, "")  # warm the bytecode caches
        for _ in range(args.runs):  # interleaved, so machine load hits both alike
            off.append(one_turn(server, ""))
            on.append(one_turn(server, otel))
    a, b = statistics.median(off), statistics.median(on)
    print("| codex exec, one turn | median wall |")
    print("|---|---|")
    print(f"| [otel] off | {a * 1000:.0f} ms |")
    print(f"| [otel] on (OTLP/HTTP to 127.0.0.1) | {b * 1000:.0f} ms |")
    print(f"| on / off | {b / a:.3f} (target < 1.10) |")
    sink.shutdown()


if __name__ == "__main__":
    main()
