"""Differential test: our apply_patch against the official CLI's own (0.169 binary, invoked as
`apply_patch`) on generated files and patches. Skipped when the official binary is not installed
(see tests/support/official.py; `.ci/run` installs it from npm)."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from tests.support.official import official_binary

from codex.tools.apply_patch import ApplyPatchError, ParseError, apply_patch_text

OFFICIAL = official_binary()

pytestmark = pytest.mark.skipif(OFFICIAL is None, reason="official codex binary not installed")


@pytest.fixture(scope="module")
def official_apply_patch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    link = tmp_path_factory.mktemp("bin") / "apply_patch"
    link.symlink_to(OFFICIAL)  # the binary dispatches on argv[0]
    return link


def _tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def _run_both(binary: Path, files: dict[str, str], patch: str) -> None:
    with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
        ra, rb = Path(a), Path(b)
        for root in (ra, rb):
            for rel, content in files.items():
                (root / rel).write_bytes(content.encode("utf-8"))
        proc = subprocess.run([str(binary), patch], cwd=ra, capture_output=True, text=True)
        try:
            ours, ok = apply_patch_text(patch, rb), True
        except ParseError:
            ours, ok = None, False
        except ApplyPatchError as err:
            ours, ok = str(err), False
        assert (proc.returncode == 0) == ok, (proc.stdout, proc.stderr, ours)
        if ok:
            assert proc.stdout == ours
        elif ours is not None:
            official = proc.stderr.removesuffix("\n").replace(str(ra), "<root>")
            assert official == ours.replace(str(rb), "<root>")
        assert _tree(ra) == _tree(rb)


LINES = ["alpha", "beta  ", "  gamma", "delta\t", "", "x—y", "“q”", "it’s", "alpha", "end"]
line = st.sampled_from(LINES)


def _fuzz(text: str, how: int) -> str:
    if how == 1:
        return text.strip()
    if how == 2:
        return text.replace("—", "-").replace("“", '"').replace("”", '"').replace("’", "'")
    if how == 3:
        return text + " "
    return text


@st.composite
def file_and_patch(draw: st.DrawFn) -> tuple[dict[str, str], str]:
    lines = draw(st.lists(line, min_size=1, max_size=8))
    trailing_newline = draw(st.booleans())
    newline = draw(st.sampled_from(["\n", "\n", "\r\n"]))
    content = newline.join(lines) + (newline if trailing_newline else "")
    start = draw(st.integers(0, len(lines) - 1))
    stop = draw(st.integers(start, min(len(lines), start + 4)))
    body: list[str] = []
    if start > 0 and draw(st.booleans()):
        body.append("@@ " + _fuzz(lines[start - 1], draw(st.integers(0, 3))))
    else:
        body.append("@@")
    for text in lines[start:stop]:
        kind = draw(st.sampled_from(" -"))
        body.append(kind + _fuzz(text, draw(st.integers(0, 3))))
        if draw(st.booleans()):
            body.append("+" + draw(line))
    if draw(st.booleans()):
        body.append("+" + draw(line))
    if stop < len(lines) and draw(st.booleans()):
        # A second change block further down.
        later = draw(st.integers(stop, len(lines) - 1))
        body.append("@@")
        body.append("-" + _fuzz(lines[later], draw(st.integers(0, 3))))
        body.append("+" + draw(line))
        stop = later + 1
    if stop == len(lines) and draw(st.booleans()):
        body.append("*** End of File")
    if draw(st.integers(0, 9)) == 0:
        body.insert(1, "-" + "not in the file")
    patch = "\n".join(["*** Begin Patch", "*** Update File: f.txt", *body, "*** End Patch"])
    return {"f.txt": content}, patch


@settings(
    max_examples=int(os.environ.get("CODEX_APPLY_PATCH_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(case=file_and_patch())
# An end-of-file chunk may not match lines an earlier chunk consumed: its retry without the
# trailing empty line inserts after them (the official CLI gives "alpha\n\nalpha\n").
@example(
    case=(
        {"f.txt": "alpha\n\n"},
        "*** Begin Patch\n*** Update File: f.txt\n@@\n \n@@\n-\n+alpha\n*** End of File\n"
        "*** End Patch",
    )
)
def test_update_matches_official(
    official_apply_patch: Path, case: tuple[dict[str, str], str]
) -> None:
    files, patch = case
    _run_both(official_apply_patch, files, patch)


FIXED = [
    ({"a.txt": "one\n"}, "*** Begin Patch\n*** Add File: b/c.txt\n+x\n+\n*** End Patch"),
    ({"a.txt": "one\n"}, "*** Begin Patch\n*** Delete File: a.txt\n*** End Patch"),
    (
        {"a.txt": "one\ntwo\n"},
        "*** Begin Patch\n*** Update File: a.txt\n*** Move to: d/e.txt\n@@\n-two\n+2\n"
        "*** End Patch",
    ),
    ({"a.txt": "one\n"}, "*** Begin Patch\n*** Delete File: zz.txt\n*** End Patch"),
    (
        {"a.txt": "one\n"},
        "*** Begin Patch\n*** Update File: a.txt\n@@ nowhere\n-one\n+1\n*** End Patch",
    ),
    ({"a.txt": "one\n"}, "*** Begin Patch\n*** End Patch"),
    (
        {"a.txt": "a\nb\nc\n"},
        "*** Begin Patch\n*** Update File: a.txt\n@@\n-a\n-b\n+A\n+B\n@@\n-b\n-c\n+X\n"
        "*** End of File\n*** End Patch",
    ),
    (
        {"a.txt": "x\ny\n"},
        " *** Begin Patch \n*** Update File: a.txt\n x\n+mid\n y\n *** End Patch ",
    ),
    (
        {"a.txt": "x\n"},
        "<<'EOF'\n*** Begin Patch\n*** Update File: a.txt\n-x\n+z\n*** End Patch\nEOF",
    ),
]


@pytest.mark.parametrize(("files", "patch"), FIXED)
def test_fixed_cases_match_official(official_apply_patch: Path, files, patch: str) -> None:
    _run_both(official_apply_patch, files, patch)
