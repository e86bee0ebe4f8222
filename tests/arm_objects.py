"""C compiled for the board with arm-none-eabi-gcc, and the symbols of the objects:
how the runtime, optimized-kernel and front-end tests check that their C builds for
the Cortex-M4F cleanly and calls nothing it should not."""
import shutil
import subprocess

import pytest

M4F = ["-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16"]


def arm_gcc() -> str:
    """arm-none-eabi-gcc, or the test is skipped saying what to install."""
    found = shutil.which("arm-none-eabi-gcc")
    if not found:
        pytest.skip("arm-none-eabi-gcc is not installed (apt-get install gcc-arm-none-eabi)")
    return found


def compile_objects(sources, flags, include_dir, out, suffix: str = ""):
    """(objects, compiler messages) of each source compiled with `flags`; objects are
    named <folder>-<stem><suffix>.o so same-named files in two folders both count."""
    gcc = arm_gcc()
    objects, messages = [], []
    for source in sources:
        obj = out / f"{source.parent.name}-{source.stem}{suffix}.o"
        proc = subprocess.run([gcc, *flags, f"-I{include_dir}", "-c", str(source), "-o", str(obj)],
                              capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
        if proc.stderr.strip():
            messages.append(proc.stderr)
        objects.append(obj)
    return objects, messages


def symbols(objects, *flags) -> set[str]:
    """Symbol names arm-none-eabi-nm lists with `flags` (e.g. -u: the undefined ones)."""
    proc = subprocess.run(["arm-none-eabi-nm", *flags, *map(str, objects)],
                          capture_output=True, text=True, check=True)
    return {line.split()[-1] for line in proc.stdout.splitlines()
            if len(line.split()) >= 2 and not line.endswith(":")}
