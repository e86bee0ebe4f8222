/*
 * labcore: the embedded engine's native helper.
 *
 * Unicorn calls lc_block_hook at the start of every translated block. Doing that
 * work in Python would cost ~100x (see DESIGN.md), so everything that runs per
 * block lives here:
 *   - exact instruction and cycle counting (a block's counts are added when it
 *     starts; a per-block cache holds them, computed once from the Thumb code),
 *   - virtual time and the deadline of the next scheduled event: the CPU stops at
 *     the first block boundary at or after the deadline,
 *   - spotting `b .` self-loops (provably idle: the lab fast-forwards them),
 *   - watching PRIMASK/BASEPRI/FAULTMASK while a pending exception is masked,
 *   - an optional per-block execution histogram for profiling.
 * Two traps of the core that Unicorn does not take are checked here too, each by a
 * hook that exists only while it is needed: unaligned accesses (CCR.UNALIGN_TRP, or
 * always with strict alignment) and divisions by zero (CCR.DIV_0_TRP). A debugger's
 * watchpoints use the same kind of hook (debug.c).
 * Python reads and writes the lc_state fields directly (layout mirrored in
 * native/__init__.py, checked against lc_state_prefix_size()), and asks here where
 * inside the current block an MMIO access came from, so peripherals see the exact
 * virtual time of the accessing instruction.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unicorn/unicorn.h>

#define LC_MAX_REGIONS 8
#define LC_CACHE_SIZE (1u << 16)
#define LC_MAX_BLOCK_INSNS 1024

enum {
    LC_STOP_NONE = 0,
    LC_STOP_DEADLINE = 1,  /* now >= deadline at a block boundary */
    LC_STOP_IDLE_LOOP = 2, /* the next block is a branch to itself */
    LC_STOP_UNMASKED = 3,  /* a pending exception just became unmasked */
    LC_STOP_UNALIGNED = 4, /* an access the core traps as UNALIGNED (fault_pc, fault_address) */
    LC_STOP_DIVBYZERO = 5, /* SDIV/UDIV by zero with CCR.DIV_0_TRP set (fault_pc) */
    LC_STOP_HOOK_DIVIDES = 6, /* the next block divides: hook its divisions first */
    LC_STOP_STACK_OVERFLOW = 7, /* the next block would take the main stack below its
                                   limit (fault_pc: the block, fault_address: the SP) */
    LC_STOP_WATCHPOINT = 8, /* the next instruction accesses a watched range (debug.c) */
};

typedef struct lc_stack_watch lc_stack_watch;
struct lc_debug;

typedef struct {
    uint64_t base, size;
    const uint8_t *host;
} lc_region;

/* The timing model's figures for one block (timing.c), computed when it is measured. */
typedef struct {
    uint32_t taken_extra;    /* cycles its final branch adds when taken */
    uint32_t uncached_stall; /* wait states of fetching it without the cache */
    uint32_t first_line;     /* the cache lines it spans */
    uint16_t lines;
    uint8_t waits;           /* it sits in memory with wait states */
    uint8_t cached;          /* ... behind the instruction cache */
} lc_block_timing;

typedef struct {
    uint64_t pc;
    uint32_t size;
    uint32_t insns;
    uint32_t cycles;
    uint32_t idle_loop;
    uint32_t divides;        /* SDIV/UDIV instructions in the block */
    uint32_t divides_hooked; /* ... and each has its division-by-zero hook */
    lc_block_timing timing;
    uint32_t stack_drop;     /* the most the block lowers SP below its entry value */
} lc_block;

typedef struct {
    uint64_t pc;
    uint64_t count;   /* executions of the block */
    uint64_t cycles;  /* cycles spent in it */
    uint64_t instructions; /* instructions it executed */
} lc_profile_entry;

typedef struct {
    /* --- shared with Python (native.py mirrors this prefix) --- */
    uint64_t now;           /* virtual time in core clock cycles, sleep included */
    uint64_t active_cycles; /* cycles the core executed (DWT CYCCNT source) */
    uint64_t instructions;  /* instructions executed */
    uint64_t deadline;      /* stop at the first block boundary with now >= deadline */
    uint64_t blocks;        /* blocks started (a sequence number) */
    uint64_t block_pc;      /* the block now running, and the counters at its start */
    uint64_t block_now;
    uint64_t block_active;
    uint64_t block_instructions;
    uint32_t block_size;
    uint32_t block_insns;
    int32_t stop_reason;
    int32_t watch_unmask;     /* 1 while a pending exception is masked */
    int32_t pending_priority; /* its group priority */
    int32_t active_priority;  /* execution priority from active exceptions alone */
    uint32_t basepri_mask;    /* keeps the group-priority bits of BASEPRI */
    int32_t profiling;        /* 1: count executions per block */
    int32_t unalign_trp;      /* CCR.UNALIGN_TRP: halfword and word accesses trap unaligned */
    int32_t div_0_trp;        /* CCR.DIV_0_TRP: SDIV/UDIV by zero trap */
    uint64_t fault_pc;        /* the trapping instruction (LC_STOP_UNALIGNED, _DIVBYZERO) */
    uint64_t fault_address;   /* the address it accessed (LC_STOP_UNALIGNED) */
    /* --- private --- */
    lc_region regions[LC_MAX_REGIONS];
    int nregions;
    lc_block *cache;
    lc_profile_entry *profile;
    uint32_t profile_size;
    /* which instruction of the current block made the last MMIO access */
    uint64_t access_block;
    int32_t access_index;
    uint64_t access_addr;
    /* division-by-zero hooks: the block that stopped for them, and the addresses hooked */
    uint64_t divides_block_pc;
    uint32_t divides_block_size;
    uint64_t *divide_pcs;
    uc_hook *divide_hooks;
    uint32_t ndivides, divides_capacity;
    struct lc_timing_s *timing; /* the timing model (timing.c); NULL: 1 cycle/instruction */
    lc_stack_watch *stack;   /* NULL unless the stack high-water mark is watched */
    uint64_t stack_return_pc; /* where the innermost watched call returns (or UINT64_MAX) */
    struct lc_debug *debug;   /* a debugger's state (debug.c), NULL until one sets it */
} lc_state;

/* Python checks its mirror of the shared prefix against this size when it loads. */
size_t lc_state_prefix_size(void) { return offsetof(lc_state, regions); }

/* ------------------------------------------------------------ snapshots */

/* A machine snapshot keeps lc_state's shared prefix, byte for byte: every counter, flag
 * and timing quantity a run's future depends on. What follows the prefix is rebuilt on
 * demand (the block cache, the division hooks) or belongs to the host (regions,
 * profiling tables). State a new model adds that must survive a snapshot goes into the
 * prefix: it is then saved and restored with no other change. */
size_t lc_snapshot_size(void) { return offsetof(lc_state, regions); }

void lc_snapshot_save(const lc_state *s, void *out) { memcpy(out, s, lc_snapshot_size()); }

void lc_snapshot_load(lc_state *s, const void *in) { memcpy(s, in, lc_snapshot_size()); }

