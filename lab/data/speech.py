"""A keyword-spotting data set in the Speech Commands layout, synthesized offline.

    <word>/<speaker>_nohash_<n>.wav    1 s, 16 kHz, mono, 16-bit
    _silence_/<noise>_nohash_<n>.wav   background only, at many levels
    _background_noise_/*.wav           noise colours, hums, a fan, babble (made with sox)
    validation_list.txt, testing_list.txt
    speakers.csv, info.json            who spoke, which family, which split; how it was made

Every word clip goes through: synthesizer (per-take speaking rate) -> sox
(vocal-tract length via speed + pitch + tempo, pitch shift, microphone band
limits, room reverberation) -> trim, level, random start offset -> background
noise at a chosen SNR plus a faint noise floor. All random choices are drawn
up front from one seeded generator, and every tool runs deterministically, so
the same seed gives the same bytes.
"""
from __future__ import annotations

import csv
import json
import math
import os
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from multiprocessing import Pool
from pathlib import Path

import numpy as np

from lab.data import voices
from lab.data.audio import SAMPLE_RATE, read_wav, require_tools, run, sox, to_int16, write_wav
from lab.data.common import SPLITS, generator_command

TARGET_WORDS = ("yes", "no")
# The other 33 words of Speech Commands v2.
UNKNOWN_WORDS = ("backward", "bed", "bird", "cat", "dog", "down", "eight", "five", "follow",
                 "forward", "four", "go", "happy", "house", "learn", "left", "marvin", "nine",
                 "off", "on", "one", "right", "seven", "sheila", "six", "stop", "three", "tree",
                 "two", "up", "visual", "wow", "zero")
SILENCE = "_silence_"
BACKGROUND = "_background_noise_"
CLIP = SAMPLE_RATE

CATEGORY_SHARES = {"yes": 0.24, "no": 0.24, "unknown": 0.40, SILENCE: 0.12}
SPLIT_SHARES = {"training": 0.7, "validation": 0.1, "testing": 0.2}
# Sampling synthesizers evenly, not speakers, keeps espeak (most voices) from dominating.
SYNTH_SHARES = {"espeak": 0.42, "flite": 0.32, "festival": 0.26}

BABBLE_TEXT = ("the weather was warm and bright when they walked along the river",
               "please bring the red cup from the kitchen to the table",
               "we will meet at the station after lunch on friday",
               "every morning the baker opens the shop at half past seven",
               "a small boat drifted slowly towards the harbour wall",
               "she asked about the train times for the weekend")


@dataclass(frozen=True)
class ClipPlan:
    """Everything needed to make one clip; drawn from the seed before any work."""
    path: str
    label: str                  # word, or SILENCE
    speaker: str                # speaker id, or the noise name for silence
    split: str
    rate: float = 1.0           # speaking rate of this take
    pitch_cents: float = 0.0
    tract: float = 1.0
    highpass_hz: float = 60.0
    lowpass_hz: float = 0.0     # 0: no low-pass
    reverb: tuple = ()          # (reverberance %, room scale %, wet gain dB) or ()
    peak_db: float = -6.0
    offset: float = 0.5         # where in the free space of the second the word starts
    noise: str = ""
    noise_start: float = 0.0
    snr_db: float = 30.0
    floor_snr_db: float = 50.0


# ------------------------------------------------------------ background noise

def noise_effects(seconds: float) -> dict[str, list[str]]:
    """sox synth recipes: noise colours and hum-like recordings."""
    d = f"{seconds:g}"
    return {
        "white_noise": ["synth", d, "whitenoise", "vol", "0.3"],
        "pink_noise": ["synth", d, "pinknoise", "vol", "0.5"],
        "brown_noise": ["synth", d, "brownnoise", "vol", "0.6"],
        "mains_hum_50hz": ["synth", d, "square", "50", "pinknoise", "remix", "1v0.4,2v0.03",
                           "lowpass", "700", "tremolo", "0.7", "10"],
        "hvac_60hz": ["synth", d, "brownnoise", "sine", "60", "sine", "120",
                      "remix", "1v0.6,2v0.2,3v0.1", "lowpass", "1500", "tremolo", "0.25", "20"],
        "desk_fan": ["synth", d, "pinknoise", "sine", "140", "remix", "1v0.5,2v0.05",
                     "sinc", "80-3000", "tremolo", "23", "15"],
        "running_tap": ["synth", d, "whitenoise", "pinknoise", "remix", "1v0.2,2v0.3",
                        "highpass", "600", "tremolo", "9", "40"],
    }


