"""apply_patch and symbolic links, through the real `codex exec` against the mock model server,
held to what the official CLI 0.169 does (issue 15, item 3).

Facts captured from the official binary (tests/fixtures/apply_patch_symlinks.json; regenerate with
CODEX_CAPTURE_FIXTURES=1 and the official binary installed):
- Update through a link writes the link's target; the link stays a link (also through a chain of
  links and through a linked directory). Add over a link writes its target, even a dangling one.
- Delete of a link removes the link, never its target; a dangling link cannot be deleted.
- Move of a link writes the new file and removes the link (the old target is untouched); a move
  onto a link writes through it.
- A file with another hard link is written in place: both names still show the new content.
- Sandbox: the writable-path check that decides approval is lexical (the link's own path), and the
  sandbox then refuses the write to a target outside the writable roots: the call fails with
  `Failed to write file <path>` (file_change `failed`), nothing outside is written. Removing a
  link that points outside is allowed (the link lives in the workspace).

Each scenario runs ours and compares with the captured facts; with the official binary present it
is also run live and compared.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import pytest
from tests.exec.harness import codex_env, write_config
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import Message, Turn, Usage, apply_patch_call
from tests.support.official import official_binary

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "apply_patch_symlinks.json"
OFFICIAL = official_binary()
CAPTURE = os.environ.get("CODEX_CAPTURE_FIXTURES") == "1"

# /tmp is writable under workspace-write by default and pytest's tmp_path lives there: exclude
# it (and $TMPDIR) so `out/` beside the workspace is really outside the writable roots.
WORKSPACE_WRITE = [
    "-s",
    "workspace-write",
    "-c",
    "sandbox_workspace_write.exclude_slash_tmp=true",
    "-c",
    "sandbox_workspace_write.exclude_tmpdir_env_var=true",
]
FULL_ACCESS = ["-s", "danger-full-access"]


@dataclass(frozen=True)
class Scenario:
    name: str
    patch: str
    files: dict[str, str]
    links: dict[str, str]  # link path (under the base dir) -> target ("@/" = the base dir)
    flags: list[str] = field(default_factory=lambda: list(WORKSPACE_WRITE))
    hard_links: dict[str, str] = field(default_factory=dict)  # new name -> existing file


def _patch(*lines: str) -> str:
    return "\n".join(["*** Begin Patch", *lines, "*** End Patch"])


UPDATE_LINK = _patch("*** Update File: link.txt", "@@", "-old", "+new")

SCENARIOS = [
    Scenario(
        "update_through_link", UPDATE_LINK, {"ws/real.txt": "old\n"}, {"ws/link.txt": "real.txt"}
    ),
    Scenario(
        "update_through_chain",
        _patch("*** Update File: l2", "@@", "-old", "+new"),
        {"ws/real.txt": "old\n"},
        {"ws/l1": "real.txt", "ws/l2": "l1"},
    ),
    Scenario(
        "update_through_linked_dir",
        _patch("*** Update File: dl/f.txt", "@@", "-old", "+new"),
        {"ws/d/f.txt": "old\n"},
        {"ws/dl": "d"},
    ),
    Scenario(
        "add_over_link",
        _patch("*** Add File: link.txt", "+added"),
        {"ws/real.txt": "old\n"},
        {"ws/link.txt": "real.txt"},
    ),
    Scenario(
        "add_over_dangling_link",
        _patch("*** Add File: link.txt", "+added"),
        {},
        {"ws/link.txt": "nothere.txt"},
    ),
    Scenario(
        "delete_link",
        _patch("*** Delete File: link.txt"),
        {"ws/real.txt": "old\n"},
        {"ws/link.txt": "real.txt"},
    ),
    Scenario(
        "update_hard_linked_file",
        _patch("*** Update File: a.txt", "@@", "-old", "+new"),
        {"ws/a.txt": "old\n"},
        {},
        hard_links={"ws/b.txt": "ws/a.txt"},
    ),
    Scenario(
        "delete_dangling_link",
        _patch("*** Delete File: link.txt"),
        {},
        {"ws/link.txt": "nothere.txt"},
    ),
    Scenario(
        "move_link",
        _patch("*** Update File: link.txt", "*** Move to: moved.txt", "@@", "-old", "+new"),
        {"ws/real.txt": "old\n"},
        {"ws/link.txt": "real.txt"},
    ),
    Scenario(
        "move_onto_link",
        _patch("*** Update File: real.txt", "*** Move to: link.txt", "@@", "-old", "+new"),
        {"ws/real.txt": "old\n", "ws/t2.txt": "tgt\n"},
        {"ws/link.txt": "t2.txt"},
    ),
    # A link inside the workspace pointing outside the writable roots.
    Scenario(
        "update_link_outside_sandboxed",
        UPDATE_LINK,
        {"out/t.txt": "old\n"},
        {"ws/link.txt": "@/out/t.txt"},
    ),
    Scenario(
        "update_link_outside_full_access",
        UPDATE_LINK,
        {"out/t.txt": "old\n"},
        {"ws/link.txt": "@/out/t.txt"},
        FULL_ACCESS,
    ),
    Scenario(
        "add_over_link_outside_sandboxed",
        _patch("*** Add File: link.txt", "+added"),
        {"out/t.txt": "old\n"},
        {"ws/link.txt": "@/out/t.txt"},
    ),
    Scenario(
        "update_linked_dir_outside_sandboxed",
        _patch("*** Update File: dl/f.txt", "@@", "-old", "+new"),
        {"out/f.txt": "old\n"},
        {"ws/dl": "@/out"},
    ),
    Scenario(
        "move_onto_link_outside_sandboxed",
        _patch("*** Update File: real.txt", "*** Move to: link.txt", "@@", "-old", "+new"),
        {"ws/real.txt": "old\n", "out/t.txt": "tgt\n"},
        {"ws/link.txt": "@/out/t.txt"},
    ),
    Scenario(
        "delete_link_outside_sandboxed",
        _patch("*** Delete File: link.txt"),
        {"out/t.txt": "old\n"},
        {"ws/link.txt": "@/out/t.txt"},
    ),
    Scenario(
        "move_link_outside_sandboxed",
        _patch("*** Update File: link.txt", "*** Move to: moved.txt", "@@", "-old", "+new"),
        {"out/t.txt": "old\n"},
        {"ws/link.txt": "@/out/t.txt"},
    ),
]


def _setup(base: Path, scenario: Scenario) -> Path:
    ws = base / "ws"
    ws.mkdir(parents=True)
    (base / "out").mkdir()
    subprocess.run(["git", "init", "-q", str(ws)], check=True)
    for rel, text in scenario.files.items():
        (base / rel).parent.mkdir(parents=True, exist_ok=True)
        (base / rel).write_text(text)
    for rel, existing in scenario.hard_links.items():
        os.link(base / existing, base / rel)
    for rel, target in scenario.links.items():
        (base / rel).symlink_to(
            target.replace("@", str(base), 1) if target.startswith("@/") else target
        )
    return ws


def _tree(base: Path) -> dict[str, str]:
    """Every entry under ws/ and out/ (git's folder aside): `link -> target`, file text, `dir`."""
    out: dict[str, str] = {}
    for top in ("ws", "out"):
        for dirpath, dirnames, filenames in os.walk(base / top):
            dirnames[:] = [d for d in dirnames if d != ".git"]
            for name in sorted([*dirnames, *filenames]):
                path = Path(dirpath) / name
                rel = str(path.relative_to(base))
                if path.is_symlink():
                    out[rel] = "-> " + os.readlink(path).replace(str(base), "@")
                elif path.is_dir():
                    out[rel] = "dir"
                else:
                    links = path.stat().st_nlink
                    out[rel] = path.read_text() + (f" (links: {links})" if links > 1 else "")
    return dict(sorted(out.items()))


def _normalize(text: str, base: Path) -> str:
    text = text.replace(str(base), "@")
    return re.sub(r"Wall time: [0-9.]+ seconds", "Wall time: <T> seconds", text)


def _run(argv: list[str], scenario: Scenario, base: Path) -> dict[str, Any]:
    """One `exec --json` run of `scenario`: what the model read back, the file_change item
    statuses, and the tree afterwards."""
    with MockModelServer() as server:
        home = base / "home"
        write_config(home, server.base_url)
        ws = _setup(base, scenario)
        server.enqueue(
            Turn([apply_patch_call("p1", scenario.patch)], Usage(1, 0, 1)),
            Turn([Message("done")], Usage(1, 0, 1)),
        )
        proc = subprocess.run(
            [*argv, "exec", "--json", *scenario.flags, "apply it"],
            cwd=ws,
            env=codex_env(home),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=120,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr.decode()[-2000:]
        assert len(server.requests) == 2
        output = server.requests[1].custom_tool_call_output("p1")
    assert output is not None
    events = [orjson.loads(line) for line in proc.stdout.splitlines()]
    statuses = [
        e["item"]["status"]
        for e in events
        if e["type"] == "item.completed" and e["item"]["type"] == "file_change"
    ]
    return {
        "output": _normalize(str(output["output"]), base),
        "file_change": statuses,
        "tree": _tree(base),
    }


def _official_facts(tmp_path: Path) -> dict[str, Any]:
    assert OFFICIAL is not None
    facts = {s.name: _run([str(OFFICIAL)], s, tmp_path / "official" / s.name) for s in SCENARIOS}
    FIXTURE.write_bytes(
        orjson.dumps(facts, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"
    )
    return facts


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_symlink_scenario_matches_official(scenario: Scenario, tmp_path: Path) -> None:
    if CAPTURE:
        if OFFICIAL is None:
            pytest.skip("CODEX_CAPTURE_FIXTURES=1 needs the official codex binary")
        if scenario is SCENARIOS[0]:
            _official_facts(tmp_path)
    expected = orjson.loads(FIXTURE.read_bytes())[scenario.name]
    ours = _run([sys.executable, "-m", "codex"], scenario, tmp_path / "ours")
    assert ours == expected


@pytest.mark.skipif(OFFICIAL is None, reason="official codex 0.169 binary not installed")
@pytest.mark.parametrize(
    "scenario",
    [s for s in SCENARIOS if s.name in ("update_through_link", "update_link_outside_sandboxed")],
    ids=lambda s: s.name,
)
def test_symlink_scenario_live_against_official(scenario: Scenario, tmp_path: Path) -> None:
    assert OFFICIAL is not None
    official = _run([str(OFFICIAL)], scenario, tmp_path / "official")
    ours = _run([sys.executable, "-m", "codex"], scenario, tmp_path / "ours")
    assert ours == official
