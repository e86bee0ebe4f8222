/*
 * labcore's timing model (included by labcore.c): cycles from each core's published
 * timing table instead of one per instruction.
 *
 * Costs are split by when they are known:
 *   - static, per translated block, computed once from the Thumb code: each
 *     instruction's figure from the core's table (platforms/cores/timing/<core>.yaml),
 *     the pipelining of neighbouring loads/stores, LDM/STM/PUSH/POP at base + N,
 *     dual issue (M7), literal loads from a memory with wait states;
 *   - at the next block's start: whether the block's final conditional branch was taken
 *     (the next block does not start at the fall-through address), and the instruction
 *     fetch of the new block (wait states; the flash instruction cache, hits and misses);
 *   - at run time, from the operands: SDIV/UDIV early termination (a code hook per
 *     divide instruction, as for CCR.DIV_0_TRP).
 * With `timing instructions` the helper is never configured and every instruction
 * costs one cycle (Renode's convention).
 */

#define LC_MAX_WAIT_REGIONS 8

/* The figures of platforms/cores/timing/<core>.yaml, in lab/cores.py TIMING_FIELDS order. */
typedef struct {
    uint32_t alu, it, mul, mla, mull, mlal, div_min, div_max, load, load_pipelined, store,
        store_imm, multiple_base, branch_taken, branch_not_taken, branch_link, branch_exchange,
        load_pc_extra, table_branch, barrier, dual_issue, fp_alu, fp_mac, fp_div, fp_sqrt,
        fp_load, fp_load64, fp_store, fp_store64, fp_multiple_base, fp_move;
} lc_timing_table;

#define LC_TIMING_FIELDS (sizeof(lc_timing_table) / sizeof(uint32_t))

typedef struct {
    uint64_t base, size;
    uint32_t wait_states; /* extra cycles per 32-bit fetch from this memory */
    uint32_t cached;      /* fetches go through the instruction cache */
} lc_wait_region;

typedef struct lc_timing_s {
    /* --- shared with Python (native.Timing mirrors this prefix) --- */
    uint64_t ihit, imiss;           /* cache hits/misses (counted while profiling is on) */
    uint64_t fetch_stalls;          /* wait-state cycles of instruction fetches */
    uint64_t taken_branch_cycles;   /* refill cycles charged for taken conditional branches */
    uint64_t divide_cycles;         /* cycles divides took beyond div_min */
    int32_t icache_enabled;         /* NVMC ICACHECNF.CACHEEN (off after reset) */
    int32_t icache_profiling;       /* ICACHECNF.CACHEPROFEN: IHIT/IMISS count */
    uint32_t idle_loop_cycles;      /* one turn of the last `b .` the hook stopped at */
    uint32_t reserved;
    /* --- private --- */
    lc_timing_table t;
    lc_wait_region regions[LC_MAX_WAIT_REGIONS];
    int nregions;
    /* the previous block's final conditional branch, settled when the next one starts */
    uint64_t pending_block, pending_fallthrough;
    uint32_t pending_taken_extra;
    uint64_t block_extra; /* run-time cycles charged inside the current block (divides) */
    /* instruction cache: sets x ways tags (line number + 1, 0 = invalid), LRU stamps */
    uint32_t sets, ways, line_shift, miss_cycles;
    uint32_t *tags, *stamps, clock;
    /* the block fetched last and the fills since: a block run again before any line was
     * filled finds all its lines still there, as the most recently used of their sets */
    const lc_block_timing *last_fetched;
    uint64_t fills, fills_then;
} lc_timing;

/* ------------------------------------------------------- instruction costs */

/* What the pipeline remembers from the previous instruction of the block. */
typedef struct {
    int load_rt;       /* register the previous single load wrote, or -1 */
    int it_left;       /* instructions still covered by an IT block */
    int paired;        /* the previous ALU instruction can take a dual-issue partner */
    int kind;          /* what the instruction just costed is (LC_KIND_...) */
} lc_pipe;

