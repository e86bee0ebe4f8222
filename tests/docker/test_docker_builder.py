"""Opt-in (LAB_DOCKER_TESTS=1, a running Docker engine and an image with the toolchain:
`make docker`, or `make docker-toolchain` with LAB_DOCKER_BUILDER_IMAGE=
virtual-mcu-lab-toolchain): `lab build --builder docker` gives a local build's cache
folder and bytes. Each build in a container takes seconds to a minute (vfs: the
container's file system is a copy of the image)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lab import platforms
from lab.build import APPS_DIR, build
from lab.builders import DockerBuilder, LocalBuilder

ROOT = Path(__file__).resolve().parents[2]
IMAGE = os.environ.get("LAB_DOCKER_BUILDER_IMAGE",
                       os.environ.get("LAB_DOCKER_IMAGE", "virtual-mcu-lab"))

pytestmark = pytest.mark.skipif(os.environ.get("LAB_DOCKER_TESTS") != "1",
                                reason="opt-in: LAB_DOCKER_TESTS=1 (docker/README.md)")


@pytest.fixture
def nrf52840():
    return platforms.load("nrf52840")


def built_in(cache: Path, monkeypatch, app: str, platform, builder):
    monkeypatch.setenv("LAB_CACHE_DIR", str(cache))
    return build(app, platform, builder=builder)


def lab_build(*arguments: str, cache: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LAB_CACHE_DIR": str(cache)}
    return subprocess.run([sys.executable, "-m", "lab.cli", "build", *arguments], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=900)


@pytest.mark.parametrize("app", ["hello", "micro_speech", "own folder"])
def test_the_same_cache_folder_and_elf_bytes_as_a_local_build(app, tmp_path, monkeypatch,
                                                              nrf52840):
    """micro_speech: two libraries and a model compiled in; "own folder": an app
    outside the lab's tree, mounted at its own path."""
    if app == "own folder":
        app = str(tmp_path / "my_app")
        shutil.copytree(APPS_DIR / "hello", app)
    local = built_in(tmp_path / "local", monkeypatch, app, nrf52840, LocalBuilder())
    docker = built_in(tmp_path / "docker", monkeypatch, app, nrf52840, DockerBuilder(IMAGE))
    assert not local.cached and not docker.cached
    assert docker.elf.parent.name == local.elf.parent.name        # the same cache key
    assert docker.elf.read_bytes() == local.elf.read_bytes()
    assert (docker.flash, docker.ram) == (local.flash, local.ram)


def test_both_builders_share_one_cache(tmp_path, monkeypatch, nrf52840):
    first = built_in(tmp_path, monkeypatch, "hello", nrf52840, DockerBuilder(IMAGE))
    again = built_in(tmp_path, monkeypatch, "hello", nrf52840, DockerBuilder(IMAGE))
    local = built_in(tmp_path, monkeypatch, "hello", nrf52840, LocalBuilder())
    assert not first.cached and again.cached and local.cached
    assert again.elf == local.elf == first.elf


def test_the_files_written_in_the_container_are_the_users(tmp_path, monkeypatch, nrf52840):
    result = built_in(tmp_path, monkeypatch, "hello", nrf52840, DockerBuilder(IMAGE))
    for path in (result.elf, result.elf.parent / "app.map", result.elf.parent / "obj"):
        assert (path.stat().st_uid, path.stat().st_gid) == (os.getuid(), os.getgid())
    user = DockerBuilder(IMAGE).run(["id", "-u"], Path("/"))
    assert user.stdout.strip() == str(os.getuid())


def test_the_container_has_no_network():
    links = DockerBuilder(IMAGE).run(["cat", "/proc/net/dev"], Path("/"))
    interfaces = [line.split(":")[0].strip() for line in links.stdout.splitlines()[2:]]
    assert interfaces == ["lo"]


def test_a_compile_error_is_the_compilers_message(tmp_path):
    app = tmp_path / "broken"
    app.mkdir()
    (app / "main.c").write_text("int main(void) { return no_such_variable; }\n")
    run = lab_build(str(app), "-p", "nrf52840", "--builder", "docker", "--image", IMAGE,
                    cache=tmp_path / "cache")
    assert run.returncode == 2
    [line] = run.stderr.strip().splitlines()
    assert line.startswith("lab: error: building broken for nrf52840 failed: ")
    assert f"{app}/main.c:1:" in line and "'no_such_variable' undeclared" in line


def test_a_missing_image_says_to_build_it(tmp_path):
    run = lab_build("hello", "-p", "nrf52840", "--builder", "docker", "--image",
                    "virtual-mcu-lab-no-such-image", cache=tmp_path)
    assert run.returncode == 2
    [line] = run.stderr.strip().splitlines()
    assert "'virtual-mcu-lab-no-such-image' not found" in line and "make docker" in line
