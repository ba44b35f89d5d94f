"""Where `codex --version` spends its time, against the interpreter floor and the official CLI.

python bench/profile/startup_floor.py [ROUNDS]

Interleaved rounds of: the official binary; `python -c pass` (the floor every console script
pays: interpreter + site + this venv's .pth files); `python -S`/`-I -S` (no site); our console
script as installed here (editable: scikit-build-core's import hook runs from a .pth at every
start); and the same script as a wheel install would run it: a bare venv (made once in the
bench cache) whose site-packages has only a path .pth to src/, and pip's console-script text.
Medians and the median of pairwise ratios to the official CLI. Bytecode is cached.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from conftest import CACHE, official_codex, our_codex

ROOT = Path(__file__).resolve().parents[2]


def _wheel_like_script() -> str:
    venv = CACHE / "wheel-like-venv"
    script = venv / "bin" / "codex"
    if not script.exists():
        base = getattr(sys, "_base_executable", sys.executable)
        subprocess.run([base, "-m", "venv", "--without-pip", str(venv)], check=True)
        site = next((venv / "lib").glob("python3*/site-packages"))
        (site / "codex_py.pth").write_text(f"{ROOT / 'src'}\n")
        text = Path(our_codex()).read_text().split("\n", 1)[1]
        script.write_text(f"#!{venv / 'bin' / 'python3'}\n{text}")
        script.chmod(0o755)
    return str(script)


def main(rounds: int) -> None:
    py = sys.executable
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(CACHE / "profile-pycache")
    wheel_like = _wheel_like_script()
    official = official_codex()
    commands: dict[str, tuple[list[str], dict[str, str]]] = {
        "official --version": ([official, "--version"], env) if official else ([], env),
        "python -c pass": ([py, "-c", "pass"], env),
        "python -S -c pass": ([py, "-S", "-c", "pass"], env),
        "python -I -S -c pass": ([py, "-I", "-S", "-c", "pass"], env),
        "codex --version (editable)": ([our_codex(), "--version"], env),
        "codex --version (wheel-like)": ([wheel_like, "--version"], env),
    }
    commands = {k: v for k, v in commands.items() if v[0]}
    samples: dict[str, list[float]] = {k: [] for k in commands}
    for i in range(rounds + 2):
        for name, (argv, e) in commands.items():
            start = time.perf_counter()
            subprocess.run(argv, env=e, stdout=subprocess.DEVNULL, check=True)
            if i >= 2:  # two warm-up rounds (bytecode cache, page cache)
                samples[name].append(time.perf_counter() - start)
    base = samples.get("official --version")
    print(f"| command | median ms | min ms | vs official (median pairwise) |  rounds={rounds}")
    print("|---|---|---|---|")
    for name, values in samples.items():
        ratio = statistics.median(a / b for a, b in zip(values, base, strict=True)) if base else 0.0
        print(
            f"| {name} | {statistics.median(values) * 1e3:.1f} | {min(values) * 1e3:.1f} "
            f"| {ratio:.2f} |"
        )


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rounds", nargs="?", type=int, default=40, help="interleaved rounds")
    main(parser.parse_args().rounds)
