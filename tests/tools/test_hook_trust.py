"""Hook trust keys and hashes are 0.169's (tests/fixtures/hook_trust_official.json, captured from
its app-server's `hooks/list` by tests/tools/capture_hook_trust.py): for the same hooks.json and
`[hooks.state]` records, every hook gets the same key, hash, trust status and enabled state, so
a hook trusted in one CLI is trusted in the other. Trusting writes the records 0.169 reads."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import orjson
import pytest
from tests.tools.capture_hook_trust import FIXTURE, state_toml

from codex.config import load_config
from codex.config.overrides import ConfigOverrides
from codex.core.hooks_view import discover, set_enabled, trust_all
from codex.tools.hook_trust import effective_timeout

OFFICIAL = [case for case in orjson.loads(FIXTURE.read_bytes())["cases"] if "toml" not in case]


def _config(tmp_path: Path, case: dict[str, Any]) -> Any:
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text(
        'model = "gpt-5.5"\n' + state_toml(case.get("state", {}), home)
    )
    (home / "hooks.json").write_bytes(orjson.dumps({"hooks": case["hooks"]}))
    return load_config(ConfigOverrides(config_home=str(home)), cwd=tmp_path)


def _raw(case: dict[str, Any], key: str) -> dict[str, Any]:
    """The hooks.json entry a `{home}/hooks.json:event:g:i` key names."""
    from codex.tools.hook_trust import EVENT_LABELS

    label, group, index = key.rsplit(":", 3)[1:]
    event = next(name for name, snake in EVENT_LABELS.items() if snake == label)
    return dict(case["hooks"][event][int(group)]["hooks"][int(index)], event=event)


@pytest.mark.parametrize("case", OFFICIAL, ids=[c["name"] for c in OFFICIAL])
def test_keys_hashes_and_states_are_the_officials(tmp_path: Path, case: dict[str, Any]) -> None:
    config = _config(tmp_path, case)
    home = str(config.codex_home)
    hooks, _ = discover(config, every_event=True)
    ours = [
        {
            "key": h.key.replace(home, "{home}"),
            "matcher": h.event_matcher,
            "enabled": h.enabled,
            "trustStatus": h.trust,
            "currentHash": h.current_hash,
        }
        for h in hooks
    ]
    official = [{k: h[k] for k in ours[0]} for h in case["official"]["hooks"]] if ours else []
    assert ours and ours == official
    for hook in case["official"]["hooks"]:  # the timeouts the hash covers
        raw = _raw(case, hook["key"])
        assert effective_timeout(raw["event"], raw.get("timeout")) == hook["timeoutSec"]


def test_trusting_writes_the_records_0169_reads(tmp_path: Path) -> None:
    [case] = [c for c in OFFICIAL if c["name"] == "claude_shape"]
    config = _config(tmp_path, case)
    assert trust_all(config) == 2
    doc = tomllib.loads(Path(config.config_file).read_text())
    home = str(config.codex_home)
    assert {key.replace(home, "{home}"): state for key, state in doc["hooks"]["state"].items()} == {
        h["key"]: {"trusted_hash": h["currentHash"]} for h in case["official"]["hooks"]
    }
    assert doc["model"] == "gpt-5.5"  # the rest of the file is kept

    hooks, _ = discover(config, every_event=True)
    assert [h.trust for h in hooks] == ["trusted", "trusted"]
    set_enabled(config, hooks[0], False)
    doc = tomllib.loads(Path(config.config_file).read_text())
    assert doc["hooks"]["state"][hooks[0].key] == {
        "trusted_hash": hooks[0].current_hash,
        "enabled": False,
    }
    assert [h.enabled for h in discover(config, every_event=True)[0]] == [False, True]
    set_enabled(config, hooks[0], True)
    doc = tomllib.loads(Path(config.config_file).read_text())
    assert doc["hooks"]["state"][hooks[0].key] == {"trusted_hash": hooks[0].current_hash}
    assert trust_all(config) == 0


def test_trust_records_are_known_config(tmp_path: Path) -> None:
    """`[hooks.state]` is 0.169's table: --strict-config accepts a config holding records."""
    [case] = [c for c in OFFICIAL if c["name"] == "claude_shape"]
    config = _config(tmp_path, case)
    trust_all(config)
    strict = ConfigOverrides(config_home=str(config.codex_home), strict=True)
    assert set(load_config(strict, cwd=tmp_path).hooks["state"]) == {
        h.key for h in discover(config)[0]
    }
