"""The diff engine: C vs twin byte-identical, minimal, accepted by `git apply`, bounded."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codex._native import diff as native_diff
from codex._native._py.diff import split_lines
from codex._native._py.diff import unified_hunks as py_hunks
from codex._native.diff import diff_lines

GIT = shutil.which("git")
PATCH = shutil.which("patch")


def test_native_extension_is_built() -> None:
    assert native_diff.ext_loaded(), "codex._native._diff was not built/installed"


# Files as lists of lines from a small alphabet (many repeats: the hard case for alignment),
# sometimes without a final newline, and sometimes with CRs and empty lines.
line = st.sampled_from([b"a", b"b", b"c", b"d", b"", b"x y", b"\r", b"{", b"}", b"e\r"])
files = st.builds(
    lambda ls, nl: b"\n".join(ls) + (b"\n" if nl and ls else b""),
    st.lists(line, max_size=40),
    st.booleans(),
)


@st.composite
def edited_pair(draw: st.DrawFn) -> tuple[bytes, bytes]:
    old = draw(files)
    lines = old.split(b"\n")
    for _ in range(draw(st.integers(0, 6))):
        at = draw(st.integers(0, len(lines)))
        op = draw(st.sampled_from(["ins", "del", "rep"]))
        if op == "ins":
            lines[at:at] = draw(st.lists(line, min_size=1, max_size=4))
        elif op == "del":
            del lines[at : at + draw(st.integers(1, 4))]
        else:
            lines[at : at + 1] = [draw(line)]
    return old, b"\n".join(lines)


def lcs_len(a: list[bytes], b: list[bytes]) -> int:
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b):
            cur.append(prev[j] + 1 if x == y else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]


def changed_counts(hunks: bytes) -> tuple[int, int]:
    minus = plus = 0
    for ln in hunks.split(b"\n"):
        if ln.startswith(b"-"):
            minus += 1
        elif ln.startswith(b"+"):
            plus += 1
    return minus, plus


@settings(max_examples=400, deadline=None)
@given(pair=edited_pair(), ctx=st.integers(0, 4))
def test_c_and_twin_identical_and_minimal(pair: tuple[bytes, bytes], ctx: int) -> None:
    old, new = pair
    c = diff_lines(old, new, context=ctx)
    p, p_coarse = py_hunks(old, new, ctx)
    assert c.hunks == p
    assert c.coarse == p_coarse is False
    la, lb = split_lines(old), split_lines(new)
    common = lcs_len(la, lb)
    assert changed_counts(c.hunks) == (len(la) - common, len(lb) - common)
    assert (c.hunks == b"") == (old == new)


@settings(max_examples=200, deadline=None)
@given(pair=edited_pair(), budget=st.integers(1, 60))
def test_tiny_budgets_go_coarse_identically(pair: tuple[bytes, bytes], budget: int) -> None:
    old, new = pair
    c = diff_lines(old, new, budget=budget)
    p, p_coarse = py_hunks(old, new, 3, budget)
    assert c.hunks == p and c.coarse == p_coarse
    if c.coarse:
        assert b" @@ codex: coarse diff (time budget exceeded)\n" in c.hunks
    assert apply_with_git(old, new, c.hunks) if GIT else True


def apply_with_git(old: bytes, new: bytes, hunks: bytes, workdir: Path | None = None) -> bool:
    return apply_patch_with(["git", "apply", "--unidiff-zero", "p.diff"], old, new, hunks, workdir)


def apply_with_gnu_patch(old: bytes, new: bytes, hunks: bytes) -> bool:
    return apply_patch_with(["patch", "-s", "f", "p.diff"], old, new, hunks)


def apply_patch_with(
    argv: list[str], old: bytes, new: bytes, hunks: bytes, workdir: Path | None = None
) -> bool:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        d = Path(workdir or tmp)
        (d / "f").write_bytes(old)
        patch = b"--- a/f\n+++ b/f\n" + hunks
        if not hunks:
            return old == new
        (d / "p.diff").write_bytes(patch)
        subprocess.run(argv, cwd=d, check=True, capture_output=True)
        return (d / "f").read_bytes() == new


@pytest.mark.skipif(GIT is None, reason="git not installed")
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pair=edited_pair(), ctx=st.integers(1, 3))
def test_git_apply_reproduces_the_new_file(pair: tuple[bytes, bytes], ctx: int) -> None:
    old, new = pair
    assert apply_with_git(old, new, diff_lines(old, new, context=ctx).hunks)


@pytest.mark.skipif(PATCH is None, reason="GNU patch not installed")
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pair=edited_pair())
def test_zero_context_hunks_reproduce_the_new_file(pair: tuple[bytes, bytes]) -> None:
    # `git apply --unidiff-zero` mis-applies a zero-context deletion of a last line that lacks
    # its newline (git 2.39 turns b"a\na" minus line 2 into b"a", even from `git diff -U0`'s
    # own output), so zero-context hunks are checked with GNU patch instead.
    old, new = pair
    assert apply_with_gnu_patch(old, new, diff_lines(old, new, context=0).hunks)


@pytest.mark.skipif(GIT is None, reason="git not installed")
def test_zero_context_deletion_of_unterminated_last_line_is_what_git_diff_prints(
    tmp_path: Path,
) -> None:
    (tmp_path / "old").write_bytes(b"a\na")
    (tmp_path / "new").write_bytes(b"a\n")
    proc = subprocess.run(
        ["git", "diff", "--no-index", "--no-color", "-U0", "old", "new"],
        cwd=tmp_path,
        capture_output=True,
    )
    git_hunks = proc.stdout[proc.stdout.index(b"\n@@") + 1 :].replace(b" @@ a\n", b" @@\n")
    assert diff_lines(b"a\na", b"a\n", context=0).hunks == git_hunks


@pytest.mark.skipif(GIT is None, reason="git not installed")
@pytest.mark.parametrize(
    ("old", "new"),
    [
        (b"1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n", b"1\n2\nX\n4\n5\n6\n7\n8\n9\n10\nY\n12\n"),
        (b"1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n", b"1\n2\nX\n4\n5\n6\n7\n8\nY\n10\n"),
        (b"keep\nlast", b"keep\nlast\n"),
        (b"", b"new\nfile\n"),
        (b"gone\n", b""),
        (b"a\nb\nc\n", b"a\nc\nd\n"),
    ],
)
def test_same_bytes_as_git_diff_on_unambiguous_edits(
    tmp_path: Path, old: bytes, new: bytes
) -> None:
    (tmp_path / "old").write_bytes(old)
    (tmp_path / "new").write_bytes(new)
    proc = subprocess.run(
        ["git", "diff", "--no-index", "--no-color", "old", "new"],
        cwd=tmp_path,
        capture_output=True,
    )
    git_hunks = proc.stdout[proc.stdout.index(b"\n@@") + 1 :]
    assert diff_lines(old, new).hunks == git_hunks


def test_pathological_input_is_bounded_and_still_correct(tmp_path: Path) -> None:
    # Two long sequences over a 2-letter alphabet with no structure: O(ND) would be ~10^9 steps.
    import random

    rng = random.Random(7)
    old = b"".join(rng.choice([b"a\n", b"b\n"]) for _ in range(40_000))
    new = b"".join(rng.choice([b"a\n", b"b\n"]) for _ in range(40_000))
    res = diff_lines(old, new, budget=2_000_000)
    assert res.coarse
    assert b"codex: coarse diff" in res.hunks
    if GIT:
        assert apply_with_git(old, new, res.hunks, tmp_path)
    full = diff_lines(old, new)  # the default budget is bigger but still finite
    if GIT:
        (tmp_path / "f").unlink()
        assert apply_with_git(old, new, full.hunks, tmp_path)


def test_large_unique_change_is_fast_path() -> None:
    old = b"".join(b"line %d\n" % i for i in range(50_000))
    new = b"".join((b"changed %d\n" if i % 2 else b"line %d\n") % i for i in range(50_000))
    res = diff_lines(old, new)
    assert not res.coarse
    assert changed_counts(res.hunks) == (25_000, 25_000)


def test_rejects_negative_context() -> None:
    with pytest.raises(ValueError, match="context"):
        diff_lines(b"a", b"b", context=-1)
