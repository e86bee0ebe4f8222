"""Helpers shared by the data generators: splits, hashing, listing."""
from __future__ import annotations

import hashlib
from pathlib import Path

SPLITS = ("training", "validation", "testing")


def parse_splits(text: str | None) -> tuple[str, ...]:
    """'testing' or 'training,validation' -> a tuple of split names (None = all)."""
    if not text:
        return SPLITS
    names = tuple(part.strip() for part in text.split(",") if part.strip())
    unknown = [name for name in names if name not in SPLITS]
    if unknown:
        from lab.errors import LabError
        raise LabError(f"unknown split {unknown[0]!r}; choose from {', '.join(SPLITS)}")
    return names


def dataset_hash(root: str | Path) -> str:
    """SHA-256 over every file's relative path and bytes, in sorted order.

    Two data sets hash equal exactly when they hold the same files with the
    same contents, which is what "same seed, same bytes" promises.
    """
    root = Path(root)
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        relative = path.relative_to(root).as_posix()
        digest.update(relative.encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def generator_command(kind: str, size: int, seed: int, splits: tuple[str, ...],
                      noise_seconds: float | None = None) -> str:
    """The command that remakes a data set (without --out, so the bytes do not
    depend on where the set was written)."""
    command = f"lab data {kind} --out DIR --size {size} --seed {seed}"
    if tuple(splits) != SPLITS:
        command += f" --splits {','.join(splits)}"
    if noise_seconds:
        command += f" --noise-seconds {noise_seconds:g}"
    return command
