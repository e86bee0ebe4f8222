"""libFuzzer over the optimized build: the runtime's fuzz harness compiled with
LABRT_OPTIMIZED=1, AddressSanitizer and UndefinedBehaviorSanitizer, seeded with the
int8 models of these tests (small ones) and the malformed corpus of tests/runtime.
Mutated shapes, strides, paddings and zero points must never read or write outside
a tensor, the patch buffer or the arena, nor overflow a signed integer."""
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import optimized_results
from lab.runtime.build import INCLUDE_DIR, RUNTIME_DIR, runtime_sources
from optimized_models import CASES, CRAFTED, case_model
from runtime_malformed import all_cases, sine

FUZZ_SECONDS = int(os.environ.get("LAB_FUZZ_SECONDS", "30"))
REGRESSIONS = Path(__file__).resolve().parent / "regressions"   # inputs that once crashed
MAX_MODEL_BYTES = 16384


@pytest.fixture(scope="module")
def fuzzer(tmp_path_factory):
    clang = shutil.which("clang")
    if not clang:
        pytest.skip("clang is not installed (apt-get install clang libclang-rt-14-dev)")
    out = tmp_path_factory.mktemp("fuzz") / "fuzz_optimized"
    cmd = [clang, "-g", "-O1", "-std=c99", "-DLABRT_OPTIMIZED=1",
           "-fsanitize=fuzzer,address,undefined", "-fno-sanitize-recover=all",
           f"-I{INCLUDE_DIR}", *map(str, runtime_sources()),
           str(RUNTIME_DIR / "fuzz" / "fuzz_model.c"), "-lm", "-o", str(out)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return out


def test_fuzzer_finds_no_crash_in_the_optimized_build(fuzzer, tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    models = {"sine.tflite": sine()}
    models.update({f"malformed-{case.name}": case.data for case in all_cases()})
    models.update({f"{name}.tflite": case_model(name)
                   for name in [case.name for case in CASES] + sorted(CRAFTED)})
    written = 0
    for name, data in models.items():
        if len(data) <= MAX_MODEL_BYTES:
            (seeds / name).write_bytes(data)
            written += 1
    assert written > 40
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    proc = subprocess.run(
        [str(fuzzer), f"-max_total_time={FUZZ_SECONDS}", f"-max_len={MAX_MODEL_BYTES}",
         "-timeout=20", "-rss_limit_mb=2048", "-print_final_stats=1", str(corpus), str(seeds)],
        cwd=tmp_path, capture_output=True, text=True, timeout=FUZZ_SECONDS + 120)
    assert proc.returncode == 0, f"the fuzzer found a problem:\n{proc.stderr[-4000:]}"
    runs = int(re.search(r"Done (\d+) runs in (\d+) second", proc.stderr).group(1))
    optimized_results.fuzz_runs = (runs, FUZZ_SECONDS)
    assert runs > 1000


def test_inputs_that_once_crashed_run_clean(fuzzer):
    """Each file is a model the fuzzer once broke the runtime with (e.g. a one-row depthwise
    filter with a dilation so large its tap step overflowed int32)."""
    inputs = sorted(REGRESSIONS.glob("*.tflite"))
    assert inputs
    proc = subprocess.run([str(fuzzer), *map(str, inputs)], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
