"""`lab data`: make data sets offline (speech commands, wand gestures)."""
from __future__ import annotations

import time

from .arguments import (existing_file, non_negative_int, output_file, output_folder,
                        positive_int, positive_number)


def register(subparsers) -> None:
    parser = subparsers.add_parser("data", help="make data sets offline",
                                   description="Make the example data sets offline.")
    kinds = parser.add_subparsers(dest="data_command", metavar="KIND")
    parser.set_defaults(handler=lambda args: _usage(parser))

    speech = kinds.add_parser(
        "speech", help="keyword-spotting clips (Speech Commands layout) from speech synthesizers",
        description="Synthesize yes/no/unknown/silence clips with espeak-ng, flite and festival, "
                    "processed with sox, in the Speech Commands layout.")
    _common_options(speech, default_size=8000)
    speech.add_argument("--noise-seconds", type=positive_number, default=None,
                        help="length of each _background_noise_ recording (default: from --size)")
    speech.add_argument("--workers", type=positive_int, default=None,
                        help="processes (default: up to 2)")
    speech.set_defaults(handler=run_speech)

    gestures = kinds.add_parser(
        "gestures", help="magic-wand accelerometer recordings (CSV + RESD + labels)",
        description="Simulate accelerometer recordings of the magic wand gestures wing, ring, "
                    "slope and negative, drawn by people of several styles holding a Nano 33 "
                    "BLE Sense as TFLite Micro's Arduino example says: the LSM9DS1 at 119 Hz "
                    "(CSV in g) or a 25 Hz recorder (CSV in milli-g), +-4 g.")
    _common_options(gestures, default_size=4000)
    gestures.set_defaults(handler=run_gestures)

    convert = kinds.add_parser(
        "convert", help="convert sensor data: accelerometer CSV/sample text/RESD, WAV -> PCM",
        description="Convert between the lab's sensor formats. An accelerometer recording in "
                    "any format (told by its content: CSV t,ax,ay,az in g or milli-g at any "
                    "rate, Renode sample text, RESD) -> .resd, .csv, or Renode sample text "
                    "(.data/.txt: one line per 119 Hz tick, each sample of a slower recording "
                    "repeated); WAV -> raw s16le PCM (Renode's PDM input).")
    convert.add_argument("input", type=existing_file,
                         help="the file to convert (an accelerometer recording, or a WAV)")
    convert.add_argument("output", type=output_file,
                         help="the file to write (.resd, .csv, .data/.txt, or .pcm/.raw/.s16le)")
    convert.add_argument("--rate", type=positive_number,
                         help="Hz: WAV -> PCM resamples to it (default 16000, the rate the board "
                              "plays raw PCM at); "
                              "sample text gets one line per tick at it (default 119); CSV "
                              "and RESD are resampled to it (default: as recorded)")
    convert.set_defaults(handler=run_convert)


def _common_options(parser, default_size: int) -> None:
    parser.add_argument("--out", required=True, type=output_folder, help="output directory")
    parser.add_argument("--size", type=positive_int, default=default_size,
                        help=f"number of clips or recordings (default {default_size})")
    parser.add_argument("--seed", type=non_negative_int, default=1,
                        help="random seed (default 1)")
    parser.add_argument("--splits", default=None,
                        help="only these splits, comma-separated: training,validation,testing")


def _usage(parser) -> int:
    parser.print_help()
    return 2


def _check(args) -> tuple[str, ...]:
    from lab.data.common import parse_splits
    return parse_splits(args.splits)


def run_speech(args) -> int:
    from lab.data import speech
    from lab.data.common import dataset_hash
    splits = _check(args)
    started = time.monotonic()
    plans = speech.generate(args.out, args.size, args.seed, splits, args.noise_seconds,
                            args.workers)
    print(f"wrote {len(plans)} clips to {args.out} in {time.monotonic() - started:.1f} s; "
          f"sha256 {dataset_hash(args.out)}")
    return 0


def run_gestures(args) -> int:
    from lab.data import gestures
    from lab.data.common import dataset_hash
    splits = _check(args)
    started = time.monotonic()
    recordings = gestures.generate(args.out, args.size, args.seed, splits)
    print(f"wrote {len(recordings)} recordings to {args.out} in {time.monotonic() - started:.1f} s; "
          f"sha256 {dataset_hash(args.out)}")
    return 0


def run_convert(args) -> int:
    from lab.sensors.convert import convert
    what = convert(args.input, args.output, args.rate)
    print(f"wrote {args.output}: {what}")
    return 0
