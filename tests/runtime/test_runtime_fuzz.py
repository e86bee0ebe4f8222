"""libFuzzer over the host build: any bytes as a model must never crash.

Builds firmware/runtime/fuzz/fuzz_model.c with clang's fuzzer, AddressSanitizer
and UndefinedBehaviorSanitizer (every report aborts), seeds it with real models
and the malformed corpus, and runs it for a bounded time (LAB_FUZZ_SECONDS,
default 30). Any crash, sanitizer report, leak or timeout fails the test."""
import pytest

import runtime_results
from runtime_fuzzing import FUZZ_SECONDS, compile_fuzzer, run_fuzzer, write_seeds
from runtime_malformed import all_cases, sine
from runtime_model_zoo import SPECS


@pytest.fixture(scope="module")
def fuzzer(tmp_path_factory):
    return compile_fuzzer(tmp_path_factory.mktemp("fuzz") / "fuzz_model")


def seed_models(tflite_model) -> dict:
    seeds = {"sine.tflite": sine()}
    seeds.update({f"malformed-{case.name}": case.data for case in all_cases()})
    for spec in SPECS:
        if spec.seed == 0:  # one of each architecture and variant keeps the run short
            seeds[f"{spec.name}.tflite"] = tflite_model(spec)
    return seeds


def test_fuzzer_finds_no_crash(fuzzer, tmp_path, tflite_model):
    seeds = tmp_path / "seeds"
    assert write_seeds(seeds, seed_models(tflite_model)) > 10
    runs = run_fuzzer(fuzzer, seeds, tmp_path)
    runtime_results.fuzz_runs = (runs, FUZZ_SECONDS)
    print(f"fuzz: {runs} executions in {FUZZ_SECONDS} s, no crash")
    assert runs > 1000
