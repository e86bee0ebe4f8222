"""`lab run --vcd`: the waveform parses with pyvcd's reader, and what it shows agrees
with the run: LED toggles at the RTC period, UART frames at the baud rate that decode
to the UART text, the PWM duty behind the LED result, the UART's interrupt line."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from vcd.reader import TokenKind, tokenize

ROOT = Path(__file__).resolve().parents[2]
WAIT_S = 120
NS = 1e-9


def run_with_vcd(app: str, vcd: Path) -> dict:
    run = subprocess.run([sys.executable, "-m", "lab.cli", "run", app, "--platform", "nrf52840",
                          "--vcd", str(vcd), "--json", "--results", str(vcd.parent / "results")],
                         cwd=ROOT, capture_output=True, text=True, timeout=WAIT_S)
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    return data.get("result", data)


def read_vcd(path: Path) -> tuple[str, dict[str, list]]:
    """(timescale, {scope.name: [(time, value)]}) by pyvcd's tokenizer."""
    names, scopes, changes, timescale, now = {}, [], {}, None, 0
    with open(path, "rb") as f:
        for token in tokenize(f):
            if token.kind is TokenKind.TIMESCALE:
                timescale = str(token.data)
            elif token.kind is TokenKind.SCOPE:
                scopes.append(token.data.ident)
            elif token.kind is TokenKind.UPSCOPE:
                scopes.pop()
            elif token.kind is TokenKind.VAR:
                name = ".".join(scopes + [token.data.reference])
                names[token.data.id_code] = name
                changes[name] = []
            elif token.kind is TokenKind.CHANGE_TIME:
                now = token.data
            elif token.kind in (TokenKind.CHANGE_SCALAR, TokenKind.CHANGE_REAL):
                changes[names[token.data.id_code]].append((now, token.data.value))
    return timescale, changes


def decode_uart(levels: list, bit_ns: float) -> bytes:
    """Bytes on a UART line (8N1) sampled at the middle of each bit."""
    def level_at(t):
        value = 1
        for time, v in levels:
            if time > t:
                break
            value = v
        return value

    out = bytearray()
    falls = [t for (t, v), (_, before) in zip(levels[1:], levels) if v == "0" and before == "1"]
    busy_until = -1.0
    for start in falls:
        if start < busy_until:
            continue
        bits = [level_at(start + (k + 0.5) * bit_ns) for k in range(10)]
        assert bits[0] == "0" and bits[9] == "1", f"framing error at {start} ns"
        out.append(sum(int(b) << i for i, b in enumerate(bits[1:9])))
        busy_until = start + 9.5 * bit_ns
    return bytes(out)


@pytest.fixture(scope="module")
def hello(tmp_path_factory):
    vcd = tmp_path_factory.mktemp("vcd") / "hello.vcd"
    return run_with_vcd("hello", vcd), read_vcd(vcd)


def test_hello_led_toggles_at_the_rtc_period(hello):
    result, (timescale, signals) = hello
    assert timescale == "1 ns"
    led = [(t, v) for t, v in signals["board.gpio0.P0_24_led1"] if v in ("0", "1")]
    edges = [t for (t, v), (_, before) in zip(led[1:], led) if v != before]
    assert len(edges) == 8                               # BLINKS in hello's main.c
    # 8192 ticks of the 32768 Hz RTC; the ISR that toggles may start a cycle (15.6 ns)
    # earlier or later, as the interrupt is taken at the next instruction boundary. The
    # first run of the ISR fetches from a cold flash cache (tests/engine/test_board.py):
    # its toggle comes later, so the first period is up to a microsecond short.
    periods = [b - a for a, b in zip(edges, edges[1:])]
    assert 250_000_000 - 1_000 <= periods[0] <= 250_000_000 + 32
    for period in periods[1:]:
        assert abs(period - 250_000_000) <= 32
    # the run's LED trace is the same pin, inverted (active low), at the same times
    trace = result["leds"]["led1"]
    assert all(abs(round(t / NS) - edge) <= 1 for (t, _), edge in zip(trace[-8:], edges))


def test_hello_uart_tx_frames_run_at_the_baud_rate_and_decode_to_the_uart_text(hello):
    result, (_, signals) = hello
    tx = signals["board.uart0.tx"]
    bit_ns = 1e9 / 115108          # BAUDRATE 0x01D60000 (115200) is 115108 baud
    checked, frame_start = 0, None
    for (t, level), (_, before) in zip(tx[1:], tx):
        if frame_start is None or t > frame_start + 9.5 * bit_ns:
            frame_start = t if level == "0" and before == "1" else None   # a start bit
            continue
        bits = (t - frame_start) / bit_ns      # an edge inside the frame: on a bit boundary
        assert abs(bits - round(bits)) * bit_ns <= 16, (frame_start, t)   # one 64 MHz cycle
        checked += 1
    assert checked > 100
    assert decode_uart(tx, bit_ns).decode() == result["uart"]


def test_hello_uart_interrupt_line_rises_and_falls(hello):
    _, (_, signals) = hello
    line = signals["board.irq.uart0_irq2"]
    assert [v for _, v in line[:3]] == ["0", "1", "0"]


def test_hello_world_pwm_duty_in_the_vcd_matches_the_led_result(tmp_path):
    vcd = tmp_path / "hello_world.vcd"
    result = run_with_vcd("hello_world", vcd)
    _, signals = read_vcd(vcd)
    duty = [(t, v) for t, v in signals["board.pwm0.P0_24_duty"] if t > 0]
    brightness = [(t, round(1.0 - v, 6)) for t, v in duty]   # active low
    expected = [(round(t / NS), v) for t, v in result["leds"]["led1"]]
    assert len(brightness) == len(expected) > 10
    for (t, b), (t_led, b_led) in zip(brightness, expected):
        assert abs(t - t_led) <= 1 and b == b_led


def test_vcd_option_wants_a_writable_file(tmp_path):
    run = subprocess.run([sys.executable, "-m", "lab.cli", "run", "hello", "--platform",
                          "nrf52840", "--vcd", str(tmp_path / "no" / "such.vcd")],
                         cwd=ROOT, capture_output=True, text=True, timeout=WAIT_S)
    assert run.returncode == 2 and "does not exist" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1


def test_uart_rx_line_carries_what_the_host_sent(tmp_path):
    vcd = tmp_path / "echo.vcd"
    run = subprocess.run([sys.executable, "-m", "lab.cli", "run", "tests/firmware/uart_echo",
                          "--platform", "nrf52840", "--uart", "stdio", "--vcd", str(vcd),
                          "--timeout", "60"], input="ping\nquit\n", cwd=ROOT,
                         capture_output=True, text=True, timeout=WAIT_S)
    assert run.returncode == 0, run.stderr
    _, signals = read_vcd(vcd)
    bit_ns = 1e9 / 115108
    assert decode_uart(signals["board.uart0.rx"], bit_ns) == b"ping\nquit\n"
    assert decode_uart(signals["board.uart0.tx"], bit_ns).startswith(b"echo: ready\necho: ping\n")
