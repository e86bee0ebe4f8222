"""Writing files the way users expect: whole or not at all, with their umask's modes."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


def umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def as_created(path: Path) -> None:
    """Give a file or folder made through tempfile (0600 / 0700) the modes a plain
    open() or mkdir() would have given it under the user's umask."""
    mode = 0o777 if path.is_dir() else 0o666
    os.chmod(path, mode & ~umask())


def write_atomically(target: Path, data: bytes) -> None:
    """Write `target` through a temporary file renamed into place: never half-written."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        as_created(Path(temporary))
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
