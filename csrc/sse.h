/* Incremental Server-Sent Events framing (WHATWG "event stream interpretation").
 *
 * Feed arbitrary byte chunks; each call returns every event completed by that chunk as one batch of
 * packed buffers, so a binding crosses into C once per chunk, not once per event. Line ends are CR,
 * LF or CRLF (a CRLF split across chunks is one line end); one UTF-8 BOM at the very start of the
 * stream is dropped; comment lines (":...") and unknown fields are ignored; `data` lines are joined
 * with "\n"; `id` is sticky across events (ignored when it contains NUL); `retry` (1-18 ASCII digits)
 * is reported on the event of the block that carried it. A block without any `data` line is not an
 * event. Bytes of an unterminated last block are never reported.
 *
 * Bounded memory: when the raw bytes of one block (its lines without line ends, including a
 * partial line) exceed max_event_size, feed fails with CODEX_SSE_E_TOO_LARGE and the parser stays
 * failed. No decoding happens here: fields are raw bytes, the binding decodes UTF-8.
 */
#ifndef CODEX_SSE_H
#define CODEX_SSE_H

#include <stddef.h>
#include <stdint.h>

#define CODEX_SSE_OK 0
#define CODEX_SSE_E_TOO_LARGE 1
#define CODEX_SSE_E_NOMEM 2

typedef struct codex_sse_parser codex_sse_parser;

/* The events one feed completed. Each packed buffer holds `count` fields, each followed by '\r'
 * (a byte no field can contain). Valid until the next feed or free. */
typedef struct {
    size_t count;
    const char *names;     /* event names; "message" when the block had no (or an empty) event field */
    size_t names_len;
    const char *data;      /* data fields */
    size_t data_len;
    const char *ids;       /* last event id at dispatch ("" until an id field is seen) */
    size_t ids_len;
    const int64_t *retries; /* count entries; -1 when the block had no valid retry field */
    int any_id;            /* some id in this batch is non-empty */
    int any_retry;         /* some retry in this batch is >= 0 */
    int same_name;         /* every event in this batch has the first event's name */
    size_t first_name_len; /* length of the first name in `names` */
    const char *pickled;   /* the data fields as a pickle (protocol 4) of a list of str, or NULL
                              when some field is not well-formed UTF-8 (then decode `data`) */
    size_t pickled_len;
} codex_sse_batch;

/* A new parser, or NULL when out of memory. max_event_size 0 means SIZE_MAX. */
codex_sse_parser *codex_sse_new(size_t max_event_size);
void codex_sse_free(codex_sse_parser *p);

/* Parse one chunk; fill *out with the events it completed. Returns CODEX_SSE_OK or an error code
 * (then *out is empty and every later feed fails the same way). */
int codex_sse_feed(codex_sse_parser *p, const char *buf, size_t len, codex_sse_batch *out);

#endif
