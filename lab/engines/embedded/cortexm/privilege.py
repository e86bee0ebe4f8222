"""Privilege: CONTROL.nPRIV and what unprivileged code may not do (ARMv7-M ARM B5.2).

Thread mode runs unprivileged while CONTROL.nPRIV is set; handler mode is always
privileged. Unicorn runs QEMU's M-profile MRS/MSR/CPS code, so unprivileged
*instructions* already follow the ARMv7-M ARM (measured): MSR to CONTROL, PRIMASK,
BASEPRI, FAULTMASK, MSP and PSP is ignored, MRS of MSP, PSP and the masks reads 0, CPS
is ignored. Unicorn's register API goes through the same code, though: while thread
mode is unprivileged, the lab itself would read MSP as 0 and lose its writes to
CONTROL, MSP and PSP. The lab plays the hardware, so it lifts nPRIV while it reads and
writes those registers (lifted(), masks()) and puts it back afterwards.

What the lab enforces itself: the Private Peripheral Bus (System Control Space, DWT,
the rest of 0xE0000000..) is for privileged code; an unprivileged access is a precise
BusFault (the PPB models ask the machine, see ppb.py).
"""
from __future__ import annotations

from contextlib import contextmanager

from unicorn import arm_const as A

CONTROL_NPRIV = 1
HANDLER_MODE = 3   # any exception number puts the core in (privileged) handler mode


def in_thread_mode(uc) -> bool:
    return uc.reg_read(A.UC_ARM_REG_IPSR) & 0x1FF == 0


def unprivileged(uc) -> bool:
    """Is the code now running unprivileged? (CONTROL and IPSR read the same at any level.)"""
    return bool(uc.reg_read(A.UC_ARM_REG_CONTROL) & CONTROL_NPRIV) and in_thread_mode(uc)


def clear_npriv(uc) -> bool:
    """Clear CONTROL.nPRIV in either mode; returns whether it was set.

    Only privileged code can write CONTROL, so from unprivileged thread mode the write is
    made in handler mode (IPSR briefly non-zero), where ARMv7-M ignores writes to
    CONTROL.SPSEL: the stack pointers stay where they are."""
    control = uc.reg_read(A.UC_ARM_REG_CONTROL)
    if not control & CONTROL_NPRIV:
        return False
    thread = in_thread_mode(uc)
    if thread:
        uc.reg_write(A.UC_ARM_REG_IPSR, HANDLER_MODE)
    uc.reg_write(A.UC_ARM_REG_CONTROL, control & ~CONTROL_NPRIV)
    if thread:
        uc.reg_write(A.UC_ARM_REG_IPSR, 0)
    return True


def set_npriv(uc) -> None:
    """Set CONTROL.nPRIV (the core is privileged now: handler mode, or nPRIV clear)."""
    uc.reg_write(A.UC_ARM_REG_CONTROL, uc.reg_read(A.UC_ARM_REG_CONTROL) | CONTROL_NPRIV)


@contextmanager
def lifted(uc):
    """nPRIV cleared while the lab works on the special registers, then set again if it
    was: exception entry and return keep CONTROL.nPRIV as the code left it."""
    was_set = clear_npriv(uc)
    try:
        yield
    finally:
        if was_set:
            set_npriv(uc)


def masks(uc) -> tuple[int, int, int]:
    """(PRIMASK, BASEPRI, FAULTMASK) as the core holds them, whatever the privilege."""
    with lifted(uc):
        return (uc.reg_read(A.UC_ARM_REG_PRIMASK) & 1, uc.reg_read(A.UC_ARM_REG_BASEPRI) & 0xFF,
                uc.reg_read(A.UC_ARM_REG_FAULTMASK) & 1)
