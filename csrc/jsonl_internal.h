/* The jsonl writer's fields, shared by jsonl.c (the writer) and jsonl_bg.c (its background
 * fsync). Not part of the API: callers hold an opaque codex_jsonl_writer *. */
#ifndef CODEX_JSONL_INTERNAL_H
#define CODEX_JSONL_INTERNAL_H

#include <stddef.h>

struct codex_jsonl_writer {
    int fd;
    int fsync_policy;
    char *buf;
    size_t len;
    size_t cap;
    /* Background fsync state (jsonl_bg.c), read and written only under its lock. calloc'd to
     * zero by codex_jsonl_open: idle, never synced. */
    struct codex_jsonl_writer *bg_next; /* next in the worker queue */
    unsigned long long bg_wanted;       /* fsync requests made */
    unsigned bg_generation;             /* the pool (process) the flags below belong to */
    int bg_queued;                      /* in the queue */
    int bg_running;                     /* a worker is fsyncing it now */
    int bg_error;                       /* -errno of a failed fsync not yet reported */
    long long bg_completed;             /* fsyncs the workers ran */
};

/* A writer around `fd`, a file this process just created (nothing to repair); owns the fd from
 * here on (closed on failure). NULL + errno on failure. */
struct codex_jsonl_writer *codex_jsonl_from_new_fd(int fd, int fsync_policy, size_t buf_cap);

#endif
