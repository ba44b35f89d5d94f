"""The interactive TUI side by side with the official 0.169 TUI (`--no-daemon`: one process), in
one run, each in its own private tmux server (100x30), fresh CODEX_HOME and scratch git repo,
against the in-repo loopback mock model server. A third side, `bare`, is the baseline of the
launch and RSS phases: a bare Textual app with a TextArea (bench/bare_textual.py), started the
same way, so what codex's own start-up adds to Textual's shows in the same run.

python bench/bench_tui.py [--rounds N] [--only ours|bare|official] [--phase launch|rss|stress|echo]

Phases (issue 17's targets in brackets):
  launch → first frame with the composer (captured as the TUI writes)   [≤ 250 ms]
  idle RSS of the TUI process 1 s after the session is ready              [≤ 80 MiB]
  one reply of 20,000 deltas: Enter → its end marker on screen            [≤ 1 s]
  keystroke echo after 30 turns (one letter → seen in the pane, 1 ms poll) [≤ 16 ms]
Medians (launches and stress replies: --rounds each; the launch rounds alternate between the
sides); ratio = ours / official (< 1: ours is faster / leaner). The load average is printed: on
a shared machine wall times inflate, so the TUI's CPU time is given too (at the first frame, and
for the stress reply). TEXTUAL_SPEEDUPS and TEXTUAL_FPS in the environment are passed on (to
measure what textual-speedups and the TUI's 120 Hz screen timer give: TEXTUAL_SPEEDUPS=0,
TEXTUAL_FPS=60).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.support.mock_config import write_mock_config  # noqa: E402
from tests.support.mock_model_server import MockModelServer  # noqa: E402
from tests.support.model_stream import Message, Turn, Usage  # noqa: E402
from tests.support.official import official_binary  # noqa: E402
from tests.tui.tmux import Pane  # noqa: E402

USAGE = Usage(input_tokens=100, cached_input_tokens=0, output_tokens=10)
END = "END-OF-STRESS"
PASTE_BURST_GAP_S = 0.25
# Settings that keep 0.169's onboarding screens (model migration notice) out of the way.
OFFICIAL_EXTRA = """
[notice.model_migrations]
"gpt-5.5" = "gpt-6-sol"
[tui]
screen_reader_detection_done = true
[tui.model_availability_nux]
"gpt-6.1-sol" = 1
"""


ALL_PHASES = ("launch", "rss", "stress", "echo")


class Side:
    def __init__(
        self,
        name: str,
        argv: list[str],
        composer: Callable[[str], bool],
        phases: tuple[str, ...] = ALL_PHASES,
    ) -> None:
        self.name = name
        self.argv = argv
        self.composer = composer
        self.phases = phases  # what this side can be measured on (the baseline has no model)


def ours() -> Side:
    return Side(
        "ours",
        [sys.executable, "-m", "codex"],
        lambda s: "Ask Codex to do anything" in s and "? for shortcuts" in s,
    )


def bare() -> Side:
    """The baseline: Textual alone (no session, so no "ready" state: RSS is taken 1 s after
    the first frame)."""
    return Side(
        "bare",
        [sys.executable, str(ROOT / "bench" / "bare_textual.py")],
        lambda s: "Ask Codex to do anything" in s and "? for shortcuts" in s,
        phases=("launch", "rss"),
    )


def official() -> Side | None:
    binary = official_binary()
    if binary is None:
        return None
    return Side(
        "official",
        [str(binary), "--no-daemon"],
        lambda s: "? for shortcuts" in s and "›" in s,
    )


def ready(screen: str) -> bool:
    """Session configured: both TUIs then show the model in the status line."""
    return "gpt-5.5" in screen.lower() and "loading" not in screen


def prepare(work: Path, server: MockModelServer, side: Side) -> tuple[Path, Path]:
    home = work / f"home-{side.name}"
    repo = work / f"repo-{side.name}"
    repo.mkdir(parents=True, exist_ok=True)
    (repo / ".git").mkdir(exist_ok=True)
    extra = f'\n[projects."{repo}"]\ntrust_level = "trusted"\n'
    if side.name == "official":
        extra += OFFICIAL_EXTRA
    write_mock_config(home, server.base_url, extra)
    return home, repo


def env_for(home: Path) -> dict[str, str]:
    keep = {
        k: os.environ[k]
        for k in ("PATH", "HOME", "LANG", "TEXTUAL_SPEEDUPS", "TEXTUAL_FPS")
        if k in os.environ
    }
    # The pane's shell inherits the tmux server's environment (this process's): a
    # PYTHONDONTWRITEBYTECODE there would make every launch compile the modules changed since
    # their last byte-compile, which no installed codex does (pip byte-compiles at install).
    # Empty means unset to Python.
    return {
        **keep,
        "CODEX_HOME": str(home),
        "MOCK_KEY": "k",
        "TERM": "xterm-256color",
        "PYTHONDONTWRITEBYTECODE": "",
    }


def byte_compile() -> None:
    """Byte-compile the package as an install would (a checkout being edited has stale or no
    .pyc files for the modules just changed: each launch would compile them)."""
    import compileall

    compileall.compile_dir(ROOT / "src" / "codex", quiet=1, workers=1)


def tui_pid(pane: Pane, deadline: float = 5.0) -> int:
    """The TUI's process: the pane shell's child (`env` execs the TUI in place)."""
    shell = pane.pane_pid()
    end = time.monotonic() + deadline
    while True:
        children = Path(f"/proc/{shell}/task/{shell}/children").read_text().split()
        if children or time.monotonic() > end:
            return int(children[0])
        time.sleep(0.001)  # the shell has not forked yet


STRESS_CPU: dict[str, list[float]] = {}
STRESS_WALL: dict[str, list[float]] = {}
FRAME_CPU_MS: list[float] = []  # the TUI's CPU when the last launch's first frame was seen


def cpu_seconds(pid: int) -> float:
    """User + system CPU of `pid` so far (the machine may be shared: CPU is the steadier
    figure when wall times are inflated by other load)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def launch(work: Path, server: MockModelServer, side: Side, tag: str) -> tuple[Pane, float]:
    home, repo = prepare(work, server, side)
    pane = Pane(work / f"{side.name}-{tag}.sock")
    t0 = time.perf_counter()
    output = work / f"{side.name}-{tag}.out"
    pane.start(side.argv, cwd=repo, env=env_for(home))
    pane.pipe_output(output)
    # Found before the frame, so its CPU is read the moment the frame is seen (a look-up
    # afterwards also counted what the TUI does after its first frame, e.g. loading the config).
    pid = tui_pid(pane)
    # The pane is captured when the TUI wrote something: a capture every 2 ms cost ~260 ms of
    # CPU a launch in tmux clients (~80 ms this way), taken from the 2 CPUs the TUI starts on.
    pane.wait_drawn(side.composer, output, deadline=30)
    ms = (time.perf_counter() - t0) * 1000
    with contextlib.suppress(OSError, IndexError, ValueError):
        FRAME_CPU_MS[:] = [cpu_seconds(pid) * 1000]
    return pane, ms


