"""Small Speech Commands-style folders from the committed test clips (data/test/speech)."""
import shutil
from pathlib import Path

SPEECH = Path(__file__).resolve().parents[1] / "data" / "test" / "speech"
# a keyword each, an unknown word and background noise
FOUR_KINDS = ("yes", "no", "tree", "_silence_")


def speech_folder(target: Path, labels=("yes", "no", "_silence_"), per_label: int = 1) -> Path:
    """The first `per_label` clips of each label, copied to target/<label>/."""
    for label in labels:
        for clip in sorted((SPEECH / label).glob("*.wav"))[:per_label]:
            (target / label).mkdir(parents=True, exist_ok=True)
            shutil.copyfile(clip, target / label / clip.name)
    return target
