"""A two-node Ray cluster on 127.0.0.1 for `codex batch --ray` tests and bench/bench_batch.py:
`ray start --head` plus one `ray start --address`, each with its own temp dir, each run with
`--block` in a session of its own so that stopping it ends exactly the processes it started
(by process group and session id; never `ray stop`, which would stop every Ray process on the
machine, other users' included).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

START_TIMEOUT = 180.0
STOP_TIMEOUT = 8.0


def ray_available() -> str | None:
    """None when `ray` imports and its CLI is next to this Python, else why not."""
    try:
        import ray  # noqa: F401
    except ImportError:
        return "ray is not installed (pip install 'codex-py[ray]')"
    if not Path(sys.executable).with_name("ray").exists():
        return "the ray CLI is not installed next to this Python"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LocalRayCluster:
    """`with LocalRayCluster(env) as cluster:` ... `cluster.address` ("127.0.0.1:PORT")."""

    def __init__(self, env: dict[str, str], num_cpus: int = 1) -> None:
        # No token auth on this loopback cluster: Ray keeps its token in ~/.ray/auth_token,
        # one file for every cluster on the machine (and the user's home, not ours to write).
        self.env = {**env, "RAY_AUTH_MODE": "disabled"}
        self.num_cpus = num_cpus
        # Short paths: Ray puts Unix sockets under the temp dir (a 107-byte limit).
        self.root = Path(tempfile.mkdtemp(prefix="cxray-"))
        self.port = _free_port()
        self.address = f"127.0.0.1:{self.port}"
        self._procs: list[subprocess.Popen[bytes]] = []

    def _ray(self, name: str, *args: str) -> None:
        temp = self.root / name
        temp.mkdir()
        log = open(self.root / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        argv = [
            str(Path(sys.executable).with_name("ray")),
            "start",
            "--block",
            "--node-ip-address=127.0.0.1",
            f"--num-cpus={self.num_cpus}",
            f"--temp-dir={temp}",
            "--disable-usage-stats",
            *args,
        ]
        proc = subprocess.Popen(
            argv, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        self._procs.append(proc)

    def start(self) -> LocalRayCluster:
        try:
            self._ray("head", "--head", f"--port={self.port}", "--include-dashboard=false",
                      f"--ray-client-server-port={_free_port()}")  # fmt: skip
            self._wait(lambda: self._nodes() >= 1, "head node")
            self._ray("worker", f"--address={self.address}")
            self._wait(lambda: self._nodes() >= 2, "second node")
        except BaseException:
            self.stop()
            raise
        return self

    def _wait(self, ready: object, what: str) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while not ready():  # type: ignore[operator]
            for proc in self._procs:
                if proc.poll() is not None:
                    raise RuntimeError(f"ray start exited ({proc.returncode}): {self.logs()}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"Ray {what} not up in {START_TIMEOUT:g} s: {self.logs()}")
            time.sleep(0.5)  # polling a readiness condition, bounded by the deadline

    def _nodes(self) -> int:
        """Alive nodes as a fresh driver sees them (0 while the head is not answering)."""
        code = (
            f"import ray, logging; ray.init(address={self.address!r}, logging_level=logging.ERROR, "
            "log_to_driver=False); print(sum(n['Alive'] for n in ray.nodes()))"
        )
        try:
            proc = subprocess.run(
                [sys.executable, "-c", code],
                env=self.env,
                capture_output=True,
                timeout=60,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return 0
        out = proc.stdout.decode().strip().splitlines()
        return int(out[-1]) if proc.returncode == 0 and out and out[-1].isdigit() else 0

    def logs(self) -> str:
        parts = []
        for log in sorted(self.root.glob("*.log")):
            parts.append(f"--- {log.name}\n{log.read_text(errors='replace')[-2000:]}")
        return "\n".join(parts)

    def stop(self) -> None:
        """End every process the two `ray start` commands started, then remove the temp dirs."""
        sessions = [p.pid for p in self._procs]
        for proc in reversed(self._procs):
            if proc.poll() is None:
                _signal_group(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        for proc in self._procs:
            try:
                proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(proc.pid, signal.SIGKILL)
                proc.wait()
        # Ray's daemons may have left the process group but not the session we gave them.
        for pid in _session_members(sessions):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self._procs.clear()
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> LocalRayCluster:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _signal_group(pgid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signum)


def _session_members(sessions: list[int]) -> list[int]:
    """Pids whose session id is one of `sessions` (from /proc/PID/stat)."""
    wanted = set(sessions)
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2 :].split()
        if len(fields) > 3 and int(fields[3]) in wanted:
            out.append(int(entry.name))
    return out
