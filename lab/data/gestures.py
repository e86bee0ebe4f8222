"""Magic-wand accelerometer recordings, simulated from the physics of a hand-held board.

People draw the gestures in the vertical plane in front of them, holding the board as
TFLite Micro's Arduino example asks ("components facing upwards and the USB cable to your
left"), its far edge raised: at rest TensorFlow's own recordings read about -0.7 g along
the board and +0.75 g through it (10-50 degrees of tilt). The simulation works in the
*wand frame* (x to the user's right, y forward along the board, z up through it). Each
gesture is a path drawn by the board, part by moving the arm (translation) and part by
turning the wrist or elbow (rotation about a pivot behind the board). The accelerometer
measures specific force in its own frame:

    f = R(t)^T (p''(t) + g z_up) / g

so orientation changes move gravity between the axes and the path's second derivative
adds the motion. Movements are minimum-jerk sub-movements (the smooth speed profile of
human reaching), drawn in 1-3 s; then physiological tremor (7-13 Hz), slow hand sway,
the recorder's decimation, per-device bias and scale errors, noise, quantization and
saturation at +-4 g.

The recordings hold what the Nano 33 BLE Sense's LSM9DS1 reports (the *board frame*);
the firmware turns it into the *model frame* as the Arduino example does, swapping x and
y (model = board y, board x, board z), which gives the SparkFun Edge frame the example's
model was first trained in (x along the board towards the user, y right, z up). That
swap is a mirror image: a real Nano held as the example says (its x axis towards the USB
socket, so to the left) reaches the model mirrored left-right, while SparkFun-frame
recordings "rotated for the Nano" (as Renode's test files are) reach it unmirrored. Users
record with either DEVICE, so the one model takes both.

People differ in STYLE (wrist, forearm or whole arm; a wand or the board in the hand),
size, speed, grip and tremor, and record either with the lab's 119 Hz LSM9DS1 (CSV in
g) or with a 25 Hz recorder as TensorFlow's data set was (CSV in milli-g, which a 119 Hz
sensor then sees as each sample repeated). HELD_OUT_STYLES never appear in training or
validation: the test split measures them.

Gestures (TFLite Micro's magic_wand set):
  wing     a "W": from top left down, up, down, up to top right
  ring     an "O": from the top, clockwise as the user sees it, back to the top
  slope    from top right diagonally down to bottom left, then straight right
  negative no gesture: holding still, swipes, shakes, twists, random paths, arcs
"""
from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lab.data.common import SPLITS, generator_command
from lab.sensors import resd

LABELS = ("wing", "ring", "slope", "negative")
ODR_HZ = 119.0                    # LSM9DS1 CTRL_REG6_XL ODR code 011
LSB_G = 0.122e-3                  # LSM9DS1 sensitivity at FS_XL = +-4 g
FULL_SCALE_G = 4.0
GRAVITY = 9.80665
RECORDING_S = 6.0


@dataclass(frozen=True)
class Recorder:
    """What wrote a recording: its rate, resolution and the unit its CSV holds."""
    rate_hz: float
    lsb_g: float
    oversampling: int             # physics steps averaged into one output sample (~1 kHz)
    csv_unit: str                 # "g" or "mg"


RECORDERS = {"lsm9ds1": Recorder(ODR_HZ, LSB_G, 8, "g"),
             "25hz": Recorder(25.0, 1e-3, 40, "mg")}
RECORDER_SHARE_25HZ = 0.35

DEVICES = ("nano", "edge")
# board axes from the wand frame's (x right, y forward, z up): sign of each wand axis
BOARD_FROM_WAND = {
    # a Nano 33 BLE Sense held as the Arduino example says: x towards the USB (left),
    # y towards the user, z up out of the components
    "nano": np.array([[-1, 0, 0], [0, -1, 0], [0, 0, 1]]),
    # the SparkFun Edge frame (x towards the user, y right, z up) with the example's
    # x/y swap undone, as Renode's test recordings are rotated for the Nano
    "edge": np.array([[1, 0, 0], [0, -1, 0], [0, 0, 1]]),
}


