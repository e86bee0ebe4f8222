"""Cores without the DSP extension: the runtime built for ARMv6-M (Cortex-M0+, by
arm-none-eabi-gcc) runs on Unicorn's Cortex-M0, which executes ARMv6-M only (a
Thumb-2 or DSP instruction would be undefined there). The lab has no M0+ board yet, so
a small harness links the runtime on its own: the test writes the model and the input
into RAM, calls the harness's functions and reads the output back. The optimized build
(plain C there: no SXTB16/SMLAD/SMMLAR/SSAT) must give TFLite Micro's bytes, as the
reference build does, in fewer instructions."""
import subprocess

import numpy as np
import pytest
from elftools.elf.elffile import ELFFile
from unicorn import UC_ARCH_ARM, UC_HOOK_BLOCK, UC_MODE_MCLASS, UC_MODE_THUMB, Uc
from unicorn import arm_const

from arm_objects import arm_gcc
from lab.runtime.build import INCLUDE_DIR, runtime_sources
from test_optimized_mlperf import bench

CPU = ["-mcpu=cortex-m0plus", "-mthumb"]
FLASH, RAM, RAM_SIZE = 0x00000000, 0x20000000, 0x80000
RETURN = 0x000F0000            # where the harness's functions return to: the run ends there
MODELS = ("ds_cnn", "resnet8")

HARNESS = r"""
#include <string.h>
#include "labrt.h"

uint8_t model_buffer[96 * 1024] __attribute__((aligned(16)));
uint32_t model_size;
int8_t input_buffer[4096], output_buffer[256];
static uint8_t arena[160 * 1024] __attribute__((aligned(16)));
static labrt_runtime runtime;

int32_t harness_init(void)
{
    return labrt_init(&runtime, model_buffer, model_size, arena, sizeof arena);
}

int32_t harness_invoke(void)
{
    labrt_tensor_info in, out;
    labrt_status status;
    labrt_input(&runtime, 0, &in);
    memcpy(in.data, input_buffer, in.bytes);
    status = labrt_invoke(&runtime);
    labrt_output(&runtime, 0, &out);
    memcpy(output_buffer, out.data, out.bytes);
    return status;
}
"""

LINKER_SCRIPT = """
MEMORY { FLASH (rx) : ORIGIN = 0x00000000, LENGTH = 960K
         RAM (rwx) : ORIGIN = 0x20000000, LENGTH = 512K }
SECTIONS {
  .text : { *(.text*) *(.rodata*) } > FLASH
  .ARM.exidx : { *(.ARM.exidx*) } > FLASH
  .data : { *(.data*) } > RAM
  .bss (NOLOAD) : { *(.bss*) *(COMMON) } > RAM
}
"""


def build(tmp_path, variant: str):
    """The harness and the runtime (reference or optimized kernels) for Cortex-M0+."""
    (tmp_path / "harness.c").write_text(HARNESS)
    (tmp_path / "harness.ld").write_text(LINKER_SCRIPT)
    elf = tmp_path / f"harness-{variant}.elf"
    optimized = "1" if variant == "optimized" else "0"
    proc = subprocess.run(
        [arm_gcc(), *CPU, "-O2", "-std=c99", "-Wall", "-Wextra", "-ffunction-sections",
         "-fdata-sections", f"-DLABRT_OPTIMIZED={optimized}", f"-I{INCLUDE_DIR}",
         str(tmp_path / "harness.c"), *map(str, runtime_sources()), "-nostartfiles",
         "--specs=nano.specs", f"-Wl,-T,{tmp_path / 'harness.ld'}", "-Wl,--gc-sections",
         "-Wl,-e,harness_init", "-Wl,-u,harness_invoke", "-lm", "-o", str(elf)],
        capture_output=True, text=True)
    assert proc.returncode == 0 and "warning" not in proc.stderr, proc.stderr
    return elf


