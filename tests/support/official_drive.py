"""The scaffolding every `tests/*/capture_*.py` script shares to drive a `codex` binary (the
official 0.169 one to record facts, ours when a test replays the same scenario) against the
loopback mock model: a scratch CODEX_HOME and repo, an app-server spoken to over stdio JSON-RPC
(tests/app_server/rpc_client.py), a TUI in a private tmux, the rollout a run leaves, the
normalisation that makes facts compare across runs, and the `main()` that writes a fixture.

Why one module: each script carried its own copy of these, and the copies drifted (one ran the
official binary with the user's real HOME, one forgot to kill its server on an error). Every
helper here starts from a scratch CODEX_HOME and HOME, so nothing reads or writes ~/.codex, and
every process it starts is stopped when its `with` block ends, error or not.
"""

from __future__ import annotations

import argparse
import json
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.app_server.rpc_client import RpcClient, scratch_env
from tests.support.mock_config import write_mock_config
from tests.support.mock_model_server import MockModelServer
from tests.support.official import official_binary

if TYPE_CHECKING:
    from tests.support.model_stream import Turn
    from tests.tui.tmux import Pane

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d")  # a rollout file name's timestamp

# ---- normalising facts -----------------------------------------------------------------------


def scrub(
    value: Any,
    *,
    times: Collection[str] | Callable[[str], bool] = (),
    ms: Collection[str] = (),
    names: Mapping[str, str] | None = None,
    stamps: bool = False,
) -> Any:
    """`value` with what differs from run to run replaced, so a re-capture diffs clean: keys in
    `times` (or for which it is true) become "<time>" and keys in `ms` "<ms>" (None stays
    None: whether a time is set is a fact); in strings each key of `names` becomes its value
    (a thread's role, `<tmp>`), then any uuid `<uuid>`, and with `stamps` a file-name stamp."""
    is_time = times if callable(times) else times.__contains__

    def walk(item: Any) -> Any:
        if isinstance(item, dict):
            out = {}
            for key, sub in item.items():
                if is_time(key):
                    out[key] = None if sub is None else "<time>"
                elif key in ms:
                    out[key] = None if sub is None else "<ms>"
                else:
                    out[key] = walk(sub)
            return out
        if isinstance(item, list):
            return [walk(sub) for sub in item]
        if isinstance(item, str):
            for raw, name in (names or {}).items():
                item = item.replace(raw, name)
            item = UUID.sub("<uuid>", item)
            return STAMP.sub("<stamp>", item) if stamps else item
        return item

    return walk(value)


# ---- a scratch CODEX_HOME on the mock ---------------------------------------------------------


@dataclass
class Scratch:
    """One run's scratch tree: `root` (a temp dir), `home` (CODEX_HOME, config.toml on the
    mock), `repo` (the cwd), and the `mock` model server the config points at."""

    root: Path
    home: Path
    repo: Path
    mock: MockModelServer

    def env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        """The child's environment: CODEX_HOME=home, a scratch HOME, no inherited CODEX_*."""
        return scratch_env(self.home, extra)

    def configure(self, extra: str) -> None:
        """Rewrite config.toml: the mock config plus `extra` TOML, for settings that name a
        path only known once the tree exists (the repo, CODEX_HOME itself)."""
        write_mock_config(self.home, self.mock.base_url, extra)

    def serve(self, argv: list[str], **init: Any) -> AbstractContextManager[RpcClient]:
        """`served` on this tree: the app-server `argv` with CODEX_HOME=home, cwd=repo."""
        return served(argv, self.env(), self.repo, **init)


@contextmanager
def scratch(
    extra: str = "", *, reply: Turn | None = None, git: bool = False, home: str = "home"
) -> Iterator[Scratch]:
    """A temp dir and a fresh mock for one run: CODEX_HOME at `root/home` with the mock config
    (plus `extra` TOML), an empty `root/repo` (a git repo with `git`), the mock answering
    every request with `reply` when given. All of it is gone when the block ends."""
    with tempfile.TemporaryDirectory() as tmp, MockModelServer() as mock:
        root = Path(tmp)
        if reply is not None:
            mock.repeat(reply)
        codex_home = write_mock_config(root / home, mock.base_url, extra)
        repo = root / "repo"
        repo.mkdir()
        if git:
            subprocess.run(["git", "init", "-q", str(repo)], check=True)
        yield Scratch(root, codex_home, repo, mock)


# ---- the app-server over stdio ---------------------------------------------------------------


def app_server_argv(binary: Path) -> list[str]:
    return [str(binary), "app-server"]


