"""libFuzzer over the runtime's host build, shared by the reference and optimized
fuzz tests: compile the harness (firmware/runtime/fuzz/fuzz_model.c) with clang's
fuzzer, AddressSanitizer and UndefinedBehaviorSanitizer (every report aborts), and run
it for a bounded time (LAB_FUZZ_SECONDS, default 30) from a set of seed models."""
import os
import re
import shutil
import subprocess

import pytest

from lab.runtime.build import INCLUDE_DIR, RUNTIME_DIR, runtime_sources

FUZZ_SECONDS = int(os.environ.get("LAB_FUZZ_SECONDS", "30"))
MAX_MODEL_BYTES = 16384


def compile_fuzzer(out, *flags):
    """The harness built at `out` with extra compiler `flags` (e.g. -DLABRT_OPTIMIZED=1);
    skips the test when clang is missing."""
    clang = shutil.which("clang")
    if not clang:
        pytest.skip("clang is not installed (apt-get install clang libclang-rt-14-dev)")
    cmd = [clang, "-g", "-O1", "-std=c99", *flags, "-fsanitize=fuzzer,address,undefined",
           "-fno-sanitize-recover=all", f"-I{INCLUDE_DIR}", *map(str, runtime_sources()),
           str(RUNTIME_DIR / "fuzz" / "fuzz_model.c"), "-lm", "-o", str(out)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return out


def write_seeds(directory, models: dict) -> int:
    """The models (name -> bytes) no larger than MAX_MODEL_BYTES, written to `directory`;
    returns how many."""
    directory.mkdir()
    small = {name: data for name, data in models.items() if len(data) <= MAX_MODEL_BYTES}
    for name, data in small.items():
        (directory / name).write_bytes(data)
    return len(small)


def run_fuzzer(fuzzer, seeds, workdir) -> int:
    """FUZZ_SECONDS of fuzzing from `seeds`; fails on any crash, sanitizer report, leak
    or timeout, else returns the number of executions."""
    corpus = workdir / "corpus"
    corpus.mkdir()
    proc = subprocess.run(
        [str(fuzzer), f"-max_total_time={FUZZ_SECONDS}", f"-max_len={MAX_MODEL_BYTES}",
         "-timeout=20", "-rss_limit_mb=2048", "-print_final_stats=1", str(corpus), str(seeds)],
        cwd=workdir, capture_output=True, text=True, timeout=FUZZ_SECONDS + 120)
    assert proc.returncode == 0, f"the fuzzer found a problem:\n{proc.stderr[-4000:]}"
    return int(re.search(r"Done (\d+) runs in (\d+) second", proc.stderr).group(1))
