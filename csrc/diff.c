/* Line diff of two buffers as unified hunks that `git apply` accepts.
 *
 * Pipeline: split both buffers into lines (a line keeps its '\n'; the last may lack one), intern
 * every distinct line as an integer class, mark lines whose class never occurs on the other side
 * as changed right away (they cannot be part of any common subsequence), then run Myers' O(ND)
 * search in its linear-space divide-and-conquer form on what is left. Memory is linear: a few
 * arrays the size of the inputs plus two diagonal vectors. Time is bounded by a step budget: once
 * it is spent, every box not yet solved is reported as "all old lines removed, all new lines
 * added" (still a correct diff, just coarser), and the hunks touched carry a comment after the
 * second "@@", which git ignores.
 *
 * The pure-Python twin (codex/_native/_py/diff.py) implements the same algorithm step for step,
 * including tie-breaks and budget accounting, so both produce identical bytes.
 */
#include "diff.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COARSE_NOTE " codex: coarse diff (time budget exceeded)"
#define NO_NEWLINE "\\ No newline at end of file\n"

/**** lines and classes ****/

typedef struct {
    const char *base;
    size_t *off; /* line i is base[off[i] .. off[i+1]) */
    int32_t n;
} lines_t;

static int split_lines(const char *buf, size_t len, lines_t *out)
{
    size_t n = 0;
    for (const char *p = buf, *end = buf + len; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        n++;
        p = nl ? nl + 1 : end;
    }
    if (n > INT32_MAX / 4)
        return -EFBIG;
    out->base = buf;
    out->n = (int32_t)n;
    out->off = malloc((n + 1) * sizeof *out->off);
    if (!out->off)
        return -ENOMEM;
    size_t i = 0;
    for (const char *p = buf, *end = buf + len; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        out->off[i++] = (size_t)(p - buf);
        p = nl ? nl + 1 : end;
    }
    out->off[n] = len;
    return 0;
}

static inline const char *line_ptr(const lines_t *l, int32_t i) { return l->base + l->off[i]; }
static inline size_t line_len(const lines_t *l, int32_t i) { return l->off[i + 1] - l->off[i]; }

static uint64_t hash_bytes(const char *p, size_t n)
{
    uint64_t h = 0x9E3779B97F4A7C15ULL ^ (uint64_t)n;
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdULL;
        h ^= h >> 32;
        p += 8;
        n -= 8;
    }
    uint64_t w = 0;
    memcpy(&w, p, n);
    h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 29;
    return h;
}

typedef struct {
    uint64_t hash;
    int32_t cls; /* -1: empty slot */
    int32_t side, idx; /* a representative line */
} slot_t;

/* Assign each line of a and b a class id (equal lines, equal ids). */
static int intern(const lines_t *a, const lines_t *b, int32_t *ca, int32_t *cb, int32_t *nclasses)
{
    size_t total = (size_t)a->n + (size_t)b->n;
    size_t cap = 16;
    while (cap < total * 2)
        cap <<= 1;
    slot_t *tab = malloc(cap * sizeof *tab);
    if (!tab)
        return -ENOMEM;
    for (size_t i = 0; i < cap; i++)
        tab[i].cls = -1;
    int32_t next = 0;
    const lines_t *sides[2] = {a, b};
    int32_t *outs[2] = {ca, cb};
    for (int s = 0; s < 2; s++) {
        const lines_t *l = sides[s];
        for (int32_t i = 0; i < l->n; i++) {
            const char *p = line_ptr(l, i);
            size_t n = line_len(l, i);
            uint64_t h = hash_bytes(p, n);
            size_t at = (size_t)h & (cap - 1);
            for (;;) {
                slot_t *e = &tab[at];
                if (e->cls < 0) {
                    e->hash = h;
                    e->cls = next++;
                    e->side = s;
                    e->idx = i;
                    outs[s][i] = e->cls;
                    break;
                }
                if (e->hash == h) {
                    const lines_t *rl = sides[e->side];
                    if (line_len(rl, e->idx) == n && memcmp(line_ptr(rl, e->idx), p, n) == 0) {
                        outs[s][i] = e->cls;
                        break;
                    }
                }
                at = (at + 1) & (cap - 1);
            }
        }
    }
    free(tab);
    *nclasses = next;
    return 0;
}

/**** Myers, linear space ****/

