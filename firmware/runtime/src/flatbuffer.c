/* Bounds-checked FlatBuffers access; see flatbuffer.h. */
#include "flatbuffer.h"

#include <string.h>

#define FB_MIN_SIZE 12u           /* root offset + soffset + 2 vtable fields */
#define FB_MAX_SIZE 0x7FFFFFFFu   /* 2^31 - 1: offsets are signed 32-bit */

uint32_t labrt_fb_load_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
           ((uint32_t)p[3] << 24);
}

static uint16_t load_u16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static uint64_t load_u64(const uint8_t *p)
{
    return (uint64_t)labrt_fb_load_u32(p) | ((uint64_t)labrt_fb_load_u32(p + 4) << 32);
}

static int fail(fb_reader *r)
{
    r->failed = 1;
    return 0;
}

/* `bytes` bytes at `pos` are inside the buffer and `pos` is aligned to `align`. */
static int in_range(fb_reader *r, uint64_t pos, uint64_t bytes, uint32_t align)
{
    if (pos + bytes > r->size || pos % align != 0)
        return fail(r);
    return 1;
}

int labrt_fb_open(fb_reader *r, const uint8_t *base, uint32_t size)
{
    r->base = base;
    r->size = size;
    r->failed = 0;
    if (base == NULL || size < FB_MIN_SIZE || size >= FB_MAX_SIZE)
        return fail(r);
    return 1;
}

/* Follows the uoffset stored at pos; returns the target position, 0 on failure. */
static uint32_t follow(fb_reader *r, uint32_t pos)
{
    uint32_t value;
    if (!in_range(r, pos, 4, 4))
        return 0;
    value = labrt_fb_load_u32(r->base + pos);
    if (value == 0 || value >= 0x80000000u || (uint64_t)pos + value >= r->size)
        return (uint32_t)fail(r);
    return pos + value;
}

fb_table labrt_fb_table_at(fb_reader *r, uint32_t pos)
{
    fb_table absent = {0, 0, 0};
    fb_table t;
    int64_t vtable;
    if (pos == 0 || !in_range(r, pos, 4, 4))
        return absent;
    vtable = (int64_t)pos - (int32_t)labrt_fb_load_u32(r->base + pos);
    if (vtable < 0 || !in_range(r, (uint64_t)vtable, 2, 2))
        return absent;
    t.pos = pos;
    t.vtable = (uint32_t)vtable;
    t.vtable_size = load_u16(r->base + t.vtable);
    if ((t.vtable_size & 1u) != 0 || !in_range(r, t.vtable, t.vtable_size, 1)) {
        fail(r);
        return absent;
    }
    return t;
}

fb_table labrt_fb_root(fb_reader *r)
{
    fb_table absent = {0, 0, 0};
    uint32_t pos = follow(r, 0);
    return pos ? labrt_fb_table_at(r, pos) : absent;
}

/* Position of a present field holding `size` bytes, 0 if absent or bad. */
static uint32_t field_pos(fb_reader *r, fb_table t, unsigned field, uint32_t size)
{
    uint32_t slot = 4u + 2u * field;
    uint16_t offset;
    if (t.pos == 0 || slot + 2u > t.vtable_size)
        return 0;
    offset = load_u16(r->base + t.vtable + slot);
    if (offset == 0)
        return 0;
    if (!in_range(r, (uint64_t)t.pos + offset, size, size))
        return 0;
    return t.pos + offset;
}

int labrt_fb_has_field(fb_reader *r, fb_table t, unsigned field)
{
    uint32_t slot = 4u + 2u * field;
    return t.pos != 0 && slot + 2u <= t.vtable_size &&
           load_u16(r->base + t.vtable + slot) != 0;
}

uint8_t labrt_fb_u8(fb_reader *r, fb_table t, unsigned field, uint8_t fallback)
{
    uint32_t pos = field_pos(r, t, field, 1);
    return pos ? r->base[pos] : fallback;
}

uint32_t labrt_fb_u32(fb_reader *r, fb_table t, unsigned field, uint32_t fallback)
{
    uint32_t pos = field_pos(r, t, field, 4);
    return pos ? labrt_fb_load_u32(r->base + pos) : fallback;
}

