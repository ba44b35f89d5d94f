"""What reaches the model: the skills list in the first request's developer message and the
`<skill>` messages a turn's mentions add, compared with the official 0.169 binary's requests
against the same mock and the same files (tests/fixtures/skills_official.json, `exec_request`
and `skill_items`), through the real `codex exec` and a real in-process Session."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path
from typing import Any

import pytest
from tests.core.harness import make_config, run_turn
from tests.core.skills_official import (
    FIXTURE,
    MENTION_PROMPT,
    REQUEST_CONFIG,
    SKILL_ITEMS,
    build_tree,
    normalize,
    request_facts,
    rollout_turn_shape,
)
from tests.exec.harness import run_codex, write_config
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import Message, Turn, Usage

from codex.core.front_end import LIBRARY
from codex.core.open import open_session
from codex.protocol import ops

OFFICIAL = json.loads(FIXTURE.read_text())


def _same_file(a: str, b: str) -> bool:
    return os.path.realpath(a) == os.path.realpath(b)


def test_exec_request_lists_and_injects_skills_as_0169(
    tmp_path: Path, mock_model_server: MockModelServer
) -> None:
    want = OFFICIAL["exec_request"]
    ch, home, cwd = build_tree(tmp_path)
    write_config(ch, mock_model_server.base_url, REQUEST_CONFIG)
    mock_model_server.repeat(Turn([Message("ok")], Usage(10, 0, 2)))
    prompt = MENTION_PROMPT.replace("<root>", str(tmp_path))
    res = run_codex(
        "exec", "--json", "--skip-git-repo-check", prompt, home=ch, cwd=cwd,
        env={"HOME": str(home)},
    )  # fmt: skip
    assert res.rc == 0, res.stderr
    got = normalize(request_facts(mock_model_server.requests[0].json, prompt), tmp_path)
    # 0.169's developer message also carries its permissions and tools parts (we send neither
    # today); the skills part is its first, closed by its tag.
    assert got["developer_parts"][0] == want["developer_parts"][0] == "<skills_instructions>"
    assert got["ends_with_close_tag"] and want["ends_with_close_tag"]
    # Same skills in the same order; a path may be spelled through a symlink (0.169 writes the
    # folder it walked for `linked`, we write the resolved file: the same SKILL.md).
    assert [n for n, _ in got["listed"]] == [n for n, _ in want["listed"]]
    root = str(tmp_path)
    for (_, ours), (_, theirs) in zip(got["listed"], want["listed"], strict=True):
        assert _same_file(ours.replace("<root>", root), theirs.replace("<root>", root))
    assert got["injected"] == want["injected"]
    assert rollout_turn_shape(ch)[: len(want["rollout"]) - 4] == want["rollout"][:-4]


def test_no_skills_no_developer_message(tmp_path: Path, mock_model_server: MockModelServer) -> None:
    """Without skills on disk the request is what it was before skills existed: no skills
    part (the developer message holds the permissions part alone), the user's text alone after
    the environment context, nothing injected."""
    ch = tmp_path / "codex-home"
    write_config(ch, mock_model_server.base_url)
    mock_model_server.enqueue(Turn([Message("ok")], Usage(10, 0, 2)))
    work = tmp_path / "work"
    work.mkdir()
    res = run_codex(
        "exec", "--json", "--skip-git-repo-check", "use $beta", home=ch, cwd=work,
        env={"HOME": str(tmp_path / "nohome")},
    )  # fmt: skip
    assert res.rc == 0, res.stderr
    items = mock_model_server.requests[0].json["input"]
    assert [i.get("role") for i in items] == ["developer", "user", "user"]
    (part,) = items[0]["content"]
    assert part["text"].startswith("<permissions instructions>\n")
    assert items[-1]["content"] == [{"type": "input_text", "text": "use $beta"}]


def test_skill_input_items_inject_as_0169(
    tmp_path: Path, mock_model_server: MockModelServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`InputSkill` parts select by path (the name does not matter), a disabled or unknown path
    selects nothing, and they add nothing to the user's own message."""
    want = OFFICIAL["skill_items"]
    ch, home, cwd = build_tree(tmp_path / "t")
    monkeypatch.setenv("HOME", str(home))
    mock_model_server.repeat(Turn([Message("ok")], Usage(10, 0, 2)))
    config = make_config(tmp_path, mock_model_server, cwd=cwd, extra=REQUEST_CONFIG)
    # make_config writes its own home: move the scenario's skills and rules into it.
    os.rename(ch / "skills", Path(config.codex_home) / "skills")
    items = json.loads(json.dumps(SKILL_ITEMS).replace("<root>", str(tmp_path / "t")))
    items = json.loads(json.dumps(items).replace(str(ch), str(config.codex_home)))
    parts: list[Any] = [
        ops.InputText(i["text"]) if i["type"] == "text" else ops.InputSkill(i["name"], i["path"])
        for i in items
    ]

    async def go() -> str:
        async with open_session(config, LIBRARY) as session:
            await run_turn(session, "", op=ops.UserInput(parts))
            return str(session.rollout_path)

    rollout = Path(asyncio.run(go()))
    # The rollout's UserMessage item keeps the skill inputs, as 0.169's does.
    records = [json.loads(line) for line in rollout.read_text().splitlines()]
    [item] = [
        r["payload"]["item"]
        for r in records
        if r["payload"].get("type") == "item_completed"
        and r["payload"]["item"]["type"] == "UserMessage"
    ]
    content = json.loads(json.dumps(item["content"]).replace(str(config.codex_home), "<ch>"))
    assert normalize(content, tmp_path / "t") == json.loads(
        json.dumps(want["user_message_item_content"]).replace("<root>/codex-home", "<ch>")
    )
    body = mock_model_server.requests[0].json
    user = [i for i in body["input"] if i.get("role") == "user"]
    at = next(n for n, i in enumerate(user) if i["content"][0]["text"] == items[0]["text"])
    assert user[at]["content"] == want["user_message"]
    got = [i["content"][0]["text"] for i in user[at + 1 :]]
    got = [t.replace(str(config.codex_home), "<root>/codex-home") for t in got]
    assert normalize(got, tmp_path / "t") == want["injected"]