def bench_launches(
    work: Path, server: MockModelServer, sides: list[Side], rounds: int
) -> dict[str, tuple[float, float]]:
    """Per side, the median over `rounds` launches of the wall time to the first frame with
    the composer, and of the CPU the TUI process had used when that frame was seen (steadier
    than wall time when other load shares the CPUs). The rounds alternate between the sides,
    so a change in the machine's load hits every side alike (the first round of each writes
    its first-run files, as any second start of codex in that home finds them)."""
    times: dict[str, list[float]] = {side.name: [] for side in sides}
    cpus: dict[str, list[float]] = {side.name: [] for side in sides}
    for i in range(rounds):
        for side in sides:
            FRAME_CPU_MS.clear()
            pane, ms = launch(work, server, side, f"launch{i}")
            times[side.name].append(ms)
            cpus[side.name] += FRAME_CPU_MS
            pane.close()
    nan = [float("nan")]
    return {
        name: (statistics.median(times[name]), statistics.median(cpus[name] or nan))
        for name in times
    }


def bench_idle_rss(work: Path, server: MockModelServer, side: Side) -> float:
    pane, _ = launch(work, server, side, "rss")
    try:
        if side.name != "bare":
            pane.wait_for(ready, deadline=30)
        time.sleep(1.0)  # settle: what a user leaves open (not a timing assumption)
        return rss_mib(tui_pid(pane))
    finally:
        pane.close()


def bench_stress(work: Path, server: MockModelServer, side: Side, n: int = 20_000) -> float:
    pane, _ = launch(work, server, side, f"stress{len(STRESS_WALL.get(side.name, []))}")
    try:
        pane.wait_for(ready, deadline=30)
        deltas = ["tok "] * n + [END]
        server.enqueue(Turn([Message("".join(deltas), deltas)], USAGE))
        pane.type("stress")
        pane.wait_for(lambda s: "stress" in s)
        time.sleep(PASTE_BURST_GAP_S)  # (as in bench_echo)
        pid = tui_pid(pane)
        cpu0 = cpu_seconds(pid)
        t0 = time.perf_counter()
        pane.keys("Enter")
        pane.wait_for(lambda s: END in s, deadline=600, poll=0.005)
        wall = (time.perf_counter() - t0) * 1000
        STRESS_CPU.setdefault(side.name, []).append((cpu_seconds(pid) - cpu0) * 1000)
        STRESS_WALL.setdefault(side.name, []).append(wall)
        return wall
    finally:
        pane.close()