class CortexM0:
    """An ELF on Unicorn's Cortex-M0, its functions called one at a time, instructions
    counted per translated block."""

    def __init__(self, elf_path):
        self.uc = Uc(UC_ARCH_ARM, UC_MODE_THUMB | UC_MODE_MCLASS)
        self.uc.ctl_set_cpu_model(arm_const.UC_CPU_ARM_CORTEX_M0)
        self.uc.mem_map(FLASH, 0x100000)
        self.uc.mem_map(RAM, RAM_SIZE)
        self.symbols = {}
        with open(elf_path, "rb") as handle:
            elf = ELFFile(handle)
            for segment in elf.iter_segments():
                if segment["p_type"] == "PT_LOAD" and segment["p_filesz"]:
                    self.uc.mem_write(segment["p_vaddr"], segment.data()[:segment["p_filesz"]])
            for symbol in elf.get_section_by_name(".symtab").iter_symbols():
                self.symbols[symbol.name] = symbol["st_value"]
        self.sizes: dict[int, int] = {}
        self.instructions = 0
        self.uc.hook_add(UC_HOOK_BLOCK, self._count)

    def _count(self, uc, address, size, user_data):
        if address not in self.sizes:   # Thumb: 0b11101/11110/11111 start 32-bit instructions
            code, count, at = bytes(uc.mem_read(address, size)), 0, 0
            while at < size:
                at += 4 if (code[at + 1] >> 3) in (0b11101, 0b11110, 0b11111) else 2
                count += 1
            self.sizes[address] = count
        self.instructions += self.sizes[address]

    def call(self, name: str) -> tuple[int, int]:
        """(return value, instructions) of the function `name`."""
        self.uc.reg_write(arm_const.UC_ARM_REG_SP, RAM + RAM_SIZE)
        self.uc.reg_write(arm_const.UC_ARM_REG_LR, RETURN | 1)
        before = self.instructions
        self.uc.emu_start(self.symbols[name] | 1, RETURN, count=500_000_000)
        assert self.uc.reg_read(arm_const.UC_ARM_REG_PC) == RETURN, f"{name} did not return"
        result = self.uc.reg_read(arm_const.UC_ARM_REG_R0)
        return result - (1 << 32) if result >= 1 << 31 else result, self.instructions - before

    def write(self, symbol: str, data: bytes) -> None:
        self.uc.mem_write(self.symbols[symbol], data)

    def read(self, symbol: str, size: int) -> bytes:
        return bytes(self.uc.mem_read(self.symbols[symbol], size))


def test_armv6m_objects_have_no_dsp_or_thumb2_data_instructions(tmp_path):
    elf = build(tmp_path, "optimized")
    code = subprocess.run(["arm-none-eabi-objdump", "-d", str(elf)], capture_output=True,
                          text=True, check=True).stdout
    for instruction in ("sxtb16", "sxtab16", "smlad", "smlabb", "smmlar", "ssat", "ssub8", "sel",
                        "ldrd"):
        assert f"\t{instruction}" not in code, instruction


@pytest.fixture(scope="module")
def harnesses(tmp_path_factory):
    out = tmp_path_factory.mktemp("armv6m")
    return {variant: build(out, variant) for variant in ("reference", "optimized")}


@pytest.mark.parametrize("name", MODELS)
def test_armv6m_runtime_matches_tflm_and_the_optimized_build_is_faster(name, harnesses):
    path = bench.model_path(name, "small")
    model = path.read_bytes()
    input_sets = bench.random_inputs(path, 2)
    expected = bench.tflm_outputs(path, input_sets)
    counts = {}
    for variant, elf in harnesses.items():
        core = CortexM0(elf)
        core.write("model_buffer", model)
        core.write("model_size", len(model).to_bytes(4, "little"))
        status, _ = core.call("harness_init")
        assert status == 0, f"{variant}: labrt_init status {status}"
        counts[variant] = []
        for inputs, want in zip(input_sets, expected):
            core.write("input_buffer", inputs[0].tobytes())
            status, instructions = core.call("harness_invoke")
            assert status == 0
            got = np.frombuffer(core.read("output_buffer", want[0].nbytes), dtype=np.int8)
            assert got.tobytes() == want[0].tobytes(), f"{name} {variant}"
            counts[variant].append(instructions)
    reference, optimized = min(counts["reference"]), max(counts["optimized"])
    print(f"{name} (small) on ARMv6-M: reference {reference}, optimized {optimized} "
          f"instructions ({reference / optimized:.1f}x)")
    assert optimized < reference / 2
