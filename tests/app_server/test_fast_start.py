"""`initialize` answered before the server is imported (codex.app_server.fast_start): the
answer needs none of argparse, asyncio, orjson or the config; it is byte for byte what the
full handshake answers; anything the fast path does not vouch for (odd first lines, unknown
options, a missing CODEX_HOME) gets exactly what the full path gives."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from tests.app_server.rpc_client import scratch_env

# A global option the fast path leaves to argparse (it does not change the handshake): a run
# with it takes the full path, the reference every fast answer is compared with.
FULL_PATH = ["--strict-config"]

INIT = {"id": 1, "method": "initialize", "params": {"clientInfo": {"name": "t", "version": "1"}}}


def _line(message: object) -> bytes:
    return json.dumps(message, ensure_ascii=False).encode() + b"\n"


def _run(
    argv: list[str],
    stdin: bytes,
    env: dict[str, str],
    cwd: Path,
    *,
    prefix: list[str] | None = None,
) -> subprocess.CompletedProcess[bytes]:
    command = prefix or [sys.executable, "-m", "codex"]
    return subprocess.run(
        [*command, *argv],
        input=stdin,
        capture_output=True,
        env=env,
        cwd=cwd,
        timeout=60,
    )


def _both(
    argv: list[str], stdin: bytes, env: dict[str, str], cwd: Path
) -> tuple[subprocess.CompletedProcess[bytes], subprocess.CompletedProcess[bytes]]:
    """(fast path run, full path run) of the same input."""
    head, tail = argv[: argv.index("app-server")], argv[argv.index("app-server") :]
    return _run(argv, stdin, env, cwd), _run([*head, *FULL_PATH, *tail], stdin, env, cwd)


# Blocks modules the fast path must not need (an import of one raises ImportError), then runs
# the CLI: only an answer given before the first of them is imported reaches stdout.
_BLOCKING = """
import sys
heavy = ("argparse", "asyncio", "orjson", "json", "re", "pathlib", "dataclasses", "typing",
         "logging", "uvloop", "codex.config", "codex.app_server.framing")
blocked = [name for name in heavy if name not in sys.modules]
assert {"argparse", "asyncio", "orjson", "json"} <= set(blocked), sorted(sys.modules)
for name in blocked:
    sys.modules[name] = None
