"""Profile one `codex exec --json` turn against the loopback mock: import times and a wall split.

python bench/profile/exec_profile.py importtime [N]     # top-N cumulative imports (bytecode cached)
python bench/profile/exec_profile.py pyinstrument       # pyinstrument text profile of one turn
python bench/profile/exec_profile.py wall [ROUNDS]      # median wall of ours vs the official CLI
python bench/profile/exec_profile.py shell              # print env + a shell with the mock up
PROFILE_DELTAS=100000 ... streams the answer as that many output_text deltas instead.

Bytecode is cached under a temp PYTHONPYCACHEPREFIX (as an installed wheel has its .pyc files;
this machine exports PYTHONDONTWRITEBYTECODE=1).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(Path(__file__).parent))
from _common import env_for as _env  # noqa: E402
from _common import make_home, pyinstrument_text  # noqa: E402
from tests.support.mock_model_server import MockModelServer  # noqa: E402
from tests.support.model_stream import Message, Turn, Usage, repeated_deltas  # noqa: E402

from conftest import official_codex, our_codex  # noqa: E402


def setup(root: Path, base_url: str, name: str) -> Path:
    return make_home(root, name, base_url)


def main() -> None:
    mode = sys.argv[1]
    extra = sys.argv[2:]
    with tempfile.TemporaryDirectory(prefix="prof-") as tmp, MockModelServer() as server:
        root = Path(tmp)
        deltas = int(os.environ.get("PROFILE_DELTAS", "0"))
        reply = [repeated_deltas(deltas)] if deltas else [Message("hello")]
        server.repeat(Turn(reply, usage=Usage(100, 0, 10)))
        home = setup(root, server.base_url, "home")
        env = _env(home)
        argv_tail = ["exec", "--json", "--skip-git-repo-check", "hello"]
        if mode == "importtime":
            argv = [sys.executable, "-X", "importtime", our_codex(), *argv_tail]
            for _ in range(2):
                proc = subprocess.run(argv, env=env, cwd=root, capture_output=True, text=True)
            rows = []
            for line in proc.stderr.splitlines():
                if line.startswith("import time:") and "cumulative" not in line:
                    s, c, n = line.removeprefix("import time:").split("|")
                    rows.append((int(c), int(s), n.rstrip()))
            total = sum(s for _, s, _ in rows)
            print(f"total self import time {total / 1000:.1f} ms")
            for c, s, n in sorted(rows, reverse=True)[: int(extra[0]) if extra else 40]:
                print(f"{c / 1000:7.1f} {s / 1000:7.1f} {n}")
        elif mode == "pyinstrument":
            extra_args = ("-p", "short_mode=false")
            print(pyinstrument_text([our_codex(), *argv_tail], "0.0002", env, root, extra_args))
        elif mode == "wall":
            rounds = int(extra[0]) if extra else 10
            homes = {"py": home, "rs": setup(root, server.base_url, "home-rs")}
            exes = {"py": our_codex(), "rs": official_codex()}
            samples: dict[str, list[float]] = {"py": [], "rs": []}
            for i in range(rounds + 1):
                for k in ("py", "rs") if i % 2 else ("rs", "py"):
                    t = time.perf_counter()
                    subprocess.run(
                        [exes[k], *argv_tail],
                        env=_env(homes[k]),
                        cwd=root,
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                        stdin=subprocess.DEVNULL,
                    )
                    if i:
                        samples[k].append(time.perf_counter() - t)
                    server.requests.clear()
            py, rs = statistics.median(samples["py"]), statistics.median(samples["rs"])
            pair = statistics.median(
                a / b for a, b in zip(samples["py"], samples["rs"], strict=True)
            )
            print(f"ours {py * 1000:.1f} ms  official {rs * 1000:.1f} ms  pairwise {pair:.2f}x")
        elif mode == "shell":
            print(
                " ".join(
                    f"{k}={v}"
                    for k, v in env.items()
                    if k.startswith(("CODEX", "MOCK", "PYTHONPY"))
                )
            )
            subprocess.run(["bash"], env=env, cwd=root)


if __name__ == "__main__":
    main()
