"""`service_tier` is a config key (0.169: a string, any name; codex.core.service_tier maps it):
read from config.toml and `-c`, `-c` winning; both validation paths (the pydantic-free
codex.config.fast_validate and pydantic) build the same Config with it, and both refuse a value
that is no string, which stops loading with one line naming the key (0.169: "invalid type:
integer `1`, expected a string / in `service_tier`")."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from codex.config import Config, ConfigOverrides, load_config
from codex.config.fast_validate import fast_config
from codex.config.validate import adapter, keep_unknown_keys
from codex.errors import UsageError

WHERE = {"codex_home": Path("/h"), "config_file": Path("/h/config.toml"), "cwd": Path("/w")}


def _load(home: Path, text: str, *overrides: str) -> object:
    home.mkdir(exist_ok=True)
    (home / "config.toml").write_text(text)
    config = load_config(
        ConfigOverrides(config_home=str(home), cli_overrides=overrides), managed_config_files=()
    )
    return config.service_tier


def test_read_from_the_file_and_from_c(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert _load(home, "") is None
    assert _load(home, 'service_tier = "fast"\n') == "fast"
    assert _load(home, 'service_tier = "fast"\n', "service_tier=flex") == "flex"
    assert _load(home, "", "service_tier=anything") == "anything"  # warned about per turn


@pytest.mark.parametrize("value", ["fast", "flex", "default", "priority", "bogus"])
def test_both_validation_paths_build_the_same_config(value: str) -> None:
    tree = {**WHERE, "service_tier": value}
    fast = fast_config(dict(tree))
    assert fast is not None and fast.service_tier == value  # the fast path answers itself
    slow = adapter(Config).validate_python(dict(tree))
    keep_unknown_keys(slow, tree)
    assert slow == fast


@pytest.mark.parametrize("value", [1, True, ["fast"], {"tier": "fast"}])
def test_a_value_that_is_no_string_is_refused_by_both(tmp_path: Path, value: object) -> None:
    assert fast_config({**WHERE, "service_tier": value}) is None
    with pytest.raises(ValidationError):
        adapter(Config).validate_python({**WHERE, "service_tier": value})


def test_a_bad_value_stops_loading_with_one_line(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as err:
        _load(tmp_path / "home", "service_tier = 1\n")
    assert "service_tier: expected a string, got 1" in str(err.value)
