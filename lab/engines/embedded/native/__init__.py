"""The embedded engine's native helper (labcore.c), built against the unicorn wheel.

`build()` compiles it once (at set-up, or on first use when the source changed);
`Core` wraps one lc_state for one Unicorn instance.
"""
from __future__ import annotations

import ctypes
from pathlib import Path

from .... import hostlib

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "labcore.c"
TIMING_SOURCE = HERE / "timing.c"   # included by labcore.c
BUILD_DIR = HERE / "_build"

(STOP_NONE, STOP_DEADLINE, STOP_IDLE_LOOP, STOP_UNMASKED, STOP_UNALIGNED, STOP_DIVBYZERO,
 STOP_HOOK_DIVIDES, STOP_STACK_OVERFLOW) = range(8)


def _unicorn_dir() -> Path:
    import unicorn

    return Path(unicorn.__file__).resolve().parent


def _libunicorn() -> Path:
    return _unicorn_dir() / "lib" / "libunicorn.so.2"


PREFIX = "liblabcore-"


def build(verbose: bool = False) -> Path:
    """Compile labcore.c if the current source has no library yet; return its path."""
    key = hostlib.digest(HERE, [SOURCE, TIMING_SOURCE], str(_libunicorn()))
    return hostlib.compile_shared(
        hostlib.library(BUILD_DIR, PREFIX, key), PREFIX,
        ["-O2", "-fPIC", "-std=c99", "-Wall", "-Wextra", f"-I{_unicorn_dir() / 'include'}",
         str(SOURCE)],
        [str(_libunicorn()), f"-Wl,-rpath,{_libunicorn().parent}"],
        what="the engine's native helper", then=" and run `make setup`", verbose=verbose)


class State(ctypes.Structure):
    """Mirror of the shared prefix of lc_state in labcore.c (its size is checked at load)."""

    _fields_ = [
        ("now", ctypes.c_uint64),
        ("active_cycles", ctypes.c_uint64),
        ("instructions", ctypes.c_uint64),
        ("deadline", ctypes.c_uint64),
        ("blocks", ctypes.c_uint64),
        ("block_pc", ctypes.c_uint64),
        ("block_now", ctypes.c_uint64),
        ("block_active", ctypes.c_uint64),
        ("block_instructions", ctypes.c_uint64),
        ("block_size", ctypes.c_uint32),
        ("block_insns", ctypes.c_uint32),
        ("stop_reason", ctypes.c_int32),
        ("watch_unmask", ctypes.c_int32),
        ("pending_priority", ctypes.c_int32),
        ("active_priority", ctypes.c_int32),
        ("basepri_mask", ctypes.c_uint32),
        ("profiling", ctypes.c_int32),
        ("unalign_trp", ctypes.c_int32),
        ("div_0_trp", ctypes.c_int32),
        ("fault_pc", ctypes.c_uint64),
        ("fault_address", ctypes.c_uint64),
    ]


class Timing(ctypes.Structure):
    """Mirror of the shared prefix of lc_timing in timing.c (checked at load)."""

    _fields_ = [
        ("ihit", ctypes.c_uint64),
        ("imiss", ctypes.c_uint64),
        ("fetch_stalls", ctypes.c_uint64),
        ("taken_branch_cycles", ctypes.c_uint64),
        ("divide_cycles", ctypes.c_uint64),
        ("icache_enabled", ctypes.c_int32),
        ("icache_profiling", ctypes.c_int32),
        ("idle_loop_cycles", ctypes.c_uint32),
        ("reserved", ctypes.c_uint32),
    ]


_lib = None


