"""Scenarios for the skills follow-ups (load warnings, steered mentions, extra roots, the list's
format and budget), each runnable against any `codex` argv: the official 0.169 binary to
capture tests/fixtures/skills_followup_official.json, ours in tests/core/test_skills_followup*.

Recapture: `.venv/bin/python -m tests.core.capture_skills_followup` (needs the anchor binary).
Paths in facts are stored with the scratch root spelled `<root>`; the official binary's bundled
(system) skills are left out of every listing (their names and text are not ours to keep).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.app_server.rpc_client import RpcClient
from tests.core.skills_official import normalize, official_env, parse_listing
from tests.support.mock_config import write_mock_config
from tests.support.mock_model_server import Hold, MockModelServer
from tests.support.model_stream import Message, Turn, Usage
from tests.support.official_drive import capture_main, run_codex, served

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "skills_followup_official.json"
SYSTEM = "/skills/.system/"


def skill(d: Path, name: str, description: str | None) -> Path:
    d.mkdir(parents=True, exist_ok=True)
    desc = "" if description is None else f"description: {description}\n"
    (d / "SKILL.md").write_text(f"---\nname: {name}\n{desc}---\nBody of {name}.\n")
    return d / "SKILL.md"


def tree(root: Path) -> tuple[Path, Path, Path]:
    """(codex home, $HOME, cwd): one good skill and one broken one in the user root, beta in
    $HOME/.agents/skills, a git repo as cwd."""
    ch, home, cwd = root / "codex-home", root / "home", root / "repo"
    cwd.mkdir(parents=True)
    home.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(cwd)], check=True)
    skill(ch / "skills" / "good", "good", "A good skill")
    skill(ch / "skills" / "broken", "broken", None)
    skill(home / ".agents" / "skills" / "beta", "beta", "Beta desc")
    return ch, home, cwd


def _env(ch: Path, home: Path) -> dict[str, str]:
    env = official_env(ch, home)
    env["RUST_LOG"] = "error"  # 0.169's default; ours ignores it
    return env


@dataclass
class SkillsRun:
    """A scenario's scratch tree (see `tree`) and the mock its CODEX_HOME points at."""

    mock: MockModelServer
    root: Path
    ch: Path
    home: Path
    cwd: Path

    def serve(
        self, argv: list[str], name: str = "skills-followup"
    ) -> AbstractContextManager[RpcClient]:
        """`argv app-server` on this tree, initialized as client `name`, closed at the end."""
        return served([*argv, "app-server"], _env(self.ch, self.home), self.cwd, name=name)

    def exec(self, argv: list[str], *args: str) -> subprocess.CompletedProcess[str]:
        """`argv exec … hi` on this tree (it must succeed)."""
        cmd = [*argv, "exec", *args, "--skip-git-repo-check", "hi"]
        return run_codex(cmd, _env(self.ch, self.home), self.cwd, check=True)


@contextmanager
def skills_run(
    *, held: str | None = None, reply: str = "ok", layout: Callable[[Path], Any] = tree
) -> Iterator[SkillsRun]:
    """A temp root with `layout`'s tree, CODEX_HOME on a fresh mock answering `reply` (the
    first answer `held` until released, when given)."""
    with tempfile.TemporaryDirectory() as tmp, MockModelServer() as mock:
        root = Path(tmp)
        ch, home, cwd = layout(root)
        write_mock_config(ch, mock.base_url)
        if held is not None:
            mock.enqueue(Hold(Turn([Message(held)], Usage(10, 0, 2)), frames=1))
        mock.repeat(Turn([Message(reply)], Usage(10, 0, 2)))
        yield SkillsRun(mock, root, ch, home, cwd)


def _user_texts(body: dict[str, Any]) -> list[str]:
    return [
        i["content"][0].get("text", "").split("\n", 1)[0]
        for i in body["input"]
        if i.get("type") == "message" and i.get("role") == "user"
    ]


# ---- 1. a SKILL.md that fails to load ---------------------------------------------------------


