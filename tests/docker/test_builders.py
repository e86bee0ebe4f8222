"""`lab build --builder`: what needs no Docker engine (always on). The builds with an
engine are in test_docker_builder.py (opt-in)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from lab import builders

ROOT = Path(__file__).resolve().parents[2]


def lab(*arguments: str, cwd: Path = ROOT, **environment: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), **environment}
    return subprocess.run([sys.executable, "-m", "lab.cli", *arguments], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def assert_one_line_error(run: subprocess.CompletedProcess, *words: str) -> None:
    assert run.returncode == 2, run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("lab: error: "), run.stderr
    for word in words:
        assert word in lines[0], lines[0]


def test_no_engine_at_docker_host_is_a_one_line_error(tmp_path):
    socket = tmp_path / "no-engine.sock"
    run = lab("build", "hello", "-p", "nrf52840", "--builder", "docker",
              DOCKER_HOST=f"unix://{socket}", LAB_CACHE_DIR=str(tmp_path / "cache"))
    assert_one_line_error(run, "no Docker engine reachable", str(socket), "DOCKER_HOST")
    assert not (tmp_path / "cache" / "builds").exists()


def test_without_the_docker_sdk_says_to_set_up(tmp_path):
    # a `docker` module that fails to import, ahead of the installed SDK on the path
    shadow = tmp_path / "shadow"
    shadow.mkdir()
    (shadow / "docker.py").write_text("raise ImportError('no docker SDK here')\n")
    run = lab("build", "hello", "-p", "nrf52840", "--builder", "docker",
              PYTHONPATH=f"{ROOT}{os.pathsep}{shadow}", LAB_CACHE_DIR=str(tmp_path / "c"))
    assert_one_line_error(run, "Docker SDK for Python", "make setup")


def test_image_applies_to_the_docker_builder_only(tmp_path):
    run = lab("build", "hello", "-p", "nrf52840", "--image", "virtual-mcu-lab",
              LAB_CACHE_DIR=str(tmp_path))
    assert_one_line_error(run, "--image", "--builder docker")


def test_unknown_builder_is_refused(tmp_path):
    run = lab("build", "hello", "-p", "nrf52840", "--builder", "cloud",
              LAB_CACHE_DIR=str(tmp_path))
    assert run.returncode == 2 and "invalid choice: 'cloud'" in run.stderr


def test_mounts_are_the_host_paths_with_only_the_output_writable(tmp_path):
    firmware, app, output = tmp_path / "fw", tmp_path / "fw" / "apps" / "a", tmp_path / "out"
    extra = tmp_path / "extra"
    for folder in (app, output, extra):
        folder.mkdir(parents=True)
    mounts = builders._mounts([app, firmware, extra, extra], output)
    assert mounts == {str(firmware): {"bind": str(firmware), "mode": "ro"},
                      str(extra): {"bind": str(extra), "mode": "ro"},
                      str(output): {"bind": str(output), "mode": "rw"}}


def test_a_local_build_does_not_depend_on_where_lab_runs(tmp_path):
    """Make runs in firmware/ whatever the caller's folder: the debug information's
    compilation directory, and with it the ELF, are the same from anywhere (which is
    what lets a build in a container give the same bytes)."""
    elves = []
    for name, cwd in (("from-root", ROOT), ("from-elsewhere", tmp_path)):
        cache = tmp_path / name
        run = lab("build", "hello", "-p", "nrf52840", cwd=cwd, LAB_CACHE_DIR=str(cache))
        assert run.returncode == 0, run.stderr
        elves.extend(cache.glob("builds/*/app.elf"))
    assert len(elves) == 2 and elves[0].parent.name == elves[1].parent.name
    assert elves[0].read_bytes() == elves[1].read_bytes()


def test_lab_run_builds_with_the_builder_lab_builder_names(tmp_path):
    """LAB_BUILDER=docker: every command's builds go to Docker (here: no engine)."""
    socket = tmp_path / "no-engine.sock"
    run = lab("run", "hello", "-p", "nrf52840", LAB_BUILDER="docker",
              DOCKER_HOST=f"unix://{socket}", LAB_CACHE_DIR=str(tmp_path / "cache"))
    assert_one_line_error(run, "no Docker engine reachable", str(socket))
    run = lab("run", "hello", "-p", "nrf52840", LAB_BUILDER="cloud",
              LAB_CACHE_DIR=str(tmp_path / "cache"))
    assert_one_line_error(run, "unknown builder 'cloud'", "LAB_BUILDER")


def test_doctor_names_the_builder_and_why_it_cannot_build(tmp_path):
    ready = json.loads(lab("doctor", "--json").stdout)
    assert ready["checks"][0]["what"] == "builder"
    assert ready["checks"][0]["status"].startswith("local: arm-none-eabi-gcc")
    socket = tmp_path / "no-engine.sock"
    run = lab("doctor", LAB_BUILDER="docker", DOCKER_HOST=f"unix://{socket}")
    assert run.returncode == 1
    assert "builder" in run.stdout and "no Docker engine reachable" in run.stdout
    assert "make setup" not in run.stdout     # the builder line says what to do
