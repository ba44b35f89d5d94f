/* Append-only JSON Lines writer (see jsonl.h for the invariant). */
#define _GNU_SOURCE
#include "jsonl.h"
#include "jsonl_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

/**** helpers ****/

/* Write every iovec fully. The first call is the only one in the normal case; the loop exists
 * because write() to a regular file may still return short (signal, quota, ENOSPC). */
static int write_all(int fd, struct iovec *iov, int n)
{
    while (n > 0) {
        ssize_t done = writev(fd, iov, n);
        if (done < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        while (n > 0 && (size_t)done >= iov->iov_len) {
            done -= (ssize_t)iov->iov_len;
            iov++;
            n--;
        }
        if (n > 0) {
            iov->iov_base = (char *)iov->iov_base + done;
            iov->iov_len -= (size_t)done;
        }
    }
    return 0;
}

static int sync_fd(int fd)
{
    while (fsync(fd) != 0) {
        if (errno != EINTR)
            return -errno;
    }
    return 0;
}

/* Cut bytes after the last '\n' (a line torn by a crash). Returns bytes removed or -errno. */
static long long repair_tail(int fd)
{
    /* The size from lseek rather than fstat: glibc >= 2.33 binds fstat to a new symbol
     * version (fstat@GLIBC_2.33), which would make the wheel manylinux_2_34-only. The fd is
     * O_APPEND, so moving its offset changes no write; a pipe or tty answers ESPIPE. */
    off_t size = lseek(fd, 0, SEEK_END);
    if (size < 0)
        return errno == ESPIPE ? 0 : -errno;
    if (size == 0)
        return 0;
    off_t end = size;
    char chunk[4096];
    while (end > 0) {
        size_t want = end > (off_t)sizeof chunk ? sizeof chunk : (size_t)end;
        off_t start = end - (off_t)want;
        ssize_t got = pread(fd, chunk, want, start);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        if ((size_t)got != want)
            return -EIO;
        for (size_t i = want; i > 0; i--) {
            if (chunk[i - 1] == '\n') {
                off_t keep = start + (off_t)i;
                if (keep == size)
                    return 0;
                if (ftruncate(fd, keep) != 0)
                    return -errno;
                return (long long)(size - keep);
            }
        }
        end = start;
    }
    /* No newline at all: the whole file is one torn line. */
    if (ftruncate(fd, 0) != 0)
        return -errno;
    return (long long)size;
}

/**** public API ****/

/* A writer around an open descriptor (owned from here on, closed on failure). */
static codex_jsonl_writer *writer_for(int fd, int fsync_policy, size_t buf_cap)
{
    if (buf_cap == 0)
        buf_cap = 64 * 1024;
    codex_jsonl_writer *w = calloc(1, sizeof *w);
    char *buf = malloc(buf_cap);
    if (!w || !buf) {
        free(w);
        free(buf);
        close(fd);
        errno = ENOMEM;
        return NULL;
    }
    w->fd = fd;
    w->fsync_policy = fsync_policy;
    w->buf = buf;
    w->cap = buf_cap;
    return w;
}

static int valid_policy(int fsync_policy)
{
    return fsync_policy >= CODEX_JSONL_FSYNC_NEVER && fsync_policy <= CODEX_JSONL_FSYNC_EVERY_FLUSH;
}

codex_jsonl_writer *codex_jsonl_open(const char *path, int fsync_policy, size_t buf_cap, int mode,
                                     long long *repaired)
{
    if (!valid_policy(fsync_policy)) {
        errno = EINVAL;
        return NULL;
    }
    int fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, (mode_t)mode);
    if (fd < 0)
        return NULL;
    long long cut = repair_tail(fd);
    if (cut < 0) {
        close(fd);
        errno = (int)-cut;
        return NULL;
    }
    if (repaired)
        *repaired = cut;
    return writer_for(fd, fsync_policy, buf_cap);
}

codex_jsonl_writer *codex_jsonl_from_new_fd(int fd, int fsync_policy, size_t buf_cap)
{
    if (!valid_policy(fsync_policy)) {
        close(fd);
        errno = EINVAL;
        return NULL;
    }
    return writer_for(fd, fsync_policy, buf_cap);
}

static int write_out(codex_jsonl_writer *w, const char *extra, size_t extra_len)
{
    struct iovec iov[2];
    int n = 0;
    if (w->len) {
        iov[n].iov_base = w->buf;
        iov[n].iov_len = w->len;
        n++;
    }
    if (extra_len) {
        iov[n].iov_base = (void *)extra;
        iov[n].iov_len = extra_len;
        n++;
    }
    if (n == 0)
        return 0;
    int rc = write_all(w->fd, iov, n);
    if (rc != 0)
        return rc;
    w->len = 0;
    if (w->fsync_policy == CODEX_JSONL_FSYNC_EVERY_FLUSH)
        return sync_fd(w->fd);
    return 0;
}

