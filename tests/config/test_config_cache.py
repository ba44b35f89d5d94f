"""The validated-config cache: a repeat run of a configuration pydantic had to validate (one the
pydantic-free fast path declines) gets its `Config` without importing pydantic; any change of
input is a new validation; errors are never cached; a broken cache is ignored. Real CLI runs in
a scratch HOME (`codex debug config`). The common case never reaches the cache
(test_fast_validate.py)."""

from __future__ import annotations

import os
import pickle
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from tests.support.codex_cli import RunCodex

from codex.config import ConfigOverrides, load_config
from codex.config.cache import KEEP, cache_dir

# Valid, but declined by the fast path (an int for a float beyond the floats' exact range is
# left to pydantic's rounding): pydantic validates it, and the cache remembers that.
DECLINED = (
    "mcp_servers.big = "
    '{ command = "true", enabled = false, startup_timeout_sec = 9007199254740993 }\n'
)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "codex-home"
    path.mkdir()
    (path / "config.toml").write_text(DECLINED + 'model = "first"\n')
    return path


def pydantic_modules(result: subprocess.CompletedProcess[str]) -> list[str]:
    """The pydantic modules a `python -X importtime` run imported."""
    names = [line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines()]
    return [n for n in names if n.split(".")[0] in ("pydantic", "pydantic_core")]


