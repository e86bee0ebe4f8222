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
 STOP_HOOK_DIVIDES) = range(7)


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
        lib.lc_profile_read.argtypes = [vp, p64, p64, p64, u32]
        lib.lc_profile_read.restype = u32
        _declare_timing(lib)
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

    def read_profile(self, max_entries: int = 1 << 16) -> list[tuple[int, int, int]]:
        """[(block address, executions, cycles)] since profiling was enabled."""
        pcs = (ctypes.c_uint64 * max_entries)()
        counts = (ctypes.c_uint64 * max_entries)()
        cycles = (ctypes.c_uint64 * max_entries)()
        n = self._lib.lc_profile_read(self._ptr, pcs, counts, cycles, max_entries)
        return [(pcs[i], counts[i], cycles[i]) for i in range(n)]

    def close(self) -> None:
        if self._ptr:
            for handle in (self._hook, self._alignment_hook):
                if handle.value:
                    self._lib.uc_hook_del(self._uch, handle.value)
            self._lib.lc_remove_hooks(self._ptr, self._uch)
            self._lib.lc_free(self._ptr)
            self._ptr = None

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass
