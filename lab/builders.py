"""Where firmware compiles: with make + arm-none-eabi-gcc on this machine (`local`), or in
the lab's Docker image (`docker`), for machines without the Arm toolchain.

A builder does two things for lab.build: tell the compiler's version (part of the
cache key) and run one make command line. Both builders run it in the same working
directory with every input at the same absolute path, so the debug information, and
with it the ELF's bytes, are the same whichever builder made a build: a build is
cached under one key for both.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from .errors import LabError
from .files import write_atomically

BUILDERS = ("local", "docker")
DEFAULT_IMAGE = "virtual-mcu-lab"          # what `make docker` builds
TOOLCHAIN_HINT = ("install the Arm toolchain: run `make setup` (or, as root: apt-get install "
                  "gcc-arm-none-eabi libnewlib-arm-none-eabi), or build in Docker with "
                  "`lab build --builder docker` (docker/README.md)")
IMAGE_HINT = ("build it with `make docker` (virtual-mcu-lab) or `make docker-toolchain` "
              "(virtual-mcu-lab-toolchain, the compiler only), or name yours with --image")
CONNECT_TIMEOUT_S = 20        # to reach the engine at all
ENGINE_TIMEOUT_S = 600        # for a request once reached (creating a container copies the
                              # image's files on some storage drivers)
BUILD_TIMEOUT_S = 1800        # for one make run


@dataclass
class MakeRun:
    """What a make run left: its exit status and its output."""
    returncode: int
    stdout: str
    stderr: str


class Builder(Protocol):
    """What lab.build needs of a place to compile."""
    name: str

    def toolchain_version(self) -> str:
        """arm-none-eabi-gcc's version line: part of the cache key."""

    def make(self, arguments: list[str], workdir: Path, inputs, output: Path) -> MakeRun:
        """make ARGUMENTS in `workdir`, reading the folders `inputs` and writing `output`."""


def first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "unknown"


@lru_cache(maxsize=1)
def local_toolchain_version() -> str:
    """This machine's `arm-none-eabi-gcc --version` (first line)."""
    gcc = shutil.which("arm-none-eabi-gcc")
    if not gcc or not shutil.which("make"):
        raise LabError(f"arm-none-eabi-gcc or make not found: {TOOLCHAIN_HINT}")
    out = subprocess.run([gcc, "--version"], capture_output=True, text=True)
    return first_line(out.stdout)


class LocalBuilder:
    """make and arm-none-eabi-gcc from this machine's PATH."""
    name = "local"

    def toolchain_version(self) -> str:
        return local_toolchain_version()

    def make(self, arguments: list[str], workdir: Path, inputs, output: Path) -> MakeRun:
        proc = subprocess.run(["make", *arguments], cwd=workdir, capture_output=True,
                              text=True)
        return MakeRun(proc.returncode, proc.stdout, proc.stderr)


class DockerBuilder:
    """make and arm-none-eabi-gcc in a container of `image`, through the Docker SDK:
    inputs mounted read-only and the output folder read-write at their own paths, no
    network, and this user's uid/gid, so the files it writes are the user's."""
    name = "docker"

    def __init__(self, image: str = DEFAULT_IMAGE):
        self.image = image
        self._client = None
        self._version = None

    def toolchain_version(self) -> str:
        if self._version is None:
            self._version = self._remembered_version()
        return self._version

    def make(self, arguments: list[str], workdir: Path, inputs, output: Path) -> MakeRun:
        return self.run(["make", *arguments], workdir, inputs, output)

    # --- the engine ---------------------------------------------------------------

    def _engine(self):
        if self._client is None:
            self._client = _connect()
        return self._client

    def _image_id(self) -> str:
        docker = _sdk()
        try:
            return self._engine().images.get(self.image).id
        except docker.errors.ImageNotFound:
            raise LabError(f"Docker image {self.image!r} not found: {IMAGE_HINT}") from None
        except docker.errors.APIError as error:
            raise LabError(f"Docker image {self.image!r}: {_explanation(error)}") from None

    def _remembered_version(self) -> str:
        """The image's `arm-none-eabi-gcc --version`, asked once per image and kept
        next to the build cache: a cached build then needs no container."""
        from .build import cache_root
        image_id = self._image_id().split(":")[-1]
        memo = cache_root() / "docker-toolchains" / image_id[:24]
        if memo.is_file():
            return memo.read_text().strip()
        run = self.run(["arm-none-eabi-gcc", "--version"], Path("/"))
        if run.returncode != 0:
            raise LabError(f"Docker image {self.image!r} cannot run arm-none-eabi-gcc "
                           f"({first_line(run.stderr)}): {IMAGE_HINT}")
        version = first_line(run.stdout)
        write_atomically(memo, (version + "\n").encode())
        return version

    def run(self, command: list[str], workdir: Path, inputs=(),
            output: Path | None = None) -> MakeRun:
        """`command` in a fresh container, removed afterwards (also on Ctrl-C)."""
        docker = _sdk()
        import requests                      # the SDK's own HTTP layer
        self._image_id()                     # a missing image gets its own message
        container = None
        try:
            container = self._engine().containers.create(
                self.image, command, working_dir=str(workdir), network_mode="none",
                user=_host_user(), volumes=_mounts(inputs, output), detach=True)
            container.start()
            status = container.wait(timeout=BUILD_TIMEOUT_S)
            return MakeRun(status.get("StatusCode", 1), _log(container, stdout=True),
                           _log(container, stderr=True))
        except docker.errors.APIError as error:
            raise LabError(f"cannot run {command[0]} in Docker image {self.image!r}: "
                           f"{_explanation(error)}") from None
        except requests.exceptions.RequestException as error:
            raise LabError(f"the Docker engine stopped answering while running {command[0]} "
                           f"in {self.image!r} ({type(error).__name__}; time limits: "
                           f"{ENGINE_TIMEOUT_S} s a request, {BUILD_TIMEOUT_S} s a build)"
                           ) from None
        finally:
            if container is not None:
                _remove(container)


