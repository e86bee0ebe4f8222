"""Argument types shared by every `lab` subcommand: one validation per kind of value.

Each type raises argparse.ArgumentTypeError with a message that says what is wanted;
LabParser turns it into one line on stderr and exit 2 (argparse's usage block is for
`--help`, not for a typo).
"""
from __future__ import annotations

import argparse
import math
import os
import sys
from pathlib import Path


class LabParser(argparse.ArgumentParser):
    """argparse with one-line errors: `lab run: error: ... (see lab run --help)`."""

    def error(self, message: str):
        sys.stderr.write(f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")
        sys.exit(2)


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
    return value


def seconds(text: str) -> float:
    """A positive, finite number of (virtual) seconds: every --timeout."""
    value = _number(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r}: give a positive number of seconds")
    return value


def positive_number(text: str) -> float:
    value = _number(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r}: give a positive number")
    return value


def _integer(text: str) -> int:
    try:
        return int(text, 0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None


def positive_int(text: str) -> int:
    value = _integer(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: give a whole number of at least 1")
    return value


def non_negative_int(text: str) -> int:
    value = _integer(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r}: give a whole number of at least 0")
    return value


def existing_file(text: str) -> Path:
    path = Path(text)
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"{text} is a folder: give a file")
    if not path.is_file():
        raise argparse.ArgumentTypeError(f"{text}: no such file")
    if not os.access(path, os.R_OK):
        raise argparse.ArgumentTypeError(f"{text}: not readable")
    return path


def existing_path(text: str) -> Path:
    """A file or a folder that exists (sensor data: one recording or a set)."""
    path = Path(text)
    if not path.exists():
        raise argparse.ArgumentTypeError(f"{text}: no such file or folder")
    if not os.access(path, os.R_OK):
        raise argparse.ArgumentTypeError(f"{text}: not readable")
    return path


def existing_folder(text: str) -> Path:
    path = Path(text)
    if path.is_file():
        raise argparse.ArgumentTypeError(f"{text} is a file: give a folder")
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"{text}: no such folder")
    return path


def _writable_parent(path: Path, text: str) -> None:
    parent = path.parent
    while not parent.exists():          # a folder we would create: its nearest parent
        parent = parent.parent
    if not parent.is_dir():
        raise argparse.ArgumentTypeError(f"{text}: {parent} is a file, not a folder")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise argparse.ArgumentTypeError(f"{text}: cannot write in {parent}")


def output_file(text: str) -> Path:
    """A file the command will write: not a folder, in a folder that exists and that
    we may write in (checked before any work, not after it)."""
    path = Path(text)
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"{text} is a folder: give a file name")
    if not path.parent.is_dir():
        raise argparse.ArgumentTypeError(f"{text}: folder {path.parent} does not exist")
    if not os.access(path.parent, os.W_OK | os.X_OK) or \
            (path.exists() and not os.access(path, os.W_OK)):
        raise argparse.ArgumentTypeError(f"{text}: cannot write there")
    return path


def output_folder(text: str) -> Path:
    """A folder the command will create or fill: not an existing file, writable."""
    path = Path(text)
    if path.exists() and not path.is_dir():
        raise argparse.ArgumentTypeError(f"{text} is a file: give a folder")
    if path.is_dir():
        if not os.access(path, os.W_OK | os.X_OK):
            raise argparse.ArgumentTypeError(f"{text}: cannot write in this folder")
        return path
    _writable_parent(path, text)
    return path


def tcp_port(text: str) -> int:
    """A TCP port to listen on (127.0.0.1): 1-65535, or 0 for any free one."""
    value = _integer(text)
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r}: give a TCP port from 1 to 65535 "
                                         "(0: any free port)")
    return value


def platform_name(text: str) -> str:
    """A board of platforms/boards (or a board .yaml file), checked before any work."""
    from .. import platforms

    path = Path(text)
    if path.suffix in (".yaml", ".yml"):
        if not path.is_file():
            raise argparse.ArgumentTypeError(f"{text}: no such file")
        return text
    if text not in platforms.available():
        raise argparse.ArgumentTypeError(f"unknown platform {text!r}; available: "
                                         f"{', '.join(platforms.available())}")
    return text
