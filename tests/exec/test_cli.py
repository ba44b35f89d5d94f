"""`codex exec` startup rules through the real `codex` process: stdin prompt rules, the git-repo
check, the output-schema file, flag validation, and the parse of options around `resume`."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest

from codex.errors import UsageError
from codex.exec.args import add_options, add_positional, parse_rest


def codex(
    *argv: str, cwd: Path, home: Path, stdin: bytes | None = b""
) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CODEX_", "OPENAI_"))}
    env["CODEX_HOME"] = str(home)
    return subprocess.run(
        [sys.executable, "-m", "codex", *argv],
        cwd=cwd,
        env=env,
        input=stdin,
        capture_output=True,
        timeout=60,
        check=False,
    )


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    return path


def test_blank_stdin_is_refused_with_upstream_message(plain_dir: Path, home: Path) -> None:
    res = codex("exec", "--skip-git-repo-check", cwd=plain_dir, home=home, stdin=b"  \n")
    assert res.returncode == 1
    assert res.stdout == b""
    assert res.stderr.decode() == "Reading prompt from stdin...\nNo prompt provided via stdin.\n"


def test_dash_reads_stdin_without_the_notice(plain_dir: Path, home: Path) -> None:
    res = codex("exec", "--skip-git-repo-check", "-", cwd=plain_dir, home=home, stdin=b"")
    assert res.returncode == 1
    assert res.stderr.decode() == "No prompt provided via stdin.\n"


def test_outside_git_repo_is_refused(plain_dir: Path, home: Path) -> None:
    res = codex("exec", "--json", "hi", cwd=plain_dir, home=home)
    assert res.returncode == 1
    assert res.stdout == b""
    assert res.stderr.decode() == (
        "Reading additional input from stdin...\n"  # a prompt and a (empty) pipe: 0.169 reads it
        "Not inside a trusted directory and --skip-git-repo-check was not specified.\n"
    )


def test_cd_into_a_repo_subdir_passes_the_git_check_until_the_schema(
    tmp_path: Path, home: Path
) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "sub").mkdir()
    bad = tmp_path / "schema.json"
    bad.write_text("{not json")
    res = codex(
        "e", "-C", str(repo / "sub"), "--output-schema", str(bad), "hi", cwd=tmp_path, home=home
    )
    assert res.returncode == 1
    assert res.stdout == b""
    err = res.stderr.decode()
    notice = "Reading additional input from stdin...\n"  # a prompt plus a pipe, as 0.169
    assert err.startswith(f"{notice}codex: Output schema file {bad} is not valid JSON")
    assert err.count("\n") == 2


def test_missing_schema_file(plain_dir: Path, home: Path) -> None:
    res = codex(
        "exec",
        "--skip-git-repo-check",
        "--output-schema",
        "nope.json",
        "x",
        cwd=plain_dir,
        home=home,
    )
    assert res.returncode == 1
    assert b"Failed to read output schema file nope.json" in res.stderr


def test_full_auto_conflicts_with_yolo(plain_dir: Path, home: Path) -> None:
    res = codex("exec", "--full-auto", "--yolo", "x", cwd=plain_dir, home=home)
    assert res.returncode == 2
    assert (
        b"the argument '--full-auto' cannot be used with "
        b"'--dangerously-bypass-approvals-and-sandbox'" in res.stderr
    )


def test_oss_without_a_local_server_is_a_clear_error(plain_dir: Path, home: Path) -> None:
    env_port = "1"  # nothing listens on 127.0.0.1:1
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CODEX_", "OPENAI_"))}
    env.update(CODEX_HOME=str(home), CODEX_OSS_PORT=env_port)
    res = subprocess.run(
        [sys.executable, "-m", "codex", "exec", "--skip-git-repo-check", "--oss", "x"],
        cwd=plain_dir,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert res.returncode == 1
    assert b"--oss: no local Ollama server answers at 127.0.0.1:1" in res.stderr
    assert res.stderr.startswith(b"Reading additional input from stdin...\n")
    assert res.stderr.count(b"\n") == 2


def _parse(*argv: str):
    parser = argparse.ArgumentParser()
    add_options(parser)
    add_positional(parser)
    return parse_rest(parser.parse_args(list(argv)))


def test_sdk_argv_with_options_before_resume_and_images_after() -> None:
    req = _parse(
        "--experimental-json",
        "--model",
        "gpt-5.5",
        "--sandbox",
        "workspace-write",
        "--cd",
        "/w",
        "--add-dir",
        "/a",
        "--skip-git-repo-check",
        "--output-schema",
        "/s.json",
        "resume",
        "0199aaaa-0000-7000-8000-000000000000",
        "--image",
        "/i.png",
        "--image",
        "/j.png",
    )
    assert req.json and req.model == "gpt-5.5" and req.sandbox_mode == "workspace-write"
    assert req.cd == "/w" and req.add_dirs == ["/a"] and req.skip_git_repo_check
    assert req.resume and req.resume_id == "0199aaaa-0000-7000-8000-000000000000"
    assert req.prompt is None and req.images == ["/i.png", "/j.png"]


def test_resume_forms() -> None:
    req = _parse("resume", "--last", "continue")
    assert req.resume_last and req.prompt == "continue" and req.resume_id is None
    req = _parse("resume", "ID", "more please", "--json")
    assert req.resume_id == "ID" and req.prompt == "more please" and req.json
    req = _parse("carry on", "resume", "--last")
    assert req.resume_last and req.prompt == "carry on"
    with pytest.raises(UsageError):
        _parse("resume")


def test_prompt_options_anywhere_and_comma_images_and_modes() -> None:
    req = _parse("-i", "a.png,b.png", "fix it", "--json", "-c", 'model="x"', "-i", "c.png")
    assert req.prompt == "fix it" and req.json
    assert req.images == ["a.png", "b.png", "c.png"] and req.extra_config == ['model="x"']
    assert _parse("--full-auto", "x").sandbox_mode == "workspace-write"
    assert _parse("--dangerously-bypass-approvals-and-sandbox", "x").sandbox_mode == (
        "danger-full-access"
    )
    assert _parse("x").sandbox_mode is None and _parse("-").prompt == "-"
    assert _parse().prompt is None
    with pytest.raises(UsageError):
        _parse("two", "prompts")


def test_exec_help_and_arg_errors_import_nothing_heavy(plain_dir: Path, home: Path) -> None:
    """`codex exec --help` and the pre-session checks never import pydantic, httpx, asyncio or
    the agent (they are imported only once a session is about to start)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CODEX_", "OPENAI_"))}
    env["CODEX_HOME"] = str(home)
    for argv in (["exec", "--help"], ["exec", "--skip-git-repo-check", "-"]):
        proc = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "codex", *argv],
            cwd=plain_dir,
            env=env,
            input=b"",
            capture_output=True,
            timeout=60,
            check=False,
        )
        imported = {
            line.rsplit("|", 1)[1].strip()
            for line in proc.stderr.decode().splitlines()
            if line.startswith("import time:") and "|" in line
        }
        assert "codex.exec.args" in imported
        heavy = {"pydantic", "httpx", "asyncio", "codex.core", "codex.client", "codex.rollout"}
        assert not heavy & imported, heavy & imported
        if argv == ["exec", "--help"]:
            # ~10 ms between them; ExecRequest and resolve_dir import them once flags are checked
            unused = {"dataclasses", "pathlib", "typing", "codex.exec.request"}
            assert not unused & imported, unused & imported
