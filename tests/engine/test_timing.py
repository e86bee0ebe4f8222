"""Virtual time: SysTick rate, WFI sleep, exact CYCCNT, UART byte timing."""
from unicorn import UC_HOOK_CODE

from .conftest import event

CORE_HZ = 64_000_000


def test_systick_fires_at_its_configured_rate_in_virtual_time(run_firmware):
    result, session = run_firmware("systick_rate")
    assert result.end == "done", result.uart
    assert event(result, "systick")["ticks"] == 1000
    # the first entry is the pin becoming an output; then one toggle per tick
    toggles = [t for t, _ in session.machine.peripherals["gpio0"].history[13]][1:]
    intervals = [b - a for a, b in zip(toggles, toggles[1:])]
    assert len(toggles) == 1000
    assert set(intervals[1:]) == {CORE_HZ // 1000}     # exactly 64000 cycles, every tick
    # the first tick's handler ran from a cold flash cache: its toggle came later by the
    # misses' wait states (3 lines x 8 cycles), so the first interval is that much shorter
    assert intervals[0] == CORE_HZ // 1000 - 3 * 8


def test_wfi_sleeps_through_ten_virtual_seconds_executing_few_instructions(run_firmware):
    result, session = run_firmware("wfi_rtc", seconds=15)
    assert result.end == "done", result.uart
    woke = event(result, "woke")
    assert woke["counter"] >= 10 * 32768
    assert woke["cycles_while_waiting"] < 200
    assert result.virtual_s > 10.0
    assert result.instructions < 60_000       # the whole run, start-up and printing included


def test_cyccnt_around_a_loop_equals_the_engines_cycle_count(session_for):
    session = session_for("cyccnt_exact")
    firmware, machine = session.firmware, session.machine
    marks = {firmware.address_of("cyccnt_read_before"): None,
             firmware.address_of("cyccnt_read_after"): None}

    def record(uc, address, size, user_data):
        if address in marks:
            marks[address] = (*machine.core.counts_at(address), machine.core.timing.fetch_stalls)

    for address in marks:
        machine.uc.hook_add(UC_HOOK_CODE, record, begin=address, end=address)
    session.run(5)
    result = session.result()
    assert result.end == "done", result.uart
    cyccnt = event(result, "cyccnt")
    (_, cycles_before, insns_before, stalls_before), (_, cycles_after, insns_after,
                                                       stalls_after) = marks.values()
    assert insns_after - insns_before == cyccnt["expected"] == 2002
    # Cortex-M4: the CYCCNT read (LDR) 2, MOVW 1, 1000 x SUBS 1, 999 taken BNE 3, the last
    # 1; and the flash: the loop's cache line missed once (8 cycles of wait states)
    stalls = stalls_after - stalls_before
    assert stalls == 8
    assert cyccnt["cycles"] == cycles_after - cycles_before == \
        2 + 1 + 1000 + 999 * 3 + 1 + stalls


def test_uart_bytes_take_ten_bit_times_each_at_the_configured_baud(run_firmware):
    result, _ = run_firmware("uart_timing")
    assert result.end == "done", result.uart
    uart = event(result, "uart")
    byte_cycles = -(-10 * CORE_HZ // 115108)        # UARTE 115200 code runs at 115108 baud
    expected_us = 200 * byte_cycles / 64
    # plus the driver code around the transfer: ~450 modelled cycles (7 us at 64 MHz) with
    # the flash wait states and cache misses
    assert 0 <= uart["us"] - expected_us <= 8
    assert "x" * 199 in result.uart
