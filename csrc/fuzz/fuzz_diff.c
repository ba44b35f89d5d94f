/* libFuzzer harness for csrc/diff.c (ASan + UBSan).
 *
 * Input (tests/fuzz/fuzz_diff.py): byte 0 the context (mod 5), byte 1 the step budget (0: the
 * default, else 3 * byte), then the old text, a NUL byte, the new text. Properties: the hunks
 * applied to the old text by a strict applier (hunks exactly where their headers say, in order,
 * counts as declared, context and removed lines byte-equal) give exactly the new text; no hunks
 * if and only if the texts are equal; with the default budget small inputs never go coarse. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "fuzz_common.h"

typedef struct {
    const char *p;
    size_t len;
} span;

/* Lines of buf (each keeps its '\n'; the last may lack one). Caller frees. */
static span *split(const char *buf, size_t len, size_t *n)
{
    span *out = malloc((len + 1) * sizeof *out);
    FUZZ_CHECK(out != NULL, "harness out of memory");
    size_t k = 0;
    for (size_t pos = 0; pos < len;) {
        const char *nl = memchr(buf + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - buf) + 1 : len;
        out[k].p = buf + pos;
        out[k].len = end - pos;
        k++;
        pos = end;
    }
    *n = k;
    return out;
}

static long parse_num(const char **s)
{
    FUZZ_CHECK(**s >= '0' && **s <= '9', "hunk header number");
    long v = 0;
    while (**s >= '0' && **s <= '9')
        v = v * 10 + (*(*s)++ - '0');
    return v;
}

/* "-a[,b]" or "+c[,d]" into 0-based start and count. */
static void parse_range(const char **s, char sign, size_t *start, size_t *count)
{
    FUZZ_CHECK(**s == sign, "hunk header sign");
    (*s)++;
    long a = parse_num(s), b = 1;
    if (**s == ',') {
        (*s)++;
        b = parse_num(s);
    }
    *count = (size_t)b;
    *start = b == 0 ? (size_t)a : (size_t)a - 1;
}

static const char NO_NL[] = "\\ No newline at end of file\n";

static void apply(const char *old, size_t old_len, const char *h, size_t h_len, codex_fuzz_buf *out)
{
    size_t n_old, n_rows;
    span *ol = split(old, old_len, &n_old), *rows = split(h, h_len, &n_rows);
    size_t cursor = 0, new_lines = 0, i = 0;
    while (i < n_rows) {
        const char *s = rows[i].p;
        FUZZ_CHECK(rows[i].len > 4 && memcmp(s, "@@ ", 3) == 0, "expected a hunk header");
        s += 3;
        size_t a_at, a_n, b_at, b_n;
        parse_range(&s, '-', &a_at, &a_n);
        FUZZ_CHECK(*s == ' ', "header space");
        s++;
        parse_range(&s, '+', &b_at, &b_n);
        FUZZ_CHECK(memcmp(s, " @@", 3) == 0, "header end");
        FUZZ_CHECK(a_at >= cursor && a_at <= n_old, "hunk out of order or out of range");
        for (; cursor < a_at; cursor++, new_lines++)
            codex_fuzz_put(out, ol[cursor].p, ol[cursor].len);
        FUZZ_CHECK(new_lines == b_at, "new start does not match the text so far");
        size_t seen_a = 0, seen_b = 0;
        for (i++; i < n_rows && (rows[i].p[0] == ' ' || rows[i].p[0] == '-' || rows[i].p[0] == '+');) {
            char mark = rows[i].p[0];
            const char *text = rows[i].p + 1;
            size_t tlen = rows[i].len - 1;
            FUZZ_CHECK(tlen > 0 && text[tlen - 1] == '\n', "hunk line ends in a newline");
            i++;
            if (i < n_rows && rows[i].len == sizeof NO_NL - 1 && memcmp(rows[i].p, NO_NL, rows[i].len) == 0) {
                tlen--;
                i++;
            }
            if (mark != '+') {
                FUZZ_CHECK(cursor < n_old && ol[cursor].len == tlen
                               && memcmp(ol[cursor].p, text, tlen) == 0,
                           "context or removed line differs from the old text");
                cursor++;
                seen_a++;
            }
            if (mark != '-') {
                codex_fuzz_put(out, text, tlen);
                seen_b++;
                new_lines++;
            }
        }
        FUZZ_CHECK(seen_a == a_n && seen_b == b_n, "hunk body does not match its header counts");
    }
    for (; cursor < n_old; cursor++)
        codex_fuzz_put(out, ol[cursor].p, ol[cursor].len);
    free(ol);
    free(rows);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    int context = data[0] % 5;
    long long budget = (long long)data[1] * 3;
    const char *old = (const char *)data + 2;
    size_t rest = size - 2;
    const char *nul = memchr(old, 0, rest);
    size_t old_len = nul ? (size_t)(nul - old) : rest;
    const char *new = nul ? nul + 1 : old + rest;
    size_t new_len = nul ? rest - old_len - 1 : 0;

    codex_diff_result r;
    FUZZ_CHECK(codex_diff_unified(old, old_len, new, new_len, context, budget, &r) == 0, "diff");
    int equal = old_len == new_len && memcmp(old, new, old_len) == 0;
    FUZZ_CHECK((r.len == 0) == equal, "empty diff iff equal texts");
    if (budget == 0)
        FUZZ_CHECK(!r.coarse, "a small input went coarse with the default budget");
    codex_fuzz_buf rebuilt = {0};
    apply(old, old_len, r.data, r.len, &rebuilt);
    FUZZ_CHECK(rebuilt.len == new_len && (new_len == 0 || memcmp(rebuilt.ptr, new, new_len) == 0),
               "applied hunks do not give the new text");
    free(rebuilt.ptr);
    codex_diff_free(&r);
    return 0;
}