def model_from_board(board: np.ndarray) -> np.ndarray:
    """The Arduino example's axis swap (and the firmware's): model = (y, x, z) of the board."""
    return board[..., [1, 0, 2]]


@dataclass(frozen=True)
class Style:
    """How a group of people draws: ranges the users' own values are drawn from."""
    arm_share: tuple        # share of the path made by translating the arm
    lever_m: tuple          # pivot (wrist, elbow) to the board's far end
    sensor_at: tuple        # where along the lever the sensor sits (1 = at its end)
    size: tuple             # scale of the drawn shapes (1 = typical)
    gesture_s: tuple        # how long one gesture takes


STYLES = {
    "wrist": Style((0.05, 0.35), (0.3, 0.55), (0.15, 1.0), (0.6, 1.0), (0.9, 1.8)),
    "forearm": Style((0.3, 0.6), (0.3, 0.45), (0.2, 1.0), (0.8, 1.3), (1.2, 2.6)),
    "arm": Style((0.6, 0.9), (0.5, 0.8), (0.2, 1.0), (1.1, 1.7), (1.8, 3.0)),
    # held out: the board itself in the hand (sensor at the moving end, elbow pivot),
    # and quick small flicks of the wrist
    "hand": Style((0.15, 0.5), (0.25, 0.35), (1.0, 1.0), (0.7, 1.2), (1.0, 2.4)),
    "flick": Style((0.0, 0.15), (0.25, 0.4), (0.6, 1.0), (0.5, 0.75), (0.8, 1.2)),
}
HELD_OUT_STYLES = ("hand", "flick")
TRAINING_STYLES = tuple(s for s in STYLES if s not in HELD_OUT_STYLES)
HELD_OUT_SHARE = 0.4              # of the test split's users
GESTURE_LENGTH = {"wing": 1.1, "ring": 1.0, "slope": 0.9}    # relative drawing times


@dataclass(frozen=True)
class User:
    """One virtual person with one board: style and device differ between users."""
    index: int
    split: str
    style: str
    device: str             # DEVICES
    recorder: str           # RECORDERS
    size: float
    gesture_s: float        # typical time for one gesture
    arm_share: float
    lever_m: float          # pivot to the board's far end
    sensor_m: float         # pivot to the sensor
    pitch_deg: float        # resting elevation of the board's far edge
    roll_deg: float         # resting roll about the forward axis
    mount_deg: float        # the board turned in its own plane
    roll_coupling: float    # wrist roll per radian of yaw
    tremor_g: float
    bias_g: tuple
    scale_error: tuple
    noise_g: float

    @property
    def name(self) -> str:
        return f"u{self.index:03d}"


def user_split(index: int) -> str:
    """Users are split by index (70 % / 10 % / 20 %), independent of the seed."""
    slot = index % 10
    return "training" if slot < 7 else "validation" if slot == 7 else "testing"


def user_style(rng, split: str) -> str:
    if split == "testing" and rng.uniform() < HELD_OUT_SHARE:
        return str(rng.choice(HELD_OUT_STYLES))
    return str(rng.choice(TRAINING_STYLES))


