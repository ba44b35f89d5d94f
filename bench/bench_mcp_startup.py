"""MCP startup: the first model request must not wait for MCP servers (issue 19).

Measures, for each CLI, the time from spawning `codex exec` to the mock model server receiving
the first request, with no MCP servers configured and with three (two minimal stdlib peers,
tests/mcp/peers/tiny_server.py, so the peers' own start-up does not load the 2-core machine, and
one that never answers `initialize`, startup_timeout_sec = 10). Interleaved runs; medians.

    python bench/bench_mcp_startup.py [ROUNDS]
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from harness import (
    ROOT,
    ScriptedServer,
    cli_env,
    find_official,
    find_ours,
    make_home,
    make_repo,
    prepare_bytecode,
    work_root,
)

HANG_TIMEOUT_SEC = 10


def servers_toml() -> str:
    def table(name: str, args: str, extra: str = "") -> str:
        return (
            f"[mcp_servers.{name}]\n"
            f'command = "{sys.executable}"\n'
            f"args = [{args}]\n"
            f'cwd = "{ROOT}"\n{extra}'
        )

    tiny = '"-m", "tests.mcp.peers.tiny_server"'
    hang = '"-m", "tests.mcp.peers.stdio_server", "--mode", "hang"'
    return (
        table("one", tiny)
        + table("two", tiny)
        + table("stuck", hang, f"startup_timeout_sec = {HANG_TIMEOUT_SEC}\n")
    )


class Clock:
    """Stamps the first request's arrival (the mock's handler thread, same monotonic clock)."""

    def __init__(self) -> None:
        self.first: float | None = None
        self.arrived = threading.Event()

    def __call__(self, request: object) -> object:
        from tests.support.model_stream import Message, Turn  # importable once harness loaded

        if self.first is None:
            self.first = time.monotonic()
            self.arrived.set()
        return Turn([Message("ok")])


def one_run(binary: str, home: Path, repo: Path, server: ScriptedServer, ours: bool) -> float:
    clock = Clock()
    server.responder = clock
    start = time.monotonic()
    proc = subprocess.run(
        [binary, "exec", "--skip-git-repo-check", "hi"],
        cwd=repo,
        env=cli_env(home, ours=ours),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=120,
        check=False,
    )
    if clock.first is None:
        raise SystemExit(f"{binary} never sent a request (exit {proc.returncode})")
    return (clock.first - start) * 1000


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rounds", nargs="?", type=int, default=5, help="interleaved rounds")
    rounds = parser.parse_args().rounds
    prepare_bytecode()
    clis = {"codex-py": (find_ours(), True)}
    official = find_official()
    if official:
        clis["official 0.169"] = (official, False)
    results: dict[tuple[str, str], list[float]] = {}
    with work_root("mcp-startup-") as tmp, ScriptedServer() as server:
        root = Path(tmp)
        repo = make_repo(root)
        homes = {}
        for cli in clis:
            for config in ("no servers", "3 servers, 1 hanging"):
                home = make_home(
                    root, f"{cli}-{config}".replace(" ", "_").replace(",", ""), server.base_url
                )
                if config != "no servers":
                    with (home / "config.toml").open("a") as f:
                        f.write(servers_toml())
                homes[(cli, config)] = home
        for _ in range(rounds):
            for (cli, config), home in homes.items():
                binary, ours = clis[cli]
                ms = one_run(binary, home, repo, server, ours)
                results.setdefault((cli, config), []).append(ms)
    print(f"time from spawn to the first model request (median of {rounds}, ms)")
    print(f"{'CLI':<16}{'no servers':>14}{'3 servers, 1 hanging':>24}{'delta':>10}")
    for cli in clis:
        base = statistics.median(results[(cli, "no servers")])
        with_mcp = statistics.median(results[(cli, "3 servers, 1 hanging")])
        print(f"{cli:<16}{base:>14.0f}{with_mcp:>24.0f}{with_mcp - base:>+10.0f}")


if __name__ == "__main__":
    main()
