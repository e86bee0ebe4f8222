"""The speakers of the synthetic speech set: three synthesizers, many voices.

The catalog is fixed (it does not depend on the data set's seed), and so is
each speaker's split, so every data set made with any seed keeps the same
voices out of training. Two voice families are held out entirely and only
ever appear in the test split:

  flite-awb      flite's clustergen voice built from recordings of "awb", a
                 Scottish English man (a recorded human voice and accent that
                 training never hears)
  espeak-klatt   espeak-ng's Klatt formant-synthesis variants (klatt .. klatt6),
                 a synthesis method training never hears

Other speakers go to training, validation or testing by a hash of their id
(70 / 10 / 20 %), like Speech Commands' own split.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lab.data.audio import run

HELD_OUT_FAMILIES = ("flite-awb", "espeak-klatt")

ESPEAK_ACCENTS = ("en-us", "en", "en-gb-scotland", "en-gb-x-rp", "en-gb-x-gbclan",
                  "en-gb-x-gbcwmd", "en-029", "en-us-nyc")
# Human-sounding variants only (no robots, croaks or demons).
ESPEAK_VARIANTS = ("m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "f1", "f2", "f3", "f4", "f5",
                   "adam", "Alex", "Alicia", "Andrea", "Andy", "Annie", "aunty", "belinda",
                   "benjamin", "caleb", "david", "ed", "edward", "Gene", "john", "linda", "max",
                   "Michael", "Mike", "paul", "quincy", "rob", "robert", "steph", "travis",
                   "victor", "zac", "grandma", "grandpa", "norbert", "shelby", "anika", "Lee",
                   "klatt", "klatt2", "klatt3", "klatt4", "klatt5", "klatt6")
FLITE_VOICES = ("kal", "kal16", "awb", "rms", "slt")
FESTIVAL_VOICES = ("kal_diphone", "ked_diphone", "cmu_us_slt_arctic_hts")

ESPEAK_SPEAKERS = 100
FLITE_SPEAKERS_PER_VOICE = 10
FESTIVAL_SPEAKERS_PER_VOICE = 12
CATALOG_SEED = 20240604


@dataclass(frozen=True)
class Speaker:
    id: str          # the file-name prefix before "_nohash_"
    synth: str       # espeak | flite | festival
    voice: str       # espeak "accent+variant", flite or festival voice name
    family: str      # what "a voice never heard in training" is measured against
    rate: float      # speaking-rate factor (1 = the synthesizer's default)
    pitch: float     # semitones of pitch shift
    tract: float     # vocal-tract length factor: > 1 shorter tract, higher formants

    @property
    def split(self) -> str:
        if self.family in HELD_OUT_FAMILIES:
            return "testing"
        slot = zlib.crc32(self.id.encode()) % 10
        return "training" if slot < 7 else "validation" if slot < 8 else "testing"


def _family(synth: str, voice: str) -> str:
    name = voice.split("+")[-1]
    if "slt" in name:
        return "slt"
    if synth == "espeak":
        return "espeak-klatt" if name.startswith("klatt") else f"espeak-{name}"
    return f"{synth}-{name}"


# Voices built from recordings of adult men; some of their speakers get a
# shorter vocal tract and a higher pitch, as women's and younger voices have.
RECORDED_MALE_VOICES = ("kal", "kal16", "awb", "rms", "kal_diphone", "ked_diphone")


def _speaker(rng, synth: str, voice: str, number: int) -> Speaker:
    short = voice.replace("+", "-").replace("_diphone", "").replace("cmu_us_", "").replace("_arctic_hts", "")
    if voice in RECORDED_MALE_VOICES and rng.random() < 0.4:
        tract, pitch = rng.uniform(1.12, 1.25), rng.uniform(4.0, 9.0)
    else:
        tract, pitch = rng.uniform(0.9, 1.12), rng.uniform(-3.0, 3.0)
    return Speaker(id=f"{synth}-{short}-{number}", synth=synth, voice=voice,
                   family=_family(synth, voice), rate=round(float(rng.uniform(0.85, 1.2)), 3),
                   pitch=round(float(pitch), 2), tract=round(float(tract), 3))


def catalog() -> list[Speaker]:
    rng = np.random.default_rng(CATALOG_SEED)
    speakers = []
    pairs = [(a, v) for a in ESPEAK_ACCENTS for v in ESPEAK_VARIANTS]
    for k in rng.choice(len(pairs), ESPEAK_SPEAKERS, replace=False):
        accent, variant = pairs[k]
        speakers.append(_speaker(rng, "espeak", f"{accent}+{variant}", 0))
    for voice in FLITE_VOICES:
        speakers += [_speaker(rng, "flite", voice, n) for n in range(FLITE_SPEAKERS_PER_VOICE)]
    for voice in FESTIVAL_VOICES:
        speakers += [_speaker(rng, "festival", voice, n) for n in range(FESTIVAL_SPEAKERS_PER_VOICE)]
    return speakers


# ------------------------------------------------------------ synthesis

@dataclass(frozen=True)
class Utterance:
    """One word from one speaker, at a per-take speaking rate."""
    text: str
    rate: float
    path: str


def synthesize(speaker: Speaker, utterances: list[Utterance], workdir: Path) -> None:
    """Write every utterance's raw synthesizer output (WAV at its native rate)."""
    if speaker.synth == "espeak":
        for u in utterances:
            words_per_minute = str(int(round(165 * u.rate)))
            run(["espeak-ng", "-v", speaker.voice, "-s", words_per_minute, "-w", u.path, u.text],
                "espeak-ng")
    elif speaker.synth == "flite":
        for u in utterances:
            run(["flite", "-voice", speaker.voice, "--setf", f"duration_stretch={1 / u.rate:.3f}",
                 "-t", u.text, "-o", u.path], "flite")
    else:
        _festival_batch(speaker, utterances, workdir)


def _festival_batch(speaker: Speaker, utterances: list[Utterance], workdir: Path) -> None:
    """One festival process per speaker: start-up costs far more than a word."""
    lines = [f"(voice_{speaker.voice})"]
    for u in utterances:
        lines.append(f"(Parameter.set 'Duration_Stretch {1 / u.rate:.3f})")
        lines.append(f'(utt.save.wave (utt.synth (Utterance Text "{u.text}")) "{u.path}" \'riff)')
    script = workdir / "festival.scm"
    script.write_text("\n".join(lines) + "\n")
    run(["festival", "-b", str(script)], "festival")
    missing = [u.path for u in utterances if not Path(u.path).exists()]
    if missing:
        from lab.errors import LabError
        raise LabError(f"festival voice {speaker.voice} wrote no audio for {missing[0]}")
