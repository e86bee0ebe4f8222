"""Board peripheral models, one file each. Platform files name them by model id."""
from __future__ import annotations

import importlib

from ....errors import LabError

MODELS = {
    "nrf52.clock_power": "nrf_clock_power:ClockPower",
    "nrf52.uarte": "nrf_uarte:Uarte",
    "nrf52.nvmc": "nrf_nvmc:Nvmc",
    "nrf52.rtc": "nrf_rtc:Rtc",
    "nrf52.timer": "nrf_timer:Timer",
    "nrf52.gpio": "nrf_gpio:Gpio",
    "nrf52.ficr": "nrf_ficr:Ficr",
    "nrf52.pdm": "nrf_pdm:Pdm",
    "nrf52.twim": "nrf_twim:Twim",
    "nrf52.pwm": "nrf_pwm:Pwm",
    "nrf52.saadc": "nrf_saadc:Saadc",
    "mps2.fpgaio": "mps2_fpgaio:FpgaIo",
    "rp2040.bootrom": "rp2040_bootrom:BootRom",
    "rp2040.clocks": "rp2040_clocks:Clocks",
    "rp2040.io_bank0": "rp2040_io_bank0:IoBank0",
    "rp2040.pads_bank0": "rp2040_pads_bank0:PadsBank0",
    "rp2040.pll": "rp2040_pll:Pll",
    "rp2040.pwm": "rp2040_pwm:Pwm",
    "rp2040.resets": "rp2040_resets:Resets",
    "rp2040.sio": "rp2040_sio:Sio",
    "rp2040.ssi": "rp2040_ssi:Ssi",
    "rp2040.timer": "rp2040_timer:Timer",
    "rp2040.uart": "rp2040_uart:Uart",
    "rp2040.watchdog": "rp2040_watchdog:Watchdog",
    "rp2040.xosc": "rp2040_xosc:Xosc",
}


def model_class(model_id: str, platform_path=None):
    try:
        module_name, class_name = MODELS[model_id].split(":")
    except KeyError:
        where = f"{platform_path}: " if platform_path else ""
        raise LabError(f"{where}unknown peripheral model {model_id!r}; "
                       f"known: {', '.join(sorted(MODELS))}")
    module = importlib.import_module(f"{__name__}.{module_name}")
    return getattr(module, class_name)