enum { LC_KIND_OTHER, LC_KIND_ALU, LC_KIND_BRANCH };

/* An instruction that always changes the flow (B, BL, BX, POP {PC} ...): its figure
 * includes the refill. */
static uint32_t branch(lc_pipe *p, uint32_t cost)
{
    p->kind = LC_KIND_BRANCH;
    return cost;
}

static uint32_t bits_set(uint32_t x)
{
    uint32_t n = 0;
    for (; x; x &= x - 1)
        n++;
    return n;
}

/* A single load or store: its cost from the pipelining rule (TRM 3.3.2: a load or
 * store right after a load pipelines unless its address needs the loaded register;
 * nothing pipelines after a store). */
static uint32_t single_access(const lc_timing_table *t, lc_pipe *p, int load, int store_imm,
                              int rt, int rn, int rm)
{
    int pipelines = p->load_rt >= 0 && rn != p->load_rt && rm != p->load_rt;
    uint32_t cost = pipelines ? t->load_pipelined
                              : load ? t->load : store_imm ? t->store_imm : t->store;
    if (!load && store_imm && t->store_imm < cost)
        cost = t->store_imm;
    p->load_rt = load ? rt : -1;
    return cost;
}

/* 16-bit Thumb. `*taken` gets the extra cycles if this is a conditional branch. */
static uint32_t cost_16(const lc_timing_table *t, uint16_t hw, lc_pipe *p, uint32_t *taken)
{
    uint32_t n;
    if ((hw & 0xF800) == 0x4800) /* LDR literal */
        return single_access(t, p, 1, 0, (hw >> 8) & 7, 15, -1);
    if ((hw & 0xF000) == 0x5000) { /* register offset: STR STRH STRB LDRSB LDR LDRH LDRB LDRSH */
        int load = ((hw >> 9) & 7) >= 3;
        return single_access(t, p, load, 0, hw & 7, (hw >> 3) & 7, (hw >> 6) & 7);
    }
    if ((hw & 0xE000) == 0x6000 || (hw & 0xF000) == 0x8000) /* imm5 word, byte, halfword */
        return single_access(t, p, (hw >> 11) & 1, 1, hw & 7, (hw >> 3) & 7, -1);
    if ((hw & 0xF000) == 0x9000) /* SP-relative */
        return single_access(t, p, (hw >> 11) & 1, 1, (hw >> 8) & 7, 13, -1);
    p->load_rt = -1;
    if ((hw & 0xFFC0) == 0x4340) /* MULS */
        return t->mul;
    if ((hw & 0xFF00) == 0x4700) /* BX, BLX */
        return branch(p, t->branch_exchange);
    if ((hw & 0xFD00) == 0x4400 && ((hw & 7) | ((hw >> 4) & 8)) == 15) /* ADD/MOV PC */
        return branch(p, t->branch_exchange);
    if ((hw & 0xFE00) == 0xB400) /* PUSH */
        return t->multiple_base + bits_set(hw & 0x1FF);
    if ((hw & 0xFE00) == 0xBC00 && (hw & 0x100)) /* POP with PC: + refill */
        return branch(p, t->multiple_base + bits_set(hw & 0x1FF) + t->load_pc_extra);
    if ((hw & 0xFE00) == 0xBC00) /* POP */
        return t->multiple_base + bits_set(hw & 0xFF);
    if ((hw & 0xF000) == 0xC000) /* LDM/STM */
        return t->multiple_base + bits_set(hw & 0xFF);
    if ((hw & 0xF500) == 0xB100) { /* CBZ, CBNZ */
        *taken = t->branch_taken - t->branch_not_taken;
        return t->branch_not_taken;
    }
    if ((hw & 0xFF00) == 0xBF00 && (hw & 0xF)) { /* IT */
        n = hw & 0xF;
        p->it_left = 4 - (int)__builtin_ctz(n);
        return t->it;
    }
    if ((hw & 0xF000) == 0xD000 && ((hw >> 9) & 7) != 7) { /* B<cond> (not UDF/SVC) */
        *taken = t->branch_taken - t->branch_not_taken;
        return t->branch_not_taken;
    }
    if ((hw & 0xF800) == 0xE000) /* B */
        return branch(p, t->branch_taken);
    p->kind = LC_KIND_ALU;
    return t->alu;
}

