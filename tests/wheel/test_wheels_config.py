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


# Hosted-runner images GitHub has retired (a job naming one waits for a runner forever):
# actions/runner-images#13046 (macos-13, Dec 2025), #13518 (macos-14, Nov 2026), and earlier ones.
RETIRED_RUNNERS = {
    "macos-10.15", "macos-11", "macos-12", "macos-13", "macos-13-large", "macos-13-xlarge",
    "macos-14", "macos-14-large", "macos-14-xlarge",
    "ubuntu-18.04", "ubuntu-20.04", "windows-2016", "windows-2019",
}  # fmt: skip


def test_every_job_runs_on_a_runner_github_still_has():
    import yaml

    workflow = yaml.safe_load((ROOT / ".github/workflows/wheels.yml").read_text())
    labels: dict[str, str] = {}
    for job_name, job in workflow["jobs"].items():
        for entry in job.get("strategy", {}).get("matrix", {}).get("include", []):
            labels[f"{job_name}: {entry['name']}"] = entry["os"]
        if "${{" not in job["runs-on"]:
            labels[job_name] = job["runs-on"]
    assert {job: os for job, os in labels.items() if os in RETIRED_RUNNERS} == {}
    # The x86_64 macOS wheel is built natively, so its runner must be an Intel image.
    [intel] = [os for job, os in labels.items() if job.endswith("macOS x86_64")]
    assert intel.endswith("-intel"), intel
