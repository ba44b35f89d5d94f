"""`codex exec review` and `codex review` through the real CLI against the mock model server: the
request names the right diff target (merge-base for --base, the full sha for --commit), the
review instructions go as the developer message, the verdict is printed as 0.169 prints it and
emitted as an agent_message under --json, and a bad branch/sha is one line with exit 1 and no
model request."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from tests.exec.harness import run_codex
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import Message, Turn


def _git(repo: Path, *args: str) -> str:
    out = subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True)
    return out.stdout.strip()


@pytest.fixture
def review_repo(repo: Path) -> Path:
    """main: a.py x=1; feat (checked out): a.py x=2 committed, b.py untracked."""
    _git(repo, "config", "user.email", "t@example.com")
    _git(repo, "config", "user.name", "t")
    _git(repo, "checkout", "-q", "-b", "main")
    (repo / "a.py").write_text("x = 1\n")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "base")
    _git(repo, "checkout", "-qb", "feat")
    (repo / "a.py").write_text("x = 2\n")
    _git(repo, "commit", "-qam", "feat change")
    _git(repo, "checkout", "-q", "main")
    (repo / "a.py").write_text("x = 3\n")
    _git(repo, "commit", "-qam", "main moved on")
    _git(repo, "checkout", "-q", "feat")
    (repo / "b.py").write_text("y = 1\n")
    return repo


def _verdict(repo: Path) -> str:
    return json.dumps(
        {
            "findings": [
                {
                    "title": "[P1] Off by one",
                    "body": "x changed to 2\nbreaks callers",
                    "confidence_score": 0.8,
                    "priority": 1,
                    "code_location": {
                        "absolute_file_path": str(repo / "a.py"),
                        "line_range": {"start": 1, "end": 1},
                    },
                }
            ],
            "overall_correctness": "patch is incorrect",
            "overall_explanation": "One bug.",
            "overall_confidence_score": 0.7,
        }
    )


def _expected(repo: Path) -> str:
    return (
        f"One bug.\n\nReview comment:\n\n- [P1] Off by one — {repo / 'a.py'}:1-1\n"
        "  x changed to 2\n  breaks callers"
    )


def _user_text(server: MockModelServer) -> str:
    return server.single_request().message_texts("user")[-1]


def _developer(server: MockModelServer) -> str:
    return "\n".join(server.single_request().message_texts("developer"))


@pytest.mark.parametrize("command", [["exec", "review"], ["review"]])
def test_base_branch_names_the_merge_base(
    command: list[str], mock_model_server: MockModelServer, home: Path, review_repo: Path
) -> None:
    mock_model_server.enqueue(Turn([Message(_verdict(review_repo))]))
    merge_base = _git(review_repo, "merge-base", "HEAD", "main")
    assert merge_base != _git(review_repo, "rev-parse", "main")  # main moved on
    result = run_codex(*command, "--base", "main", home=home, cwd=review_repo)
    assert result.rc == 0, result.stderr
    text = _user_text(mock_model_server)
    assert "'main'" in text and f"git diff {merge_base}" in text
    assert '"overall_confidence_score"' in _developer(mock_model_server)
    assert result.stdout.decode() == _expected(review_repo) + "\n"
    assert "changes against 'main'" in result.stderr


def test_commit_names_the_full_sha(
    mock_model_server: MockModelServer, home: Path, review_repo: Path
) -> None:
    mock_model_server.enqueue(Turn([Message(_verdict(review_repo))]))
    sha = _git(review_repo, "rev-parse", "HEAD")
    result = run_codex(
        "exec", "review", "--commit", sha[:8], "--title", "Fix it", home=home, cwd=review_repo
    )
    assert result.rc == 0, result.stderr
    text = _user_text(mock_model_server)
    assert f"commit {sha}" in text and '"Fix it"' in text
    assert f"commit {sha[:7]}: Fix it" in result.stderr  # 0.169's header line for the target


def test_uncommitted_json_emits_rendered_agent_message(
    mock_model_server: MockModelServer, home: Path, review_repo: Path
) -> None:
    mock_model_server.enqueue(Turn([Message(_verdict(review_repo))]))
    result = run_codex("exec", "review", "--uncommitted", "--json", home=home, cwd=review_repo)
    assert result.rc == 0, result.stderr
    text = _user_text(mock_model_server)
    assert "uncommitted" in text and "untracked" in text
    assert result.types() == ["thread.started", "turn.started", "item.completed", "turn.completed"]
    item = result.events()[2]["item"]
    assert item["type"] == "agent_message" and item["text"] == _expected(review_repo)
    # 0.169's review requests offer no web_search tool (a plain exec turn does).
    tools = [t.get("name") or t["type"] for t in mock_model_server.single_request().json["tools"]]
    assert "web_search" not in tools and "exec_command" in tools


def test_custom_instructions_are_the_user_message(
    mock_model_server: MockModelServer, home: Path, review_repo: Path
) -> None:
    mock_model_server.enqueue(Turn([Message("not json at all")]))
    result = run_codex("review", "look for security bugs", home=home, cwd=review_repo)
    assert result.rc == 0, result.stderr
    assert _user_text(mock_model_server) == "look for security bugs"
    assert "# How to review" in _developer(mock_model_server)
    assert result.stdout.decode() == "not json at all\n"  # a non-JSON answer shown as it came


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        ("--base", "nosuch", "codex: review: base branch 'nosuch' not found"),
        ("--commit", "deadbeef", "codex: review: commit 'deadbeef' not found"),
    ],
)
def test_bad_target_is_one_line_and_no_request(
    flag: str,
    value: str,
    message: str,
    mock_model_server: MockModelServer,
    home: Path,
    review_repo: Path,
) -> None:
    result = run_codex("exec", "review", flag, value, home=home, cwd=review_repo)
    assert result.rc == 1
    assert result.stderr.strip() == message
    assert mock_model_server.requests == []


def test_no_target_is_0169s_error(
    mock_model_server: MockModelServer, home: Path, review_repo: Path
) -> None:
    result = run_codex("exec", "review", home=home, cwd=review_repo)
    assert result.rc == 1
    assert "Specify --uncommitted, --base, --commit" in result.stderr
    assert mock_model_server.requests == []