/* ------------------------------------------------------------------ code */

static const uint8_t *host_ptr(lc_state *s, uint64_t addr, uint64_t len)
{
    for (int i = 0; i < s->nregions; i++) {
        lc_region *r = &s->regions[i];
        if (addr >= r->base && addr + len <= r->base + r->size)
            return r->host + (addr - r->base);
    }
    return NULL;
}

static int read_halfword(lc_state *s, uc_engine *uc, uint64_t addr, uint16_t *out)
{
    const uint8_t *p = host_ptr(s, addr, 2);
    if (p) {
        *out = (uint16_t)(p[0] | (p[1] << 8));
        return 1;
    }
    return uc && uc_mem_read(uc, addr, out, 2) == UC_ERR_OK;
}

/* A halfword whose bits [15:11] are 0b11101, 0b11110 or 0b11111 starts a 32-bit
 * Thumb-2 instruction; anything else is 16-bit. */
static int is_32bit(uint16_t hw)
{
    uint16_t top = hw >> 11;
    return top == 0x1D || top == 0x1E || top == 0x1F;
}

#include "timing.c"

/* Cycles of one instruction without the timing model: one (Renode's convention). */
static uint32_t insn_cycles(uint16_t hw1, uint16_t hw2)
{
    (void)hw1;
    (void)hw2;
    return 1;
}

/* Instructions and cycles of the straight-line Thumb code in [begin, end). */
static void count_code(lc_state *s, uc_engine *uc, uint64_t begin, uint64_t end,
                       uint32_t *insns, uint32_t *cycles)
{
    if (s->timing) {
        timing_count(s, s->timing, uc, begin, end, insns, cycles, NULL);
        return;
    }
    uint32_t n = 0, total = 0;
    for (uint64_t a = begin; a < end; n++) {
        uint16_t hw1 = 0, hw2 = 0;
        read_halfword(s, uc, a, &hw1);
        if (is_32bit(hw1)) {
            read_halfword(s, uc, a + 2, &hw2);
            a += 4;
        } else {
            a += 2;
        }
        total += insn_cycles(hw1, hw2);
    }
    *insns = n;
    *cycles = total;
}

/* SDIV (0xFB9n) and UDIV (0xFBBn), second halfword 1111 dddd 1111 mmmm */
static int is_divide(uint16_t hw1, uint16_t hw2)
{
    return ((hw1 & 0xFFF0) == 0xFB90 || (hw1 & 0xFFF0) == 0xFBB0) && (hw2 & 0xF0F0) == 0xF0F0;
}

/* Calls `visit` for each divide in the Thumb code [begin, end); returns how many. */
static uint32_t find_divides(lc_state *s, uc_engine *uc, uint64_t begin, uint64_t end,
                             void (*visit)(lc_state *, uc_engine *, uint64_t))
{
    uint32_t n = 0;
    for (uint64_t a = begin; a < end;) {
        uint16_t hw1 = 0, hw2 = 0;
        read_halfword(s, uc, a, &hw1);
        if (!is_32bit(hw1)) {
            a += 2;
            continue;
        }
        read_halfword(s, uc, a + 2, &hw2);
        if (is_divide(hw1, hw2)) {
            n++;
            if (visit)
                visit(s, uc, a);
        }
        a += 4;
    }
    return n;
}

static uint32_t stack_drop(lc_state *s, uc_engine *uc, uint64_t begin, uint64_t end);
static int stack_block(lc_state *s, uc_engine *uc, uint64_t pc, const lc_block *b);
static int resume_block(lc_state *s, uint64_t pc, uint32_t size);

static void measure_block(lc_state *s, uc_engine *uc, lc_block *b)
{
    if (s->timing)
        timing_measure_block(s, s->timing, uc, b);
    else
        count_code(s, uc, b->pc, b->pc + b->size, &b->insns, &b->cycles);
    b->divides = find_divides(s, uc, b->pc, b->pc + b->size, NULL);
    b->divides_hooked = 0;
    uint16_t hw1 = 0, hw2 = 0;
    read_halfword(s, uc, b->pc, &hw1);
    read_halfword(s, uc, b->pc + 2, &hw2);
    /* `b .` (0xE7FE) or `b.w .` (0xF7FF 0xBFFE): spins until an interrupt */
    b->idle_loop = (b->size == 2 && hw1 == 0xE7FE) ||
                   (b->size == 4 && hw1 == 0xF7FF && hw2 == 0xBFFE);
    b->stack_drop = stack_drop(s, uc, b->pc, b->pc + b->size);
}

static lc_block *lookup_block(lc_state *s, uc_engine *uc, uint64_t pc, uint32_t size)
{
    lc_block *b = &s->cache[(pc >> 1) & (LC_CACHE_SIZE - 1)];
    if (b->pc != pc || b->size != size) {
        b->pc = pc;
        b->size = size;
        measure_block(s, uc, b);
    }
    return b;
}

/* --------------------------------------------------------------- masking */

static int32_t min_i32(int32_t a, int32_t b) { return a < b ? a : b; }

/* PRIMASK, BASEPRI and FAULTMASK as the core holds them. Unicorn's register API
 * follows MRS: while thread mode is unprivileged (CONTROL.nPRIV) they read as 0. Handler
 * mode is privileged, so the read is made with IPSR briefly non-zero (CONTROL and the
 * stack pointers are not touched). */
static void read_masks(uc_engine *uc, uint32_t *primask, uint32_t *basepri,
                       uint32_t *faultmask)
{
    uint32_t control = 0, ipsr = 0;
    uc_reg_read(uc, UC_ARM_REG_CONTROL, &control);
    uc_reg_read(uc, UC_ARM_REG_IPSR, &ipsr);
    int unprivileged = (control & 1) && (ipsr & 0x1FF) == 0;
    if (unprivileged) {
        uint32_t handler_mode = 3;
        uc_reg_write(uc, UC_ARM_REG_IPSR, &handler_mode);
    }
    uc_reg_read(uc, UC_ARM_REG_PRIMASK, primask);
    uc_reg_read(uc, UC_ARM_REG_FAULTMASK, faultmask);
    uc_reg_read(uc, UC_ARM_REG_BASEPRI, basepri);
    if (unprivileged)
        uc_reg_write(uc, UC_ARM_REG_IPSR, &ipsr);
}

static int pending_exception_unmasked(lc_state *s, uc_engine *uc)
{
    uint32_t primask = 0, faultmask = 0, basepri = 0;
    read_masks(uc, &primask, &basepri, &faultmask);
    int32_t priority = s->active_priority;
    if (basepri & 0xFF)
        priority = min_i32(priority, (int32_t)(basepri & s->basepri_mask));
    if (primask & 1)
        priority = min_i32(priority, 0);
    if (faultmask & 1)
        priority = min_i32(priority, -1);
    return s->pending_priority < priority;
}

/* ------------------------------------------------------------ profiling */

