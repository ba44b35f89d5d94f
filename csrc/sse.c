/* Incremental Server-Sent Events framing; see sse.h for the contract. */
#include "sse.h"

#include <stdlib.h>
#include <string.h>

/**** Growable byte and integer buffers ****/

typedef struct {
    char *ptr;
    size_t len;
    size_t cap;
} bytebuf;

static int bb_reserve(bytebuf *b, size_t extra)
{
    if (b->cap - b->len >= extra)
        return 0;
    size_t need = b->len + extra;
    if (need < b->len)
        return -1;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need) {
        if (cap > SIZE_MAX / 2) {
            cap = need;
            break;
        }
        cap *= 2;
    }
    char *ptr = realloc(b->ptr, cap);
    if (!ptr)
        return -1;
    b->ptr = ptr;
    b->cap = cap;
    return 0;
}

static int bb_append(bytebuf *b, const char *src, size_t n)
{
    if (bb_reserve(b, n))
        return -1;
    if (n)
        memcpy(b->ptr + b->len, src, n);
    b->len += n;
    return 0;
}

static int bb_set(bytebuf *b, const char *src, size_t n)
{
    b->len = 0;
    return bb_append(b, src, n);
}

typedef struct {
    int64_t *ptr;
    size_t len;
    size_t cap;
} intbuf;

static int ib_push(intbuf *b, int64_t v)
{
    if (b->len == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        int64_t *ptr = realloc(b->ptr, cap * sizeof(int64_t));
        if (!ptr)
            return -1;
        b->ptr = ptr;
        b->cap = cap;
    }
    b->ptr[b->len++] = v;
    return 0;
}

/**** Parser state ****/

struct codex_sse_parser {
    size_t max_event_size;
    int error;           /* sticky error code once a feed failed */
    int bom_done;        /* the start-of-stream BOM question is settled */
    size_t bom_held;     /* leading bytes seen so far that match the BOM */
    int skip_lf;         /* the previous chunk ended in CR: a leading LF belongs to it */
    size_t block_bytes;  /* raw bytes of the complete lines of the current block */
    bytebuf line;        /* an unterminated line carried over from the previous chunk */
    bytebuf event;       /* event type of the current block */
    bytebuf last_id;     /* last event id (sticky) */
    int64_t retry;       /* retry of the current block, -1 if none */
    /* Output. The data of the block being assembled lives in `data` after the `data_done` bytes
     * already dispatched in this batch, so a large event is copied once, not twice. */
    bytebuf data;
    size_t data_done;
    bytebuf names;
    bytebuf ids;
    intbuf retries;
    size_t count;
    int any_id;
    int any_retry;
    int same_name;
    size_t first_name_len;
    /* The batch's data fields again, as a pickle (protocol 4) of a list of str: the binding makes
     * every string with one pickle.loads (lengths known, no separator scan). Only while every
     * field is well-formed UTF-8 (`pickle_ok`), where pickle's decoding equals utf-8/replace. */
    bytebuf pickled;
    int pickle_ok;
};

static const char BOM[3] = {'\xEF', '\xBB', '\xBF'};

codex_sse_parser *codex_sse_new(size_t max_event_size)
{
    codex_sse_parser *p = calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    p->max_event_size = max_event_size ? max_event_size : SIZE_MAX;
    p->retry = -1;
    return p;
}

void codex_sse_free(codex_sse_parser *p)
{
    if (!p)
        return;
    free(p->line.ptr);
    free(p->event.ptr);
    free(p->last_id.ptr);
    free(p->data.ptr);
    free(p->names.ptr);
    free(p->ids.ptr);
    free(p->retries.ptr);
    free(p->pickled.ptr);
    free(p);
}

/**** UTF-8 ****/

/* Well-formed UTF-8 (Unicode Table 3-7: no overlongs, no surrogates, nothing above U+10FFFF):
 * exactly the input that Python's utf-8 "replace" and pickle's "surrogatepass" decode alike. */
static int utf8_valid(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        /* ASCII runs eight bytes at a time. */
        while (i + 8 <= n) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (w & 0x8080808080808080ULL)
                break;
            i += 8;
        }
        if (i >= n)
            break;
        unsigned char c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t need;
        unsigned char lo = 0x80, hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) {
            need = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
            need = 2;
            if (c == 0xE0)
                lo = 0xA0;
            else if (c == 0xED)
                hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3;
            if (c == 0xF0)
                lo = 0x90;
            else if (c == 0xF4)
                hi = 0x8F;
        } else {
            return 0;
        }
        if (n - i - 1 < need)
            return 0;
        if (s[i + 1] < lo || s[i + 1] > hi)
            return 0;
        for (size_t k = 2; k <= need; k++)
            if ((s[i + k] & 0xC0) != 0x80)
                return 0;
        i += need + 1;
    }
    return 1;
}

