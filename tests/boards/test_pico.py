"""The Raspberry Pi Pico (RP2040): each register model against the datasheet's tables,
the boot through the lab's boot ROM and boot2, and the apps that run on the board.

Register tests drive the models as the bus does (offsets inside each block's 16 KB:
the register, then its XOR/SET/CLR aliases) and move virtual time by firing the
scheduler's events, with no firmware; the boot and app tests build and run firmware.
"""
import math
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from elftools.elf.elffile import ELFFile

from lab import platforms
from lab.build import build
from lab.engines.embedded.machine import Machine
from lab.engines.embedded.session import Session

ROOT = Path(__file__).resolve().parents[2]
MHZ = 1_000_000
CLOCK = 125 * MHZ
XOR, SET, CLR = 0x1000, 0x2000, 0x3000


@pytest.fixture(scope="module")
def pico():
    return platforms.load("pico")


@pytest.fixture
def chip(pico):
    machine = Machine(pico)
    yield machine
    machine.close()


def model_at(machine, address):
    for peripheral in machine.peripherals.values():
        if any(start <= address < end for start, end in peripheral.windows()):
            return peripheral
    raise AssertionError(f"no model at 0x{address:08X}")


def read(machine, address, size=4):
    model = model_at(machine, address)
    return model.read(address - model.base, size)


def write(machine, address, value, size=4):
    model = model_at(machine, address)
    model.write(address - model.base, size, value)


def advance(machine, cycles):
    """Let `cycles` of virtual time pass, firing each due event at its own time."""
    state = machine.core.state
    target = state.now + cycles
    while (event := machine.scheduler.pop_due(target)) is not None:
        state.now = max(state.now, event.time)
        event.fire()
    state.now = target


