"""What 0.169's `codex app-server` answers to the skills methods (facts for test_skills.py):
`python -m tests.app_server.capture_skills` (needs the anchor, tests/support/official.py)
rewrites tests/fixtures/app_server_skills_official.json.

One scenario, run the same way against either binary (`skills_facts(argv)`), over a scratch
CODEX_HOME and a scratch git repo holding skills in the user root (valid, bad frontmatter,
disabled by a `[[skills.config]]` entry), the repo's `.codex/skills` and `.agents/skills`, a
non-git folder and an extra root: skills/list with no cwds, several cwds (one missing, one
relative), before and after `forceReload`; skills/config/write by path and by name (the
config.toml text after each write) and its errors; skills/extraRoots/set and its errors; and
when `skills/changed` is sent. Each step records its request, its reply and the
`skills/changed` notifications read before the reply, with the scratch folder replaced by
`<tmp>` and the ids and timestamps dropped.

0.169 writes its bundled system skills into CODEX_HOME/skills/.system when it starts and lists
them (scope `system`): the steps leave them out (codex-py lists only what is on disk); their
names are kept apart under `system_skills`.
"""

from __future__ import annotations

import json
import queue
import re
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from tests.app_server.rpc_client import WAIT, RpcClient, scratch_env
from tests.support.mock_config import write_mock_config
from tests.support.mock_model_server import MockModelServer
from tests.support.official_drive import app_server_argv, capture_main, served

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "app_server_skills_official.json"
CHANGED = "skills/changed"


def write_skill(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "SKILL.md"
    path.write_text(text)
    return path


def skill_text(name: str, description: str, extra: str = "") -> str:
    return f"---\nname: {name}\ndescription: {description}\n{extra}---\n\nDo {name} things.\n"


def layout(tmp: Path, base_url: str) -> dict[str, Path]:
    """The scratch home, repo, non-git folder and extra root the scenario runs over."""
    home = tmp / "home"
    off = home / "skills" / "off" / "SKILL.md"
    write_mock_config(home, base_url, f'\n[[skills.config]]\npath = "{off}"\nenabled = false\n')
    write_skill(
        home / "skills" / "user-a",
        skill_text("user-a", "User skill A", "metadata:\n  short-description: Short A\n"),
    )
    write_skill(home / "skills" / "off", skill_text("off", "Disabled by config"))
    write_skill(home / "skills" / "bad", "no frontmatter here\n")
    repo = tmp / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / "sub").mkdir()
    write_skill(repo / ".codex" / "skills" / "repo-a", skill_text("repo-a", "Repo skill A"))
    write_skill(repo / ".agents" / "skills" / "agents-a", skill_text("agents-a", "Agents skill"))
    other = tmp / "other"
    write_skill(other / ".codex" / "skills" / "other-a", skill_text("other-a", "Non-git skill"))
    extra = tmp / "extra"
    write_skill(extra / "ex-a", skill_text("ex-a", "Extra-root skill"))
    return {"home": home, "repo": repo, "other": other, "extra": extra, "off": off}


class Scenario:
    """Runs requests against one server and records normalised steps."""

    def __init__(self, client: RpcClient, tmp: Path, base_url: str) -> None:
        self.client = client
        self.tmp = str(tmp)
        self.base_url = base_url
        self.steps: list[dict[str, Any]] = []
        self.system_skills: set[str] = set()

    def norm(self, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: self.norm(v) for k, v in value.items() if k != "emittedAtMs"}
        if isinstance(value, list):
            return [self.norm(v) for v in value]
        if isinstance(value, str):
            return value.replace(self.base_url, "<mock>").replace(self.tmp, "<tmp>")
        return value

    def _strip_system(self, result: Any) -> Any:
        if not isinstance(result, dict) or not isinstance(result.get("data"), list):
            return result
        for entry in result["data"]:
            kept = []
            for skill in entry.get("skills", []):
                if skill.get("scope") == "system":
                    self.system_skills.add(skill["name"])
                else:
                    kept.append(skill)
            entry["skills"] = kept
        return result

    def step(self, name: str, method: str, params: Any, **extra: Any) -> dict[str, Any]:
        reply, before = self.client.response(self.client.start(method, params))
        record: dict[str, Any] = {"step": name, "method": method, "params": self.norm(params)}
        if "error" in reply:
            record["error"] = reply["error"]
        else:
            record["result"] = self.norm(self._strip_system(reply["result"]))
        record["notified_before_reply"] = [
            self.norm(m) for m in before if m.get("method") == CHANGED
        ]
        record.update({k: self.norm(v) for k, v in extra.items()})
        self.steps.append(record)
        return record

    def wait_changed(self, name: str) -> None:
        """Wait (bounded) for the next skills/changed; record what came (nothing, when the
        hang guard runs out: that step then differs, the others still compare)."""
        try:
            messages = self.client.until(lambda m: m.get("method") == CHANGED, timeout=WAIT)
        except queue.Empty:
            messages = [{}]
        notified = [self.norm(messages[-1])] if messages[-1] else []
        self.steps.append({"step": name, "notified": notified})