def make_user(seed: int, index: int, style: str | None = None, device: str | None = None,
              recorder: str | None = None) -> User:
    """User `index` of a data set made with `seed`; `style`, `device` and `recorder`
    replace what the draw would give (everything else is drawn the same)."""
    rng = np.random.default_rng([seed, 1, index])
    split = user_split(index)
    name = user_style(rng, split)             # drawn even when replaced: the draws stay in step
    name = style or name
    ranges = STYLES[name]
    lever = float(rng.uniform(*ranges.lever_m))
    drawn_device = str(rng.choice(DEVICES))
    drawn_recorder = "25hz" if rng.uniform() < RECORDER_SHARE_25HZ else "lsm9ds1"
    return User(
        index=index, split=split, style=name, device=device or drawn_device,
        recorder=recorder or drawn_recorder,
        size=float(rng.uniform(*ranges.size)), gesture_s=float(rng.uniform(*ranges.gesture_s)),
        arm_share=float(rng.uniform(*ranges.arm_share)), lever_m=lever,
        sensor_m=lever * float(rng.uniform(*ranges.sensor_at)),
        pitch_deg=float(rng.uniform(5, 60)), roll_deg=float(rng.normal(0, 12)),
        mount_deg=float(rng.normal(0, 8)),
        roll_coupling=float(rng.uniform(-0.4, 0.4)), tremor_g=float(rng.uniform(0.003, 0.03)),
        bias_g=tuple(float(b) for b in np.clip(rng.normal(0, 0.025, 3), -0.06, 0.06)),
        scale_error=tuple(float(s) for s in rng.normal(1.0, 0.02, 3)),
        noise_g=float(rng.uniform(0.0015, 0.005)),
    )


# ------------------------------------------------------------ drawn paths

def min_jerk(tau: np.ndarray) -> np.ndarray:
    """Minimum-jerk position profile from 0 to 1 (Flash & Hogan)."""
    tau = np.clip(tau, 0.0, 1.0)
    return tau ** 3 * (10 - 15 * tau + 6 * tau ** 2)


def stroke_path(t: np.ndarray, points: np.ndarray, start: float, duration: float,
                overlap: float) -> np.ndarray:
    """Tip position (n, 2) through `points` as overlapping minimum-jerk strokes.

    Each stroke's duration grows with the square root of its length, and a
    stroke starts before the previous one ends (`overlap` fraction), which
    rounds the corners the way a continuous hand movement does.
    """
    deltas = np.diff(points, axis=0)
    weights = np.sqrt(np.linalg.norm(deltas, axis=1) + 1e-3)
    stroke_s = duration * weights / (weights.sum() - overlap * weights[:-1].sum())
    position = np.repeat(points[:1], len(t), axis=0).astype(float)
    begin = start
    for delta, length in zip(deltas, stroke_s):
        position += np.outer(min_jerk((t - begin) / length), delta)
        begin += length * (1 - overlap)
    return position


def wing_points(rng, width: float, height: float) -> np.ndarray:
    middle = rng.uniform(0.45, 1.0) * height
    dips = rng.uniform(-0.1, 0.1, 2) * height
    xs = np.array([0, 0.25, 0.5, 0.75, 1.0]) + rng.normal(0, 0.03, 5)
    zs = np.array([height, dips[0], middle, dips[1], height * rng.uniform(0.8, 1.1)])
    return np.column_stack([xs * width - width / 2, zs - height / 2])


def slope_points(rng, width: float, height: float) -> np.ndarray:
    end_x = width * rng.uniform(0.8, 1.2)
    sag = height * rng.normal(0, 0.05)
    return np.array([[width / 2, height / 2], [-width / 2, -height / 2],
                     [end_x - width / 2, -height / 2 + sag]])


def ring_path(t, rng, radius: float, start: float, duration: float, turns: float = 1.0) -> np.ndarray:
    turn = 2 * np.pi * turns * rng.uniform(0.92, 1.08)
    angle = turn * min_jerk((t - start) / duration)
    squash = rng.uniform(0.75, 1.25)
    wobble = 1 + 0.06 * np.sin(angle * rng.integers(2, 4) + rng.uniform(0, 2 * np.pi))
    return np.column_stack([radius * wobble * np.sin(angle),
                            radius * squash * wobble * (np.cos(angle) - 1) + radius])


MIN_GESTURE_S, MAX_GESTURE_S = 0.8, 3.3


