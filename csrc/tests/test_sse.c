/* sse.c against hand-written streams, every split point, adversarial input and the size limit. */
#include "sse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures = 0;
#define CHECK(cond) do { if (!(cond)) { fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); failures++; } } while (0)

/* Collects batches into one text transcript: "name|data|id|retry\n" per event. */
typedef struct {
    char buf[65536];
    size_t len;
    size_t events;
} transcript;

static void field(transcript *t, const char *packed, size_t plen, size_t idx)
{
    size_t start = 0, k = 0;
    for (size_t i = 0; i < plen; i++) {
        if (packed[i] == '\r') {
            if (k == idx) {
                memcpy(t->buf + t->len, packed + start, i - start);
                t->len += i - start;
                return;
            }
            k++;
            start = i + 1;
        }
    }
}

static void take(transcript *t, const codex_sse_batch *b)
{
    for (size_t i = 0; i < b->count; i++) {
        field(t, b->names, b->names_len, i);
        t->buf[t->len++] = '|';
        field(t, b->data, b->data_len, i);
        t->buf[t->len++] = '|';
        field(t, b->ids, b->ids_len, i);
        t->len += (size_t)snprintf(t->buf + t->len, 32, "|%lld\n", (long long)b->retries[i]);
        t->events++;
    }
    t->buf[t->len] = '\0';
}

static int run(const char *stream, size_t len, const size_t *cuts, size_t ncuts, size_t max,
               transcript *t)
{
    codex_sse_parser *p = codex_sse_new(max);
    codex_sse_batch b;
    size_t pos = 0;
    int rc = 0;
    memset(t, 0, sizeof(*t));
    for (size_t i = 0; i <= ncuts && !rc; i++) {
        size_t end = i < ncuts ? cuts[i] : len;
        rc = codex_sse_feed(p, stream + pos, end - pos, &b);
        if (!rc)
            take(t, &b);
        pos = end;
    }
    codex_sse_free(p);
    return rc;
}

static void expect(const char *stream, const char *want)
{
    size_t len = strlen(stream);
    transcript whole, split;
    CHECK(run(stream, len, NULL, 0, 0, &whole) == 0);
    if (strcmp(whole.buf, want) != 0) {
        fprintf(stderr, "stream %s\n got: %s\nwant: %s\n", stream, whole.buf, want);
        failures++;
    }
    /* Every single split point and every byte-at-a-time feed give the same events. */
    for (size_t cut = 0; cut <= len; cut++) {
        CHECK(run(stream, len, &cut, 1, 0, &split) == 0);
        CHECK(strcmp(split.buf, want) == 0);
    }
    size_t *cuts = malloc(len * sizeof(size_t) + 1);
    for (size_t i = 0; i < len; i++)
        cuts[i] = i;
    CHECK(run(stream, len, cuts, len, 0, &split) == 0);
    CHECK(strcmp(split.buf, want) == 0);
    free(cuts);
}