def from_environment(builder: str | None = None, image: str | None = None) -> Builder:
    """The builder asked for (`lab build --builder/--image`), else the environment's:
    LAB_BUILDER (local or docker) and LAB_BUILDER_IMAGE, so that `lab run`, `lab eval`,
    `lab test` and `lab serve` build in Docker on a machine without the Arm toolchain."""
    builder = builder or os.environ.get("LAB_BUILDER") or "local"
    if builder == "docker":
        image = image or os.environ.get("LAB_BUILDER_IMAGE") or None
    return named(builder, image)


def named(builder: str, image: str | None = None) -> Builder:
    """The builder `lab build --builder NAME [--image IMAGE]` asks for."""
    if builder == "local":
        if image:
            raise LabError("--image applies to --builder docker only")
        return LocalBuilder()
    if builder == "docker":
        return DockerBuilder(image or DEFAULT_IMAGE)
    raise LabError(f"unknown builder {builder!r} (LAB_BUILDER or --builder); known: "
                   f"{', '.join(BUILDERS)}")


def _sdk():
    """The Docker SDK for Python (PyPI `docker`, pinned in the `tools` extra)."""
    try:
        import docker
    except ImportError:
        raise LabError("--builder docker needs the Docker SDK for Python (the `docker` "
                       "package of the lab's `tools` extra): run `make setup`") from None
    return docker


def _connect():
    docker = _sdk()
    where = os.environ.get("DOCKER_HOST") or "the default socket"
    try:
        client = docker.from_env(timeout=CONNECT_TIMEOUT_S)
        client.ping()
        client.api.timeout = ENGINE_TIMEOUT_S
    except docker.errors.DockerException as error:
        raise LabError(f"no Docker engine reachable at {where} ({_explanation(error)}): "
                       "start Docker, or set DOCKER_HOST to its socket") from None
    return client


def _explanation(error) -> str:
    """The engine's own words, on one line, without the SDK's wrapping."""
    text = getattr(error, "explanation", None) or str(error)
    if isinstance(text, bytes):
        text = text.decode(errors="replace")
    return " ".join(str(text).split())[:300]


def _host_user() -> str | None:
    """uid:gid of this user (POSIX); Docker Desktop maps ownership itself elsewhere."""
    if hasattr(os, "getuid"):
        return f"{os.getuid()}:{os.getgid()}"
    return None


def _mounts(inputs, output: Path | None) -> dict:
    """Bind mounts at the host's own paths: folders inside another input folder come with
    it; the output folder is writable (mounted over a read-only parent if need be)."""
    folders = sorted({Path(p).resolve() for p in inputs}, key=lambda p: len(p.parts))
    kept: list[Path] = []
    for folder in folders:
        if not any(folder.is_relative_to(parent) for parent in kept):
            kept.append(folder)
    volumes = {str(p): {"bind": str(p), "mode": "ro"} for p in kept}
    if output is not None:
        volumes[str(Path(output).resolve())] = {"bind": str(Path(output).resolve()),
                                                "mode": "rw"}
    return volumes


def _log(container, **which) -> str:
    return container.logs(**which).decode(errors="replace")


def _remove(container) -> None:
    docker = _sdk()
    import requests
    try:
        container.remove(force=True)
    except (docker.errors.APIError, requests.exceptions.RequestException):
        pass                                 # gone already, or the engine with it