static void profile_block(lc_state *s, uint64_t pc, uint32_t cycles, uint32_t instructions)
{
    if (!s->profile)
        return;
    uint32_t mask = s->profile_size - 1;
    uint32_t i = (uint32_t)(pc >> 1) & mask;
    for (uint32_t probe = 0; probe < s->profile_size; probe++, i = (i + 1) & mask) {
        lc_profile_entry *e = &s->profile[i];
        if (e->count == 0 || e->pc == pc) {
            e->pc = pc;
            e->count++;
            e->cycles += cycles;
            e->instructions += instructions;
            return;
        }
    }
}

/* ------------------------------------------------------------- the hook */

static void stop(lc_state *s, uc_engine *uc, int reason)
{
    s->stop_reason = reason;
    uc_emu_stop(uc);
}

void lc_block_hook(uc_engine *uc, uint64_t pc, uint32_t size, void *user)
{
    lc_state *s = (lc_state *)user;
    if (s->stop_reason != LC_STOP_NONE)
        return; /* already stopping: this block will not run */
    if (s->debug && resume_block(s, pc, size))
        return; /* the rest of a block a debugger stopped in: no boundary of a plain run */
    if (s->now >= s->deadline) {
        stop(s, uc, LC_STOP_DEADLINE);
        return;
    }
    if (s->watch_unmask && pending_exception_unmasked(s, uc)) {
        stop(s, uc, LC_STOP_UNMASKED);
        return;
    }
    lc_block *b = lookup_block(s, uc, pc, size);
    if (b->idle_loop) {
        if (s->timing)
            s->timing->idle_loop_cycles = b->cycles;
        stop(s, uc, LC_STOP_IDLE_LOOP);
        return;
    }
    if ((s->div_0_trp || s->timing) && b->divides && !b->divides_hooked) {
        s->divides_block_pc = pc;
        s->divides_block_size = size;
        stop(s, uc, LC_STOP_HOOK_DIVIDES);
        return;
    }
    if (s->stack && (b->stack_drop || pc == s->stack_return_pc) && stack_block(s, uc, pc, b))
        return;
    uint32_t fetch_stall = s->timing ? timing_block_start(s, s->timing, pc, size, &b->timing) : 0;
    s->block_pc = pc;
    s->block_size = size;
    s->block_insns = b->insns;
    s->block_now = s->now;
    s->block_active = s->active_cycles;
    s->block_instructions = s->instructions;
    s->blocks++;
    s->now += b->cycles;
    s->active_cycles += b->cycles;
    s->instructions += b->insns;
    if (s->profiling)
        profile_block(s, pc, b->cycles + fetch_stall, b->insns);
}

/* ----------------------------------------------------- counts mid-block */

/* Counters as they were just before the instruction at `pc` of the current
 * block ran. */
void lc_counts_at(lc_state *s, uc_engine *uc, uint64_t pc, uint64_t *now,
                  uint64_t *active, uint64_t *instructions)
{
    if (pc < s->block_pc || pc >= s->block_pc + s->block_size) {
        /* not inside the current block: that block has fully run */
        *now = s->now;
        *active = s->active_cycles;
        *instructions = s->instructions;
        return;
    }
    uint32_t n, cycles;
    count_code(s, uc, s->block_pc, pc, &n, &cycles);
    if (s->timing) /* run-time costs of the instructions before `pc` (divides) */
        cycles += (uint32_t)s->timing->block_extra;
    *now = s->block_now + cycles;
    *active = s->block_active + cycles;
    *instructions = s->block_instructions + n;
}

/* After a fault mid-block: the instructions from `pc` on did not run. */
void lc_rewind_to(lc_state *s, uc_engine *uc, uint64_t pc)
{
    uint64_t now, active, n;
    lc_counts_at(s, uc, pc, &now, &active, &n);
    if (s->timing) /* the block's final branch never ran */
        s->timing->pending_taken_extra = 0;
    s->now = now;
    s->active_cycles = active;
    s->instructions = n;
}

/* ------------------------------------------- which instruction accessed */

typedef struct {
    uint64_t ea;    /* first byte accessed */
    uint32_t bytes; /* bytes accessed in all */
    int multi;      /* several bus accesses (LDM, LDRD, PUSH ...) */
} lc_access;

static uint32_t popcount16(uint32_t x)
{
    uint32_t n = 0;
    for (; x; x &= x - 1)
        n++;
    return n;
}

/* Unicorn's ids of R0..R15 */
static const int REGISTER_IDS[16] = {
    UC_ARM_REG_R0, UC_ARM_REG_R1, UC_ARM_REG_R2,  UC_ARM_REG_R3,
    UC_ARM_REG_R4, UC_ARM_REG_R5, UC_ARM_REG_R6,  UC_ARM_REG_R7,
    UC_ARM_REG_R8, UC_ARM_REG_R9, UC_ARM_REG_R10, UC_ARM_REG_R11,
    UC_ARM_REG_R12, UC_ARM_REG_SP, UC_ARM_REG_LR, UC_ARM_REG_PC};

/* The core registers, each read from Unicorn the first time it is needed. */
typedef struct {
    uc_engine *uc;
    uint32_t value[16];
    uint32_t have; /* bit i: value[i] was read */
} lc_regs;

static uint32_t reg(lc_regs *r, unsigned i)
{
    i &= 15;
    if (!(r->have >> i & 1)) {
        uc_reg_read(r->uc, REGISTER_IDS[i], &r->value[i]);
        r->have |= 1u << i;
    }
    return r->value[i];
}

static uint32_t literal_base(uint64_t pc) { return (uint32_t)((pc + 4) & ~3ull); }

/* The memory range a load/store would touch given the registers now (they are
 * the state just before the accessing instruction). Returns 0 if the
 * instruction does not access memory (or is not decoded here). */
static int decode_access_16(uint64_t pc, uint16_t hw, lc_regs *r, lc_access *x)
{
    unsigned rn = (hw >> 3) & 7, rm = (hw >> 6) & 7, imm5 = (hw >> 6) & 31;
    x->multi = 0;
    if ((hw & 0xF800) == 0x4800) { /* LDR literal */
        x->ea = literal_base(pc) + (hw & 0xFF) * 4u;
        x->bytes = 4;
    } else if ((hw & 0xF000) == 0x5000) { /* register offset */
        static const uint8_t sizes[8] = {4, 2, 1, 1, 4, 2, 1, 2};
        x->ea = reg(r, rn) + reg(r, rm);
        x->bytes = sizes[(hw >> 9) & 7];
    } else if ((hw & 0xF000) == 0x6000) { /* STR/LDR imm5 */
        x->ea = reg(r, rn) + imm5 * 4u;
        x->bytes = 4;
    } else if ((hw & 0xF000) == 0x7000) { /* STRB/LDRB imm5 */
        x->ea = reg(r, rn) + imm5;
        x->bytes = 1;
    } else if ((hw & 0xF000) == 0x8000) { /* STRH/LDRH imm5 */
        x->ea = reg(r, rn) + imm5 * 2u;
        x->bytes = 2;
    } else if ((hw & 0xF000) == 0x9000) { /* SP-relative */
        x->ea = reg(r, 13) + (hw & 0xFF) * 4u;
        x->bytes = 4;
    } else if ((hw & 0xF000) == 0xC000) { /* STM/LDM */
        x->ea = reg(r, (hw >> 8) & 7);
        x->bytes = 4 * popcount16(hw & 0xFF);
        x->multi = 1;
    } else if ((hw & 0xFE00) == 0xB400) { /* PUSH */
        uint32_t n = popcount16(hw & 0xFF) + ((hw >> 8) & 1);
        x->ea = reg(r, 13) - 4 * n;
        x->bytes = 4 * n;
        x->multi = 1;
    } else if ((hw & 0xFE00) == 0xBC00) { /* POP */
        x->ea = reg(r, 13);
        x->bytes = 4 * (popcount16(hw & 0xFF) + ((hw >> 8) & 1));
        x->multi = 1;
    } else {
        return 0;
    }
    return 1;
}

