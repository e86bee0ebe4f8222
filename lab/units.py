"""A data set as independent units of work: one clip or recording per unit.

A unit's run depends only on the firmware (and, once taken, the machine snapshot at the
app's listening point) and its own input, never on which worker ran it or when: the
same results for any number of workers, in local processes (`-j N`) or on a Dask
cluster (`--cluster tcp://host:8786`, or `local`). Each finished unit is written to
`<results>/units/NNNNN.json` at once, so an interrupted evaluation loses nothing and
`--resume DIR` runs only what is missing.

The units' results merge into one RunResult laid out as if the units had run end to
end (times offset, counters summed), with the units kept in `result.units`, so the
app's analysis, the checks and the report work on it as on a single run.
"""
from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import apps
from .errors import LabError
from .results import (END_DONE, END_ERROR, END_FAULT, END_INTERRUPTED, END_TIMEOUT, RunResult,
                      Stream)

UNITS_FOLDER = "units"
WORST_FIRST = (END_FAULT, END_ERROR, END_TIMEOUT, "exit", END_INTERRUPTED, END_DONE)


def has_units(app: str | None) -> bool:
    app_analyzer = apps.analyzer(app)
    return app_analyzer is not None and hasattr(app_analyzer, "units")


def plan_units(app: str, audio=None, imu=None, manifest=None) -> list[dict]:
    """The app's units for a data set (LabError for bad data, before anything runs)."""
    units = apps.analyzer(app).units(audio=audio, imu=imu, manifest=manifest)
    if not units:
        raise LabError("no clips or recordings to evaluate")
    for index, unit in enumerate(units):
        unit["index"] = index
    return units


# ------------------------------------------------------------------ one unit
@dataclass(frozen=True)
class Firmware:
    """What every worker needs, sent once: the platform's name and the ELF's bytes."""
    platform: str
    app: str
    elf: bytes
    timeout_s: float
    snapshot: bytes | None = None   # the machine where every unit's run is still the same
    timing: str = "cycles"          # the platform's timing mode (lab.platforms.TIMING_MODES)

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.elf).hexdigest()[:16]


def _elf_path(firmware: Firmware) -> Path:
    """The ELF as a file on this worker (Dask workers may be other machines)."""
    folder = Path(tempfile.gettempdir()) / "lab-units"
    folder.mkdir(exist_ok=True)
    path = folder / f"{firmware.digest}.elf"
    if not path.exists():
        partial = folder / f".{firmware.digest}.{os.getpid()}"
        partial.write_bytes(firmware.elf)
        partial.replace(path)
    return path


def run_unit(firmware: Firmware, unit: dict) -> dict:
    """Run one unit, from the firmware's snapshot when it has one (else from reset), and
    analyze it: its RunResult as a dict. A pure function of the firmware, the snapshot
    and the unit: from the snapshot the run is the very run it would be from reset."""
    from .runner import Prepared, execute

    app_analyzer = apps.analyzer(firmware.app)
    plan = app_analyzer.unit_plan(unit)
    plan.own_data = bool(unit.get("own_data"))
    prepared = Prepared(_platform(firmware.platform, firmware.timing), firmware.app, _elf_path(firmware),
                        plan, max(firmware.timeout_s, plan.min_timeout_s))
    result = _run_from_snapshot(firmware, prepared) if firmware.snapshot else None
    if result is None:
        result = execute(prepared)
    data = result.to_dict()
    data["unit"] = {"index": unit["index"], "name": unit["name"]}
    return data, result.recordings


@functools.lru_cache(maxsize=4)
def _platform(name: str, timing: str = "cycles"):
    """A worker runs many units of one board: its description is read once."""
    from . import platforms
    return platforms.load(name, timing)


# ------------------------------------------------------------ a shared start
SHARED_STEP_S = 0.05      # how far apart the candidate snapshots are (virtual s)