def _load():
    global _lib
    if _lib is None:
        # The helper must bind to the very libunicorn the Python binding loaded.
        ctypes.CDLL(str(_libunicorn()), mode=ctypes.RTLD_GLOBAL)
        lib = ctypes.CDLL(str(build()))
        lib.lc_state_prefix_size.restype = ctypes.c_size_t
        if lib.lc_state_prefix_size() != ctypes.sizeof(State):
            raise RuntimeError(f"labcore: lc_state's shared prefix is "
                               f"{lib.lc_state_prefix_size()} bytes, native.State mirrors "
                               f"{ctypes.sizeof(State)}: update the mirror with the struct")
        vp, u64, u32 = ctypes.c_void_p, ctypes.c_uint64, ctypes.c_uint32
        p64 = ctypes.POINTER(ctypes.c_uint64)
        lib.lc_new.restype = ctypes.POINTER(State)
        lib.lc_free.argtypes = [vp]
        lib.lc_add_region.argtypes = [vp, u64, u64, vp]
        lib.lc_install.argtypes = [vp, vp, ctypes.POINTER(ctypes.c_size_t)]
        lib.lc_install_alignment_check.argtypes = [vp, vp, ctypes.POINTER(ctypes.c_size_t)]
        libuc = ctypes.CDLL(str(_libunicorn()))
        libuc.uc_hook_del.argtypes = [vp, ctypes.c_size_t]
        lib.uc_hook_del = libuc.uc_hook_del
        lib.lc_counts_at.argtypes = [vp, vp, u64, p64, p64, p64]
        lib.lc_rewind_to.argtypes = [vp, vp, u64]
        lib.lc_locate_access.argtypes = [vp, vp, u64]
        lib.lc_locate_access.restype = u64
        lib.lc_hook_divides.argtypes = [vp, vp]
        lib.lc_remove_hooks.argtypes = [vp, vp]
        lib.lc_profile_enable.argtypes = [vp, u32]
        lib.lc_profile_read.argtypes = [vp, p64, p64, p64, p64, u32]
        lib.lc_profile_read.restype = u32
        _declare_timing(lib)
        _declare_stack_watch(lib)
        lib.lc_snapshot_size.restype = ctypes.c_size_t
        lib.lc_snapshot_save.argtypes = [vp, ctypes.c_char_p]
        lib.lc_snapshot_load.argtypes = [vp, ctypes.c_char_p]
        lib.lc_stack_snapshot_size.restype = ctypes.c_size_t
        lib.lc_stack_snapshot_save.argtypes = [vp, ctypes.c_char_p]
        lib.lc_stack_snapshot_load.argtypes = [vp, ctypes.c_char_p]
        _lib = lib
    return _lib


def _declare_timing(lib) -> None:
    lib.lc_timing_prefix_size.restype = ctypes.c_size_t
    if lib.lc_timing_prefix_size() != ctypes.sizeof(Timing):
        raise RuntimeError(f"labcore: lc_timing's shared prefix is "
                           f"{lib.lc_timing_prefix_size()} bytes, native.Timing mirrors "
                           f"{ctypes.sizeof(Timing)}: update the mirror with the struct")
    vp, u64, u32 = ctypes.c_void_p, ctypes.c_uint64, ctypes.c_uint32
    lib.lc_timing_configure.argtypes = [vp, ctypes.POINTER(u32), u32]
    lib.lc_timing_add_wait_region.argtypes = [vp, u64, u64, u32, u32]
    lib.lc_timing_icache.argtypes = [vp, u32, u32, u32, u32]
    lib.lc_timing_icache_enable.argtypes = [vp, ctypes.c_int32]
    lib.lc_timing_state.argtypes = [vp]
    lib.lc_timing_state.restype = ctypes.POINTER(Timing)
    lib.lc_timing_settle.argtypes = [vp, u64]
    lib.lc_timing_snapshot_size.argtypes = [vp]
    lib.lc_timing_snapshot_size.restype = ctypes.c_size_t
    lib.lc_timing_snapshot_save.argtypes = [vp, ctypes.c_char_p]
    lib.lc_timing_snapshot_load.argtypes = [vp, ctypes.c_char_p]


def _declare_stack_watch(lib) -> None:
    vp, u64, u32 = ctypes.c_void_p, ctypes.c_uint64, ctypes.c_uint32
    p64 = ctypes.POINTER(ctypes.c_uint64)
    lib.lc_stack_enable.argtypes = [vp, u64, u64, u64]
    lib.lc_stack_watch_function.argtypes = [vp, vp, u64, u32]
    lib.lc_stack_note_sp.argtypes = [vp, u64, ctypes.c_int]
    lib.lc_stack_window_open.argtypes = [vp, u32, u64]
    lib.lc_stack_window_close.argtypes = [vp, u32]
    lib.lc_stack_lows.argtypes = [vp, p64]
    lib.lc_stack_phase_read.argtypes = [vp, u32, p64]
    lib.lc_stack_remove_hooks.argtypes = [vp, vp]
    lib.lc_stack_disable.argtypes = [vp, vp]
    lib.lc_stack_forget_windows.argtypes = [vp]
    lib.lc_stack_sp_reads.argtypes = [vp]
    lib.lc_stack_watch_heap.argtypes = [vp, u64, u64]
    lib.lc_stack_sp_reads.restype = u64


def state_prefix_size() -> int:
    """Bytes of lc_state that State mirrors, as the C compiler laid them out."""
    return _load().lc_state_prefix_size()


