"""The runtime builds for the firmware: arm-none-eabi-gcc for Cortex-M4F without a
single warning, calling nothing from the C library beyond string.h and math.h,
and exporting only labrt_* symbols."""
import re

import pytest

from arm_objects import M4F, compile_objects, symbols
from lab.runtime.build import INCLUDE_DIR, RUNTIME_DIR, runtime_sources

M4F_FLAGS = ["-std=c99", *M4F, "-O2", "-ffunction-sections", "-Wall", "-Wextra"]
ALLOWED_HEADERS = {"string.h", "stdint.h", "math.h", "stddef.h", "float.h"}
ALLOWED_LIBRARY_CALLS = {"memcpy", "memmove", "memset", "memcmp", "strlen", "expf", "tanhf",
                         "fabsf", "roundf", "round", "floor", "frexp", "ldexp"}


@pytest.fixture(scope="module")
def m4f_objects(tmp_path_factory):
    return compile_objects(runtime_sources(), M4F_FLAGS, INCLUDE_DIR, tmp_path_factory.mktemp("m4f"))


def test_compiles_for_cortex_m4f_without_warnings(m4f_objects):
    _, warnings = m4f_objects
    assert not warnings, "\n".join(warnings)


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
