"""The committed example models and test sets: budgets, supported ops, the
accuracy their cards claim, re-measured in TFLite Micro on the committed data,
and data sets that their documented commands reproduce byte for byte."""
import json
import re
import shlex
from pathlib import Path

import numpy as np
import pytest

from lab.cli import main
from lab.data.common import dataset_hash
from lab.training import common

pytest.importorskip("tensorflow")
pytest.importorskip("tflite_micro")

ROOT = Path(__file__).resolve().parents[2]
MODELS, TEST_DATA = ROOT / "models", ROOT / "data" / "test"


def card(name):
    return json.loads((MODELS / name / "card.json").read_text())


def model_bytes(name, kind="int8"):
    return (MODELS / name / card(name)["models"][kind]["file"]).read_bytes()


@pytest.mark.parametrize("name", ["hello_world", "micro_speech", "magic_wand"])
def test_card_matches_files_and_ops_are_supported(name):
    for entry in card(name)["models"].values():
        data = (MODELS / name / entry["file"]).read_bytes()
        assert common.sha256(data) == entry["sha256"] and len(data) == entry["bytes"]
    ops = common.operator_names(model_bytes(name))
    assert set(ops) <= common.SUPPORTED_OPS and ops == card(name)["ops"]
    micro = common.MicroModel(model_bytes(name))
    assert micro.input["dtype"] == "int8" and micro.output["dtype"] == "int8"
    assert {k: micro.input[k] for k in ("scale", "zero_point", "shape")} == \
        {k: card(name)["inputs"][0][k] for k in ("scale", "zero_point", "shape")}


@pytest.mark.parametrize("name,minimum", [("micro_speech", 0.90), ("magic_wand", 0.90)])
def test_card_accuracy_meets_the_acceptance(name, minimum):
    accuracy = card(name)["accuracy"]
    assert accuracy["int8"] >= minimum
    assert abs(accuracy["int8"] - accuracy["float"]) <= 0.02
    assert not card(name)["quick"]


def test_hello_world_error_remeasured_in_tflite_micro():
    from lab.training.hello_world import grid_mae
    accuracy = card("hello_world")["accuracy"]
    measured = grid_mae(common.MicroModel(model_bytes("hello_world")))
    assert measured == pytest.approx(accuracy["int8"], abs=1e-5)
    assert measured <= 0.05 and abs(accuracy["int8"] - accuracy["float"]) <= 0.02


def test_micro_speech_fits_tflite_micro_budget():
    assert len(model_bytes("micro_speech")) <= 20 * 1024
    arena = common.MicroModel(model_bytes("micro_speech")).arena_bytes()
    assert arena <= 10 * 1024 and arena == card("micro_speech")["arena_bytes"]


def test_micro_speech_on_the_committed_held_out_clips():
    from lab.training import micro_speech as ms
    tf = common.tensorflow()
    clips = ms.load_index(TEST_DATA / "speech")
    features = ms.Frontend(tf).model_input(ms.read_clip(c.path) for c in clips)
    scores = common.MicroModel(model_bytes("micro_speech")).run(features)
    truth = np.array([c.label for c in clips])
    assert {c.split for c in clips} == {"testing"}
    assert set(truth) == {0, 1, 2, 3}
    assert np.mean(np.argmax(scores, axis=1) == truth) >= 0.85


def test_magic_wand_on_the_committed_test_gestures():
    from lab.training import magic_wand as mw
    rows = mw.load_recordings(TEST_DATA / "gestures")
    x, y = mw.windows(rows)
    scores = common.MicroModel(model_bytes("magic_wand")).run(x)
    assert np.mean(np.argmax(scores, axis=1) == y) >= 0.85


@pytest.mark.parametrize("kind", ["speech", "gestures"])
def test_committed_test_sets_are_reproduced_by_their_command(kind, tmp_path):
    committed = TEST_DATA / kind
    command = json.loads((committed / "info.json").read_text())["generator"]
    argv = shlex.split(command.replace("--out DIR", f"--out {tmp_path}"))
    assert argv[:3] == ["lab", "data", kind] and main(argv[1:]) == 0
    assert dataset_hash(tmp_path) == dataset_hash(committed)


def test_magic_wand_firmware_uses_the_rule_chosen_with_the_model():
    rule = card("magic_wand")["streaming"]["rule"]
    source = (MODELS.parent / "firmware/apps/magic_wand/main.c").read_text()
    defaults = dict(re.findall(r"#define (THRESHOLD|CONSECUTIVE) (\d+)", source))
    assert defaults == {"THRESHOLD": str(rule["threshold"]), "CONSECUTIVE": str(rule["consecutive"])}


def test_micro_speech_scenario_asks_the_card_accuracy_within_five_points():
    import yaml
    scenario = yaml.safe_load((MODELS.parent / "scenarios/micro_speech.yaml").read_text())
    card_accuracy = card("micro_speech")["accuracy"]["int8"]
    assert scenario["expect"]["accuracy_at_least"] == pytest.approx(card_accuracy - 0.05, abs=5e-4)