def skills_facts(argv: list[str]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp_name, MockModelServer() as mock:
        tmp = Path(tmp_name).resolve()
        paths = layout(tmp, mock.base_url)
        home, repo, other, extra = paths["home"], paths["repo"], paths["other"], paths["extra"]
        config = home / "config.toml"
        # No capabilities: skills/changed needs no experimental opt-in.
        with served(argv, scratch_env(home), repo) as client:
            s = Scenario(client, tmp, mock.base_url)
            s.step("list_no_cwds", "skills/list", {})
            cwds = [str(repo), str(other), str(tmp / "missing"), str(repo / "sub"), "rel"]
            s.step("list_several_cwds", "skills/list", {"cwds": cwds})
            write_skill(home / "skills" / "late", skill_text("late", "Added after a list"))
            s.step("list_cached_after_new_file", "skills/list", {"cwds": [str(repo)]})
            s.step("list_force_reload", "skills/list", {"cwds": [str(repo)], "forceReload": True})
            s.step("list_bad_force_reload", "skills/list", {"forceReload": "x"})
            s.step("list_bad_cwds", "skills/list", {"cwds": "x"})
            s.step("list_no_params", "skills/list", None)
            user_a = str(home / "skills" / "user-a" / "SKILL.md")
            write = "skills/config/write"
            s.step("write_neither", write, {"enabled": False})
            s.step("write_both", write, {"enabled": False, "path": user_a, "name": "user-a"})
            s.step("write_blank_name", write, {"enabled": False, "name": "  "})
            s.step("write_relative_path", write, {"enabled": False, "path": "rel/SKILL.md"})
            s.step("write_no_enabled", write, {"path": user_a})
            s.step("write_bad_enabled", write, {"enabled": "no", "name": "user-a"})
            s.step("config_after_errors", "skills/list", {"cwds": [str(repo)]})
            s.steps[-1]["config_toml"] = s.norm(config.read_text())
            for name, params in (
                ("write_disable_by_path", {"enabled": False, "path": user_a}),
                ("write_disable_by_name", {"enabled": False, "name": "repo-a"}),
                ("write_unknown_name", {"enabled": False, "name": "no-such-skill"}),
                ("write_unknown_path", {"enabled": False, "path": str(tmp / "no" / "SKILL.md")}),
                ("write_enable_by_path", {"enabled": True, "path": str(paths["off"])}),
                ("write_enable_by_name", {"enabled": True, "name": "repo-a"}),
            ):
                s.step(name, write, params)
                s.steps[-1]["config_toml"] = s.norm(config.read_text())
                s.step(name + "_then_list", "skills/list", {"cwds": [str(repo)]})
            roots = "skills/extraRoots/set"
            s.step("roots_relative", roots, {"extraRoots": ["rel/dir"]})
            s.step("roots_missing_field", roots, {})
            s.step("roots_set", roots, {"extraRoots": [str(extra)]})
            s.step("roots_set_then_list", "skills/list", {"cwds": [str(repo)]})
            s.step("roots_missing_dir", roots, {"extraRoots": [str(tmp / "nowhere")]})
            s.step("roots_missing_dir_then_list", "skills/list", {"cwds": [str(repo)]})
            s.step("roots_cleared", roots, {"extraRoots": []})
            s.step("roots_cleared_then_list", "skills/list", {"cwds": [str(repo)]})
            # A file change under a skill root is reported once a thread watches the roots of
            # its cwd; before any thread nothing is watched (the `late` skill above, written
            # with no thread open, sent nothing: no step saw a skills/changed before this).
            thread = client.call("thread/start", {"cwd": str(repo)})
            del thread
            write_skill(home / "skills" / "fresh", skill_text("fresh", "Written with a thread"))
            s.wait_changed("file_written_with_thread_open")
            s.step("after_change_list", "skills/list", {"cwds": [str(repo)]})
        return {"steps": s.steps, "system_skills": sorted(s.system_skills)}


def websocket_facts(argv: list[str]) -> dict[str, Any]:
    """Three WebSocket connections to one server (`argv` + `--listen ws://127.0.0.1:0`): A sets
    extra roots, B (no capabilities) lists, C opted out of skills/changed lists. Whether the
    roots are the server's or A's, and who is told."""
    import asyncio

    import websockets

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name).resolve()
        home = tmp / "home"
        write_mock_config(home, "http://127.0.0.1:9/v1")
        extra = tmp / "extra"
        write_skill(extra / "ex-a", skill_text("ex-a", "Extra-root skill"))
        proc = subprocess.Popen(
            [*argv, "--listen", "ws://127.0.0.1:0"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=scratch_env(home),
            cwd=tmp,
        )
        assert proc.stderr is not None
        url = ""
        for raw in proc.stderr:  # each server says where it listens among its first lines
            found = re.search(r"ws://127\.0\.0\.1:\d+", raw.decode(errors="replace"))
            if found:
                url = found.group(0)
                break

        async def call(ws: Any, request_id: int, method: str, params: Any) -> tuple[Any, list]:
            await ws.send(json.dumps({"id": request_id, "method": method, "params": params}))
            seen = []
            while True:
                message = json.loads(await asyncio.wait_for(ws.recv(), WAIT))
                if message.get("id") == request_id and "method" not in message:
                    return message, seen
                seen.append(message.get("method"))

        async def scenario() -> dict[str, Any]:
            async with (
                websockets.connect(url) as a,
                websockets.connect(url) as b,
                websockets.connect(url) as c,
            ):
                hello = {"clientInfo": {"name": "ws", "version": "1"}}
                for ws, extra_hello in ((a, {}), (b, {}), (c, {"capabilities": OPT_OUT})):
                    await call(ws, 1, "initialize", {**hello, **extra_hello})
                    await ws.send(json.dumps({"method": "initialized"}))
                _, seen_a = await call(a, 2, "skills/extraRoots/set", {"extraRoots": [str(extra)]})
                listed, seen_b = await call(b, 3, "skills/list", {"cwds": [str(tmp)]})
                _, seen_c = await call(c, 4, "skills/list", {"cwds": [str(tmp)]})
            skills = listed["result"]["data"][0]["skills"]
            return {
                "other_connection_lists_extra_root_skills": [
                    [x["name"], x["scope"]] for x in skills if x["scope"] != "system"
                ],
                "setter_notified_before_reply": CHANGED in seen_a,
                "other_connection_notified": CHANGED in seen_b,
                "opted_out_connection_notified": CHANGED in seen_c,
            }

        try:
            return asyncio.run(scenario())
        finally:
            proc.terminate()
            proc.wait(timeout=WAIT)


OPT_OUT = {"optOutNotificationMethods": [CHANGED]}

ABOUT = (
    "0.169 `codex app-server` skills methods (tests/app_server/capture_skills.py), one scenario "
    "over a scratch CODEX_HOME (<tmp>/home) and git repo (<tmp>/repo, the server's cwd), and "
    "one over three WebSocket connections to one server (websocket). "
    "System-scope skills (0.169 installs them in CODEX_HOME/skills/.system at start) are left "
    "out of every list; their names are under system_skills. observed_by_hand: what runs by "
    "hand showed about the watcher (its 10 s window is no test material)."
)

OBSERVED_BY_HAND = {
    "skills_changed_needs_experimental_api": False,
    "skills_changed_on_config_write": False,
    "skills_changed_on_extra_roots_set": "always, before the reply",
    "skills_changed_on_file_change": (
        "only under the skill roots of a started thread's cwd and the extra roots (a new "
        "SKILL.md under CODEX_HOME/skills before any thread: nothing); the first change at "
        "once, further changes within 10 s coalesced into one more notification"
    ),
}


def skills_doc(argv: list[str]) -> dict[str, Any]:
    facts = skills_facts(argv)
    return {
        "_about": ABOUT,
        "observed_by_hand": OBSERVED_BY_HAND,
        "websocket": websocket_facts(argv),
        **facts,
    }


def main() -> int:
    return capture_main(FIXTURE, lambda binary: skills_doc(app_server_argv(binary)))


if __name__ == "__main__":
    raise SystemExit(main())
