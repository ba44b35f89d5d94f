"""The diff of a saved session's last file-changing turn, rebuilt from its rollout.

Rollouts do not record the turn diff itself (upstream persists no `turn_diff` event), but they do
record every apply_patch call (its raw patch) and its output. The last turn with successful
apply_patch calls is replayed on a scratch copy of the files it touched, taken from a baseline
(the target repository's HEAD, or its work tree), and the result rendered as a git diff that
`git apply` can check and apply as one unit.
"""

from __future__ import annotations

import difflib
import json
import re
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from codex.errors import CodexError

_SUCCESS = "Success. Updated the following files:"
_HEADER = re.compile(r"^(\*\*\* (?:Add File|Update File|Delete File|Move to): )(.+)$", re.MULTILINE)


class PatchDoesNotApply(CodexError):
    """The session's patches do not replay on the given baseline."""


def last_turn_patches(rollout: Path) -> tuple[str, list[str]]:
    """(session cwd, the successful apply_patch inputs of the last turn that changed files)."""
    cwd = ""
    turn = ""
    calls: dict[str, tuple[str, str]] = {}  # call_id -> (turn, patch)
    by_turn: dict[str, list[str]] = {}
    for line in rollout.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue  # a torn last line of a live session
        payload = record.get("payload") or {}
        kind = payload.get("type")
        if record.get("type") == "session_meta":
            cwd = cwd or str(payload.get("cwd") or "")
        elif kind == "task_started":
            turn = str(payload.get("turn_id") or len(by_turn))
        elif kind in ("custom_tool_call", "function_call") and payload.get("name") == "apply_patch":
            patch = payload.get("input")
            if kind == "function_call":
                try:
                    patch = json.loads(payload.get("arguments") or "{}").get("input")
                except (ValueError, AttributeError):
                    patch = None
            if isinstance(patch, str):
                calls[str(payload.get("call_id"))] = (turn, patch)
        elif kind in ("custom_tool_call_output", "function_call_output"):
            found = calls.pop(str(payload.get("call_id")), None)
            output = payload.get("output")
            text = output if isinstance(output, str) else json.dumps(output)
            if found is not None and _SUCCESS in text:
                by_turn.setdefault(found[0], []).append(found[1])
    last = list(by_turn.values())[-1] if by_turn else []
    return cwd, last


def relative_patch(patch: str, session_cwd: str) -> str:
    """`patch` with absolute paths under the session's directory made relative to it, so it
    replays in another checkout."""
    root = session_cwd.rstrip("/") + "/"

    def fix(match: re.Match[str]) -> str:
        path = match.group(2).strip()
        if session_cwd and path.startswith(root):
            path = path[len(root) :]
        return match.group(1) + path

    return _HEADER.sub(fix, patch)


def touched_paths(patches: Iterable[str]) -> list[str]:
    """Every path the patches name (relative), in first-seen order."""
    seen: dict[str, None] = {}
    for patch in patches:
        for match in _HEADER.finditer(patch):
            seen.setdefault(match.group(2).strip(), None)
    return list(seen)


def rebuild_diff(patches: list[str], baseline: Callable[[str], str | None]) -> str:
    """Replay `patches` (relative paths) on the files `baseline` gives (None: absent) and render
    the net change as a git diff. Raises PatchDoesNotApply when a patch does not fit."""
    from codex.tools.apply_patch.api import apply_patch_text

    paths = touched_paths(patches)
    for path in paths:
        # The replay must never write outside its scratch directory.
        if path.startswith("/") or ".." in Path(path).parts:
            raise PatchDoesNotApply(f"the session changed {path}, outside the repository")
    before = {path: baseline(path) for path in paths}
    with tempfile.TemporaryDirectory(prefix="codex-apply-") as scratch:
        root = Path(scratch)
        for path, content in before.items():
            if content is not None:
                (root / path).parent.mkdir(parents=True, exist_ok=True)
                (root / path).write_text(content, encoding="utf-8")
        for patch in patches:
            try:
                apply_patch_text(patch, root)
            except Exception as err:  # ParseError / ApplyPatchError: the patch does not fit
                raise PatchDoesNotApply(str(err).splitlines()[0] if str(err) else "") from err
        after = {
            path: (root / path).read_text(encoding="utf-8") if (root / path).is_file() else None
            for path in paths
        }
    return "".join(_file_diff(path, before[path], after[path]) for path in paths)


def _file_diff(path: str, old: str | None, new: str | None) -> str:
    if old == new:
        return ""
    head = [f"diff --git a/{path} b/{path}\n"]
    if old is None:
        head.append("new file mode 100644\n")
    elif new is None:
        head.append("deleted file mode 100644\n")
    body = difflib.unified_diff(
        (old or "").splitlines(keepends=True),
        (new or "").splitlines(keepends=True),
        "/dev/null" if old is None else f"a/{path}",
        "/dev/null" if new is None else f"b/{path}",
    )
    lines = []
    for line in body:
        # difflib leaves a last line without its newline; git wants the marker.
        lines.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    if not lines:  # an empty file added or removed: git takes the headers alone
        return "".join(head) if len(head) > 1 else ""
    return "".join(head + lines)
