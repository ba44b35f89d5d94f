"""`codex app-server` side by side with the official 0.169 server, in one run, on the same
loopback mock model server (each server its own fresh CODEX_HOME and scratch repo).

python bench/bench_app_server.py [--rounds N]

Phases (issue 16's targets in brackets):
  spawn → `initialize` response, fresh process each round       [ours ≤ 0.5× official]
  20 threads × one turn in one process, all in flight (turns/s), first in a fresh process
  (one-time imports included), then 20 more in the same, warm process; RSS at the end, and
  the server's CPU time for the fresh batch                      [≥ 3× turns/s, ≤ 100 MiB]
  `thread/list {}` with 200 threads on disk, in a fresh server: the first call, then the
  median of the next ones                                        [≤ 5 ms]
  one turn streaming 20,000 deltas: turn/start → turn/completed  [≤ 0.25× wall]
Medians; ratio = ours / official (< 1: ours is faster / leaner; for turns/s > 1 is better).

Fairness of the harness (the same for both servers):
- Before the timed phases each server runs one throwaway thread + turn in its home: what a
  server writes there on its very first start (ours: its installation id and day folders; the
  official: its own first-run files) is in place, as in any user's CODEX_HOME after the first
  run.
- The mock model server's listen backlog is raised from socketserver's 5 to 128: with 5, most
  of 20 simultaneous connects were dropped and retried after the kernel's 1 s SYN timeout, so
  the fresh batch measured TCP retransmission, for both servers alike.
- The 20,000-delta phase reads the server's stdout with a lean reader (bytes matched per line,
  no JSON decode or queue per message): the Python test client's ~15 µs per message would
  otherwise be most of what is measured.
The box is shared: run it when the load is low, repeat, and read the CPU rows beside the walls.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.app_server.rpc_client import RpcClient, ours_argv, scratch_env  # noqa: E402
from tests.support import mock_model_server  # noqa: E402
from tests.support.mock_config import write_mock_config  # noqa: E402
from tests.support.mock_model_server import MockModelServer, scenario  # noqa: E402
from tests.support.model_stream import Turn, repeated_deltas  # noqa: E402
from tests.support.official import official_binary  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
from harness import PYCACHE, prepare_bytecode  # noqa: E402

THREADS = 20
LISTED = 200
DELTAS = 20_000

# See the module docstring: 20 simultaneous connects must not overflow the mock's backlog.
mock_model_server._Server.request_queue_size = 128


def bytecode_env() -> dict[str, str]:
    """Ours runs from compiled bytecode, as an installed wheel does (harness.prepare_bytecode
    compiles it once into its pycache): never from source recompiled at every spawn, which a
    PYTHONDONTWRITEBYTECODE environment would otherwise cause."""
    return {"PYTHONPYCACHEPREFIX": str(PYCACHE), "PYTHONDONTWRITEBYTECODE": ""}


def cpu_s(pid: int) -> float:
    """User + system CPU seconds of a live process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mib(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of a live process, MiB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024
    return fields.get("VmRSS", 0.0), fields.get("VmHWM", 0.0)


class Side:
    def __init__(self, name: str, argv: list[str], mock: MockModelServer, scratch: Path) -> None:
        self.name = name
        self.argv = argv
        self.scratch = scratch / name
        self.home = write_mock_config(self.scratch / "home", mock.base_url)
        self.repo = self.scratch / "repo"
        self.repo.mkdir(parents=True, exist_ok=True)

    def spawn(self) -> RpcClient:
        return RpcClient(self.argv, scratch_env(self.home, bytecode_env()), self.repo)

    def initialize_ms(self) -> float:
        began = time.perf_counter()
        client = self.spawn()
        client.initialize("bench")
        elapsed = (time.perf_counter() - began) * 1000
        client.close()
        return elapsed

    def first_run(self) -> None:
        """One throwaway thread + turn: the home as it is after a first run (docstring)."""
        client = self.spawn()
        client.initialize("bench")
        thread_id = client.call(
            "thread/start",
            {"cwd": str(self.repo), "approvalPolicy": "never", "sandbox": "read-only"},
        )["thread"]["id"]
        client.turn(thread_id, "hi")
        client.close()

    def concurrent_turns(self) -> tuple[float, float, float, float]:
        """(wall s of N × (thread/start + turn) in a fresh process, the same again in the now
        warm process, VmRSS MiB, server CPU s of the fresh batch)."""
        client = self.spawn()
        client.initialize("bench")
        before = cpu_s(client.proc.pid)
        cold = self._batch(client)
        cpu = cpu_s(client.proc.pid) - before
        warm = self._batch(client)
        rss, _hwm = rss_mib(client.proc.pid)
        client.close()
        return cold, warm, rss, cpu

    def _batch(self, client: RpcClient) -> float:
        client.seen.clear()
        began = time.perf_counter()
        starts = [
            client.start(
                "thread/start",
                {"cwd": str(self.repo), "approvalPolicy": "never", "sandbox": "read-only"},
            )
            for _ in range(THREADS)
        ]
        pending = set(starts)
        done: set[str] = set()
        while len(done) < THREADS:  # responses may come in any order
            message = client.next()
            if message.get("id") in pending and "method" not in message:
                pending.discard(message["id"])
                thread_id = message["result"]["thread"]["id"]
                client.start(
                    "turn/start",
                    {"threadId": thread_id, "input": [{"type": "text", "text": "hi"}]},
                )
            elif message.get("method") == "turn/completed":
                done.add(message["params"]["threadId"])
        return time.perf_counter() - began

    def list_ms(self, rounds: int) -> tuple[float, float]:
        """(the first `thread/list` of a fresh server, the median of the next `rounds`), ms."""
        client = self.spawn()
        client.initialize("bench")
        samples = []
        for _ in range(rounds + 1):
            began = time.perf_counter()
            result = client.call("thread/list", {})
            samples.append((time.perf_counter() - began) * 1000)
            assert len(result["data"]) == 25, len(result["data"])
        client.close()
        return samples[0], statistics.median(samples[1:])

    def stream_s(self) -> tuple[float, float]:
        """(wall s of turn/start → turn/completed of a 20,000-delta turn, server CPU s)."""
        env = scratch_env(self.home, bytecode_env())
        proc = subprocess.Popen(
            self.argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            cwd=self.repo,
        )
        assert proc.stdin is not None and proc.stdout is not None
        lines = iter(proc.stdout)

        def send(message: str) -> None:
            proc.stdin.write(message.encode() + b"\n")  # type: ignore[union-attr]
            proc.stdin.flush()  # type: ignore[union-attr]

        def until(prefix: bytes) -> bytes:
            for line in lines:
                if line.startswith(prefix):
                    return line
            raise EOFError("the server closed stdout")

        send(
            '{"id":1,"method":"initialize","params":{"clientInfo":{"name":"bench","version":"1"}}}'
        )
        until(b'{"id":1,')
        send('{"method":"initialized"}')
        params = {"cwd": str(self.repo), "approvalPolicy": "never", "sandbox": "read-only"}
        send(json.dumps({"id": 2, "method": "thread/start", "params": params}))
        thread_id = json.loads(until(b'{"id":2,'))["result"]["thread"]["id"]
        before = cpu_s(proc.pid)
        began = time.perf_counter()
        send(
            f'{{"id":3,"method":"turn/start","params":{{"threadId":"{thread_id}",'
            '"input":[{"type":"text","text":"stream"}]}}'
        )
        deltas = 0
        for line in lines:
            if b'"item/agentMessage/delta"' in line:
                deltas += 1
            elif b'"turn/completed"' in line:
                break
        wall = time.perf_counter() - began
        cpu = cpu_s(proc.pid) - before
        assert deltas >= DELTAS, deltas
        proc.stdin.close()
        proc.wait(timeout=60)
        return wall, cpu


def create_threads(side: Side, mock: MockModelServer, n: int) -> None:
    """`n` real recorded threads (one hello turn each), made by `side`'s own server."""
    client = side.spawn()
    client.initialize("bench")
    for _ in range(n // THREADS):
        ids = [
            client.call("thread/start", {"cwd": str(side.repo), "approvalPolicy": "never"})[
                "thread"
            ]["id"]
            for _ in range(THREADS)
        ]
        for thread_id in ids:
            client.start(
                "turn/start", {"threadId": thread_id, "input": [{"type": "text", "text": "x"}]}
            )
        done = 0
        while done < len(ids):
            if client.next().get("method") == "turn/completed":
                done += 1
    client.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    binary = official_binary()
    prepare_bytecode()
    with tempfile.TemporaryDirectory() as tmp, MockModelServer() as mock:
        mock.repeat(scenario("message"))
        sides = [Side("ours", ours_argv(), mock, Path(tmp))]
        if binary is not None:
            sides.append(Side("official", [str(binary), "app-server"], mock, Path(tmp)))
        else:
            print("official binary not found: ours only", file=sys.stderr)
        rows: dict[str, dict[str, float]] = {side.name: {} for side in sides}
        for side in sides:
            side.initialize_ms()  # warm the page cache / bytecode
        for _ in range(args.rounds):
            for side in sides:
                rows[side.name].setdefault("init", []).append(side.initialize_ms())  # type: ignore[attr-defined]
        for side in sides:
            rows[side.name]["init"] = statistics.median(rows[side.name]["init"])  # type: ignore[arg-type]
        for side in sides:
            side.first_run()
        rounds = max(1, args.rounds // 2)
        for _ in range(rounds):  # the sides alternate, so both see the same load swings
            for side in sides:
                row = rows[side.name]
                cold, warm, rss, cpu = side.concurrent_turns()
                for key, value in (("turns", cold), ("warm", warm), ("rss", rss), ("cpu", cpu)):
                    row.setdefault(key, []).append(value)  # type: ignore[attr-defined]
        for side in sides:
            row = rows[side.name]
            row["turns_s"] = THREADS / statistics.median(row.pop("turns"))  # type: ignore[arg-type]
            row["turns_s_warm"] = THREADS / statistics.median(row.pop("warm"))  # type: ignore[arg-type]
            row["rss"] = statistics.median(row["rss"])  # type: ignore[arg-type]
            row["turns_cpu"] = statistics.median(row.pop("cpu"))  # type: ignore[arg-type]
        for side in sides:
            create_threads(side, mock, LISTED)
            rows[side.name]["list_first_ms"], rows[side.name]["list_ms"] = side.list_ms(10)
        mock.repeat(Turn([repeated_deltas(DELTAS)]))
        streams: dict[str, list[tuple[float, float]]] = {side.name: [] for side in sides}
        for _ in range(rounds):
            for side in sides:
                streams[side.name].append(side.stream_s())
        for side in sides:
            rows[side.name]["stream_s"] = statistics.median(w for w, _ in streams[side.name])
            rows[side.name]["stream_cpu"] = statistics.median(c for _, c in streams[side.name])
    metrics = (
        ("init", "spawn → initialize (ms)"),
        ("turns_s", f"{THREADS} thr × 1 turn, fresh (turns/s)"),
        ("turns_cpu", "  its server CPU (s)"),
        ("turns_s_warm", f"{THREADS} more, same process (turns/s)"),
        ("rss", f"RSS after {2 * THREADS} threads (MiB)"),
        ("list_first_ms", f"thread/list, {LISTED} thr, 1st call (ms)"),
        ("list_ms", f"thread/list, {LISTED} thr, next 10 (ms)"),
        ("stream_s", f"{DELTAS:,}-delta turn (s)"),
        ("stream_cpu", "  the turn's server CPU (s)"),
    )
    print(f"{'metric':<38}{'ours':>10}{'official':>10}{'ratio':>8}")
    for key, label in metrics:
        ours = rows["ours"][key]
        theirs = rows.get("official", {}).get(key)
        ratio = f"{ours / theirs:.2f}" if theirs else "-"
        theirs_text = f"{theirs:.2f}" if theirs is not None else "-"
        print(f"{label:<38}{ours:>10.2f}{theirs_text:>10}{ratio:>8}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
