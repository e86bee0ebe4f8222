"""libFuzzer over the optimized build: the runtime's fuzz harness compiled with
LABRT_OPTIMIZED=1, AddressSanitizer and UndefinedBehaviorSanitizer, seeded with the
int8 models of these tests (small ones) and the malformed corpus of tests/runtime.
Mutated shapes, strides, paddings and zero points must never read or write outside
a tensor, the patch buffer or the arena, nor overflow a signed integer."""
import subprocess
from pathlib import Path

import pytest

import optimized_results
from optimized_models import CASES, CRAFTED, case_model
from runtime_fuzzing import FUZZ_SECONDS, compile_fuzzer, run_fuzzer, write_seeds
from runtime_malformed import all_cases, sine

REGRESSIONS = Path(__file__).resolve().parent / "regressions"   # inputs that once crashed


@pytest.fixture(scope="module")
def fuzzer(tmp_path_factory):
    return compile_fuzzer(tmp_path_factory.mktemp("fuzz") / "fuzz_optimized", "-DLABRT_OPTIMIZED=1")


def test_fuzzer_finds_no_crash_in_the_optimized_build(fuzzer, tmp_path):
    models = {"sine.tflite": sine()}
    models.update({f"malformed-{case.name}": case.data for case in all_cases()})
    models.update({f"{name}.tflite": case_model(name)
                   for name in [case.name for case in CASES] + sorted(CRAFTED)})
    seeds = tmp_path / "seeds"
    assert write_seeds(seeds, models) > 40
    runs = run_fuzzer(fuzzer, seeds, tmp_path)
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
