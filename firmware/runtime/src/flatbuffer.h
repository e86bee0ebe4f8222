/* A bounds-checked FlatBuffers reader that works in place.
 *
 * Every access applies the checks of flatbuffers::Verifier (tflite.md sec. 1)
 * before reading: offsets in range, aligned and non-zero, vtables inside the
 * buffer, vectors and strings fully inside, scalars aligned. A failed check
 * never reads out of bounds: it marks the reader failed (sticky) and returns
 * an absent value, so a caller can read a whole table and test `failed` once.
 */
#ifndef LABRT_FLATBUFFER_H
#define LABRT_FLATBUFFER_H

#include <stdint.h>

typedef struct {
    const uint8_t *base;
    uint32_t size;
    int failed;
} fb_reader;

/* A table; pos == 0 means absent (offset 0 holds the root offset, never a table). */
typedef struct {
    uint32_t pos;
    uint32_t vtable;
    uint32_t vtable_size;
} fb_table;

/* A vector: `pos` is its first element; absent vectors have count 0. */
typedef struct {
    uint32_t pos;
    uint32_t count;
} fb_vector;

/* Checks the size limits; returns 0 if the buffer cannot be a flatbuffer. */
int labrt_fb_open(fb_reader *r, const uint8_t *base, uint32_t size);
fb_table labrt_fb_root(fb_reader *r);
/* Verifies the table starting at pos (pos as stored in a fb_table). */
fb_table labrt_fb_table_at(fb_reader *r, uint32_t pos);

int labrt_fb_has_field(fb_reader *r, fb_table t, unsigned field);
uint8_t labrt_fb_u8(fb_reader *r, fb_table t, unsigned field, uint8_t fallback);
int32_t labrt_fb_i32(fb_reader *r, fb_table t, unsigned field, int32_t fallback);
uint32_t labrt_fb_u32(fb_reader *r, fb_table t, unsigned field, uint32_t fallback);
float labrt_fb_f32(fb_reader *r, fb_table t, unsigned field, float fallback);
uint64_t labrt_fb_u64(fb_reader *r, fb_table t, unsigned field, uint64_t fallback);

fb_table labrt_fb_table_field(fb_reader *r, fb_table t, unsigned field);
fb_vector labrt_fb_vector_field(fb_reader *r, fb_table t, unsigned field, uint32_t elem_size);
/* A NUL-terminated string in the buffer, or NULL if absent or malformed. */
const char *labrt_fb_string_field(fb_reader *r, fb_table t, unsigned field);

fb_table labrt_fb_vector_table(fb_reader *r, fb_vector v, uint32_t index);
int32_t labrt_fb_vector_i32(fb_reader *r, fb_vector v, uint32_t index);
float labrt_fb_vector_f32(fb_reader *r, fb_vector v, uint32_t index);
int64_t labrt_fb_vector_i64(fb_reader *r, fb_vector v, uint32_t index);

/* Little-endian loads that work at any address. */
uint32_t labrt_fb_load_u32(const uint8_t *p);

#endif