typedef struct {
    const int32_t *a, *b;   /* filtered class sequences */
    const int32_t *ia, *ib; /* their original line numbers */
    uint8_t *chg_a, *chg_b; /* 0 kept, 1 changed, 2 changed by the coarse fallback */
    int32_t *fd, *bd;       /* furthest x per diagonal, forward and backward */
    int64_t off;            /* diagonal k lives at index k + off */
    int64_t budget;         /* steps left */
    int coarse;
} myers_t;

#define INVALID_F (-1)
#define INVALID_B INT32_MAX

static void mark(uint8_t *chg, const int32_t *idx, int64_t lo, int64_t hi, uint8_t v)
{
    for (int64_t i = lo; i < hi; i++)
        chg[idx[i]] = v;
}

/* Find a point (x, y) on an optimal path through the box strictly between its corners. The box
 * is trimmed (first and last lines differ) and non-empty on both sides, so D >= 2. Coordinates
 * are relative to (x0, y0). Returns 0 when the budget ran out. */
static int middle(myers_t *m, int64_t x0, int64_t x1, int64_t y0, int64_t y1, int64_t *sx,
                  int64_t *sy)
{
    const int32_t *A = m->a + x0, *B = m->b + y0;
    const int64_t N = x1 - x0, M = y1 - y0, delta = N - M;
    const int odd = (int)(delta & 1);
    int32_t *fd = m->fd + m->off, *bd = m->bd + m->off;
    int64_t flo = 0, fhi = 0, blo = delta, bhi = delta;

    int64_t x = 0;
    while (x < N && x < M && A[x] == B[x])
        x++;
    fd[0] = (int32_t)x;
    x = N;
    while (x > 0 && x - delta > 0 && A[x - 1] == B[x - delta - 1])
        x--;
    bd[delta] = (int32_t)x;

    for (int64_t d = 1;; d++) {
        /* forward: diagonals of d-paths, clipped to the box */
        int64_t lo = -d > -M ? -d : -M, hi = d < N ? d : N;
        if ((lo + d) & 1)
            lo++;
        if ((d - hi) & 1)
            hi--;
        for (int64_t k = lo; k <= hi; k += 2) {
            int64_t best = -1;
            if (k + 1 >= flo && k + 1 <= fhi && fd[k + 1] != INVALID_F && fd[k + 1] - k <= M)
                best = fd[k + 1]; /* down: one line added */
            if (k - 1 >= flo && k - 1 <= fhi && fd[k - 1] != INVALID_F && fd[k - 1] + 1 <= N &&
                fd[k - 1] + 1 > best)
                best = fd[k - 1] + 1; /* right: one line removed */
            m->budget--;
            if (best < 0) {
                fd[k] = INVALID_F;
                continue;
            }
            x = best;
            int64_t y = x - k;
            while (x < N && y < M && A[x] == B[y]) {
                x++;
                y++;
                m->budget--;
            }
            fd[k] = (int32_t)x;
            if (odd && k >= blo && k <= bhi && bd[k] != INVALID_B && x >= bd[k]) {
                *sx = x0 + x;
                *sy = y0 + y;
                return 1;
            }
        }
        flo = lo;
        fhi = hi;
        if (m->budget < 0)
            return 0;

        /* backward: diagonals of reverse d-paths from (N, M) */
        lo = delta - d > -M ? delta - d : -M;
        hi = delta + d < N ? delta + d : N;
        if ((lo - delta + d) & 1)
            lo++;
        if ((delta + d - hi) & 1)
            hi--;
        for (int64_t k = lo; k <= hi; k += 2) {
            int64_t best = INT64_MAX;
            if (k + 1 >= blo && k + 1 <= bhi && bd[k + 1] != INVALID_B && bd[k + 1] - 1 >= 0)
                best = bd[k + 1] - 1; /* left: one line removed */
            if (k - 1 >= blo && k - 1 <= bhi && bd[k - 1] != INVALID_B && bd[k - 1] - k >= 0 &&
                bd[k - 1] < best)
                best = bd[k - 1]; /* up: one line added */
            m->budget--;
            if (best == INT64_MAX) {
                bd[k] = INVALID_B;
                continue;
            }
            x = best;
            int64_t y = x - k;
            while (x > 0 && y > 0 && A[x - 1] == B[y - 1]) {
                x--;
                y--;
                m->budget--;
            }
            bd[k] = (int32_t)x;
            if (!odd && k >= flo && k <= fhi && fd[k] != INVALID_F && x <= fd[k]) {
                *sx = x0 + x;
                *sy = y0 + y;
                return 1;
            }
        }
        blo = lo;
        bhi = hi;
        if (m->budget < 0)
            return 0;
    }
}

