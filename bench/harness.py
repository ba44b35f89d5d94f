"""Shared pieces of the side-by-side benchmarks (bench/compare, bench_exec.py, scaling.py).

Where the two CLIs are (and installing the official one from npm), the config both read (the
rust-anchor §2 `mock` provider), fresh CODEX_HOMEs and a scratch git repo, the environment each
CLI runs in (bytecode caching for ours), the mock model server with a per-request responder, and
`Spawner`, which runs CLIs from a small helper process so `os.wait4` gives each CLI's own peak RSS.
Nothing here measures on its own; it never touches ~/.codex.
"""

from __future__ import annotations

import marshal
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.support.mock_config import write_mock_config  # noqa: E402
from tests.support.mock_model_server import MockModelServer, RecordedRequest, _Handler  # noqa: E402
from tests.support.model_stream import Reply  # noqa: E402

OFFICIAL_VERSION = "0.169.0"
from _paths import ANCHOR_DIRS, CACHE  # noqa: E402

# Compiled bytecode of our package, as an installed wheel would ship it. This environment exports
# PYTHONDONTWRITEBYTECODE=1, so without a writable cache every run of our CLI would recompile
# every module from source (~70 ms per exec). `prepare_bytecode()` fills it once.
PYCACHE = CACHE / "pycache"
OURS_PYCACHE: Path | None = PYCACHE
"""Where our CLI's bytecode lives for the editable install; None for a wheel (its own)."""


# ---- the two CLIs ----------------------------------------------------------------------------


def _vendor_binary(root: Path) -> Path | None:
    vendor = root / "node_modules" / "@openai" / "codex-linux-x64" / "vendor"
    for candidate in sorted(vendor.glob("*/bin/codex")):
        return candidate
    return None


def find_official() -> str | None:
    """The official CLI's native binary: $CODEX_OFFICIAL_BIN, $CODEX_OFFICIAL_ROOT / the tests'
    anchor cache, or bench's own npm cache."""
    explicit = os.environ.get("CODEX_OFFICIAL_BIN")
    if explicit:
        return explicit
    for root in ANCHOR_DIRS:
        found = _vendor_binary(root)
        if found is not None:
            return str(found)
    return None


def install_official() -> str:
    """Find the official native binary, installing @openai/codex@0.169.0 with npm if needed.

    The native executable is measured, never `node_modules/.bin/codex` (a node wrapper that
    execve()s it and would add ~75 ms and node's memory to every run)."""
    found = find_official()
    if found:
        return found
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit(
            "bench: the official Codex CLI is not installed and npm is missing. Install Node.js "
            "and npm (e.g. `apt-get install npm`), or set CODEX_OFFICIAL_BIN to the native "
            "`codex` binary of @openai/codex@" + OFFICIAL_VERSION
        )
    target = CACHE / "anchor"
    target.mkdir(parents=True, exist_ok=True)
    print(f"bench: installing @openai/codex@{OFFICIAL_VERSION} into {target} ...", flush=True)
    subprocess.run(
        [npm, "install", "--prefix", str(target), "--no-audit", "--no-fund",
         f"@openai/codex@{OFFICIAL_VERSION}"],
        check=True,
    )  # fmt: skip
    found = _vendor_binary(target)
    if found is None:
        raise SystemExit(
            f"bench: npm installed @openai/codex but no native binary under {target}/node_modules/"
            "@openai/codex-linux-x64 (is this x86_64 Linux? are optional dependencies disabled?)"
        )
    return str(found)


def find_ours() -> str:
    """Our `codex` console script, from the interpreter running the benchmark."""
    found = shutil.which("codex", path=str(Path(sys.executable).parent))
    if not found:
        raise SystemExit(
            "bench: codex-py is not installed in this interpreter's environment; run "
            "`pip install --no-build-isolation -e .` (see bench/README.md)"
        )
    return found


def install_wheel() -> str:
    """Our `codex` as users get it: a wheel of the working tree (`pip wheel`, reusing the CMake
    build directory) installed with its dependencies into a cached venv, bytecode compiled by
    pip. No editable-install import hook, no PYTHONPYCACHEPREFIX."""
    global OURS_PYCACHE
    venv, wheels = CACHE / "wheel-venv", CACHE / "wheels"
    shutil.rmtree(wheels, ignore_errors=True)
    quiet = {"check": True, "stdout": subprocess.DEVNULL}
    build = [sys.executable, "-m", "pip", "wheel", "-q", "--no-build-isolation", "--no-deps"]
    subprocess.run([*build, "-w", str(wheels), str(ROOT)], **quiet)
    (wheel,) = wheels.glob("codex_py-*.whl")
    python = venv / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    pip = [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], **quiet)
        # A current pip: older ones write console scripts that import `re` (~4 ms a start).
        subprocess.run([*pip, "--upgrade", "pip"], env=env, **quiet)
    subprocess.run([*pip, str(wheel)], env=env, **quiet)  # dependencies, the first time
    subprocess.run([*pip, "--force-reinstall", "--no-deps", str(wheel)], env=env, **quiet)
    OURS_PYCACHE = None
    return str(venv / "bin" / "codex")


