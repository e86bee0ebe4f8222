"""Host shared libraries compiled from the project's C (the engine's native helper,
the model runtime, the audio front end): found compiler, cached by a digest of the
sources and flags, written to a temporary file and renamed so concurrent users never
load half a library, older builds of the same library removed."""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .errors import LabError


def find_compiler(what: str, then: str = "") -> str:
    """$CC, else gcc, else cc; a LabError saying what to install when none is there."""
    compiler = (shutil.which(os.environ.get("CC", "gcc")) or shutil.which("gcc")
                or shutil.which("cc"))
    if not compiler:
        raise LabError(f"no C compiler for {what}: install gcc (apt-get install gcc){then}")
    return compiler


def digest(root: Path, files, *salt: str) -> str:
    """16 hex digits over `salt` and each file's path (relative to `root`) and bytes."""
    h = hashlib.sha256(" ".join(salt).encode())
    for path in sorted(files):
        h.update(str(Path(path).relative_to(root)).encode() + b"\0" + Path(path).read_bytes())
    return h.hexdigest()[:16]


def library(build_dir: Path, prefix: str, key: str) -> Path:
    """Where the build of `prefix` with digest `key` lives."""
    return build_dir / f"{prefix}{key}.so"


def compile_shared(target: Path, prefix: str, compile_args, link_args=(), what: str = "",
                   then: str = "", verbose: bool = False) -> Path:
    """`target` (made by library()) unless it exists: cc -shared compile_args -o target
    link_args. Other builds named prefix + digest are deleted afterwards."""
    if target.exists():
        return target
    compiler = find_compiler(what, then)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        out = Path(tmp) / target.name
        cmd = [compiler, "-shared", *compile_args, "-o", str(out), *link_args]
        if verbose:
            print(" ".join(cmd), file=sys.stderr)
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            raise LabError(f"building {what} failed: {proc.stderr.strip()}")
        out.replace(target)
    older = re.compile(re.escape(prefix) + r"[0-9a-f]{16}\.so")
    for old in target.parent.glob(f"{prefix}*.so"):
        if old != target and older.fullmatch(old.name):
            old.unlink(missing_ok=True)
    return target