def load_error_exec(argv: list[str]) -> dict[str, Any]:
    """`exec --json` and plain `exec` with a broken SKILL.md: what stdout and stderr say of it."""
    with skills_run() as run:
        out: dict[str, Any] = {}
        for mode, extra in (("json", ["--json"]), ("human", [])):
            res = run.exec(argv, *extra)
            stdout = [line for line in res.stdout.splitlines() if "broken" in line]
            stderr = [
                re.sub(r"^\S+Z ", "<time> ", line)
                for line in res.stderr.splitlines()
                if "broken" in line
            ]
            out[mode] = normalize({"stdout": stdout, "stderr": stderr}, run.root)
        return out


def load_error_app_server(argv: list[str]) -> dict[str, Any]:
    """thread/start then one turn with a broken SKILL.md: every notification that names it (and
    what came right before it), then what skills/list says."""
    with skills_run() as run, run.serve(argv) as client:
        root, cwd = run.root, run.cwd
        tid = client.call("thread/start", {"cwd": str(cwd)})["thread"]["id"]
        client.turn(tid, "hi")
        listing = client.call("skills/list", {"cwds": [str(cwd)]})["data"][0]["errors"]
        methods = [m.get("method") for m in client.seen if "method" in m]
        naming = [m for m in client.seen if "method" in m and "broken" in json.dumps(m)]
        return normalize(
            {
                "notifications_naming_it": [
                    {
                        "method": m["method"],
                        "params": m["params"],
                        "index": methods.index(m["method"]),
                    }
                    for m in naming
                ],
                "methods_in_order": methods,
                "skills_list_errors": listing,
            },
            root,
        )


# ---- 2. skill mentions in steered input ------------------------------------------------------


def steer(argv: list[str]) -> dict[str, Any]:
    """turn/start "hi" (the model holds its reply), turn/steer with a `$good` mention and a
    structured beta item: the user messages of the request after the steer, in order."""
    with skills_run(held="first") as run:
        root, home, cwd, mock = run.root, run.home, run.cwd, run.mock
        beta = str(home / ".agents" / "skills" / "beta" / "SKILL.md")
        with run.serve(argv) as client:
            tid = client.call("thread/start", {"cwd": str(cwd)})["thread"]["id"]
            turn = client.call(
                "turn/start", {"threadId": tid, "input": [{"type": "text", "text": "hi"}]}
            )["turn"]["id"]
            mock.wait_held()
            steer_input = [
                {"type": "text", "text": "also use $good"},
                {"type": "skill", "name": "beta", "path": beta},
            ]
            reply = client.call(
                "turn/steer", {"threadId": tid, "expectedTurnId": turn, "input": steer_input}
            )
            mock.release()
            done = client.until(lambda m: m.get("method") == "turn/completed")
        user_items = [
            m["params"]["item"]["content"]
            for m in client.seen
            if m.get("method") == "item/completed" and m["params"]["item"]["type"] == "userMessage"
        ]
        return normalize(
            {
                "steer_reply_has_turn_id": reply.get("turnId") == turn,
                "requests": len(mock.requests),
                "second_request_user_texts": _user_texts(mock.requests[1].json),
                "user_message_items": user_items,
                "turn_status": done[-1]["params"]["turn"]["status"],
            },
            root,
        )


# ---- 3. extra roots in a session -------------------------------------------------------------


def extra_roots(argv: list[str]) -> dict[str, Any]:
    """skills/extraRoots/set [extra] (holding `xtra`), then a thread and a turn naming `$xtra`:
    is it listed to the model, is it injected, does skills/list show it."""
    with skills_run() as run:
        root, cwd, mock = run.root, run.cwd, run.mock
        extra = root / "extra"
        skill(extra / "xtra", "xtra", "From an extra root")
        with run.serve(argv) as client:
            client.call("skills/extraRoots/set", {"extraRoots": [str(extra)]})
            listed = client.call("skills/list", {"cwds": [str(cwd)]})["data"][0]["skills"]
            tid = client.call("thread/start", {"cwd": str(cwd)})["thread"]["id"]
            client.turn(tid, "use $xtra")
        body = mock.requests[0].json
        return normalize(
            {
                "skills_list": sorted(
                    [s["name"], s["scope"]] for s in listed if s["scope"] != "system"
                ),
                "model_listed": [e for e in _listing(body) if SYSTEM not in e[1]],
                "user_texts": _user_texts(body),
            },
            root,
        )


