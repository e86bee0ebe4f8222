"""Opt-in (LAB_DOCKER_TESTS=1, a running Docker engine and `make docker`'s image): the
lab in the image runs a firmware to the same results as on the host."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
IMAGE = os.environ.get("LAB_DOCKER_IMAGE", "virtual-mcu-lab")
WAIT_S = 600

pytestmark = pytest.mark.skipif(os.environ.get("LAB_DOCKER_TESTS") != "1",
                                reason="opt-in: LAB_DOCKER_TESTS=1 (docker/README.md)")


def run_json(command: list[str]) -> dict:
    run = subprocess.run(command, capture_output=True, text=True, timeout=WAIT_S)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def test_hello_in_the_image_gives_the_hosts_results(tmp_path):
    inside = run_json(["docker", "run", "--rm", "--network", "none", "-v",
                       f"{tmp_path}:/work", IMAGE, "lab", "run", "hello", "--platform",
                       "nrf52840", "--json", "--results", "/work/results"])
    host = run_json([sys.executable, "-m", "lab.cli", "run", "hello", "--platform",
                     "nrf52840", "--json", "--results", str(tmp_path / "host")])
    inside, host = inside.get("result", inside), host.get("result", host)
    assert inside["end"] == host["end"] == "done"
    for key in ("cycles", "instructions", "virtual_s", "events", "uart"):
        assert inside[key] == host[key], key
