"""Builds firmware/runtime (the C inference runtime) into a host shared library.

The firmware compiles the very same files (`SOURCE_GLOBS` under RUNTIME_DIR, with
`include/` on the include path); the host library is cached in lab/runtime/_build/,
keyed by a hash of the sources and flags, and written atomically.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import LabError

REPO_ROOT = Path(__file__).resolve().parents[2]
RUNTIME_DIR = REPO_ROOT / "firmware" / "runtime"
INCLUDE_DIR = RUNTIME_DIR / "include"
BUILD_DIR = Path(__file__).resolve().parent / "_build"
SOURCE_GLOBS = ("src/*.c", "kernels/reference/*.c")
HEADER_GLOBS = ("include/*.h", "src/*.h", "kernels/reference/*.h")
# -ffp-contract=off: no fused multiply-add, so float sums round like TFLM's.
HOST_FLAGS = ["-std=c99", "-O2", "-fPIC", "-Wall", "-Wextra", "-ffp-contract=off"]


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


def library_path() -> Path:
    return BUILD_DIR / f"liblabrt-{_digest(HOST_FLAGS)}.so"


def build_library() -> Path:
    """Compile the runtime into a shared library unless the current sources have one."""
    target = library_path()
    if target.exists():
        return target
    compiler = find_compiler()
    BUILD_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=BUILD_DIR) as tmp:
        out = Path(tmp) / target.name
        cmd = [compiler, *HOST_FLAGS, "-shared", f"-I{INCLUDE_DIR}",
               *map(str, runtime_sources()), "-o", str(out), "-lm"]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            raise LabError(f"building the model runtime failed: {proc.stderr.strip()}")
        out.replace(target)  # atomic: other processes never see a half-written library
    for old in BUILD_DIR.glob("liblabrt-*.so"):
        if old != target:
            old.unlink(missing_ok=True)
    return target