def gesture_duration(label: str, rng, user: User) -> float:
    """One take's drawing time: the user's pace, the gesture's length, take-to-take jitter."""
    duration = user.gesture_s * GESTURE_LENGTH[label] * rng.uniform(0.85, 1.15)
    return float(np.clip(duration, MIN_GESTURE_S, MAX_GESTURE_S))


def gesture_path(label: str, t, rng, user: User, start: float):
    """(board path (n, 2) in m, duration s) of one gesture starting at `start`."""
    duration = gesture_duration(label, rng, user)
    if label == "wing":
        points = wing_points(rng, 0.4 * user.size * rng.uniform(0.8, 1.2),
                             0.25 * user.size * rng.uniform(0.8, 1.2))
        return stroke_path(t, points, start, duration, rng.uniform(0.1, 0.35)), duration
    if label == "ring":
        return ring_path(t, rng, 0.14 * user.size * rng.uniform(0.8, 1.2), start, duration), duration
    if label == "slope":
        points = slope_points(rng, 0.3 * user.size * rng.uniform(0.8, 1.2),
                              0.3 * user.size * rng.uniform(0.8, 1.2))
        return stroke_path(t, points, start, duration, rng.uniform(0.05, 0.3)), duration
    raise ValueError(label)


# ------------------------------------------------------------ negatives

NEGATIVE_KINDS = ("still", "swipe", "shake", "twist", "random_path", "arc", "vee", "tilt")
# The hard ones (part of a gesture, or a stroke like one of its strokes) come more often:
# they are where a model errs.
NEGATIVE_WEIGHTS = np.array([1.0, 1.5, 1.0, 1.0, 1.5, 2.0, 1.5, 1.5])


def negative_motion(kind: str, t, rng, user: User, start: float):
    """(tip path (n, 2), extra (pitch, roll) rad (n, 2), duration) of a non-gesture."""
    path = np.zeros((len(t), 2))
    angles = np.zeros((len(t), 2))
    duration = rng.uniform(0.35, 1.4) * user.gesture_s
    if kind == "swipe":
        direction = rng.uniform(0, 2 * np.pi)
        points = np.array([[0, 0], [np.cos(direction), np.sin(direction)]]) * rng.uniform(0.15, 0.45)
        path = stroke_path(t, points, start, duration * 0.6, 0)
    elif kind == "shake":
        direction = rng.uniform(0, 2 * np.pi)
        envelope = np.sin(np.pi * np.clip((t - start) / duration, 0, 1)) ** 2
        wave = rng.uniform(0.02, 0.06) * envelope * np.sin(2 * np.pi * rng.uniform(2, 5) * (t - start))
        path = np.outer(wave, [np.cos(direction), np.sin(direction)])
    elif kind == "twist":
        roll = np.radians(rng.uniform(25, 80)) * rng.choice([-1, 1])
        angles[:, 1] = roll * (min_jerk((t - start) / (duration / 2))
                               - min_jerk((t - start - duration / 2) / (duration / 2)))
    elif kind == "random_path":
        points = np.vstack([[0, 0], rng.uniform(-0.2, 0.2, (rng.integers(2, 6), 2))])
        path = stroke_path(t, points, start, duration * 1.5, rng.uniform(0, 0.3))
    elif kind == "arc":
        path = ring_path(t, rng, 0.13 * user.size, start, duration, turns=rng.uniform(0.3, 0.55))
    elif kind == "vee":
        points = np.array([[-0.1, 0.1], [0, -0.1], [0.1, 0.1]]) * user.size * rng.uniform(0.8, 1.6)
        path = stroke_path(t, points, start, duration, rng.uniform(0.1, 0.3))
    elif kind == "tilt":
        angles[:, 0] = np.radians(rng.uniform(-70, 50)) * min_jerk((t - start) / duration)
    return path, angles, duration


# ------------------------------------------------------------ physics and sensor

