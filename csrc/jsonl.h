/* Append-only JSON Lines writer for rollout files: whole lines only, flushed at turn boundaries.
 *
 * Invariant: the file only ever grows by complete lines. The buffer holds whole lines, and each
 * flush hands the kernel the complete buffer in one write(); a line larger than the buffer goes
 * out alone in one writev(). So a crash (kill -9, power loss with fsync) can at worst leave the
 * LAST line torn, never one in the middle. Opening a file whose tail is torn cuts that fragment
 * off first, so appending after a crash cannot bury a torn line under new ones.
 */
#ifndef CODEX_JSONL_H
#define CODEX_JSONL_H

#include <stddef.h>

enum {
    CODEX_JSONL_FSYNC_NEVER = 0,      /* leave durability to the kernel */
    CODEX_JSONL_FSYNC_TURN_END = 1,   /* fsync in codex_jsonl_turn_end() and on close (default) */
    CODEX_JSONL_FSYNC_EVERY_FLUSH = 2 /* fsync after every write that reaches the file */
};

typedef struct codex_jsonl_writer codex_jsonl_writer;

/* Open (create with `mode`, O_APPEND) `path`. A torn tail (bytes after the last '\n') is truncated
 * and its length stored in *repaired (0 if none). buf_cap 0 means 64 KiB. NULL + errno on failure. */
codex_jsonl_writer *codex_jsonl_open(const char *path, int fsync_policy, size_t buf_cap, int mode,
                                     long long *repaired);

/* Queue `len` bytes that form one or more complete lines: data must end with '\n' and be
 * non-empty. Returns 0, or -errno (EINVAL for a partial line; the writer is unchanged). */
int codex_jsonl_append(codex_jsonl_writer *w, const char *data, size_t len);

/* Write the buffered lines to the file (fsync only under EVERY_FLUSH). 0 or -errno. */
int codex_jsonl_flush(codex_jsonl_writer *w);

/* Turn boundary: flush, then fsync unless the policy is NEVER. 0 or -errno. */
int codex_jsonl_turn_end(codex_jsonl_writer *w);

/* fsync the file now, nothing else: it reads only the descriptor, so another thread may run it
 * while the owner keeps appending and flushing (a write that lands during it is covered by the
 * next sync). Lets the caller take the turn-end fsync off its event loop: flush() there (whole
 * lines reach the kernel at once), sync() in a worker. Never concurrently with close. 0 or -errno. */
int codex_jsonl_sync(const codex_jsonl_writer *w);

/* Bytes queued but not yet written. */
size_t codex_jsonl_pending(const codex_jsonl_writer *w);

/* Flush, fsync unless NEVER, close and free. 0 or -errno (the writer is freed either way). */
int codex_jsonl_close(codex_jsonl_writer *w);

/* Whether `data` holds any of the prefixes every credential shape of codex.rollout.redact starts
 * with ("sk-", "gh[pousr]_", "github_pat_", "xox", "AKIA", "eyJ", "Bearer "): the redaction
 * screen, one pass in C. 1 or 0. The Python list (redact._TRIGGERS) and this one must agree;
 * tests/rollout/test_redact_fast.py checks them against each other. */
int codex_jsonl_has_trigger(const char *data, size_t len);

/* codex_jsonl_append for lines that hold no trigger: 1 (and nothing appended) when they hold
 * one, so the caller redacts them and appends the result; else as codex_jsonl_append. One call
 * screens and writes the common, clean case. */
int codex_jsonl_append_clean(codex_jsonl_writer *w, const char *data, size_t len);

/* Flush (fsync only under EVERY_FLUSH, as codex_jsonl_flush), close and free, without the final
 * fsync: for a caller that knows every byte written is already synced (its last sync() ran after
 * its last write). 0 or -errno (the writer is freed either way). */
int codex_jsonl_close_synced(codex_jsonl_writer *w);

#endif
