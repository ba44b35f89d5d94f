"""scripts/fuzz: the long fuzzing run. Each target in turn, for N inputs or S seconds.

For every target it reports the inputs tried, the coverage reached (libFuzzer's `cov`: edges
or Python branches; `ft`: features), the corpus size and the crashes; a crashing input is
written to `<out>/crashes/<target>/` and the run of that target stops there (libFuzzer's rule:
fix, add the input to tests/fuzz/corpus/, run again). New corpus entries go to
`<out>/corpus/<target>/`, never into the committed seeds, which are read-only inputs here.

Python targets (tests/fuzz/fuzz_*.py) run under atheris; `c_*` targets are the libFuzzer
harnesses of csrc/fuzz, built here with clang, ASan and UBSan into build/fuzz.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "tests" / "fuzz" / "corpus"
C_BUILD = ROOT / "build" / "fuzz"

# target -> (seed corpus, max input length). The SSE and diff twins are slow under coverage
# instrumentation and their bugs live at boundaries, so their inputs stay short.
PYTHON_TARGETS = {
    "sse": ("sse", 256),
    "jsonl": ("jsonl", 1024),
    "diff": ("diff", 1024),
    "apply_patch": ("apply_patch", 4096),
    "execpolicy": ("execpolicy", 4096),
    "rollout": ("rollout", 4096),
}
C_TARGETS = {"c_sse": ("sse", 1024), "c_jsonl": ("jsonl", 1024), "c_diff": ("diff", 4096)}
TARGETS = {**PYTHON_TARGETS, **C_TARGETS}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One line, like every codex error; --help has the long story.
        print(f"scripts/fuzz: {message} (see scripts/fuzz --help)", file=sys.stderr)
        sys.exit(2)


def _parser() -> _Parser:
    p = _Parser(
        prog="scripts/fuzz",
        description="Coverage-guided fuzzing of the parsers: the long run (docs/fuzzing.md).",
        epilog="targets: " + ", ".join(TARGETS) + " (default: all; c_* need clang)",
    )
    p.add_argument("targets", nargs="*", metavar="TARGET", help="targets to run (default: all)")
    limit = p.add_mutually_exclusive_group()
    limit.add_argument("--runs", type=_positive, help="inputs per target (default 1000000)")
    limit.add_argument("--seconds", type=_positive, help="time per target instead of --runs")
    p.add_argument("--seed", type=int, default=1, help="libFuzzer seed (default 1)")
    p.add_argument(
        "--out", type=Path, default=ROOT / "build" / "fuzz" / "run", help="logs, corpus, crashes"
    )
    return p


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be positive: {text}")
    return value


@dataclass
class Result:
    target: str
    inputs: int = 0
    cov: str = "-"
    ft: str = "-"
    corpus: str = "-"
    seconds: float = 0.0
    crashes: list[Path] | None = None
    skipped: str | None = None

    def line(self) -> str:
        if self.skipped:
            return f"{self.target:<12} skipped: {self.skipped}"
        crashes = self.crashes or []
        where = f"  -> {crashes[0]}" if crashes else ""
        return (
            f"{self.target:<12} inputs {self.inputs:>9}  cov {self.cov:>5}  ft {self.ft:>6}  "
            f"corpus {self.corpus:>6}  {self.seconds:7.0f}s  crashes {len(crashes)}{where}"
        )


class BuildFailed(RuntimeError):
    """clang and libFuzzer are there, but csrc/fuzz does not build: a bug, not a skip."""


def libfuzzer_missing() -> str | None:
    """Why libFuzzer harnesses cannot be built on this machine (no clang, or clang without its
    libFuzzer runtime, which Debian ships in libclang-rt-N-dev), or None."""
    clang = shutil.which("clang")
    if clang is None:
        return "clang not found (apt-get install clang)"
    probe = "int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }\n"
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "probe.c"
        src.write_text(probe)
        done = subprocess.run(
            [clang, "-fsanitize=fuzzer,address,undefined", str(src), "-o", str(Path(tmp) / "p")],
            capture_output=True,
            check=False,
        )
    if done.returncode != 0:
        return "clang cannot link libFuzzer (apt-get install libclang-rt-<version>-dev)"
    return None


def build_c_targets() -> str | None:
    """Build csrc/fuzz into build/fuzz; the reason it cannot (a skip), or None. Raises
    BuildFailed when the tools are there and the harnesses do not compile."""
    reason = libfuzzer_missing()
    if reason is not None:
        return reason
    clang = shutil.which("clang")
    configure = [
        "cmake", "-S", str(ROOT), "-B", str(C_BUILD), "-G", "Ninja", "-DCODEX_FUZZ=ON",
        f"-DCMAKE_C_COMPILER={clang}", "-DCMAKE_BUILD_TYPE=RelWithDebInfo",
        f"-DPython_EXECUTABLE={sys.executable}",
    ]  # fmt: skip
    build = ["cmake", "--build", str(C_BUILD), "--target", *(f"fuzz_{c[2:]}" for c in C_TARGETS)]
    for cmd in (configure, build):
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise BuildFailed(f"building csrc/fuzz failed:\n{done.stdout}{done.stderr}")
    return None


def command(target: str, corpus: Path, crashes: Path, args: argparse.Namespace) -> list[str]:
    seeds, max_len = TARGETS[target]
    flags = [
        f"-seed={args.seed}",
        f"-max_len={max_len}",
        "-print_final_stats=1",
        "-timeout=20",
        "-rss_limit_mb=2048",
        f"-artifact_prefix={crashes}/",
        (f"-max_total_time={args.seconds}" if args.seconds else f"-runs={args.runs or 1_000_000}"),
        str(corpus),
        str(SEEDS / seeds),
    ]
    if target in C_TARGETS:
        return [str(C_BUILD / "csrc" / "fuzz" / f"fuzz_{target[2:]}"), *flags]
    return [sys.executable, "-m", "tests.fuzz.run", target, *flags]


_STATUS = re.compile(r"cov: (\d+) ft: (\d+) corp: (\d+)/")
_EXECUTED = re.compile(r"stat::number_of_executed_units: (\d+)")
_PROGRESS = re.compile(r"^#(\d+)\s", re.M)


def run_target(target: str, args: argparse.Namespace) -> Result:
    out: Path = args.out
    corpus, crashes = out / "corpus" / target, out / "crashes" / target
    for d in (corpus, crashes, out / "logs"):
        d.mkdir(parents=True, exist_ok=True)
    log = out / "logs" / f"{target}.log"
    before = set(crashes.iterdir())
    # Scratch files on tmpfs: the jsonl target fsyncs, and on disk that cut it from ~500 to
    # ~30 inputs a second.
    tmpfs = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
    scratch = tempfile.mkdtemp(prefix=f"codex-fuzz-{target}-", dir=tmpfs)
    env = {**os.environ, "CODEX_FUZZ_SCRATCH": scratch}
    start = time.monotonic()
    with open(log, "w") as f:
        subprocess.run(
            command(target, corpus, crashes, args),
            cwd=ROOT,
            stdout=f,
            stderr=subprocess.STDOUT,
            env=env,
            check=False,
        )
    text = log.read_text(errors="replace")
    result = Result(target, seconds=time.monotonic() - start)
    executed = _EXECUTED.findall(text) or _PROGRESS.findall(text)
    result.inputs = int(executed[-1]) if executed else 0
    status = _STATUS.findall(text)
    if status:
        result.cov, result.ft, result.corpus = status[-1]
    result.crashes = sorted(set(crashes.iterdir()) - before)
    shutil.rmtree(scratch, ignore_errors=True)
    return result


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    unknown = [t for t in args.targets if t not in TARGETS]
    if unknown:
        _parser().error(f"unknown target {unknown[0]!r}; targets: {', '.join(TARGETS)}")
    targets = args.targets or list(TARGETS)
    results: list[Result] = []
    if any(t in C_TARGETS for t in targets):
        try:
            reason = build_c_targets()
        except BuildFailed as err:
            print(f"scripts/fuzz: {err}", file=sys.stderr)
            return 1
        if reason is not None:
            results += [Result(t, skipped=reason) for t in targets if t in C_TARGETS]
            targets = [t for t in targets if t not in C_TARGETS]
    if importlib.util.find_spec("atheris") is None:
        reason = "atheris is not installed (pip install atheris)"
        results += [Result(t, skipped=reason) for t in targets if t in PYTHON_TARGETS]
        targets = [t for t in targets if t not in PYTHON_TARGETS]
    for r in results:
        print(r.line(), flush=True)
    for target in targets:
        result = run_target(target, args)
        results.append(result)
        print(result.line(), flush=True)
    print(f"logs, new corpus entries and crashing inputs: {args.out}")
    return 1 if any(r.crashes for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