from codex.cli.main import main
sys.exit(main(sys.argv[1:]))
"""


def test_initialize_is_answered_before_argparse_asyncio_or_orjson_load(
    home: Path, repo: Path
) -> None:
    prefix = [sys.executable, "-c", _BLOCKING]
    fast = _run(["app-server"], _line(INIT), scratch_env(home), repo, prefix=prefix)
    reply = json.loads(fast.stdout.splitlines()[0])
    assert reply["id"] == 1 and reply["result"]["codexHome"] == str(home), fast
    assert b"halted; None in sys.modules" in fast.stderr  # the rest of the start-up needs them
    full = _run(["app-server", *FULL_PATH], _line(INIT), scratch_env(home), repo, prefix=prefix)
    assert full.stdout == b""  # the reference path answers only after argparse


_NO_ARGPARSE = """
import sys
sys.modules["argparse"] = None
sys.modules["codex.cli.context"] = None
from codex.cli.main import main
sys.exit(main(sys.argv[1:]))
"""


def test_a_plain_stdio_command_line_is_served_without_argparse(home: Path, repo: Path) -> None:
    lines = _line(INIT) + _line({"id": 2, "method": "thread/loaded/list", "params": {}})
    argv = ["-c", "model=x", "app-server", "--listen=stdio://", "--config-home", str(home)]
    prefix = [sys.executable, "-c", _NO_ARGPARSE]
    done = _run(argv, lines, scratch_env(home), repo, prefix=prefix)
    assert done.returncode == 0, done.stderr
    assert [json.loads(line)["id"] for line in done.stdout.splitlines()] == [1, 2]


@pytest.mark.parametrize(
    ("argv", "model"),
    [
        (["-c", 'model="before"', "app-server"], "before"),
        (["-c", 'model="before"', "app-server", "-c", 'model="after"'], "after"),
        (['--config=model="a"', "app-server", "--config", 'model="b"', "-c", "model=c"], "c"),
    ],
)
def test_config_options_apply_in_command_line_order(
    argv: list[str], model: str, home: Path, repo: Path
) -> None:
    lines = (
        _line(INIT)
        + _line({"method": "initialized"})
        + _line({"id": 2, "method": "thread/start", "params": {"cwd": str(repo)}})
    )
    fast, full = _both(argv, lines, scratch_env(home), repo)
    models = [
        json.loads(out.splitlines()[1])["result"]["model"] for out in (fast.stdout, full.stdout)
    ]
    assert models[0] == models[1] == model


@pytest.mark.parametrize(
    "request_line",
    [
        INIT,
        {"jsonrpc": "2.0", **INIT},
        {"id": 'q"\\\u00e9', "method": "initialize", "params": INIT["params"]},
        {"id": -(2**63), "method": "initialize", "params": INIT["params"]},
        {
            "method": "initialize",
            "id": 7,
            "params": {
                "clientInfo": {"name": 'a "b" \\c', "version": "ü 2\u2028\t\x01", "title": None},
                "capabilities": {
                    "experimentalApi": True,
                    "optOutNotificationMethods": ["thread/started", 5],
                },
            },
        },
    ],
)
def test_the_fast_answer_is_byte_identical_to_the_full_one(
    request_line: dict[str, object], tmp_path: Path, repo: Path
) -> None:
    home = tmp_path / 'hö me "x"\\'
    home.mkdir()
    env = scratch_env(home, {"TERM": 'xterm "é"'})
    after = _line({"id": 2, "method": "thread/loaded/list", "params": {}})
    fast, full = _both(["app-server"], _line(request_line) + after, env, repo)
    assert fast.returncode == full.returncode == 0, (fast.stderr, full.stderr)
    assert fast.stdout == full.stdout
    first = json.loads(fast.stdout.splitlines()[0])
    assert first["id"] == request_line["id"] and first["result"]["codexHome"] == str(home)
    assert len(fast.stdout.splitlines()) == 2  # the request pipelined after it is served


def test_initialize_answered_early_then_served_in_the_same_write(home: Path, repo: Path) -> None:
    """`initialize`, `initialized` and requests in one write: the bytes after the first line
    are handed to the server, which serves them as they came."""
    lines = (
        _line(INIT)
        + _line({"method": "initialized"})
        + _line({"id": 2, "method": "initialize", "params": INIT["params"]})
        + _line({"id": 3, "method": "thread/loaded/list", "params": {}})
    )
    fast = _run(
        ["-c", "model=x", "app-server", "--listen", "stdio://"], lines, scratch_env(home), repo
    )
    replies = [json.loads(line) for line in fast.stdout.splitlines()]
    assert [r["id"] for r in replies] == [1, 2, 3]
    assert replies[1]["error"]["message"] == "Already initialized"
    assert replies[2]["result"] == {"data": [], "nextCursor": None}


@pytest.mark.parametrize(
    "first",
    [
        b'{"id":1,"method":"thread/list","params":{}}\n',
        b'{"id":1,"method":"initialize","params":{"clientInfo":{"name":"x"}}}\n',
        b'{"id":1,"method":"initialize","params":{"clientInfo":{"name":"x\\u0001","version":"1"}}}\n',
        b'{"id":1,"method":"initialize","params":[]}\n',
        b'{"id":1,"method":"initialize","params":{"clientInfo":{"name":"x","version":"1"},"n":NaN}}\n',
        b'{"id":100000000000000000000,"method":"initialize","params":{"clientInfo":{"name":"x","version":"1"}}}\n',
        b'{"id":1,"method":"initialize","params":{"clientInfo":{"name":"\\ud800","version":"1"}}}\n',
        b'{"id":1,"method":"initialize","params":{"clientInfo":{"name":"x","version":"1"}}} x\n',
        b'{"id":true,"method":"initialize","params":{"clientInfo":{"name":"x","version":"1"}}}\n',
        b'{"id":1.5,"method":"initialize","params":{"clientInfo":{"name":"x","version":"1"}}}\n',
        b'{"method":"initialize","params":{"clientInfo":{"name":"x","version":"1"}}}\n',
        b'\xff{"id":1}\n',
        b"\n",
        b"not json\n",
    ],
)
def test_odd_first_lines_get_what_the_full_path_gives(first: bytes, home: Path, repo: Path) -> None:
    then = _line({**INIT, "id": 9}) + _line(
        {"id": 10, "method": "thread/loaded/list", "params": {}}
    )
    fast, full = _both(["app-server"], first + then, scratch_env(home), repo)
    assert fast.returncode == full.returncode == 0, (fast.stderr, full.stderr)
    assert fast.stdout == full.stdout
    assert json.loads(fast.stdout.splitlines()[-1])["id"] == 10


def test_a_first_line_without_newline_at_eof(home: Path, repo: Path) -> None:
    fast, full = _both(["app-server"], _line(INIT).rstrip(), scratch_env(home), repo)
    assert fast.stdout == full.stdout and json.loads(fast.stdout)["id"] == 1


@pytest.mark.parametrize(
    "how",
    [
        "relative",
        "tilde",
        "symlink",
        "dotdot",
        "trailing-slash",
        "env-symlink",
        "default",
        "after-wins",
        "empty-after",
        "empty-last-before",
    ],
)
def test_codex_home_is_resolved_as_the_config_resolves_it(
    how: str, tmp_path: Path, home: Path, repo: Path
) -> None:
    env = scratch_env(home)
    fake_home = Path(env["HOME"])
    (fake_home / ".codex").mkdir(exist_ok=True)
    link = tmp_path / "link"
    link.symlink_to(home)
    argv = ["app-server"]
    if how == "relative":
        argv = ["--config-home", "not/yet", *argv]
    elif how == "tilde":
        argv = ["--config-home=~/h", *argv]
    elif how == "symlink":
        argv = [*argv, "--config-home", str(link)]
    elif how == "dotdot":
        argv = ["--config-home", f"{repo}/../x/../home", *argv]
    elif how == "trailing-slash":
        argv = ["--config-home", f"{home}//", *argv]
    elif how == "env-symlink":
        env["CODEX_HOME"] = str(link)
    elif how == "after-wins":
        argv = ["--config-home", "before", *argv, "--config-home", str(link)]
    elif how == "empty-after":  # an empty value after the subcommand: the one before counts
        argv = ["--config-home", str(link), *argv, "--config-home="]
    elif how == "empty-last-before":  # the last one before counts, though empty: the env's
        argv = ["--config-home", "before", "--config-home=", *argv]
        env["CODEX_HOME"] = str(link)
    else:
        env.pop("CODEX_HOME")
    fast, full = _both(argv, _line(INIT), env, repo)
    assert fast.returncode == full.returncode == 0, (fast.stderr, full.stderr)
    assert fast.stdout == full.stdout
    answered = json.loads(fast.stdout)["result"]["codexHome"]
    assert os.path.isabs(answered) and ".." not in answered
    if how in ("symlink", "env-symlink", "after-wins", "empty-after", "empty-last-before"):
        assert answered == str(home.resolve())


def test_a_missing_codex_home_is_the_usual_one_line_error(tmp_path: Path, repo: Path) -> None:
    env = scratch_env(tmp_path / "home")
    env["CODEX_HOME"] = str(tmp_path / "absent")
    done = _run(["app-server"], _line(INIT), env, repo)
    assert done.returncode != 0 and done.stdout == b""
    assert done.stderr.decode().startswith("codex: CODEX_HOME points to")


@pytest.mark.parametrize(
    "argv",
    [
        ["app-server", "--bogus"],
        ["app-server", "--listen"],
        ["app-server", "--listen", "ftp://x"],
        ["-c", "--listen", "app-server"],
        ["app-server", "app-server"],
    ],
)
def test_command_lines_it_does_not_vouch_for_are_left_to_argparse(
    argv: list[str], home: Path, repo: Path
) -> None:
    done = _run(argv, _line(INIT), scratch_env(home), repo)
    assert done.returncode == 2 and done.stdout == b"", done
    assert done.stderr.strip()


def test_the_server_does_not_import_the_httpx_command_line_client() -> None:
    """httpx imports its CLI (click, rich, pygments: ~100 ms) when they are installed; the
    server stands it in before httpx loads, and httpx still works."""
    code = (
        "import sys\n"
        "from codex.app_server.main import _skip_httpx_cli\n"
        "_skip_httpx_cli()\n"
        "import httpx\n"
        "assert httpx.Client and callable(httpx.main)\n"
        "print(sorted({'click', 'rich', 'pygments'} & set(sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == b"[]"
