/* jsonl writer: whole lines only, buffering, torn-tail repair, argument validation. */
#include "jsonl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int failures = 0;
#define CHECK(cond) do { if (!(cond)) { fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); failures++; } } while (0)

static size_t slurp(const char *path, char *out, size_t cap)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, out, cap - 1);
    close(fd);
    if (n < 0)
        n = 0;
    out[n] = 0;
    return (size_t)n;
}

int main(void)
{
    char dir[] = "/tmp/codex-test-jsonl-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[256];
    snprintf(path, sizeof path, "%s/r.jsonl", dir);
    char got[65536];
    long long repaired = -1;

    codex_jsonl_writer *w = codex_jsonl_open(path, CODEX_JSONL_FSYNC_TURN_END, 16, 0600, &repaired);
    CHECK(w != NULL);
    CHECK(repaired == 0);
    CHECK(codex_jsonl_append(w, "{}", 2) == -EINVAL);
    CHECK(codex_jsonl_append(w, "", 0) == -EINVAL);
    CHECK(codex_jsonl_append(w, "{\"a\":1}\n", 8) == 0);
    CHECK(codex_jsonl_pending(w) == 8);
    CHECK(slurp(path, got, sizeof got) == 0);
    CHECK(codex_jsonl_append(w, "{\"b\":2}\n", 8) == 0); /* exactly fills 16 */
    CHECK(codex_jsonl_append(w, "{\"c\":3}\n", 8) == 0); /* forces the first 16 out */
    CHECK(slurp(path, got, sizeof got) == 16);
    CHECK(strcmp(got, "{\"a\":1}\n{\"b\":2}\n") == 0);
    char big[100];
    memset(big, 'x', sizeof big);
    big[sizeof big - 1] = '\n';
    CHECK(codex_jsonl_append(w, big, sizeof big) == 0); /* bigger than the buffer: goes out now */
    CHECK(slurp(path, got, sizeof got) == 16 + 8 + 100);
    CHECK(codex_jsonl_turn_end(w) == 0);
    /* sync() only fsyncs: it neither writes what is queued nor changes the buffer. */
    CHECK(codex_jsonl_append(w, "{\"s\":5}\n", 8) == 0);
    CHECK(codex_jsonl_sync(w) == 0);
    CHECK(codex_jsonl_pending(w) == 8);
    CHECK(slurp(path, got, sizeof got) == 16 + 8 + 100);
    CHECK(codex_jsonl_flush(w) == 0);
    CHECK(codex_jsonl_sync(w) == 0);
    CHECK(codex_jsonl_close(w) == 0);

    /* A torn tail is cut on open. */
    int fd = open(path, O_WRONLY | O_APPEND);
    CHECK(write(fd, "{\"torn", 6) == 6);
    close(fd);
    w = codex_jsonl_open(path, CODEX_JSONL_FSYNC_NEVER, 0, 0600, &repaired);
    CHECK(w != NULL);
    CHECK(repaired == 6);
    CHECK(codex_jsonl_append(w, "{\"d\":4}\n", 8) == 0);
    CHECK(codex_jsonl_close(w) == 0);
    size_t n = slurp(path, got, sizeof got);
    CHECK(n == 16 + 8 + 100 + 8 + 8);
    CHECK(memcmp(got + n - 8, "{\"d\":4}\n", 8) == 0);

    /* close_synced writes what is queued (no final fsync) and frees the writer. */
    w = codex_jsonl_open(path, CODEX_JSONL_FSYNC_TURN_END, 0, 0600, &repaired);
    CHECK(w != NULL);
    CHECK(codex_jsonl_append(w, "{\"e\":5}\n", 8) == 0);
    CHECK(codex_jsonl_close_synced(w) == 0);
    n = slurp(path, got, sizeof got);
    CHECK(n == 16 + 8 + 100 + 8 + 8 + 8);
    CHECK(memcmp(got + n - 8, "{\"e\":5}\n", 8) == 0);

    /* The redaction screen, and append_clean, which appends only lines without a trigger. */
    CHECK(codex_jsonl_has_trigger("", 0) == 0);
    CHECK(codex_jsonl_has_trigger("a sk and gh_ and xo and AKI and ey and Bearer", 45) == 0);
    CHECK(codex_jsonl_has_trigger("key sk-", 7) == 1);
    CHECK(codex_jsonl_has_trigger("key sk-", 6) == 0); /* cut before the '-' */
    CHECK(codex_jsonl_has_trigger("ghs_", 4) == 1);
    CHECK(codex_jsonl_has_trigger("ghx_", 4) == 0);
    CHECK(codex_jsonl_has_trigger("github_pat_", 11) == 1);
    CHECK(codex_jsonl_has_trigger("github_pat", 10) == 0);
    CHECK(codex_jsonl_has_trigger("xoxb", 4) == 1);
    CHECK(codex_jsonl_has_trigger("AKIAX", 5) == 1);
    CHECK(codex_jsonl_has_trigger(".eyJ", 4) == 1);
    CHECK(codex_jsonl_has_trigger("Bearer x", 8) == 1);
    CHECK(codex_jsonl_has_trigger("Bearer", 6) == 0);
    w = codex_jsonl_open(path, CODEX_JSONL_FSYNC_NEVER, 1, 0600, &repaired);
    CHECK(w != NULL);
    CHECK(codex_jsonl_append_clean(w, "{\"k\":\"sk-1\"}\n", 13) == 1);
    CHECK(codex_jsonl_append_clean(w, "{\"f\":6}\n", 8) == 0);
    CHECK(codex_jsonl_close(w) == 0);
    n = slurp(path, got, sizeof got);
    CHECK(n == 16 + 8 + 100 + 8 + 8 + 8 + 8);
    CHECK(memcmp(got + n - 8, "{\"f\":6}\n", 8) == 0);

    CHECK(codex_jsonl_open(path, 7, 0, 0600, NULL) == NULL && errno == EINVAL);
    CHECK(codex_jsonl_open("/nonexistent-dir/x.jsonl", 1, 0, 0600, NULL) == NULL && errno == ENOENT);

    unlink(path);
    rmdir(dir);
    return failures ? 1 : 0;
}
