/* libFuzzer harness for csrc/sse.c (ASan + UBSan).
 *
 * Input (tests/fuzz/fuzz_sse.py): byte 0 picks max_event_size (0: unlimited, else 4 * byte),
 * byte 1 seeds the chunking, the rest is the stream. Properties: every batch is consistent with
 * itself (count fields in each packed buffer, the same_name / any_id / any_retry summaries,
 * the pickled list holding exactly the data fields); a failed parser keeps failing; the events
 * and the error do not depend on where the stream was split (chunked, byte by byte, whole). */
#include <stdint.h>
#include <string.h>

#include "fuzz_common.h"
#include "sse.h"

/* The i-th '\r'-terminated field of a packed buffer. */
static const char *nth_field(const char *packed, size_t plen, size_t idx, size_t *len)
{
    size_t start = 0, k = 0;
    for (size_t i = 0; i < plen; i++) {
        if (packed[i] != '\r')
            continue;
        if (k == idx) {
            *len = i - start;
            return packed + start;
        }
        k++;
        start = i + 1;
    }
    FUZZ_CHECK(0, "packed buffer has fewer fields than count");
    return NULL;
}

static size_t count_cr(const char *p, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += p[i] == '\r';
    return k;
}

static void check_pickle(const codex_sse_batch *b)
{
    const unsigned char *p = (const unsigned char *)b->pickled;
    size_t n = b->pickled_len, at = 4;
    FUZZ_CHECK(n >= 6 && memcmp(p, "\x80\x04](", 4) == 0, "pickle header");
    for (size_t i = 0; i < b->count; i++) {
        FUZZ_CHECK(at + 5 <= n && p[at] == 'X', "pickle BINUNICODE opcode");
        size_t len = (size_t)p[at + 1] | (size_t)p[at + 2] << 8 | (size_t)p[at + 3] << 16
                     | (size_t)p[at + 4] << 24;
        at += 5;
        size_t dlen;
        const char *d = nth_field(b->data, b->data_len, i, &dlen);
        FUZZ_CHECK(at + len <= n && len == dlen && memcmp(p + at, d, len) == 0,
                   "pickled string is not the data field");
        at += len;
    }
    FUZZ_CHECK(at + 2 == n && p[at] == 'e' && p[at + 1] == '.', "pickle trailer");
}

/* Append every event of the batch to the transcript, length-prefixed, after checking it. */
static void take(const codex_sse_batch *b, codex_fuzz_buf *t)
{
    if (b->count == 0)
        return;
    FUZZ_CHECK(count_cr(b->names, b->names_len) == b->count, "names field count");
    FUZZ_CHECK(count_cr(b->data, b->data_len) == b->count, "data field count");
    FUZZ_CHECK(count_cr(b->ids, b->ids_len) == b->count, "ids field count");
    size_t first_len;
    const char *first = nth_field(b->names, b->names_len, 0, &first_len);
    FUZZ_CHECK(first_len == b->first_name_len, "first_name_len");
    int same = 1, any_id = 0, any_retry = 0;
    for (size_t i = 0; i < b->count; i++) {
        const char *fields[3];
        size_t lens[3];
        fields[0] = nth_field(b->names, b->names_len, i, &lens[0]);
        fields[1] = nth_field(b->data, b->data_len, i, &lens[1]);
        fields[2] = nth_field(b->ids, b->ids_len, i, &lens[2]);
        FUZZ_CHECK(lens[0] > 0, "an event name is never empty");
        same &= lens[0] == first_len && memcmp(fields[0], first, first_len) == 0;
        any_id |= lens[2] != 0;
        any_retry |= b->retries[i] >= 0;
        FUZZ_CHECK(b->retries[i] >= -1, "retry below -1");
        for (int f = 0; f < 3; f++) {
            codex_fuzz_put(t, &lens[f], sizeof lens[f]);
            codex_fuzz_put(t, fields[f], lens[f]);
        }
        codex_fuzz_put(t, &b->retries[i], sizeof b->retries[i]);
    }
    FUZZ_CHECK(same == (b->same_name != 0), "same_name summary");
    FUZZ_CHECK(any_id == (b->any_id != 0), "any_id summary");
    FUZZ_CHECK(any_retry == (b->any_retry != 0), "any_retry summary");
    if (b->pickled)
        check_pickle(b);
}

/* Feed `stream` in pieces (cut_seed: the chunker seed; -1: one piece); returns the error code. */
static int run(const uint8_t *stream, size_t len, size_t max, int cut_seed, codex_fuzz_buf *t)
{
    codex_sse_parser *p = codex_sse_new(max);
    FUZZ_CHECK(p != NULL, "codex_sse_new");
    codex_fuzz_chunker ch;
    codex_fuzz_chunker_init(&ch, (uint8_t)(cut_seed < 0 ? 1 : cut_seed));
    codex_sse_batch b;
    int rc = 0;
    size_t pos = 0;
    do {
        size_t n = cut_seed < 0 ? len - pos : codex_fuzz_chunk(&ch);
        if (n > len - pos)
            n = len - pos;
        rc = codex_sse_feed(p, (const char *)stream + pos, n, &b);
        pos += n;
        if (rc) {
            FUZZ_CHECK(b.count == 0, "a failed feed reports no events");
            FUZZ_CHECK(codex_sse_feed(p, "data: x\n\n", 9, &b) == rc, "a failed parser fails");
            break;
        }
        take(&b, t);
    } while (pos < len);
    codex_sse_free(p);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    size_t max = (size_t)data[0] * 4;
    codex_fuzz_buf chunked = {0}, bytewise = {0}, whole = {0};
    int rc_chunked = run(data + 2, size - 2, max, data[1], &chunked);
    int rc_bytewise = run(data + 2, size - 2, max, 0, &bytewise);
    int rc_whole = run(data + 2, size - 2, max, -1, &whole);
    FUZZ_CHECK((rc_chunked != 0) == (rc_whole != 0) && (rc_bytewise != 0) == (rc_whole != 0),
               "the error depends on the chunking");
    if (rc_whole == 0) {
        FUZZ_CHECK(codex_fuzz_equal(&chunked, &whole), "chunked events differ from whole");
        FUZZ_CHECK(codex_fuzz_equal(&bytewise, &whole), "byte-wise events differ from whole");
    }
    free(chunked.ptr);
    free(bytewise.ptr);
    free(whole.ptr);
    return 0;
}
