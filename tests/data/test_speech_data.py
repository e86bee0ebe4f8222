"""`lab data speech`: Speech Commands layout, determinism, voice-disjoint splits."""
import shutil
from collections import defaultdict

import pytest

from lab.data import speech, voices
from lab.data.audio import read_wav
from lab.data.common import dataset_hash

pytestmark = pytest.mark.skipif(
    not all(shutil.which(t) for t in ("espeak-ng", "flite", "festival", "sox")),
    reason="speech synthesizers not installed")


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    out = tmp_path_factory.mktemp("speech")
    return out, speech.generate(out, 40, seed=3, workers=2)


def test_same_seed_same_bytes_in_one_process_or_two(made, tmp_path):
    out, _ = made
    speech.generate(tmp_path / "again", 40, seed=3, workers=1)
    assert dataset_hash(out) == dataset_hash(tmp_path / "again")


def test_clips_are_one_second_16khz_mono_16bit(made):
    out, plans = made
    for plan in plans:
        samples, rate = read_wav(out / plan.path)
        assert rate == 16000 and len(samples) == 16000
        assert samples.std() > 0


def test_layout_has_words_silence_noise_and_lists(made):
    out, plans = made
    assert {p.label for p in plans} >= {"yes", "no", speech.SILENCE}
    assert any(p.label in speech.UNKNOWN_WORDS for p in plans)
    noises = sorted(p.stem for p in (out / speech.BACKGROUND).glob("*.wav"))
    assert noises == sorted(list(speech.noise_effects(3)) + ["babble"])
    listed = set((out / "testing_list.txt").read_text().split())
    assert listed == {p.path for p in plans if p.split == "testing"}
    assert listed.isdisjoint((out / "validation_list.txt").read_text().split())


def test_splits_are_disjoint_by_voice_and_hold_out_whole_families(made):
    _, plans = made
    split_of = defaultdict(set)
    for plan in plans:
        if plan.label != speech.SILENCE:
            split_of[plan.speaker].add(plan.split)
    assert all(len(s) == 1 for s in split_of.values())
    for speaker in voices.catalog():
        if speaker.family in voices.HELD_OUT_FAMILIES:
            assert speaker.split == "testing"
    families = {s.family for s in voices.catalog()}
    assert len(families) >= 20 and set(voices.HELD_OUT_FAMILIES) <= families


def test_testing_only_set_uses_only_testing_voices(tmp_path):
    plans = speech.generate(tmp_path, 12, seed=4, splits=("testing",))
    by_id = {s.id: s for s in voices.catalog()}
    assert all(p.split == "testing" for p in plans)
    assert all(by_id[p.speaker].split == "testing" for p in plans if p.label != speech.SILENCE)
