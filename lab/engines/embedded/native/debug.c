/*
 * The debugger's part of labcore (included by labcore.c): resuming inside a block with
 * the counts of a run that never stopped there, and watchpoints.
 */
#define LC_MAX_WATCHPOINTS 16
#define LC_WATCH_WRITE 1
#define LC_WATCH_READ 2

typedef struct {
    uint64_t address, length;
    int kinds; /* LC_WATCH_WRITE and/or LC_WATCH_READ */
} lc_watchpoint;

/* A stop inside a block: the block, its counters at its start and its figures. */
typedef struct {
    int armed;
    uint64_t pc, block_pc, block_now, block_active, block_instructions;
    uint32_t block_size, block_insns, block_cycles, taken_extra, index;
} lc_resume;

struct lc_debug {
    lc_resume resume;
    lc_watchpoint points[LC_MAX_WATCHPOINTS];
    int count;
    int skip_armed;    /* the instruction the CPU resumes at does not stop again */
    uint64_t skip_pc;
    uint64_t hit_pc, hit_address; /* the last watchpoint stop: instruction, data address */
    int hit_kind;                 /* LC_WATCH_WRITE or LC_WATCH_READ */
};

static struct lc_debug *debug_state(lc_state *s)
{
    if (!s->debug)
        s->debug = (struct lc_debug *)calloc(1, sizeof *s->debug);
    return s->debug;
}

/* ---------------------------------------------------- resuming inside a block */

/* The debugger stopped the core at `pc` inside the current block (a breakpoint, a step,
 * a watchpoint) and rewound the counters to it. When the core resumes there, Unicorn
 * starts a new block at `pc`: costed on its own, its first instructions would lose their
 * pipelining with the ones before, and its fetch would be charged a second time. So the
 * rest of the block runs as the block it was: the whole block's counts, as in a run
 * that never stopped. */
void lc_resume_inside(lc_state *s, uc_engine *uc, uint64_t pc)
{
    struct lc_debug *d = debug_state(s);
    if (!d)
        return;
    d->resume.armed = 0;
    if (pc < s->block_pc || pc >= s->block_pc + s->block_size)
        return;
    lc_block *b = lookup_block(s, uc, s->block_pc, s->block_size);
    uint32_t before = 0, cycles = 0;
    count_code(s, uc, s->block_pc, pc, &before, &cycles);
    d->resume = (lc_resume){.armed = 1, .pc = pc, .block_pc = s->block_pc,
                            .block_now = s->block_now, .block_active = s->block_active,
                            .block_instructions = s->block_instructions,
                            .block_size = s->block_size, .block_insns = b->insns,
                            .block_cycles = b->cycles, .taken_extra = b->timing.taken_extra,
                            .index = before};
}

/* Where the rest of a stopped block will resume, or UINT64_MAX. */
uint64_t lc_resume_pc(const lc_state *s)
{
    return s->debug && s->debug->resume.armed ? s->debug->resume.pc : UINT64_MAX;
}

/* Called by the block hook first: 1 when the block is the rest of the stopped one, now
 * counted as that block. A plain run has no block boundary there, so no deadline or
 * unmask check either: the engine runs it before it fires events or takes exceptions. */
static int resume_block(lc_state *s, uint64_t pc, uint32_t size)
{
    lc_resume *r = &s->debug->resume;
    if (!r->armed)
        return 0;
    r->armed = 0;
    if (pc != r->pc || pc + size != r->block_pc + r->block_size)
        return 0; /* the core went elsewhere (an exception, a changed PC) */
    uint64_t extra = s->timing ? s->timing->block_extra : 0; /* divides already run */
    s->block_pc = r->block_pc;
    s->block_size = r->block_size;
    s->block_insns = r->block_insns;
    s->block_now = r->block_now;
    s->block_active = r->block_active;
    s->block_instructions = r->block_instructions;
    s->blocks++;
    s->access_block = s->blocks; /* MMIO accesses come from `pc` on */
    s->access_index = (int32_t)r->index - 1;
    s->access_addr = 0;
    s->now = r->block_now + r->block_cycles + extra;
    s->active_cycles = r->block_active + r->block_cycles + extra;
    s->instructions = r->block_instructions + r->block_insns;
    if (s->timing) {
        s->timing->pending_fallthrough = r->block_pc + r->block_size;
        s->timing->pending_taken_extra = r->taken_extra;
    }
    return 1;
}

/* ------------------------------------------------------------------ watchpoints */

