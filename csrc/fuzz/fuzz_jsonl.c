/* libFuzzer harness for csrc/jsonl.c (ASan + UBSan), on a real file.
 *
 * Input (tests/fuzz/fuzz_jsonl.py): byte 0 the buffer size (0: default), byte 1 the fsync
 * policy (mod 3), byte 2 the length of the file's existing content, which follows; then one op
 * byte each: op & 3 = 0 append op >> 2 raw bytes, 1 the same plus "\n", 2 flush, 3 turn_end.
 * A model of the documented buffering predicts every return code, `pending` and the file, which
 * must hold whole lines only after every op and every accepted line after flush and close. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "jsonl.h"

static char path[256];

typedef struct {
    codex_fuzz_buf file, buf;
    size_t cap;
} model;

static void model_flush(model *m)
{
    codex_fuzz_put(&m->file, m->buf.ptr, m->buf.len);
    m->buf.len = 0;
}

static int model_append(model *m, const uint8_t *d, size_t n)
{
    if (n == 0 || d[n - 1] != '\n')
        return -EINVAL;
    if (m->buf.len + n <= m->cap) {
        codex_fuzz_put(&m->buf, d, n);
    } else if (n <= m->cap) {
        model_flush(m);
        codex_fuzz_put(&m->buf, d, n);
    } else {
        model_flush(m);
        codex_fuzz_put(&m->file, d, n);
    }
    return 0;
}

static void check_file(const model *m, const char *after)
{
    int fd = open(path, O_RDONLY);
    FUZZ_CHECK(fd >= 0, "reopen");
    codex_fuzz_buf got = {0};
    char tmp[4096];
    ssize_t r;
    while ((r = read(fd, tmp, sizeof tmp)) > 0)
        codex_fuzz_put(&got, tmp, (size_t)r);
    close(fd);
    if (!codex_fuzz_equal(&got, &m->file)) {
        fprintf(stderr, "after %s: file has %zu bytes, model %zu\n", after, got.len, m->file.len);
        FUZZ_CHECK(0, "file differs from the model");
    }
    free(got.ptr);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3)
        return 0;
    if (!path[0]) {
        const char *dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
        snprintf(path, sizeof path, "%s/codex-fuzz-jsonl-%d.jsonl", dir, (int)getpid());
    }
    size_t cap = data[0], n_initial = data[2];
    int policy = data[1] % 3;
    if (n_initial > size - 3)
        n_initial = size - 3;
    const uint8_t *initial = data + 3, *prog = data + 3 + n_initial;
    size_t prog_len = size - 3 - n_initial;

    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    FUZZ_CHECK(fd >= 0, "create");
    FUZZ_CHECK(write(fd, initial, n_initial) == (ssize_t)n_initial, "write initial content");
    close(fd);

    model m = {{0}, {0}, cap ? cap : 64 * 1024};
    size_t keep = n_initial;
    while (keep > 0 && initial[keep - 1] != '\n')
        keep--;
    codex_fuzz_put(&m.file, initial, keep);

    long long repaired = -1;
    codex_jsonl_writer *w = codex_jsonl_open(path, policy, cap, 0644, &repaired);
    FUZZ_CHECK(w != NULL, "open");
    FUZZ_CHECK(repaired == (long long)(n_initial - keep), "repaired count");
    check_file(&m, "open");

    for (size_t pos = 0; pos < prog_len;) {
        uint8_t op = prog[pos++];
        int kind = op & 3, want, got;
        const char *what;
        if (kind <= 1) {
            size_t n = op >> 2;
            if (n > prog_len - pos)
                n = prog_len - pos;
            uint8_t line[65];
            memcpy(line, prog + pos, n);
            pos += n;
            if (kind == 1)
                line[n++] = '\n';
            want = model_append(&m, line, n);
            got = codex_jsonl_append(w, (const char *)line, n);
            what = "append";
        } else {
            model_flush(&m);
            want = 0;
            got = kind == 2 ? codex_jsonl_flush(w) : codex_jsonl_turn_end(w);
            what = kind == 2 ? "flush" : "turn_end";
        }
        FUZZ_CHECK(got == want, what);
        FUZZ_CHECK(codex_jsonl_pending(w) == m.buf.len, "pending");
        check_file(&m, what);
    }
    FUZZ_CHECK(codex_jsonl_close(w) == 0, "close");
    model_flush(&m);
    check_file(&m, "close");
    free(m.file.ptr);
    free(m.buf.ptr);
    unlink(path);
    return 0;
}