/* Coprocessor space: the FPU (coprocessors 10 and 11); anything else costs an ALU cycle. */
static uint32_t cost_fp(const lc_timing_table *t, uint16_t hw1, uint16_t hw2)
{
    if ((hw2 & 0x0E00) != 0x0A00)
        return t->alu;
    int dbl = (hw2 >> 8) & 1;
    if ((hw1 & 0xFF20) == 0xED00) /* VSTR */
        return dbl ? t->fp_store64 : t->fp_store;
    if ((hw1 & 0xFF30) == 0xED10) /* VLDR */
        return dbl ? t->fp_load64 : t->fp_load;
    if ((hw1 & 0xFE00) == 0xEC00 && (hw1 & 0x0180)) /* VLDM/VSTM/VPUSH/VPOP: imm8 words */
        return t->fp_multiple_base + (hw2 & 0xFF);
    if ((hw1 & 0xFF00) != 0xEE00 || (hw2 & 0x10))
        return t->fp_move; /* VMOV core <-> FP, VMRS, VMSR */
    switch (hw1 & 0xFFB0) {
    case 0xEE00: case 0xEE10: case 0xEE90: case 0xEEA0:
        return t->fp_mac; /* VMLA VMLS VNMLA VNMLS VFNMA VFNMS VFMA VFMS */
    case 0xEE80:
        return t->fp_div;
    case 0xEEB0: /* VMOV imm, VABS, VNEG, VSQRT, VCVT, VCMP */
        return ((hw1 & 0xF) == 1 && (hw2 & 0xC0) == 0xC0) ? t->fp_sqrt : t->fp_alu;
    default:
        return t->fp_alu; /* VMUL VNMUL VADD VSUB */
    }
}

/* 32-bit Thumb-2. */
static uint32_t cost_32(const lc_timing_table *t, uint16_t hw1, uint16_t hw2, lc_pipe *p,
                        uint32_t *taken)
{
    if ((hw1 & 0xFE00) == 0xF800) { /* single loads and stores */
        int load = (hw1 >> 4) & 1, rn = hw1 & 15, rt = hw2 >> 12;
        int register_offset = !(hw1 & 0x80) && rn != 15 && (hw2 & 0x0FC0) == 0;
        if (load && rt == 15 && ((hw1 >> 5) & 3) == 2) { /* LDR PC */
            p->load_rt = -1;
            return branch(p, t->load + t->load_pc_extra);
        }
        if (load && rt == 15) { /* PLD/PLI and other hints */
            p->load_rt = -1;
            return t->alu;
        }
        return single_access(t, p, load, !register_offset, rt, rn,
                             register_offset ? (hw2 & 15) : -1);
    }
    if ((hw1 & 0xFE00) == 0xE800) {
        if (!(hw1 & 0x40)) { /* LDM/STM (IA, DB), PUSH.W/POP.W */
            uint32_t n = bits_set(hw2);
            int loads_pc = (hw1 & 0x10) && (hw2 & 0x8000);
            p->load_rt = -1;
            if (loads_pc)
                return branch(p, t->multiple_base + n + t->load_pc_extra);
            return t->multiple_base + n;
        }
        if ((hw1 & 0xFFF0) == 0xE8D0 && (hw2 & 0xFFE0) == 0xF000) { /* TBB, TBH */
            p->load_rt = -1;
            return branch(p, t->table_branch);
        }
        if ((hw1 & 0xFFE0) == 0xE840 || (hw1 & 0xFFE0) == 0xE8C0) /* exclusives */
            return single_access(t, p, (hw1 >> 4) & 1, 0, hw2 >> 12, hw1 & 15, -1);
        p->load_rt = -1; /* LDRD/STRD: two words, like an LDM of two */
        return t->multiple_base + 2;
    }
    p->load_rt = -1;
    if ((hw1 & 0xEC00) == 0xEC00) /* coprocessor, FPU */
        return cost_fp(t, hw1, hw2);
    if ((hw1 & 0xF800) == 0xF000 && (hw2 & 0x8000)) { /* branches, misc control */
        if ((hw2 & 0x5000) == 0x5000)
            return branch(p, t->branch_link);
        if ((hw2 & 0x5000) == 0x1000)
            return branch(p, t->branch_taken);
        if (((hw1 >> 6) & 0xE) != 0xE) { /* B<cond>.W */
            *taken = t->branch_taken - t->branch_not_taken;
            return t->branch_not_taken;
        }
        if ((hw1 & 0xFFF0) == 0xF3B0 && (hw2 & 0xFF00) == 0x8F00) /* DSB DMB ISB */
            return t->barrier;
        p->kind = LC_KIND_ALU;
        return t->alu; /* MSR, MRS, hints */
    }
    if ((hw1 & 0xFF80) == 0xFB00) { /* MUL, MLA, MLS and the DSP 32-bit multiplies */
        int accumulates = (hw2 >> 12) != 15 || ((hw1 & 0xFFF0) == 0xFB00 && (hw2 & 0xF0) == 0x10);
        return accumulates ? t->mla : t->mul;
    }
    if ((hw1 & 0xFF80) == 0xFB80) { /* long multiplies, divides */
        switch ((hw1 >> 4) & 7) {
        case 0: case 2: return t->mull;
        case 1: case 3: return t->div_min; /* + early termination, charged at run time */
        default: return t->mlal;
        }
    }
    p->kind = LC_KIND_ALU;
    return t->alu;
}

