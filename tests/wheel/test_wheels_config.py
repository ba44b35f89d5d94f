"""wheels.yml and [tool.cibuildwheel]: the root file is the workflow GitHub runs, and
cibuildwheel (when installed) lists exactly the intended builds."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
INTENDED = {
    "linux": ["cp311-manylinux_x86_64", "cp311-manylinux_aarch64", "cp311-musllinux_x86_64"],
    "macos": ["cp311-macosx_x86_64", "cp311-macosx_arm64"],
    "windows": ["cp311-win_amd64"],
}


def test_root_wheels_yml_is_the_workflow_github_reads():
    root = ROOT / "wheels.yml"
    assert root.is_symlink()
    assert root.resolve() == (ROOT / ".github/workflows/wheels.yml").resolve()
    text = root.read_text()
    assert "pypa/cibuildwheel@" in text and "tests/wheel_smoke" in text


@pytest.mark.parametrize("platform", sorted(INTENDED))
def test_cibuildwheel_lists_the_intended_builds(platform: str):
    exe = Path(sys.executable).parent / "cibuildwheel"
    if not exe.exists():
        found = shutil.which("cibuildwheel")
        if found is None:
            pytest.skip("cibuildwheel is not installed (pip install cibuildwheel)")
        exe = Path(found)
    out = subprocess.run(
        [str(exe), "--print-build-identifiers", "--platform", platform],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert sorted(out.stdout.split()) == sorted(INTENDED[platform])
