"""The runtime builds for the firmware: arm-none-eabi-gcc for Cortex-M4F without a
single warning, calling nothing from the C library beyond string.h and math.h,
and exporting only labrt_* symbols."""
import re
import shutil
import subprocess

import pytest

from lab.runtime.build import INCLUDE_DIR, RUNTIME_DIR, runtime_sources

M4F_FLAGS = ["-std=c99", "-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16",
             "-O2", "-ffunction-sections", "-Wall", "-Wextra"]
ALLOWED_HEADERS = {"string.h", "stdint.h", "math.h", "stddef.h", "float.h"}
ALLOWED_LIBRARY_CALLS = {"memcpy", "memmove", "memset", "memcmp", "strlen", "expf", "tanhf",
                         "fabsf", "roundf", "round", "floor", "frexp", "ldexp"}


@pytest.fixture(scope="module")
def m4f_objects(tmp_path_factory):
    gcc = shutil.which("arm-none-eabi-gcc")
    if not gcc:
        pytest.skip("arm-none-eabi-gcc is not installed (apt-get install gcc-arm-none-eabi)")
    out = tmp_path_factory.mktemp("m4f")
    objects, warnings = [], []
    for source in runtime_sources():
        obj = out / (source.stem + ".o")
        proc = subprocess.run([gcc, *M4F_FLAGS, f"-I{INCLUDE_DIR}", "-c", str(source),
                               "-o", str(obj)], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
        if proc.stderr.strip():
            warnings.append(proc.stderr)
        objects.append(obj)
    return objects, warnings


def test_compiles_for_cortex_m4f_without_warnings(m4f_objects):
    _, warnings = m4f_objects
    assert not warnings, "\n".join(warnings)


def symbols(objects, *flags) -> set[str]:
    proc = subprocess.run(["arm-none-eabi-nm", *flags, *map(str, objects)],
                          capture_output=True, text=True, check=True)
    return {line.split()[-1] for line in proc.stdout.splitlines()
            if line.strip() and not line.endswith(":") and len(line.split()) >= 2}


def test_uses_only_string_and_math_functions(m4f_objects):
    objects, _ = m4f_objects
    undefined = symbols(objects, "-u")
    external = {s for s in undefined if not s.startswith(("labrt_", "__aeabi_"))}
    assert external <= ALLOWED_LIBRARY_CALLS, sorted(external - ALLOWED_LIBRARY_CALLS)


def test_exports_only_prefixed_symbols(m4f_objects):
    objects, _ = m4f_objects
    exported = symbols(objects, "-g", "--defined-only")
    assert exported and all(s.startswith("labrt_") for s in exported), sorted(exported)


def test_includes_only_allowed_system_headers():
    sources = [p for p in RUNTIME_DIR.rglob("*.[ch]") if "fuzz" not in p.parts]
    for path in sources:
        for header in re.findall(r'#include\s*<([^>]+)>', path.read_text()):
            assert header in ALLOWED_HEADERS, f"{path.name} includes <{header}>"