static int decode_access_32(uint64_t pc, uint16_t hw1, uint16_t hw2, lc_regs *r,
                            lc_access *x)
{
    unsigned rn = hw1 & 15;
    unsigned top = hw1 >> 8;
    if (top != 0xE8 && top != 0xE9 && top != 0xEC && top != 0xED && top != 0xF8 && top != 0xF9)
        return 0; /* not a load or store */
    uint32_t base = rn == 15 ? literal_base(pc) : reg(r, rn);
    x->multi = 0;
    if ((hw1 & 0xFE00) == 0xF800) { /* LDR/STR{B,H,SB,SH} single */
        unsigned size = (hw1 >> 5) & 3;
        if (size == 3)
            return 0;
        x->bytes = 1u << size;
        if (rn == 15) {
            uint32_t imm12 = hw2 & 0xFFF;
            x->ea = (hw1 & 0x80) ? base + imm12 : base - imm12;
        } else if (hw1 & 0x80) {
            x->ea = base + (hw2 & 0xFFF);
        } else if (hw2 & 0x800) { /* imm8 with P/U/W */
            uint32_t imm8 = hw2 & 0xFF;
            uint32_t offset_addr = (hw2 & 0x200) ? base + imm8 : base - imm8;
            x->ea = (hw2 & 0x400) ? offset_addr : base;
        } else if ((hw2 & 0xFC0) == 0) { /* register, LSL #imm2 */
            x->ea = base + (reg(r, hw2 & 15) << ((hw2 >> 4) & 3));
        } else {
            return 0;
        }
    } else if ((hw1 & 0xFFE0) == 0xE840) { /* STREX/LDREX */
        x->ea = base + (hw2 & 0xFF) * 4u;
        x->bytes = 4;
    } else if ((hw1 & 0xFFE0) == 0xE8C0) { /* TBB/TBH, LDREXB/H, STREXB/H */
        unsigned op = (hw2 >> 4) & 15;
        if (op == 0 || op == 1) {
            x->ea = base + (reg(r, hw2 & 15) << op);
            x->bytes = op ? 2 : 1;
        } else if (op == 4 || op == 5) {
            x->ea = base;
            x->bytes = op == 4 ? 1 : 2;
        } else {
            return 0;
        }
    } else if ((hw1 & 0xFE40) == 0xE840) { /* LDRD/STRD: 1110 100P U1WL */
        uint32_t imm = (hw2 & 0xFF) * 4u;
        uint32_t offset_addr = (hw1 & 0x80) ? base + imm : base - imm;
        x->ea = (hw1 & 0x100) ? offset_addr : base;
        x->bytes = 8;
        x->multi = 1;
    } else if ((hw1 & 0xFF80) == 0xE880) { /* LDM/STM increment after */
        x->ea = base;
        x->bytes = 4 * popcount16(hw2);
        x->multi = 1;
    } else if ((hw1 & 0xFF80) == 0xE900) { /* LDMDB/STMDB (PUSH.W) */
        x->bytes = 4 * popcount16(hw2);
        x->ea = base - x->bytes;
        x->multi = 1;
    } else if ((hw1 & 0xFF20) == 0xED00 && (hw2 & 0x0E00) == 0x0A00) { /* VLDR/VSTR */
        uint32_t imm = (hw2 & 0xFF) * 4u;
        x->ea = (hw1 & 0x80) ? base + imm : base - imm;
        x->bytes = (hw2 & 0x100) ? 8 : 4;
        x->multi = x->bytes > 4;
    } else if ((hw1 & 0xFE00) == 0xEC00 && (hw2 & 0x0E00) == 0x0A00 &&
               (hw1 & 0x180) != 0) { /* VLDM/VSTM/VPUSH/VPOP */
        x->bytes = (hw2 & 0xFF) * 4u;
        x->ea = (hw1 & 0x100) ? base - x->bytes : base;
        x->multi = 1;
    } else {
        return 0;
    }
    return 1;
}

/* Find the instruction of the current block that made the access to `addr`
 * (accesses arrive in program order) and return its address, or the block's
 * start if no decoded instruction matches. */
uint64_t lc_locate_access(lc_state *s, uc_engine *uc, uint64_t addr)
{
    lc_regs r = {.uc = uc};

    if (s->access_block != s->blocks) {
        s->access_block = s->blocks;
        s->access_index = -1;
        s->access_addr = 0;
    }
    uint64_t a = s->block_pc, end = s->block_pc + s->block_size;
    for (int index = 0; a < end && index < LC_MAX_BLOCK_INSNS; index++) {
        uint16_t hw1 = 0, hw2 = 0;
        read_halfword(s, uc, a, &hw1);
        int wide = is_32bit(hw1);
        if (wide)
            read_halfword(s, uc, a + 2, &hw2);
        lc_access x;
        int decoded = wide ? decode_access_32(a, hw1, hw2, &r, &x)
                           : decode_access_16(a, hw1, &r, &x);
        int in_range = decoded && addr >= x.ea && addr < x.ea + x.bytes;
        /* the previous match may continue (next word of an LDM/LDRD) */
        int same_insn_continues = index == s->access_index && x.multi && addr > s->access_addr;
        if (in_range && (index > s->access_index || same_insn_continues)) {
            s->access_index = index;
            s->access_addr = addr;
            return a;
        }
        a += wide ? 4 : 2;
    }
    return s->block_pc;
}

/* ----------------------------------------------------------- alignment */

/* ARMv7-M A3.2.1: LDM/STM, PUSH/POP, LDRD/STRD, the exclusives and the FP loads and
 * stores (VLDR/VSTR/VLDM/VSTM/VPUSH/VPOP) need their alignment whatever CCR.UNALIGN_TRP
 * says; LDR/STR (word, halfword) and TBH only while it is set. */
static int always_aligned(uint16_t hw1, uint16_t hw2)
{
    if (!is_32bit(hw1))
        return (hw1 & 0xF000) == 0xC000 || (hw1 & 0xF600) == 0xB400;
    if ((hw1 & 0xFFF0) == 0xE8D0 && ((hw2 >> 4) & 0xE) == 0) /* TBB/TBH */
        return 0;
    return (hw1 & 0xFE00) == 0xE800 || (hw1 & 0xFE00) == 0xEC00;
}

