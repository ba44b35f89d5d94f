"""codex-py side by side with the official Codex CLI 0.169.0, one command.

    bench/compare [--rounds N] [--quick] [--only SCENARIO[,SCENARIO...]] [--list]

Finds (or installs with npm into ~/.cache/codex-py-bench/anchor) the official CLI's native
binary, starts the project's mock model server on 127.0.0.1, and runs every scenario for both
CLIs interleaved (A B, B A, ...) after a warm-up, each CLI with its own fresh CODEX_HOME and the
same scratch git repo. Per scenario it reports the median wall time, the median peak RSS
(`ru_maxrss` from `os.wait4` on the CLI process itself, forked from a small helper; see
bench/_spawn.py) and the median of the pairwise ratios ours / official (< 1: we are faster or
leaner). A full run writes bench/results/compare-<date>.{md,json} and bench/results/latest.*;
a --quick or --only run writes bench/results/compare-<date>-partial.* instead.
See bench/README.md for how to read the table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parents[1])]
from tests.support.mock_model_server import RecordedRequest  # noqa: E402
from tests.support.model_stream import (  # noqa: E402
    FunctionCall,
    Message,
    Reply,
    Turn,
    Usage,
    apply_patch_call,
    repeated_deltas,
)

from _paths import portable  # noqa: E402
from harness import (  # noqa: E402
    OFFICIAL_VERSION,
    PYCACHE,
    ROOT,
    Job,
    Sample,
    ScriptedServer,
    Spawner,
    cli_env,
    find_ours,
    has_input,
    install_official,
    install_wheel,
    make_home,
    make_repo,
    median,
    pairwise_ratio,
    prepare_bytecode,
    rollout_bytes,
    work_root,
)

TRUE = "/usr/bin/true" if os.path.exists("/usr/bin/true") else "/bin/true"
USAGE = Usage(100, 0, 10)
RESULTS = Path(__file__).resolve().parent / "results"


@dataclass(slots=True)
class Side:
    """One CLI in one scenario: its binary and its own CODEX_HOME."""

    name: str
    exe: str
    home: Path
    ours: bool
    samples: list[Sample] = field(default_factory=list)
    failures: int = 0
    last_error: str = ""


@dataclass(slots=True)
class Ctx:
    root: Path
    repo: Path
    server: ScriptedServer
    spawner: Spawner
    notes: list[str]
    extra: dict[str, object]


Responder = Callable[[RecordedRequest], Reply]


@dataclass(slots=True)
class Scenario:
    name: str
    title: str
    argv: Callable[[Side], list[str]]
    responder: Callable[[], Responder] | None = None
    prepare: Callable[[Side, Ctx], None] | None = None
    concurrency: int = 1
    rounds_div: int = 1
    # Reference commands measured in the same interleaved rounds (wall and RSS only).
    references: Callable[[Ctx], dict[str, list[str]]] | None = None


# ---- scenarios -------------------------------------------------------------------------------


def exec_argv(*extra: str, prompt: str = "hello") -> Callable[[Side], list[str]]:
    return lambda s: [s.exe, "exec", "--json", "--skip-git-repo-check", *extra, prompt]


def resume_argv(s: Side) -> list[str]:
    return [s.exe, "exec", "--json", "--skip-git-repo-check", "resume", "--last", "continue"]


def always(turn: Turn) -> Callable[[], Responder]:
    return lambda: lambda _request: turn


def tool_round_trip() -> Responder:
    """exec_command `echo hello` first, a closing message once its output comes back."""
    call = Turn([FunctionCall("call_bench", "exec_command", {"cmd": "echo hello"})], usage=USAGE)
    done = Turn([Message("done")], usage=USAGE)
    return lambda r: done if has_input(r, "function_call_output") else call


def patch_round_trip() -> Responder:
    """apply_patch adding a new file (a fresh name every run), then a closing message."""
    counter = itertools.count()
    done = Turn([Message("patched")], usage=USAGE)

    def respond(request: RecordedRequest) -> Reply:
        if has_input(request, "custom_tool_call_output"):
            return done
        n = next(counter)
        patch = f"*** Begin Patch\n*** Add File: bench_patch_{n}.txt\n+hello {n}\n*** End Patch\n"
        return Turn([apply_patch_call("call_patch", patch)], usage=USAGE)

    return respond


def session_of(turns: int, answer_bytes: int) -> Callable[[Side, Ctx], None]:
    """Record a session for `exec resume --last`: `turns` answers of `answer_bytes` each, made by
    the CLI under test itself (each CLI resumes its own rollout format)."""

    def prepare(side: Side, ctx: Ctx) -> None:
        big = Turn([repeated_deltas(1, "x" * answer_bytes)], usage=USAGE)
        ctx.server.responder = lambda _r: big
        for i in range(turns):
            argv = [side.exe, "exec", "--json", "--skip-git-repo-check"]
            argv += ["resume", "--last", f"turn {i}"] if i else [f"turn {i}"]
            sample = ctx.spawner.run(Job(argv, cli_env(side.home, ours=side.ours), ctx.repo))
            if sample.rc != 0:
                raise SystemExit(f"bench: {side.name}: preparing the session failed at turn {i}")
        size = rollout_bytes(side.home)
        ctx.extra.setdefault("rollout_bytes", {})[side.name] = size  # type: ignore[union-attr]
        ctx.notes.append(f"{side.name} rollout {size / 2**20:.1f} MiB")

    return prepare


def version_refs(_ctx: Ctx) -> dict[str, list[str]]:
    return {
        "python -c pass (interpreter floor, with site)": [sys.executable, "-c", "pass"],
        "python -I -S -c pass (bare interpreter)": [sys.executable, "-I", "-S", "-c", "pass"],
    }


def sandbox_refs(ctx: Ctx) -> dict[str, list[str]]:
    refs = {"bare true (fork+exec)": [TRUE]}
    try:
        from codex.sandbox.launch import find_linux_launcher

        launcher = str(find_linux_launcher())
        policy = '{"type":"read-only"}'
        argv = [launcher, "--sandbox-policy-cwd", str(ctx.repo), "--sandbox-policy", policy]
        refs["codex-py launcher alone, read-only"] = [*argv, "--", TRUE]
    except Exception as exc:  # the reference row is optional; say why it is missing
        ctx.notes.append(f"launcher reference skipped: {exc}")
    return refs


def scenarios() -> dict[str, Scenario]:
    one = Turn([Message("hello")], usage=USAGE)
    rows = [
        Scenario("version", "`codex --version`", lambda s: [s.exe, "--version"],
                 references=version_refs),
        Scenario("exec_one_turn", "exec, one turn (one message)", exec_argv(), always(one)),
        Scenario("exec_20k_deltas", "exec, 20k output deltas", exec_argv(prompt="stream"),
                 always(Turn([repeated_deltas(20_000)], usage=USAGE))),
        Scenario("exec_100k_deltas", "exec, 100k output deltas (20 MB SSE)",
                 exec_argv(prompt="stream"),
                 always(Turn([repeated_deltas(100_000)], usage=USAGE)), rounds_div=2),
        Scenario("exec_shell", "exec, one shell round trip (workspace-write)",
                 exec_argv("--sandbox", "workspace-write", prompt="run echo"), tool_round_trip),
        Scenario("exec_apply_patch", "exec, apply_patch adds a file (workspace-write)",
                 exec_argv("--sandbox", "workspace-write", prompt="patch"), patch_round_trip),
        Scenario("sandbox_true", "`codex sandbox -- true` (read-only)",
                 lambda s: [s.exe, "sandbox", "--", TRUE], references=sandbox_refs),
        Scenario("resume_1mb", "`exec resume --last`, ~1 MB rollout", resume_argv,
                 always(Turn([Message("resumed")], usage=USAGE)), session_of(1, 340 * 1024)),
        Scenario("resume_30mb", "`exec resume --last`, ~30 MB rollout", resume_argv,
                 always(Turn([Message("resumed")], usage=USAGE)), session_of(10, 1024 * 1024),
                 rounds_div=2),
        Scenario("exec_concurrent_20", "20 concurrent exec one-turn runs, one mock",
                 exec_argv(), always(one), concurrency=20, rounds_div=2),
    ]  # fmt: skip
    return {s.name: s for s in rows}


# ---- running ---------------------------------------------------------------------------------


def run_side(side: Side, sc: Scenario, ctx: Ctx) -> Sample:
    env = cli_env(side.home, ours=side.ours)
    err = ctx.root / f"stderr-{side.name}"
    jobs = [
        Job(sc.argv(side), env, ctx.repo, stderr=err.with_suffix(f".{i}"))
        for i in range(sc.concurrency)
    ]
    batch, samples = ctx.spawner.run_batch(jobs)
    failed = [i for i, s in enumerate(samples) if s.rc != 0]
    side.failures += len(failed)
    if failed:
        text = err.with_suffix(f".{failed[0]}").read_text(errors="replace").strip()
        side.last_error = f"exit {samples[failed[0]].rc}: " + " | ".join(text.splitlines()[-3:])
    if sc.concurrency == 1:
        return samples[0]
    return Sample(
        wall=batch,
        maxrss_kib=int(median([s.maxrss_kib for s in samples])),
        rc=len(failed),
        cpu=sum(s.cpu for s in samples),
    )


def run_scenario(sc: Scenario, ctx: Ctx, exes: dict[str, str], rounds: int, warmup: int) -> dict:
    tag = sc.name
    sides = [
        Side("codex-py", exes["codex-py"], make_home(ctx.root, f"py-{tag}", ctx.server.base_url),
             ours=True),
        Side("official", exes["official"], make_home(ctx.root, f"rs-{tag}", ctx.server.base_url),
             ours=False),
    ]  # fmt: skip
    ctx.notes, ctx.extra = [], {}
    if sc.prepare is not None:
        for side in sides:
            sc.prepare(side, ctx)
    ctx.server.responder = sc.responder() if sc.responder else None
    refs = sc.references(ctx) if sc.references else {}
    ref_samples: dict[str, list[Sample]] = {name: [] for name in refs}
    ref_env = cli_env(ctx.root, ours=False)
    for _ in range(warmup):
        for side in sides:
            run_side(side, sc, ctx)
        for argv in refs.values():
            ctx.spawner.run(Job(argv, ref_env, ctx.repo))
    for side in sides:
        side.failures, side.last_error = 0, ""
    n = max(2, rounds // sc.rounds_div)
    for i in range(n):
        for side in sides if i % 2 == 0 else sides[::-1]:
            side.samples.append(run_side(side, sc, ctx))
        for name, argv in refs.items():
            ref_samples[name].append(ctx.spawner.run(Job(argv, ref_env, ctx.repo)))
    ours, off = sides
    result = {
        "title": sc.title,
        "rounds": n,
        "concurrency": sc.concurrency,
        "notes": ctx.notes,
        **ctx.extra,
        "sides": {
            s.name: {
                "wall_s": [round(x.wall, 5) for x in s.samples],
                "maxrss_kib": [x.maxrss_kib for x in s.samples],
                "cpu_s": [round(x.cpu, 5) for x in s.samples],
                "failures": s.failures,
                "last_error": s.last_error,
                "median_wall_s": median([x.wall for x in s.samples]),
                "median_rss_mib": median([x.maxrss_kib for x in s.samples]) / 1024,
            }
            for s in sides
        },
        "wall_ratio": pairwise_ratio([x.wall for x in ours.samples], [x.wall for x in off.samples]),
        "rss_ratio": pairwise_ratio(
            [x.maxrss_kib for x in ours.samples], [x.maxrss_kib for x in off.samples]
        ),
        "references": {
            name: {
                "median_wall_s": median([x.wall for x in samples]),
                "median_rss_mib": median([x.maxrss_kib for x in samples]) / 1024,
                "failures": sum(1 for x in samples if x.rc != 0),
            }
            for name, samples in ref_samples.items()
        },
    }
    if sc.concurrency > 1:
        for s in sides:
            result["sides"][s.name]["throughput_runs_per_s"] = sc.concurrency / median(
                [x.wall for x in s.samples]
            )
    return result


# ---- machine, report --------------------------------------------------------------------------


def machine() -> dict[str, object]:
    cpu = "unknown"
    with open("/proc/cpuinfo") as fh:
        for line in fh:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_kib = 0
    with open("/proc/meminfo") as fh:
        for line in fh:
            if line.startswith("MemTotal:"):
                mem_kib = int(line.split()[1])
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "mem_gib": round(mem_kib / 2**20, 1),
        "kernel": platform.release(),
        "os": platform.platform(terse=True),
        "python": platform.python_version(),
        "hostname": platform.node(),
    }


def floor_rss(spawner: Spawner, root: Path) -> float:
    """ru_maxrss (MiB) of `true` run through the spawner: the smallest figure it can report."""
    return median([spawner.run(Job([TRUE], {}, root)).maxrss_kib for _ in range(5)]) / 1024


def fmt_ratio(x: float) -> str:
    return f"{x:.2f}x" if x == x else "n/a"


def markdown(report: dict) -> str:
    m, lines = report["machine"], []
    load0, load1 = report["load_before"], report["load_after"]
    lines += [
        f"# codex-py vs official Codex CLI {OFFICIAL_VERSION}: `bench/compare`",
        "",
        f"- date: {report['date']}",
        f"- machine: {m['cpu']}, {m['cores']} cores, {m['mem_gib']} GiB, Linux {m['kernel']}, "
        f"Python {m['python']}",
        f"- load average (1/5/15 min): before {load0[0]:.2f}/{load0[1]:.2f}/{load0[2]:.2f}, "
        f"after {load1[0]:.2f}/{load1[1]:.2f}/{load1[2]:.2f}",
        f"- rounds: {report['rounds']} interleaved (halved for the slow rows), warm-up "
        f"{report['warmup']}; RSS floor of the spawner (`true`): {report['rss_floor_mib']:.1f} MiB",
        f"- codex-py installed as: {report.get('install', 'editable')}"
        + (
            " (a wheel of the tree in a venv, bytecode compiled by pip: what users run)"
            if report.get("install") == "wheel"
            else " (`pip install -e`, bytecode in the pycache prefix)"
        ),
        f"- command: `{report['command']}` at git {report['git_head']}"
        + (
            f" + {len(report['uncommitted_src'])} uncommitted src files"
            if report.get("uncommitted_src")
            else ""
        ),
        "",
        "| scenario | official wall s | codex-py wall s | wall ours/official | official RSS MiB "
        "| codex-py RSS MiB | RSS ours/official | failures py/off | n |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for res in report["scenarios"].values():
        py, rs = res["sides"]["codex-py"], res["sides"]["official"]
        lines.append(
            f"| {res['title']} | {rs['median_wall_s']:.3f} | {py['median_wall_s']:.3f} | "
            f"**{fmt_ratio(res['wall_ratio'])}** | {rs['median_rss_mib']:.1f} | "
            f"{py['median_rss_mib']:.1f} | **{fmt_ratio(res['rss_ratio'])}** | "
            f"{py['failures']}/{rs['failures']} | {res['rounds']} |"
        )
    lines += ["", "Reference rows (same rounds, same spawner):", ""]
    for res in report["scenarios"].values():
        for name, ref in res["references"].items():
            lines.append(
                f"- {res['title']}: {name}: {ref['median_wall_s'] * 1000:.1f} ms, "
                f"{ref['median_rss_mib']:.1f} MiB"
            )
    notes = []
    for name, res in report["scenarios"].items():
        for side in ("codex-py", "official"):
            s = res["sides"][side]
            if "throughput_runs_per_s" in s:
                notes.append(
                    f"- {name}: {side} {s['throughput_runs_per_s']:.1f} runs/s "
                    f"(wall = the whole batch of {res['concurrency']}; RSS = median child)"
                )
            if s["last_error"]:
                notes.append(f"- {name}: {side} last failure: `{s['last_error'][:300]}`")
        notes += [f"- {name}: {n}" for n in res["notes"]]
    if notes:
        lines += ["", "Notes:", "", *notes]
    targets = target_lines(report["scenarios"])
    if targets:
        lines += ["", "Issue 10 targets (from this run):", "", *targets]
    return "\n".join(lines) + "\n"


def target_lines(res: dict) -> list[str]:
    out = []

    def side(name: str, who: str, key: str) -> float:
        return res[name]["sides"][who][key]

    def verdict(ok: bool) -> str:
        return "met" if ok else "NOT met"

    if "exec_one_turn" in res:
        w, r = res["exec_one_turn"]["wall_ratio"], res["exec_one_turn"]["rss_ratio"]
        out.append(
            f"- one-turn exec wall ≤ 0.5x: {w:.2f}x ({verdict(w <= 0.5)}); "
            f"peak RSS ≤ 0.33x: {r:.2f}x ({verdict(r <= 1 / 3)})"
        )
    if "exec_100k_deltas" in res:
        w = res["exec_100k_deltas"]["wall_ratio"]
        line = f"- 100k deltas wall ≤ 0.25x: {w:.2f}x ({verdict(w <= 0.25)})"
        if "exec_one_turn" in res:
            d = side("exec_100k_deltas", "codex-py", "median_rss_mib") - side(
                "exec_one_turn", "codex-py", "median_rss_mib"
            )
            line += f"; RSS vs one-turn +{d:.1f} MiB (≤ 10: {verdict(d <= 10)})"
        out.append(line)
    if "sandbox_true" in res:
        refs = res["sandbox_true"]["references"]
        bare = refs.get("bare true (fork+exec)", {}).get("median_wall_s")
        launcher = refs.get("codex-py launcher alone, read-only", {}).get("median_wall_s")
        if bare is not None and launcher is not None:
            d = (launcher - bare) * 1000
            full = (side("sandbox_true", "codex-py", "median_wall_s") - bare) * 1000
            out.append(
                f"- sandbox launch within 2 ms of bare exec: launcher +{d:.2f} ms "
                f"({verdict(d <= 2)}); whole `codex sandbox -- true` +{full:.1f} ms"
            )
    if "resume_30mb" in res:
        w = res["resume_30mb"]["wall_ratio"]
        rss = side("resume_30mb", "codex-py", "median_rss_mib")
        out.append(
            f"- resume 30 MB wall ≤ 0.5x: {w:.2f}x ({verdict(w <= 0.5)}); "
            f"peak RSS ≤ 64 MiB: {rss:.1f} MiB ({verdict(rss <= 64)})"
        )
    if "version" in res:
        w = res["version"]["wall_ratio"]
        out.append(f"- `--version` ≤ 1.5x: {w:.2f}x ({verdict(w <= 1.5)})")
    return out


def save(report: dict, partial: bool) -> list[Path]:
    RESULTS.mkdir(parents=True, exist_ok=True)
    stem = f"compare-{report['date'][:10]}" + ("-partial" if partial else "")
    md, js = markdown(report), json.dumps(report, indent=1, sort_keys=False) + "\n"
    paths = [RESULTS / f"{stem}.md", RESULTS / f"{stem}.json"]
    if not partial:
        paths += [RESULTS / "latest.md", RESULTS / "latest.json"]
    for path in paths:
        path.write_text(md if path.suffix == ".md" else js)
    if not partial and _update_readme(md):
        paths.append(README)
    return paths


README = Path(__file__).resolve().parent / "README.md"
BEGIN, END = "<!-- latest-compare:begin -->", "<!-- latest-compare:end -->"


def _update_readme(md: str) -> bool:
    """Put a full run's table between the markers in bench/README.md (the latest figures)."""
    if not README.exists():
        return False
    text = README.read_text()
    if BEGIN not in text or END not in text:
        return False
    head, rest = text.split(BEGIN, 1)
    _old, tail = rest.split(END, 1)
    body = md.split("\n", 1)[1].lstrip("\n")  # drop the H1: the README has its own heading
    README.write_text(f"{head}{BEGIN}\n{body}{END}{tail}")
    return True


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="bench/compare", description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=10, help="interleaved rounds (default 10)")
    ap.add_argument("--warmup", type=int, default=1, help="warm-up runs per CLI (default 1)")
    ap.add_argument("--quick", action="store_true", help="3 rounds: a smoke run")
    ap.add_argument("--only", default="", help="comma-separated scenario names (see --list)")
    ap.add_argument("--list", action="store_true", help="list the scenarios and exit")
    ap.add_argument("--no-save", action="store_true", help="print only, write no files")
    ap.add_argument(
        "--wheel",
        action="store_true",
        help="measure a wheel of the working tree installed in a cached venv (what users run) "
        "instead of the editable install",
    )
    args = ap.parse_args(argv)
    table = scenarios()
    if args.list:
        for name, sc in table.items():
            print(f"{name:20} {sc.title}")
        return 0
    names = [n for n in args.only.split(",") if n] or list(table)
    unknown = [n for n in names if n not in table]
    if unknown:
        ap.error(f"unknown scenario(s) {', '.join(unknown)}; see --list")
    rounds = 3 if args.quick else args.rounds
    exes = {"official": install_official()}
    if args.wheel:
        exes["codex-py"] = install_wheel()
    else:
        exes["codex-py"] = find_ours()
        prepare_bytecode()
    report: dict = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "command": " ".join(["bench/compare", *(sys.argv[1:] if argv is None else argv)]),
        "machine": machine(),
        "load_before": os.getloadavg(),
        "rounds": rounds,
        "warmup": args.warmup,
        "binaries": {k: portable(v) for k, v in exes.items()},
        "versions": {
            k: subprocess.run([v, "--version"], capture_output=True, text=True).stdout.strip()
            for k, v in exes.items()
        },
        "install": "wheel" if args.wheel else "editable",
        "pycache_prefix": portable(PYCACHE) if not args.wheel else None,
        "git_head": subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
        ).stdout.strip(),
        # The editable install runs the working tree: name what was not committed yet.
        "uncommitted_src": subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--", "src", "csrc"],
            capture_output=True,
            text=True,
        ).stdout.split("\n")[:-1],
        "scenarios": {},
    }
    started = time.perf_counter()
    with work_root("compare-") as tmp, ScriptedServer() as server, Spawner() as spawner:
        root = Path(tmp)
        ctx = Ctx(root, make_repo(root), server, spawner, [], {})
        report["rss_floor_mib"] = floor_rss(spawner, root)
        for name in names:
            t0 = time.perf_counter()
            res = run_scenario(table[name], ctx, exes, rounds, args.warmup)
            report["scenarios"][name] = res
            py, rs = res["sides"]["codex-py"], res["sides"]["official"]
            print(
                f"{name:20} official {rs['median_wall_s']:7.3f} s {rs['median_rss_mib']:6.1f} MiB"
                f" | codex-py {py['median_wall_s']:7.3f} s {py['median_rss_mib']:6.1f} MiB"
                f" | ratio wall {fmt_ratio(res['wall_ratio'])} rss {fmt_ratio(res['rss_ratio'])}"
                f" | fails {py['failures']}/{rs['failures']}  ({time.perf_counter() - t0:.0f} s)",
                flush=True,
            )
    report["load_after"] = os.getloadavg()
    report["elapsed_s"] = round(time.perf_counter() - started, 1)
    print()
    print(markdown(report))
    if not args.no_save:
        partial = args.quick or bool(args.only)
        for path in save(report, partial):
            print(f"wrote {path.relative_to(ROOT)}")
    return 0
