"""`lab train <model> --quick`: each runs end to end on a tiny set it makes
itself, writes .tflite files and a card, and beats chance clearly."""
import json
import shutil

import pytest

from lab.cli import main
from lab.training import common

pytest.importorskip("tensorflow")
pytest.importorskip("tflite_micro")
needs_synthesizers = pytest.mark.skipif(
    not all(shutil.which(t) for t in ("espeak-ng", "flite", "festival", "sox")),
    reason="speech synthesizers not installed")


def train_quick(model, out):
    assert main(["train", model, "--quick", "--seed", "3", "--out", str(out)]) == 0
    card = json.loads((out / "card.json").read_text())
    for entry in card["models"].values():
        data = (out / entry["file"]).read_bytes()
        assert common.sha256(data) == entry["sha256"]
        assert set(common.operator_names(data)) <= common.SUPPORTED_OPS
    # How long it took is in the card (training_seconds) and in the closing notes: wall
    # time is not asserted on a shared machine.
    return card


def majority_share(card) -> float:
    rows = [sum(row) for row in card["accuracy"]["confusion_int8"]["matrix"]]
    return max(rows) / sum(rows)


def test_hello_world_quick(tmp_path):
    card = train_quick("hello_world", tmp_path)
    # Predicting 0 everywhere gives a mean absolute error of 2/pi = 0.64.
    assert card["accuracy"]["int8"] < 0.45
    assert card["inputs"][0]["dtype"] == "int8" and card["outputs"][0]["dtype"] == "int8"


@needs_synthesizers
def test_micro_speech_quick(tmp_path):
    card = train_quick("micro_speech", tmp_path)
    assert card["labels"] == ["silence", "unknown", "yes", "no"]
    assert card["inputs"][0]["shape"] == [1, 49, 40, 1] and card["inputs"][0]["dtype"] == "int8"
    assert card["accuracy"]["int8"] > max(0.5, majority_share(card) + 0.15)


def test_magic_wand_quick(tmp_path):
    card = train_quick("magic_wand", tmp_path)
    assert card["inputs"][0]["shape"] == [1, 128, 3, 1]
    assert card["accuracy"]["int8"] > 0.45            # four balanced classes: chance is 0.25
