"""libFuzzer over the host build: any bytes as a model must never crash.

Builds firmware/runtime/fuzz/fuzz_model.c with clang's fuzzer, AddressSanitizer
and UndefinedBehaviorSanitizer (every report aborts), seeds it with real models
and the malformed corpus, and runs it for a bounded time (LAB_FUZZ_SECONDS,
default 30). Any crash, sanitizer report, leak or timeout fails the test."""
import os
import re
import shutil
import subprocess

import pytest

import runtime_results
from lab.runtime.build import INCLUDE_DIR, RUNTIME_DIR, runtime_sources
from runtime_malformed import all_cases, sine
from runtime_model_zoo import SPECS

FUZZ_SECONDS = int(os.environ.get("LAB_FUZZ_SECONDS", "30"))
MAX_MODEL_BYTES = 16384


@pytest.fixture(scope="module")
def fuzzer(tmp_path_factory):
    clang = shutil.which("clang")
    if not clang:
        pytest.skip("clang is not installed (apt-get install clang libclang-rt-14-dev)")
    out = tmp_path_factory.mktemp("fuzz") / "fuzz_model"
    cmd = [clang, "-g", "-O1", "-std=c99", "-fsanitize=fuzzer,address,undefined",
           "-fno-sanitize-recover=all", f"-I{INCLUDE_DIR}", *map(str, runtime_sources()),
           str(RUNTIME_DIR / "fuzz" / "fuzz_model.c"), "-lm", "-o", str(out)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return out


def write_seeds(directory, tflite_model) -> int:
    directory.mkdir()
    seeds = {"sine.tflite": sine()}
    seeds.update({f"malformed-{case.name}": case.data for case in all_cases()})
    for spec in SPECS:
        if spec.seed == 0:  # one of each architecture and variant keeps the run short
            seeds[f"{spec.name}.tflite"] = tflite_model(spec)
    seeds = {name: data for name, data in seeds.items() if len(data) <= MAX_MODEL_BYTES}
    for name, data in seeds.items():
        (directory / name).write_bytes(data)
    return len(seeds)


def test_fuzzer_finds_no_crash(fuzzer, tmp_path, tflite_model):
    seeds = tmp_path / "seeds"
    assert write_seeds(seeds, tflite_model) > 10
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    proc = subprocess.run(
        [str(fuzzer), f"-max_total_time={FUZZ_SECONDS}", f"-max_len={MAX_MODEL_BYTES}",
         "-timeout=20", "-rss_limit_mb=2048", "-print_final_stats=1", str(corpus), str(seeds)],
        cwd=tmp_path, capture_output=True, text=True, timeout=FUZZ_SECONDS + 120)
    report = proc.stderr[-4000:]
    assert proc.returncode == 0, f"the fuzzer found a problem:\n{report}"
    runs = int(re.search(r"Done (\d+) runs in (\d+) second", proc.stderr).group(1))
    runtime_results.fuzz_runs = (runs, FUZZ_SECONDS)
    print(f"fuzz: {runs} executions in {FUZZ_SECONDS} s, no crash")
    assert runs > 1000
