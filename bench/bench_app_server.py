"""`codex app-server` side by side with the official 0.169 server, in one run, on the same
loopback mock model server (each server its own fresh CODEX_HOME and scratch repo).

python bench/bench_app_server.py [--rounds N]

Phases (issue 16's targets in brackets):
  spawn → `initialize` response, fresh process each round       [ours ≤ 0.5× official]
  20 threads × one turn in one process, all in flight (turns/s), first in a fresh process
  (one-time imports included), then 20 more in the same, warm process; RSS at the end
                                                                 [≥ 3× turns/s, ≤ 100 MiB]
  `thread/list {}` with 200 threads on disk, in a fresh server   [≤ 5 ms]
  one turn streaming 20,000 deltas: turn/start → turn/completed  [≤ 0.25× wall]
Medians; ratio = ours / official (< 1: ours is faster / leaner; for turns/s > 1 is better).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.app_server.rpc_client import RpcClient, ours_argv, scratch_env  # noqa: E402
from tests.support.mock_config import write_mock_config  # noqa: E402
from tests.support.mock_model_server import MockModelServer, scenario  # noqa: E402
from tests.support.model_stream import Turn, repeated_deltas  # noqa: E402
from tests.support.official import official_binary  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
from harness import PYCACHE, prepare_bytecode  # noqa: E402

THREADS = 20
LISTED = 200
DELTAS = 20_000


def bytecode_env() -> dict[str, str]:
    """Ours runs from compiled bytecode, as an installed wheel does (harness.prepare_bytecode
    compiles it once into its pycache): never from source recompiled at every spawn, which a
    PYTHONDONTWRITEBYTECODE environment would otherwise cause."""
    return {"PYTHONPYCACHEPREFIX": str(PYCACHE), "PYTHONDONTWRITEBYTECODE": ""}


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

    def concurrent_turns(self) -> tuple[float, float, float, float]:
        """(wall s of N × (thread/start + turn) in a fresh process, the same again in the now
        warm process, VmRSS MiB, VmHWM MiB)."""
        client = self.spawn()
        client.initialize("bench")
        cold = self._batch(client)
        warm = self._batch(client)
        rss, hwm = rss_mib(client.proc.pid)
        client.close()
        return cold, warm, rss, hwm

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

    def list_ms(self, rounds: int) -> float:
        client = self.spawn()
        client.initialize("bench")
        samples = []
        for _ in range(rounds):
            began = time.perf_counter()
            result = client.call("thread/list", {})
            samples.append((time.perf_counter() - began) * 1000)
            assert len(result["data"]) == 25, len(result["data"])
        client.close()
        return statistics.median(samples)

    def stream_s(self) -> float:
        client = self.spawn()
        client.initialize("bench")
        thread_id = client.call(
            "thread/start",
            {"cwd": str(self.repo), "approvalPolicy": "never", "sandbox": "read-only"},
        )["thread"]["id"]
        began = time.perf_counter()
        _, messages = client.turn(thread_id, "stream")
        wall = time.perf_counter() - began
        deltas = sum(1 for m in messages if m.get("method") == "item/agentMessage/delta")
        assert deltas >= DELTAS, deltas
        client.close()
        return wall


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
            colds, warms, rsss = [], [], []
            for _ in range(max(1, args.rounds // 2)):
                cold, warm, rss, _hwm = side.concurrent_turns()
                colds.append(cold)
                warms.append(warm)
                rsss.append(rss)
            rows[side.name]["turns_s"] = THREADS / statistics.median(colds)
            rows[side.name]["turns_s_warm"] = THREADS / statistics.median(warms)
            rows[side.name]["rss"] = statistics.median(rsss)
        for side in sides:
            create_threads(side, mock, LISTED)
            rows[side.name]["list_ms"] = side.list_ms(10)
        mock.repeat(Turn([repeated_deltas(DELTAS)]))
        for side in sides:
            rows[side.name]["stream_s"] = statistics.median(
                side.stream_s() for _ in range(max(1, args.rounds // 2))
            )
    metrics = (
        ("init", "spawn → initialize (ms)"),
        ("turns_s", f"{THREADS} thr × 1 turn, fresh (turns/s)"),
        ("turns_s_warm", f"{THREADS} more, same process (turns/s)"),
        ("rss", f"RSS after {2 * THREADS} threads (MiB)"),
        ("list_ms", f"thread/list, {LISTED} threads (ms)"),
        ("stream_s", f"{DELTAS:,}-delta turn (s)"),
    )
    print(f"{'metric':<36}{'ours':>12}{'official':>12}{'ratio':>9}")
    for key, label in metrics:
        ours = rows["ours"][key]
        theirs = rows.get("official", {}).get(key)
        ratio = f"{ours / theirs:.2f}" if theirs else "-"
        theirs_text = f"{theirs:.2f}" if theirs is not None else "-"
        print(f"{label:<36}{ours:>12.2f}{theirs_text:>12}{ratio:>9}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
