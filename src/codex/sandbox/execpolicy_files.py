"""execpolicy files: `$CODEX_HOME/rules/*.rules` found, decoded and parsed in order, and an
approved amendment appended under an advisory lock."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from codex import _filelock
from codex.sandbox.execpolicy_matching import ExecPolicy
from codex.sandbox.execpolicy_parser import ExecPolicyError, PolicyParser

RULES_DIR = "rules"
RULE_EXTENSION = ".rules"
DEFAULT_RULES_FILE = "default.rules"


def _decode(path: str, data: bytes) -> str:
    """The file's text; a byte that is not UTF-8 is an ExecPolicyError at its line and column
    (a UnicodeDecodeError escaped load_exec_policy and stopped the session)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line_start = data.rfind(b"\n", 0, err.start) + 1
        line = data.count(b"\n", 0, err.start) + 1
        column = len(data[line_start : err.start].decode("utf-8", "replace")) + 1
        raise ExecPolicyError(path, line, column, "the file is not valid UTF-8") from None


def parse_policy_files(paths: Iterable[str | os.PathLike[str]]) -> ExecPolicy:
    """Parse rule files in order; raises ExecPolicyError (one line) or OSError."""
    parser = PolicyParser()
    for path in paths:
        parser.parse(os.fspath(path), _decode(os.fspath(path), Path(path).read_bytes()))
    return parser.build()


def rule_files(config_folder: str | os.PathLike[str]) -> list[Path]:
    folder = Path(config_folder) / RULES_DIR
    try:
        return sorted(p for p in folder.iterdir() if p.suffix == RULE_EXTENSION and p.is_file())
    except FileNotFoundError:
        return []


def load_exec_policy(
    config_folders: Iterable[str | os.PathLike[str]],
) -> tuple[ExecPolicy, ExecPolicyError | None]:
    """Every `<folder>/rules/*.rules`, lowest-precedence folder first. A malformed file gives
    an empty policy plus the error (upstream warns and carries on without rules)."""
    files = [f for folder in config_folders for f in rule_files(folder)]
    try:
        return parse_policy_files(files), None
    except ExecPolicyError as err:
        return ExecPolicy(), err


def append_allow_prefix_rule(codex_home: str | os.PathLike[str], prefix: Sequence[str]) -> Path:
    """Persist an approved amendment: one `prefix_rule(..., decision="allow")` line appended
    to $CODEX_HOME/rules/default.rules under an advisory lock (concurrent sessions)."""
    if not prefix:
        raise ValueError("an amendment needs at least one token")
    path = Path(codex_home) / RULES_DIR / DEFAULT_RULES_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    line = f'prefix_rule(pattern={json.dumps(list(prefix))}, decision="allow")\n'
    with open(path, "a+", encoding="utf-8") as f:
        _filelock.lock(f.fileno())
        try:
            f.seek(0, os.SEEK_END)
            if f.tell() > 0:
                f.seek(f.tell() - 1)
                if f.read(1) != "\n":
                    f.write("\n")
            f.write(line)
            f.flush()
            os.fsync(f.fileno())
        finally:
            _filelock.unlock(f.fileno())
    return path