def band_noise(rng, n: int, rate: float, low: float, high: float, rms: float) -> np.ndarray:
    """White noise band-limited to [low, high] Hz, scaled to the given rms."""
    spectrum = np.fft.rfft(rng.standard_normal(n))
    freqs = np.fft.rfftfreq(n, 1 / rate)
    spectrum[(freqs < low) | (freqs > high)] = 0
    signal = np.fft.irfft(spectrum, n)
    return signal * (rms / (signal.std() + 1e-12))


def rotations(yaw, pitch, roll) -> np.ndarray:
    """Rotation matrices (n, 3, 3), wand frame -> world: Rz(yaw) Rx(pitch) Ry(roll)."""
    cy, sy, cp, sp, cr, sr = np.cos(yaw), np.sin(yaw), np.cos(pitch), np.sin(pitch), np.cos(roll), np.sin(roll)
    zero, one = np.zeros_like(yaw), np.ones_like(yaw)
    rz = np.stack([np.stack([cy, -sy, zero], -1), np.stack([sy, cy, zero], -1), np.stack([zero, zero, one], -1)], -2)
    rx = np.stack([np.stack([one, zero, zero], -1), np.stack([zero, cp, -sp], -1), np.stack([zero, sp, cp], -1)], -2)
    ry = np.stack([np.stack([cr, zero, sr], -1), np.stack([zero, one, zero], -1), np.stack([-sr, zero, cr], -1)], -2)
    return rz @ rx @ ry


def specific_force_g(tip_path, extra_angles, user: User, rng, sim_hz: float) -> np.ndarray:
    """Accelerometer input (n, 3) in g, in the wand frame, at `sim_hz`."""
    n = len(tip_path)
    sway = np.column_stack([band_noise(rng, n, sim_hz, 0.05, 0.8, np.radians(rng.uniform(0.5, 3)))
                            for _ in range(3)])
    rotated = tip_path * (1 - user.arm_share) / user.lever_m
    yaw = -np.arctan(rotated[:, 0]) + sway[:, 0]
    pitch = np.radians(user.pitch_deg) + np.arctan(rotated[:, 1]) + extra_angles[:, 0] + sway[:, 1]
    roll = np.radians(user.roll_deg) + user.roll_coupling * yaw + extra_angles[:, 1] + sway[:, 2]
    orientation = rotations(yaw, pitch, roll)
    hand = np.column_stack([tip_path[:, 0], np.zeros(n), tip_path[:, 1]]) * user.arm_share
    sensor = hand + orientation @ np.array([0.0, user.sensor_m, 0.0])
    dt = 1 / sim_hz
    acceleration = np.gradient(np.gradient(sensor, dt, axis=0), dt, axis=0)
    tremor = np.column_stack([band_noise(rng, n, sim_hz, 7, 13, user.tremor_g * GRAVITY * w)
                              for w in (1.0, 0.6, 1.0)])
    world = acceleration + tremor + np.array([0.0, 0.0, GRAVITY])
    force = np.einsum("nji,nj->ni", orientation, world) / GRAVITY
    mount = np.radians(user.mount_deg)          # the board turned in its own plane
    c, s = np.cos(mount), np.sin(mount)
    return force @ np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])


def recorder_output(force_g: np.ndarray, user: User, rng) -> np.ndarray:
    """What the user's recorder reports, in board axes and its LSBs: decimated (the mean
    of each output period), biased, noisy, quantized, saturated at +-4 g."""
    recorder = RECORDERS[user.recorder]
    step = recorder.oversampling
    usable = len(force_g) // step * step
    averaged = force_g[:usable].reshape(-1, step, 3).mean(axis=1)
    board = averaged @ BOARD_FROM_WAND[user.device].T
    measured = board * np.array(user.scale_error) + np.array(user.bias_g)
    measured = measured + rng.normal(0, user.noise_g, measured.shape)
    full_scale = round(FULL_SCALE_G / recorder.lsb_g)
    return np.clip(np.rint(measured / recorder.lsb_g), -full_scale - 1, full_scale - 1).astype(np.int32)


