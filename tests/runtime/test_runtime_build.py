"""The host library is built once per source version, atomically, into lab/runtime/_build/."""
import shutil

import pytest

from lab.errors import LabError
from lab.runtime import build


@pytest.fixture
def sandbox(tmp_path, monkeypatch):
    """A private copy of the runtime sources and an empty build cache."""
    sources = tmp_path / "runtime"
    shutil.copytree(build.RUNTIME_DIR, sources, ignore=shutil.ignore_patterns("fuzz"))
    monkeypatch.setattr(build, "RUNTIME_DIR", sources)
    monkeypatch.setattr(build, "INCLUDE_DIR", sources / "include")
    monkeypatch.setattr(build, "BUILD_DIR", tmp_path / "_build")
    return sources


def test_builds_once_and_reuses_the_library(sandbox):
    first = build.build_library()
    assert first.exists() and first.parent == build.BUILD_DIR
    stamp = first.stat().st_mtime_ns
    assert build.build_library() == first and first.stat().st_mtime_ns == stamp
    assert [p.name for p in build.BUILD_DIR.iterdir()] == [first.name]  # no temp files left


def test_a_source_change_gives_a_new_library(sandbox):
    before = build.library_path()
    kernel = sandbox / "kernels" / "reference" / "relu.c"
    kernel.write_text(kernel.read_text() + "\n/* changed */\n")
    assert build.library_path() != before


def test_missing_compiler_says_what_to_do(sandbox, monkeypatch):
    monkeypatch.setattr(build.hostlib.shutil, "which", lambda name: None)
    with pytest.raises(LabError, match=r"install gcc \(apt-get install gcc\)"):
        build.build_library()