/* The cost of one instruction given the pipeline state; `*taken` gets the extra cycles a
 * taken conditional branch adds (charged when the next block shows it was taken). */
static uint32_t timing_insn_cost(const lc_timing_table *t, uint16_t hw1, uint16_t hw2,
                                 lc_pipe *p, uint32_t *taken)
{
    int in_it = p->it_left > 0;
    p->kind = LC_KIND_OTHER;
    uint32_t cost = is_32bit(hw1) ? cost_32(t, hw1, hw2, p, taken) : cost_16(t, hw1, p, taken);
    if (in_it) {
        p->it_left--;
        if (p->kind == LC_KIND_BRANCH && cost > t->branch_not_taken) {
            /* a conditional BX/POP {PC}/LDR PC: 1 cycle when skipped, the rest if taken */
            *taken = cost - t->branch_not_taken;
            cost = t->branch_not_taken;
        }
    }
    /* dual issue (M7): an ALU instruction pairs with the ALU instruction before it */
    if (t->dual_issue && p->kind == LC_KIND_ALU && cost == 1) {
        if (p->paired) {
            p->paired = 0;
            return 0;
        }
        p->paired = 1;
    } else {
        p->paired = 0;
    }
    return cost;
}

/* ------------------------------------------------------------------ memory */

static const lc_wait_region *wait_region(const lc_timing *t, uint64_t addr)
{
    for (int i = 0; i < t->nregions; i++)
        if (addr >= t->regions[i].base && addr < t->regions[i].base + t->regions[i].size)
            return &t->regions[i];
    return NULL;
}

/* A literal load (LDR Rt, [PC, #imm]) reads the memory the code is in. */
static int is_literal_load(uint16_t hw1, uint16_t hw2)
{
    (void)hw2;
    if (!is_32bit(hw1))
        return (hw1 & 0xF800) == 0x4800;
    return (hw1 & 0xFF7F) == 0xF85F || (hw1 & 0xFE7F) == 0xE85F; /* LDR.W / LDRD literal */
}

/* Instructions and static cycles of [begin, end) with the timing model; `*taken` gets the
 * taken-branch extra of the last instruction (the one that can end a block). */
