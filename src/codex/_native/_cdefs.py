"""The C declarations of every native module: the one place cffi learns what csrc/ exports.

Read at build time by csrc/cffi_build.py (by path, without importing the package) and never at run
time, so nothing here may import anything.
"""

PROBE = """
typedef struct {
    int landlock_abi;
    int seccomp_filter;
    int seccomp_errno;
    int seccomp_mode;
    int no_new_privs;
    int is_linux;
} codex_probe_result;

void codex_probe(codex_probe_result *out);
"""

DIFF = """
typedef struct {
    char *data;
    size_t len;
    int coarse;
} codex_diff_result;
int codex_diff_unified(const char *a, size_t alen, const char *b, size_t blen, int context,
                       long long budget, codex_diff_result *out);
void codex_diff_free(codex_diff_result *r);
"""

SSE = """
typedef struct codex_sse_parser codex_sse_parser;
typedef struct {
    size_t count;
    const char *names;
    size_t names_len;
    const char *data;
    size_t data_len;
    const char *ids;
    size_t ids_len;
    const int64_t *retries;
    int any_id;
    int any_retry;
    int same_name;
    size_t first_name_len;
    const char *pickled;
    size_t pickled_len;
} codex_sse_batch;

#define CODEX_SSE_OK 0
#define CODEX_SSE_E_TOO_LARGE 1
#define CODEX_SSE_E_NOMEM 2

codex_sse_parser *codex_sse_new(size_t max_event_size);
void codex_sse_free(codex_sse_parser *p);
int codex_sse_feed(codex_sse_parser *p, const char *buf, size_t len, codex_sse_batch *out);
"""

JSONL = """
typedef struct codex_jsonl_writer codex_jsonl_writer;
codex_jsonl_writer *codex_jsonl_open(const char *path, int fsync_policy, size_t buf_cap, int mode,
                                     long long *repaired);
int codex_jsonl_append(codex_jsonl_writer *w, const char *data, size_t len);
int codex_jsonl_flush(codex_jsonl_writer *w);
int codex_jsonl_turn_end(codex_jsonl_writer *w);
int codex_jsonl_sync(const codex_jsonl_writer *w);
size_t codex_jsonl_pending(const codex_jsonl_writer *w);
int codex_jsonl_close(codex_jsonl_writer *w);
int codex_jsonl_close_synced(codex_jsonl_writer *w);
int codex_jsonl_has_trigger(const char *data, size_t len);
int codex_jsonl_append_clean(codex_jsonl_writer *w, const char *data, size_t len);
int codex_jsonl_bg_request(codex_jsonl_writer *w);
int codex_jsonl_bg_wait(codex_jsonl_writer *w, long timeout_ms);
int codex_jsonl_bg_idle(codex_jsonl_writer *w);
int codex_jsonl_bg_take_error(codex_jsonl_writer *w);
long long codex_jsonl_bg_completed(codex_jsonl_writer *w);
int codex_jsonl_bg_drain(long timeout_ms, int cancel_creations);
void codex_jsonl_bg_work(void);
int codex_jsonl_bg_await_workers(int n, long timeout_ms);
typedef struct codex_jsonl_precreate codex_jsonl_precreate;
codex_jsonl_precreate *codex_jsonl_precreate_start(const char *path, int mode);
codex_jsonl_writer *codex_jsonl_precreate_take(codex_jsonl_precreate *p, int fsync_policy,
                                               size_t buf_cap);
void codex_jsonl_precreate_drop(codex_jsonl_precreate *p);
"""

# module name -> (cdef, C source prepended to the generated wrapper)
MODULES: dict[str, tuple[str, str]] = {
    "probe": (PROBE, '#include "probe.h"'),
    "jsonl": (JSONL, '#include "jsonl.h"\n#include "jsonl_bg.h"'),
    "diff": (DIFF, '#include "diff.h"'),
    "sse": (SSE, '#include "sse.h"'),
}