int codex_jsonl_append(codex_jsonl_writer *w, const char *data, size_t len)
{
    if (len == 0 || data[len - 1] != '\n')
        return -EINVAL;
    if (w->len + len <= w->cap) {
        memcpy(w->buf + w->len, data, len);
        w->len += len;
        return 0;
    }
    if (len <= w->cap) {
        int rc = write_out(w, NULL, 0);
        if (rc != 0)
            return rc;
        memcpy(w->buf, data, len);
        w->len = len;
        return 0;
    }
    /* Larger than the buffer: buffered lines and this one leave together in one writev(). */
    return write_out(w, data, len);
}

int codex_jsonl_flush(codex_jsonl_writer *w)
{
    return write_out(w, NULL, 0);
}

int codex_jsonl_turn_end(codex_jsonl_writer *w)
{
    int wrote = w->len > 0;
    int rc = write_out(w, NULL, 0);
    if (rc != 0)
        return rc;
    if (w->fsync_policy == CODEX_JSONL_FSYNC_TURN_END ||
        (w->fsync_policy == CODEX_JSONL_FSYNC_EVERY_FLUSH && !wrote))
        return sync_fd(w->fd);
    return 0;
}

int codex_jsonl_sync(const codex_jsonl_writer *w)
{
    return sync_fd(w->fd);
}

size_t codex_jsonl_pending(const codex_jsonl_writer *w)
{
    return w->len;
}

int codex_jsonl_close(codex_jsonl_writer *w)
{
    int rc = 0;
    if (w->fsync_policy == CODEX_JSONL_FSYNC_NEVER)
        rc = codex_jsonl_flush(w);
    else
        rc = codex_jsonl_turn_end(w);
    if (close(w->fd) != 0 && rc == 0)
        rc = -errno;
    free(w->buf);
    free(w);
    return rc;
}

int codex_jsonl_close_synced(codex_jsonl_writer *w)
{
    int rc = codex_jsonl_flush(w);
    if (close(w->fd) != 0 && rc == 0)
        rc = -errno;
    free(w->buf);
    free(w);
    return rc;
}

static int starts(const char *p, const char *end, const char *lit, size_t n)
{
    return (size_t)(end - p) >= n && memcmp(p, lit, n) == 0;
}

/* The two bytes each trigger starts with, as a bit per byte pair: the scan tests one pair per
 * position and looks closer only where a trigger could start ("sk" of "task_started", say).
 * A switch on every byte's first letter ran at ~4 ns a byte on a turn's lines ('s' and 'e'
 * are everywhere in English and JSON); this runs at well under one. A constant table, not one
 * built at first use: pthread_once would bind the extension to glibc 2.34's symbol version
 * and keep the wheel off manylinux_2_28. */
#define PAIR(a, b) (((unsigned)(unsigned char)(a) << 8) | (unsigned char)(b))
#define PAIR_BYTE(a, b) (PAIR(a, b) >> 3)
#define PAIR_BIT(a, b) ((unsigned char)(1u << (PAIR(a, b) & 7)))
static const unsigned char trigger_pairs[65536 / 8] = {
    [PAIR_BYTE('s', 'k')] = PAIR_BIT('s', 'k'),
    [PAIR_BYTE('g', 'h')] = PAIR_BIT('g', 'h') | PAIR_BIT('g', 'i'), /* one byte for both */
    [PAIR_BYTE('x', 'o')] = PAIR_BIT('x', 'o'),
    [PAIR_BYTE('A', 'K')] = PAIR_BIT('A', 'K'),
    [PAIR_BYTE('e', 'y')] = PAIR_BIT('e', 'y'),
    [PAIR_BYTE('B', 'e')] = PAIR_BIT('B', 'e'),
};
_Static_assert(PAIR_BYTE('g', 'h') == PAIR_BYTE('g', 'i'), "gh and gi share a table byte");

/* Whether a trigger starts at p (its first two bytes already match one of the pairs). */
static int trigger_at(const char *p, const char *end)
{
    switch (*p) {
    case 's':
        return starts(p, end, "sk-", 3);
    case 'g':
        if (end - p >= 4 && p[1] == 'h' && p[3] == '_' &&
            (p[2] == 'p' || p[2] == 'o' || p[2] == 'u' || p[2] == 's' || p[2] == 'r'))
            return 1;
        return starts(p, end, "github_pat_", 11);
    case 'x':
        return starts(p, end, "xox", 3);
    case 'A':
        return starts(p, end, "AKIA", 4);
    case 'e':
        return starts(p, end, "eyJ", 3);
    case 'B':
        return starts(p, end, "Bearer ", 7);
    default:
        return 0;
    }
}

int codex_jsonl_has_trigger(const char *data, size_t len)
{
    const unsigned char *u = (const unsigned char *)data;
    const char *end = data + len;
    /* Every trigger is 3 bytes or more: the last two positions cannot start one. */
    for (size_t i = 0; i + 2 < len; i++) {
        unsigned v = (unsigned)u[i] << 8 | u[i + 1];
        if ((trigger_pairs[v >> 3] >> (v & 7)) & 1u) {
            if (trigger_at(data + i, end))
                return 1;
        }
    }
    return 0;
}

int codex_jsonl_append_clean(codex_jsonl_writer *w, const char *data, size_t len)
{
    if (codex_jsonl_has_trigger(data, len))
        return 1;
    return codex_jsonl_append(w, data, len);
}
