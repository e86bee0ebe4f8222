"""Virtual MCU Lab: TinyML firmware on simulated microcontroller boards.

From Python (notebooks), the same things as the `lab` command (lab/api.py):

    import lab
    result = lab.run("micro_speech", platform="nrf52840", audio="clips/")   # a RunResult
    lab.build("hello", platform="nrf52840")                                  # a BuildResult
    lab.model.inspect("model.tflite")                                        # a ModelReport
    lab.train("micro_speech", quick=True, out="my_model")                    # its card
"""
import types as _types

__version__ = "0.1.0"

from . import build as _build_module  # noqa: E402
from .api import model, run, train  # noqa: E402,F401
from .errors import LabError  # noqa: E402,F401
from .results import RunResult  # noqa: E402,F401


class _CallableBuildModule(_types.ModuleType):
    """`lab.build` stays the module (lab.build.build, lab.build.cache_root, ...) and is
    also the notebook API's build: lab.build("hello", platform="nrf52840")."""

    def __call__(self, app, platform="nrf52840", **options):
        from .api import build
        return build(app, platform, **options)


_build_module.__class__ = _CallableBuildModule
