"""`lab data gestures`: determinism, file formats, and physical plausibility."""
import numpy as np
import pytest

from lab.cli import main
from lab.data import gestures
from lab.data.common import dataset_hash
from lab.sensors import resd


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    out = tmp_path_factory.mktemp("gestures")
    recordings = gestures.generate(out, 24, seed=5)
    return out, recordings


def test_same_seed_same_bytes_and_other_seed_differs(tmp_path):
    assert main(["data", "gestures", "--out", str(tmp_path / "a"), "--size", "12", "--seed", "9"]) == 0
    assert main(["data", "gestures", "--out", str(tmp_path / "b"), "--size", "12", "--seed", "9"]) == 0
    gestures.generate(tmp_path / "c", 12, seed=10)
    assert dataset_hash(tmp_path / "a") == dataset_hash(tmp_path / "b")
    assert dataset_hash(tmp_path / "a") != dataset_hash(tmp_path / "c")


def test_csv_and_resd_hold_the_same_samples_at_119_hz(made):
    out, recordings = made
    table = gestures.read_csv(out / (recordings[0].name + ".csv"))
    (block,) = resd.read(out / (recordings[0].name + ".resd"))
    assert block.sample_type == resd.ACCELERATION and block.period_ns == 8403361
    np.testing.assert_allclose(np.diff(table[:, 0]), 1 / 119, atol=2e-6)
    np.testing.assert_array_equal(np.rint(table[:, 1:] * 1e6).astype(int), block.samples)
    assert len(table) == int(gestures.RECORDING_S * 119)


def test_labels_cover_every_file_with_a_time_window(made):
    out, recordings = made
    rows = gestures.read_labels(out)
    assert [row["file"] for row in rows] == [r.name + ".csv" for r in recordings]
    assert {row["label"] for row in rows} == set(gestures.LABELS)
    for row in rows:
        assert (out / row["file"]).exists()
        assert 0 <= row["start_s"] < row["end_s"] <= gestures.RECORDING_S


def test_at_rest_the_sensor_feels_one_g(made):
    out, recordings = made
    for r in recordings:
        before = r.samples_g()[: int(0.25 * 119)]
        assert np.linalg.norm(before.mean(axis=0)) == pytest.approx(1.0, abs=0.12)


def test_gestures_move_more_than_the_idle_hand_and_stay_in_range(made):
    _, recordings = made
    for r in recordings:
        samples = r.samples_g()
        assert np.abs(samples).max() <= 4.0
        if r.label == "negative":
            continue
        inside = samples[int(r.start_s * 119): int(r.end_s * 119)]
        idle = samples[: int(0.25 * 119)]
        assert inside.std(axis=0).sum() > 5 * idle.std(axis=0).sum()


def test_users_never_cross_splits(made):
    _, recordings = made
    splits = {}
    for r in recordings:
        assert splits.setdefault(r.user, r.split) == r.split
    assert set(splits.values()) == {"training", "validation", "testing"}


def test_test_only_set_holds_only_test_users(tmp_path):
    recordings = gestures.generate(tmp_path, 8, seed=5, splits=("testing",))
    assert {r.split for r in recordings} == {"testing"}