static void timing_count(lc_state *s, lc_timing *tm, uc_engine *uc, uint64_t begin,
                         uint64_t end, uint32_t *insns, uint32_t *cycles, uint32_t *taken)
{
    lc_pipe pipe = {.load_rt = -1};
    const lc_wait_region *region = wait_region(tm, begin);
    uint32_t literal_wait = region ? region->wait_states : 0;
    uint32_t n = 0, total = 0, last_taken = 0;
    for (uint64_t a = begin; a < end; n++) {
        uint16_t hw1 = 0, hw2 = 0;
        read_halfword(s, uc, a, &hw1);
        if (is_32bit(hw1)) {
            read_halfword(s, uc, a + 2, &hw2);
            a += 4;
        } else {
            a += 2;
        }
        last_taken = 0;
        total += timing_insn_cost(&tm->t, hw1, hw2, &pipe, &last_taken);
        if (literal_wait && is_literal_load(hw1, hw2))
            total += literal_wait;
    }
    *insns = n;
    *cycles = total;
    if (taken)
        *taken = last_taken;
}

/* ----------------------------------------------------------- instruction cache */

/* One line fetched through the cache: 1 on a hit. Least recently used way is replaced
 * (invalid ways have stamp 0 and go first). */
static int icache_fetch_line(lc_timing *t, uint32_t line)
{
    uint32_t *tags = &t->tags[(line & (t->sets - 1)) * t->ways];
    uint32_t *stamps = &t->stamps[(line & (t->sets - 1)) * t->ways];
    uint32_t victim = 0;
    t->clock++;
    for (uint32_t w = 0; w < t->ways; w++) {
        if (tags[w] == line + 1) {
            stamps[w] = t->clock;
            return 1;
        }
        if (stamps[w] < stamps[victim])
            victim = w;
    }
    tags[victim] = line + 1;
    stamps[victim] = t->clock;
    t->fills++;
    return 0;
}

/* A block's static figures: its cycles, its final branch, what fetching it costs. */
static void timing_measure_block(lc_state *s, lc_timing *t, uc_engine *uc, lc_block *b)
{
    lc_block_timing *bt = &b->timing;
    memset(bt, 0, sizeof *bt);
    if (t->last_fetched == bt)
        t->last_fetched = NULL; /* this slot holds another block now */
    timing_count(s, t, uc, b->pc, b->pc + b->size, &b->insns, &b->cycles, &bt->taken_extra);
    const lc_wait_region *region = wait_region(t, b->pc);
    if (!region || !region->wait_states || !b->size)
        return;
    uint64_t last_byte = b->pc + b->size - 1;
    bt->waits = 1;
    bt->uncached_stall = (uint32_t)((last_byte >> 2) - (b->pc >> 2) + 1) * region->wait_states;
    bt->cached = region->cached && t->tags;
    if (bt->cached) {
        bt->first_line = (uint32_t)(b->pc >> t->line_shift);
        bt->lines = (uint16_t)((last_byte >> t->line_shift) - bt->first_line + 1);
    }
}

/* Wait-state cycles to fetch a block: per 32-bit word without the cache; with it, the
 * misses of the lines the block spans. */
static uint32_t fetch_cycles(lc_timing *t, const lc_block_timing *bt)
{
    if (!bt->waits)
        return 0;
    if (bt->cached && t->icache_enabled) {
        if (bt == t->last_fetched && t->fills == t->fills_then) { /* a loop: all hits */
            if (t->icache_profiling)
                t->ihit += bt->lines;
            return 0;
        }
        uint32_t stall = 0;
        for (uint32_t line = bt->first_line; line < bt->first_line + bt->lines; line++) {
            int hit = icache_fetch_line(t, line);
            if (t->icache_profiling) {
                t->ihit += hit;
                t->imiss += !hit;
            }
            if (!hit)
                stall += t->miss_cycles;
        }
        t->last_fetched = bt;
        t->fills_then = t->fills;
        return stall;
    }
    return bt->uncached_stall;
}

