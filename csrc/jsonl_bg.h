/* Background fsync for jsonl writers: a small pool of POSIX threads that never touch Python.
 *
 * Why in C: the turn-end fsync must not run on the event loop (it waits for the disk), and a
 * Python worker pool paid for it in GIL hand-offs: every job woke a Python thread that took the
 * GIL to dequeue, dropped it for the fsync, took it again to record the result, each hand-off a
 * futex round trip against a busy event loop (~20 per turn, measured). These workers only read
 * the descriptor and their own queue, under their own lock; the caller's cffi call to request
 * one costs a lock and a signal.
 *
 * Requests coalesce per writer: while its fsync is queued, more requests only raise the wanted
 * count; one that arrives while it runs queues it once more. The owner must not close or free
 * a writer until codex_jsonl_bg_wait() says it is idle. A forked child starts with no workers
 * and no pending fsyncs of its parent's (they are the parent's to finish).
 */
#ifndef CODEX_JSONL_BG_H
#define CODEX_JSONL_BG_H

#include "jsonl.h"

/* Lend the calling thread to the pool as a worker: it never returns. The library starts no
 * threads itself (the extension then needs only the pthread calls every manylinux libc has;
 * pthread_create moved symbol versions in glibc 2.34); the Python wrapper lends a few daemon
 * threads, each calling this with the GIL released, so no Python code ever runs in them. */
void codex_jsonl_bg_work(void);

/* How many threads are lent to this process's pool (0 in a forked child until it lends its own). */
int codex_jsonl_bg_workers(void);

/* Wait until at least `n` threads are lent (each counts once it has entered
 * codex_jsonl_bg_work), at most timeout_ms (< 0: no limit): a lender waits for its threads, so
 * the first request after lending finds them. 1, or 0 on timeout. */
int codex_jsonl_bg_await_workers(int n, long timeout_ms);

/* Ask for an fsync of everything written to `w` so far, in a worker; returns at once. 0, or the
 * -errno of an earlier background fsync that failed (reported once; nothing is queued then).
 * With no worker lent, the fsync runs here and its result is returned. */
int codex_jsonl_bg_request(codex_jsonl_writer *w);

/* Wait until no fsync of `w` is queued or running, at most timeout_ms (< 0: no limit).
 * 1 when idle, 0 on timeout. */
int codex_jsonl_bg_wait(codex_jsonl_writer *w, long timeout_ms);

/* 1 when no fsync of `w` is queued or running and none failed unreported, else 0. */
int codex_jsonl_bg_idle(codex_jsonl_writer *w);

/* Take the unreported failure of a background fsync of `w`: 0 or -errno (then 0 again). */
int codex_jsonl_bg_take_error(codex_jsonl_writer *w);

/* How many background fsyncs of `w` the workers completed. */
long long codex_jsonl_bg_completed(codex_jsonl_writer *w);

/* Wait until no fsync and no creation (below) is queued or running, at most timeout_ms (< 0: no
 * limit): for interpreter exit, so a writer never closed still gets the fsync it asked for and
 * an abandoned creation's file is removed. With cancel_creations (at exit), creations not
 * started yet are cancelled (their take() finds ECANCELED), not run. 1 or 0. */
int codex_jsonl_bg_drain(long timeout_ms, int cancel_creations);

/* Creating a new file ahead, in the same workers. Why: creating a file (its inode) is the one
 * rollout step whose cost the file system decides: ~25 us on a fresh ext4 folder, ~1 ms where
 * many files were deleted lately (the allocator steps over recently freed inodes), a network
 * round trip on NFS. A thread's first flush will make the file, so the creation starts when its
 * first input is submitted and that flush takes the result: the event loop pays a lock, not
 * the file system. Workers take creations before fsyncs (a request waits on them), in the order
 * they were asked for, which is the order the turns reach their first flush. */
typedef struct codex_jsonl_precreate codex_jsonl_precreate;

/* Queue the creation of `path` (O_CREAT | O_EXCL, `mode`; its folder must exist). NULL when it
 * cannot be queued (no memory, no worker lent): the caller then opens the file itself. */
codex_jsonl_precreate *codex_jsonl_precreate_start(const char *path, int mode);

/* The created file as a writer, and the handle freed. A creation no worker has started is
 * cancelled (NULL, errno EAGAIN: open the file yourself, which is as fast as waiting); one in
 * progress is waited for. NULL + errno also when the creation failed (EEXIST: someone made the
 * file first; open it as usual). */
codex_jsonl_writer *codex_jsonl_precreate_take(codex_jsonl_precreate *p, int fsync_policy,
                                               size_t buf_cap);

/* Abandon a creation never taken (its thread closed before a line was written): cancelled if
 * not started, else the file it made is removed (it is empty) once made. Frees the handle. */
void codex_jsonl_precreate_drop(codex_jsonl_precreate *p);

#endif
