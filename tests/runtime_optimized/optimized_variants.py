"""Both builds of the C runtime in one process: lab.runtime.HostModel over the
reference library (the default) or over the optimized one (LABRT_OPTIMIZED=1), through
HostModel's `kernels` argument. The two libraries are loaded RTLD_LOCAL, so their
equal symbol names never mix."""
from __future__ import annotations

import ctypes

from lab.runtime import HostModel, build


def host_model(model: bytes, variant: str, arena_size: int | None = None) -> HostModel:
    return HostModel(model, arena_size, kernels=variant)


def exported(variant: str, symbol: str) -> bool:
    """Whether the host library of `variant` defines `symbol`."""
    library = ctypes.CDLL(str(build.build_library(variant)))
    return hasattr(library, symbol)
