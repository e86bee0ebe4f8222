"""Magic-wand accelerometer recordings, simulated from the physics of a hand-held wand.

The wand is held pointing forward (sensor +y), +x to the user's right and +z up,
as TFLite Micro's magic_wand instructions ask. Each gesture is a path drawn by
the wand tip in the vertical plane in front of the user, part by moving the arm
(translation) and part by turning the wrist (rotation about a pivot behind the
sensor). The accelerometer measures specific force in its own frame:

    f = R(t)^T (p''(t) + g z_up) / g

so orientation changes move the gravity vector between axes and the path's
second derivative adds the motion. Movements are built from minimum-jerk
sub-movements (the smooth speed profile of human reaching), then physiological
tremor (8-12 Hz), slow hand sway, the LSM9DS1's decimation, per-device bias and
scale errors, white noise, 0.122 mg quantization and saturation at +-4 g are
applied, at the firmware's ODR of 119 Hz.

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
OVERSAMPLING = 8                  # physics simulated at 952 Hz, averaged per output sample
SIM_HZ = ODR_HZ * OVERSAMPLING
LSB_G = 0.122e-3                  # sensitivity at FS_XL = +-4 g
FULL_SCALE_LSB = 32767
GRAVITY = 9.80665
RECORDING_S = 6.0


@dataclass(frozen=True)
class User:
    """One virtual person with one wand: style and device differ between users."""
    index: int
    split: str
    size: float             # scale of the drawn shapes (1 = typical)
    speed: float            # > 1 draws faster
    arm_share: float        # share of the tip path made by arm translation
    lever_m: float          # wrist pivot to wand tip
    sensor_m: float         # wrist pivot to sensor
    pitch_deg: float        # resting wand elevation
    roll_deg: float         # resting wand roll
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


def make_user(seed: int, index: int) -> User:
    rng = np.random.default_rng([seed, 1, index])
    return User(
        index=index, split=user_split(index),
        size=float(rng.uniform(0.7, 1.35)), speed=float(rng.uniform(0.75, 1.35)),
        arm_share=float(rng.uniform(0.15, 0.7)), lever_m=float(rng.uniform(0.3, 0.6)),
        sensor_m=float(rng.uniform(0.03, 0.15)),
        pitch_deg=float(rng.uniform(-20, 35)), roll_deg=float(rng.normal(0, 12)),
        roll_coupling=float(rng.uniform(-0.4, 0.4)), tremor_g=float(rng.uniform(0.004, 0.025)),
        bias_g=tuple(float(b) for b in np.clip(rng.normal(0, 0.03, 3), -0.09, 0.09)),
        scale_error=tuple(float(s) for s in rng.normal(1.0, 0.01, 3)),
        noise_g=float(rng.uniform(0.0015, 0.004)),
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


def gesture_path(label: str, t, rng, user: User, start: float):
    """(tip path (n, 2) in m, duration s) of one gesture starting at `start`."""
    if label == "wing":
        duration = rng.uniform(1.0, 2.0) / user.speed
        points = wing_points(rng, 0.4 * user.size * rng.uniform(0.8, 1.2),
                             0.25 * user.size * rng.uniform(0.8, 1.2))
        return stroke_path(t, points, start, duration, rng.uniform(0.1, 0.35)), duration
    if label == "ring":
        duration = rng.uniform(0.8, 1.6) / user.speed
        return ring_path(t, rng, 0.14 * user.size * rng.uniform(0.8, 1.2), start, duration), duration
    if label == "slope":
        duration = rng.uniform(0.8, 1.5) / user.speed
        points = slope_points(rng, 0.3 * user.size * rng.uniform(0.8, 1.2),
                              0.3 * user.size * rng.uniform(0.8, 1.2))
        return stroke_path(t, points, start, duration, rng.uniform(0.05, 0.3)), duration
    raise ValueError(label)


# ------------------------------------------------------------ negatives

NEGATIVE_KINDS = ("still", "swipe", "shake", "twist", "random_path", "arc", "vee", "tilt")


def negative_motion(kind: str, t, rng, user: User, start: float):
    """(tip path (n, 2), extra (pitch, roll) rad (n, 2), duration) of a non-gesture."""
    path = np.zeros((len(t), 2))
    angles = np.zeros((len(t), 2))
    duration = rng.uniform(0.5, 2.0) / user.speed
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


def specific_force_g(tip_path, extra_angles, user: User, rng) -> np.ndarray:
    """Accelerometer input (n, 3) in g, in the wand frame, at SIM_HZ."""
    n = len(tip_path)
    sway = np.column_stack([band_noise(rng, n, SIM_HZ, 0.05, 0.8, np.radians(rng.uniform(0.5, 3)))
                            for _ in range(3)])
    rotated = tip_path * (1 - user.arm_share) / user.lever_m
    yaw = -np.arctan(rotated[:, 0]) + sway[:, 0]
    pitch = np.radians(user.pitch_deg) + np.arctan(rotated[:, 1]) + extra_angles[:, 0] + sway[:, 1]
    roll = np.radians(user.roll_deg) + user.roll_coupling * yaw + extra_angles[:, 1] + sway[:, 2]
    orientation = rotations(yaw, pitch, roll)
    hand = np.column_stack([tip_path[:, 0], np.zeros(n), tip_path[:, 1]]) * user.arm_share
    sensor = hand + orientation @ np.array([0.0, user.sensor_m, 0.0])
    dt = 1 / SIM_HZ
    acceleration = np.gradient(np.gradient(sensor, dt, axis=0), dt, axis=0)
    tremor = np.column_stack([band_noise(rng, n, SIM_HZ, 7, 13, user.tremor_g * GRAVITY * w)
                              for w in (1.0, 0.6, 1.0)])
    world = acceleration + tremor + np.array([0.0, 0.0, GRAVITY])
    return np.einsum("nji,nj->ni", orientation, world) / GRAVITY


def lsm9ds1_output(force_g: np.ndarray, user: User, rng) -> np.ndarray:
    """What the sensor reports at ODR: decimated, biased, noisy, quantized raw LSB."""
    usable = len(force_g) // OVERSAMPLING * OVERSAMPLING
    averaged = force_g[:usable].reshape(-1, OVERSAMPLING, 3).mean(axis=1)
    measured = averaged * np.array(user.scale_error) + np.array(user.bias_g)
    measured = measured + rng.normal(0, user.noise_g, measured.shape)
    raw = np.rint(measured / LSB_G)
    return np.clip(raw, -FULL_SCALE_LSB - 1, FULL_SCALE_LSB).astype(np.int32)


# ------------------------------------------------------------ recordings

@dataclass
class Recording:
    name: str
    label: str
    kind: str
    user: str
    split: str
    start_s: float
    end_s: float
    raw: np.ndarray          # (n, 3) int32 LSB at ODR

    def samples_g(self) -> np.ndarray:
        return self.raw * LSB_G


def delayed(path: np.ndarray, start_s: float) -> np.ndarray:
    """The path moved later by `start_s`, holding its first position meanwhile."""
    shift = int(round(start_s * SIM_HZ))
    return np.concatenate([np.repeat(path[:1], shift, axis=0), path[:len(path) - shift]])


def simulate_recording(seed: int, user: User, label: str, take: int) -> Recording:
    """One 6 s recording: idle hand, one gesture (or non-gesture) at a random time."""
    rng = np.random.default_rng([seed, 2, user.index, LABELS.index(label), take])
    t = np.arange(int(RECORDING_S * SIM_HZ)) / SIM_HZ
    if label == "negative":
        kind = str(rng.choice(NEGATIVE_KINDS))
        path, extra, duration = negative_motion(kind, t, rng, user, 0.0)
    else:
        kind = label
        path, duration = gesture_path(label, t, rng, user, 0.0)
        extra = np.zeros((len(t), 2))
    start = rng.uniform(0.3, RECORDING_S - duration - 0.3)
    path, extra = delayed(path - path[0], start), delayed(extra, start)
    raw = lsm9ds1_output(specific_force_g(path, extra, user, rng), user, rng)
    if kind == "still":
        start, duration = 0.0, RECORDING_S
    return Recording(f"{label}/{user.name}_{take:03d}", label, kind, user.name, user.split,
                     round(float(start), 3), round(float(start + duration), 3), raw)


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


def write_csv(path: Path, raw: np.ndarray) -> None:
    micro_g = raw.astype(np.int64) * 122          # 0.122 mg per LSB, exactly
    lines = ["t,ax,ay,az"]
    for i, (x, y, z) in enumerate(micro_g):
        lines.append(f"{i / ODR_HZ:.6f},{x / 1e6:.6f},{y / 1e6:.6f},{z / 1e6:.6f}")
    path.write_text("\n".join(lines) + "\n")


def read_csv(path: str | Path) -> np.ndarray:
    """(n, 4) float array: t in s and ax, ay, az in g."""
    return np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)


def write_recording(out: Path, recording: Recording) -> None:
    base = out / recording.name
    base.parent.mkdir(parents=True, exist_ok=True)
    write_csv(base.with_suffix(".csv"), recording.raw)
    block = resd.Block(resd.ACCELERATION, recording.raw.astype(np.int64) * 122,
                       period_ns=round(1e9 / ODR_HZ))
    resd.write(base.with_suffix(".resd"), [block])


LABEL_FIELDS = ("file", "label", "kind", "user", "split", "start_s", "end_s")


def write_labels(out: Path, recordings: list[Recording]) -> None:
    with open(out / "labels.csv", "w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(LABEL_FIELDS)
        for r in recordings:
            writer.writerow([r.name + ".csv", r.label, r.kind, r.user, r.split,
                             f"{r.start_s:.3f}", f"{r.end_s:.3f}"])


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
            "odr_hz": ODR_HZ, "full_scale_g": 4.0, "lsb_g": LSB_G, "recording_s": RECORDING_S,
            "csv_columns": ["t (s)", "ax (g)", "ay (g)", "az (g)"],
            "resd": "one constant-frequency acceleration block (0x0002), micro-g, period "
                    f"{round(1e9 / ODR_HZ)} ns",
            "axes": "wand pointing forward along +y, +x to the user's right, +z up at rest"}
    (out / "info.json").write_text(json.dumps(info, indent=2) + "\n")
    return recordings
