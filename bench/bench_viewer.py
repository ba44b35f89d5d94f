"""The session viewer's speed, through the real `codex viewer --port 0` process (issue 21's
targets in brackets):

  list of 10,000 sessions: unfiltered, text filter, cwd filter, cold and warm   [well under 1 s]
  a 100 MB rollout: session page cold (the line index is built) and warm,
    a page near its end, a search of the whole file                             [open < 1 s]
  the same 100 MB session opened in headless chromium: navigation to the
    timeline painted (when Playwright and chromium are installed)               [< 1 s]

python bench/bench_viewer.py [--sessions 10000] [--mb 100] [--rounds 5]

Medians of --rounds warm requests; "cold" is the first request after the server started (a
fresh process: nothing cached). Everything lives in a temporary CODEX_HOME. The load average
is printed: on the shared 2-core machine wall times inflate.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.viewer.helpers import every_kind, place  # noqa: E402

BIG = "0199a213-81c0-7800-8aa1-bbab2a0300aa"
SMALL = "0199a213-81c0-7800-8aa1-bbab2a0300bb"


def _sid(i: int) -> str:
    return f"0199a213-81c0-7800-8aa1-{i:012x}"


def make_sessions(home: Path, count: int) -> None:
    """`count` small sessions spread over days, each with a meta line, a prompt and a turn."""
    for i in range(count):
        sid = _sid(i)
        day = 1 + (i // 400) % 28
        stamp = f"2026-{1 + i // 11200:02d}-{day:02d}T10-{(i // 60) % 60:02d}-{i % 60:02d}"
        lines = [
            {
                "timestamp": "2026-11-24T20:48:20.000Z",
                "type": "session_meta",
                "payload": {"id": sid, "cwd": f"/projects/p{i % 50}", "cli_version": "0.169.0"},
            },
            {
                "timestamp": "2026-11-24T20:48:21.000Z",
                "type": "event_msg",
                "payload": {"type": "user_message", "message": f"prompt number {i} fix the bug"},
            },
            {
                "timestamp": "t",
                "type": "turn_context",
                "payload": {"cwd": "/x", "model": "gpt-5.5"},
            },
        ]
        place(home, sid, lines, stamp=stamp)


def make_big(home: Path, mb: int) -> Path:
    path = place(home, BIG, every_kind(BIG)[:5], stamp="2027-01-01T00-00-00")
    blob = "x" * 900
    agent = {
        "timestamp": "2026-11-24T20:49:00.000Z",
        "type": "response_item",
        "payload": {"type": "message", "role": "assistant", "content": []},
    }
    with open(path, "ab") as f:
        rows = []
        for i in range(1000):
            agent["payload"]["content"] = [{"type": "output_text", "text": f"message {i} {blob}"}]
            rows.append(orjson.dumps(agent) + b"\n")
        chunk = b"".join(rows)
        while f.tell() < mb * 1024 * 1024:
            f.write(chunk)
    return path


class Server:
    def __init__(self, home: Path) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("CODEX_", "OPENAI_"))}
        env["CODEX_HOME"] = str(home)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "codex", "viewer", "--port", "0"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        assert self.proc.stdout is not None
        self.url = self.proc.stdout.readline().decode().split(": ", 1)[1].strip().rstrip("/")
        self.client = httpx.Client(timeout=120)
        self.client.get(self.url + "/static/viewer.css")  # imports done, nothing else cached

    def close(self) -> None:
        self.client.close()
        self.proc.terminate()
        self.proc.wait(timeout=10)


def timed(fn: Callable[[], object]) -> float:
    t = time.perf_counter()
    fn()
    return (time.perf_counter() - t) * 1000


def row(name: str, cold: float | None, warm: list[float]) -> None:
    c = f"{cold:8.1f}" if cold is not None else " " * 8
    print(f"  {name:<44} {c} ms cold   {statistics.median(warm):8.1f} ms warm (median)")


def bench_list(home: Path, rounds: int) -> None:
    queries = {
        "list, unfiltered (100 rows)": {},
        "list, text filter 'number 9999'": {"q": "number 9999"},
        "list, text filter 'fix the bug' (100 of 10k)": {"q": "fix the bug"},
        "list, cwd filter '/projects/p7'": {"cwd": "/projects/p7"},
        "list, text filter matching nothing": {"q": "no-such-text"},
    }
    for name, params in queries.items():
        server = Server(home)
        try:

            def get(params: dict[str, str] = params, s: Server = server) -> None:
                r = s.client.get(s.url + "/", params=params)
                assert r.status_code == 200

            cold = timed(get)
            row(name, cold, [timed(get) for _ in range(rounds)])
        finally:
            server.close()


def bench_big(home: Path, path: Path, rounds: int) -> None:
    server = Server(home)
    try:
        url = server.url + f"/session/{BIG}"
        cold = timed(lambda: server.client.get(url).raise_for_status())
        row(
            "session page (first 200 lines)",
            cold,
            [timed(lambda: server.client.get(url).raise_for_status()) for _ in range(rounds)],
        )
        total = server.client.get(server.url + f"/api/sessions/{BIG}/lines?count=1").json()["total"]
        end = server.url + f"/session/{BIG}?start={total - 200}"
        row(
            "session page near the end",
            None,
            [timed(lambda: server.client.get(end).raise_for_status()) for _ in range(rounds)],
        )
        search = server.url + f"/api/sessions/{BIG}/search?q=message 99999"
        row(
            "search the whole file",
            None,
            [timed(lambda: server.client.get(search).raise_for_status()) for _ in range(rounds)],
        )
        print(f"  ({path.stat().st_size / 2**20:.0f} MB, {total} lines)")
    finally:
        server.close()


def bench_browser(home: Path, rounds: int) -> None:
    chromium = shutil.which("chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        chromium = None
    if chromium is None:
        print("  browser: skipped (needs playwright and chromium)")
        return
    server = Server(home)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            page = browser.new_page()

            def opener(url: str, last: int) -> Callable[[], None]:
                def open_page() -> None:
                    page.goto(url, wait_until="load")
                    page.locator(f"#L{last}").wait_for()

                return open_page

            for name, sid, last in (
                ("browser: 100 MB session to painted timeline", BIG, 199),
                ("browser: 5-line session (the browser's floor)", SMALL, 4),
            ):
                open_page = opener(server.url + f"/session/{sid}", last)
                cold = timed(open_page)
                row(name, cold, [timed(open_page) for _ in range(rounds)])
            browser.close()
    finally:
        server.close()


def bench_export(home: Path) -> None:
    """`codex export` of the 100 MB session in each format to /dev/null: wall and peak RSS of
    the process (ru_maxrss from wait4)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CODEX_", "OPENAI_"))}
    env["CODEX_HOME"] = str(home)
    for fmt in ("md", "json", "html"):
        argv = [sys.executable, "-m", "codex", "export", BIG, "--format", fmt]
        t = time.perf_counter()
        with open(os.devnull, "wb") as sink:
            proc = subprocess.Popen(argv, env=env, stdout=sink)
            _pid, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - t
        rss = usage.ru_maxrss / 1024
        print(f"  export --format {fmt:<5} {wall:6.2f} s   peak RSS {rss:.0f} MiB  rc {status}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sessions", type=int, default=10_000)
    ap.add_argument("--mb", type=int, default=100)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    print(f"load average: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="bench-viewer-") as tmp:
        home = Path(tmp) / "home"
        home.mkdir()
        t = time.perf_counter()
        make_sessions(home, args.sessions)
        print(f"{args.sessions} sessions written in {time.perf_counter() - t:.1f} s")
        bench_list(home, args.rounds)
        big_home = Path(tmp) / "big-home"
        big_home.mkdir()
        path = make_big(big_home, args.mb)
        place(big_home, SMALL, every_kind(SMALL)[:5], stamp="2026-12-01T00-00-00")
        os.sync()
        bench_big(big_home, path, args.rounds)
        bench_browser(big_home, args.rounds)
        bench_export(big_home)


if __name__ == "__main__":
    main()
