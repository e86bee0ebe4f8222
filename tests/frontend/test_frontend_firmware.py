"""The front end as firmware: it builds for the Cortex-M4F without warnings, needs
nothing from the C library beyond string.h and math.h, and on the (emulated) board it
computes the same tables and features as the host build that matches TensorFlow."""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from arm_objects import M4F, arm_gcc, compile_objects, symbols
from lab.frontend import Frontend
from lab.frontend.build import FRONTEND_DIR, INCLUDE_DIR, sources

from .oracle import tensorflow_features

M4F_FLAGS = [*M4F, "-O2", "-Wall", "-Wextra"]
ALLOWED_HEADERS = {"string.h", "stdint.h", "math.h", "stddef.h"}
ALLOWED_CALLS = {"memcpy", "memmove", "memset", "cos", "sin", "floor", "log", "log1p", "log2",
                 "powf", "roundf"}
CHECK_APP = Path(__file__).resolve().parent / "firmware" / "frontend_check"


@pytest.fixture(scope="module")
def m4f_objects(tmp_path_factory):
    out = tmp_path_factory.mktemp("m4f")
    objects, warnings = [], []
    for standard in ("c99", "c11"):
        built = compile_objects(sources(), [f"-std={standard}", *M4F_FLAGS], INCLUDE_DIR, out,
                                suffix=f"-{standard}")
        objects += built[0]
        warnings += built[1]
    return objects, warnings


def test_compiles_for_cortex_m4f_without_warnings(m4f_objects):
    _, warnings = m4f_objects
    assert not warnings, "\n".join(warnings)


def test_calls_only_string_and_math_functions(m4f_objects):
    objects, _ = m4f_objects
    external = {s for s in symbols(objects, "-u")
                if not s.startswith(("fe_", "frontend_", "__aeabi_"))}
    assert external <= ALLOWED_CALLS, sorted(external - ALLOWED_CALLS)


def test_exports_only_prefixed_symbols(m4f_objects):
    objects, _ = m4f_objects
    exported = symbols(objects, "-g", "--defined-only")
    assert exported and all(s.startswith(("frontend_", "fe_")) for s in exported), sorted(exported)


def test_includes_only_allowed_system_headers():
    for path in FRONTEND_DIR.rglob("*.[ch]"):
        for header in re.findall(r"#include\s*<([^>]+)>", path.read_text()):
            assert header in ALLOWED_HEADERS, f"{path.name} includes <{header}>"


def check_signal() -> np.ndarray:
    """The check firmware's test signal: xorshift32 noise at 8 levels, one a square wave."""
    gains = [0, 60, 900, None, 14000, 32767, 3, 2500]
    state, out = 2463534242, np.zeros(16000, dtype=np.int16)
    for i in range(out.size):
        state ^= (state << 13) & 0xFFFFFFFF
        state ^= state >> 17
        state ^= (state << 5) & 0xFFFFFFFF
        noise = ((state >> 16) ^ 0x8000) - 0x8000
        gain = gains[i // 2000]
        out[i] = (32767 if (i // 20) % 2 else -32768) if gain is None else (noise * gain) >> 15
    return out


def fnv1a(data: bytes) -> int:
    value = 2166136261
    for byte in data:
        value = ((value ^ byte) * 16777619) & 0xFFFFFFFF
    return value


@pytest.fixture(scope="module")
def board_run():
    arm_gcc()
    from lab import platforms
    from lab.build import build
    from lab.engines.embedded.session import Session

    platform = platforms.load("nrf52840")
    session = Session(platform, build(str(CHECK_APP), platform).elf, app="frontend_check")
    try:
        session.run(5.0)
        result = session.result()
    finally:
        session.close()
    assert result.end == "done", result.uart
    return {e["event"]: e for e in result.events}


def test_board_computes_the_host_tables(board_run):
    """Window, twiddles, weights and LUTs from newlib and soft-float doubles: same bytes."""
    host = Frontend()
    tables = board_run["frontend_tables"]
    assert tables["status"] == 0
    assert tables["bytes"] == host.state_size
    assert tables["hash"] == fnv1a(host._state.raw)


def test_board_computes_the_host_features(board_run, tf):
    signal = check_signal()
    host = Frontend().process(signal)
    assert np.array_equal(host, tensorflow_features(tf, signal))
    board = board_run["frontend_features"]
    assert board["frames"] == host.shape[0] == 49
    assert board["hash"] == fnv1a(host.astype("<u2").tobytes())


def test_board_keeps_up_with_real_time(board_run, record_property):
    """A frame every 20 ms must cost far less than 20 ms of a 64 MHz core."""
    cycles = board_run["frontend_cycles"]
    record_property("cycles_per_frame", cycles)
    assert 0 < cycles["min"] <= cycles["mean"] <= cycles["max"] < 0.25 * 64e6 * 0.020