def make_background(folder: Path, seconds: float, workdir: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, effects in noise_effects(seconds).items():
        sox(["-n"], str(folder / f"{name}.wav"), effects + ["norm", "-6"])
    write_wav(folder / "babble.wav", babble(seconds, workdir))


def babble(seconds: float, workdir: Path) -> np.ndarray:
    """Several training-split voices talking at once, looped to `seconds`."""
    talkers = [s for s in voices.catalog() if s.synth == "espeak" and s.split == "training"][:6]
    total = np.zeros(int(seconds * SAMPLE_RATE))
    for k, (speaker, text) in enumerate(zip(talkers, BABBLE_TEXT)):
        raw, clean = workdir / f"babble{k}.wav", workdir / f"babble{k}_16k.wav"
        run(["espeak-ng", "-v", speaker.voice, "-w", str(raw), text], "espeak-ng")
        sox([str(raw)], str(clean), [])
        stream = read_wav(clean)[0] / 32768.0
        total += np.roll(np.resize(stream, len(total)), k * len(total) // 7)
    return to_int16(total * 0.5 / (np.abs(total).max() + 1e-9))


def load_background(folder: Path) -> dict[str, np.ndarray]:
    return {p.stem: read_wav(p)[0] / 32768.0 for p in sorted(folder.glob("*.wav"))}


# ------------------------------------------------------------ the plan

def plan_clips(seed: int, size: int, splits: tuple[str, ...], noise_names: list[str]) -> list[ClipPlan]:
    rng = np.random.default_rng(seed)
    speakers = [s for s in voices.catalog() if s.split in splits]
    rotation = _speaker_rotation(rng, speakers)
    takes = defaultdict(int)
    split_p = _normalised({s: SPLIT_SHARES[s] for s in splits})
    plans = []
    for category, count in _category_counts(size).items():
        for _ in range(count):
            split = str(rng.choice(list(split_p), p=list(split_p.values())))
            if category == SILENCE:
                plans.append(_silence_plan(rng, split, noise_names, takes))
                continue
            word = category if category in TARGET_WORDS else str(rng.choice(UNKNOWN_WORDS))
            plans.append(_word_plan(rng, word, split, rotation, noise_names, takes))
    return plans


def _category_counts(size: int) -> dict[str, int]:
    counts = {c: int(math.floor(size * share)) for c, share in CATEGORY_SHARES.items()}
    for category in list(counts)[: size - sum(counts.values())]:
        counts[category] += 1
    return counts


def _normalised(weights: dict) -> dict:
    total = sum(weights.values())
    return {k: v / total for k, v in weights.items()}


def _speaker_rotation(rng, speakers):
    """Per (split, synth) a shuffled cycle of speakers, so all get used evenly."""
    groups = defaultdict(list)
    for speaker in speakers:
        groups[(speaker.split, speaker.synth)].append(speaker)
    return {key: {"speakers": [group[i] for i in rng.permutation(len(group))], "next": 0}
            for key, group in groups.items()}


def _next_speaker(rng, rotation, split):
    synths = {s: p for s, p in SYNTH_SHARES.items() if (split, s) in rotation}
    synths = _normalised(synths)
    group = rotation[(split, str(rng.choice(list(synths), p=list(synths.values()))))]
    speaker = group["speakers"][group["next"] % len(group["speakers"])]
    group["next"] += 1
    return speaker


def _word_plan(rng, word, split, rotation, noise_names, takes) -> ClipPlan:
    speaker = _next_speaker(rng, rotation, split)
    take = takes[(speaker.id, word)]
    takes[(speaker.id, word)] += 1
    tract = speaker.tract * rng.uniform(0.97, 1.03)
    noisy = rng.random() < 0.7
    return ClipPlan(
        path=f"{word}/{speaker.id}_nohash_{take}.wav", label=word, speaker=speaker.id, split=split,
        rate=round(speaker.rate * rng.uniform(0.85, 1.15), 3),
        pitch_cents=round(100 * (speaker.pitch + rng.uniform(-1.5, 1.5)), 1),
        tract=round(tract, 4), highpass_hz=round(rng.uniform(40, 250)),
        lowpass_hz=round(rng.uniform(3400, 7600)) if rng.random() < 0.4 else 0,
        reverb=(round(rng.uniform(10, 70)), round(rng.uniform(20, 100)), round(rng.uniform(-8, 0), 1))
        if rng.random() < 0.5 else (),
        peak_db=round(rng.uniform(-32, -2), 1), offset=round(rng.uniform(0, 1), 3),
        noise=str(rng.choice(noise_names)) if noisy else "",
        noise_start=round(rng.uniform(0, 1), 4),
        snr_db=float(rng.choice([5, 10, 15, 20, 30])) if noisy else 99.0,
        floor_snr_db=round(rng.uniform(40, 60), 1))


def _silence_plan(rng, split, noise_names, takes) -> ClipPlan:
    noise = str(rng.choice(noise_names))
    take = takes[(SILENCE, noise)]
    takes[(SILENCE, noise)] += 1
    return ClipPlan(path=f"{SILENCE}/{noise}_nohash_{take}.wav", label=SILENCE, speaker=noise,
                    split=split, peak_db=round(rng.uniform(-70, -25), 1), noise=noise,
                    noise_start=round(rng.uniform(0, 1), 4))


# ------------------------------------------------------------ making clips

def render_speaker(task) -> None:
    """Worker: synthesize, process and write every clip of one speaker."""
    out, speaker, plans = task
    background = load_background(Path(out) / BACKGROUND)
    with tempfile.TemporaryDirectory(prefix="lab-speech-") as tmp:
        workdir = Path(tmp)
        if speaker is None:
            for plan in plans:
                _write_clip(out, plan, silence_clip(plan, background))
            return
        raw = [voices.Utterance(p.label, p.rate, str(workdir / f"raw{i}.wav")) for i, p in enumerate(plans)]
        voices.synthesize(speaker, raw, workdir)
        for utterance, plan in zip(raw, plans):
            processed = str(workdir / "processed.wav")
            sox([utterance.path], processed, sox_effects(plan))
            speech = read_wav(processed)[0] / 32768.0
            _write_clip(out, plan, word_clip(plan, speech, background))


def sox_effects(plan: ClipPlan) -> list[str]:
    """Vocal tract (speed, pitch restored, duration restored), pitch, mic, room."""
    restore_cents = -1200 * math.log2(plan.tract)
    # speed and pitch change sox's nominal rate: resample after each, which also
    # avoids a sox 14.4 crash when pitch directly follows speed.
    rate = ["rate", str(SAMPLE_RATE)]
    effects = ["speed", f"{plan.tract:.4f}", *rate, "pitch", f"{restore_cents + plan.pitch_cents:.1f}",
               "tempo", "-s", f"{1 / plan.tract:.4f}", *rate, "highpass", f"{plan.highpass_hz:g}"]
    if plan.lowpass_hz:
        effects += ["lowpass", f"{plan.lowpass_hz:g}"]
    if plan.reverb:
        reverberance, room, wet = plan.reverb
        effects += ["reverb", f"{reverberance:g}", "50", f"{room:g}", "100", "0", f"{wet:g}"]
    return effects


def trim_silence(speech: np.ndarray, threshold_db: float = -40.0, margin: int = 160) -> np.ndarray:
    loud = np.flatnonzero(np.abs(speech) > np.abs(speech).max() * 10 ** (threshold_db / 20))
    if len(loud) == 0:
        return speech[:0]
    return speech[max(0, loud[0] - margin): loud[-1] + margin]


def noise_segment(background: dict, name: str, start: float, length: int = CLIP) -> np.ndarray:
    noise = background[name]
    first = int(start * (len(noise) - length))
    return noise[first:first + length]


def _rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(x ** 2)) + 1e-12)