/* A halfword-sized load to PC is an unallocated memory hint (a NOP), not an access. */
static int is_hint(uint16_t hw1, uint16_t hw2)
{
    return is_32bit(hw1) && (hw1 & 0xFE70) == 0xF830 && (hw2 >> 12) == 15;
}

/* Checks each load and store before it runs, so a misaligned one stops the CPU before it
 * touches memory or registers (LC_STOP_UNALIGNED, a precise UsageFault). A code hook on
 * every instruction, installed only while alignment is checked: Unicorn's memory hooks
 * would be cheaper, but measured with Unicorn 2.1.4, a memory hook that fires inside an
 * IT block leaves a stale IT state behind, and code after the block then runs as if
 * conditional (an instruction silently skipped). */
/* The memory access the instruction at `address` is about to make, from its encoding
 * and the registers now: 0 if it makes none. hw2 is 0 for a 16-bit instruction. */
static int decode_access_at(lc_state *s, uc_engine *uc, uint64_t address, uint16_t *hw1,
                            uint16_t *hw2, lc_access *x)
{
    *hw1 = *hw2 = 0;
    read_halfword(s, uc, address, hw1);
    int wide = is_32bit(*hw1);
    if (wide)
        read_halfword(s, uc, address + 2, hw2);
    lc_regs r = {.uc = uc};
    return wide ? decode_access_32(address, *hw1, *hw2, &r, x)
                : decode_access_16(address, *hw1, &r, x);
}

void lc_alignment_hook(uc_engine *uc, uint64_t address, uint32_t size, void *user)
{
    lc_state *s = (lc_state *)user;
    uint16_t hw1, hw2;
    (void)size;
    if (s->stop_reason != LC_STOP_NONE)
        return;
    lc_access x;
    if (!decode_access_at(s, uc, address, &hw1, &hw2, &x))
        return;
    /* the unit that must be aligned: the access itself up to a word; an 8-byte LDRD,
     * VLDR.64 or VPUSH and every LDM/STM/PUSH/POP need only word alignment */
    uint32_t unit = x.multi || x.bytes > 4 ? 4u : x.bytes;
    int checked = always_aligned(hw1, hw2) || (s->unalign_trp && !is_hint(hw1, hw2));
    if (!checked || !(x.ea & (unit - 1)))
        return;
    s->fault_pc = address;
    s->fault_address = x.ea;
    stop(s, uc, LC_STOP_UNALIGNED);
}

int lc_install_alignment_check(lc_state *s, uc_engine *uc, uc_hook *handle)
{
    return uc_hook_add(uc, handle, UC_HOOK_CODE, (void *)lc_alignment_hook, s, 1, 0);
}

#include "debug.c"

/* ------------------------------------------------------ division by zero */

/* Unicorn returns 0 for SDIV/UDIV by zero and never traps (its CCR is not the lab's).
 * While CCR.DIV_0_TRP is set, each divide that runs gets a code hook of its own (added
 * the first time its block is about to run, LC_STOP_HOOK_DIVIDES), so no other
 * instruction pays for the check. Unicorn calls a code hook only when the instruction
 * executes (not for a failed IT condition) and stops before it when asked to. */
void lc_divide_hook(uc_engine *uc, uint64_t address, uint32_t size, void *user)
{
    lc_state *s = (lc_state *)user;
    (void)size;
    if ((!s->div_0_trp && !s->timing) || s->stop_reason != LC_STOP_NONE)
        return;
    uint16_t hw1 = 0, hw2 = 0;
    uint32_t divisor = 1;
    read_halfword(s, uc, address, &hw1);
    read_halfword(s, uc, address + 2, &hw2);
    uc_reg_read(uc, REGISTER_IDS[hw2 & 15], &divisor);
    if (divisor == 0 && s->div_0_trp) {
        s->fault_pc = address;
        stop(s, uc, LC_STOP_DIVBYZERO);
        return;
    }
    if (s->timing)
        timing_on_divide(s, s->timing, uc, hw1, hw2);
}

static void hook_divide(lc_state *s, uc_engine *uc, uint64_t pc)
{
    for (uint32_t i = 0; i < s->ndivides; i++)
        if (s->divide_pcs[i] == pc)
            return;
    if (s->ndivides == s->divides_capacity) {
        uint32_t capacity = s->divides_capacity ? 2 * s->divides_capacity : 64;
        uint64_t *pcs = realloc(s->divide_pcs, capacity * sizeof *pcs);
        if (pcs)
            s->divide_pcs = pcs;
        uc_hook *hooks = realloc(s->divide_hooks, capacity * sizeof *hooks);
        if (hooks)
            s->divide_hooks = hooks;
        if (!pcs || !hooks)
            return;
        s->divides_capacity = capacity;
    }
    if (uc_hook_add(uc, &s->divide_hooks[s->ndivides], UC_HOOK_CODE, (void *)lc_divide_hook, s,
                    pc, pc) == UC_ERR_OK)
        s->divide_pcs[s->ndivides++] = pc;
}

/* After LC_STOP_HOOK_DIVIDES (outside emulation): hook that block's divides and have
 * Unicorn translate it again, with the hooks. */
void lc_hook_divides(lc_state *s, uc_engine *uc)
{
    uint64_t pc = s->divides_block_pc, end = pc + s->divides_block_size;
    find_divides(s, uc, pc, end, hook_divide);
    uc_ctl_remove_cache(uc, pc, end);
    lookup_block(s, uc, pc, s->divides_block_size)->divides_hooked = 1;
}

/* Before the engine goes: the hooks point at this state. */
void lc_remove_hooks(lc_state *s, uc_engine *uc)
{
    for (uint32_t i = 0; i < s->ndivides; i++)
        uc_hook_del(uc, s->divide_hooks[i]);
    s->ndivides = 0;
}

/* ------------------------------------------------------------- set-up */

lc_state *lc_new(void)
{
    lc_state *s = (lc_state *)calloc(1, sizeof(lc_state));
    if (!s)
        return NULL;
    s->cache = (lc_block *)calloc(LC_CACHE_SIZE, sizeof(lc_block));
    if (!s->cache) {
        free(s);
        return NULL;
    }
    for (uint32_t i = 0; i < LC_CACHE_SIZE; i++)
        s->cache[i].pc = UINT64_MAX;
    s->deadline = UINT64_MAX;
    s->basepri_mask = 0xFF;
    s->access_block = UINT64_MAX;
    return s;
}

void lc_free(lc_state *s)
{
    if (!s)
        return;
    free(s->cache);
    free(s->profile);
    free(s->divide_pcs);
    free(s->divide_hooks);
    timing_free(s->timing);
    free(s->stack);
    free(s->debug);
    free(s);
}