def _one_skill(ch: Path, tmp_path: Path) -> Path:
    skill = ch / "skills" / "beta" / "SKILL.md"
    skill.parent.mkdir(parents=True)
    skill.write_text("---\nname: beta\ndescription: Beta desc\n---\nBeta body\n")
    return skill


def _after_prompt(body: dict[str, Any], prompt: str) -> list[Any]:
    user = [i for i in body["input"] if i.get("role") == "user"]
    at = next(n for n, i in enumerate(user) if i["content"][0]["text"] == prompt)
    return [user[at]["content"], *[i["content"][0]["text"] for i in user[at + 1 :]]]


def test_sdk_skill_input_reaches_core_as_a_skill(
    tmp_path: Path, mock_model_server: MockModelServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The in-process SDK passes SkillInput through (it used to send text naming the file)."""
    from codex import Codex, CodexConfig, SkillInput, TextInput

    monkeypatch.setenv("HOME", str(tmp_path / "nohome"))
    config = make_config(tmp_path, mock_model_server)
    skill = _one_skill(Path(config.codex_home), tmp_path)
    mock_model_server.enqueue(Turn([Message("ok")], Usage(3, 0, 4)))
    with Codex(CodexConfig(codex_home=str(config.codex_home), cwd=str(tmp_path / "work"))) as c:
        c.thread_start().run([TextInput("go"), SkillInput("beta", str(skill))])
    content, *injected = _after_prompt(mock_model_server.requests[0].json, "go")
    assert content == [{"type": "input_text", "text": "go"}]
    assert injected == [
        f"<skill>\n<name>beta</name>\n<path>{skill}</path>\n{skill.read_text()}\n</skill>"
    ]


def test_app_server_skill_item_becomes_a_core_skill() -> None:
    from codex.app_server.turns import core_inputs

    item = {"type": "skill", "name": "beta", "path": "/x/SKILL.md"}
    parts, content = core_inputs([{"type": "text", "text": "go"}, item])
    assert parts[1] == ops.InputSkill("beta", "/x/SKILL.md")
    assert content[1] == item
