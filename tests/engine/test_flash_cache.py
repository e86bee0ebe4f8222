"""Flash wait states and the nRF52840 I-Code cache (platforms/socs/nrf52840.yaml: 2 wait
states per 32-bit fetch; 2-way, 16-byte lines, a miss costs 8 cycles): a loop run from
flash with the cache off, then on (tests/firmware/timing_flash), gives the cycles and
the IHIT/IMISS counts the model says."""
from lab import cores, platforms

from .conftest import event, run_to_done

M4 = cores.load("cortex-m4f").timing
WAIT_STATES, MISS = 2, 8
TURNS = 100
# the span between the two CYCCNT reads at zero wait states: the first read and a B to the
# loop; 100 turns of 5 NOPs + SUBS, 99 taken BNEs and the last falling through; a NOP
RULES = (M4["load"] + M4["branch_taken"] + TURNS * 6 * M4["alu"] +
         (TURNS - 1) * M4["branch_taken"] + M4["branch_not_taken"] + M4["alu"])


def test_platform_declares_the_wait_states_and_the_cache():
    platform = platforms.load("nrf52840")
    assert platform.region("flash").wait_states == WAIT_STATES
    assert platform.region("ram").wait_states == 0
    assert platform.icache == {"region": "flash", "size": 2048, "ways": 2, "line_bytes": 16,
                               "miss_cycles": MISS}


def test_a_flash_loop_pays_wait_states_without_the_cache_and_misses_once_with_it(run_firmware):
    result, _ = run_firmware("timing_flash")
    assert result.end == "done", result.uart
    off, on = result.events_named("flash")
    assert RULES == 904
    # cache off: every fetch waits, 4 words per turn of the loop's block and the 3 words
    # of the block with the second read; the counters stay 0 (profiling off)
    assert (off["cache"], off["ihit"], off["imiss"]) == (0, 0, 0)
    assert off["cycles"] == RULES + WAIT_STATES * (TURNS * 4 + 3) == 1710
    # cache on (just enabled: empty): the loop's line misses on the first turn, and the
    # second read's block misses its second line; all else hits
    assert on["cycles"] == RULES + 2 * MISS == 920
    # counted from the clear to the reads: the first read's block (1 miss), the loop
    # (1 miss, 99 hits), the second read's block (1 hit, 1 miss), the block reading the
    # counters (1 hit, 1 miss)
    assert (on["ihit"], on["imiss"]) == (99 + 1 + 1, 4)


def test_the_hal_turns_the_cache_on_at_start_up(run_firmware):
    _, session = run_firmware("cyccnt_exact")
    nvmc = session.machine.peripherals["nvmc"]
    assert nvmc.read(0x540, 4) & 1 == 1
    assert session.machine.core.timing.icache_enabled == 1


def test_timing_instructions_has_no_wait_states():
    platform = platforms.load("nrf52840", timing="instructions")
    result = run_to_done(platform, "timing_flash")
    off, on = result.events_named("flash")
    # LDR, B, 100 x 7 loop instructions, NOP: one cycle each, cache or not
    assert off["cycles"] == on["cycles"] == 2 + TURNS * 7 + 1
    assert (on["ihit"], on["imiss"]) == (0, 0)
