"""Devices on a board's buses (I2C ...), one file each; platforms name them by model id."""
from __future__ import annotations

import importlib

from ....errors import LabError

MODELS = {
    "lsm9ds1": "lsm9ds1:Lsm9ds1",
    "bmi270": "bmi270:Bmi270",
    "bmm150": "bmm150:Bmm150",
    "lsm6ds3": "lsm6ds3:Lsm6ds3",
    "lsm303agr": "lsm303agr:Lsm303agr",
}


def device_class(model_id: str, platform_path=None):
    try:
        module_name, class_name = MODELS[model_id].split(":")
    except KeyError:
        where = f"{platform_path}: " if platform_path else ""
        raise LabError(f"{where}unknown device model {model_id!r}; known: {', '.join(MODELS)}")
    return getattr(importlib.import_module(f"{__name__}.{module_name}"), class_name)
