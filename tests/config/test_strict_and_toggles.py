"""The 0.169 config flags through the real CLI: `--strict-config` (unknown fields are an error,
also when the validated config comes from the cache) and `--enable`/`--disable FEATURE`
(`-c features.FEATURE=…` overrides, every disable after every enable; an unknown name is an
error). `codex exec --ignore-user-config` is in tests/exec/test_exec_config_flags.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.support.codex_cli import RunCodex

UNKNOWN = 'bogus_key = 1\nmodel = "o3"\n[tui]\nfoo = 2\n[model_providers.p]\nname = "p"\nwat = 3\n'


def write_home(tmp_path: Path, text: str) -> Path:
    home = tmp_path / "codex-home"
    home.mkdir()
    (home / "config.toml").write_text(text)
    return home


def features(run_codex: RunCodex, home: Path, *args: str) -> dict[str, bool]:
    res = run_codex("--config-home", str(home), *args)
    assert res.returncode == 0, res.stderr
    values = json.loads(res.stdout)["values"]
    return {k.removeprefix("features."): v["value"] for k, v in values.items() if "features." in k}


def test_without_strict_unknown_fields_are_ignored(run_codex: RunCodex, tmp_path: Path) -> None:
    home = write_home(tmp_path, UNKNOWN)
    res = run_codex("--config-home", str(home), "debug", "config", "--json")
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["values"]["model"]["value"] == "o3"


# Valid, but declined by the pydantic-free fast path (an int for a float beyond the floats' exact
# range): pydantic validates it, and the validated-config cache serves the repeat run.
DECLINED = (
    "mcp_servers.big = "
    '{ command = "true", enabled = false, startup_timeout_sec = 9007199254740993 }\n'
)


@pytest.mark.parametrize("declined", [False, True], ids=["fast", "pydantic-then-cache"])
@pytest.mark.parametrize("where", ["before", "after"])
def test_strict_config_names_every_unknown_field_in_one_line(
    run_codex: RunCodex, tmp_path: Path, where: str, declined: bool
) -> None:
    home = write_home(tmp_path, (DECLINED if declined else "") + UNKNOWN)
    # Twice: for a declined config the second run validates nothing and takes it from the cache.
    for _ in range(2):
        args = ["debug", "config"]
        args = ["--strict-config", *args] if where == "before" else [*args, "--strict-config"]
        res = run_codex("--config-home", str(home), *args)
        assert res.returncode == 2, res.stderr
        assert res.stdout == ""
        assert res.stderr.splitlines() == [
            f"codex: {home / 'config.toml'}: unknown configuration fields `bogus_key`, "
            "`model_providers.p.wat`, `tui.foo` (--strict-config)"
        ]
    cached = home / "cache" / "config"
    assert (cached.is_dir() and any(cached.iterdir())) == declined


def test_strict_config_names_the_override_that_set_an_unknown_field(
    run_codex: RunCodex, tmp_path: Path
) -> None:
    home = write_home(tmp_path, 'model = "o3"\n')
    res = run_codex("--config-home", str(home), "--strict-config", "debug", "config")
    assert res.returncode == 0, res.stderr
    res = run_codex(
        "--config-home", str(home), "--strict-config", "-c", "nope=1", "debug", "config"
    )  # fmt: skip
    assert res.returncode == 2
    assert res.stderr.splitlines() == [
        "codex: -c nope=1: unknown configuration field `nope` (--strict-config)"
    ]


def test_enable_and_disable_are_features_overrides_where_disable_wins(
    run_codex: RunCodex, tmp_path: Path
) -> None:
    home = write_home(tmp_path, "[features]\nunified_exec = false\n")
    json_args = ("debug", "config", "--json")
    assert features(run_codex, home, *json_args)["unified_exec"] is False
    assert features(run_codex, home, "--enable", "unified_exec", *json_args)["unified_exec"] is True
    # As upstream: every enable, then every disable, whatever the order on the command line.
    for first, second in (("--enable", "--disable"), ("--disable", "--enable")):
        both = features(run_codex, home, first, "unified_exec", *json_args, second, "unified_exec")
        assert both["unified_exec"] is False
    # A legacy spelling names its feature, as in [features].
    legacy = features(run_codex, home, "--enable", "experimental_use_unified_exec_tool", *json_args)
    assert legacy["unified_exec"] is True
    assert features(run_codex, home, "--disable", "undo", *json_args)["undo"] is False


def test_unknown_feature_flag_is_a_one_line_error(run_codex: RunCodex, tmp_path: Path) -> None:
    home = write_home(tmp_path, "")
    res = run_codex("--config-home", str(home), "--enable", "no_such_thing", "debug", "config")
    assert res.returncode == 2
    assert res.stdout == ""
    assert res.stderr.splitlines() == [
        "codex: unknown feature flag: no_such_thing (`codex features list` lists them)"
    ]


def test_toggles_are_overrides_a_profile_still_beats(run_codex: RunCodex, tmp_path: Path) -> None:
    home = write_home(tmp_path, 'profile = "p"\n[profiles.p.features]\nunified_exec = false\n')
    json_args = ("debug", "config", "--json")
    assert (
        features(run_codex, home, "--enable", "unified_exec", *json_args)["unified_exec"] is False
    )
    res = run_codex(
        "--config-home", str(home), "--enable", "undo", "--disable", "parallel", "debug", "config"
    )
    assert res.returncode == 0, res.stderr
    lines = {line.split(" =")[0]: line for line in res.stdout.splitlines() if " = " in line}
    assert lines["features.undo"].endswith("# --enable undo")
    assert lines["features.parallel"].endswith("# --disable parallel")


def test_strict_config_knows_what_codex_reads_and_checks_feature_tables(
    run_codex: RunCodex, tmp_path: Path
) -> None:
    known = (
        'tool_hook_command = ["/bin/true"]\ntool_hook_timeout_ms = 300\n'
        "experimental_use_unified_exec_tool = true\n[tools]\nweb_search = true\n"
        "[features]\nweb_search = true\n[profiles.p]\ntools_view_image = true\n"
        "include_apply_patch_tool = true\n"
    )
    home = write_home(tmp_path, known)
    res = run_codex("--config-home", str(home), "--strict-config", "debug", "config")
    assert res.returncode == 0, res.stderr
    (home / "config.toml").write_text(known + "[profiles.p.features]\nnope = true\n")
    res = run_codex("--config-home", str(home), "--strict-config", "-c", "zz=1", "debug", "config")
    assert res.returncode == 2
    assert res.stderr.splitlines() == [
        f"codex: {home / 'config.toml'}: unknown configuration field `profiles.p.features.nope`; "
        "-c zz=1: unknown configuration field `zz` (--strict-config)"
    ]
