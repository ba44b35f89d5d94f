"""Turn-diff engine vs `git diff --no-index` and difflib on a 200k-changed-line change.

python bench/bench_diff.py [--lines N]

Old file: N lines (default 400 000); new file: every other line changed (N/2 = 200 000 changed
lines) plus a block moved and a few inserts. Timings from one run each (after one warm-up):
  codex C       codex._native.diff.diff_lines in process (unified hunks, 3 lines of context)
  codex CLI     the same in a fresh `python -c` process reading both files (apples to apples
                with git's whole-process time)
  git           `git diff --no-index --no-color -U3 old new` (whole process)
  difflib       difflib.unified_diff(n=3) over the line lists (stdlib, pure Python). It is
                quadratic here (20k lines: ~7 s), so it runs in a second, smaller table
                (--difflib-lines, default 20 000) next to codex C and git on that input.
  codex twin    the pure-Python twin (smaller inputs only: --twin)
Ratios are against git. The outputs are checked for the same count of -/+ lines as git.
"""

from __future__ import annotations

import argparse
import difflib
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def make_inputs(n: int) -> tuple[bytes, bytes]:
    old = [b"    value_%d = compute(%d)  # original line\n" % (i, i) for i in range(n)]
    new = [
        (b"    value_%d = compute(%d) + 1  # changed\n" % (i, i)) if i % 2 else line
        for i, line in enumerate(old)
    ]
    block = new[1000:1200]
    del new[1000:1200]
    new[n // 2 : n // 2] = block
    for k in range(10):
        new.insert(k * (n // 10), b"# inserted %d\n" % k)
    return b"".join(old), b"".join(new)


def counts(patch: bytes) -> tuple[int, int]:
    minus = plus = 0
    for line in patch.split(b"\n"):
        if line.startswith(b"-") and not line.startswith(b"---"):
            minus += 1
        elif line.startswith(b"+") and not line.startswith(b"+++"):
            plus += 1
    return minus, plus


def timed(fn):  # type: ignore[no-untyped-def]
    fn()
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def main(argv: list[str] | None = None) -> dict[str, float]:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=400_000)
    ap.add_argument("--twin", action="store_true", help="also time the pure-Python twin")
    ap.add_argument("--difflib-lines", type=int, default=20_000, help="0 skips difflib")
    args = ap.parse_args(argv)
    from codex._native.diff import diff_lines, ext_loaded

    assert ext_loaded(), "build the native extension first"
    old, new = make_inputs(args.lines)
    res: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        (tmp / "old").write_bytes(old)
        (tmp / "new").write_bytes(new)
        res["codex C"], ours = timed(lambda: diff_lines(old, new).hunks)
        script = (
            "import sys; from codex._native.diff import diff_lines;"
            "a=open(sys.argv[1],'rb').read(); b=open(sys.argv[2],'rb').read();"
            "sys.stdout.buffer.write(diff_lines(a,b).hunks)"
        )
        res["codex CLI"], cli_out = timed(
            lambda: (
                subprocess.run(
                    [sys.executable, "-c", script, "old", "new"],
                    cwd=tmp,
                    capture_output=True,
                    check=True,
                ).stdout
            )
        )
        res["git"], git_out = timed(
            lambda: (
                subprocess.run(
                    ["git", "diff", "--no-index", "--no-color", "-U3", "old", "new"],
                    cwd=tmp,
                    capture_output=True,
                ).stdout
            )
        )
        if args.twin:
            from codex._native._py.diff import unified_hunks

            res["codex twin"], twin_out = timed(lambda: unified_hunks(old, new)[0])
            assert twin_out == ours
    assert cli_out == ours
    print(
        f"{args.lines} lines, {len(old) / 1e6:.1f} MB -> {len(new) / 1e6:.1f} MB; "
        f"-/+ lines: codex {counts(ours)}, git {counts(git_out)}"
    )
    report(res)
    if args.difflib_lines:
        small = compare_small(args.difflib_lines)
        res.update({f"{k} (small)": v for k, v in small.items()})
    return res


def report(res: dict[str, float]) -> None:
    base = res["git"]
    for name, secs in res.items():
        print(f"  {name:11s} {secs * 1000:9.1f} ms   ratio vs git {secs / base:6.2f}")


def compare_small(n: int) -> dict[str, float]:
    from codex._native.diff import diff_lines

    old, new = make_inputs(n)
    res: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        (tmp / "old").write_bytes(old)
        (tmp / "new").write_bytes(new)
        res["codex C"], ours = timed(lambda: diff_lines(old, new).hunks)
        res["git"], git_out = timed(
            lambda: (
                subprocess.run(
                    ["git", "diff", "--no-index", "--no-color", "-U3", "old", "new"],
                    cwd=tmp,
                    capture_output=True,
                ).stdout
            )
        )
    a_lines = old.decode().splitlines(True)
    b_lines = new.decode().splitlines(True)
    t0 = time.perf_counter()
    dl_out = "".join(difflib.unified_diff(a_lines, b_lines, n=3)).encode()
    res["difflib"] = time.perf_counter() - t0
    print(
        f"{n} lines (difflib table); -/+ lines: codex {counts(ours)}, git {counts(git_out)}, "
        f"difflib {counts(dl_out)}"
    )
    report(res)
    return res


def test_smoke() -> None:
    res = main(["--lines", "4000", "--twin", "--difflib-lines", "2000"])
    assert {"codex C", "git", "codex twin", "difflib (small)"} <= set(res)


if __name__ == "__main__":
    main()