def bench_echo(work: Path, server: MockModelServer, side: Side, turns: int = 30) -> float:
    pane, _ = launch(work, server, side, "echo")
    try:
        pane.wait_for(ready, deadline=30)
        # Every request gets the same answer: 0.169 also asks the model for a thread title on
        # the first turn, so replies cannot be scripted one per turn.
        server.repeat(Turn([Message("an answer")], USAGE))
        for i in range(turns):
            asked = len(server.requests)
            pane.type(f"msg-{i:02d}")
            pane.wait_for(lambda s, i=i: f"msg-{i:02d}" in s)
            # 0.169 takes an Enter that follows fast typing as part of a paste (a newline, the
            # message is not sent): Enter comes after its paste-burst window.
            time.sleep(PASTE_BURST_GAP_S)
            pane.keys("Enter")
            end = time.monotonic() + 60
            while len(server.requests) <= asked:  # the turn reached the model
                assert time.monotonic() < end, "turn never reached the mock"
                time.sleep(0.005)
            # ...and the TUI is idle again: empty composer, idle footer.
            pane.wait_for(lambda s: "Ask Codex to do anything" in s and "? for shortcuts" in s)
        samples = []
        for letter in "qwertyuiopasdfghjklz":
            marker = f"{letter}{letter}{letter}"
            t0 = time.perf_counter()
            pane.type(marker)
            pane.wait_for(lambda s, m=marker: m in s, deadline=5, poll=0.001)
            samples.append((time.perf_counter() - t0) * 1000)
            pane.keys("C-u")  # clear the composer (both TUIs: delete to line start)
            pane.wait_for(lambda s, m=marker: m not in s, deadline=5)
        return statistics.median(samples)
    finally:
        server.repeat(None)
        pane.close()


def phase(results: dict[str, float], name: str, run: Callable[..., float], *args: object) -> None:
    """One measurement; a phase that fails is reported (nan, reason on stderr), not fatal."""
    try:
        results[name] = run(*args)
    except AssertionError as err:
        results[name] = float("nan")
        print(f"{name}: failed: {str(err).splitlines()[0]}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--only", choices=("ours", "bare", "official"))
    parser.add_argument(
        "--phase",
        action="append",
        choices=ALL_PHASES,
        help="run only this phase (repeatable; default: all)",
    )
    args = parser.parse_args(argv)
    wanted = set(args.phase or ALL_PHASES)
    sides = [ours(), bare()]
    theirs = official()
    if theirs is None:
        print("official TUI not found: only ours is measured", file=sys.stderr)
    else:
        sides.append(theirs)
    if args.only:
        sides = [s for s in sides if s.name == args.only]
    results: dict[str, dict[str, float]] = {}
    byte_compile()
    load_before = os.getloadavg()[0]
    with MockModelServer() as server, tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for side in sides:
            results[side.name] = {}
        if "launch" in wanted:
            try:
                launches = bench_launches(work, server, sides, args.rounds)
            except AssertionError as err:
                print(f"launch: failed: {str(err).splitlines()[0]}", file=sys.stderr)
                launches = {}
            for name, (wall, cpu) in launches.items():
                results[name]["launch → composer (ms)"] = wall
                results[name]["launch: TUI CPU to that frame (ms)"] = cpu
        for side in sides:
            r = results[side.name]
            todo = wanted & set(side.phases)
            if "rss" in todo:
                phase(r, "idle RSS (MiB)", bench_idle_rss, work, server, side)
            for _ in range(args.rounds if "stress" in todo else 0):
                phase(r, "20k-delta reply rendered (ms)", bench_stress, work, server, side)
            if "stress" in todo:
                nan = [float("nan")]
                r["20k-delta reply rendered (ms)"] = statistics.median(
                    STRESS_WALL.get(side.name, nan)
                )
                r["20k-delta reply: TUI CPU (ms)"] = statistics.median(
                    STRESS_CPU.get(side.name, nan)
                )
            if "echo" in todo:
                phase(r, "keystroke echo after 30 turns (ms)", bench_echo, work, server, side)
            if r:
                print(f"{side.name}: {r}", file=sys.stderr)
    print(
        f"load average: {load_before:.1f} before, {os.getloadavg()[0]:.1f} after, "
        f"on {os.cpu_count()} CPUs"
    )
    names = list(dict.fromkeys(name for r in results.values() for name in r))
    print(f"{'metric':40} {'ours':>10} {'bare':>10} {'official':>10} {'ratio':>7}")
    for name in names:
        a = results.get("ours", {}).get(name)
        b = results.get("official", {}).get(name)
        ratio = f"{a / b:.2f}" if a is not None and b else "-"
        cells = [results.get(s, {}).get(name) for s in ("ours", "bare", "official")]
        shown = [f"{v:.1f}" if v is not None else "-" for v in cells]
        print(f"{name:40} {shown[0]:>10} {shown[1]:>10} {shown[2]:>10} {ratio:>7}")
    print("ratio = ours / official; bare = a bare Textual app with a TextArea (the floor)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