def prepare_bytecode() -> None:
    """Compile our package into PYCACHE once (what `pip install` does for a wheel)."""
    import codex

    env = {**os.environ, "PYTHONPYCACHEPREFIX": str(PYCACHE)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", "-j", "0", str(Path(codex.__file__).parent)],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def cli_env(home: Path, *, ours: bool, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment a measured CLI runs in: its own CODEX_HOME, the mock's key, no colour."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CODEX_", "OPENAI_"))}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(CODEX_HOME=str(home), MOCK_KEY="sk-mock", NO_COLOR="1")
    if ours and OURS_PYCACHE is not None:
        env["PYTHONPYCACHEPREFIX"] = str(OURS_PYCACHE)
    env.update(extra or {})
    return env


# ---- homes, repos, work directories -----------------------------------------------------------


def work_root(prefix: str) -> tempfile.TemporaryDirectory[str]:
    """A scratch directory outside /tmp: the official CLI refuses (and warns about) creating its
    helper links when CODEX_HOME is under /tmp, which a real ~/.codex never is."""
    base = CACHE / "work"
    base.mkdir(parents=True, exist_ok=True)
    return tempfile.TemporaryDirectory(prefix=prefix, dir=base)


def make_home(root: Path, name: str, base_url: str) -> Path:
    home = root / f"home-{name}"
    home.mkdir()
    return write_mock_config(home, base_url)


def make_repo(root: Path, name: str = "repo") -> Path:
    """A scratch git repository with one commit (exec runs inside a repo, as users do)."""
    repo = root / name
    repo.mkdir()
    git = ["git", "-C", str(repo), "-c", "user.name=bench", "-c", "user.email=bench@localhost"]
    subprocess.run([*git, "init", "-q"], check=True)
    (repo / "README.md").write_text("bench repo\n")
    subprocess.run([*git, "add", "README.md"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "init"], check=True)
    return repo


def rollout_bytes(home: Path) -> int:
    return sum(f.stat().st_size for f in (home / "sessions").rglob("rollout-*.jsonl"))


# ---- the mock model server ---------------------------------------------------------------------


class _NoDelayHandler(_Handler):
    # The handler writes the headers, then each body chunk, in separate send()s. With Nagle's
    # algorithm on, a small write waits for the ACK of the previous one, and the client's
    # delayed ACK holds that for up to 40 ms: a stall per request that belongs to neither CLI.
    disable_nagle_algorithm = True


class ScriptedServer(MockModelServer):
    """The project's mock model server, answering each request with `responder(request)`.

    Requests are not kept (a resume request carries the whole 10 MB history), so the driver
    stays small; without a responder it falls back to the queue/repeat script."""

    def __init__(self, *, nodelay: bool = True) -> None:
        super().__init__()
        if nodelay:
            self._httpd.RequestHandlerClass = _NoDelayHandler
        self.responder: Callable[[RecordedRequest], Reply] | None = None
        self.served = 0

    def _next_reply(self, request: RecordedRequest) -> Reply:
        self.served += 1
        if self.responder is None:
            reply = super()._next_reply(request)
            self.requests.clear()
            return reply
        return self.responder(request)


def has_input(request: RecordedRequest, item_type: str) -> bool:
    """True when the request's input carries an item of this type (a tool's output coming back)."""
    items = (request.json or {}).get("input") or []
    return any(isinstance(i, dict) and i.get("type") == item_type for i in items)


# ---- running and measuring ---------------------------------------------------------------------


@dataclass(slots=True)
class Sample:
    wall: float
    maxrss_kib: int
    rc: int
    cpu: float


@dataclass(slots=True)
class Job:
    argv: list[str]
    env: dict[str, str]
    cwd: Path
    stdout: Path | None = None
    stderr: Path | None = None


class Spawner:
    """Client of bench/_spawn.py: runs jobs from a small process and returns their rusage."""

    def __init__(self) -> None:
        self._proc = subprocess.Popen(
            [sys.executable, "-S", "-I", str(Path(__file__).with_name("_spawn.py"))],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )

    def run_batch(self, jobs: Sequence[Job], timeout: float = 300) -> tuple[float, list[Sample]]:
        """Start all jobs at once; (wall of the whole batch, one Sample per job)."""
        assert self._proc.stdin and self._proc.stdout
        payload = [
            {
                "argv": j.argv,
                "env": j.env,
                "cwd": str(j.cwd),
                "stdout": str(j.stdout) if j.stdout else None,
                "stderr": str(j.stderr) if j.stderr else None,
            }
            for j in jobs
        ]
        blob = marshal.dumps((timeout, payload))
        self._proc.stdin.write(len(blob).to_bytes(8, "little") + blob)
        self._proc.stdin.flush()
        head = self._proc.stdout.read(8)
        if len(head) < 8:
            raise RuntimeError("bench/_spawn.py died")
        batch, results = marshal.loads(self._proc.stdout.read(int.from_bytes(head, "little")))
        return batch, [Sample(*r) for r in results]

    def run(self, job: Job, timeout: float = 300) -> Sample:
        return self.run_batch([job], timeout)[1][0]

    def close(self) -> None:
        if self._proc.stdin:
            self._proc.stdin.close()
        self._proc.wait()

    def __enter__(self) -> Spawner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def pairwise_ratio(ours: Sequence[float], official: Sequence[float]) -> float:
    """Median of ours[i] / official[i] over interleaved rounds (each pair ran back to back)."""
    pairs = [a / b for a, b in zip(ours, official, strict=False) if b]
    return statistics.median(pairs) if pairs else float("nan")