/*
 * GDB's Z2/Z3/Z4: while at least one is set, a code hook on every instruction decodes
 * each load and store (decode_access_16/32, as the alignment check does) and compares
 * the bytes it would touch with the watched ranges; a match stops the CPU before the
 * instruction runs (LC_STOP_WATCHPOINT: nothing written; the engine rewinds the counters
 * to it), as GDB expects on ARM, whose watchpoints it steps over. No memory hooks: in
 * Unicorn 2.1.4 one firing inside an IT block corrupts the IT state (see
 * lc_alignment_hook). Without watchpoints the hook does not exist and costs nothing.
 * Only the core's own accesses are seen (as by the DWT's comparators): not exception
 * stacking done by the engine, not peripherals' DMA.
 */

/* Stores and loads, by their encoding (ARMv7-M A5.2, A5.3): 32-bit ones have L in
 * bit 4 of the first halfword; memory hints (PLD, PLI: loads to PC) access nothing. */
static int access_kind_32(uint16_t hw1, uint16_t hw2)
{
    if (!(hw1 & 0x10))
        return LC_WATCH_WRITE;
    int single_narrow = (hw1 & 0xFE00) == 0xF800 && ((hw1 >> 5) & 3) < 2;
    return single_narrow && (hw2 >> 12) == 15 ? 0 : LC_WATCH_READ;
}

static int access_kind_16(uint16_t hw)
{
    if ((hw & 0xF800) == 0x4800) /* LDR literal */
        return LC_WATCH_READ;
    if ((hw & 0xF000) == 0x5000) /* register offset: STR, STRH, STRB, then the loads */
        return ((hw >> 9) & 7) < 3 ? LC_WATCH_WRITE : LC_WATCH_READ;
    if ((hw & 0xFE00) == 0xB400) /* PUSH */
        return LC_WATCH_WRITE;
    if ((hw & 0xFE00) == 0xBC00) /* POP */
        return LC_WATCH_READ;
    return (hw & 0x0800) ? LC_WATCH_READ : LC_WATCH_WRITE; /* imm5, SP-relative, LDM/STM */
}

static const lc_watchpoint *watch_match(const struct lc_debug *d, const lc_access *x, int kind)
{
    for (int i = 0; i < d->count; i++) {
        const lc_watchpoint *p = &d->points[i];
        if ((p->kinds & kind) && x->ea < p->address + p->length && p->address < x->ea + x->bytes)
            return p;
    }
    return NULL;
}

void lc_watch_hook(uc_engine *uc, uint64_t address, uint32_t size, void *user)
{
    lc_state *s = (lc_state *)user;
    struct lc_debug *d = s->debug;
    (void)size;
    if (!d || s->stop_reason != LC_STOP_NONE)
        return;
    if (d->skip_armed) {
        d->skip_armed = 0;
        if (address == d->skip_pc)
            return;
    }
    uint16_t hw1, hw2;
    lc_access x;
    if (!decode_access_at(s, uc, address, &hw1, &hw2, &x))
        return;
    int kind = is_32bit(hw1) ? access_kind_32(hw1, hw2) : access_kind_16(hw1);
    const lc_watchpoint *p = kind ? watch_match(d, &x, kind) : NULL;
    if (!p)
        return;
    d->hit_pc = address;
    d->hit_address = x.ea > p->address ? x.ea : p->address; /* inside both ranges */
    d->hit_kind = kind;
    stop(s, uc, LC_STOP_WATCHPOINT);
}

/* The watched ranges: `kinds[i]` of LC_WATCH_WRITE/READ. Returns -1 if too many. */
int lc_watch_set(lc_state *s, const uint64_t *addresses, const uint64_t *lengths,
                 const int32_t *kinds, int count)
{
    struct lc_debug *d = debug_state(s);
    if (!d || count > LC_MAX_WATCHPOINTS)
        return -1;
    for (int i = 0; i < count; i++)
        d->points[i] = (lc_watchpoint){addresses[i], lengths[i], kinds[i]};
    d->count = count;
    return 0;
}

/* The next instruction to run, if at `pc`, runs without stopping at a watchpoint
 * (resuming after a watchpoint stop). */
void lc_watch_resume_at(lc_state *s, uint64_t pc)
{
    if (s->debug) {
        s->debug->skip_armed = 1;
        s->debug->skip_pc = pc;
    }
}

/* The last watchpoint stop: returns its kind, with the instruction and data address. */
int lc_watch_hit(const lc_state *s, uint64_t *pc, uint64_t *address)
{
    if (!s->debug)
        return 0;
    *pc = s->debug->hit_pc;
    *address = s->debug->hit_address;
    return s->debug->hit_kind;
}

int lc_install_watch_hook(lc_state *s, uc_engine *uc, uc_hook *handle)
{
    return uc_hook_add(uc, handle, UC_HOOK_CODE, (void *)lc_watch_hook, s, 1, 0);
}