def word_clip(plan: ClipPlan, speech: np.ndarray, background: dict) -> np.ndarray:
    speech = trim_silence(speech)[:CLIP]
    if len(speech) == 0:
        raise ValueError(f"{plan.path}: the synthesizer produced silence")
    speech = speech * (10 ** (plan.peak_db / 20) / np.abs(speech).max())
    start = int(plan.offset * (CLIP - len(speech)))
    clip = np.zeros(CLIP)
    clip[start:start + len(speech)] = speech
    level = _rms(speech)
    floor = noise_segment(background, "pink_noise", plan.noise_start)
    clip += floor * (level / _rms(floor) * 10 ** (-plan.floor_snr_db / 20))
    if plan.noise:
        noise = noise_segment(background, plan.noise, plan.noise_start)
        clip += noise * (level / _rms(noise) * 10 ** (-plan.snr_db / 20))
    return to_int16(clip)


def silence_clip(plan: ClipPlan, background: dict) -> np.ndarray:
    noise = noise_segment(background, plan.noise, plan.noise_start)
    return to_int16(noise * (10 ** (plan.peak_db / 20) / _rms(noise)))


def _write_clip(out, plan: ClipPlan, samples: np.ndarray) -> None:
    path = Path(out) / plan.path
    path.parent.mkdir(parents=True, exist_ok=True)
    write_wav(path, samples)