/* Append one data field to the pickled list (BINUNICODE: 'X', u32 little-endian length). */
static int pickle_field(codex_sse_parser *p, const char *field, size_t n)
{
    if (!p->pickle_ok)
        return 0;
    if (n > 0xFFFFFFFFu || !utf8_valid((const unsigned char *)field, n)) {
        p->pickle_ok = 0;
        return 0;
    }
    if (p->pickled.len == 0 && bb_append(&p->pickled, "\x80\x04](", 4))
        return -1;
    unsigned char head[5] = {'X', (unsigned char)n, (unsigned char)(n >> 8),
                             (unsigned char)(n >> 16), (unsigned char)(n >> 24)};
    if (bb_append(&p->pickled, (const char *)head, 5) || bb_append(&p->pickled, field, n))
        return -1;
    return 0;
}

/**** Lines and fields ****/

static int dispatch(codex_sse_parser *p)
{
    size_t pending = p->data.len - p->data_done;
    int64_t retry = p->retry;
    p->retry = -1;
    if (pending == 0) {
        /* No data line in this block: not an event; forget its event type. */
        p->event.len = 0;
        return 0;
    }
    /* The data buffer ends in the "\n" of its last line: that byte becomes the separator. */
    if (pickle_field(p, p->data.ptr + p->data_done, pending - 1))
        return CODEX_SSE_E_NOMEM;
    p->data.ptr[p->data.len - 1] = '\r';
    p->data_done = p->data.len;
    const char *name = p->event.len ? p->event.ptr : "message";
    size_t name_len = p->event.len ? p->event.len : 7;
    /* A delta flood is one name over and over: say so, and the binding makes one string. */
    if (p->count == 0) {
        p->same_name = 1;
        p->first_name_len = name_len;
    } else if (p->same_name
               && (name_len != p->first_name_len || memcmp(p->names.ptr, name, name_len) != 0)) {
        p->same_name = 0;
    }
    int rc = bb_append(&p->names, name, name_len);
    rc |= bb_append(&p->names, "\r", 1);
    rc |= bb_append(&p->ids, p->last_id.ptr, p->last_id.len);
    rc |= bb_append(&p->ids, "\r", 1);
    rc |= ib_push(&p->retries, retry);
    if (rc)
        return CODEX_SSE_E_NOMEM;
    p->any_id |= p->last_id.len != 0;
    p->any_retry |= retry >= 0;
    p->count++;
    p->event.len = 0;
    return 0;
}

static int field_is(const char *name, size_t n, const char *want, size_t wn)
{
    return n == wn && memcmp(name, want, wn) == 0;
}

/* `value` is the raw text after "data:"; one leading space is not part of it. */
static int append_data(codex_sse_parser *p, const char *value, size_t value_len)
{
    if (value_len && value[0] == ' ') {
        value++;
        value_len--;
    }
    if (bb_reserve(&p->data, value_len + 1))
        return CODEX_SSE_E_NOMEM;
    if (value_len)
        memcpy(p->data.ptr + p->data.len, value, value_len);
    p->data.ptr[p->data.len + value_len] = '\n';
    p->data.len += value_len + 1;
    return 0;
}

static int process_line(codex_sse_parser *p, const char *line, size_t n)
{
    if (n == 0) {
        p->block_bytes = 0;
        return dispatch(p);
    }
    p->block_bytes += n;
    if (p->block_bytes > p->max_event_size)
        return CODEX_SSE_E_TOO_LARGE;
    if (line[0] == ':')
        return 0;
    /* The common field names first, without searching for the colon. */
    if (n >= 5 && memcmp(line, "data:", 5) == 0)
        return append_data(p, line + 5, n - 5);
    const char *colon = memchr(line, ':', n);
    size_t name_len = colon ? (size_t)(colon - line) : n;
    const char *value = colon ? colon + 1 : line + n;
    size_t value_len = colon ? n - name_len - 1 : 0;
    if (value_len && value[0] == ' ') {
        value++;
        value_len--;
    }
    switch (name_len) {
    case 4:
        if (field_is(line, name_len, "data", 4)) /* "data" alone: "data:" was handled above */
            return append_data(p, line + n, 0);
        return 0;
    case 5:
        if (field_is(line, name_len, "event", 5) && bb_set(&p->event, value, value_len))
            return CODEX_SSE_E_NOMEM;
        if (field_is(line, name_len, "retry", 5) && value_len >= 1 && value_len <= 18) {
            int64_t v = 0;
            for (size_t i = 0; i < value_len; i++) {
                unsigned char c = (unsigned char)value[i];
                if (c < '0' || c > '9')
                    return 0;
                v = v * 10 + (c - '0');
            }
            p->retry = v;
        }
        return 0;
    case 2:
        if (field_is(line, name_len, "id", 2) && !memchr(value, '\0', value_len)
            && bb_set(&p->last_id, value, value_len))
            return CODEX_SSE_E_NOMEM;
        return 0;
    default:
        return 0;
    }
}