int32_t labrt_fb_i32(fb_reader *r, fb_table t, unsigned field, int32_t fallback)
{
    return (int32_t)labrt_fb_u32(r, t, field, (uint32_t)fallback);
}

float labrt_fb_f32(fb_reader *r, fb_table t, unsigned field, float fallback)
{
    uint32_t pos = field_pos(r, t, field, 4);
    uint32_t bits;
    float value;
    if (!pos)
        return fallback;
    bits = labrt_fb_load_u32(r->base + pos);
    memcpy(&value, &bits, sizeof value);
    return value;
}

uint64_t labrt_fb_u64(fb_reader *r, fb_table t, unsigned field, uint64_t fallback)
{
    uint32_t pos = field_pos(r, t, field, 8);
    return pos ? load_u64(r->base + pos) : fallback;
}

fb_table labrt_fb_table_field(fb_reader *r, fb_table t, unsigned field)
{
    fb_table absent = {0, 0, 0};
    uint32_t pos = field_pos(r, t, field, 4);
    return pos ? labrt_fb_table_at(r, follow(r, pos)) : absent;
}

/* The vector whose length prefix is at `pos`. */
static fb_vector vector_at(fb_reader *r, uint32_t pos, uint32_t elem_size)
{
    fb_vector absent = {0, 0};
    fb_vector v;
    uint32_t count;
    if (pos == 0 || !in_range(r, pos, 4, 4))
        return absent;
    count = labrt_fb_load_u32(r->base + pos);
    if (count >= FB_MAX_SIZE / elem_size || !in_range(r, pos, 4u + (uint64_t)count * elem_size, 1))
        return absent;
    v.pos = pos + 4u;
    v.count = count;
    return v;
}

fb_vector labrt_fb_vector_field(fb_reader *r, fb_table t, unsigned field, uint32_t elem_size)
{
    fb_vector absent = {0, 0};
    uint32_t pos = field_pos(r, t, field, 4);
    return pos ? vector_at(r, follow(r, pos), elem_size) : absent;
}

const char *labrt_fb_string_field(fb_reader *r, fb_table t, unsigned field)
{
    uint32_t pos = field_pos(r, t, field, 4);
    fb_vector bytes;
    uint32_t end;
    if (!pos)
        return NULL;
    pos = follow(r, pos);
    bytes = vector_at(r, pos, 1);
    if (pos == 0 || bytes.pos == 0)
        return NULL;
    end = bytes.pos + bytes.count;
    if (end >= r->size || r->base[end] != 0) {
        fail(r);
        return NULL;
    }
    return (const char *)(r->base + bytes.pos);
}

/* Position of element `index` of `elem_size` bytes, 0 if out of range. */
static uint32_t element_pos(fb_reader *r, fb_vector v, uint32_t index, uint32_t elem_size)
{
    if (index >= v.count)
        return (uint32_t)fail(r);
    return v.pos + index * elem_size;
}

fb_table labrt_fb_vector_table(fb_reader *r, fb_vector v, uint32_t index)
{
    fb_table absent = {0, 0, 0};
    uint32_t pos = element_pos(r, v, index, 4);
    return pos ? labrt_fb_table_at(r, follow(r, pos)) : absent;
}

int32_t labrt_fb_vector_i32(fb_reader *r, fb_vector v, uint32_t index)
{
    uint32_t pos = element_pos(r, v, index, 4);
    return pos ? (int32_t)labrt_fb_load_u32(r->base + pos) : 0;
}

float labrt_fb_vector_f32(fb_reader *r, fb_vector v, uint32_t index)
{
    uint32_t pos = element_pos(r, v, index, 4);
    uint32_t bits = pos ? labrt_fb_load_u32(r->base + pos) : 0;
    float value;
    memcpy(&value, &bits, sizeof value);
    return value;
}

int64_t labrt_fb_vector_i64(fb_reader *r, fb_vector v, uint32_t index)
{
    uint32_t pos = element_pos(r, v, index, 8);
    return pos ? (int64_t)load_u64(r->base + pos) : 0;
}
