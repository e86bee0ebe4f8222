"""Board models: unmodelled registers, LEDs, the hello app, determinism."""
from .conftest import event


def test_unmodelled_register_reads_zero_and_the_run_goes_on(run_firmware):
    result, session = run_firmware("unmodelled")
    assert result.end == "done", result.uart
    values = event(result, "unmodelled")
    assert values["radio"] == 0 and values["temp"] == 0
    assert {0x40001400, 0x40001504, 0x4000C508} <= set(session.machine.bus.unmodelled)


def test_hello_blinks_led1_at_4_hz_and_measures_its_loop(run_firmware_app):
    result, session = run_firmware_app("hello")
    assert result.end == "done"
    # Cortex-M4 timing (docs/timing.md): per turn LDR 2 + MLA 1 + ADDS 1 + CMP 1 + STR 1
    # + taken BNE 3 = 9; the first turn pipelines its LDR behind the CYCCNT read (8), the
    # last falls through (7); the two CYCCNT reads and two literal loads add 2 + 2 + 1.
    # From flash: the two literal loads wait 2 cycles each, and the loop's cache line
    # misses once (8 cycles).
    assert event(result, "loop")["cycles_loop"] == \
        2 + 8 + 998 * 9 + 7 + 2 + 1 + 2 * 2 + 8 == 9014
    gpio = session.machine.peripherals["gpio0"]
    toggles = [t for t, level in gpio.history[24]][1:]   # first entry: LED switched off
    periods = [round((b - a) / 64e6, 6) for a, b in zip(toggles, toggles[1:])]
    assert len(toggles) == 8
    assert set(periods[1:]) == {0.25}
    # the first handler run fetched from a cold flash cache, its toggle a little later
    assert toggles[1] - toggles[0] < 0.25 * 64e6 and periods[0] == 0.249999


def test_pwm_sequence_drives_led_brightness_over_virtual_time(run_firmware):
    result, session = run_firmware("pwm_duty")
    assert result.end == "done", result.uart
    trace = session.led_trace("led1")            # active low: brightness = 1 - duty
    pwm = [(t, b) for t, b in trace if 0 < b < 1]
    assert [round(b, 6) for _, b in pwm] == [0.75, 0.5, 0.75]
    steps = [round((b - a) * 64e6) for (a, _), (b, _) in zip(pwm, pwm[1:])]
    assert steps == [40000, 40000]                # 10 periods of 1000 ticks at 16 MHz