@contextmanager
def served(
    argv: list[str], env: dict[str, str], cwd: Path, *, name: str | None = "tests", **init: Any
) -> Iterator[RpcClient]:
    """An app-server (`argv`) as an RpcClient, initialized as client `name` with `init` as
    more initialize params (`name=None`: not initialized, for scripts that record the
    handshake). Closed when the block ends, error or not; its exit code is then
    `client.proc.returncode`."""
    client = RpcClient(argv, env, cwd)
    try:
        if name is not None:
            client.initialize(name, **init)
        yield client
    finally:
        client.close()


def run_codex(
    argv: list[str],
    env: dict[str, str],
    cwd: Path | str,
    *,
    timeout: float = 120,
    check: bool = False,
) -> subprocess.CompletedProcess[str]:
    """A one-shot `codex …` (exec, generate-json-schema) with stdin closed, its output as
    text; TimeoutExpired after `timeout` seconds (subprocess kills the child first)."""
    return subprocess.run(
        argv,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=check,
    )


# ---- what a run left on disk ------------------------------------------------------------------


def rollout_files(home: Path, pattern: str = "*.jsonl") -> list[Path]:
    """The rollout files under CODEX_HOME/sessions, in name (so time) order."""
    return sorted((home / "sessions").rglob(pattern))


def rollout_records(path: Path | str) -> list[dict[str, Any]]:
    """A rollout's JSON lines; none when the file was never written (a thread that never ran)."""
    p = Path(path)
    return [json.loads(x) for x in p.read_text().splitlines()] if p.exists() else []


def session_records(home: Path) -> list[dict[str, Any]]:
    """Every rollout line under CODEX_HOME/sessions, file after file."""
    return [record for path in rollout_files(home) for record in rollout_records(path)]


def turn_triggers(records: list[dict[str, Any]]) -> list[Any]:
    """What started each turn (`task_started`'s turn_trigger: None for a user's, "goal", …)."""
    return [
        r["payload"].get("turn_attribution", {}).get("turn_trigger")
        for r in records
        if r["type"] == "event_msg" and r["payload"].get("type") == "task_started"
    ]


def function_outputs(requests: list[Any], call_ids: list[str]) -> dict[str, Any]:
    """Each call's output as the model read it (from the first request carrying it), parsed
    where it is JSON: what a tool answered, to compare across binaries."""
    out: dict[str, Any] = {}
    for request in requests:
        for call_id in call_ids:
            found = request.function_call_output(call_id)
            if found is not None and call_id not in out:
                text = found.get("output")
                try:
                    out[call_id] = json.loads(text)
                except (TypeError, ValueError):
                    out[call_id] = text
    return out


def sqlite_layout(db: Path) -> dict[str, Any]:
    """A SQLite file's schema (each CREATE, by name), its sqlx `_sqlx_migrations` rows and its
    journal mode and user_version: what 0.169 checks before it uses a file another binary made."""
    con = sqlite3.connect(db)
    try:
        schema = [
            r[0]
            for r in con.execute(
                "select sql from sqlite_master where sql is not null order by name"
            )
        ]
        migrations = [
            {"version": r[0], "description": r[1], "success": r[2], "checksum": r[3].hex()}
            for r in con.execute(
                "select version, description, success, checksum from _sqlx_migrations"
            )
        ]
        pragmas = {
            "journal_mode": con.execute("pragma journal_mode").fetchone()[0],
            "user_version": con.execute("pragma user_version").fetchone()[0],
        }
    finally:
        con.close()
    return {"schema": schema, "migrations": migrations, "pragmas": pragmas}


def tool_names(body: dict[str, Any]) -> list[str]:
    """The tools a model request offered, by name (or type, for hosted tools)."""
    return [str(t.get("name") or t.get("type")) for t in body.get("tools", [])]


# ---- the TUI in tmux ---------------------------------------------------------------------------


def tui_config(repo: Path) -> str:
    """config.toml lines that take a TUI straight to the composer: no first-run dialogs, no
    model-migration notice, `repo` trusted."""
    return f"""
[tui]
screen_reader_detection_done = true
[tui.model_availability_nux]
"gpt-6.1-sol" = 1
[projects."{repo}"]
trust_level = "trusted"
[notice.model_migrations]
"gpt-5.5" = "gpt-6-sol"
"""


