"""Both builds of the C runtime in one process: lab.runtime.HostModel over the
reference library (the default) or over the optimized one (LABRT_OPTIMIZED=1).

lab.runtime.host loads one library per process; `host_model(..., "optimized")`
points it at the other variant for the duration of the constructor only. Each
HostModel keeps the library it was created with, and the two libraries are loaded
RTLD_LOCAL, so their equal symbol names never mix."""
from __future__ import annotations

import ctypes
import functools
import threading

from lab.runtime import HostModel, build, host

_libraries: dict[str, object] = {}
_lock = threading.Lock()


def host_model(model: bytes, variant: str, arena_size: int | None = None) -> HostModel:
    with _lock:
        saved = host._lib, host.build_library
        host._lib = _libraries.get(variant)
        host.build_library = functools.partial(build.build_library, variant)
        try:
            result = HostModel(model, arena_size)
            _libraries[variant] = host._lib
            return result
        finally:
            host._lib, host.build_library = saved


def exported(variant: str, symbol: str) -> bool:
    """Whether the host library of `variant` defines `symbol`."""
    library = ctypes.CDLL(str(build.build_library(variant)))
    return hasattr(library, symbol)
