/* diff engine: hunk format, missing final newlines, empty sides, budget fallback, adversarial. */
#include "diff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures = 0;
#define CHECK(cond) do { if (!(cond)) { fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); failures++; } } while (0)

static void expect(const char *a, const char *b, int ctx, long long budget, const char *want, int coarse)
{
    codex_diff_result r;
    int rc = codex_diff_unified(a, strlen(a), b, strlen(b), ctx, budget, &r);
    CHECK(rc == 0);
    size_t wl = strlen(want);
    int ok = r.len == wl && (wl == 0 || memcmp(r.data, want, wl) == 0) && r.coarse == coarse;
    if (!ok)
        fprintf(stderr, "got:\n%.*s\nwant:\n%s\n", (int)r.len, r.data ? r.data : "", want);
    CHECK(ok);
    codex_diff_free(&r);
}

int main(void)
{
    expect("a\nb\nc\n", "a\nb\nc\n", 3, 0, "", 0);
    expect("", "", 3, 0, "", 0);
    expect("a\nb\nc\n", "a\nB\nc\n", 3, 0, "@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n", 0);
    expect("", "x\n", 3, 0, "@@ -0,0 +1 @@\n+x\n", 0);
    expect("x\ny\n", "", 3, 0, "@@ -1,2 +0,0 @@\n-x\n-y\n", 0);
    expect("a\nb", "a\nb\n", 3, 0, "@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n", 0);
    expect("a\n", "a\nb", 3, 0, "@@ -1 +1,2 @@\n a\n+b\n\\ No newline at end of file\n", 0);
    expect("1\n2\n3\n", "1\nX\n3\n", 0, 0, "@@ -2 +2 @@\n-2\n+X\n", 0);
    expect("1\n3\n", "1\n2\n3\n", 0, 0, "@@ -1,0 +2 @@\n+2\n", 0);
    /* A budget of one step: the box left after trimming is reported whole, and says so. */
    expect("s\na\nb\na\ne\n", "s\nb\na\nb\ne\n", 3, 1,
           "@@ -1,5 +1,5 @@ codex: coarse diff (time budget exceeded)\n s\n-a\n-b\n-a\n+b\n+a\n+b\n e\n", 1);

    /* Adversarial: 20k lines of 2 symbols each side, tiny budget; result must stay well formed. */
    size_t n = 20000;
    char *a = malloc(n * 2 + 1), *b = malloc(n * 2 + 1);
    unsigned s = 12345;
    for (size_t i = 0; i < n; i++) {
        s = s * 1103515245u + 12345u;
        a[2 * i] = (s >> 16) & 1 ? 'a' : 'b';
        a[2 * i + 1] = '\n';
        s = s * 1103515245u + 12345u;
        b[2 * i] = (s >> 16) & 1 ? 'a' : 'b';
        b[2 * i + 1] = '\n';
    }
    codex_diff_result r;
    CHECK(codex_diff_unified(a, n * 2, b, n * 2, 3, 100000, &r) == 0);
    CHECK(r.coarse == 1);
    CHECK(r.len > 0 && memcmp(r.data, "@@ -", 4) == 0);
    codex_diff_free(&r);
    /* Binary-ish content with NULs and no newlines at all. */
    char bin1[] = {'x', 0, 'y', 0, 'z'};
    char bin2[] = {'x', 0, 'q'};
    CHECK(codex_diff_unified(bin1, sizeof bin1, bin2, sizeof bin2, 3, 0, &r) == 0);
    CHECK(r.len > 0);
    codex_diff_free(&r);
    CHECK(codex_diff_unified("a", 1, "b", 1, -1, 0, &r) != 0);
    free(a);
    free(b);
    return failures ? 1 : 0;
}
