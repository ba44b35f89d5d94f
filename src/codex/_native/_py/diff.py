"""Twin of csrc/diff.c: the same Myers linear-space line diff, step for step.

Tie-breaks, the unique-line prefilter and the step budget are identical to the C engine, so both
produce the same bytes (the differential tests hold them to it). difflib is not used: its
matching blocks differ from Myers' and would give different (if equally valid) hunks.
"""

from __future__ import annotations

COARSE_NOTE = b" codex: coarse diff (time budget exceeded)"
NO_NEWLINE = b"\\ No newline at end of file\n"
_INVALID_F = -1
_INVALID_B = 2**31 - 1


def default_budget(n_a: int, n_b: int) -> int:
    return 20_000_000 + 64 * (n_a + n_b)


def split_lines(buf: bytes) -> list[bytes]:
    """Lines keeping their newline; the last one may lack it."""
    if not buf:
        return []
    lines = buf.split(b"\n")
    last = lines.pop()
    out = [line + b"\n" for line in lines]
    if last:
        out.append(last)
    return out


class _Myers:
    def __init__(
        self,
        a: list[int],
        b: list[int],
        ia: list[int],
        ib: list[int],
        chg_a: bytearray,
        chg_b: bytearray,
        budget: int,
    ) -> None:
        self.a, self.b, self.ia, self.ib = a, b, ia, ib
        self.chg_a, self.chg_b = chg_a, chg_b
        self.budget = budget
        self.coarse = False
        self.fd: dict[int, int] = {}
        self.bd: dict[int, int] = {}

    def middle(self, x0: int, x1: int, y0: int, y1: int) -> tuple[int, int] | None:
        a, b = self.a, self.b
        n, m = x1 - x0, y1 - y0
        delta = n - m
        odd = delta & 1
        fd, bd = self.fd, self.bd
        flo = fhi = 0
        blo = bhi = delta
        x = 0
        while x < n and x < m and a[x0 + x] == b[y0 + x]:
            x += 1
        fd[0] = x
        x = n
        while x > 0 and x - delta > 0 and a[x0 + x - 1] == b[y0 + x - delta - 1]:
            x -= 1
        bd[delta] = x
        d = 0
        while True:
            d += 1
            lo, hi = max(-d, -m), min(d, n)
            if (lo + d) & 1:
                lo += 1
            if (d - hi) & 1:
                hi -= 1
            for k in range(lo, hi + 1, 2):
                best = -1
                if flo <= k + 1 <= fhi and fd[k + 1] != _INVALID_F and fd[k + 1] - k <= m:
                    best = fd[k + 1]
                if (
                    flo <= k - 1 <= fhi
                    and fd[k - 1] != _INVALID_F
                    and fd[k - 1] + 1 <= n
                    and fd[k - 1] + 1 > best
                ):
                    best = fd[k - 1] + 1
                self.budget -= 1
                if best < 0:
                    fd[k] = _INVALID_F
                    continue
                x = best
                y = x - k
                start = x
                while x < n and y < m and a[x0 + x] == b[y0 + y]:
                    x += 1
                    y += 1
                self.budget -= x - start
                fd[k] = x
                if odd and blo <= k <= bhi and bd[k] != _INVALID_B and x >= bd[k]:
                    return x0 + x, y0 + y
            flo, fhi = lo, hi
            if self.budget < 0:
                return None

            lo, hi = max(delta - d, -m), min(delta + d, n)
            if (lo - delta + d) & 1:
                lo += 1
            if (delta + d - hi) & 1:
                hi -= 1
            for k in range(lo, hi + 1, 2):
                best = _INVALID_B
                if blo <= k + 1 <= bhi and bd[k + 1] != _INVALID_B and bd[k + 1] - 1 >= 0:
                    best = bd[k + 1] - 1
                if (
                    blo <= k - 1 <= bhi
                    and bd[k - 1] != _INVALID_B
                    and bd[k - 1] - k >= 0
                    and bd[k - 1] < best
                ):
                    best = bd[k - 1]
                self.budget -= 1
                if best == _INVALID_B:
                    bd[k] = _INVALID_B
                    continue
                x = best
                y = x - k
                start = x
                while x > 0 and y > 0 and a[x0 + x - 1] == b[y0 + y - 1]:
                    x -= 1
                    y -= 1
                self.budget -= start - x
                bd[k] = x
                if not odd and flo <= k <= fhi and fd[k] != _INVALID_F and x <= fd[k]:
                    return x0 + x, y0 + y
            blo, bhi = lo, hi
            if self.budget < 0:
                return None

    def compare(self, x0: int, x1: int, y0: int, y1: int) -> None:
        a, b = self.a, self.b
        while x0 < x1 and y0 < y1 and a[x0] == b[y0]:
            x0 += 1
            y0 += 1
        while x0 < x1 and y0 < y1 and a[x1 - 1] == b[y1 - 1]:
            x1 -= 1
            y1 -= 1
        if x0 == x1:
            for j in range(y0, y1):
                self.chg_b[self.ib[j]] = 1
            return
        if y0 == y1:
            for i in range(x0, x1):
                self.chg_a[self.ia[i]] = 1
            return
        split = None if self.budget < 0 else self.middle(x0, x1, y0, y1)
        if split is None:
            self.coarse = True
            for i in range(x0, x1):
                self.chg_a[self.ia[i]] = 2
            for j in range(y0, y1):
                self.chg_b[self.ib[j]] = 2
            return
        sx, sy = split
        self.compare(x0, sx, y0, sy)
        self.compare(sx, x1, sy, y1)