int main(void)
{
    expect("data: hello\n\n", "message|hello||-1\n");
    expect("event: response.output_text.delta\ndata: {\"delta\":\"a\"}\n\n",
           "response.output_text.delta|{\"delta\":\"a\"}||-1\n");
    /* CR, LF and CRLF line ends, mixed. */
    expect("data: a\r\ndata: b\rdata: c\n\r\n", "message|a\nb\nc||-1\n");
    expect("data: a\r\rdata: b\r\n\r\n", "message|a||-1\nmessage|b||-1\n");
    /* A BOM at the start is dropped; a second one is not. */
    expect("\xEF\xBB\xBF" "data: x\n\n", "message|x||-1\n");
    expect("\xEF\xBB\xBF" "\xEF\xBB\xBF" "data: x\n\n" "data: y\n\n", "message|y||-1\n");
    /* Half a BOM is not a BOM: it stays part of the first field name. */
    expect("\xEF\xBB" "data: x\n\ndata: y\n\n", "message|y||-1\n");
    /* Comments, unknown fields, no-colon lines, a leading space stripped once. */
    expect(": keep-alive\nfoo: bar\ndata\ndata:  two\n\n", "message|\n two||-1\n");
    /* Blocks without data are not events and forget their event type. */
    expect("event: a\n\ndata: x\n\n", "message|x||-1\n");
    /* id is sticky, NUL in id ignored, retry only digits. */
    expect("id: 1\ndata: a\n\ndata: b\nretry: 250\n\nid\ndata: c\nretry: 1x\n\n",
           "message|a|1|-1\nmessage|b|1|250\nmessage|c||-1\n");
    /* An unterminated last block is not reported. */
    expect("data: a\n\ndata: b\n", "message|a||-1\n");
    expect("", "");
    expect("\n\n\n\r\r\r", "");

    /* NUL inside data survives; NUL in id makes the id field ignored. */
    {
        static const char s[] = "id: 7\ndata: a\0b\nid: x\0y\n\n";
        transcript t;
        CHECK(run(s, sizeof(s) - 1, NULL, 0, 0, &t) == 0);
        CHECK(t.events == 1);
        CHECK(t.len == 17 && memcmp(t.buf, "message|a\0b|7|-1\n", 17) == 0);
    }

    /* The size limit: exactly at the limit is fine, one more byte fails and stays failed. */
    {
        transcript t;
        const char *ok = "data: 12345\n\n"; /* 11 raw bytes */
        CHECK(run(ok, strlen(ok), NULL, 0, 11, &t) == 0 && t.events == 1);
        CHECK(run(ok, strlen(ok), NULL, 0, 10, &t) == CODEX_SSE_E_TOO_LARGE);
        size_t cut = 4; /* the partial line alone crosses the limit */
        CHECK(run(ok, strlen(ok), &cut, 1, 3, &t) == CODEX_SSE_E_TOO_LARGE);
        codex_sse_parser *p = codex_sse_new(8);
        codex_sse_batch b;
        CHECK(codex_sse_feed(p, "data: 123456789", 15, &b) == CODEX_SSE_E_TOO_LARGE);
        CHECK(b.count == 0);
        CHECK(codex_sse_feed(p, "\n\n", 2, &b) == CODEX_SSE_E_TOO_LARGE);
        codex_sse_free(p);
        /* Many small blocks never add up: the limit is per block. */
        p = codex_sse_new(16);
        size_t events = 0;
        for (int i = 0; i < 1000; i++) {
            CHECK(codex_sse_feed(p, "data: 0123456789\n\n", 18, &b) == 0);
            events += b.count;
        }
        CHECK(events == 1000);
        codex_sse_free(p);
    }

    /* same_name: set only when every event of the batch carries the first one's name. */
    {
        codex_sse_parser *p = codex_sse_new(0);
        codex_sse_batch b;
        const char *same = "event: d\ndata: 1\n\nevent: d\ndata: 2\n\n";
        CHECK(codex_sse_feed(p, same, strlen(same), &b) == 0);
        CHECK(b.count == 2 && b.same_name == 1 && b.first_name_len == 1);
        const char *mixed = "event: d\ndata: 1\n\nevent: dd\ndata: 2\n\ndata: 3\n\n";
        CHECK(codex_sse_feed(p, mixed, strlen(mixed), &b) == 0);
        CHECK(b.count == 3 && b.same_name == 0);
        CHECK(codex_sse_feed(p, "data: 4\n\n", 9, &b) == 0);
        CHECK(b.count == 1 && b.same_name == 1 && b.first_name_len == 7);
        codex_sse_free(p);
    }

    /* The pickled data column: protocol 4, a list of BINUNICODE strings, only for UTF-8. */
    {
        codex_sse_parser *p = codex_sse_new(0);
        codex_sse_batch b;
        const char *two = "data: ab\n\ndata: \xc3\xa9\n\n";
        CHECK(codex_sse_feed(p, two, strlen(two), &b) == 0);
        static const char want[] = "\x80\x04]("
                                   "X\x02\x00\x00\x00" "ab"
                                   "X\x02\x00\x00\x00\xc3\xa9"
                                   "e.";
        CHECK(b.count == 2 && b.pickled_len == sizeof(want) - 1);
        CHECK(memcmp(b.pickled, want, sizeof(want) - 1) == 0);
        const char *bad = "data: ok\n\ndata: \xed\xa0\x80\n\n"; /* a surrogate */
        CHECK(codex_sse_feed(p, bad, strlen(bad), &b) == 0);
        CHECK(b.count == 2 && b.pickled == NULL && b.pickled_len == 0);
        CHECK(codex_sse_feed(p, "data: x", 7, &b) == 0); /* no event: no pickle */
        CHECK(b.count == 0 && b.pickled == NULL);
        codex_sse_free(p);
    }

    /* A large event fed in odd-sized chunks arrives intact. */
    {
        size_t n = 3 * 1024 * 1024 + 7;
        char *s = malloc(n + 16);
        memcpy(s, "data: ", 6);
        for (size_t i = 6; i < n; i++)
            s[i] = (char)('a' + i % 26);
        memcpy(s + n, "\r\n\r\n", 4);
        codex_sse_parser *p = codex_sse_new(0);
        codex_sse_batch b;
        size_t got = 0;
        for (size_t pos = 0; pos < n + 4; pos += 65531) {
            size_t len = n + 4 - pos < 65531 ? n + 4 - pos : 65531;
            CHECK(codex_sse_feed(p, s + pos, len, &b) == 0);
            if (b.count) {
                got++;
                CHECK(b.data_len == n - 6 + 1);
                CHECK(memcmp(b.data, s + 6, n - 6) == 0);
            }
        }
        CHECK(got == 1);
        codex_sse_free(p);
        free(s);
    }

    /* Deterministic pseudo-random garbage: never crashes, never leaks (ASan checks both). */
    {
        unsigned long long x = 88172645463325252ULL;
        static const char alphabet[] = "data:event:id:retry: \r\n\r\n:\xEF\xBB\xBF" "\0" "123abc";
        for (int round = 0; round < 200; round++) {
            char s[512];
            size_t n = (size_t)(x % sizeof(s));
            for (size_t i = 0; i < n; i++) {
                x ^= x << 13; x ^= x >> 7; x ^= x << 17;
                s[i] = alphabet[x % (sizeof(alphabet) - 1)];
            }
            codex_sse_parser *p = codex_sse_new(64);
            codex_sse_batch b;
            for (size_t pos = 0; pos < n;) {
                x ^= x << 13; x ^= x >> 7; x ^= x << 17;
                size_t len = 1 + (size_t)(x % 37);
                if (len > n - pos)
                    len = n - pos;
                codex_sse_feed(p, s + pos, len, &b);
                pos += len;
            }
            codex_sse_free(p);
        }
    }

    printf("sse: %s\n", failures ? "FAILED" : "ok");
    return failures ? 1 : 0;
}