int lc_add_region(lc_state *s, uint64_t base, uint64_t size, const uint8_t *host)
{
    if (s->nregions >= LC_MAX_REGIONS)
        return -1;
    s->regions[s->nregions++] = (lc_region){base, size, host};
    return 0;
}

int lc_install(lc_state *s, uc_engine *uc, uc_hook *handle)
{
    return uc_hook_add(uc, handle, UC_HOOK_BLOCK, (void *)lc_block_hook, s, 1, 0);
}

/* Profiling: a histogram of block executions (open addressing, power of two). */
int lc_profile_enable(lc_state *s, uint32_t size)
{
    free(s->profile);
    s->profile = (lc_profile_entry *)calloc(size, sizeof(lc_profile_entry));
    if (!s->profile)
        return -1;
    s->profile_size = size;
    s->profiling = 1;
    return 0;
}

/* Copies up to `max` non-empty entries out; returns how many. */
uint32_t lc_profile_read(lc_state *s, uint64_t *pcs, uint64_t *counts, uint64_t *cycles,
                         uint64_t *instructions, uint32_t max)
{
    uint32_t n = 0;
    for (uint32_t i = 0; s->profile && i < s->profile_size && n < max; i++) {
        if (s->profile[i].count) {
            pcs[n] = s->profile[i].pc;
            counts[n] = s->profile[i].count;
            cycles[n] = s->profile[i].cycles;
            instructions[n] = s->profile[i].instructions;
            n++;
        }
    }
    return n;
}

/* ------------------------------------------------ stack high-water mark */

/*
 * The deepest stack a run reaches, exactly and cheaply. Under the AAPCS nothing is
 * stored below SP, so the lowest SP is the deepest stack byte used, and SP moves only
 * by instructions the block hook sees coming: when a block is first translated its
 * Thumb code is scanned for what lowers SP (PUSH, SUB SP, STMDB/VPUSH/STR with SP
 * write-back) and the lowest point below the entry SP is cached (lc_block.stack_drop).
 * Only blocks that lower SP read it, once, before they run: a block that would take
 * the main stack below its limit is stopped before it writes anything
 * (LC_STOP_STACK_OVERFLOW). A conditional (IT) push counts as taken. SP set from a
 * register (MOV SP, MSR MSP) ends the scan; the next block that pushes reads SP again.
 * Exception frames are stacked by the engine, which reports them (lc_stack_note_sp).
 *
 * Windows measure parts of a run: a watched function's calls (from its entry to the
 * block at its return address; recursive calls count in the outermost one) and
 * exception handlers (opened and closed by the engine). Each keeps the lowest SP since
 * it opened, nested like the calls; closing one records its depth (entry SP - lowest)
 * in its phase. Memory hooks are not used: in Unicorn 2.1.4 one firing inside an IT
 * block corrupts the IT state (see lc_alignment_hook).
 */
#define LC_STACK_WINDOWS 64     /* nesting depth of open windows */
#define LC_STACK_PHASES 128     /* ids: watched functions, then 16 + exception number */
#define LC_STACK_FUNCTIONS 16

typedef struct {
    uint32_t id;
    uint64_t return_pc;   /* a function's return address; UINT64_MAX for a handler */
    uint64_t entry_sp;
    uint64_t outer_low;   /* the enclosing window's lowest SP when this one opened */
    uint32_t heap_break;  /* newlib's heap break when it opened */
} lc_stack_window;

typedef struct {
    uint64_t count, max_depth, min_depth, last_depth;
    uint64_t max_heap_growth;   /* bytes the heap break rose during one window, at most */
} lc_stack_phase;

struct lc_stack_watch {
    uint64_t limit, top;           /* the main stack's reserve: [limit, top) */
    uint64_t low_main, low_process;
    uint64_t init_low;             /* low_main when the first watched call began */
    uint64_t init_heap_break;      /* and the heap break then */
    int init_done;
    uint64_t window_low;
    lc_stack_window windows[LC_STACK_WINDOWS];
    uint32_t nwindows, overflowed_windows;
    uint32_t open[LC_STACK_PHASES];
    lc_stack_phase phases[LC_STACK_PHASES];
    uint64_t function_pcs[LC_STACK_FUNCTIONS];
    uint32_t function_ids[LC_STACK_FUNCTIONS];
    uc_hook function_hooks[LC_STACK_FUNCTIONS];
    uint32_t nfunctions;
    uint64_t sp_reads;             /* blocks that read SP (what the watch costs) */
    uint64_t heap_break_at;        /* address of newlib's break (`heap_end`); 0: none */
    uint32_t heap_start;           /* `end`: the break before the first sbrk */
};

/* Snapshots: the watch's measurements and open windows. Its function hooks belong to
 * the machine that set them (a restored machine sets its own when it loads the ELF). */
size_t lc_stack_snapshot_size(void) { return sizeof(lc_stack_watch) + sizeof(uint64_t); }

int lc_stack_snapshot_save(const lc_state *s, void *out)
{
    if (!s->stack)
        return 1;
    memcpy(out, s->stack, sizeof(lc_stack_watch));
    memcpy((char *)out + sizeof(lc_stack_watch), &s->stack_return_pc, sizeof(uint64_t));
    return 0;
}

int lc_stack_snapshot_load(lc_state *s, const void *in)
{
    lc_stack_watch *w = s->stack, saved;
    if (!w)
        return 1;
    saved = *w;
    memcpy(w, in, sizeof *w);
    memcpy(w->function_pcs, saved.function_pcs, sizeof saved.function_pcs);
    memcpy(w->function_ids, saved.function_ids, sizeof saved.function_ids);
    memcpy(w->function_hooks, saved.function_hooks, sizeof saved.function_hooks);
    w->nfunctions = saved.nfunctions;
    memcpy(&s->stack_return_pc, (const char *)in + sizeof(lc_stack_watch), sizeof(uint64_t));
    return 0;
}

/* newlib's heap break now: the static `_sbrk` keeps, 0 until its first call. */
static uint32_t heap_break(lc_state *s)
{
    const lc_stack_watch *w = s->stack;
    const uint8_t *p = w->heap_break_at ? host_ptr(s, w->heap_break_at, 4) : NULL;
    uint32_t value = p ? (uint32_t)(p[0] | (p[1] << 8) | (p[2] << 16) | ((uint32_t)p[3] << 24))
                       : 0;
    return value ? value : w->heap_start;
}

static uint32_t popcount32(uint32_t x)
{
    uint32_t n = 0;
    for (; x; x &= x - 1)
        n++;
    return n;
}

static uint32_t thumb_expand_imm(uint32_t imm12)
{
    uint32_t imm8 = imm12 & 0xFF;
    if ((imm12 >> 10) == 0) {
        switch ((imm12 >> 8) & 3) {
        case 0: return imm8;
        case 1: return imm8 * 0x00010001u;
        case 2: return imm8 * 0x01000100u;
        default: return imm8 * 0x01010101u;
        }
    }
    uint32_t value = 0x80 | (imm12 & 0x7F), rotate = imm12 >> 7;
    return (value >> rotate) | (value << (32 - rotate));
}