def _range(start: int, count: int) -> bytes:
    if count == 0:
        return b"%d,0" % start
    if count == 1:
        return b"%d" % (start + 1)
    return b"%d,%d" % (start + 1, count)


def _put_line(out: list[bytes], mark: bytes, line: bytes) -> None:
    out.append(mark + line)
    if not line.endswith(b"\n"):
        out.append(b"\n" + NO_NEWLINE)


def _emit(la: list[bytes], lb: list[bytes], ca: bytearray, cb: bytearray, ctx: int) -> list[bytes]:
    groups: list[tuple[int, int, int, int, bool]] = []
    i = j = 0
    na, nb = len(la), len(lb)
    while i < na or j < nb:
        if (i < na and ca[i]) or (j < nb and cb[j]):
            i0, j0, coarse = i, j, False
            while i < na and ca[i]:
                coarse |= ca[i] == 2
                i += 1
            while j < nb and cb[j]:
                coarse |= cb[j] == 2
                j += 1
            groups.append((i0, i - i0, j0, j - j0, coarse))
        else:
            i += 1
            j += 1
    out: list[bytes] = []
    first = 0
    while first < len(groups):
        last = first
        coarse = groups[first][4]
        while (
            last + 1 < len(groups)
            and groups[last + 1][0] - (groups[last][0] + groups[last][1]) <= 2 * ctx
        ):
            last += 1
            coarse |= groups[last][4]
        gi, gn, gj, gm, _ = groups[first]
        a0 = max(0, gi - ctx)
        b0 = gj - (gi - a0)
        li, ln, lj, lm, _ = groups[last]
        aend = min(na, li + ln + ctx)
        bend = lj + lm + (aend - li - ln)
        note = COARSE_NOTE if coarse else b""
        out.append(b"@@ -%s +%s @@%s\n" % (_range(a0, aend - a0), _range(b0, bend - b0), note))
        ai = a0
        for k in range(first, last + 1):
            gi, gn, gj, gm, _ = groups[k]
            while ai < gi:
                _put_line(out, b" ", la[ai])
                ai += 1
            for t in range(gn):
                _put_line(out, b"-", la[gi + t])
            for t in range(gm):
                _put_line(out, b"+", lb[gj + t])
            ai = gi + gn
        while ai < aend:
            _put_line(out, b" ", la[ai])
            ai += 1
        first = last + 1
    return out


def unified_hunks(a: bytes, b: bytes, context: int = 3, budget: int = 0) -> tuple[bytes, bool]:
    """(hunks, coarse) exactly as codex_diff_unified produces them."""
    if context < 0:
        raise ValueError("context must be >= 0")
    la, lb = split_lines(a), split_lines(b)
    classes: dict[bytes, int] = {}
    cls_a = [classes.setdefault(line, len(classes)) for line in la]
    cls_b = [classes.setdefault(line, len(classes)) for line in lb]
    in_a, in_b = set(cls_a), set(cls_b)
    chg_a, chg_b = bytearray(len(la)), bytearray(len(lb))
    fa: list[int] = []
    ia: list[int] = []
    for i, c in enumerate(cls_a):
        if c in in_b:
            fa.append(c)
            ia.append(i)
        else:
            chg_a[i] = 1
    fb: list[int] = []
    ib: list[int] = []
    for j, c in enumerate(cls_b):
        if c in in_a:
            fb.append(c)
            ib.append(j)
        else:
            chg_b[j] = 1
    myers = _Myers(
        fa, fb, ia, ib, chg_a, chg_b, budget if budget > 0 else default_budget(len(fa), len(fb))
    )
    myers.compare(0, len(fa), 0, len(fb))
    return b"".join(_emit(la, lb, chg_a, chg_b, context)), myers.coarse
