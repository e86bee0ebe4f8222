"""Builds firmware/frontend (the C audio front end) into a host shared library.

The firmware compiles the very same files. The library is cached in
lab/frontend/_build/, named by a hash of the sources and flags, written to a
temporary file first and renamed, so concurrent users never see half a library.
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
FRONTEND_DIR = REPO_ROOT / "firmware" / "frontend"
INCLUDE_DIR = FRONTEND_DIR / "include"
BUILD_DIR = Path(__file__).resolve().parent / "_build"
# ISO C and no FMA contraction: init's float arithmetic must round as TensorFlow's does.
HOST_FLAGS = ["-std=c99", "-O2", "-fPIC", "-Wall", "-Wextra", "-ffp-contract=off"]


def sources() -> list[Path]:
    files = sorted(FRONTEND_DIR.glob("src/*.c"))
    if not files:
        raise LabError(f"the front end's C sources are missing: expected {FRONTEND_DIR}/src/*.c")
    return files


def _digest() -> str:
    h = hashlib.sha256(" ".join(HOST_FLAGS).encode())
    for path in sorted(FRONTEND_DIR.glob("*/*.[ch]")):
        h.update(str(path.relative_to(FRONTEND_DIR)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:16]


def _compiler() -> str:
    compiler = (shutil.which(os.environ.get("CC", "gcc")) or shutil.which("gcc")
                or shutil.which("cc"))
    if not compiler:
        raise LabError("no C compiler for the audio front end: "
                       "install gcc (sudo apt-get install gcc)")
    return compiler


def build_library() -> Path:
    """The shared library for the current sources, compiled on first use."""
    target = BUILD_DIR / f"libfrontend-{_digest()}.so"
    if target.exists():
        return target
    compiler = _compiler()
    BUILD_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=BUILD_DIR) as tmp:
        out = Path(tmp) / target.name
        cmd = [compiler, *HOST_FLAGS, "-shared", f"-I{INCLUDE_DIR}", *map(str, sources()),
               "-o", str(out), "-lm"]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            raise LabError(f"building the audio front end failed: {proc.stderr.strip()}")
        out.replace(target)
    for old in BUILD_DIR.glob("libfrontend-*.so"):
        if old != target:
            old.unlink(missing_ok=True)
    return target