enum { SP_KEEPS = 0, SP_MOVES = 1, SP_UNKNOWN = 2 };

/* How a 16-bit instruction changes SP (*delta, bytes). */
static int sp_effect_16(uint16_t hw, int64_t *delta)
{
    if ((hw & 0xFE00) == 0xB400)           /* PUSH {list, LR} */
        *delta = -4 * (int64_t)(popcount32(hw & 0xFF) + ((hw >> 8) & 1));
    else if ((hw & 0xFE00) == 0xBC00)      /* POP {list, PC} */
        *delta = 4 * (int64_t)(popcount32(hw & 0xFF) + ((hw >> 8) & 1));
    else if ((hw & 0xFF80) == 0xB080)      /* SUB SP, SP, #imm7 * 4 */
        *delta = -4 * (int64_t)(hw & 0x7F);
    else if ((hw & 0xFF80) == 0xB000)      /* ADD SP, SP, #imm7 * 4 */
        *delta = 4 * (int64_t)(hw & 0x7F);
    else if ((hw & 0xFF87) == 0x4485 || (hw & 0xFF87) == 0x4685)  /* ADD/MOV SP, Rm */
        return SP_UNKNOWN;
    else
        return SP_KEEPS;
    return SP_MOVES;
}

/* How a 32-bit instruction changes SP. */
static int sp_effect_32(uint16_t hw1, uint16_t hw2, int64_t *delta)
{
    uint32_t imm12 = ((hw1 & 0x0400u) << 1) | ((hw2 & 0x7000u) >> 4) | (hw2 & 0xFFu);
    int to_sp = (hw2 & 0x8F00) == 0x0D00;   /* immediate data processing, Rd = SP */
    if (hw1 == 0xE92D)                                          /* STMDB SP!, {list} */
        *delta = -4 * (int64_t)popcount32(hw2);
    else if (hw1 == 0xE8BD)                                     /* LDMIA SP!, {list} */
        *delta = 4 * (int64_t)popcount32(hw2);
    else if (hw1 == 0xF84D && (hw2 & 0x0F00) == 0x0D00)         /* STR Rt, [SP, #-i]! */
        *delta = -(int64_t)(hw2 & 0xFF);
    else if (hw1 == 0xF85D && (hw2 & 0x0F00) == 0x0B00)         /* LDR Rt, [SP], #i */
        *delta = (int64_t)(hw2 & 0xFF);
    else if ((hw1 & 0xFFBF) == 0xED2D && (hw2 & 0x0E00) == 0x0A00)   /* VPUSH */
        *delta = -4 * (int64_t)(hw2 & 0xFF);
    else if ((hw1 & 0xFFBF) == 0xECBD && (hw2 & 0x0E00) == 0x0A00)   /* VPOP */
        *delta = 4 * (int64_t)(hw2 & 0xFF);
    else if ((hw1 & 0xFBEF) == 0xF1AD && to_sp)                 /* SUB.W SP, SP, #const */
        *delta = -(int64_t)thumb_expand_imm(imm12);
    else if ((hw1 & 0xFBFF) == 0xF2AD && to_sp)                 /* SUBW SP, SP, #imm12 */
        *delta = -(int64_t)imm12;
    else if ((hw1 & 0xFBEF) == 0xF10D && to_sp)                 /* ADD.W SP, SP, #const */
        *delta = (int64_t)thumb_expand_imm(imm12);
    else if ((hw1 & 0xFBFF) == 0xF20D && to_sp)                 /* ADDW SP, SP, #imm12 */
        *delta = (int64_t)imm12;
    else if (((hw1 & 0xFE00) == 0xEA00 ||                         /* shifted register */
              ((hw1 & 0xF800) == 0xF000 && !(hw2 & 0x8000))) &&         /* immediate */
             (hw2 & 0x0F00) == 0x0D00)
        return SP_UNKNOWN;      /* any other data processing into SP */
    else if ((hw1 & 0xFFF0) == 0xF380 && (hw2 & 0xFF00) == 0x8800 && (hw2 & 0xFE) == 0x08)
        return SP_UNKNOWN;      /* MSR MSP / MSR PSP */
    else
        return SP_KEEPS;
    return SP_MOVES;
}

/* The most the straight-line code [begin, end) lowers SP below its entry value. */
static uint32_t stack_drop(lc_state *s, uc_engine *uc, uint64_t begin, uint64_t end)
{
    int64_t sp = 0, lowest = 0;
    for (uint64_t a = begin; a < end;) {
        uint16_t hw1 = 0, hw2 = 0;
        int64_t delta = 0;
        int effect;
        read_halfword(s, uc, a, &hw1);
        if (is_32bit(hw1)) {
            read_halfword(s, uc, a + 2, &hw2);
            effect = sp_effect_32(hw1, hw2, &delta);
            a += 4;
        } else {
            effect = sp_effect_16(hw1, &delta);
            a += 2;
        }
        if (effect == SP_UNKNOWN)
            break;
        sp += delta;
        if (sp < lowest)
            lowest = sp;
    }
    return (uint32_t)(-lowest);
}

static uint64_t min_u64(uint64_t a, uint64_t b) { return a < b ? a : b; }

/* A new lowest SP `low` on the main (process = 0) or process stack; 1 if it is
 * below the main stack's limit. */
static int stack_reached(lc_stack_watch *w, uint64_t low, int process)
{
    w->window_low = min_u64(w->window_low, low);
    if (process) {
        w->low_process = min_u64(w->low_process, low);
        return 0;
    }
    w->low_main = min_u64(w->low_main, low);
    return w->limit && low < w->limit;
}

static int on_process_stack(uc_engine *uc, const lc_stack_watch *w, uint64_t sp)
{
    uint32_t control = 0;
    if (sp >= w->limit && sp <= w->top)
        return 0;   /* inside the main stack's reserve: the common case, no read */
    uc_reg_read(uc, UC_ARM_REG_CONTROL, &control);
    return (control & 2) != 0;   /* SPSEL: the engine clears it in handler mode */
}

static void top_window_changed(lc_state *s)
{
    lc_stack_watch *w = s->stack;
    s->stack_return_pc = w->nwindows ? w->windows[w->nwindows - 1].return_pc : UINT64_MAX;
}

static void close_window(lc_state *s)
{
    lc_stack_watch *w = s->stack;
    lc_stack_window *win = &w->windows[--w->nwindows];
    lc_stack_phase *phase = &w->phases[win->id];
    uint64_t depth = win->entry_sp > w->window_low ? win->entry_sp - w->window_low : 0;
    phase->min_depth = phase->count ? min_u64(phase->min_depth, depth) : depth;
    phase->count++;
    phase->max_depth = depth > phase->max_depth ? depth : phase->max_depth;
    phase->last_depth = depth;
    uint32_t brk = heap_break(s);
    if (brk > win->heap_break && brk - win->heap_break > phase->max_heap_growth)
        phase->max_heap_growth = brk - win->heap_break;
    w->open[win->id]--;
    w->window_low = min_u64(win->outer_low, w->window_low);
    top_window_changed(s);
}