# ------------------------------------------------------------ the data set

def generate(out: str | Path, size: int, seed: int, splits: tuple[str, ...] = SPLITS,
             noise_seconds: float | None = None, workers: int | None = None) -> list[ClipPlan]:
    require_tools("espeak-ng", "flite", "festival", "sox")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    seconds = noise_seconds or float(min(60, max(3, size // 50)))
    with tempfile.TemporaryDirectory(prefix="lab-noise-") as tmp:
        make_background(out / BACKGROUND, seconds, Path(tmp))
    plans = plan_clips(seed, size, splits, sorted(noise_effects(seconds)) + ["babble"])
    _render_all(out, plans, workers or min(2, os.cpu_count() or 1))
    _write_lists(out, plans)
    _write_speakers(out, plans)
    info = {"generator": generator_command("speech", size, seed, splits, noise_seconds),
            "seed": seed, "size": size, "splits": list(splits), "noise_seconds": seconds,
            "target_words": list(TARGET_WORDS), "unknown_words": list(UNKNOWN_WORDS),
            "held_out_families": list(voices.HELD_OUT_FAMILIES),
            "clips": {split: sum(p.split == split for p in plans) for split in SPLITS}}
    (out / "info.json").write_text(json.dumps(info, indent=2) + "\n")
    return plans


def _render_all(out: Path, plans: list[ClipPlan], workers: int) -> None:
    by_speaker = defaultdict(list)
    for plan in plans:
        by_speaker[None if plan.label == SILENCE else plan.speaker].append(plan)
    speakers = {s.id: s for s in voices.catalog()}
    tasks = sorted(((str(out), speakers.get(key), group) for key, group in by_speaker.items()),
                   key=lambda task: -len(task[2]))
    if workers <= 1:
        for task in tasks:
            render_speaker(task)
        return
    with Pool(workers) as pool:
        for _ in pool.imap_unordered(render_speaker, tasks):
            pass


def _write_lists(out: Path, plans: list[ClipPlan]) -> None:
    for split, name in (("validation", "validation_list.txt"), ("testing", "testing_list.txt")):
        lines = sorted(p.path for p in plans if p.split == split)
        (out / name).write_text("".join(line + "\n" for line in lines))


def _write_speakers(out: Path, plans: list[ClipPlan]) -> None:
    used = {p.speaker for p in plans}
    with open(out / "speakers.csv", "w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["id", "synth", "voice", "family", "split", "rate", "pitch", "tract"])
        for s in voices.catalog():
            if s.id in used:
                writer.writerow([s.id, s.synth, s.voice, s.family, s.split, s.rate, s.pitch, s.tract])
