"""Does building the C engines against the stable ABI (the cp311-abi3 wheel) cost speed?

cffi's generated wrapper defines Py_LIMITED_API unless `_CFFI_NO_LIMITED_API` is defined, so the
same sources are compiled twice here with the same flags as the Release build (-O3 -DNDEBUG,
-fPIC): once as the wheel builds them (limited API, `.abi3.so`), once against the full
version-specific API (`-D_CFFI_NO_LIMITED_API`, `.cpython-3XX-….so`). Each build is loaded in a
fresh interpreter in place of `codex._native._sse` and timed on the hottest path a turn has: SSE
parsing of a model stream (many small `response.output_text.delta` events, fed in network-sized
chunks), best of several rounds, in CPU time (the box is shared: wall time swings with the
load, the CPU a round costs much less). The jsonl engine's append (the rollout writer) is timed
the same way.

python bench/bench_abi3.py [--mb 16] [--rounds 7] [--pairs 3]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import importlib.util, json, sys, time, tempfile, os
kind, sse_path, jsonl_path = sys.argv[1:4]
mb, rounds = float(sys.argv[4]), int(sys.argv[5])
for name, path in (("sse", sse_path), ("jsonl", jsonl_path)):
    spec = importlib.util.spec_from_file_location(f"codex._native._{name}", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    sys.modules[f"codex._native._{name}"] = mod
from codex._native import sse, jsonl
assert sse.native_loaded() and sys.modules["codex._native._sse"].__file__ == sse_path

event = ('event: response.output_text.delta\ndata: '
         + json.dumps({"type": "response.output_text.delta", "delta": "tok ", "item_id": "msg_1",
                       "output_index": 0, "content_index": 0, "sequence_number": 7})
         + '\n\n').encode()
stream = event * int(mb * 1024 * 1024 / len(event))
chunks = [stream[i:i + 1400] for i in range(0, len(stream), 1400)]

def parse():
    parser = sse.SSEParser()
    n = 0
    for chunk in chunks:
        n += len(parser.feed(chunk))
    return n

line = json.dumps({"type": "event_msg", "payload": {"type": "agent_message_delta",
                   "delta": "x" * 60}}).encode() + b"\n"

def append():
    with tempfile.TemporaryDirectory() as d:
        w = jsonl.JsonlWriter(os.path.join(d, "r.jsonl"), fsync="never")
        for _ in range(200_000):
            w.append(line)
        w.close()

best = {}
for label, fn in (("sse", parse), ("jsonl", append)):
    times = []
    for _ in range(rounds):
        t = time.process_time(); fn(); times.append(time.process_time() - t)
    best[label] = min(times)
print(json.dumps({"kind": kind, "sse_mb_s": len(stream) / 1e6 / best["sse"],
                  "jsonl_lines_s": 200_000 / best["jsonl"]}))
"""


def engine_sources(name: str) -> list[Path]:
    """The C sources of engine `name` as CMakeLists.txt lists them (`codex_cffi_module(name
    srcs...)`): the build's own list, so an engine that gains a file is timed whole."""
    import re

    text = (ROOT / "CMakeLists.txt").read_text()
    match = re.search(rf"^\s*codex_cffi_module\({re.escape(name)}\s+([^)]*)\)", text, re.M)
    if match is None:
        raise SystemExit(f"bench_abi3: no codex_cffi_module({name} ...) in CMakeLists.txt")
    return [ROOT / src for src in match.group(1).split()]


def build(out: Path, name: str, limited: bool) -> Path:
    """One engine compiled as the wheel does (limited) or against the full API."""
    wrapper = out / f"_{name}_cffi.c"
    if not wrapper.exists():
        subprocess.run(
            [sys.executable, str(ROOT / "csrc" / "cffi_build.py"), name, str(wrapper)], check=True
        )
    suffix = ".abi3.so" if limited else sysconfig.get_config_var("EXT_SUFFIX")
    target = out / ("limited" if limited else "full") / f"_{name}{suffix}"
    target.parent.mkdir(exist_ok=True)
    flags = ["-O3", "-DNDEBUG", "-fPIC", "-shared"]
    if not limited:
        flags.append("-D_CFFI_NO_LIMITED_API")
    cc = sysconfig.get_config_var("CC").split()[0]
    include = sysconfig.get_paths()["include"]
    sources = [str(path) for path in engine_sources(name)]
    argv = [cc, *flags, f"-I{include}", f"-I{ROOT / 'csrc'}", str(wrapper), *sources, "-pthread"]
    subprocess.run([*argv, "-o", str(target)], check=True)
    return target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=16.0)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--pairs", type=int, default=3, help="interleaved builds of each kind")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        for limited in (True, False) * args.pairs:  # interleaved: load drifts on a shared box
            sse_so, jsonl_so = build(out, "sse", limited), build(out, "jsonl", limited)
            kind = "abi3 (limited API)" if limited else "full API"
            argv = [sys.executable, "-c", CHILD, kind, str(sse_so), str(jsonl_so)]
            proc = subprocess.run(
                [*argv, str(args.mb), str(args.rounds)],
                capture_output=True,
                text=True,
                cwd=ROOT,
                check=False,
            )
            if proc.returncode != 0:
                last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
                print(f"bench_abi3: the {kind} build failed to run: {last}", file=sys.stderr)
                return 1
            results.append(__import__("json").loads(proc.stdout))
    print(
        f"SSE parse of {args.mb:g} MB of delta events; 200k rollout lines appended; best of "
        f"{args.rounds}, {args.pairs} interleaved runs each\n"
    )
    print("| build | SSE MB/s | rollout lines/s |\n|---|---:|---:|")
    for kind in ("abi3 (limited API)", "full API"):
        rows = [r for r in results if r["kind"] == kind]
        sse_best = max(r["sse_mb_s"] for r in rows)
        lines_best = max(r["jsonl_lines_s"] for r in rows)
        print(f"| {kind} | {sse_best:.1f} | {lines_best:,.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
