"""Scaling curves, not single points: how codex-py's cost grows with the size of the work.

    .venv/bin/python bench/scaling.py [--quick] [--only deltas,resume,diff,session]

Four curves, each a PNG under bench/results/ (plus bench/results/scaling.json with the numbers):
  scaling-deltas.png   `codex exec` wall and peak RSS vs output deltas (1k → 1M), both CLIs,
                       against the project's mock model server (rusage via bench/_spawn.py)
  scaling-resume.png   `codex exec resume --last` wall and peak RSS vs rollout size (1 → 300 MB),
                       both CLIs; each CLI's own recorded turn (100 KB answer) repeated to size in
                       a scratch directory, deleted afterwards
  scaling-diff.png     turn diff (codex._native.diff, C) vs changed lines (1k → 1M), next to
                       `git diff --no-index`; each point in a fresh process, the diff's own peak
                       RSS measured by resetting VmHWM (/proc/self/clear_refs) after loading
  scaling-session.png  one in-process Session driven for 10,000 scripted turns (1 KB prompts)
                       against the mock, RSS sampled every 10 turns; the mock reports usage from
                       the request size, so auto-compaction (model_auto_compact_token_limit)
                       keeps the history bounded the way it does for a real long session
The whole run stays under ~10 minutes on a 2-core box; --quick takes fewer points (~3 min).
Needs matplotlib (`pip install -e '.[bench]'`).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parents[1])]
from tests.support.mock_model_server import RecordedRequest  # noqa: E402
from tests.support.model_stream import Message, Turn, Usage, repeated_deltas  # noqa: E402

from harness import (  # noqa: E402
    Job,
    Sample,
    ScriptedServer,
    Spawner,
    cli_env,
    find_ours,
    install_official,
    make_home,
    make_repo,
    median,
    prepare_bytecode,
    work_root,
)

RESULTS = Path(__file__).resolve().parent / "results"
USAGE = Usage(100, 0, 10)
MIB = 2**20


def exec_argv(exe: str, *rest: str) -> list[str]:
    return [exe, "exec", "--json", "--skip-git-repo-check", *rest]


def _runs(spawner: Spawner, job: Job, n: int) -> Sample:
    """Median wall and RSS of n runs (a failure is reported, not hidden)."""
    samples = [spawner.run(job, timeout=600) for _ in range(n)]
    bad = [s for s in samples if s.rc != 0]
    if bad:
        raise SystemExit(f"scaling: {job.argv[:4]} exited {bad[0].rc}")
    return Sample(
        median([s.wall for s in samples]),
        int(median([s.maxrss_kib for s in samples])),
        0,
        median([s.cpu for s in samples]),
    )


# ---- exec vs deltas ----------------------------------------------------------------------------


def curve_deltas(quick: bool, official: bool) -> dict:
    points = [1_000, 10_000, 100_000, 1_000_000] if quick else [
        1_000, 3_000, 10_000, 30_000, 100_000, 300_000, 1_000_000]  # fmt: skip
    exes = {"codex-py": find_ours()}
    if official:
        exes["official"] = install_official()
    out: dict = {"points": points, "series": {name: [] for name in exes}}
    with work_root("scaling-") as tmp, ScriptedServer() as server, Spawner() as spawner:
        root = Path(tmp)
        repo = make_repo(root)
        homes = {name: make_home(root, name, server.base_url) for name in exes}
        server.responder = lambda _r: Turn([Message("warm")], usage=USAGE)
        for name, exe in exes.items():  # warm-up: first-run setup, page cache
            spawner.run(
                Job(exec_argv(exe, "warm"), cli_env(homes[name], ours=name == "codex-py"), repo)
            )
        for n in points:
            turn = Turn([repeated_deltas(n)], usage=USAGE)
            turn.render("responses")  # render once, outside the measured runs
            server.responder = lambda _r, turn=turn: turn
            for name, exe in exes.items():
                env = cli_env(homes[name], ours=name == "codex-py")
                runs = 3 if n <= 100_000 or name == "codex-py" else 1
                s = _runs(spawner, Job(exec_argv(exe, "stream"), env, repo), runs)
                out["series"][name].append({"wall_s": s.wall, "rss_mib": s.maxrss_kib / 1024})
                print(f"deltas {n:>9,} {name:9} {s.wall:7.3f} s {s.maxrss_kib / 1024:7.1f} MiB",
                      flush=True)  # fmt: skip
    return out


# ---- resume vs rollout size --------------------------------------------------------------------


def _synthesize(rollout: Path, block: list[str], header: list[str], target: int) -> int:
    """Write header + the recorded turn block repeated until the file reaches `target` bytes."""
    block_bytes = "".join(block).encode()
    with open(rollout, "wb") as fh:
        size = fh.write("".join(header).encode())
        while size < target:
            size += fh.write(block_bytes)
    return size


def _seed_session(spawner: Spawner, exe: str, env: dict[str, str], repo: Path, home: Path):
    """One recorded turn by this CLI: (rollout path, header lines, the turn's lines)."""
    if spawner.run(Job(exec_argv(exe, "turn 0"), env, repo)).rc != 0:
        raise SystemExit(f"scaling: recording the seed session with {exe} failed")
    (rollout,) = (home / "sessions").rglob("rollout-*.jsonl")
    lines = rollout.read_text().splitlines(keepends=True)
    # Everything from task_started on is the turn (the official CLI also writes its per-thread
    # context there, a few KB per copy); session_meta and what precedes the turn stay once.
    start = next(i for i, line in enumerate(lines) if '"task_started"' in line)
    return rollout, lines[:start], lines[start:]


def curve_resume(quick: bool, official: bool) -> dict:
    points_mb = [1, 10, 100] if quick else [1, 3, 10, 30, 100, 300]
    exes = {"codex-py": find_ours()}
    if official:
        exes["official"] = install_official()
    out: dict = {
        "points_mb": points_mb,
        "series": {name: [] for name in exes},
        "actual_bytes": {name: [] for name in exes},
    }
    with work_root("scaling-") as tmp, ScriptedServer() as server, Spawner() as spawner:
        root = Path(tmp)
        repo = make_repo(root)
        for name, exe in exes.items():
            home = make_home(root, f"resume-{name}", server.base_url)
            env = cli_env(home, ours=name == "codex-py")
            answer = Turn([repeated_deltas(1, "x" * (100 * 1024))], usage=USAGE)
            server.responder = lambda _r, answer=answer: answer
            rollout, header, block = _seed_session(spawner, exe, env, repo, home)
            server.responder = lambda _r: Turn([Message("resumed")], usage=USAGE)
            for mb in points_mb:
                size = _synthesize(rollout, block, header, mb * 1_000_000)
                job = Job(exec_argv(exe, "resume", "--last", "continue"), env, repo)
                s = _runs(spawner, job, 3 if mb <= 30 else 1)
                out["actual_bytes"][name].append(size)
                out["series"][name].append({"wall_s": s.wall, "rss_mib": s.maxrss_kib / 1024})
                print(f"resume {size / 1e6:7.1f} MB {name:9} {s.wall:7.3f} s "
                      f"{s.maxrss_kib / 1024:7.1f} MiB", flush=True)  # fmt: skip
            rollout.unlink()
    return out


# ---- turn diff vs changed lines ----------------------------------------------------------------

_DIFF_CHILD = r"""
import os, sys, time
sys.path.insert(0, sys.argv[2])
from bench_diff import make_inputs
from codex._native.diff import diff_lines, ext_loaded
assert ext_loaded(), "build the native extension first"
old, new = make_inputs(int(sys.argv[1]))
def hwm():
    for line in open("/proc/self/status"):
        if line.startswith(("VmHWM", "VmRSS")):
            yield int(line.split()[1])
with open("/proc/self/clear_refs", "w") as fh:
    fh.write("5")  # reset the peak RSS: count only what the diff itself adds
base_hwm, base_rss = hwm()
t0 = time.perf_counter()
hunks = diff_lines(old, new).hunks
wall = time.perf_counter() - t0
peak, _ = hwm()
print(wall, (peak - base_rss) / 1024, len(hunks))
"""


def curve_diff(quick: bool) -> dict:
    changed = [1_000, 10_000, 100_000, 1_000_000] if quick else [
        1_000, 3_000, 10_000, 30_000, 100_000, 300_000, 1_000_000]  # fmt: skip
    bench_dir = str(Path(__file__).resolve().parent)
    from bench_diff import make_inputs

    out: dict = {"changed_lines": changed, "codex-c": [], "git": []}
    for n in changed:
        lines = 2 * n  # make_inputs changes every other line
        proc = subprocess.run(
            [sys.executable, "-c", _DIFF_CHILD, str(lines), bench_dir],
            capture_output=True,
            text=True,
            check=True,
        )
        wall, extra_mib, hunk_bytes = proc.stdout.split()
        with tempfile.TemporaryDirectory(prefix="scaling-diff-") as d:
            old, new = make_inputs(lines)
            Path(d, "old").write_bytes(old)
            Path(d, "new").write_bytes(new)
            del old, new
            with Spawner() as spawner:
                argv = ["/usr/bin/git", "diff", "--no-index", "--no-color", "-U3", "old", "new"]
                job = Job(argv, {"PATH": "/usr/bin:/bin", "HOME": d}, Path(d))
                git = [spawner.run(job, timeout=600) for _ in range(1 if n >= 300_000 else 3)]
        out["codex-c"].append(
            {"wall_s": float(wall), "extra_rss_mib": float(extra_mib), "bytes": int(hunk_bytes)}
        )
        out["git"].append(
            {
                "wall_s": median([g.wall for g in git]),
                "rss_mib": median([g.maxrss_kib for g in git]) / 1024,
            }
        )
        print(f"diff {n:>9,} changed: C {float(wall):7.3f} s (+{float(extra_mib):6.1f} MiB) | "
              f"git {out['git'][-1]['wall_s']:7.3f} s {out['git'][-1]['rss_mib']:7.1f} MiB",
              flush=True)  # fmt: skip
    return out


# ---- a 10,000-turn session ---------------------------------------------------------------------

SESSION_CONFIG = """model = "gpt-5.5"
model_provider = "mock"
approval_policy = "never"
sandbox_mode = "read-only"
model_auto_compact_token_limit = {limit}

[model_providers.mock]
name = "mock"
base_url = "{base_url}"
wire_api = "responses"
env_key = "PATH"
"""


def _session_child(base_url: str, root: str, turns: int, out_path: str) -> int:
    """Runs in its own process (so the mock's memory is not counted): N turns, RSS samples."""

    from codex.config import ConfigOverrides, load_config
    from codex.core import Session, is_turn_end
    from codex.protocol import ops

    def rss_kib() -> int:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    filler = "please keep going with the refactor; " * 27  # ~1 KB per prompt

    async def drive() -> list[dict]:
        home, work = Path(root, "home"), Path(root, "work")
        config = load_config(ConfigOverrides(config_home=str(home)), cwd=work)
        rows: list[dict] = []
        started = time.perf_counter()
        async with Session(config) as s:
            await s.next_event()
            compactions, last_len = 0, 0
            for turn in range(1, turns + 1):
                sub = await s.submit(ops.UserInput([ops.InputText(f"turn {turn}: {filler}")]))
                while True:
                    ev = await s.next_event()
                    if ev.id == sub and is_turn_end(ev):
                        break
                size = len(s.history)
                compactions += size < last_len  # auto-compaction replaced the history
                last_len = size
                if turn == 1 or turn % 10 == 0:
                    rows.append(
                        {
                            "turn": turn,
                            "elapsed_s": time.perf_counter() - started,
                            "rss_mib": rss_kib() / 1024,
                            "history_items": size,
                            "compactions": compactions,
                        }
                    )
        return rows

    import uvloop

    rows = uvloop.run(drive())
    Path(out_path).write_text(json.dumps(rows))
    return 0


def curve_session(quick: bool) -> dict:
    turns = int(os.environ.get("CODEX_BENCH_SESSION_TURNS") or (2_000 if quick else 10_000))
    limit = 60_000  # tokens; the mock reports input_tokens = request bytes / 4
    requests = {"n": 0, "max_body": 0}

    def respond(request: RecordedRequest) -> Turn:
        requests["n"] += 1
        requests["max_body"] = max(requests["max_body"], len(request.body))
        return Turn([Message("ok")], usage=Usage(len(request.body) // 4, 0, 10))

    with tempfile.TemporaryDirectory(prefix="scaling-session-") as tmp, ScriptedServer() as server:
        server.responder = respond
        home = Path(tmp, "home")
        home.mkdir()
        Path(tmp, "work").mkdir()
        (home / "config.toml").write_text(
            SESSION_CONFIG.format(limit=limit, base_url=server.base_url)
        )
        out_json = Path(tmp, "rows.json")
        env = {**os.environ, "CODEX_PY_NATIVE": "1"}
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, __file__, "--session-child", server.base_url, tmp, str(turns),
             str(out_json)],
            env=env,
            check=True,
        )  # fmt: skip
        rows = json.loads(out_json.read_text())
    elapsed = time.perf_counter() - started
    last = rows[-1]
    print(f"session {turns} turns in {elapsed:.0f} s; RSS {rows[0]['rss_mib']:.1f} → "
          f"{last['rss_mib']:.1f} MiB; {requests['n']} requests, largest body "
          f"{requests['max_body'] / 1024:.0f} KiB", flush=True)  # fmt: skip
    return {
        "turns": turns,
        "auto_compact_token_limit": limit,
        "rows": rows,
        "requests": requests["n"],
        "max_body_bytes": requests["max_body"],
        "elapsed_s": elapsed,
    }


# ---- plots -------------------------------------------------------------------------------------


def _axes(title: str, xlabel: str):  # type: ignore[no-untyped-def]
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (wall, rss) = plt.subplots(1, 2, figsize=(11, 4.2))
    fig.suptitle(title)
    for ax in (wall, rss):
        ax.set_xscale("log")
        ax.set_xlabel(xlabel)
        ax.grid(True, which="both", alpha=0.3)
    wall.set_yscale("log")
    wall.set_ylabel("wall time, s (log)")
    rss.set_ylabel("peak RSS, MiB")
    return fig, wall, rss


def _save(fig, name: str) -> Path:  # type: ignore[no-untyped-def]
    for ax in fig.axes:
        if ax.get_yscale() == "linear":
            ax.set_ylim(bottom=0)
    fig.tight_layout()
    path = RESULTS / name
    fig.savefig(path, dpi=110)
    return path


def _linear_ref(ax, xs: list[float], ys: list[float]) -> None:  # type: ignore[no-untyped-def]
    """A dotted slope-1 line through the last point: what linear growth would look like."""
    x1, y1 = xs[-1], ys[-1]
    ax.plot([xs[0], x1], [y1 * xs[0] / x1, y1], ":", color="grey", label="linear (slope 1)")


def plot_deltas(data: dict) -> Path:
    fig, wall, rss = _axes("codex exec: one answer streamed as N output deltas", "output deltas")
    xs = data["points"]
    for name, series in data["series"].items():
        wall.plot(xs, [p["wall_s"] for p in series], "o-", label=name)
        rss.plot(xs, [p["rss_mib"] for p in series], "o-", label=name)
    _linear_ref(wall, xs, [p["wall_s"] for p in data["series"]["codex-py"]])
    wall.legend()
    rss.legend()
    return _save(fig, "scaling-deltas.png")


def plot_resume(data: dict) -> Path:
    fig, wall, rss = _axes("codex exec resume --last: rollout size", "rollout size, MB")
    for name, series in data["series"].items():
        xs = [b / 1e6 for b in data["actual_bytes"][name]]
        wall.plot(xs, [p["wall_s"] for p in series], "o-", label=name)
        rss.plot(xs, [p["rss_mib"] for p in series], "o-", label=name)
    ours = data["actual_bytes"]["codex-py"]
    rss.plot([b / 1e6 for b in ours], [b / MIB for b in ours], ":", color="grey",
             label="RSS = rollout size")  # fmt: skip
    _linear_ref(wall, [b / 1e6 for b in ours], [p["wall_s"] for p in data["series"]["codex-py"]])
    wall.legend()
    rss.legend()
    return _save(fig, "scaling-resume.png")


def plot_diff(data: dict) -> Path:
    fig, wall, rss = _axes("turn diff: N changed lines (2N-line files)", "changed lines")
    xs = data["changed_lines"]
    wall.plot(xs, [p["wall_s"] for p in data["codex-c"]], "o-", label="codex C (in process)")
    wall.plot(xs, [p["wall_s"] for p in data["git"]], "s-", label="git diff --no-index (process)")
    _linear_ref(wall, xs, [p["wall_s"] for p in data["codex-c"]])
    rss.plot(xs, [p["extra_rss_mib"] for p in data["codex-c"]], "o-",
             label="codex C: peak added by the diff")  # fmt: skip
    rss.plot(xs, [p["rss_mib"] for p in data["git"]], "s-", label="git: whole process peak")
    rss.set_yscale("log")
    rss.set_ylabel("peak RSS, MiB (log)")
    wall.legend()
    rss.legend()
    return _save(fig, "scaling-diff.png")


def plot_session(data: dict) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = data["rows"]
    fig, (rss, items) = plt.subplots(1, 2, figsize=(11, 4.2))
    fig.suptitle(
        f"one Session, {data['turns']:,} scripted turns; {rows[-1]['compactions']} "
        f"auto-compactions at {data['auto_compact_token_limit']:,} tokens"
    )
    turns = [r["turn"] for r in rows]
    rss.plot(turns, [r["rss_mib"] for r in rows], "-", label="process RSS")
    rss.set_xlabel("turn")
    rss.set_ylabel("RSS, MiB")
    rss.grid(True, alpha=0.3)
    rss.legend()
    items.plot(turns, [r["history_items"] for r in rows], "-", color="C1", label="history items")
    items.set_xlabel("turn")
    items.set_ylabel("items in the model's history")
    items.grid(True, alpha=0.3)
    twin = items.twinx()
    twin.plot(turns, [r["elapsed_s"] for r in rows], "--", color="C2", label="elapsed s")
    twin.set_ylabel("elapsed, s")
    items.legend(loc="upper left")
    twin.legend(loc="lower right")
    return _save(fig, "scaling-session.png")


CURVES: dict[str, tuple[Callable[..., dict], Callable[[dict], Path]]] = {
    "deltas": (curve_deltas, plot_deltas),
    "resume": (curve_resume, plot_resume),
    "diff": (curve_diff, plot_diff),
    "session": (curve_session, plot_session),
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer points (about 3 minutes)")
    ap.add_argument("--only", default="", help="comma-separated: " + ",".join(CURVES))
    ap.add_argument("--no-official", action="store_true", help="codex-py only (deltas, resume)")
    ap.add_argument("--replot", action="store_true", help="redraw the PNGs from scaling.json")
    ap.add_argument("--session-child", nargs=4, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.session_child:
        url, root, turns, out = args.session_child
        return _session_child(url, root, int(turns), out)
    RESULTS.mkdir(parents=True, exist_ok=True)
    store = RESULTS / "scaling.json"
    data = json.loads(store.read_text()) if store.exists() else {}
    names = [n for n in args.only.split(",") if n] or list(CURVES)
    if not args.replot:
        prepare_bytecode()
    for name in names:
        measure, plot = CURVES[name]
        if not args.replot:
            started = time.perf_counter()
            if name in ("deltas", "resume"):
                data[name] = measure(args.quick, not args.no_official)
            else:
                data[name] = measure(args.quick)
            data[name]["measured_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
            data[name]["load_after"] = os.getloadavg()
            print(f"{name}: {time.perf_counter() - started:.0f} s", flush=True)
            store.write_text(json.dumps(data, indent=1) + "\n")
        print(f"wrote {plot(data[name]).relative_to(RESULTS.parent.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
