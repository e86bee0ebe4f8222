"""Renode monitor commands, mapped onto the lab (`Execute Command` in Robot suites).

Suites written for Renode's Arduino Nano 33 BLE (Sense) run with only their Resource
line changed: this module understands the commands such suites send.
"""
from __future__ import annotations

import shlex

NANO_33_BLE_DESCRIPTIONS = ("arduino_nano_33_ble", "arduino_nano_33_ble_sense", "nrf52840")
SUPPORTED = ("mach create [name]", "machine LoadPlatformDescription @<nano 33 ble .repl>",
             "sysbus LoadELF @<file>", "sysbus.pdm SetInputFile @<file>",
             "sysbus.twi0.lsm9ds1_imu FeedAccelerationSample @<file>",
             "machine EnableProfiler @<file>", "start", "Clear")


def execute(keywords, command: str):
    words = shlex.split(command.strip())
    if not words:
        raise AssertionError("empty monitor command")
    target, verb, args = words[0], (words[1] if len(words) > 1 else ""), words[2:]
    argument = args[0].lstrip("@") if args else ""
    key = (target.lower(), verb.lower())
    if key == ("mach", "create"):
        pass     # the machine is made when its platform description is loaded
    elif key == ("machine", "loadplatformdescription"):
        keywords.create_machine(_platform_for(argument))
    elif key == ("sysbus", "loadelf"):
        keywords.load_firmware(argument)
    elif target.lower() in ("sysbus.pdm", "pdm") and verb.lower() == "setinputfile":
        keywords.feed_audio(argument)
    elif target.lower().endswith("lsm9ds1_imu") and verb.lower() == "feedaccelerationsample":
        keywords.feed_acceleration(argument)
    elif key == ("machine", "enableprofiler"):
        keywords.enable_profiler(argument)
    elif target.lower() == "start":
        keywords.start_emulation()
    elif target.lower() == "clear":
        keywords.close_machine()
    else:
        raise AssertionError(f"unsupported monitor command {command!r}; the lab understands: "
                             f"{'; '.join(SUPPORTED)}")
    return ""


def _platform_for(description: str) -> str:
    name = description.rsplit("/", 1)[-1].removesuffix(".repl").lower()
    if name in NANO_33_BLE_DESCRIPTIONS:
        return "nrf52840"
    raise AssertionError(f"no lab platform for the Renode description {description!r}; "
                         f"the lab maps {', '.join(d + '.repl' for d in NANO_33_BLE_DESCRIPTIONS)}")