def with_snapshot(firmware: Firmware) -> Firmware:
    """Boot once and run the app's shared start (micro_speech: the lead-in's silence) as
    long as every unit's run is still the same; the firmware then carries a snapshot of
    the last such point, which every unit starts from. Apps without a shared start keep
    starting from reset."""
    from . import platforms
    from .engines.embedded.session import Session

    shared_start = getattr(apps.analyzer(firmware.app), "shared_start", None)
    if shared_start is None:
        return firmware
    plan, still_shared = shared_start()
    session = Session(platforms.load(firmware.platform), _elf_path(firmware), app=firmware.app,
                      audio=plan.audio, imu=plan.imu)
    try:
        state = session.save_snapshot()          # reset: the same for every unit
        while session.run(SHARED_STEP_S) is None and still_shared(session):
            state = session.save_snapshot()
    finally:
        session.close()
    return dataclasses.replace(firmware, snapshot=state)


def _run_from_snapshot(firmware: Firmware, prepared):
    """The unit's run continued from the shared snapshot, or None when its inputs do
    not start as the snapshot's did (then it runs from reset)."""
    from .engines.embedded.session import Session

    plan = prepared.plan
    from .elf import read_firmware    # a worker reads its ELF once
    session = Session(prepared.platform, read_firmware(prepared.elf), app=prepared.app)
    try:
        session.load_snapshot(firmware.snapshot, what="the units' snapshot")
        if not _switch_feeds(session, plan):
            return None
        started = time.monotonic()
        session.machine.run(session.machine.cycles(prepared.timeout_s))  # as from reset
        session.wall_s += time.monotonic() - started
        result = session.result()
        result.inputs = plan.layout()
    finally:
        session.close()
    apps.analyze(result)
    return result


def _switch_feeds(session, plan) -> bool:
    """Give the restored machine the unit's feeds where the shared ones are; False
    unless everything the sensors delivered so far is what the unit's feeds hold."""
    if plan.audio is not None:
        microphone, new = session.microphone, plan.audio
        old = microphone.source if microphone is not None else None
        if old is not None and old.stream is not None:
            new.configure(old.stream_rate, old.stream.shape[1])
            delivered = old.position
            if len(new.stream) < delivered or \
                    not np.array_equal(new.stream[:delivered], old.stream[:delivered]):
                return False
            new.position = delivered
        elif microphone is not None and microphone.captured_samples:
            return False
        session.attach_audio(new)
    if plan.imu is not None:
        if session.imu is None or session.imu.produced_samples:
            return False
        session.attach_imu(*plan.imu)
    return True


# ---------------------------------------------------------------- executors
class LocalWorkers:
    """Units in `jobs` local processes (one per core by default)."""

    def __init__(self, jobs: int):
        self.jobs = jobs

    def map(self, firmware: Firmware, units: list[dict]):
        """Yield each unit's result as it finishes (any order)."""
        if self.jobs <= 1:
            for unit in units:
                yield run_unit(firmware, unit)
            return
        import multiprocessing
        context = multiprocessing.get_context("spawn")   # no threads or engines inherited
        # Pool, not ProcessPoolExecutor: leaving the block (Ctrl-C included) terminates
        # the workers at once instead of waiting for the units they are running.
        with context.Pool(self.jobs, initializer=_ignore_interrupts) as pool:
            yield from pool.imap_unordered(_run_unit_star, [(firmware, u) for u in units])


def _run_unit_star(arguments):
    return run_unit(*arguments)


class DaskWorkers:
    """Units on a Dask cluster: `tcp://host:8786`, or `local` for a cluster of local
    processes on 127.0.0.1. The firmware goes to the workers once."""

    def __init__(self, address: str, jobs: int):
        self.address, self.jobs = address, jobs

    def map(self, firmware: Firmware, units: list[dict]):
        from distributed import Client, LocalCluster, as_completed
        cluster = None
        try:
            if self.address == "local":
                cluster = LocalCluster(n_workers=self.jobs, threads_per_worker=1,
                                       processes=True, host="127.0.0.1",
                                       dashboard_address=None)
                client = Client(cluster)
            else:
                client = Client(self.address, timeout="20s")
        except (OSError, TimeoutError) as error:
            raise LabError(f"cannot reach the Dask scheduler at {self.address}: {error} "
                           "(start one with `dask scheduler`, or use --cluster local)") from None
        try:
            shared = client.scatter(firmware, broadcast=True)
            futures = [client.submit(run_unit, shared, unit, pure=False) for unit in units]
            try:
                for future in as_completed(futures):
                    yield future.result()
            except BaseException:
                client.cancel(futures)
                raise
        finally:
            client.close()
            if cluster is not None:
                cluster.close()