static void open_window(lc_state *s, uint32_t id, uint64_t return_pc, uint64_t sp)
{
    lc_stack_watch *w = s->stack;
    if (w->nwindows == LC_STACK_WINDOWS) {
        w->overflowed_windows++;
        return;
    }
    w->windows[w->nwindows++] = (lc_stack_window){id, return_pc, sp, w->window_low,
                                                  heap_break(s)};
    w->open[id]++;
    w->window_low = sp;
    top_window_changed(s);
}

/* Called from the block hook before the block runs; 1 when it stopped the CPU. */
static int stack_block(lc_state *s, uc_engine *uc, uint64_t pc, const lc_block *b)
{
    lc_stack_watch *w = s->stack;
    uint32_t sp = 0;
    if (w->nwindows && pc == w->windows[w->nwindows - 1].return_pc) {
        uc_reg_read(uc, UC_ARM_REG_SP, &sp);
        if (sp >= w->windows[w->nwindows - 1].entry_sp)
            close_window(s);
    }
    if (b->stack_drop == 0)
        return 0;
    w->sp_reads++;
    uc_reg_read(uc, UC_ARM_REG_SP, &sp);
    uint64_t low = sp >= b->stack_drop ? sp - b->stack_drop : 0;
    if (!stack_reached(w, low, on_process_stack(uc, w, low)))
        return 0;
    s->fault_pc = pc;
    s->fault_address = low;
    stop(s, uc, LC_STOP_STACK_OVERFLOW);
    return 1;
}

/* A watched function was entered: its window lasts until the block at its return
 * address runs with SP back at its entry value. */
static void stack_function_hook(uc_engine *uc, uint64_t address, uint32_t size, void *user)
{
    lc_state *s = (lc_state *)user;
    lc_stack_watch *w = s->stack;
    uint32_t sp = 0, lr = 0;
    (void)size;
    for (uint32_t i = 0; i < w->nfunctions; i++) {
        uint32_t id = w->function_ids[i];
        if (w->function_pcs[i] != address || w->open[id])
            continue;
        if (!w->init_done) {
            w->init_low = w->low_main;
            w->init_heap_break = heap_break(s);
            w->init_done = 1;
        }
        uc_reg_read(uc, UC_ARM_REG_SP, &sp);
        uc_reg_read(uc, UC_ARM_REG_LR, &lr);
        open_window(s, id, lr & ~1u, sp);
    }
}

/* Starts watching: the main stack is [limit, top) (limit 0: no overflow check), SP
 * now is `sp`. */
int lc_stack_enable(lc_state *s, uint64_t limit, uint64_t top, uint64_t sp)
{
    if (!s->stack)
        s->stack = (lc_stack_watch *)calloc(1, sizeof(lc_stack_watch));
    if (!s->stack)
        return -1;
    lc_stack_watch *w = s->stack;
    w->limit = limit;
    w->top = top;
    w->low_main = w->window_low = sp;
    w->low_process = UINT64_MAX;
    s->stack_return_pc = UINT64_MAX;
    return 0;
}

/* Watches the calls of the function at `address` as phase `id`. */
int lc_stack_watch_function(lc_state *s, uc_engine *uc, uint64_t address, uint32_t id)
{
    lc_stack_watch *w = s->stack;
    if (!w || w->nfunctions == LC_STACK_FUNCTIONS || id >= LC_STACK_PHASES)
        return -1;
    uint32_t i = w->nfunctions;
    if (uc_hook_add(uc, &w->function_hooks[i], UC_HOOK_CODE, (void *)stack_function_hook, s,
                    address, address) != UC_ERR_OK)
        return -1;
    w->function_pcs[i] = address;
    w->function_ids[i] = id;
    w->nfunctions++;
    return 0;
}

/* The engine stacked an exception frame: SP is now `sp`; 1 if that overflowed. */
int lc_stack_note_sp(lc_state *s, uint64_t sp, int process)
{
    return s->stack ? stack_reached(s->stack, sp, process) : 0;
}

/* An exception handler's window, from the SP before its frame was stacked. */
void lc_stack_window_open(lc_state *s, uint32_t id, uint64_t entry_sp)
{
    if (s->stack && id < LC_STACK_PHASES)
        open_window(s, id, UINT64_MAX, entry_sp);
}

void lc_stack_window_close(lc_state *s, uint32_t id)
{
    lc_stack_watch *w = s->stack;
    if (w && w->nwindows && w->windows[w->nwindows - 1].id == id)
        close_window(s);
}

/* lows[0..3]: main stack, process stack (UINT64_MAX: unused), main stack when the
 * first watched call began (UINT64_MAX: none began) and the heap break then. */
void lc_stack_lows(lc_state *s, uint64_t *lows)
{
    lc_stack_watch *w = s->stack;
    lows[0] = w ? w->low_main : UINT64_MAX;
    lows[1] = w ? w->low_process : UINT64_MAX;
    lows[2] = w && w->init_done ? w->init_low : UINT64_MAX;
    lows[3] = w && w->init_done ? w->init_heap_break : 0;
}

/* Blocks that read SP so far (lc_state.blocks counts all blocks). */
uint64_t lc_stack_sp_reads(lc_state *s) { return s->stack ? s->stack->sp_reads : 0; }

/* The heap: newlib's break lives at `break_at` (0: unknown) and starts at `start`. */
void lc_stack_watch_heap(lc_state *s, uint64_t break_at, uint64_t start)
{
    if (s->stack) {
        s->stack->heap_break_at = break_at;
        s->stack->heap_start = (uint32_t)start;
    }
}

/* phase `id`: {count, max depth, min depth, last depth, max heap growth} in bytes. */
void lc_stack_phase_read(lc_state *s, uint32_t id, uint64_t *out)
{
    const lc_stack_phase *p = s->stack && id < LC_STACK_PHASES ? &s->stack->phases[id] : NULL;
    out[0] = p ? p->count : 0;
    out[1] = p ? p->max_depth : 0;
    out[2] = p ? p->min_depth : 0;
    out[3] = p ? p->last_depth : 0;
    out[4] = p ? p->max_heap_growth : 0;
}

void lc_stack_remove_hooks(lc_state *s, uc_engine *uc)
{
    lc_stack_watch *w = s->stack;
    for (uint32_t i = 0; w && i < w->nfunctions; i++)
        uc_hook_del(uc, w->function_hooks[i]);
    if (w)
        w->nfunctions = 0;
}

/* A reset: calls and handlers in progress are gone (their windows never close). */
void lc_stack_forget_windows(lc_state *s)
{
    lc_stack_watch *w = s->stack;
    if (!w)
        return;
    w->nwindows = 0;
    memset(w->open, 0, sizeof w->open);
    top_window_changed(s);
}

/* Stops watching (to measure what the watch costs: bench/stack_watch.py). */
void lc_stack_disable(lc_state *s, uc_engine *uc)
{
    lc_stack_remove_hooks(s, uc);
    free(s->stack);
    s->stack = NULL;
}