def start_clocks(machine):
    """What the HAL's clocks_start() does: XOSC, clk_ref = XOSC, PLL_SYS 125 MHz,
    clk_sys = PLL_SYS, clk_peri = clk_sys, the 1 us watchdog tick."""
    write(machine, 0x4002400C, 47)                         # XOSC STARTUP.DELAY
    write(machine, 0x40024000, 0xFAB << 12 | 0xAA0)        # XOSC CTRL: enable
    advance(machine, 47 * 256 * CLOCK // (12 * MHZ) + 1)
    write(machine, 0x40008030, 2)                          # CLK_REF_CTRL.SRC = xosc
    write(machine, 0x4000C000 + CLR, 1 << 12)              # PLL_SYS out of reset
    write(machine, 0x40028008, 125)                        # FBDIV_INT
    write(machine, 0x40028004 + CLR, 1 << 0 | 1 << 5)      # PD, VCOPD
    write(machine, 0x4002800C, 6 << 16 | 2 << 12)          # POSTDIV1 6, POSTDIV2 2
    write(machine, 0x40028004 + CLR, 1 << 3)               # POSTDIVPD
    write(machine, 0x4000803C, 1)                          # CLK_SYS_CTRL.SRC = aux (pll_sys)
    write(machine, 0x40008048, 1 << 11)                    # CLK_PERI_CTRL.ENABLE
    write(machine, 0x4005802C, 1 << 9 | 12)                # WATCHDOG TICK: 12 MHz / 12


# ------------------------------------------------------------------ RESETS
def test_resets_hold_every_block_until_released_and_reset_the_model_behind_a_bit(chip):
    assert read(chip, 0x4000C000) == 0x01FFFFFF           # RESET: all held
    assert read(chip, 0x4000C008) == 0                    # RESET_DONE
    write(chip, 0x4000C000 + CLR, 1 << 22 | 1 << 21)      # uart0, timer out of reset
    assert read(chip, 0x4000C008) == 1 << 22 | 1 << 21
    write(chip, 0x40034024, 67)                           # UARTIBRD
    write(chip, 0x4000C000 + SET, 1 << 22)                # uart0 back into reset
    assert read(chip, 0x40034024) == 0
    assert read(chip, 0x4000C008) == 1 << 21


# ------------------------------------------------------- the bus's aliases
def test_xor_set_and_clear_aliases_change_only_the_written_bits(chip):
    pad = 0x4001C004                                       # PADS_BANK0 GPIO0
    assert read(chip, pad) == 0x56                         # datasheet reset value
    write(chip, pad + SET, 0x80)
    assert read(chip, pad) == 0xD6
    write(chip, pad + CLR, 0x40)
    assert read(chip, pad) == 0x96
    write(chip, pad + XOR, 0x03)
    assert read(chip, pad) == 0x95
    assert read(chip, pad + SET) == 0x95                   # reads through an alias
    assert read(chip, 0x4001C07C) == 0xDA and read(chip, 0x4001C080) == 0x5A   # SWCLK, SWD


def test_a_narrow_write_is_replicated_across_the_word(chip):
    write(chip, 0x4005800C + 1, 0x12, size=1)              # WATCHDOG SCRATCH0, byte 1
    assert read(chip, 0x4005800C) == 0x12121212
    write(chip, 0x4005800C, 0xABCD, size=2)
    assert read(chip, 0x4005800C) == 0xABCDABCD


def test_a_set_alias_write_to_a_write_1_to_clear_register_clears(chip):
    start_clocks(chip)
    write(chip, 0x40054010, 5)                             # TIMER ALARM0 in 5 us
    advance(chip, 5 * 125)
    assert read(chip, 0x40054034) == 1                     # INTR
    write(chip, 0x40054034 + CLR, 1)                       # CLR of a W1C bit: nothing
    assert read(chip, 0x40054034) == 1
    write(chip, 0x40054034 + SET, 1)                       # SET writes the 1: clears
    assert read(chip, 0x40054034) == 0


# ------------------------------------------------------- clocks and PLL
def test_xosc_is_stable_after_its_startup_delay_and_the_pll_gives_125_mhz(chip):
    write(chip, 0x4002400C, 47)
    write(chip, 0x40024000, 0xFAB << 12 | 0xAA0)
    assert read(chip, 0x40024004) & (1 << 12)              # ENABLED
    startup = -(-47 * 256 * CLOCK // (12 * MHZ))           # 47 x 256 crystal cycles, rounded up
    advance(chip, startup - 1)
    assert not read(chip, 0x40024004) & (1 << 31)          # not STABLE yet
    advance(chip, 1)
    assert read(chip, 0x40024004) & (1 << 31)
    write(chip, 0x40024000, 0x123 << 12 | 0xAA0)           # neither enable nor disable
    assert read(chip, 0x40024004) & (1 << 24)              # BADWRITE
    assert read(chip, 0x40028004) == 0x2D                  # PLL PWR: all powered down
    assert read(chip, 0x4002800C) == 0x77000               # PRIM: POSTDIV1 = POSTDIV2 = 7
    start_clocks(chip)
    assert read(chip, 0x40028000) & (1 << 31)              # LOCK
    assert chip.peripherals["pll_sys"].frequency() == CLOCK
    assert read(chip, 0x40008038) == 1 << 2                # CLK_REF_SELECTED: xosc
    assert read(chip, 0x40008044) == 1 << 1                # CLK_SYS_SELECTED: aux
    clocks = chip.peripherals["clocks"]
    assert (clocks.frequency("ref"), clocks.frequency("sys"), clocks.frequency("peri")) == \
        (12 * MHZ, CLOCK, CLOCK)


# ------------------------------------------------------------------ TIMER
def test_timer_counts_microseconds_and_an_alarm_fires_on_its_tick_then_disarms(chip):
    start_clocks(chip)
    write(chip, 0x40054038, 1 << 2)                        # INTE: alarm 2
    now = read(chip, 0x40054028)                           # TIMERAWL
    write(chip, 0x40054018, now + 100)                     # ALARM2
    assert read(chip, 0x40054020) == 1 << 2                # ARMED
    advance(chip, 99 * 125)
    assert read(chip, 0x40054034) == 0 and not chip.exceptions.line[16 + 2]
    advance(chip, 125)
    assert read(chip, 0x40054034) == 1 << 2                # INTR
    assert read(chip, 0x40054040) == 1 << 2                # INTS
    assert read(chip, 0x40054020) == 0                     # disarmed
    assert chip.exceptions.line[16 + 2]                    # TIMER_IRQ_2
    write(chip, 0x40054034, 1 << 2)
    assert not chip.exceptions.line[16 + 2]


def test_timer_reads_latch_the_high_word_and_writes_set_the_time(chip):
    start_clocks(chip)
    write(chip, 0x40054004, 0xFFFFFFF0)                    # TIMELW first
    write(chip, 0x40054000, 7)                             # then TIMEHW
    advance(chip, 20 * 125)
    assert read(chip, 0x4005400C) == 0x00000004            # TIMELR: wrapped
    assert read(chip, 0x40054008) == 8                     # TIMEHR latched by that read
    write(chip, 0x40054030, 1)                             # PAUSE
    advance(chip, 1000)
    assert read(chip, 0x40054028) == 4


# ------------------------------------------------------------------- UART
def test_uart_flags_fifo_and_character_timing(chip):
    start_clocks(chip)
    write(chip, 0x4000C000 + CLR, 1 << 22)
    uart = chip.peripherals["uart0"]
    sent = []
    uart.listeners.append(lambda data, time: sent.append((data, time)))
    assert read(chip, 0x40034018) == 0x90                  # FR: TXFE, RXFE
    assert [read(chip, 0x40034FE0 + 4 * n) for n in range(4)] == [0x11, 0x10, 0x34, 0x00]
    write(chip, 0x40034024, 67)                            # 115200 baud at 125 MHz
    write(chip, 0x40034028, 52)
    write(chip, 0x4003402C, 3 << 5 | 1 << 4)               # 8 bits, FIFOs on
    write(chip, 0x40034030, 1 | 1 << 8 | 1 << 9)           # UARTEN, TXE, RXE
    start = chip.now()
    for byte in range(33):                                 # 1 on the wire, 32 queued
        write(chip, 0x40034000, byte)
    flags = read(chip, 0x40034018)
    assert flags & (1 << 5) and flags & (1 << 3) and not flags & (1 << 7)   # TXFF, BUSY
    character = round((64 * 67 + 52) / 4 * 10)              # 10 bits of 16 x divisor clocks
    advance(chip, character - 1)
    assert sent == []
    advance(chip, 1)
    assert sent == [(b"\x00", start + character)]
    assert not read(chip, 0x40034018) & (1 << 5)
    uart.write_from_host(b"ok")
    advance(chip, 2 * character)
    assert not read(chip, 0x40034018) & (1 << 4)           # RXFE clear
    assert (read(chip, 0x40034000), read(chip, 0x40034000)) == (ord("o"), ord("k"))
    assert read(chip, 0x40034018) & (1 << 4)


def test_uart_tx_interrupt_rises_when_the_fifo_drains_to_its_level(chip):
    start_clocks(chip)
    write(chip, 0x4000C000 + CLR, 1 << 22)
    write(chip, 0x40034024, 67)
    write(chip, 0x4003402C, 3 << 5 | 1 << 4)
    write(chip, 0x40034038, 1 << 5)                        # IMSC: TX
    write(chip, 0x40034030, 1 | 1 << 8)
    for byte in range(20):
        write(chip, 0x40034000, byte)
    character = round(64 * 67 / 4 * 10)
    assert not read(chip, 0x4003403C) & (1 << 5)           # 19 queued > 16 (half)
    advance(chip, 3 * character)
    assert read(chip, 0x40034040) & (1 << 5)               # MIS: TX at 16
    assert chip.exceptions.line[16 + 20]                   # UART0_IRQ
    write(chip, 0x40034044, 1 << 5)                        # ICR
    assert not chip.exceptions.line[16 + 20]


# ------------------------------------------------------- SIO, IO_BANK0, PWM
def test_sio_gpio_set_clear_xor_and_cpuid_drive_the_pin_through_io_bank0(chip):
    assert read(chip, 0xD0000000) == 0                     # CPUID: core 0
    write(chip, 0x40014004 + 8 * 25, 5)                    # GPIO25_CTRL.FUNCSEL = SIO
    write(chip, 0xD0000024, 1 << 25)                       # GPIO_OE_SET
    write(chip, 0xD0000014, 1 << 25 | 1 << 3)              # GPIO_OUT_SET
    write(chip, 0xD0000018, 1 << 3)                        # GPIO_OUT_CLR
    assert read(chip, 0xD0000010) == 1 << 25
    assert read(chip, 0xD0000004) >> 25 & 1                # GPIO_IN sees the pad
    assert read(chip, 0x40014000 + 8 * 25) & (1 << 9 | 1 << 13) == 1 << 9 | 1 << 13
    write(chip, 0xD000001C, 1 << 25)                       # GPIO_OUT_XOR
    assert read(chip, 0xD0000010) == 0
    write(chip, 0x40014004 + 8 * 25, 5 | 3 << 8)           # OUTOVER: drive high
    assert [level for _, level in chip.peripherals["io_bank0"].history[25]] == [0, 1, 0, 1]
    assert read(chip, 0x40014004) == 0x1F                  # GPIO0_CTRL reset: null function


def test_pwm_slice_4_channel_b_drives_gp25_and_a_new_compare_applies_at_the_wrap(chip):
    assert read(chip, 0x40050000 + 0x14 * 4 + 0x10) == 0xFFFF   # CH4_TOP reset
    assert read(chip, 0x40050000 + 0x14 * 4 + 0x04) == 0x10     # CH4_DIV: 1.0
    write(chip, 0x40014004 + 8 * 25, 4)                    # GPIO25: PWM
    write(chip, 0x40050000 + 0x14 * 4 + 0x10, 999)         # TOP
    write(chip, 0x40050000 + 0x14 * 4 + 0x0C, 250 << 16)   # CC.B = 250
    write(chip, 0x400500A0, 1 << 4)                        # EN: slice 4
    io = chip.peripherals["io_bank0"]
    assert io.duty_history(25) == [(0, 0.25)]
    advance(chip, 300)
    assert read(chip, 0x40050000 + 0x14 * 4 + 0x08) == 300  # CTR
    write(chip, 0x40050000 + 0x14 * 4 + 0x0C, 750 << 16)
    assert io.duty_history(25) == [(0, 0.25), (1000, 0.75)]  # from the next wrap
    write(chip, 0x40050000 + 0x14 * 4 + 0x00, 1 | 1 << 3)  # B_INV: at once, not buffered
    assert io.duty_history(25) == [(0, 0.25), (300, 0.75), (1000, 0.25)]
    advance(chip, 800)
    assert read(chip, 0x400500A4) == 1 << 4                # INTR: wrapped
    write(chip, 0x400500A4, 1 << 4)
    assert read(chip, 0x400500A4) == 0
    assert io.duty_history(9) == []                        # GPIO9 (slice 4 B) is not PWM


# ------------------------------------------------------------ boot and apps
def _run(elf, platform, seconds):
    session = Session(platform, elf)
    try:
        session.run(seconds)
        return session, session.result()
    finally:
        session.close()


@pytest.fixture(scope="module")
def hello_elf(pico):
    return build("hello", pico).elf


def test_boot_rom_and_boot2_bring_up_xip_then_hello_runs_and_blinks_at_4_hz(pico, hello_elf):
    session, result = _run(hello_elf, pico, 5.0)
    assert result.end == "done", result.uart
    assert "hello from pico (FICR part 2040)" in result.uart
    assert "@lab loop cycles_loop=8022" in result.uart
    machine = session.machine
    assert machine.exceptions.vtor == 0x10000100
    ssi = machine.peripherals["xip_ssi"].regs
    assert (ssi.value("SSIENR"), ssi.value("BAUDR"), ssi.value("SPI_CTRLR0")) == \
        (1, 4, 0x03 << 24 | 2 << 8 | 6 << 2)               # boot2's 03h XIP setup
    led = result.leds["led1"]
    assert [level for _, level in led] == [0.0] + [1.0, 0.0] * 4
    times = [t for t, _ in led[1:]]
    assert all(math.isclose(b - a, 0.25, abs_tol=1e-6) for a, b in zip(times, times[1:]))


def test_the_boot_rom_refuses_a_boot2_whose_crc32_does_not_match(pico, hello_elf, tmp_path):
    corrupt = tmp_path / "app.elf"
    shutil.copy(hello_elf, corrupt)
    with open(corrupt, "r+b") as handle:
        offset = ELFFile(handle).get_section_by_name(".boot2")["sh_offset"]
        handle.seek(offset + 40)
        byte = handle.read(1)[0]
        handle.seek(offset + 40)
        handle.write(bytes([byte ^ 0x01]))
    session, result = _run(corrupt, pico, 1.0)
    assert result.end == "exit" and result.exit_code == 1
    assert "no valid boot2" in result.uart and "CRC32" in result.uart
    assert result.instructions < 20000                     # stopped in the boot ROM


def test_hello_world_drives_the_leds_brightness_through_pwm(pico):
    elf = build("hello_world", pico).elf
    session, result = _run(elf, pico, 30.0)
    assert result.end == "done", result.uart
    inferences = result.events_named("inference")
    assert len(inferences) == 40
    led = result.leds["led1"]
    times = [t for t, _ in led]
    for event in inferences:
        brightness = [v for t, v in led if t <= event["t"]][-1]
        expected = (math.sin(float(event["x"])) + 1) / 2
        assert abs(brightness - expected) < 0.05
    cycles = [int(e["cycles_inference"]) for e in inferences]
    assert 20000 < min(cycles) and max(cycles) < 60000     # soft float, no DSP on the M0+
    assert len(times) > 20


@pytest.mark.parametrize("option, value", [("--audio", "data/test/speech/yes"),
                                           ("--imu", "data/test/gestures/slope")])
def test_the_pico_says_it_has_no_such_sensor(option, value):
    sample = next(p for p in sorted((ROOT / value).rglob("*")) if p.suffix in (".wav", ".csv"))
    proc = subprocess.run([sys.executable, "-m", "lab.cli", "run", "firmware/apps/hello_world",
                           "--platform", "pico", option, str(sample)],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr
    assert "pico has no" in lines[0]


def test_model_runner_on_the_pico_gives_the_host_runtimes_bytes(pico):
    """micro_speech's int8 model through model_runner on the Cortex-M0+ (reference
    kernels where ARMv6-M lacks DSP instructions): the same bytes as the runtime on the
    host, which the runtime's own tests hold to TFLite Micro's."""
    import numpy as np
    from lab.model_firmware import FirmwareModel
    from lab.runtime import HostModel

    model = ROOT / "models" / "micro_speech" / "micro_speech.tflite"
    host = HostModel(model.read_bytes())
    firmware = FirmwareModel(model, pico)
    try:
        rng = np.random.default_rng(13)
        for _ in range(2):
            inputs = [rng.integers(-128, 128, size=t["bytes"], dtype=np.int8)
                      for t in firmware.inputs]
            got = firmware.invoke(inputs)
            want = host.run(*[i.reshape(t.shape) for i, t in zip(inputs, host.inputs)])
            assert [o.tobytes() for o in got.outputs] == [np.asarray(w).tobytes() for w in want]
            assert got.cycles > 0
    finally:
        firmware.close()


def test_scenarios_hold_the_pico_to_its_own_limits(tmp_path):
    """`expect.on_platform.pico` replaces the expectations it names for that board: the
    hello scenario checks the Pico's banner and loop count, not the nRF52840's."""
    import json
    proc = subprocess.run([sys.executable, "-m", "lab.cli", "run", "hello", "--platform", "pico",
                           "--json", "--results", str(tmp_path)],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr
    checks = {c["name"]: c for c in json.loads(proc.stdout)["checks"]}
    assert checks["UART shows 'hello from pico'"]["passed"]
    assert checks["UART shows '@lab loop cycles_loop=8022'"]["passed"]
    assert not any("nrf52840" in name for name in checks)
    scenario = tmp_path / "bad.yaml"
    scenario.write_text("name: bad\napp: hello\nplatforms: [pico]\nexpect:\n  on_platform:\n"
                        "    pico:\n      cycles_belw: {loop: 1}\n")
    bad = subprocess.run([sys.executable, "-m", "lab.cli", "run", str(scenario)],
                         capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert bad.returncode == 2 and "cycles_belw" in bad.stderr and "Traceback" not in bad.stderr