class Core:
    """One lc_state bound to one Unicorn engine: counters, deadline, profiling."""

    def __init__(self, uc):
        self._lib = _load()
        ptr = self._lib.lc_new()
        if not ptr:
            raise MemoryError("labcore: lc_new failed")
        self._ptr = ctypes.cast(ptr, ctypes.c_void_p)
        self.state: State = ptr.contents
        self._uc = uc
        self._uch = ctypes.c_void_p(uc._uch.value)
        self._hook = ctypes.c_size_t()
        self._alignment_hook = ctypes.c_size_t()
        self._keep = []  # host buffers registered as code regions
        self.timing: Timing | None = None   # the timing model's counters, once configured

    def install(self):
        err = self._lib.lc_install(self._ptr, self._uch, ctypes.byref(self._hook))
        if err:
            raise RuntimeError(f"labcore: uc_hook_add failed ({err})")

    def check_alignment(self, enabled: bool) -> None:
        """Check the alignment of every load and store, as the core does (a native hook on
        every instruction: it costs a good part of the speed). Outside emulation only:
        Unicorn translates the code again, with or without the hook."""
        if enabled == bool(self._alignment_hook.value):
            return
        if enabled:
            handle = self._alignment_hook
            if self._lib.lc_install_alignment_check(self._ptr, self._uch, ctypes.byref(handle)):
                raise RuntimeError("labcore: cannot add the alignment hook")
        else:
            self._lib.uc_hook_del(self._uch, self._alignment_hook.value)
            self._alignment_hook = ctypes.c_size_t()
        self._uc.ctl_flush_tb()

    def add_region(self, base: int, size: int, host_buffer) -> None:
        self._keep.append(host_buffer)
        if self._lib.lc_add_region(self._ptr, base, size, ctypes.addressof(host_buffer)):
            raise RuntimeError("labcore: too many code regions")

    # ------------------------------------------------------------ timing
    def configure_timing(self, figures: list[int]) -> None:
        """Charge cycles from a core's timing table (lab/cores.py TIMING_FIELDS order)
        instead of one per instruction. Before the first block is measured."""
        table = (ctypes.c_uint32 * len(figures))(*figures)
        if self._lib.lc_timing_configure(self._ptr, table, len(figures)):
            raise RuntimeError("labcore: timing table has the wrong number of figures")
        self.timing = self._lib.lc_timing_state(self._ptr).contents

    def add_wait_region(self, base: int, size: int, wait_states: int, cached: bool) -> None:
        if self._lib.lc_timing_add_wait_region(self._ptr, base, size, wait_states, int(cached)):
            raise RuntimeError("labcore: too many wait-state regions (or timing is off)")

    def configure_icache(self, sets: int, ways: int, line_bytes: int, miss_cycles: int) -> None:
        if self._lib.lc_timing_icache(self._ptr, sets, ways, line_bytes.bit_length() - 1,
                                      miss_cycles):
            raise RuntimeError("labcore: instruction cache geometry")

    def enable_icache(self, enabled: bool) -> None:
        self._lib.lc_timing_icache_enable(self._ptr, int(enabled))

    def settle_branch(self, return_address: int) -> None:
        """Before an exception entry: was the last block's conditional branch taken?"""
        self._lib.lc_timing_settle(self._ptr, return_address)

    def counts_at(self, pc: int) -> tuple[int, int, int]:
        """(now, active_cycles, instructions) just before `pc` of the current block ran."""
        now, active, insns = ctypes.c_uint64(), ctypes.c_uint64(), ctypes.c_uint64()
        self._lib.lc_counts_at(self._ptr, self._uch, pc, ctypes.byref(now),
                               ctypes.byref(active), ctypes.byref(insns))
        return now.value, active.value, insns.value

    def rewind_to(self, pc: int) -> None:
        self._lib.lc_rewind_to(self._ptr, self._uch, pc)

    def locate_access(self, address: int) -> int:
        return self._lib.lc_locate_access(self._ptr, self._uch, address)

    def hook_divides(self) -> None:
        """After STOP_HOOK_DIVIDES: give that block's divides their division-by-zero hooks."""
        self._lib.lc_hook_divides(self._ptr, self._uch)

    def enable_profile(self, size: int = 1 << 16) -> None:
        if self._lib.lc_profile_enable(self._ptr, size):
            raise MemoryError("labcore: profile table")

    def read_profile(self, max_entries: int = 1 << 16) -> list[tuple[int, int, int, int]]:
        """[(block address, executions, cycles, instructions)] since profiling was
        enabled."""
        pcs, counts, cycles, instructions = ((ctypes.c_uint64 * max_entries)()
                                             for _ in range(4))
        n = self._lib.lc_profile_read(self._ptr, pcs, counts, cycles, instructions,
                                      max_entries)
        return [(pcs[i], counts[i], cycles[i], instructions[i]) for i in range(n)]

    # ---- stack high-water mark (labcore.c, "stack high-water mark")
    def stack_enable(self, limit: int, top: int, sp: int) -> None:
        """Track the lowest SP from now on; the main stack is [limit, top)."""
        if self._lib.lc_stack_enable(self._ptr, limit, top, sp):
            raise MemoryError("labcore: stack watch")

    def stack_sp_reads(self) -> int:
        """Blocks that read SP so far (state.blocks counts every block)."""
        return self._lib.lc_stack_sp_reads(self._ptr)

    def stack_forget_windows(self) -> None:
        self._lib.lc_stack_forget_windows(self._ptr)

    def stack_disable(self) -> None:
        self._lib.lc_stack_disable(self._ptr, self._uch)

    def stack_watch_function(self, address: int, phase: int) -> None:
        if self._lib.lc_stack_watch_function(self._ptr, self._uch, address & ~1, phase):
            raise RuntimeError("labcore: cannot watch another function's stack")

    def stack_note_sp(self, sp: int, process: bool) -> bool:
        """The engine moved SP (an exception frame); True if the main stack overflowed."""
        return bool(self._lib.lc_stack_note_sp(self._ptr, sp, int(process)))

    def stack_window_open(self, phase: int, entry_sp: int) -> None:
        self._lib.lc_stack_window_open(self._ptr, phase, entry_sp)

    def stack_window_close(self, phase: int) -> None:
        self._lib.lc_stack_window_close(self._ptr, phase)

    def stack_lows(self) -> tuple[int, int, int, int]:
        """Lowest SP of the main stack, of the process stack, and of the main stack when
        the first watched call began (2**64 - 1: none), and the heap break then."""
        lows = (ctypes.c_uint64 * 4)()
        self._lib.lc_stack_lows(self._ptr, lows)
        return lows[0], lows[1], lows[2], lows[3]

    def stack_watch_heap(self, break_address: int, start: int) -> None:
        """newlib's heap break is the word at `break_address`; the heap starts at `start`."""
        self._lib.lc_stack_watch_heap(self._ptr, break_address, start)

    def stack_phase(self, phase: int) -> tuple[int, int, int, int, int]:
        """(windows closed, max depth, min depth, last depth, max heap growth) of a phase,
        in bytes."""
        out = (ctypes.c_uint64 * 5)()
        self._lib.lc_stack_phase_read(self._ptr, phase, out)
        return out[0], out[1], out[2], out[3], out[4]
    # ------------------------------------------------------------ snapshots
    def save_state(self) -> bytes:
        """The native state a run's future depends on (lc_snapshot_save), then the stack
        watch's measurements when it watches (lc_stack_snapshot_save), then the timing
        model's state when it is on (lc_timing_snapshot_save)."""
        buffer = ctypes.create_string_buffer(self._lib.lc_snapshot_size())
        self._lib.lc_snapshot_save(self._ptr, buffer)
        stack = ctypes.create_string_buffer(self._lib.lc_stack_snapshot_size())
        watching = self._lib.lc_stack_snapshot_save(self._ptr, stack) == 0
        timing = ctypes.create_string_buffer(self._lib.lc_timing_snapshot_size(self._ptr))
        self._lib.lc_timing_snapshot_save(self._ptr, timing)
        return buffer.raw + (stack.raw if watching else b"") + timing.raw

    def load_state(self, data: bytes) -> None:
        timing_size = self._lib.lc_timing_snapshot_size(self._ptr)
        if timing_size:
            data, timing = data[:-timing_size], data[-timing_size:]
            if len(timing) != timing_size or self._lib.lc_timing_snapshot_load(self._ptr, timing):
                raise ValueError("the snapshot has no timing model state of this machine's size")
        size = self._lib.lc_snapshot_size()
        stack_size = self._lib.lc_stack_snapshot_size()
        if len(data) not in (size, size + stack_size):
            raise ValueError(f"native state of {len(data)} bytes, this engine keeps {size}")
        self._lib.lc_snapshot_load(self._ptr, data[:size])
        if len(data) > size and self._lib.lc_stack_snapshot_load(self._ptr, data[size:]):
            raise ValueError("the snapshot has stack measurements, this machine no watch")

    def close(self) -> None:
        if self._ptr:
            for handle in (self._hook, self._alignment_hook):
                if handle.value:
                    self._lib.uc_hook_del(self._uch, handle.value)
            self._lib.lc_remove_hooks(self._ptr, self._uch)
            self._lib.lc_stack_remove_hooks(self._ptr, self._uch)
            self._lib.lc_free(self._ptr)
            self._ptr = None

    def __del__(self):
        # Unreachable, so nothing will run this engine again; and by now Unicorn may
        # have closed it already (the order of finalizers is arbitrary, at exit above
        # all), so its hooks must not be touched: free only the native state.
        if self._ptr:
            self._lib.lc_free(self._ptr)
            self._ptr = None
