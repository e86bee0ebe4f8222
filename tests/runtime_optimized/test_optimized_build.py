"""The optimized kernels build as the runtime's rules ask (tests/runtime checks the
same without LABRT_OPTIMIZED): arm-none-eabi-gcc for Cortex-M4F without a warning,
calling nothing from the C library beyond string.h, exporting only labrt_* symbols;
the DSP instructions on the M4, plain C on cores without them and in unoptimized
builds; nothing at all without the define."""
import shutil
import subprocess

import pytest

from arm_objects import M4F, compile_objects, symbols
from lab.runtime.build import INCLUDE_DIR, RUNTIME_DIR, runtime_sources

OPTIMIZED_DIR = RUNTIME_DIR / "kernels" / "optimized"
FLAGS = ["-std=c99", "-O2", "-ffunction-sections", "-Wall", "-Wextra", "-pedantic"]
ALLOWED_LIBRARY_CALLS = {"memcpy", "memmove", "memset", "memcmp", "strlen", "expf", "tanhf",
                         "fabsf", "roundf", "round", "floor", "frexp", "ldexp"}


def compile_all(out, cpu_flags, extra=(), sources=None):
    """Objects and compiler messages for every runtime source."""
    return compile_objects(sources or runtime_sources(), [*cpu_flags, *FLAGS, *extra], INCLUDE_DIR, out)



def disassembly(objects) -> str:
    return subprocess.run(["arm-none-eabi-objdump", "-d", *map(str, objects)],
                          capture_output=True, text=True, check=True).stdout


def test_sources_are_part_of_the_runtime():
    sources = set(runtime_sources())
    assert {OPTIMIZED_DIR / f for f in ("conv_2d.c", "depthwise_conv_2d.c", "fully_connected.c",
                                        "average_pool_2d.c", "max_pool_2d.c", "add.c",
                                        "matmul.c", "requantize.c")} <= sources


def test_cortex_m4f_build_with_the_define(tmp_path):
    objects, messages = compile_all(tmp_path, M4F, ["-DLABRT_OPTIMIZED=1"])
    assert not messages, "\n".join(messages)
    external = {s for s in symbols(objects, "-u") if not s.startswith(("labrt_", "__aeabi_"))}
    assert external <= ALLOWED_LIBRARY_CALLS, sorted(external - ALLOWED_LIBRARY_CALLS)
    exported = symbols(objects, "-g", "--defined-only")
    assert all(s.startswith("labrt_") for s in exported), sorted(exported)
    assert "labrt_kernel_conv_2d_optimized" in exported
    code = disassembly([o for o in objects if o.name.startswith("optimized-")])
    for instruction in ("smlad", "sxtb16", "sxtab16", "smlabb", "smlatt", "smmlar", "ssat",
                        "ssub8", "sel"):
        assert f"\t{instruction}" in code, instruction


def test_without_the_define_the_optimized_files_are_empty(tmp_path):
    sources = sorted(OPTIMIZED_DIR.glob("*.c"))
    objects, messages = compile_all(tmp_path, M4F, sources=sources)
    assert not messages, "\n".join(messages)
    assert symbols(objects, "--defined-only") == set()
    resolver = compile_all(tmp_path, M4F, sources=[RUNTIME_DIR / "src" / "resolver.c"])[0]
    assert not any("optimized" in s for s in symbols(resolver, "-u"))


@pytest.mark.parametrize("cpu", [["-mcpu=cortex-m0", "-mthumb"], ["-mcpu=cortex-m0plus", "-mthumb"],
                                 ["-mcpu=cortex-m3", "-mthumb"], [*M4F, "-O0"]],
                         ids=["cortex-m0", "cortex-m0plus", "cortex-m3", "m4f-O0"])
def test_portable_path_without_dsp_or_optimization(tmp_path, cpu):
    """Cores without the DSP extension get plain C; an -O0 build (no registers to spare
    for the assembly loops) still compiles."""
    sources = sorted(OPTIMIZED_DIR.glob("*.c"))
    objects, messages = compile_all(tmp_path, cpu, ["-DLABRT_OPTIMIZED=1"], sources)
    assert not messages, "\n".join(messages)
    code = disassembly(objects)
    if "-O0" in cpu:
        assert "\tsmlad" in code and "sxtb16\t" in code  # intrinsics, not the assembly loops
    else:
        assert "\tsmlad" not in code and "sxtb16" not in code and "ssub8" not in code


def test_host_build_is_warning_free_and_pedantic(tmp_path):
    gcc = shutil.which("gcc") or pytest.skip("no host gcc")
    for source in sorted(OPTIMIZED_DIR.glob("*.c")):
        for define in ([], ["-DLABRT_OPTIMIZED=1"]):
            proc = subprocess.run([gcc, *FLAGS, "-fPIC", *define, f"-I{INCLUDE_DIR}", "-c",
                                   str(source), "-o", str(tmp_path / "x.o")],
                                  capture_output=True, text=True)
            assert proc.returncode == 0 and not proc.stderr.strip(), proc.stderr