# ---- 4. the list's format: aliases, order, budget --------------------------------------------


def _skills_text(body: dict[str, Any]) -> str:
    for item in body["input"]:
        if item.get("role") == "developer":
            for part in item["content"]:
                if part.get("text", "").startswith("<skills_instructions>"):
                    return str(part["text"])
    return ""


def _listing(body: dict[str, Any]) -> list[list[str]]:
    return parse_listing(_skills_text(body))


def structure(text: str) -> dict[str, Any]:
    """The machine-relevant shape of a `<skills_instructions>` text: its headings, the alias
    lines, and the skill lines without system skills (prose is not kept)."""
    lines = text.splitlines()
    return {
        "headings": [line for line in lines if line.startswith("#")],
        "aliases": [line for line in lines if re.match(r"^- `r\d+` = ", line)],
        "skills": [line for line in lines if re.match(r"^- .+\(file: [^)]+\)$", line)],
    }


def _format_tree(root: Path, count: int, desc_len: int) -> tuple[Path, Path, Path]:
    ch, home, cwd = tree(root)
    (cwd / ".codex" / "skills").mkdir(parents=True)
    skill(cwd / ".codex" / "skills" / "proj", "proj", "Project skill")
    skill(cwd / ".agents" / "skills" / "zed", "zed", "Repo agents skill")
    skill(cwd / ".agents" / "skills" / "abc", "abc", "Repo agents skill two")
    for n in range(count):
        body = f"s{n:02d} " + "x" * max(0, desc_len - 4)
        skill(ch / "skills" / f"s{n:02d}", f"s{n:02d}", body)
    return ch, home, cwd


def list_format(
    argv: list[str], count: int, desc_len: int, system: list[list[Any]] | None = None
) -> dict[str, Any]:
    """`exec` with `count` user skills of `desc_len`-character descriptions (plus repo ones):
    the list's structure and the description length each skill line kept. `system`: [name,
    description length] of stand-ins for 0.169's bundled skills (ours has none of its own)."""
    with skills_run(layout=lambda root: _format_tree(root, count, desc_len)) as run:
        for name, length in system or ():
            skill(run.ch / "skills" / ".system" / name, name, "d" * length)
        run.exec(argv, "--json")
        text = _skills_text(run.mock.requests[0].json).replace(str(run.root), "<root>")
    shape = structure(text)
    system_aliases = [a.split("`")[1] for a in shape["aliases"] if "/skills/.system`" in a]
    lines, system = [], []
    for line in shape["skills"]:
        m = re.match(r"^- (.+?): (.*) \(file: ([^/)]+)/[^)]*\)$", line)
        if m and m.group(3) in system_aliases:
            # Bundled skills: only their names and how much description was kept.
            system.append([m.group(1), len(m.group(2))])
        else:
            lines.append(line)
    kept = []
    for line in lines:
        m = re.match(r"^- (s\d\d): (.*) \(file: [^)]+\)$", line)
        if m:
            kept.append(len(m.group(2)))
    return {
        "headings": shape["headings"],
        "aliases": shape["aliases"],
        "system_alias_count": len(system_aliases),
        "skill_lines": lines if count <= 3 else lines[:4] + lines[-2:],
        "system_skills_kept_description_chars": system,
        "description_lengths": kept,
        "total_chars": len(text),
    }


def capture_all(argv: list[str]) -> dict[str, Any]:
    return {
        "version": "0.169.0",
        "load_error_exec": load_error_exec(argv),
        "load_error_app_server": load_error_app_server(argv),
        "steer": steer(argv),
        "extra_roots": extra_roots(argv),
        "format_small": list_format(argv, 3, 20),
        "format_budget": list_format(argv, 40, 600),
    }


if __name__ == "__main__":
    sys.exit(capture_main(FIXTURE, lambda binary: capture_all([str(binary)])))
