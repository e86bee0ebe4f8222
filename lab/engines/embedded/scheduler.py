"""Timed events in virtual time (core clock cycles).

Peripherals schedule callbacks; the machine runs the CPU up to the next
deadline, then fires every event that is due, in time order (ties in the order
they were scheduled, so runs are deterministic).
"""
from __future__ import annotations

import heapq
import itertools
from typing import Callable

NEVER = (1 << 64) - 1


class Event:
    __slots__ = ("time", "callback", "cancelled")

    def __init__(self, time: int, callback: Callable[[int], None]):
        self.time = time
        self.callback = callback
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


class Scheduler:
    def __init__(self, on_new_event: Callable[[int], None] | None = None):
        self._heap: list[tuple[int, int, Event]] = []
        self._order = itertools.count()
        self._on_new_event = on_new_event   # lets the CPU stop earlier for a new event

    def at(self, time: int, callback: Callable[[int], None]) -> Event:
        """Call callback(time) when virtual time reaches `time` (cycles)."""
        event = Event(int(time), callback)
        heapq.heappush(self._heap, (event.time, next(self._order), event))
        if self._on_new_event:
            self._on_new_event(event.time)
        return event

    def next_time(self) -> int:
        while self._heap and self._heap[0][2].cancelled:
            heapq.heappop(self._heap)
        return self._heap[0][0] if self._heap else NEVER

    def pop_due(self, now: int) -> Event | None:
        """The earliest event due at or before `now`, removed from the queue."""
        if self.next_time() > now:
            return None
        return heapq.heappop(self._heap)[2]

    def clear(self) -> None:
        self._heap.clear()
