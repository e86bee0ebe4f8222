"""Builds firmware/runtime (the C inference runtime) into a host shared library.

The firmware compiles the very same files (`SOURCE_GLOBS` under RUNTIME_DIR, with
`include/` on the include path); the host library is cached in lab/runtime/_build/,
keyed by a hash of the sources and flags, and written atomically.

Two variants (`VARIANTS`): "reference" (the default: the reference kernels only) and
"optimized" (built with LABRT_OPTIMIZED=1: kernels/optimized for int8 CONV_2D,
DEPTHWISE_CONV_2D and FULLY_CONNECTED, bit-exact with the reference), so that tests
can compare them. `build_library("optimized")` gives the second one.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

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


def _digest(flags: list[str]) -> str:
    h = hashlib.sha256(" ".join(flags).encode())
    for path in sorted(runtime_sources() + [p for g in HEADER_GLOBS for p in RUNTIME_DIR.glob(g)]):
        h.update(str(path.relative_to(RUNTIME_DIR)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:16]


def find_compiler(name: str = "gcc") -> str:
    compiler = shutil.which(os.environ.get("CC", name)) or shutil.which(name) or shutil.which("cc")
    if not compiler:
        raise LabError("no C compiler for the model runtime: install gcc (apt-get install gcc)")
    return compiler


def _variant(variant: str) -> tuple[list[str], str]:
    if variant not in VARIANTS:
        raise LabError(f"unknown runtime variant {variant!r}; known: {', '.join(VARIANTS)}")
    extra, prefix = VARIANTS[variant]
    return HOST_FLAGS + extra, prefix


def library_path(variant: str = "reference") -> Path:
    flags, prefix = _variant(variant)
    return BUILD_DIR / f"{prefix}{_digest(flags)}.so"


def build_library(variant: str = "reference") -> Path:
    """Compile the runtime into a shared library unless the current sources have one."""
    flags, prefix = _variant(variant)
    target = library_path(variant)
    if target.exists():
        return target
    compiler = find_compiler()
    BUILD_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=BUILD_DIR) as tmp:
        out = Path(tmp) / target.name
        cmd = [compiler, *flags, "-shared", f"-I{INCLUDE_DIR}",
               *map(str, runtime_sources()), "-o", str(out), "-lm"]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            raise LabError(f"building the model runtime failed: {proc.stderr.strip()}")
        out.replace(target)  # atomic: other processes never see a half-written library
    for old in BUILD_DIR.glob(f"{prefix}*.so"):  # older builds of this variant only
        if old != target and re.fullmatch(re.escape(prefix) + r"[0-9a-f]{16}\.so", old.name):
            old.unlink(missing_ok=True)
    return target
