"""`codex features list|enable|disable` through the real CLI: the listing shows each feature's
stage and effective state (config, profile and command-line flags applied); enable/disable edit
config.toml in place, keeping what they do not touch, and refuse unknown names untouched."""

from __future__ import annotations

import re
from pathlib import Path

from tests.support.codex_cli import RunCodex

from codex.config.features import FEATURE_DEFAULTS, FEATURE_STAGES


def listing(run_codex: RunCodex, home: Path, *args: str) -> dict[str, tuple[str, str]]:
    res = run_codex("--config-home", str(home), "features", "list", *args)
    assert res.returncode == 0, res.stderr
    # Columns are padded with two spaces or more; a stage may be two words ("under development").
    rows = [re.split(r"\s{2,}", line.strip()) for line in res.stdout.splitlines()]
    assert all(len(row) == 3 for row in rows), res.stdout
    return {name: (stage, state) for name, stage, state in rows}


def test_list_shows_every_feature_with_its_effective_state(
    run_codex: RunCodex, tmp_path: Path
) -> None:
    home = tmp_path / "codex-home"
    home.mkdir()
    (home / "config.toml").write_text("[features]\nparallel = true\n")
    rows = listing(run_codex, home)
    assert sorted(rows) == sorted(FEATURE_DEFAULTS) == list(rows)
    assert rows["parallel"] == (FEATURE_STAGES["parallel"], "true")
    assert rows["undo"][1] == "true"
    flagged = listing(run_codex, home, "--disable", "undo", "-c", "features.unified_exec=true")
    assert flagged["undo"][1] == "false" and flagged["unified_exec"][1] == "true"


def test_enable_and_disable_edit_config_in_place(run_codex: RunCodex, tmp_path: Path) -> None:
    home = tmp_path / "codex-home"
    home.mkdir()
    config = home / "config.toml"
    config.write_text('# keep me\nmodel = "o3"  # and me\n')
    res = run_codex(
        "--config-home", str(home), "features", "enable", "experimental_use_unified_exec_tool"
    )
    assert res.returncode == 0, res.stderr
    assert res.stdout == "Enabled feature `unified_exec` in config.toml.\n"
    res = run_codex("--config-home", str(home), "features", "disable", "undo")
    assert res.stdout == "Disabled feature `undo` in config.toml.\n"
    text = config.read_text()
    assert text.startswith('# keep me\nmodel = "o3"  # and me\n')
    assert "[features]\nunified_exec = true\nundo = false\n" in text
    rows = listing(run_codex, home)
    assert rows["unified_exec"][1] == "true" and rows["undo"][1] == "false"
    # As 0.169: disabling a feature that is off by default drops its key.
    res = run_codex("--config-home", str(home), "features", "disable", "unified_exec")
    assert res.returncode == 0, res.stderr
    assert config.read_text().endswith("[features]\nundo = false\n")
    assert listing(run_codex, home)["unified_exec"][1] == "false"


def test_unknown_feature_is_refused_and_nothing_is_written(
    run_codex: RunCodex, tmp_path: Path
) -> None:
    home = tmp_path / "codex-home"
    home.mkdir()
    config = home / "config.toml"
    config.write_text('model = "o3"\n[profiles.p]\nmodel = "o4-mini"\n')
    cases = (
        (["features", "enable", "warp_drive"], 1),  # 0.169's exit code for an unknown feature
        (["-p", "p", "features", "enable", "undo"], 1),  # a profile does not apply
        (["features", "enable"], 2),
        (["features", "list", "undo"], 2),
    )
    for argv, code in cases:
        res = run_codex("--config-home", str(home), *argv)
        assert res.returncode == code, (argv, res.stderr)
        assert res.stdout == "" and len(res.stderr.splitlines()) == 1, res.stderr
    assert config.read_text() == 'model = "o3"\n[profiles.p]\nmodel = "o4-mini"\n'


def test_enable_writes_the_explicit_config_file(run_codex: RunCodex, tmp_path: Path) -> None:
    home = tmp_path / "codex-home"
    home.mkdir()
    team = tmp_path / "team.toml"
    team.write_text("# team settings\n")
    res = run_codex(
        "--config-home", str(home), "--config-file", str(team), "features", "enable", "parallel"
    )
    assert res.returncode == 0, res.stderr
    assert team.read_text() == "# team settings\n\n[features]\nparallel = true\n"
    assert not (home / "config.toml").exists()
