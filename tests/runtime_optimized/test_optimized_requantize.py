"""The optimized kernels' five-instruction requantization (labrt_opt_requantize_fast,
kernels/optimized/optimized.h) against TFLite Micro's arithmetic (labrt_mbqm, the zero
point added with int32 wrap-around, clamped to int8), value by value.

A C program built on the host runs the header's C form (the same formulas the DSP
build maps to SMMLAR, ASR and SSAT) over every shift the fast form takes (-21..-1),
multipliers at both ends of [2^30, 2^31) and random ones, zero points at both ends,
and accumulators around every rounding tie (with m = 2^30 the doubling high product
of acc is (acc + 1) / 2 rounded down, so ties can be put exactly where the final
shift rounds), at the range's ends (|acc| < 2^30) and at random."""
import subprocess

from lab.hostlib import find_compiler
from lab.runtime.build import INCLUDE_DIR, RUNTIME_DIR

HARNESS = r"""
#include <stdio.h>
#include <stdlib.h>
#include "optimized.h"

static uint64_t state = 88172645463325252ull;
static uint32_t next(void) { state ^= state << 13; state ^= state >> 7; state ^= state << 17;
                             return (uint32_t)state; }

static long checked, wrong;

static void check(int32_t acc, int32_t m, int32_t shift, int32_t zp)
{
    int32_t multipliers[1] = {m};
    int8_t shifts[1] = {(int8_t)shift};
    labrt_opt_output out = {multipliers, shifts, zp, -128, 127, 1, LABRT_OPT_FAST};
    labrt_opt_channel ch = labrt_opt_channel_of(&out, 0);
    int32_t want = labrt_clamp(labrt_wrap_add(labrt_mbqm(acc, m, shift), zp), -128, 127);
    int32_t got = labrt_opt_requantize_fast(acc, &ch);
    checked++;
    if (got != want && wrong++ < 10)
        printf("acc=%ld m=%ld shift=%ld zp=%ld: fast %ld, mbqm %ld\n", (long)acc, (long)m,
               (long)shift, (long)zp, (long)got, (long)want);
}

int main(void)
{
    static const int32_t zps[] = {-128, -1, 0, 5, 127};
    const int32_t limit = (1 << 30) - 1;
    int32_t shift, z, k, i;
    for (shift = -21; shift <= -1; shift++)
        for (z = 0; z < 5; z++) {
            const int32_t e = -shift, zp = zps[z];
            /* ties of the final rounding: acc = 2R or 2R - 1 with R = n 2^e +- 2^(e-1) */
            for (k = -40; k <= 40; k++) {
                const int64_t tie = (int64_t)k * (1ll << e) + (1ll << (e - 1));
                for (i = -2; i <= 2; i++) {
                    const int64_t r = tie + i, acc2 = 2 * r, acc1 = 2 * r - 1;
                    if (acc2 > -limit && acc2 < limit) check((int32_t)acc2, 1 << 30, shift, zp);
                    if (acc1 > -limit && acc1 < limit) check((int32_t)acc1, 1 << 30, shift, zp);
                    if (-acc2 > -limit && -acc2 < limit) check((int32_t)-acc2, 1 << 30, shift, zp);
                }
            }
            for (k = 0; k < 2000; k++) {
                const int32_t m = (k & 3) == 0 ? 1 << 30 : (k & 3) == 1 ? 0x7FFFFFFF
                                : (int32_t)((1u << 30) | (next() >> 2));
                int32_t acc = (int32_t)(next() % (2u * (uint32_t)limit + 1u)) - limit;
                if (k % 7 == 0)
                    acc = (int32_t)(next() % 4096u) - 2048;
                if (k % 11 == 0)
                    acc = k % 2 ? limit : -limit;
                check(acc, m, shift, zp);
            }
        }
    printf("checked %ld wrong %ld\n", checked, wrong);
    return wrong != 0;
}
"""


def test_fast_requantization_equals_mbqm(tmp_path):
    source = tmp_path / "requantize_check.c"
    source.write_text(HARNESS)
    program = tmp_path / "requantize_check"
    compiler = find_compiler("the requantization check")
    subprocess.run([compiler, "-std=c99", "-O1", "-DLABRT_OPTIMIZED=1", f"-I{INCLUDE_DIR}",
                    f"-I{RUNTIME_DIR / 'kernels' / 'optimized'}", str(source),
                    str(RUNTIME_DIR / "src" / "quant.c"), "-lm", "-o", str(program)],
                   check=True, capture_output=True, text=True)
    proc = subprocess.run([str(program)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout
    checked = int(proc.stdout.split()[-3])
    assert checked > 200_000
