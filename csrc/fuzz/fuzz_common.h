/* Shared by the libFuzzer harnesses: input conventions (the same as tests/fuzz/_support.py, so
 * one seed corpus serves the atheris targets and these) and a growable transcript buffer.
 * A property that does not hold is reported with FUZZ_CHECK, which aborts: libFuzzer then saves
 * the input as a crash. */
#ifndef CODEX_FUZZ_COMMON_H
#define CODEX_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_CHECK(cond, what)                                                                  \
    do {                                                                                        \
        if (!(cond)) {                                                                          \
            fprintf(stderr, "property broken at %s:%d: %s (%s)\n", __FILE__, __LINE__, what,    \
                    #cond);                                                                     \
            abort();                                                                            \
        }                                                                                       \
    } while (0)

/* Chunk sizes from a tiny LCG seeded by one input byte: seed & 63 == 0 feeds one byte at a
 * time, otherwise pieces are 1..253 bytes (tests/fuzz/_support.py `chunks`). */
typedef struct {
    uint32_t state;
    uint32_t span;
} codex_fuzz_chunker;

static inline void codex_fuzz_chunker_init(codex_fuzz_chunker *c, uint8_t seed)
{
    c->state = (uint32_t)seed + 1;
    c->span = 1 + 4 * (uint32_t)(seed & 63);
}

static inline size_t codex_fuzz_chunk(codex_fuzz_chunker *c)
{
    c->state = (c->state * 1103515245u + 12345u) & 0x7FFFFFFFu;
    return 1 + (c->state >> 8) % c->span;
}

typedef struct {
    char *ptr;
    size_t len, cap;
} codex_fuzz_buf;

static inline void codex_fuzz_put(codex_fuzz_buf *b, const void *data, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n)
            cap *= 2;
        b->ptr = realloc(b->ptr, cap);
        FUZZ_CHECK(b->ptr != NULL, "out of memory in the harness");
        b->cap = cap;
    }
    if (n)
        memcpy(b->ptr + b->len, data, n);
    b->len += n;
}

static inline int codex_fuzz_equal(const codex_fuzz_buf *a, const codex_fuzz_buf *b)
{
    return a->len == b->len && (a->len == 0 || memcmp(a->ptr, b->ptr, a->len) == 0);
}

#endif
