"""Maps peripheral models into Unicorn's address space as MMIO regions.

Unicorn maps MMIO in pages (1 KiB for ARM). A page owned by one model calls that
model directly; a page shared by several models (nRF GPIO P0 and P1 share one
4 KiB block) dispatches by address. Pages in the board's peripheral ranges that
no model claims read as 0 and log each address once: unmodelled registers never
crash a run.
"""
from __future__ import annotations

import logging
from collections import defaultdict

log = logging.getLogger("lab.bus")

PAGE = 0x400


class Bus:
    def __init__(self, machine):
        self.machine = machine
        self.peripherals = []
        self._logged: set[int] = set()
        self.unmodelled: dict[int, int] = {}  # address -> accesses, for reports

    def attach(self, peripheral) -> None:
        self.peripherals.append(peripheral)

    def map(self, uc, ranges: list[tuple[int, int]]) -> None:
        """Map every model's windows, and `ranges` (start, end) as unmodelled space."""
        owners: dict[int, list] = defaultdict(list)
        for peripheral in self.peripherals:
            for start, end in peripheral.windows():
                for page in range(start & ~(PAGE - 1), end, PAGE):
                    owners[page].append((start, end, peripheral))
        for page, claims in sorted(owners.items()):
            uc.mmio_map(page, PAGE, *self._callbacks(page, claims))
        for start, end in ranges:
            self._map_unclaimed(uc, start, end, owners)

    def _map_unclaimed(self, uc, start, end, owners) -> None:
        run_start = None
        for page in range(start, end + PAGE, PAGE):
            unclaimed = page < end and not owners.get(page)
            if unclaimed and run_start is None:
                run_start = page
            elif not unclaimed and run_start is not None:
                uc.mmio_map(run_start, page - run_start, self._read_unmodelled, run_start,
                            self._write_unmodelled, run_start)
                run_start = None

    def _callbacks(self, page, claims):
        machine = self.machine
        if len({id(p) for _, _, p in claims}) == 1:
            peripheral = claims[0][2]
            delta = page - peripheral.base

            def read(uc, offset, size, _):
                machine.begin_access(page + offset)
                return peripheral.read(offset + delta, size)

            def write(uc, offset, size, value, _):
                machine.begin_access(page + offset)
                peripheral.write(offset + delta, size, value)

            return read, None, write, None

        def shared_read(uc, offset, size, _):
            address = page + offset
            machine.begin_access(address)
            for start, end, peripheral in claims:
                if start <= address < end:
                    return peripheral.read(address - peripheral.base, size)
            return self._read_unmodelled(uc, offset, size, page)

        def shared_write(uc, offset, size, value, _):
            address = page + offset
            machine.begin_access(address)
            for start, end, peripheral in claims:
                if start <= address < end:
                    peripheral.write(address - peripheral.base, size, value)
                    return
            self._write_unmodelled(uc, offset, size, value, page)

        return shared_read, None, shared_write, None

    def _read_unmodelled(self, uc, offset, size, region_start):
        self._note(region_start + offset, "read")
        return 0

    def _write_unmodelled(self, uc, offset, size, value, region_start):
        self._note(region_start + offset, f"write of 0x{value:X}")

    def _note(self, address: int, what: str) -> None:
        self.unmodelled[address] = self.unmodelled.get(address, 0) + 1
        if address not in self._logged:
            self._logged.add(address)
            log.warning("unmodelled register 0x%08X: %s (reads as 0)", address, what)

    def reset(self) -> None:
        for peripheral in self.peripherals:
            peripheral.reset()
