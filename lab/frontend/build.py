"""Builds firmware/frontend (the C audio front end) into a host shared library.

The firmware compiles the very same files. The library is cached in
lab/frontend/_build/, named by a hash of the sources and flags (lab.hostlib).
"""
from __future__ import annotations

from pathlib import Path

from .. import hostlib
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


WHAT = "the audio front end"
PREFIX = "libfrontend-"


def build_library() -> Path:
    """The shared library for the current sources, compiled on first use."""
    key = hostlib.digest(FRONTEND_DIR, FRONTEND_DIR.glob("*/*.[ch]"), *HOST_FLAGS)
    return hostlib.compile_shared(hostlib.library(BUILD_DIR, PREFIX, key), PREFIX,
                                  [*HOST_FLAGS, f"-I{INCLUDE_DIR}", *map(str, sources())],
                                  ["-lm"], what=WHAT)
