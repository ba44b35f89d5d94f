/* Line diff of two buffers as git-compatible unified hunks (see diff.c). */
#ifndef CODEX_DIFF_H
#define CODEX_DIFF_H

#include <stddef.h>

typedef struct {
    char *data;  /* hunks ("@@ ... @@" headers and lines), malloc'd; NULL when equal */
    size_t len;
    int coarse;  /* 1 if the time budget ran out and part of the diff is coarser than minimal */
} codex_diff_result;

/* Diff a (old) against b (new) with `context` lines around changes. budget <= 0 picks the default
 * (proportional to the input). Returns 0 or -errno (ENOMEM). */
int codex_diff_unified(const char *a, size_t alen, const char *b, size_t blen, int context,
                       long long budget, codex_diff_result *out);

void codex_diff_free(codex_diff_result *r);

#endif
