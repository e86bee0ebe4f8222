"""What a run is fed: sensor feeds, and the layout of the clips or recordings in them.

An app's analyzer (lab/apps/) plans its inputs (micro_speech plays clips back to back
and knows when each one starts); any other app gets plain feeds from files. Inputs are
checked here, before a build, a run or a results folder exists: a bad file is one
LabError naming it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .errors import LabError


@dataclass
class Plan:
    """Inputs for one run: sensor feeds, and the clips laid out in them."""
    audio: object = None                 # lab.sensors.audio.AudioFeed
    imu: tuple | None = None             # (acceleration feed, angular-rate feed or None)
    clips: list[dict] = field(default_factory=list)   # name, expected, start_s, end_s
    own_data: bool = False               # the user's data, not the scenario's own
    min_timeout_s: float = 0.0           # long enough to play everything planned

    def layout(self) -> dict:
        """The part of the plan that goes into result.json (analysis reads it there)."""
        return {"clips": [dict(c) for c in self.clips], "own_data": self.own_data}


def load_feeds(audio_path=None, imu_path=None, on_end: str = "silence") -> Plan:
    """Plain feeds from files, for apps that play what they are given as it is."""
    from .sensors import imu
    from .sensors.audio import AudioFeed

    plan = Plan(own_data=bool(audio_path or imu_path))
    if audio_path:
        plan.audio = AudioFeed.from_path(audio_path, on_end=on_end)
    if imu_path:
        if Path(imu_path).is_dir():
            raise LabError(f"{imu_path} is a folder: --imu takes one recording for this app "
                           "(folders of labelled recordings are for magic_wand)")
        accel_end = {"silence": "hold"}.get(on_end, on_end)
        plan.imu = (imu.load_acceleration(imu_path, accel_end),
                    imu.load_angular_rate(imu_path, accel_end))
    return plan
