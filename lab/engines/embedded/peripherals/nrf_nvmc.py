"""nRF52840 NVMC (non-volatile memory controller) at 0x4001E000: the I-Code cache.

The flash instruction cache itself lives in the timing model (labcore timing.c), which
charges the flash wait states a fetch costs on a miss. This block is its register face:
ICACHECNF.CACHEEN turns it on (off after reset; disabling invalidates every line),
CACHEPROFEN lets IHIT/IMISS count, and writing IHIT/IMISS sets them (firmware writes 0
to clear). Writing and erasing flash are not modelled: READY always reads ready.
Registers: nRF52840 product specification, NVMC chapter (and Nordic's MDK nrf52840.h).
"""
from __future__ import annotations

from ..peripheral import Peripheral
from ..registers import RO


class Nvmc(Peripheral):
    def __init__(self, machine, name, base, irq=None, **options):
        super().__init__(machine, name, base, irq, **options)
        r = self.regs
        r.define(0x400, "READY").with_flag(0, "READY", mode=RO, reset=1)
        r.define(0x408, "READYNEXT").with_flag(0, "READYNEXT", mode=RO, reset=1)
        r.define(0x504, "CONFIG").with_value_field(0, 2, "WEN")
        r.define(0x540, "ICACHECNF") \
            .with_flag(0, "CACHEEN", write=self._cache_enable) \
            .with_flag(8, "CACHEPROFEN", write=self._profiling)
        r.define(0x548, "IHIT").with_value_field(0, 32, "HITS", value=lambda: self._count("ihit"),
                                                 write=lambda v: self._set("ihit", v))
        r.define(0x54C, "IMISS").with_value_field(0, 32, "MISSES",
                                                  value=lambda: self._count("imiss"),
                                                  write=lambda v: self._set("imiss", v))

    @property
    def _timing(self):
        return self.machine.core.timing   # None with `timing: instructions`

    def _cache_enable(self, enabled: int) -> None:
        self.machine.core.enable_icache(bool(enabled))

    def _profiling(self, enabled: int) -> None:
        if self._timing is not None:
            self._timing.icache_profiling = enabled

    def _count(self, counter: str) -> int:
        return getattr(self._timing, counter) & 0xFFFFFFFF if self._timing is not None else 0

    def _set(self, counter: str, value: int) -> None:
        if self._timing is not None:
            setattr(self._timing, counter, value)

    def reset(self) -> None:
        super().reset()
        self._cache_enable(0)
        self._profiling(0)