/* ------------------------------------------------------------ the hook's part */

static void charge(lc_state *s, uint64_t cycles)
{
    s->now += cycles;
    s->active_cycles += cycles;
}

/* The previous block's conditional branch: taken unless execution goes on at its
 * fall-through address. (A block cut short by a fault never reached its branch:
 * lc_rewind_to drops it.) */
static void settle_branch(lc_state *s, lc_timing *t, uint64_t next_pc)
{
    if (!t->pending_taken_extra)
        return;
    if (next_pc != t->pending_fallthrough) {
        charge(s, t->pending_taken_extra);
        t->taken_branch_cycles += t->pending_taken_extra;
    }
    t->pending_taken_extra = 0;
}

/* A block is about to run: settle the branch before it, charge its fetch (returned). */
static uint32_t timing_block_start(lc_state *s, lc_timing *t, uint64_t pc, uint32_t size,
                               const lc_block_timing *bt)
{
    settle_branch(s, t, pc);
    uint32_t stall = fetch_cycles(t, bt);
    if (stall) {
        charge(s, stall);
        t->fetch_stalls += stall;
    }
    t->pending_fallthrough = pc + size;
    t->pending_taken_extra = bt->taken_extra;
    t->block_extra = 0;
    return stall;
}

/* SDIV/UDIV early termination. Arm documents 2-12 cycles "depending on the number of
 * leading ones and zeroes in the input operands" but not the exact rule; the lab charges
 * div_min when the quotient is 0 and otherwise spreads the range over the quotient's
 * significant bits: div_min + ceil(qbits * (div_max - div_min) / 32). */
static uint32_t divide_cost(const lc_timing_table *t, uint32_t dividend, uint32_t divisor,
                            int is_signed)
{
    if (is_signed) {
        dividend = (int32_t)dividend < 0 ? 0u - dividend : dividend;
        divisor = (int32_t)divisor < 0 ? 0u - divisor : divisor;
    }
    if (divisor == 0 || dividend < divisor)
        return t->div_min;
    uint32_t qbits = (uint32_t)(__builtin_clz(divisor) - __builtin_clz(dividend)) + 1;
    uint32_t span = t->div_max - t->div_min;
    return t->div_min + (qbits * span + 31) / 32;
}

/* Called from the divide's code hook, before it runs: its operands are in the registers. */
static void timing_on_divide(lc_state *s, lc_timing *t, uc_engine *uc, uint16_t hw1,
                             uint16_t hw2)
{
    static const int ids[16] = {
        UC_ARM_REG_R0, UC_ARM_REG_R1, UC_ARM_REG_R2,  UC_ARM_REG_R3,
        UC_ARM_REG_R4, UC_ARM_REG_R5, UC_ARM_REG_R6,  UC_ARM_REG_R7,
        UC_ARM_REG_R8, UC_ARM_REG_R9, UC_ARM_REG_R10, UC_ARM_REG_R11,
        UC_ARM_REG_R12, UC_ARM_REG_SP, UC_ARM_REG_LR, UC_ARM_REG_PC};
    uint32_t dividend = 0, divisor = 0;
    uc_reg_read(uc, ids[hw1 & 15], &dividend);
    uc_reg_read(uc, ids[hw2 & 15], &divisor);
    uint32_t extra = divide_cost(&t->t, dividend, divisor, (hw1 & 0xFFF0) == 0xFB90) -
                     t->t.div_min;
    charge(s, extra);
    t->block_extra += extra;
    t->divide_cycles += extra;
}

/* ------------------------------------------------------------------ set-up */

static void timing_free(lc_timing *t)
{
    if (!t)
        return;
    free(t->tags);
    free(t->stamps);
    free(t);
}

/* Turn the model on with a core's table (`n` figures in lc_timing_table order). */
int lc_timing_configure(lc_state *s, const uint32_t *figures, uint32_t n)
{
    if (n != LC_TIMING_FIELDS)
        return -1;
    if (!s->timing && !(s->timing = calloc(1, sizeof(lc_timing))))
        return -2;
    memcpy(&s->timing->t, figures, sizeof(lc_timing_table));
    return 0;
}

