"""The Private Peripheral Bus (0xE0000000-0xE00FFFFF): the core's own blocks.

Everything on it is for privileged code: an unprivileged access is a precise BusFault
(CFSR.PRECISERR, BFAR = the address) and never reaches a register, as on hardware and
in QEMU. The models here (SCS, DWT, and the blocks the lab does not model) share that
rule through PrivateBusModel.
"""
from __future__ import annotations

from ..peripheral import Peripheral

PPB = (0xE0000000, 0xE0100000)


class PrivateBusModel(Peripheral):
    """A model on the PPB: an unprivileged access faults instead of reaching it."""

    def allows_unprivileged(self, offset: int, write: bool) -> bool:
        """Registers that unprivileged code may use (none, unless a model says so)."""
        return False

    def read(self, offset: int, size: int) -> int:
        if self._refused(offset, write=False):
            return 0
        return super().read(offset, size)

    def write(self, offset: int, size: int, value: int) -> None:
        if not self._refused(offset, write=True):
            super().write(offset, size, value)

    def _refused(self, offset: int, write: bool) -> bool:
        return not self.allows_unprivileged(offset & ~3, write) and \
            self.machine.refuse_unprivileged(self.base + offset)


class UnmodelledPrivateBus(PrivateBusModel):
    """The rest of the PPB (ITM, FPB, TPIU, ROM table ...): not modelled, so reads give 0
    (each register logged once) and writes are ignored, but only for privileged code."""

    def __init__(self, machine, modelled: list[tuple[int, int]], name="ppb"):
        super().__init__(machine, name, PPB[0])
        self._windows, start = [], PPB[0]
        for begin, end in sorted(modelled):
            if begin > start:
                self._windows.append((start, begin))
            start = max(start, end)
        if start < PPB[1]:
            self._windows.append((start, PPB[1]))

    def windows(self) -> list[tuple[int, int]]:
        return self._windows