static void compare(myers_t *m, int64_t x0, int64_t x1, int64_t y0, int64_t y1)
{
    while (x0 < x1 && y0 < y1 && m->a[x0] == m->b[y0]) {
        x0++;
        y0++;
    }
    while (x0 < x1 && y0 < y1 && m->a[x1 - 1] == m->b[y1 - 1]) {
        x1--;
        y1--;
    }
    if (x0 == x1) {
        mark(m->chg_b, m->ib, y0, y1, 1);
        return;
    }
    if (y0 == y1) {
        mark(m->chg_a, m->ia, x0, x1, 1);
        return;
    }
    int64_t sx, sy;
    if (m->budget < 0 || !middle(m, x0, x1, y0, y1, &sx, &sy)) {
        m->coarse = 1;
        mark(m->chg_a, m->ia, x0, x1, 2);
        mark(m->chg_b, m->ib, y0, y1, 2);
        return;
    }
    compare(m, x0, sx, y0, sy);
    compare(m, sx, x1, sy, y1);
}

/**** output ****/

typedef struct {
    char *p;
    size_t len, cap;
    int oom;
} buf_t;

static void put(buf_t *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->oom = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
}

static void put_line(buf_t *b, char mark_ch, const lines_t *l, int32_t i)
{
    size_t n = line_len(l, i);
    const char *p = line_ptr(l, i);
    put(b, &mark_ch, 1);
    put(b, p, n);
    if (n == 0 || p[n - 1] != '\n') {
        put(b, "\n", 1);
        put(b, NO_NEWLINE, sizeof NO_NEWLINE - 1);
    }
}

static void put_range(buf_t *b, int64_t start, int64_t count)
{
    char tmp[48];
    int n;
    if (count == 0)
        n = snprintf(tmp, sizeof tmp, "%lld,0", (long long)start);
    else if (count == 1)
        n = snprintf(tmp, sizeof tmp, "%lld", (long long)start + 1);
    else
        n = snprintf(tmp, sizeof tmp, "%lld,%lld", (long long)start + 1, (long long)count);
    put(b, tmp, (size_t)n);
}

typedef struct {
    int32_t i, n, j, m;
    int coarse;
} group_t;

static int emit(const lines_t *a, const lines_t *b, const uint8_t *ca, const uint8_t *cb,
                int ctx, buf_t *out)
{
    group_t *g = NULL;
    size_t ng = 0, gcap = 0;
    int32_t i = 0, j = 0;
    while (i < a->n || j < b->n) {
        if ((i < a->n && ca[i]) || (j < b->n && cb[j])) {
            group_t grp = {i, 0, j, 0, 0};
            while (i < a->n && ca[i]) {
                grp.coarse |= ca[i] == 2;
                i++;
            }
            while (j < b->n && cb[j]) {
                grp.coarse |= cb[j] == 2;
                j++;
            }
            grp.n = i - grp.i;
            grp.m = j - grp.j;
            if (ng == gcap) {
                gcap = gcap ? gcap * 2 : 64;
                group_t *ng_ = realloc(g, gcap * sizeof *g);
                if (!ng_) {
                    free(g);
                    return -ENOMEM;
                }
                g = ng_;
            }
            g[ng++] = grp;
        } else {
            i++;
            j++;
        }
    }
    for (size_t first = 0; first < ng;) {
        size_t last = first;
        int coarse = g[first].coarse;
        while (last + 1 < ng && g[last + 1].i - (g[last].i + g[last].n) <= 2 * ctx) {
            last++;
            coarse |= g[last].coarse;
        }
        int64_t a0 = g[first].i - ctx < 0 ? 0 : g[first].i - ctx;
        int64_t b0 = g[first].j - (g[first].i - a0);
        int64_t aend = (int64_t)g[last].i + g[last].n + ctx;
        if (aend > a->n)
            aend = a->n;
        int64_t bend = (int64_t)g[last].j + g[last].m + (aend - g[last].i - g[last].n);
        put(out, "@@ -", 4);
        put_range(out, a0, aend - a0);
        put(out, " +", 2);
        put_range(out, b0, bend - b0);
        put(out, " @@", 3);
        if (coarse)
            put(out, COARSE_NOTE, sizeof COARSE_NOTE - 1);
        put(out, "\n", 1);
        int32_t ai = (int32_t)a0;
        for (size_t k = first; k <= last; k++) {
            for (; ai < g[k].i; ai++)
                put_line(out, ' ', a, ai);
            for (int32_t t = 0; t < g[k].n; t++)
                put_line(out, '-', a, g[k].i + t);
            for (int32_t t = 0; t < g[k].m; t++)
                put_line(out, '+', b, g[k].j + t);
            ai = g[k].i + g[k].n;
        }
        for (; ai < aend; ai++)
            put_line(out, ' ', a, ai);
        first = last + 1;
    }
    free(g);
    return out->oom ? -ENOMEM : 0;
}