def _ignore_interrupts() -> None:
    """Ctrl-C is the parent's to handle: it keeps the finished units and stops."""
    import signal
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def workers(jobs: int | None, cluster: str | None):
    jobs = jobs or os.cpu_count() or 1
    return DaskWorkers(cluster, jobs) if cluster else LocalWorkers(jobs)


# ------------------------------------------------------------------ the run
def check_resumable(folder: Path, firmware: Firmware, units: list[dict]) -> None:
    """A folder records what its units are (units/plan.json): resuming it with another
    firmware or data set would mix results, so that is refused."""
    plan = {"platform": firmware.platform, "app": firmware.app, "firmware": firmware.digest,
            "units": [u["name"] for u in units]}
    path = folder / UNITS_FOLDER / "plan.json"
    if path.exists():
        try:
            recorded = json.loads(path.read_text())
        except ValueError:
            recorded = None
        if recorded != plan:
            raise LabError(f"{folder} holds units of another run (firmware, data or "
                           "platform differ): resume only with the same inputs")
        return
    if folder.exists() and any(p.name != UNITS_FOLDER for p in folder.iterdir()) and \
            not (folder / UNITS_FOLDER).exists():
        raise LabError(f"{folder} is not a results folder of units to resume")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(plan, indent=1))


def run_units(firmware: Firmware, units: list[dict], folder: Path, executor,
              progress=None) -> list[dict]:
    """Run the units not yet in `folder`/units, writing each as it finishes; returns
    all unit results in unit order. Ctrl-C keeps the finished ones (and raises)."""
    done = load_finished(folder)
    missing = [u for u in units if u["index"] not in done]
    if missing and firmware.snapshot is None:
        firmware = with_snapshot(firmware)
    unit_folder = folder / UNITS_FOLDER
    unit_folder.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    for data, recordings in executor.map(firmware, missing):
        if data["end"] == END_INTERRUPTED:
            continue                       # not finished: a resume runs it again
        _write_unit(unit_folder, data, recordings)
        done[data["unit"]["index"]] = data
        if progress:
            progress(len(done), len(units), time.monotonic() - started, _accuracy(done))
    return [done[u["index"]] for u in units]


def load_finished(folder: Path) -> dict[int, dict]:
    out = {}
    for path in sorted((folder / UNITS_FOLDER).glob("*.json")):
        try:
            data = json.loads(path.read_text())
            out[data["unit"]["index"]] = data
        except (ValueError, KeyError, TypeError):
            continue        # a unit being written when the run stopped: run it again
    return out


def _write_unit(folder: Path, data: dict, recordings: dict) -> None:
    """NNNNN.json (written last, renamed into place: its presence means finished) and
    what the sensors delivered, NNNNN.wav / NNNNN.imu.npy."""
    stem = f"{data['unit']['index']:05d}"
    if "audio" in recordings:
        samples, rate = recordings["audio"]
        np.save(folder / f"{stem}.audio.npy", np.asarray(samples, dtype=np.int16))
        data["streams"]["audio"]["recording"] = f"{stem}.audio.npy"
    if "imu" in recordings:
        times, values = recordings["imu"]
        np.save(folder / f"{stem}.imu.npy", np.column_stack([times, values]))
        data["streams"]["imu"]["recording"] = f"{stem}.imu.npy"
    target = folder / f"{stem}.json"
    partial = folder / f".{target.name}.partial"
    partial.write_text(json.dumps(data))
    partial.replace(target)