# ------------------------------------------------------------ recordings

@dataclass
class Recording:
    name: str
    label: str
    kind: str
    user: User
    start_s: float
    end_s: float
    raw: np.ndarray          # (n, 3) int32 in the recorder's LSBs, board axes

    @property
    def recorder(self) -> Recorder:
        return RECORDERS[self.user.recorder]

    @property
    def split(self) -> str:
        return self.user.split

    def samples_g(self) -> np.ndarray:
        return self.raw * self.recorder.lsb_g

    def times_s(self) -> np.ndarray:
        return np.arange(len(self.raw)) / self.recorder.rate_hz


def delayed(path: np.ndarray, start_s: float, sim_hz: float) -> np.ndarray:
    """The path moved later by `start_s`, holding its first position meanwhile."""
    shift = int(round(start_s * sim_hz))
    return np.concatenate([np.repeat(path[:1], shift, axis=0), path[:len(path) - shift]])


def simulate_recording(seed: int, user: User, label: str, take: int,
                       recording_s: float = RECORDING_S) -> Recording:
    """One recording: idle hand, one gesture (or non-gesture) at a random time."""
    rng = np.random.default_rng([seed, 2, user.index, LABELS.index(label), take])
    sim_hz = RECORDERS[user.recorder].rate_hz * RECORDERS[user.recorder].oversampling
    t = np.arange(int(round(recording_s * sim_hz))) / sim_hz
    if label == "negative":
        kind = str(rng.choice(NEGATIVE_KINDS, p=NEGATIVE_WEIGHTS / NEGATIVE_WEIGHTS.sum()))
        path, extra, duration = negative_motion(kind, t, rng, user, 0.0)
    else:
        kind = label
        path, duration = gesture_path(label, t, rng, user, 0.0)
        extra = np.zeros((len(t), 2))
    start = rng.uniform(0.3, max(0.3, recording_s - duration - 0.3))
    path, extra = delayed(path - path[0], start, sim_hz), delayed(extra, start, sim_hz)
    raw = recorder_output(specific_force_g(path, extra, user, rng, sim_hz), user, rng)
    if kind == "still":
        start, duration = 0.0, recording_s
    return Recording(f"{label}/{user.name}_{take:03d}", label, kind, user,
                     round(float(start), 3), round(float(start + duration), 3), raw)


def one_recording(label: str, seed: int, style: str, device: str = "nano",
                  recorder: str = "25hz", user_index: int = 8, take: int = 0) -> Recording:
    """One recording of `label` by a test-split person of the given style, holding the given
    device, recorded by the given recorder: as someone would bring their own."""
    user = make_user(seed, user_index, style=style, device=device, recorder=recorder)
    return simulate_recording(seed, user, label, take)


# ------------------------------------------------------------ the data set

RECORDINGS_PER_USER = 12


def choose_users(seed: int, count: int, splits: tuple[str, ...]) -> list[User]:
    """The first `count` users (by index) whose split is one of `splits`."""
    users, index = [], 0
    while len(users) < count:
        if user_split(index) in splits:
            users.append(make_user(seed, index))
        index += 1
    return users


SPLIT_SHARES = {"training": 0.7, "validation": 0.1, "testing": 0.2}


