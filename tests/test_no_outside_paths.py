"""No file of the project depends on a path outside the checkout.

A fresh clone must build, test and benchmark on any machine, so sources, tests, benchmarks,
scripts, CI and docs may name only paths inside the checkout, the user's cache dirs (through
$XDG_CACHE_HOME / ~ / environment variables) and standard system paths (/dev/null, /proc,
/usr/bin/env, /etc/...). Machine-specific roots (/work, /root, /home, /opt, /srv, /mnt, ...) crept
in once (reference samples read from the development machine, a hard-coded anchor folder) and
made tests skip or fail elsewhere; this scan keeps them out. Inputs that only look like such a path
(data handed to a pure function, never opened) are listed in ALLOWED with the reason.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from tests.support.official import SAMPLES

REPO = Path(__file__).resolve().parents[1]
THIS = Path(__file__).resolve().relative_to(REPO).as_posix()

# Top-level directories that exist only on some machines (a user's home, a build farm's mount).
MACHINE_ROOTS = ("work", "root", "home", "opt", "srv", "mnt", "media", "Users", "scratch", "nfs")
_ROOTS = "|".join(MACHINE_ROOTS)
# An absolute path starts a token: at the start of a line or after a blank, quote, `=`, `(`, ...
# (so `</root>`, `a/home/b`, `<pid>/root` and `{x}/root` are not paths of their own), or right
# after `file://`.
PATH = re.compile(rf"(?:(?<![^\s\"'`=(\[,:;|])|(?<=file://))/(?:{_ROOTS})(?=/|\b)[^\s\"'`)\]>,;]*")

# Exact path-like strings that are data, not locations this project reads or writes.
ALLOWED: dict[str, str] = {
    "/home/user/project": "a cwd value in a protocol serialization test, never opened",
    "/opt/npm": "an argv[0] the execpolicy resolves by basename, never executed",
    "/root/suid.txt": "part of a command line classified as unsafe, never run",
    "/root": "0.169's agent_name of a thread's root agent in x-codex-turn-metadata (a position in "
    "its agent tree, not a file path), sent as a header value and captured in a fixture",
    "/home/me/.codex/hooks.json:pre_tool_use:0:0": "README: what a hook trust record is named "
    "([hooks.state] key), an example, never opened",
}


def tracked_text_files() -> list[str]:
    """The files git would commit: tracked plus untracked-but-not-ignored (new work counts)."""
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("not a git checkout (e.g. an unpacked sdist): nothing to scan")
    out = subprocess.run(
        ["git", "-C", str(REPO), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True,
        check=True,
    ).stdout
    return sorted({name for name in out.decode().split("\0") if name})


def outside_paths(text: str) -> list[str]:
    return [m.group(0) for m in PATH.finditer(text) if m.group(0) not in ALLOWED]


def test_the_pattern_finds_machine_paths_and_spares_the_rest() -> None:
    found = outside_paths(
        'a = Path("/work/shared/spec")\n'
        "ANCHOR=/work/anchor\n"
        "see file:///opt/pypi/simple and `/root/.cache/x`\n"
        "cd /home/me && ls\n"
    )
    assert found == [
        "/work/shared/spec",
        "/work/anchor",
        "/opt/pypi/simple",
        "/root/.cache/x",
        "/home/me",
    ]
    spared = (
        "#!/usr/bin/env bash\n"
        "x >/dev/null 2>&1; cat /proc/self/status /etc/passwd\n"
        'f"/proc/{pid}/root{path}" and /proc/<pid>/root and "<root>a</root>"\n'
        "src/work/x and ~/.cache/codex-py\n"
        'policy.check(["/opt/npm", "test"])\n'
    )
    assert outside_paths(spared) == []


def test_no_tracked_file_names_a_path_outside_the_checkout() -> None:
    offenders = []
    for name in tracked_text_files():
        if name == THIS:
            continue  # the examples above
        path = REPO / name
        if not path.is_file():
            continue  # deleted in the working tree, or a submodule
        data = path.read_bytes()
        if b"\0" in data[:8192]:
            continue  # binary
        for lineno, line in enumerate(data.decode("utf-8", "replace").splitlines(), 1):
            offenders += [f"{name}:{lineno}: {hit}" for hit in outside_paths(line)]
    assert offenders == [], (
        "paths outside the checkout (use a path relative to the repository, the user's cache dir "
        "or an environment variable; data that only looks like a path goes in ALLOWED):\n"
        + "\n".join(offenders)
    )


def test_the_official_samples_are_in_the_checkout() -> None:
    """The comparisons with the official CLI's output run everywhere: nothing to skip on."""
    streams = sorted(p.name for p in (SAMPLES / "exec-json").glob("*.jsonl"))
    assert {"A.jsonl", "B.jsonl", "D.jsonl", "E400.jsonl", "min-M9.jsonl"} <= set(streams)
    rollouts = {p.name for p in (SAMPLES / "rollouts").glob("*.rollout.jsonl")}
    assert rollouts == {"B.rollout.jsonl", "D.rollout.jsonl", "appserver.rollout.jsonl"}
    assert (SAMPLES / "official-0.169-tools.json").is_file()
