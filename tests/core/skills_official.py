"""The skills scenarios the tests share, and how to capture the official 0.169's answer to
them (stored in tests/fixtures/skills_official.json; recapture with
`.venv/bin/python -m tests.core.skills_official` when the anchor binary is installed).

Every scenario is built from real files under a scratch root; paths in captured answers are
stored with that root replaced by `<root>`. The official binary unpacks its bundled skills into
`$CODEX_HOME/skills/.system` on first run: captures keep only their names (never their text),
and the comparisons leave system-scope skills out.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
from pathlib import Path
from typing import Any

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "skills_official.json"


def _skill(d: Path, body: str) -> None:
    d.mkdir(parents=True, exist_ok=True)
    (d / "SKILL.md").write_text(body, encoding="utf-8", newline="")


def _fm(name: str, description: str, extra: str = "") -> str:
    return f"---\nname: {name}\ndescription: {description}\n{extra}---\n"


def build_tree(root: Path) -> tuple[Path, Path, Path]:
    """The discovery scenario: (codex home, $HOME, cwd). Every rule the loader has gets a case:
    scopes, nesting, depth, hidden dirs, symlinks, duplicates, openai.yaml, errors."""
    ch, home, repo = root / "codex-home", root / "home", root / "repo"
    (repo / "sub" / "deeper").mkdir(parents=True, exist_ok=True)
    home.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    u = ch / "skills"
    short = "metadata:\n  short-description: short A\n"
    _skill(u / "alpha", _fm("alpha", "Alpha does things", short))
    _skill(u / "broken", "no frontmatter\n")
    _skill(u / "nodesc", "---\nname: nodesc\n---\nbody\n")
    _skill(u / "longname", "---\nname: " + "n" * 65 + "\ndescription: d\n---\n")
    _skill(u / "longdesc", "---\nname: longdesc\ndescription: " + "d" * 1025 + "\n---\n")
    _skill(u / "badyaml", "---\nname: [unclosed\ndescription: x\n---\n")
    _skill(u / "noname-dir", "---\ndescription: Named after its dir\n---\n")
    _skill(u / ".hidden", "---\nname: hidden\ndescription: h\n---\n")
    _skill(u / "d1/d2/d3/d4/d5/d6", "---\nname: depth6\ndescription: at depth six\n---\n")
    _skill(u / "e1/e2/e3/e4/e5/e6/e7", "---\nname: depth7\ndescription: at depth seven\n---\n")
    _skill(root / "outside" / "linked-skill", _fm("linked", "Through a symlink"))
    os.symlink(root / "outside" / "linked-skill", u / "link")
    multi = "---\nname: '  multi   word '\ndescription: |\n  line one\n    line two\n---\n"
    _skill(u / "multi", multi)
    _skill(u / "emptyfm", "---\n---\nbody\n")
    _skill(u / "crlf", "---\r\nname: crlf\r\ndescription: CRLF file\r\n---\r\nbody\r\n")
    w = u / "withmeta"
    _skill(w, "---\nname: withmeta\ndescription: Has openai.yaml\n---\n")
    (w / "agents").mkdir()
    (w / "assets").mkdir()
    (w / "assets" / "i.svg").write_text("<svg/>")
    (w / "agents" / "openai.yaml").write_text(
        'interface:\n  display_name: "With Meta"\n  short_description: "meta short"\n'
        '  icon_small: ./assets/i.svg\n  icon_large: ../x.png\n  brand_color: "#12ab9F"\n'
        '  default_prompt: "Use $withmeta"\n'
        "dependencies:\n  tools:\n    - type: mcp\n      value: some-server\n"
        "      description: needs it\n      transport: streamable_http\n"
        "      url: https://example.invalid/mcp\n"
        "    - type: env_var\n      value: API_TOKEN\n    - value: missing-type\n"
        "policy:\n  allow_implicit_invocation: false\n"
    )
    _skill(u / "badmeta", "---\nname: badmeta\ndescription: Broken openai.yaml\n---\n")
    (u / "badmeta" / "agents").mkdir()
    (u / "badmeta" / "agents" / "openai.yaml").write_text("interface: [\n")
    _skill(
        home / ".agents/skills/beta", "---\nname: beta\ndescription: Beta desc\n---\nBeta body\n"
    )
    _skill(repo / ".agents/skills/gamma", "---\nname: gamma\ndescription: Gamma\n---\n")
    _skill(repo / ".agents/skills/alpha", "---\nname: alpha\ndescription: Repo alpha\n---\n")
    _skill(repo / "sub/.agents/skills/epsilon", _fm("epsilon", "Nested repo root"))
    _skill(repo / "sub/deeper/nope/.agents/skills/zeta", _fm("zeta", "below cwd"))
    _skill(repo / ".codex/skills/delta", "---\nname: delta\ndescription: Project layer\n---\n")
    # A symlinked SKILL.md file (not a folder) and one SKILL.md reached from two roots: the
    # project's .codex/skills root is scanned before the user root.
    _skill(root / "outside" / "file-skill", _fm("filelinked", "Through a file symlink"))
    (u / "filelink").mkdir()
    os.symlink(root / "outside" / "file-skill" / "SKILL.md", u / "filelink" / "SKILL.md")
    os.symlink(u / "crlf", repo / ".codex/skills/shared")
    return ch, home, repo / "sub" / "deeper"


# One SKILL.md per case, each alone in a user root: how 0.169 reads odd frontmatter.
FRONTMATTER_CASES: dict[str, str] = {
    "y1": "---\nname: [unclosed\ndescription: x\n---\n",
    "y2": '---\nname: y2\ndescription: "unterminated\n---\n',
    "y3": "---\nname: a: b\ndescription: x\n---\n",
    "y4": "---\n:::\n---\n",
    "y5": "---\nname: y5\ndescription: x\nfoo: [1, 2\n---\n",
    "y6": "---\nname: 123\ndescription: 456\n---\n",
    "y7": "---\nname: y7\ndescription: [a, b]\n---\n",
    "y8": "---\nname: y8\ndescription: {a: b}\n---\n",
    "y9": "---\n- a\n- b\n---\n",
    "y10": "---\nname: y10\ndescription: x\nmetadata: 5\n---\n",
    "y11": "---\nname: y11\ndescription: x\nmetadata:\n  short-description: ''\n---\n",
    "y12": "---\nname: y12\ndescription: x\nmetadata:\n  short-description: "
    + "s" * 1025
    + "\n---\n",
    "y13": "---\nname: y13\ndescription: " + "d" * 5000 + "\n---\n",
    "y14": "---\nname: " + "é" * 64 + "\ndescription: x\n---\n",
    "y15": "---\nname: ''\ndescription: x\n---\n",
    "y16": "  ---  \nname: y16\ndescription: x\n ---\n",
    "y17": "---\nname: y17\ndescription: x\n",
    "y18": "\n---\nname: y18\ndescription: x\n---\n",
    "y19": "---\nname: y19\ndescription: ''\n---\n",
    "y20": "---\nname: y20\ndescription: x\nname: dup\n---\n",
    "y21": "---\nname: y21\ndescription: null\n---\n",
    "y22": "---\nname: y22\n\tdescription: tab\n---\n",
    "y23": "---\nname: y23\ndescription: >\n  folded\n  text\n---\n",
    "y24": "\ufeff---\nname: y24\ndescription: x\n---\n",
    "y25": "---\nname: y25\ndescription: true\n---\n",
    "y26": "---\r\nname: y26\r\ndescription: x\r\n---\r\n",
    "y27": "---\nname: y27 # comment\ndescription: 'quoted # not'\n---\n",
    "y28": "---\nname: " + "é" * 65 + "\ndescription: x\n---\n",
}


# One agents/openai.yaml per case (beside a plain SKILL.md): limits, kinds, fail-open rules.
METADATA_CASES: dict[str, str] = {
    "m1": 'interface:\n  display_name: "'
    + "D" * 65
    + '"\n  short_description: "'
    + "s" * 1025
    + '"\n  default_prompt: "'
    + "p" * 1025
    + '"\n  brand_color: "#12345"\n'
    "  icon_small: /abs/x.svg\n  icon_large: other/x.png\n",
    "m2": 'interface:\n  display_name: "' + "D" * 64 + '"\n  short_description: ""\n'
    '  icon_small: assets\n  icon_large: ./assets/../assets/x.png\n  brand_color: " #ABCDEF "\n',
    "m3": 'dependencies:\n  tools:\n    - type: "' + "t" * 65 + '"\n      value: v\n'
    '    - type: mcp\n      value: "' + "v" * 1025 + '"\n    - type: mcp\n      value: ok\n'
    '      transport: "' + "x" * 65 + '"\n      command: run\n',
    "m4": "interface:\n  display_name: 5\n  default_prompt: true\n",
    "m5": "- just\n- a list\n",
    "m6": "interface: {}\ndependencies:\n  tools: []\n",
    "m7": 'interface:\n  display_name: "Ok"\n  unknown: 1\n'
    'policy:\n  allow_implicit_invocation: "no"\n',
    "m8": "interface:\n  display_name: yes\n  default_prompt: 0x1F\n"
    "policy:\n  allow_implicit_invocation: False\n",
    "m9": "interface: 5\n",
}


def build_metadata_cases(root: Path) -> tuple[Path, Path, Path]:
    ch, home = root / "codex-home", root / "home"
    home.mkdir(parents=True, exist_ok=True)
    for name, body in METADATA_CASES.items():
        _skill(ch / "skills" / name, _fm(name, "d"))
        (ch / "skills" / name / "agents").mkdir()
        (ch / "skills" / name / "assets").mkdir()
        (ch / "skills" / name / "agents" / "openai.yaml").write_text(body)
    return ch, home, root


def build_frontmatter_cases(root: Path) -> tuple[Path, Path, Path]:
    ch, home = root / "codex-home", root / "home"
    home.mkdir(parents=True, exist_ok=True)
    for name, body in FRONTMATTER_CASES.items():
        _skill(ch / "skills" / name, body)
    return ch, home, root


def normalize(value: Any, root: Path) -> Any:
    """`value` with the scratch root spelled `<root>` (JSON round trip)."""
    return json.loads(json.dumps(value).replace(str(root), "<root>"))


def strip_system(listing: dict[str, Any]) -> dict[str, Any]:
    return {
        "skills": [s for s in listing["skills"] if s["scope"] != "system"],
        "errors": listing["errors"],
    }


# ---- capturing from the official binary ------------------------------------------------------


def official_env(ch: Path, home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CODEX_", "OPENAI_"))}
    env.update(CODEX_HOME=str(ch), HOME=str(home), MOCK_KEY="k", NO_COLOR="1")
    return env


def official_app_server(
    binary: Path, ch: Path, home: Path, cwd: Path, calls: list[tuple[str, Any]]
) -> list[Any]:
    """Run the official `app-server`, make `calls` in order, return each response."""
    proc = subprocess.Popen(
        [str(binary), "app-server"], cwd=cwd, env=official_env(ch, home),
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    assert proc.stdin is not None and proc.stdout is not None
    out = []
    try:

        def call(i: int, method: str, params: Any) -> Any:
            assert proc.stdin is not None and proc.stdout is not None
            proc.stdin.write(json.dumps({"id": i, "method": method, "params": params}) + "\n")
            proc.stdin.flush()
            while True:
                msg = json.loads(proc.stdout.readline())
                if msg.get("id") == i and "method" not in msg:
                    return msg

        call(0, "initialize", {"clientInfo": {"name": "skills-capture", "version": "1"}})
        proc.stdin.write(json.dumps({"method": "initialized"}) + "\n")
        for i, (method, params) in enumerate(calls, 1):
            out.append(call(i, method, params))
    finally:
        proc.stdin.close()
        proc.kill()
        proc.wait()
    return out


def capture_listing(binary: Path, build: Any) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        ch, home, cwd = build(root)
        ch.mkdir(parents=True, exist_ok=True)
        (ch / "config.toml").write_text("")
        [resp] = official_app_server(binary, ch, home, cwd, [("skills/list", {"cwds": [str(cwd)]})])
        data = resp["result"]["data"][0]
        listing = normalize({"skills": data["skills"], "errors": data["errors"]}, root)
        system = sorted(s["name"] for s in listing["skills"] if s["scope"] == "system")
        return {"system_skill_names": system, **strip_system(listing)}


# `skills/config/write` calls in order (paths relative to the scenario root), then a listing.
CONFIG_CALLS: list[dict[str, Any]] = [
    {"path": "codex-home/skills/alpha/SKILL.md", "enabled": False},
    {"name": "beta", "enabled": False},
    {"name": "gamma", "enabled": False},
    {"name": "gamma", "enabled": False},
    {"name": "nosuch", "enabled": False},
    {"path": "codex-home/skills/alpha/SKILL.md", "enabled": True},
    {"name": "beta", "path": "codex-home/skills/alpha/SKILL.md", "enabled": False},
    {"enabled": True},
    {"path": "codex-home/skills/link/SKILL.md", "enabled": False},
]
CONFIG_START = '# my settings\nmodel = "gpt-5.5" # pinned\n'


def config_params(call: dict[str, Any], root: Path) -> dict[str, Any]:
    return {k: (str(root / v) if k == "path" else v) for k, v in call.items()}


def capture_config_write(binary: Path) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        ch, home, cwd = build_tree(root)
        (ch / "config.toml").write_text(CONFIG_START)
        calls = [("skills/config/write", config_params(c, root)) for c in CONFIG_CALLS]
        calls.append(("skills/list", {"cwds": [str(cwd)]}))
        responses = official_app_server(binary, ch, home, cwd, calls)
        listing = responses[-1]["result"]["data"][0]
        enabled = {s["path"]: s["enabled"] for s in listing["skills"] if s["scope"] != "system"}
        return normalize(
            {
                "responses": [r.get("result", r.get("error")) for r in responses[:-1]],
                "config": (ch / "config.toml").read_text(),
                "enabled": enabled,
            },
            root,
        )


# ---- what reaches the model ------------------------------------------------------------------

# Disables gamma by name (a disabled skill is neither listed nor injected).
REQUEST_CONFIG = '\n[[skills.config]]\nname = "gamma"\nenabled = false\n'
# alpha exists twice (repo and user), so `$alpha` alone is ambiguous; the link picks one.
MENTION_PROMPT = (
    "use $beta and [$alpha](<root>/codex-home/skills/alpha/SKILL.md) and $gamma and "
    "$withmeta and $BETA and $HOME and $epsilon."
)
# turn/start input of the structured case: beta and alpha (under another name) are injected,
# gamma is disabled, the last path is no skill; `$beta` in the text adds nothing.
SKILL_ITEMS: list[dict[str, Any]] = [
    {"type": "text", "text": "do it with $beta"},
    {"type": "skill", "name": "beta", "path": "<root>/home/.agents/skills/beta/SKILL.md"},
    {"type": "skill", "name": "gamma", "path": "<root>/repo/.agents/skills/gamma/SKILL.md"},
    {"type": "skill", "name": "whatever", "path": "<root>/codex-home/skills/alpha/SKILL.md"},
    {"type": "skill", "name": "nope", "path": "<root>/nope/SKILL.md"},
]


def request_facts(body: dict[str, Any], prompt_text: str) -> dict[str, Any]:
    """What a first request says about skills: the developer message's parts (first lines),
    the listed skills as (name, absolute SKILL.md path) in order, whether system skills lead,
    and the texts of the messages after the user's prompt."""
    items = body["input"]
    dev = next(
        i
        for i in items
        if i.get("role") == "developer"
        and any("<skills_instructions>" in c.get("text", "") for c in i["content"])
    )
    part_heads = [c["text"].split("\n", 1)[0] for c in dev["content"]]
    text = next(c["text"] for c in dev["content"] if c["text"].startswith("<skills_instructions>"))
    listed = parse_listing(text)
    at = next(
        n
        for n, i in enumerate(items)
        if i.get("role") == "user" and i["content"][0].get("text") == prompt_text
    )
    after = [i["content"][0]["text"] for i in items[at + 1 :] if i.get("type") == "message"]
    return {
        "developer_parts": part_heads,
        "ends_with_close_tag": text.rstrip().endswith("</skills_instructions>"),
        "listed": listed,
        "injected": after,
    }