/**** Feeding ****/

static void reset_batch(codex_sse_parser *p)
{
    size_t pending = p->data.len - p->data_done;
    if (p->data_done && pending)
        memmove(p->data.ptr, p->data.ptr + p->data_done, pending);
    p->data.len = pending;
    p->data_done = 0;
    p->names.len = 0;
    p->ids.len = 0;
    p->retries.len = 0;
    p->count = 0;
    p->any_id = 0;
    p->any_retry = 0;
    p->same_name = 0;
    p->first_name_len = 0;
    p->pickled.len = 0;
    p->pickle_ok = 1;
}

static void fill_batch(codex_sse_parser *p, codex_sse_batch *out)
{
    out->pickled = NULL;
    out->pickled_len = 0;
    if (p->count && p->pickle_ok && bb_append(&p->pickled, "e.", 2) == 0) {
        out->pickled = p->pickled.ptr;
        out->pickled_len = p->pickled.len;
    }
    out->count = p->count;
    out->names = p->names.ptr;
    out->names_len = p->names.len;
    out->data = p->data.ptr;
    out->data_len = p->data_done;
    out->ids = p->ids.ptr;
    out->ids_len = p->ids.len;
    out->retries = p->retries.ptr;
    out->any_id = p->any_id;
    out->any_retry = p->any_retry;
    out->same_name = p->same_name;
    out->first_name_len = p->first_name_len;
}

static int fail(codex_sse_parser *p, int rc, codex_sse_batch *out)
{
    p->error = rc;
    reset_batch(p);
    p->data.len = 0;
    fill_batch(p, out);
    return rc;
}

/* Decide whether the stream starts with a BOM; returns how many bytes of buf it consumed. */
static size_t settle_bom(codex_sse_parser *p, const char *buf, size_t len, int *rc)
{
    size_t i = 0;
    while (i < len && p->bom_held < 3 && buf[i] == BOM[p->bom_held]) {
        p->bom_held++;
        i++;
    }
    if (p->bom_held == 3) {
        p->bom_done = 1;
        return i;
    }
    if (i == len)
        return i; /* still a BOM prefix: wait for more */
    /* Not a BOM: the held bytes (never CR or LF) start the first line. */
    p->bom_done = 1;
    *rc = bb_append(&p->line, BOM, p->bom_held) ? CODEX_SSE_E_NOMEM : 0;
    return i;
}

int codex_sse_feed(codex_sse_parser *p, const char *buf, size_t len, codex_sse_batch *out)
{
    if (p->error)
        return fail(p, p->error, out);
    reset_batch(p);
    size_t pos = 0;
    int rc = 0;
    if (!p->bom_done) {
        pos = settle_bom(p, buf, len, &rc);
        if (rc)
            return fail(p, rc, out);
    }
    if (p->skip_lf && pos < len) {
        p->skip_lf = 0;
        if (buf[pos] == '\n')
            pos++;
    }
    /* Next CR and LF at or after pos; len means "none in this chunk". Cached so a stream that
     * uses only one kind of line end is still scanned once, not once per line. */
    size_t next_cr = 0, next_lf = 0;
    int cr_known = 0, lf_known = 0;
    while (pos < len) {
        if (!cr_known || next_cr < pos) {
            const char *c = memchr(buf + pos, '\r', len - pos);
            next_cr = c ? (size_t)(c - buf) : len;
            cr_known = 1;
        }
        if (buf[pos] == '\n') {
            /* A blank line (the end of every event) needs no search. */
            next_lf = pos;
            lf_known = 1;
        } else if (!lf_known || next_lf < pos) {
            const char *c = memchr(buf + pos, '\n', len - pos);
            next_lf = c ? (size_t)(c - buf) : len;
            lf_known = 1;
        }
        size_t end = next_cr < next_lf ? next_cr : next_lf;
        if (end == len) {
            if (bb_append(&p->line, buf + pos, len - pos))
                return fail(p, CODEX_SSE_E_NOMEM, out);
            break;
        }
        if (p->line.len) {
            if (bb_append(&p->line, buf + pos, end - pos))
                return fail(p, CODEX_SSE_E_NOMEM, out);
            rc = process_line(p, p->line.ptr, p->line.len);
            p->line.len = 0;
        } else {
            rc = process_line(p, buf + pos, end - pos);
        }
        if (rc)
            return fail(p, rc, out);
        pos = end + 1;
        if (buf[end] == '\r') {
            if (pos == len)
                p->skip_lf = 1;
            else if (buf[pos] == '\n')
                pos++;
        }
    }
    if (p->line.len && p->block_bytes + p->line.len > p->max_event_size)
        return fail(p, CODEX_SSE_E_TOO_LARGE, out);
    fill_batch(p, out);
    return CODEX_SSE_OK;
}