def recordings_of(folder: Path, unit_results: list[dict]) -> dict:
    """The units' recordings on the merged clock (silence where no sensor ran)."""
    out, offset = {}, 0.0
    audio, audio_rate, imu = [], None, []
    for data in unit_results:
        streams = data.get("streams", {})
        stream = streams.get("audio") or {}
        if stream.get("recording") and (folder / UNITS_FOLDER / stream["recording"]).exists():
            samples = np.load(folder / UNITS_FOLDER / stream["recording"])
            audio_rate = stream["rate_hz"]
            start = offset + (stream["start_s"] or 0.0)
            if not audio:
                out_start = start
            else:
                gap = int(round((start - out_start) * audio_rate)) - sum(map(len, audio))
                audio.append(np.zeros(max(gap, 0), dtype=np.int16))
            audio.append(samples)
        stream = streams.get("imu") or {}
        if stream.get("recording") and (folder / UNITS_FOLDER / stream["recording"]).exists():
            table = np.load(folder / UNITS_FOLDER / stream["recording"])
            table[:, 0] += offset
            imu.append(table)
        offset += data["virtual_s"]
    if audio:
        out["audio"] = (np.concatenate(audio), audio_rate)
    if imu:
        table = np.concatenate(imu)
        out["imu"] = (table[:, 0], table[:, 1:])
    return out


def _accuracy(done: dict[int, dict]) -> float | None:
    rows = [c for d in done.values() for analysis in d.get("analysis", {}).values()
            for c in analysis.get("clips", []) if c.get("expected") is not None]
    return sum(c["outcome"] == c["expected"] for c in rows) / len(rows) if rows else None


# ------------------------------------------------------------------ merging
def merge(unit_results: list[dict], app: str, wall_s: float) -> RunResult:
    """The units as one run laid end to end: times offset by the virtual time of the
    units before, counters summed, the units kept (result.units) for the analysis."""
    results = [RunResult.from_dict(data) for data in unit_results]
    first = results[0]
    merged = RunResult(
        platform=first.platform, app=app, engine=first.engine,
        end=min((r.end for r in results), key=_severity),
        virtual_s=round(sum(r.virtual_s for r in results), 9),
        instructions=sum(r.instructions for r in results),
        cycles=sum(r.cycles for r in results), uart="", firmware=first.firmware,
        wall_s=round(wall_s, 3), clock_hz=first.clock_hz,
        fault=next((r.fault for r in results if r.fault), None),
        resets=sum(r.resets for r in results),
        memory=max((r.memory for r in results if r.memory), default={},
                   key=lambda m: m.get("high_water") or 0))
    offset, uart, clips = 0.0, [], []
    for data, result in zip(unit_results, results):
        name = data["unit"]["name"]
        uart.append(f"--- unit {data['unit']['index']}: {name} (virtual time "
                    f"{offset:.6f} s) ---\n{result.uart}")
        merged.events += [dict(e, t=None if e["t"] is None else round(e["t"] + offset, 9),
                               unit=data["unit"]["index"]) for e in result.events]
        clips += [dict(c, unit=data["unit"]["index"]) for c in result.clips]
        for led, trace in result.leds.items():
            merged.leds.setdefault(led, []).extend([round(t + offset, 9), v] for t, v in trace)
        offset += result.virtual_s
    merged.uart = "".join(uart)
    merged.streams = _merged_streams(results)
    merged.inputs = {"clips": clips, "own_data": first.inputs.get("own_data", False),
                     "units": len(results)}
    merged.units = unit_results
    apps.analyze(merged)
    return merged


def _severity(end: str) -> int:
    return WORST_FIRST.index(end) if end in WORST_FIRST else 0


def _merged_streams(results) -> dict:
    streams = {}
    for kind in sorted({k for r in results for k in r.streams}):
        parts = [r.streams[kind] for r in results if kind in r.streams]
        streams[kind] = Stream(source=f"{len(parts)} units", rate_hz=parts[0].rate_hz,
                               start_s=parts[0].start_s, samples=sum(p.samples for p in parts),
                               dropped=sum(p.dropped for p in parts))
    return streams
