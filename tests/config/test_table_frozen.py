"""Config tables stay frozen however they are built: validated, unpickled from the validated-config
cache, copied or evolved. (Tables are frozen by codex.config.schema's set-once `__setattr__`
instead of `dataclass(frozen=True)`, whose generated methods cost a third of the schema's
import and were replaced anyway.)"""

from __future__ import annotations

import copy
import dataclasses
import pickle
from pathlib import Path

import pytest

from codex._memo import is_frozen
from codex.config import ConfigOverrides, load_config
from codex.config.schema import evolve


def _load(tmp_path: Path) -> object:
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text(
        'model = "gpt-5.5"\nsurprise = 1\n[sandbox_workspace_write]\nwritable_roots = ["/w"]\n'
    )
    return load_config(ConfigOverrides(config_home=str(home)), cwd=tmp_path)


def _assert_frozen(config: object) -> None:
    for name in ("model", "sandbox_workspace_write", "not_a_field"):
        with pytest.raises(dataclasses.FrozenInstanceError, match="frozen"):
            setattr(config, name, "x")
    with pytest.raises(dataclasses.FrozenInstanceError):
        del config.model  # type: ignore[attr-defined]
    table = config.sandbox_workspace_write  # type: ignore[attr-defined]
    with pytest.raises(dataclasses.FrozenInstanceError):
        table.writable_roots = []
    assert is_frozen(config) and is_frozen(table)


def test_every_way_of_building_a_config_gives_a_frozen_one(tmp_path: Path) -> None:
    config = _load(tmp_path)
    _assert_frozen(config)
    assert config.model_extra == {"surprise": 1}  # type: ignore[attr-defined]

    for other in (
        pickle.loads(pickle.dumps(config, protocol=pickle.HIGHEST_PROTOCOL)),  # the cache's way
        copy.copy(config),
        copy.deepcopy(config),
    ):
        assert other == config
        assert other.model_extra == {"surprise": 1}
        _assert_frozen(other)

    changed = evolve(config, model="o3")
    assert changed.model == "o3" and changed.model_extra == {"surprise": 1}  # type: ignore[attr-defined]
    _assert_frozen(changed)