/**** public API ****/

long long codex_diff_default_budget(long long n_lines_a, long long n_lines_b);

long long codex_diff_default_budget(long long n_lines_a, long long n_lines_b)
{
    return 20000000LL + 64LL * (n_lines_a + n_lines_b);
}

int codex_diff_unified(const char *a, size_t alen, const char *b, size_t blen, int context,
                       long long budget, codex_diff_result *out)
{
    out->data = NULL;
    out->len = 0;
    out->coarse = 0;
    if (context < 0)
        return -EINVAL;
    lines_t la = {0}, lb = {0};
    int32_t *cls_a = NULL, *cls_b = NULL, *cnt = NULL, *fa = NULL, *fb = NULL, *ia = NULL,
            *ib = NULL, *fd = NULL, *bd = NULL;
    uint8_t *chg_a = NULL, *chg_b = NULL;
    buf_t buf = {0};
    int rc = split_lines(a, alen, &la);
    if (rc == 0)
        rc = split_lines(b, blen, &lb);
    if (rc != 0)
        goto done;
    rc = -ENOMEM;
    size_t na = (size_t)la.n, nb = (size_t)lb.n;
    cls_a = malloc((na + 1) * sizeof *cls_a);
    cls_b = malloc((nb + 1) * sizeof *cls_b);
    chg_a = calloc(na + 1, 1);
    chg_b = calloc(nb + 1, 1);
    if (!cls_a || !cls_b || !chg_a || !chg_b)
        goto done;
    int32_t ncls;
    rc = intern(&la, &lb, cls_a, cls_b, &ncls);
    if (rc != 0)
        goto done;
    rc = -ENOMEM;
    /* cnt[2c] = occurrences in a, cnt[2c+1] = in b */
    cnt = calloc((size_t)ncls * 2 + 2, sizeof *cnt);
    fa = malloc((na + 1) * sizeof *fa);
    fb = malloc((nb + 1) * sizeof *fb);
    ia = malloc((na + 1) * sizeof *ia);
    ib = malloc((nb + 1) * sizeof *ib);
    if (!cnt || !fa || !fb || !ia || !ib)
        goto done;
    for (size_t i = 0; i < na; i++)
        cnt[2 * cls_a[i]]++;
    for (size_t j = 0; j < nb; j++)
        cnt[2 * cls_b[j] + 1]++;
    int64_t fn = 0, fm = 0;
    for (size_t i = 0; i < na; i++) {
        if (cnt[2 * cls_a[i] + 1] == 0) {
            chg_a[i] = 1;
        } else {
            fa[fn] = cls_a[i];
            ia[fn++] = (int32_t)i;
        }
    }
    for (size_t j = 0; j < nb; j++) {
        if (cnt[2 * cls_b[j]] == 0) {
            chg_b[j] = 1;
        } else {
            fb[fm] = cls_b[j];
            ib[fm++] = (int32_t)j;
        }
    }
    free(cnt);
    cnt = NULL;
    size_t diag = (size_t)(fn + fm + 3);
    fd = malloc(diag * sizeof *fd);
    bd = malloc(diag * sizeof *bd);
    if (!fd || !bd)
        goto done;
    myers_t m = {fa, fb, ia, ib, chg_a, chg_b, fd, bd, fm + 1,
                 budget > 0 ? budget : codex_diff_default_budget(fn, fm), 0};
    compare(&m, 0, fn, 0, fm);
    rc = emit(&la, &lb, chg_a, chg_b, context, &buf);
    if (rc != 0)
        goto done;
    out->data = buf.p;
    out->len = buf.len;
    out->coarse = m.coarse;
    buf.p = NULL;
done:
    free(buf.p);
    free(la.off);
    free(lb.off);
    free(cls_a);
    free(cls_b);
    free(cnt);
    free(fa);
    free(fb);
    free(ia);
    free(ib);
    free(fd);
    free(bd);
    free(chg_a);
    free(chg_b);
    return rc;
}

void codex_diff_free(codex_diff_result *r)
{
    free(r->data);
    r->data = NULL;
    r->len = 0;
}
