"""What a thread start keeps between threads of one process, and that each kept answer still
follows the files, the environment and the config it came from (real files, real stats).

- per config object (codex._memo): the sandbox policy, the model provider (also keyed on the env
  variables it reads), the model setup and the auth settings; a new Config derives them afresh;
- auth.json's parsed record, reused by a new AuthManager while a stat finds the file unchanged;
- the `$CODEX_HOME/rules` listing, kept while the folder's stat is unchanged;
- the stats of one thread start's AGENTS.md and git checks, shared (one stat per path);
- a rollout's day folder, made once per process and made again when removed.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import types
from pathlib import Path

import pytest

from codex._memo import PerObject, per_config
from codex.auth import manager as auth_manager
from codex.auth.manager import AuthManager
from codex.client.providers import provider_for_config
from codex.config import ConfigOverrides, load_config
from codex.config.schema import evolve
from codex.core import git_info as git_info_mod
from codex.core import prompt, rules_probe, stat_cache
from codex.core.git_info import git_info
from codex.core.prompt import user_instructions
from codex.core.rules_probe import has_rule_files
from codex.core.session_state import model_setup
from codex.rollout import RolloutRecorder, SessionMetaParams
from codex.sandbox.policy import policy_from_config


@pytest.fixture(autouse=True)
def _fresh(monkeypatch: pytest.MonkeyPatch) -> None:
    # Files written by a test are seconds old at most (their ctime cannot be set back): with the
    # racy window kept nothing would be cached here. Every change below changes a size, an
    # mtime set with os.utime, or makes a path appear or vanish.
    monkeypatch.setattr(stat_cache, "RACY_NS", 0)
    monkeypatch.setattr(auth_manager, "_RACY_NS", 0)
    prompt._instructions_cache.clear()
    git_info_mod._cache.clear()
    rules_probe._rule_files.clear()
    auth_manager._records.clear()
    per_config.clear()


def _config(tmp_path: Path, text: str = 'model = "gpt-5.5"\n') -> object:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    (home / "config.toml").write_text(text)
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    return load_config(ConfigOverrides(config_home=str(home)), cwd=work)


# ---- per config object ------------------------------------------------------------------------


def test_derived_once_per_config_object_and_afresh_for_a_new_one(tmp_path: Path) -> None:
    config = _config(tmp_path, 'model = "gpt-5.5"\nsandbox_mode = "workspace-write"\n')
    policy = policy_from_config(config)  # type: ignore[arg-type]
    assert policy_from_config(config) is policy  # type: ignore[arg-type]
    setup = model_setup(config, "gpt-5.5", "responses", [])  # type: ignore[arg-type]
    assert model_setup(config, "gpt-5.5", "responses", []) is setup  # type: ignore[arg-type]
    assert model_setup(config, "gpt-5.5", "chat", []) is not setup  # type: ignore[arg-type]

    # --add-dir roots are the caller's, never kept.
    extra = policy_from_config(config, add_dirs=[str(tmp_path / "extra")])  # type: ignore[arg-type]
    assert str(tmp_path / "extra") in extra.writable_roots
    assert policy_from_config(config) is policy  # type: ignore[arg-type]

    # A new Config (a reload, an override) is another object: derived from its own values.
    other = evolve(config, sandbox_mode="read-only")
    assert policy_from_config(other).type.value == "read-only"  # type: ignore[arg-type]
    assert policy_from_config(config) is policy  # type: ignore[arg-type]


def test_a_stand_in_that_can_change_is_never_kept() -> None:
    memo = PerObject()
    stand_in = types.SimpleNamespace(model_provider="openai")
    calls: list[int] = []
    for _ in range(2):
        memo.get(stand_in, "k", lambda: calls.append(1))
    assert len(calls) == 2


def test_provider_follows_the_env_variables_it_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    config = _config(tmp_path, 'model_provider = "openai"\n')
    first = provider_for_config(config)
    assert first.base_url is None
    assert provider_for_config(config) is first
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    assert provider_for_config(config).base_url == "http://127.0.0.1:9/v1"
    monkeypatch.delenv("OPENAI_BASE_URL")
    assert provider_for_config(config) is first


def test_a_bounded_number_of_objects_is_kept() -> None:
    memo = PerObject(max_objects=2)
    objs = [_Frozen(i) for i in range(3)]
    for obj in objs:
        memo.get(obj, "k", lambda: object())
    assert len(memo._entries) == 2
    assert id(objs[0]) not in memo._entries


class _Frozen:
    """A frozen dataclass stand-in (what `is_frozen` looks for)."""

    __dataclass_params__ = types.SimpleNamespace(frozen=True)

    def __init__(self, n: int) -> None:
        self.n = n


# ---- auth.json ---------------------------------------------------------------------------------


def _write_auth(home: Path, key: str, *, mtime: int) -> None:
    path = home / "auth.json"
    path.write_text(json.dumps({"OPENAI_API_KEY": key, "auth_mode": "apikey"}))
    path.chmod(0o600)
    os.utime(path, (mtime, mtime))


def test_new_manager_reuses_an_unchanged_auth_json_and_sees_a_changed_one(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    _write_auth(home, "sk-first-key-0000000000000000", mtime=1_700_000_000)
    first = AuthManager(home)
    assert first.auth() is not None and first.auth().api_key == "sk-first-key-0000000000000000"
    second = AuthManager(home)
    assert second.auth() is not None
    assert second.auth().record is first.auth().record  # parsed once: the same record

    # Same size, another mtime (os.utime): a write the stat shows.
    _write_auth(home, "sk-other-key-0000000000000000", mtime=1_700_000_100)
    third = AuthManager(home)
    assert third.auth() is not None and third.auth().api_key == "sk-other-key-0000000000000000"

    (home / "auth.json").unlink()
    assert AuthManager(home).auth() is None


def test_reload_reads_auth_json_again(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    _write_auth(home, "sk-first-key-0000000000000000", mtime=1_700_000_000)
    manager = AuthManager(home)
    record = manager.auth().record  # type: ignore[union-attr]
    assert manager.reload() is False
    assert manager.auth().record is not record  # type: ignore[union-attr]  # read, not reused


def test_mode_warning_on_every_start_as_before(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    _write_auth(home, "sk-first-key-0000000000000000", mtime=1_700_000_000)
    (home / "auth.json").chmod(0o644)
    with caplog.at_level(logging.WARNING, logger="codex.auth"):
        AuthManager(home)
        AuthManager(home)  # answered from the kept record: warned all the same
    assert sum("accessible by other users" in r.getMessage() for r in caplog.records) == 2


# ---- $CODEX_HOME/rules --------------------------------------------------------------------------


def test_rules_folder_listing_follows_the_folder(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    rules = home / "rules"
    assert has_rule_files(home) is False
    rules.mkdir()
    (rules / "notes.txt").write_text("not a rules file")
    os.utime(rules, (1_700_000_000, 1_700_000_000))
    assert has_rule_files(home) is False
    assert str(rules) in rules_probe._rule_files._entries  # kept
    (rules / "default.rules").write_text('prefix_rule(pattern=["ls"], decision="allow")\n')
    assert has_rule_files(home) is True  # the folder's mtime moved
    os.utime(rules, (1_700_000_000, 1_700_000_000))
    (rules / "default.rules").unlink()
    assert has_rule_files(home) is False
    shutil.rmtree(rules)
    assert has_rule_files(home) is False


# ---- one stat per path for AGENTS.md and the git facts -------------------------------------------


def test_a_thread_starts_checks_share_their_stats(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home, repo = tmp_path / "home", tmp_path / "repo"
    git = repo / ".git"
    (git / "refs" / "heads").mkdir(parents=True)
    (git / "HEAD").write_text("ref: refs/heads/main\n")
    (git / "refs" / "heads" / "main").write_text("a" * 40 + "\n")
    home.mkdir()
    (repo / "AGENTS.md").write_text("rules")

    def start() -> tuple[str | None, dict[str, str] | None, dict[str, stat_cache.Stamp]]:
        seen: dict[str, stat_cache.Stamp] = {}
        return user_instructions(home, repo, 32 * 1024, seen=seen), git_info(repo, seen=seen), seen

    assert start()[:2] == ("rules", {"commit_hash": "a" * 40, "branch": "main"})
    looked: list[str] = []  # every stat(2) and access(2) of the checks
    stat_calls: list[str] = []
    real_stat, real_access = os.stat, os.access

    def counting_stat(path: str, *args: object, **kwargs: object) -> os.stat_result:
        looked.append(os.fspath(path))
        stat_calls.append(os.fspath(path))
        return real_stat(path, *args, **kwargs)  # type: ignore[arg-type]

    def counting_access(path: str, mode: int, **kwargs: object) -> bool:
        looked.append(os.fspath(path))
        return real_access(path, mode, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(stat_cache.os, "stat", counting_stat)
    monkeypatch.setattr(stat_cache.os, "access", counting_access)
    text, info, seen = start()
    assert (text, info) == ("rules", {"commit_hash": "a" * 40, "branch": "main"})
    assert len(looked) == len(set(looked)) == len(seen)  # no path looked up twice
    assert str(git) in seen  # watched by both checks
    # A candidate that was missing is checked with access(2), no failed stat(2).
    assert str(home / "AGENTS.md") in seen and seen[str(home / "AGENTS.md")] is None
    assert str(home / "AGENTS.md") not in stat_calls

    # A change is still seen by both (a new commit; an edited AGENTS.md).
    monkeypatch.setattr(stat_cache.os, "stat", real_stat)
    monkeypatch.setattr(stat_cache.os, "access", real_access)
    (git / "refs" / "heads" / "main").write_text("b" * 40 + "\n")
    (repo / "AGENTS.md").write_text("rules, edited")
    text, info, _ = start()
    assert (text, info) == ("rules, edited", {"commit_hash": "b" * 40, "branch": "main"})


def test_a_whole_thread_start_checks_each_watched_path_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """open_session's warm thread start: AGENTS.md, the git facts and the skills (loaded once,
    for the load-error warnings and the initial context's list) watch the same `.git`
    candidates; each watched path is stat'ed once (before: the skills were loaded twice, each
    time checking the `.git` candidates and the skill roots again)."""
    import asyncio

    from codex.core.front_end import LIBRARY
    from codex.core.open import open_session
    from codex.core.skills import discover

    discover.forget()
    _config(tmp_path)  # $CODEX_HOME with its config.toml
    work = tmp_path / "work"
    cwd = work / "sub"
    cwd.mkdir()
    (work / ".git" / "refs" / "heads").mkdir(parents=True)
    (work / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (work / ".git" / "refs" / "heads" / "main").write_text("a" * 40 + "\n")
    (work / "AGENTS.md").write_text("rules")
    config = load_config(ConfigOverrides(config_home=str(tmp_path / "home")), cwd=cwd)
    monkeypatch.setenv("HOME", str(tmp_path / "user"))

    async def start() -> list[object]:
        async with open_session(config, LIBRARY) as session:
            return list(session.history.items)

    first = asyncio.run(start())  # the checks' answers are computed and kept
    checked: list[str] = []
    real_stamp, real_exists = stat_cache.stamp, stat_cache.path_exists

    def counting_stamp(path: str) -> stat_cache.Stamp:
        checked.append(path)
        return real_stamp(path)

    def counting_exists(path: str) -> bool:
        checked.append(path)
        return real_exists(path)

    monkeypatch.setattr(stat_cache, "stamp", counting_stamp)
    monkeypatch.setattr(stat_cache, "path_exists", counting_exists)
    second = asyncio.run(start())
    assert str(work / ".git") in checked and str(cwd / ".git") in checked
    assert str(tmp_path / "home" / "skills") in checked  # the skills were checked
    twice = sorted({p for p in checked if checked.count(p) > 1})
    assert twice == []
    assert [type(i).__name__ for i in second] == [type(i).__name__ for i in first]


# ---- the rollout's day folder ------------------------------------------------------------


def test_day_folder_made_again_when_removed(tmp_path: Path) -> None:
    home = tmp_path / "home"
    meta = SessionMetaParams(
        cwd=str(tmp_path), originator="t", cli_version="0", source="exec", model_provider="openai"
    )
    first = RolloutRecorder.create(home, meta)
    first.materialize()  # a new file is made by its first turn: made here without one
    first.close()
    shutil.rmtree(home / "sessions")
    second = RolloutRecorder.create(home, meta)
    second.materialize()
    second.close()
    assert second.path.exists()
    line = json.loads(second.path.read_text().splitlines()[0])
    assert line["type"] == "session_meta"
    assert line["payload"]["id"] == second.conversation_id


# ---- a front end's forced approval policy ------------------------------------------------------


def test_forced_approval_policy_derives_one_config_per_config_object(tmp_path: Path) -> None:
    import contextlib

    from codex.core.front_end import FrontEnd
    from codex.core.open import start_session

    config = _config(tmp_path, 'model = "gpt-5.5"\napproval_policy = "on-request"\n')
    exec_like = FrontEnd(originator="codex_exec", source="exec", approval_policy="never")
    with contextlib.ExitStack() as stack:
        first = start_session(stack, config, exec_like, None, True, (), None)
        second = start_session(stack, config, exec_like, None, True, (), None)
    assert str(first.config.approval_policy) == "never"
    assert first.config is second.config  # derived once: what hangs off it is shared too
    assert str(config.approval_policy) == "on-request"  # type: ignore[attr-defined]
    other = evolve(config, model="o3")
    with contextlib.ExitStack() as stack:
        third = start_session(stack, other, exec_like, None, True, (), None)
    assert third.config is not first.config and third.config.model == "o3"
