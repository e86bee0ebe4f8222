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
BUILD_DIR = HERE / "_build"

STOP_NONE, STOP_DEADLINE, STOP_IDLE_LOOP, STOP_UNMASKED, STOP_UNALIGNED = 0, 1, 2, 3, 4


def _unicorn_dir() -> Path:
    import unicorn

    return Path(unicorn.__file__).resolve().parent


def _libunicorn() -> Path:
    return _unicorn_dir() / "lib" / "libunicorn.so.2"


PREFIX = "liblabcore-"


def build(verbose: bool = False) -> Path:
    """Compile labcore.c if the current source has no library yet; return its path."""
    key = hostlib.digest(HERE, [SOURCE], str(_libunicorn()))
    return hostlib.compile_shared(
        hostlib.library(BUILD_DIR, PREFIX, key), PREFIX,
        ["-O2", "-fPIC", "-std=c99", "-Wall", "-Wextra", f"-I{_unicorn_dir() / 'include'}",
         str(SOURCE)],
        [str(_libunicorn()), f"-Wl,-rpath,{_libunicorn().parent}"],
        what="the engine's native helper", then=" and run `make setup`", verbose=verbose)


class State(ctypes.Structure):
    """Mirror of the shared prefix of lc_state in labcore.c."""

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
        ("reserved", ctypes.c_int32),
        ("fault_pc", ctypes.c_uint64),
        ("fault_address", ctypes.c_uint64),
    ]


_lib = None


def _load():
    global _lib
    if _lib is None:
        # The helper must bind to the very libunicorn the Python binding loaded.
        ctypes.CDLL(str(_libunicorn()), mode=ctypes.RTLD_GLOBAL)
        lib = ctypes.CDLL(str(build()))
        vp, u64, u32 = ctypes.c_void_p, ctypes.c_uint64, ctypes.c_uint32
        p64 = ctypes.POINTER(ctypes.c_uint64)
        p32 = ctypes.POINTER(ctypes.c_uint32)
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
        lib.lc_invalidate.argtypes = [vp, u64, u64]
        lib.lc_profile_enable.argtypes = [vp, u32]
        lib.lc_profile_read.argtypes = [vp, p64, p64, p64, u32]
        lib.lc_profile_read.restype = u32
        lib.lc_measure.argtypes = [vp, vp, u64, u64, p32, p32]
        _lib = lib
    return _lib


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

    def install(self):
        err = self._lib.lc_install(self._ptr, self._uch, ctypes.byref(self._hook))
        if err:
            raise RuntimeError(f"labcore: uc_hook_add failed ({err})")

    def check_alignment(self, enabled: bool) -> None:
        """Trap unaligned accesses the way the core does (costs about half the speed)."""
        if enabled and not self._alignment_hook.value:
            handle = self._alignment_hook
            if self._lib.lc_install_alignment_check(self._ptr, self._uch, ctypes.byref(handle)):
                raise RuntimeError("labcore: cannot add the alignment hook")
        elif not enabled and self._alignment_hook.value:
            self._lib.uc_hook_del(self._uch, self._alignment_hook.value)
            self._alignment_hook = ctypes.c_size_t()

    def add_region(self, base: int, size: int, host_buffer) -> None:
        self._keep.append(host_buffer)
        if self._lib.lc_add_region(self._ptr, base, size, ctypes.addressof(host_buffer)):
            raise RuntimeError("labcore: too many code regions")

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

    def invalidate(self, begin: int, end: int) -> None:
        self._lib.lc_invalidate(self._ptr, begin, end)

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

    def measure(self, begin: int, end: int) -> tuple[int, int]:
        """(instructions, cycles) of the straight-line code in [begin, end)."""
        insns, cycles = ctypes.c_uint32(), ctypes.c_uint32()
        self._lib.lc_measure(self._ptr, self._uch, begin, end, ctypes.byref(insns),
                             ctypes.byref(cycles))
        return insns.value, cycles.value

    def close(self) -> None:
        if self._ptr:
            for handle in (self._hook, self._alignment_hook):
                if handle.value:
                    self._lib.uc_hook_del(self._uch, handle.value)
            self._lib.lc_free(self._ptr)
            self._ptr = None

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass
