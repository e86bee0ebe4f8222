"""Real-time factor: 60 s of audio through micro_speech on the virtual nRF52840.

The committed test clips (data/test/speech), one second of silence between them, are
repeated to make exactly 60 s of audio; the run ends when the audio does. Prints the
firmware's load and the speed of the simulation; last line:
`virtual_s=... wall_s=... speedup=...` (virtual seconds per wall second).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lab import platforms  # noqa: E402
from lab.apps.micro_speech import DEFAULT_DATA  # noqa: E402
from lab.inputs import Plan  # noqa: E402
from lab.runner import run_app  # noqa: E402
from lab.sensors.audio import AudioFeed, read_wav  # noqa: E402
from lab.cli import guarded  # noqa: E402

AUDIO_S = 60.0
RATE = 16000


def sixty_seconds(clips_dir: Path) -> np.ndarray:
    clips = sorted(clips_dir.rglob("*.wav"))
    if not clips:
        raise SystemExit(f"no clips in {clips_dir}")
    pieces, total = [], 0
    while total < AUDIO_S * RATE:
        for path in clips:
            samples, rate = read_wav(path)
            if rate != RATE:
                raise SystemExit(f"{path}: {rate} Hz, expected {RATE}")
            for piece in (samples.mean(axis=1), np.zeros(RATE)):
                pieces.append(piece)
                total += len(piece)
    return np.concatenate(pieces)[:int(AUDIO_S * RATE)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="a micro_speech .tflite (default: the app's)")
    parser.add_argument("--clips", default=str(DEFAULT_DATA), help="folder of 1 s clips")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    feed = AudioFeed(sixty_seconds(Path(args.clips)), RATE, "60 s of test clips", on_end="end")
    result = run_app(platforms.load("nrf52840"), "micro_speech", model=args.model,
                     plan=Plan(audio=feed), timeout_s=AUDIO_S + 10)
    audio = result.streams["audio"]
    if args.json:
        print(json.dumps({"virtual_s": result.virtual_s, "wall_s": result.wall_s,
                          "speedup": result.virtual_s / result.wall_s,
                          "instructions": result.instructions, "audio_samples": audio.samples,
                          "dropped_audio_samples": audio.dropped,
                          "inference_cycles": result.stages.get("inference")}))
        return 0
    inference = result.stages.get("inference", {})
    print(f"audio {audio.samples / RATE:.2f} s, {len(result.events_named('detection'))} "
          f"detections, {inference.get('count')} inferences of {inference.get('median')} "
          f"cycles, dropped audio samples {audio.dropped}")
    print(f"{result.instructions} instructions in {result.wall_s:.2f} wall s "
          f"({result.instructions / result.wall_s / 1e6:.0f} MIPS)")
    print(f"virtual_s={result.virtual_s:.2f} wall_s={result.wall_s:.2f} "
          f"speedup={result.virtual_s / result.wall_s:.2f}")
    return 0

if __name__ == "__main__":
    sys.exit(guarded(main, "lab bench realtime"))
