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
    """callback(time, *args) at `time`. Callbacks are bound methods of the machine's
    models and args plain data (or models), so a snapshot can name them (snapshot.py)."""

    __slots__ = ("time", "callback", "args", "cancelled")

    def __init__(self, time: int, callback: Callable[..., None], args: tuple = ()):
        self.time = time
        self.callback = callback
        self.args = args
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True

    def fire(self) -> None:
        self.callback(self.time, *self.args)


class Scheduler:
    def __init__(self, on_new_event: Callable[[int], None] | None = None):
        self._heap: list[tuple[int, int, Event]] = []
        self._order = itertools.count()
        self._on_new_event = on_new_event   # lets the CPU stop earlier for a new event

    def at(self, time: int, callback: Callable[..., None], *args) -> Event:
        """Call callback(time, *args) when virtual time reaches `time` (cycles)."""
        event = Event(int(time), callback, args)
        self._push(event, next(self._order))
        if self._on_new_event:
            self._on_new_event(event.time)
        return event

    def _push(self, event: Event, order: int) -> None:
        heapq.heappush(self._heap, (event.time, order, event))

    # ------------------------------------------------------------ snapshots
    def queued(self) -> list[tuple[int, Event]]:
        """(order, event) of every queued event, cancelled ones included, in heap order."""
        return [(order, event) for _, order, event in self._heap]

    def next_order(self) -> int:
        """The sequence number the next scheduled event gets (ties fire in this order)."""
        order = next(self._order)
        self._order = itertools.count(order)
        return order

    def restore(self, queued: list[tuple[int, Event]], next_order: int) -> None:
        """The queue exactly as queued() and next_order() described it."""
        self._heap = [(event.time, order, event) for order, event in queued]
        heapq.heapify(self._heap)
        self._order = itertools.count(next_order)

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