def parse_listing(text: str) -> list[list[str]]:
    r"""[name, absolute path] per `- name: description (file: path)` line, aliases (`rN/...`,
    defined by `- \`rN\` = \`<folder>\`` lines) expanded."""
    aliases = dict(re.findall(r"^- `(r\d+)` = `([^`]+)`$", text, re.M))
    out = []
    for name, path in re.findall(r"^- (.+?): .*?\(file: ([^)]+)\)$", text, re.M):
        head, _, rest = path.partition("/")
        out.append([name, f"{aliases[head]}/{rest}" if head in aliases else path])
    return out


def capture_exec_request(binary: Path) -> dict[str, Any]:
    from tests.support.mock_config import write_mock_config
    from tests.support.mock_model_server import MockModelServer
    from tests.support.model_stream import Message, Turn, Usage

    with tempfile.TemporaryDirectory() as tmp, MockModelServer() as mock:
        root = Path(tmp)
        ch, home, cwd = build_tree(root)
        write_mock_config(ch, mock.base_url, REQUEST_CONFIG)
        mock.repeat(Turn([Message("ok")], Usage(10, 0, 2)))
        prompt = MENTION_PROMPT.replace("<root>", str(root))
        subprocess.run(
            [str(binary), "exec", "--json", "--skip-git-repo-check", prompt],
            cwd=cwd, env=official_env(ch, home), stdin=subprocess.DEVNULL,
            capture_output=True, timeout=120, check=True,
        )  # fmt: skip
        facts = request_facts(mock.requests[0].json, prompt)
        system = ["/skills/.system/" in entry[1] for entry in facts["listed"]]
        # Bundled skills are listed before all others (their names only are kept here).
        facts["system_listed_first"] = system == sorted(system, reverse=True)
        facts["listed"] = [e for e in facts["listed"] if "/skills/.system/" not in e[1]]
        facts["rollout"] = rollout_turn_shape(ch)
        return normalize(facts, root)