def plan_recordings(seed: int, size: int, splits: tuple[str, ...]):
    """(user, label, take) for every recording.

    Labels cycle fastest, so any size is balanced; users come in an order that
    interleaves the splits, so even a small set has users in every split.
    """
    minimum_users = 10 if set(splits) == set(SPLITS) else len(splits)
    users = choose_users(seed, max(minimum_users, -(-size // RECORDINGS_PER_USER)), splits)
    rank = {}
    for user in users:
        rank[user.index] = sum(u.split == user.split for u in users if u.index < user.index)
    users.sort(key=lambda u: (rank[u.index] / SPLIT_SHARES[u.split], u.index))
    for i in range(size):
        user = users[(i // len(LABELS)) % len(users)]
        yield user, LABELS[i % len(LABELS)], i // (len(LABELS) * len(users))


def csv_text(recording: Recording) -> str:
    """`t,ax,ay,az`: seconds and g (the LSM9DS1's 0.122 mg steps, exactly), or milli-g for
    the 25 Hz recorder, whose data sets are written in milli-g."""
    times = recording.times_s()
    lines = ["t,ax,ay,az"]
    if recording.recorder.csv_unit == "mg":
        lines += [f"{t:.6f},{x},{y},{z}" for t, (x, y, z) in zip(times, recording.raw)]
    else:
        micro_g = recording.raw.astype(np.int64) * 122
        lines += [f"{t:.6f},{x / 1e6:.6f},{y / 1e6:.6f},{z / 1e6:.6f}"
                  for t, (x, y, z) in zip(times, micro_g)]
    return "\n".join(lines) + "\n"


def read_recording(path: str | Path) -> tuple[np.ndarray, np.ndarray]:
    """(times s, acceleration g (n, 3)) of one recording of a set (g or milli-g CSV)."""
    from lab.sensors import imu
    return imu.read_csv(Path(path))


def write_recording(out: Path, recording: Recording) -> None:
    base = out / recording.name
    base.parent.mkdir(parents=True, exist_ok=True)
    base.with_suffix(".csv").write_text(csv_text(recording))
    micro_g = np.rint(recording.samples_g() * 1e6).astype(np.int64)
    block = resd.Block(resd.ACCELERATION, micro_g, period_ns=round(1e9 / recording.recorder.rate_hz))
    resd.write(base.with_suffix(".resd"), [block])


LABEL_FIELDS = ("file", "label", "kind", "user", "split", "style", "device", "rate_hz",
                "start_s", "end_s")


def write_labels(out: Path, recordings: list[Recording]) -> None:
    with open(out / "labels.csv", "w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(LABEL_FIELDS)
        for r in recordings:
            writer.writerow([r.name + ".csv", r.label, r.kind, r.user.name, r.split, r.user.style,
                             r.user.device, f"{r.recorder.rate_hz:g}", f"{r.start_s:.3f}",
                             f"{r.end_s:.3f}"])


def read_labels(root: str | Path) -> list[dict]:
    with open(Path(root) / "labels.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        row["start_s"], row["end_s"] = float(row["start_s"]), float(row["end_s"])
    return rows


def generate(out: str | Path, size: int, seed: int, splits: tuple[str, ...] = SPLITS) -> list[Recording]:
    """Write `size` recordings (CSV + RESD), labels.csv and info.json under `out`."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    recordings = [simulate_recording(seed, user, label, take)
                  for user, label, take in plan_recordings(seed, size, splits)]
    for recording in recordings:
        write_recording(out, recording)
    write_labels(out, recordings)
    info = {"generator": generator_command("gestures", size, seed, splits),
            "seed": seed, "size": size, "splits": list(splits), "labels": list(LABELS),
            "recording_s": RECORDING_S, "full_scale_g": FULL_SCALE_G,
            "recorders": {name: {"rate_hz": r.rate_hz, "lsb_g": r.lsb_g, "csv_unit": r.csv_unit}
                          for name, r in RECORDERS.items()},
            "csv_columns": ["t (s)", "ax", "ay", "az (g, or milli-g from the 25 Hz recorder)"],
            "resd": "one constant-frequency acceleration block (0x0002), micro-g, period 1/rate",
            "axes": "the Nano 33 BLE Sense's LSM9DS1 (board frame); the firmware's model frame "
                    "is (board y, board x, board z), the Arduino example's swap",
            "styles": {"training": list(TRAINING_STYLES), "held_out": list(HELD_OUT_STYLES)},
            "devices": list(DEVICES)}
    (out / "info.json").write_text(json.dumps(info, indent=2) + "\n")
    return recordings
