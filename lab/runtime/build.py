"""Builds firmware/runtime (the C inference runtime) into a host shared library.

The firmware compiles the very same files (`SOURCE_GLOBS` under RUNTIME_DIR, with
`include/` on the include path); the host library is cached in lab/runtime/_build/,
keyed by a hash of the sources and flags (lab.hostlib).

Two variants (`VARIANTS`): "reference" (the default: the reference kernels only) and
"optimized" (built with LABRT_OPTIMIZED=1: kernels/optimized for int8 CONV_2D,
DEPTHWISE_CONV_2D and FULLY_CONNECTED, bit-exact with the reference), so that tests
can compare them. `build_library("optimized")` gives the second one.
"""
from __future__ import annotations

from pathlib import Path

from .. import hostlib
from ..errors import LabError

REPO_ROOT = Path(__file__).resolve().parents[2]
RUNTIME_DIR = REPO_ROOT / "firmware" / "runtime"
INCLUDE_DIR = RUNTIME_DIR / "include"
BUILD_DIR = Path(__file__).resolve().parent / "_build"
SOURCE_GLOBS = ("src/*.c", "kernels/reference/*.c", "kernels/optimized/*.c")
HEADER_GLOBS = ("include/*.h", "src/*.h", "kernels/reference/*.h", "kernels/optimized/*.h")
# -ffp-contract=off: no fused multiply-add, so float sums round like TFLM's.
HOST_FLAGS = ["-std=c99", "-O2", "-fPIC", "-Wall", "-Wextra", "-ffp-contract=off"]
# Variant -> extra flags and library name prefix. kernels/optimized/*.c compile to
# nothing unless LABRT_OPTIMIZED is set.
VARIANTS = {"reference": ([], "liblabrt-"),
            "optimized": (["-DLABRT_OPTIMIZED=1"], "liblabrt-optimized-")}


def runtime_sources() -> list[Path]:
    """The C files of the runtime, in a stable order."""
    files = sorted(p for pattern in SOURCE_GLOBS for p in RUNTIME_DIR.glob(pattern))
    if not files:
        raise LabError(f"the C runtime sources are missing: expected {RUNTIME_DIR}/src/*.c")
    return files


def _variant(variant: str) -> tuple[list[str], str]:
    if variant not in VARIANTS:
        raise LabError(f"unknown runtime variant {variant!r}; known: {', '.join(VARIANTS)}")
    extra, prefix = VARIANTS[variant]
    return HOST_FLAGS + extra, prefix


def library_path(variant: str = "reference") -> Path:
    flags, prefix = _variant(variant)
    headers = [p for g in HEADER_GLOBS for p in RUNTIME_DIR.glob(g)]
    return hostlib.library(BUILD_DIR, prefix,
                           hostlib.digest(RUNTIME_DIR, runtime_sources() + headers, *flags))


def build_library(variant: str = "reference") -> Path:
    """Compile the runtime into a shared library unless the current sources have one."""
    flags, prefix = _variant(variant)
    return hostlib.compile_shared(library_path(variant), prefix,
                                  [*flags, f"-I{INCLUDE_DIR}", *map(str, runtime_sources())],
                                  ["-lm"], what="the model runtime")