int lc_timing_add_wait_region(lc_state *s, uint64_t base, uint64_t size, uint32_t wait_states,
                              uint32_t cached)
{
    lc_timing *t = s->timing;
    if (!t || t->nregions >= LC_MAX_WAIT_REGIONS)
        return -1;
    t->regions[t->nregions++] = (lc_wait_region){base, size, wait_states, cached};
    return 0;
}

/* An instruction cache of `sets` x `ways` lines of 2^line_shift bytes (sets a power of 2). */
int lc_timing_icache(lc_state *s, uint32_t sets, uint32_t ways, uint32_t line_shift,
                     uint32_t miss_cycles)
{
    lc_timing *t = s->timing;
    if (!t || !sets || (sets & (sets - 1)) || !ways)
        return -1;
    free(t->tags);
    free(t->stamps);
    t->tags = calloc((size_t)sets * ways, sizeof(uint32_t));
    t->stamps = calloc((size_t)sets * ways, sizeof(uint32_t));
    if (!t->tags || !t->stamps)
        return -2;
    t->sets = sets;
    t->ways = ways;
    t->line_shift = line_shift;
    t->miss_cycles = miss_cycles;
    return 0;
}

/* ICACHECNF.CACHEEN: disabling invalidates every line. */
void lc_timing_icache_enable(lc_state *s, int32_t enabled)
{
    lc_timing *t = s->timing;
    if (!t)
        return;
    if (!enabled && t->tags) {
        memset(t->tags, 0, (size_t)t->sets * t->ways * sizeof(uint32_t));
        memset(t->stamps, 0, (size_t)t->sets * t->ways * sizeof(uint32_t));
    }
    t->last_fetched = NULL;
    t->icache_enabled = enabled;
}

/* Python's view of the counters (NULL while the model is off). */
lc_timing *lc_timing_state(lc_state *s) { return s->timing; }

size_t lc_timing_prefix_size(void) { return offsetof(lc_timing, t); }

/* Before an exception entry at `return_address`: settle the last block's branch. */
void lc_timing_settle(lc_state *s, uint64_t return_address)
{
    if (s->timing)
        settle_branch(s, s->timing, return_address);
}

/* ---------------------------------------------------------------- snapshots */

/* A machine snapshot carries the model's state: counters, the branch still to settle, the
 * instruction cache's lines (its tags and LRU stamps). 0 bytes while the model is off. */
size_t lc_timing_snapshot_size(const lc_state *s)
{
    const lc_timing *t = s->timing;
    return t ? sizeof(lc_timing) + 2 * (size_t)t->sets * t->ways * sizeof(uint32_t) : 0;
}

void lc_timing_snapshot_save(const lc_state *s, void *out)
{
    const lc_timing *t = s->timing;
    if (!t)
        return;
    size_t lines = t->tags ? (size_t)t->sets * t->ways * sizeof(uint32_t) : 0;
    memcpy(out, t, sizeof *t);
    if (lines) {
        memcpy((char *)out + sizeof *t, t->tags, lines);
        memcpy((char *)out + sizeof *t + lines, t->stamps, lines);
    }
}

int lc_timing_snapshot_load(lc_state *s, const void *in)
{
    lc_timing *t = s->timing;
    if (!t)
        return 1;
    uint32_t *tags = t->tags, *stamps = t->stamps;
    size_t lines = tags ? (size_t)t->sets * t->ways * sizeof(uint32_t) : 0;
    memcpy(t, in, sizeof *t);
    t->tags = tags; /* this machine's own tables, filled from the snapshot */
    t->stamps = stamps;
    t->last_fetched = NULL;
    if (lines) {
        memcpy(tags, (const char *)in + sizeof *t, lines);
        memcpy(stamps, (const char *)in + sizeof *t + lines, lines);
    }
    return 0;
}
