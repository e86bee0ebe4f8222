"""The core's registers as GDB sees them: one table that gives GDB's register
numbers, the target description XML (GDB manual, "Target Descriptions", features
org.gnu.gdb.arm.m-profile, org.gnu.gdb.arm.vfp, org.gnu.gdb.arm.m-system) and the
Unicorn register behind each.

Numbers follow the table's order: r0-r12, sp, lr, pc, xpsr, then d0-d15 and fpscr on
cores with an FPU, then msp, psp and the special registers.
"""
from __future__ import annotations

from dataclasses import dataclass

from unicorn import arm_const as A

ARMV6M_CORES = ("cortex-m0", "cortex-m0plus")


@dataclass(frozen=True)
class Register:
    name: str
    bits: int
    uc_id: int
    feature: str
    type: str = "int"
    group: str | None = None


def _core_registers() -> list[Register]:
    regs = [Register(f"r{i}", 32, A.UC_ARM_REG_R0 + i, "m-profile", "uint32")
            for i in range(13)]
    regs += [Register("sp", 32, A.UC_ARM_REG_SP, "m-profile", "data_ptr"),
             Register("lr", 32, A.UC_ARM_REG_LR, "m-profile", "int"),
             Register("pc", 32, A.UC_ARM_REG_PC, "m-profile", "code_ptr"),
             Register("xpsr", 32, A.UC_ARM_REG_XPSR, "m-profile", "int")]
    return regs


def _fp_registers() -> list[Register]:
    regs = [Register(f"d{i}", 64, A.UC_ARM_REG_D0 + i, "vfp", "ieee_double", "float")
            for i in range(16)]
    return regs + [Register("fpscr", 32, A.UC_ARM_REG_FPSCR, "vfp", "int", "float")]


def _system_registers(core: str) -> list[Register]:
    regs = [Register("msp", 32, A.UC_ARM_REG_MSP, "m-system", "data_ptr", "system"),
            Register("psp", 32, A.UC_ARM_REG_PSP, "m-system", "data_ptr", "system"),
            Register("primask", 32, A.UC_ARM_REG_PRIMASK, "special", "int", "system")]
    if core not in ARMV6M_CORES:       # ARMv6-M has no BASEPRI or FAULTMASK
        regs += [Register("basepri", 32, A.UC_ARM_REG_BASEPRI, "special", "int", "system"),
                 Register("faultmask", 32, A.UC_ARM_REG_FAULTMASK, "special", "int",
                          "system")]
    return regs + [Register("control", 32, A.UC_ARM_REG_CONTROL, "special", "int", "system")]


def registers_of(core: str, has_fpu: bool) -> list[Register]:
    """GDB's view of `core` (a platforms core name), in register-number order."""
    regs = _core_registers()
    if has_fpu:
        regs += _fp_registers()
    return regs + _system_registers(core)


FEATURE_NAMES = {"m-profile": "org.gnu.gdb.arm.m-profile", "vfp": "org.gnu.gdb.arm.vfp",
                 "m-system": "org.gnu.gdb.arm.m-system",
                 "special": "org.virtual-mcu-lab.cortex-m.special"}


def target_xml(registers: list[Register]) -> str:
    """The target description GDB reads with qXfer:features:read:target.xml."""
    lines = ['<?xml version="1.0"?>', '<!DOCTYPE target SYSTEM "gdb-target.dtd">',
             "<target>", "  <architecture>arm</architecture>"]
    feature = None
    for number, reg in enumerate(registers):
        if reg.feature != feature:
            if feature is not None:
                lines.append("  </feature>")
            feature = reg.feature
            lines.append(f'  <feature name="{FEATURE_NAMES[feature]}">')
        group = f' group="{reg.group}"' if reg.group else ""
        lines.append(f'    <reg name="{reg.name}" bitsize="{reg.bits}" regnum="{number}" '
                     f'type="{reg.type}"{group}/>')
    lines += ["  </feature>", "</target>"]
    return "\n".join(lines) + "\n"