def rollout_turn_shape(ch: Path) -> list[str]:
    """The first turn's lines from the user's prompt on: `type/payload type[/role:first line]`."""
    [path] = list((ch / "sessions").rglob("rollout-*.jsonl"))
    shape = []
    started = False
    for line in path.read_text().splitlines():
        rec = json.loads(line)
        payload = rec["payload"]
        tag = f"{rec['type']}/{payload.get('type')}"
        if rec["type"] == "response_item" and payload.get("type") == "message":
            first = payload["content"][0].get("text", "").split("\n", 1)[0]
            if payload["role"] == "user" and not first.startswith("<"):
                started = True
                first = "<prompt>"
            tag += f"/{payload['role']}:{first}"
        if started:
            shape.append(tag)
    return shape


def capture_skill_items(binary: Path) -> dict[str, Any]:
    """`turn/start` with SKILL_ITEMS on the official app-server: what the model got after the
    user's message, and the turn's userMessage item (skill entries kept in its content)."""
    from tests.support.mock_config import write_mock_config
    from tests.support.mock_model_server import MockModelServer
    from tests.support.model_stream import Message, Turn, Usage

    with tempfile.TemporaryDirectory() as tmp, MockModelServer() as mock:
        root = Path(tmp)
        ch, home, cwd = build_tree(root)
        write_mock_config(ch, mock.base_url, REQUEST_CONFIG)
        mock.repeat(Turn([Message("ok")], Usage(10, 0, 2)))
        items = json.loads(json.dumps(SKILL_ITEMS).replace("<root>", str(root)))
        proc = subprocess.Popen(
            [str(binary), "app-server"], cwd=cwd, env=official_env(ch, home),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        )  # fmt: skip
        assert proc.stdin is not None and proc.stdout is not None
        stdin, stdout = proc.stdin, proc.stdout

        def send(msg: dict[str, Any]) -> None:
            stdin.write(json.dumps(msg) + "\n")
            stdin.flush()

        def until(pred: Any) -> dict[str, Any]:
            while True:
                msg: dict[str, Any] = json.loads(stdout.readline())
                if pred(msg):
                    return msg

        try:
            send(
                {
                    "id": 0,
                    "method": "initialize",
                    "params": {"clientInfo": {"name": "c", "version": "1"}},
                }
            )
            until(lambda m: m.get("id") == 0)
            send({"method": "initialized"})
            send({"id": 1, "method": "thread/start", "params": {"cwd": str(cwd)}})
            tid = until(lambda m: m.get("id") == 1)["result"]["thread"]["id"]
            send({"id": 2, "method": "turn/start", "params": {"threadId": tid, "input": items}})
            done = until(
                lambda m: (
                    m.get("method") == "item/completed"
                    and m["params"]["item"]["type"] == "userMessage"
                )
            )
            until(lambda m: m.get("method") == "turn/completed")
        finally:
            stdin.close()
            proc.kill()
            proc.wait()
        body = mock.requests[0].json
        user = [i for i in body["input"] if i.get("role") == "user"]
        at = next(n for n, i in enumerate(user) if i["content"][0]["text"] == items[0]["text"])
        return normalize(
            {
                "user_message": user[at]["content"],
                "injected": [i["content"][0]["text"] for i in user[at + 1 :]],
                "user_message_item_content": done["params"]["item"]["content"],
            },
            root,
        )


def capture_all(binary: Path) -> dict[str, Any]:
    return {
        "version": "0.169.0",
        "discovery": capture_listing(binary, build_tree),
        "frontmatter": capture_listing(binary, build_frontmatter_cases),
        "metadata": capture_listing(binary, build_metadata_cases),
        "config_write": capture_config_write(binary),
        "exec_request": capture_exec_request(binary),
        "skill_items": capture_skill_items(binary),
    }


if __name__ == "__main__":
    from tests.support.official import official_binary

    found = official_binary()
    if found is None:
        raise SystemExit("official 0.169 binary not installed")
    current = json.loads(FIXTURE.read_text()) if FIXTURE.exists() else {}
    current.update(capture_all(found))
    FIXTURE.write_text(json.dumps(current, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {FIXTURE}")