def show(
    scratch_env: dict[str, str], tmp_path: Path, home: Path, *args: str, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """`codex debug config` under `-X importtime` (bytecode not written, as everywhere here)."""
    codex = [sys.executable, "-X", "importtime", "-m", "codex"]
    return subprocess.run(
        [*codex, "--config-home", str(home), *args, "debug", "config"],
        cwd=cwd or tmp_path,
        env=scratch_env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def value(result: subprocess.CompletedProcess[str], key: str) -> str:
    assert result.returncode == 0, result.stderr[-2000:]
    line = next(line for line in result.stdout.splitlines() if line.startswith(f"{key} = "))
    return line.split(" = ", 1)[1]


def cached(home: Path) -> list[Path]:
    directory = cache_dir(home)
    return sorted(directory.iterdir()) if directory.is_dir() else []


def test_second_run_does_not_import_pydantic(
    scratch_env: dict[str, str], tmp_path: Path, home: Path
) -> None:
    first = show(scratch_env, tmp_path, home)
    assert value(first, "model").startswith('"first"')
    assert "pydantic" in pydantic_modules(first)
    second = show(scratch_env, tmp_path, home)
    assert pydantic_modules(second) == []
    assert second.stdout == first.stdout
    [entry] = cached(home)
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600
    assert stat.S_IMODE(entry.parent.stat().st_mode) == 0o700


def test_editing_config_toml_is_seen_and_validated_again(
    scratch_env: dict[str, str], tmp_path: Path, home: Path
) -> None:
    assert value(show(scratch_env, tmp_path, home), "model").startswith('"first"')
    (home / "config.toml").write_text(DECLINED + 'model = "second"\n')
    again = show(scratch_env, tmp_path, home)
    assert value(again, "model").startswith('"second"')
    assert "pydantic" in pydantic_modules(again)
    (home / "config.toml").write_text(DECLINED + 'model = "first"\n')  # back to a cached one
    back = show(scratch_env, tmp_path, home)
    assert value(back, "model").startswith('"first"')
    assert pydantic_modules(back) == []
    (home / "config.toml").write_text(DECLINED + "model = 5\n")
    bad = show(scratch_env, tmp_path, home)
    assert bad.returncode == 2
    assert (
        bad.stderr.splitlines()[-1]
        == f"codex: {home / 'config.toml'}: model: expected a string, got 5"
    )


def test_c_override_is_part_of_the_key_and_origins_are_this_runs(
    scratch_env: dict[str, str], tmp_path: Path, home: Path
) -> None:
    assert value(show(scratch_env, tmp_path, home, "-c", "model=x"), "model").endswith(
        "# -c model=x"
    )
    other = show(scratch_env, tmp_path, home, "-c", "model=y")
    assert value(other, "model").startswith('"y"')
    # The same effective tree from the file instead of `-c`: a cache hit, but its own origins.
    (home / "config.toml").write_text(DECLINED + 'model = "x"\n')
    from_file = show(scratch_env, tmp_path, home)
    assert pydantic_modules(from_file) == []
    assert value(from_file, "model").endswith(f"# {home / 'config.toml'}")


def test_project_trust_of_the_cwd_is_part_of_the_key(
    scratch_env: dict[str, str], tmp_path: Path, home: Path
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (home / "config.toml").write_text(f'[projects."{project}"]\ntrust_level = "trusted"\n')
    assert value(show(scratch_env, tmp_path, home, cwd=project), "sandbox_mode").startswith(
        '"workspace-write"'
    )
    assert value(show(scratch_env, tmp_path, home), "sandbox_mode").startswith('"read-only"')
    (home / "config.toml").write_text(f'[projects."{project}"]\ntrust_level = "untrusted"\n')
    untrusted = show(scratch_env, tmp_path, home, cwd=project)
    assert value(untrusted, "approval_policy").startswith('"untrusted"')


def test_invalid_config_is_reported_the_same_every_time_and_never_cached(
    run_codex: RunCodex, home: Path
) -> None:
    (home / "config.toml").write_text('sandbox_mode = "bogus"\n[tui]\nanimations = 1\n')
    runs = [run_codex("--config-home", str(home), "debug", "config") for _ in range(2)]
    assert [r.returncode for r in runs] == [2, 2]
    assert runs[0].stderr == runs[1].stderr
    assert runs[0].stderr == (
        f"codex: {home / 'config.toml'}: sandbox_mode: expected one of read-only, "
        'workspace-write, danger-full-access, got "bogus" (and 1 more problem)\n'
    )
    assert cached(home) == []


def test_a_toml_date_is_not_the_string_of_it(run_codex: RunCodex, home: Path) -> None:
    (home / "config.toml").write_text('model = "1979-05-27"\n')
    assert run_codex("--config-home", str(home), "debug", "config").returncode == 0
    (home / "config.toml").write_text("model = 1979-05-27\n")
    result = run_codex("--config-home", str(home), "debug", "config")
    assert result.returncode == 2
    assert result.stderr.endswith("model: expected a string, got a date\n")


def test_a_corrupt_cache_file_is_ignored_and_replaced(
    scratch_env: dict[str, str], tmp_path: Path, home: Path
) -> None:
    first = show(scratch_env, tmp_path, home)
    [entry] = cached(home)
    entry.write_bytes(b"not a pickle")
    again = show(scratch_env, tmp_path, home)
    assert again.stdout == first.stdout
    assert "Traceback" not in again.stderr
    assert "pydantic" in pydantic_modules(again)
    [replaced] = cached(home)
    assert pickle.loads(replaced.read_bytes()).model == "first"
    assert pydantic_modules(show(scratch_env, tmp_path, home)) == []


def test_an_unusable_cache_location_just_validates(run_codex: RunCodex, home: Path) -> None:
    (home / "cache").write_text("a file where the cache directory would go")
    for _ in range(2):
        result = run_codex("--config-home", str(home), "debug", "config")
        assert result.returncode == 0
        assert result.stderr == ""
        assert 'model = "first"' in result.stdout


def test_a_fresh_empty_home_gets_no_cache(run_codex: RunCodex, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    for _ in range(2):
        assert run_codex("--config-home", str(empty), "debug", "config").returncode == 0
    assert list(empty.iterdir()) == []


def test_the_cache_keeps_the_most_recently_used(
    monkeypatch: pytest.MonkeyPatch, home: Path
) -> None:
    monkeypatch.setenv("HOME", str(home.parent))
    monkeypatch.chdir(home.parent)

    def load(model: str) -> str:
        overrides = ConfigOverrides(config_home=str(home), cli_overrides=(f"model={model}",))
        return load_config(overrides, managed_config_files=()).model

    names = ["kept", *(f"m{n}" for n in range(KEEP - 1))]
    files = []
    for name in names:
        assert load(name) == name
        files.append(next(p for p in cached(home) if p not in files))
    assert len(cached(home)) == KEEP
    for age, path in enumerate(files):  # "kept" used longest ago, then m0, m1, ...
        os.utime(path, ns=(10**12 + age, 10**12 + age))
    assert load("kept") == "kept"  # a hit makes it the most recently used
    assert load("new1") == "new1"
    assert load("new2") == "new2"
    entries = cached(home)
    assert len(entries) == KEEP
    assert files[0] in entries
    assert files[1] not in entries and files[2] not in entries
    assert files[3] in entries


def test_a_cache_file_others_may_write_is_not_trusted(
    scratch_env: dict[str, str], tmp_path: Path, home: Path
) -> None:
    show(scratch_env, tmp_path, home)
    [entry] = cached(home)
    entry.chmod(0o666)
    again = show(scratch_env, tmp_path, home)
    assert value(again, "model").startswith('"first"')
    assert "pydantic" in pydantic_modules(again)
    [replaced] = cached(home)
    assert stat.S_IMODE(replaced.stat().st_mode) == 0o600
