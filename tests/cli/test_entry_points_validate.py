"""Every entry point that reads configuration validates all of it the same way: a bad `-c` value
stops `debug config`, `features list`, `sandbox`, `login status`, `logout`, `archive`,
`unarchive`, `delete` and `exec` alike with the same one line (0.169 refuses each of them too;
`archive`/`unarchive`/`delete` used to skip the config and go on)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from tests.support.official import official_binary

OFFICIAL = official_binary()
UUID = "00000000-0000-4000-8000-000000000000"
ENTRY_POINTS = [
    ["features", "list"],
    ["sandbox", "--", "true"],
    ["login", "status"],
    ["logout"],
    ["archive", UUID],
    ["unarchive", UUID],
    ["delete", "--force", UUID],
    ["exec", "--skip-git-repo-check", "hi"],
]
BAD = ["-c", 'approval_policy="bogus"']


def _run(argv: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CODEX_", "OPENAI_"))}
    env.update(CODEX_HOME=str(home), HOME=str(home))
    return subprocess.run(
        argv,
        cwd=home,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("command", ENTRY_POINTS, ids=lambda c: " ".join(c[:2]))
def test_every_entry_point_refuses_a_bad_override_in_one_line(
    command: list[str], tmp_path: Path
) -> None:
    reference = _run([sys.executable, "-m", "codex", *BAD, "debug", "config"], tmp_path)
    (expected,) = reference.stderr.splitlines()
    proc = _run([sys.executable, "-m", "codex", *BAD, *command], tmp_path)
    assert proc.returncode != 0
    errors = [
        line
        for line in proc.stderr.splitlines()
        if line != "Reading additional input from stdin..."
    ]
    assert errors == [expected]
    assert proc.stdout == ""


@pytest.mark.skipif(OFFICIAL is None, reason="needs the official codex 0.169")
@pytest.mark.parametrize("command", ENTRY_POINTS, ids=lambda c: " ".join(c[:2]))
def test_the_official_cli_refuses_them_too(command: list[str], tmp_path: Path) -> None:
    proc = _run([str(OFFICIAL), *BAD, *command], tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert "bogus" in proc.stderr or "failed to load config.toml" in proc.stderr