@dataclass
class TuiRun:
    """A TUI running in a private tmux pane on a scratch tree (see `tui_session`)."""

    pane: Pane
    scratch: Scratch

    def screen(self) -> str:
        """The pane as text: trailing blanks trimmed, the repo's path written `{cwd}`."""
        text = "\n".join(x.rstrip() for x in self.pane.capture().splitlines())
        return text.replace(str(self.scratch.repo), "{cwd}")

    def press(self, *keys: str, wait: float) -> str:
        """Send tmux `keys` (none: just look), wait `wait` seconds to see what comes (a capture
        script, never a test, waits), and return the screen."""
        if keys:
            self.pane.keys(*keys)
        time.sleep(wait)
        return self.screen()

    def type(self, text: str, *, wait: float) -> str:
        """Type `text` literally, then as `press`."""
        self.pane.type(text)
        time.sleep(wait)
        return self.screen()


def tui_env(s: Scratch) -> dict[str, str]:
    """A TUI's environment on scratch `s`: CODEX_HOME=home, HOME an empty dir (`root/fakehome`,
    an empty .bashrc), the mock's key, a plain PATH and terminal."""
    fake = s.root / "fakehome"
    fake.mkdir(exist_ok=True)
    (fake / ".bashrc").touch()
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": str(fake),
        "CODEX_HOME": str(s.home),
        "MOCK_KEY": "k",
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
    }


COMPOSER = "Ask Codex to do anything"  # the empty composer's placeholder: the TUI is up


@contextmanager
def tui_pane(
    s: Scratch,
    argv: list[str],
    *,
    width: int = 120,
    socket: str = "tmux.sock",
    wait_for: str | None = COMPOSER,
) -> Iterator[TuiRun]:
    """`argv` (a TUI: the official one with `--no-daemon`, or it leaves an app-server daemon
    behind) in a private `width`x45 tmux pane on scratch `s` (cwd its repo, `tui_env`), waiting
    until `wait_for` shows (None: not at all). The tmux server, and the TUI with it, is killed
    when the block ends."""
    from tests.tui.tmux import Pane

    pane = Pane(s.root / socket, width=width, height=45)
    try:
        pane.start(argv, cwd=s.repo, env=tui_env(s))
        if wait_for is not None:
            pane.wait_text(wait_for, 90)
        yield TuiRun(pane, s)
    finally:
        pane.close()


@contextmanager
def tui_session(
    argv: list[str],
    reply: Turn,
    *,
    width: int = 120,
    config: Callable[[Path], str] = tui_config,
) -> Iterator[TuiRun]:
    """`argv` (a TUI) in `tui_pane` on a fresh scratch git repo, CODEX_HOME on the mock
    answering every request with `reply` and configured with `config(repo)` (default:
    `tui_config`), waiting until the composer is up."""
    with scratch(reply=reply, git=True) as s:
        s.configure(config(s.repo))
        with tui_pane(s, argv, width=width) as run:
            yield run


# ---- a capture script's main() -------------------------------------------------------------------


def write_json(path: Path, doc: Any, indent: int = 1) -> None:
    path.write_text(json.dumps(doc, indent=indent) + "\n")


def capture_main(
    fixture: Path,
    produce: Callable[[Path], Any],
    *,
    indent: int = 1,
    key: str | None = None,
    ours: Callable[[list[str]], Any] | None = None,
    write: Callable[[Path, Any], None] | None = None,
) -> int:
    """A capture script's command line: run `produce(official binary)` and write its facts to
    `fixture` (`--out PATH` writes them elsewhere, to diff a re-capture before replacing the
    committed file). `key`: the facts replace that key of the existing fixture's document.
    `ours`: the script also takes `ours`, printing what our `codex` gives (nothing written).
    `write`: how to write (a fixture that is several files); default JSON at `indent`."""
    parser = argparse.ArgumentParser(description=(sys.modules["__main__"].__doc__ or "")[:200])
    parser.add_argument("--out", type=Path, default=fixture, help="where to write (a re-capture)")
    if ours is not None:
        parser.add_argument("which", nargs="?", choices=("official", "ours"), default="official")
    args = parser.parse_args()
    if ours is not None and args.which == "ours":
        print(json.dumps(ours([sys.executable, "-m", "codex"]), indent=1))
        return 0
    binary = official_binary()
    if binary is None:
        print("the official 0.169 binary is not installed (official.py)", file=sys.stderr)
        return 1
    facts = produce(binary)
    if key is not None:
        facts = {**json.loads(fixture.read_text()), key: facts}
    if write is not None:
        write(args.out, facts)
    else:
        write_json(args.out, facts, indent)
    print(args.out)
    return 0
