"""Results on disk and on the console: result.json, junit.xml, uart.log, report.html.

Every run of a scenario writes results/<scenario>-<platform>-<time>/, also when it
fails. report.html is self-contained (plots embedded as PNG) so it opens anywhere.
"""
from __future__ import annotations

import base64
import datetime as dt
import html
import io
import json
import os
import wave
from pathlib import Path
from xml.etree import ElementTree as ET

import numpy as np

from .energy import summary as energy_summary
from .errors import LabError
from .platforms import ROOT

RESULTS_DIR = ROOT / "results"


def results_folder(scenario: str, platform: str, base: Path | None = None) -> Path:
    """A new folder for one run (LAB_RESULTS_DIR overrides the default results/)."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    base = Path(base or os.environ.get("LAB_RESULTS_DIR", RESULTS_DIR))
    folder = base / f"{scenario}-{platform}-{stamp}"
    try:
        folder.mkdir(parents=True, exist_ok=False)
    except OSError as error:
        raise LabError(f"cannot create the results folder {folder}: "
                       f"{error.strerror or error} (choose another with --results DIR)") from None
    return folder


def write_all(folder: Path, scenario, result, checks) -> None:
    """Write every result file. The sensor recordings go first, next to result.json;
    the report is then drawn from what is on disk, as `lab report` would."""
    write_recordings(folder, result)
    data = result.to_dict()
    data["scenario"] = scenario.name
    data["expect"] = scenario.expect
    data["checks"] = [vars(c) for c in checks]
    data["passed"] = all(c.passed for c in checks)
    (folder / "result.json").write_text(json.dumps(data, indent=2, default=_plain))
    (folder / "uart.log").write_text(result.uart)
    render(folder, scenario.name, result, checks)


def render(folder: Path, scenario: str, result, checks) -> None:
    """junit.xml and report.html from a result and the files in its folder."""
    write_junit(folder / "junit.xml", scenario, result, checks)
    plots = make_plots(result, folder)
    (folder / "report.html").write_text(render_html(scenario, result, checks, plots))


def write_recordings(folder: Path, result) -> None:
    """What the microphone and the IMU delivered: microphone.wav (what the board heard)
    and imu.csv (t, ax, ay, az in g as the firmware could read them)."""
    audio = result.recordings.get("audio")
    if audio is not None and "audio" in result.streams:
        samples, rate = audio
        with wave.open(str(folder / "microphone.wav"), "wb") as handle:
            handle.setnchannels(1)
            handle.setsampwidth(2)
            handle.setframerate(int(round(rate)))
            handle.writeframes(np.asarray(samples, dtype="<i2").tobytes())
        result.streams["audio"].recording = "microphone.wav"
    imu = result.recordings.get("imu")
    if imu is not None and "imu" in result.streams:
        times, values = imu
        rows = ["t,ax,ay,az"] + [f"{t:.9f},{x:.6f},{y:.6f},{z:.6f}"
                                 for t, (x, y, z) in zip(times, values)]
        (folder / "imu.csv").write_text("\n".join(rows) + "\n")
        result.streams["imu"].recording = "imu.csv"


def _plain(value):
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value)}")


def rebuild(folder: Path) -> tuple:
    """`lab report DIR`: the analysis, checks, junit.xml and report.html again, from
    result.json and the recordings next to it. Returns (result, checks)."""
    from . import apps, scenarios
    from .results import RunResult
    path = folder / "result.json"
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        raise LabError(f"{folder}: no result.json (is it a results folder?)") from None
    except (OSError, ValueError) as error:
        raise LabError(f"{path}: not a readable result ({error})") from None
    try:
        result = RunResult.from_dict(data)
        name, expect = data.get("scenario") or result.app, data.get("expect") or {}
    except (TypeError, AttributeError, KeyError) as error:
        raise LabError(f"{path}: not a lab result.json ({error})") from None
    apps.analyze(result)
    checks = scenarios.check(expect, result)
    render(folder, name, result, checks)
    return result, checks


# --------------------------------------------------------------------- JUnit
def write_junit(path: Path, scenario: str, result, checks) -> None:
    failures = [c for c in checks if not c.passed]
    suite = ET.Element("testsuite", name=f"{scenario}-{result.platform}", tests=str(len(checks)),
                       failures=str(len(failures)), errors="0",
                       time=f"{result.wall_s:.3f}")
    for c in checks:
        case = ET.SubElement(suite, "testcase", classname=f"{scenario}.{result.platform}",
                             name=c.name, time="0")
        if not c.passed:
            failure = ET.SubElement(case, "failure", message=f"expected {c.expected}, got "
                                                             f"{c.actual}")
            failure.text = c.line()
    out = ET.SubElement(suite, "system-out")
    out.text = result.uart
    ET.ElementTree(suite).write(path, encoding="utf-8", xml_declaration=True)


# ---------------------------------------------------------------------- plots
def make_plots(result, folder: Path) -> list[tuple[str, str]]:
    """[(title, base64 PNG)] for whatever this run has: audio, motion, scores, cycles, LEDs."""
    import matplotlib
    matplotlib.use("Agg")
    plots = []
    for title, draw in (("Audio and detections", _plot_audio),
                        ("Accelerometer and gestures", _plot_motion),
                        ("Scores", _plot_scores), ("Cycles per stage", _plot_stages),
                        ("LED brightness", _plot_leds), ("LED matrix", _plot_matrix),
                        ("Memory footprint", _plot_footprint), ("Stack per phase", _plot_stack)):
        figure = draw(result, folder)
        if figure is not None:
            plots.append((title, _png(figure)))
    return plots


def _png(figure) -> str:
    import matplotlib.pyplot as plt
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    plt.close(figure)
    return base64.b64encode(buffer.getvalue()).decode()


def _windows(axis, result) -> None:
    from .apps import analysis_of
    for clip in analysis_of(result).get("clips", []):
        axis.axvspan(clip["start_s"], clip["end_s"], color="tab:green", alpha=0.08)
        axis.text(clip["start_s"], 1.0, str(clip.get("expected") or ""),
                  transform=axis.get_xaxis_transform(), fontsize=7, va="bottom", clip_on=True)


def _detections(axis, result) -> None:
    for event in result.events:
        if event["event"] in ("detection", "gesture"):
            axis.axvline(event["t"], color="tab:red", linewidth=1)
            axis.text(event["t"], 0.02, str(event.get("label")),
                      transform=axis.get_xaxis_transform(), color="tab:red", fontsize=7)


def _spectrogram(axis, samples, rate, extent_s):
    """Power in dB; digital silence (the gaps between clips) floors at -100 dB instead
    of log10(0)."""
    from matplotlib import mlab
    power, freqs, _ = mlab.specgram(samples, NFFT=512, Fs=rate, noverlap=256)
    axis.imshow(10 * np.log10(np.maximum(power, 1e-10)), origin="lower", aspect="auto", cmap="magma",
                extent=(extent_s[0], extent_s[1], freqs[0], freqs[-1]))


def _recording(result, folder: Path, kind: str) -> Path | None:
    stream = result.streams.get(kind)
    if stream is None or not stream.recording or not (folder / stream.recording).is_file():
        return None
    return folder / stream.recording


def _plot_audio(result, folder):
    path = _recording(result, folder, "audio")
    if path is None:
        return None
    import matplotlib.pyplot as plt
    with wave.open(str(path), "rb") as handle:
        rate = handle.getframerate()
        samples = np.frombuffer(handle.readframes(handle.getnframes()), dtype="<i2")
    if not len(samples):
        return None
    samples = samples.astype(np.float64)
    start = result.streams["audio"].start_s or 0.0
    times = start + np.arange(len(samples)) / rate
    figure, (wave_axis, spec_axis) = plt.subplots(2, 1, figsize=(11, 5), sharex=True)
    step = max(1, len(samples) // 20000)
    wave_axis.plot(times[::step], samples[::step], linewidth=0.4)
    wave_axis.set_ylabel("PCM")
    _spectrogram(spec_axis, samples, rate, (times[0], times[-1]))
    spec_axis.set_ylabel("Hz")
    spec_axis.set_xlabel("virtual seconds")
    for axis in (wave_axis, spec_axis):
        _windows(axis, result)
        _detections(axis, result)
    return figure


def _plot_motion(result, folder):
    path = _recording(result, folder, "imu")
    if path is None:
        return None
    import matplotlib.pyplot as plt
    table = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    if not len(table):
        return None
    figure, axis = plt.subplots(figsize=(11, 3.5))
    for index, name in enumerate("xyz"):
        axis.plot(table[:, 0], table[:, 1 + index], linewidth=0.8, label=f"a{name}")
    axis.set_ylabel("g (as the firmware reads it)")
    axis.set_xlabel("virtual seconds")
    axis.legend(loc="upper right", fontsize=8)
    _windows(axis, result)
    _detections(axis, result)
    return figure


def _plot_scores(result, folder):
    rows = result.events_named("scores")
    if not rows:
        return None
    import matplotlib.pyplot as plt
    labels = [k for k in rows[0] if k not in ("event", "t")]
    figure, axis = plt.subplots(figsize=(11, 3))
    for label in labels:
        axis.plot([r["t"] for r in rows], [r.get(label, 0) for r in rows], label=label,
                  linewidth=0.9)
    axis.set_xlabel("virtual seconds")
    axis.set_ylabel("score")
    axis.legend(loc="upper right", fontsize=8)
    _windows(axis, result)
    return figure


def _plot_stages(result, folder):
    stages = result.stages
    if not stages:
        return None
    import matplotlib.pyplot as plt
    names = list(stages)
    figure, axis = plt.subplots(figsize=(6, 2.8))
    medians = [stages[n]["median"] for n in names]
    lows = [stages[n]["median"] - stages[n]["min"] for n in names]
    highs = [stages[n]["max"] - stages[n]["median"] for n in names]
    axis.bar(names, medians, yerr=[lows, highs], capsize=6, color="tab:blue")
    axis.set_ylabel("cycles (median, min-max)")
    return figure


def _plot_leds(result, folder):
    traces = {name: trace for name, trace in result.leds.items() if len(trace) > 1}
    if not traces:
        return None
    import matplotlib.pyplot as plt
    figure, axis = plt.subplots(figsize=(11, 2.8))
    for name, trace in traces.items():
        times = [t for t, _ in trace] + [result.virtual_s]
        values = [v for _, v in trace] + [trace[-1][1]]
        axis.step(times, values, where="post", label=name, linewidth=0.9)
    axis.set_ylim(-0.05, 1.05)
    axis.set_xlabel("virtual seconds")
    axis.set_ylabel("brightness (duty)")
    axis.legend(loc="upper right", fontsize=8)
    return figure


def _plot_matrix(result, folder):
    """What the board's LED matrix showed (the first changes), one picture each."""
    if not any(any(leds) for _, leds in result.matrix):
        return None
    from .led_matrix import draw
    return draw(result.matrix, result.virtual_s)


def _plot_footprint(result, folder):
    """Flash and RAM per part of the image, against the board's memories."""
    footprint = (result.firmware or {}).get("footprint")
    if not footprint:
        return None
    import matplotlib.pyplot as plt
    figure, axes = plt.subplots(1, 2, figsize=(11, 3))
    for axis, memory, size in ((axes[0], "flash", footprint["flash_size"]),
                               (axes[1], "ram", footprint["ram_size"])):
        parts = sorted(((p, b) for p, b in footprint[memory].items() if b > 0),
                       key=lambda item: item[1])
        axis.barh([p for p, _ in parts], [b / 1024 for _, b in parts], color="tab:blue")
        total = footprint[f"{memory}_total"]
        axis.set_xlabel(f"KiB ({total / 1024:.1f} of {size / 1024:.0f} KiB"
                        + (f"; stack reserve {footprint['stack_reserve'] / 1024:.0f} KiB"
                           if memory == "ram" else "") + ")")
        axis.set_title(memory.upper() if memory == "ram" else "Flash", fontsize=9)
        axis.tick_params(labelsize=7)
    figure.tight_layout()
    return figure


def _plot_stack(result, folder):
    """The deepest stack of each phase (init, inference, each handler) and of the whole
    run, against the stack reserve (result.memory, measured by the engine)."""
    memory = result.memory or {}
    if memory.get("high_water") is None:
        return None
    import matplotlib.pyplot as plt
    rows = [(name, phase["max"]) for name, phase in memory.get("phases", {}).items()]
    rows.append(("whole run", memory["high_water"]))
    figure, axis = plt.subplots(figsize=(11, 0.35 * len(rows) + 1.2))
    axis.barh([name for name, _ in rows], [depth for _, depth in rows], color="tab:purple")
    reserve = memory.get("reserve")
    if reserve:
        axis.axvline(reserve, color="tab:red", linewidth=1)
        axis.axvline(0.9 * reserve, color="tab:red", linewidth=1, linestyle=":")
    heap = (memory.get("heap") or {}).get("high_water")
    axis.set_xlabel("bytes (red: the stack reserve, dotted: 90 % of it)"
                    + (f"; heap high-water {heap} B" if heap is not None else ""))
    axis.tick_params(labelsize=7)
    figure.tight_layout()
    return figure


# ----------------------------------------------------------------------- HTML
STYLE = """body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse;
margin:.6em 0}td,th{border:1px solid #ccc;padding:.2em .6em;text-align:right}
th{background:#f3f3f3}.pass{color:#186a18}.fail{color:#b00;font-weight:bold}
pre{background:#f7f7f7;padding:.8em;max-height:30em;overflow:auto}img{max-width:100%}"""


def render_html(scenario: str, result, checks, plots) -> str:
    e = html.escape
    passed = all(c.passed for c in checks)
    parts = [f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{e(scenario)} on "
             f"{e(result.platform)}</title><style>{STYLE}</style></head><body>",
             f"<h1>{e(scenario)} on {e(result.platform)}: "
             f"<span class='{'pass' if passed else 'fail'}'>{'PASS' if passed else 'FAIL'}</span>"
             f"</h1>",
             f"<p>end: {e(result.end)}; {result.virtual_s:.3f} virtual s in "
             f"{result.wall_s:.2f} wall s; {_cycles_line(result)}; flash "
             f"{result.firmware.get('flash')} B, RAM {result.firmware.get('ram')} B</p>"]
    if result.energy:
        parts.append(f"<p>{e(energy_summary(result.energy))}; source: "
                     f"{e(result.energy.get('source', ''))}</p>")
    if result.fault:
        parts.append(f"<p class='fail'>fault: {e(result.fault.summary())}</p>")
    parts.append(_table(["check", "expected", "actual", ""],
                        [[c.name, c.expected, c.actual,
                          f"<span class='{'pass' if c.passed else 'fail'}'>"
                          f"{'PASS' if c.passed else 'FAIL'}</span>"] for c in checks],
                        escape_last=False))
    from .apps import analyzer
    app_analyzer = analyzer(result.app)
    tables = app_analyzer.tables(result) if app_analyzer else []
    host = result.analysis.get("host")
    if host:
        tables.append(("The board and the host (same front end, TFLite Micro's interpreter)",
                       ["clip", "expected", "board", "host"],
                       [[r["name"], r["expected"], r["firmware"], r["host"]]
                        for r in host["clips"] if r["firmware"] != r["host"]]))
    for title, header, rows in tables:
        parts.append(f"<h2>{e(title)}</h2>")
        parts.append(_table(header, [[_num(cell) for cell in row] for row in rows]))
    for title, png in plots:
        parts.append(f"<h2>{e(title)}</h2><img alt='{e(title)}' src='data:image/png;base64,"
                     f"{png}'>")
    parts.append(f"<h2>UART</h2><pre>{e(result.uart)}</pre></body></html>")
    return "\n".join(parts)


def _cycles_line(result) -> str:
    """Cycles and instructions, as the run summary gives them."""
    if result.timing == "instructions" or not result.instructions:
        return f"{result.instructions} instructions (one cycle each)"
    return (f"{result.cycles} cycles, {result.instructions} instructions "
            f"(CPI {result.cycles / result.instructions:.2f})")


def _num(value):
    return f"{value:.3f}" if isinstance(value, float) else value


def _table(header, rows, escape_last: bool = True) -> str:
    e = html.escape
    head = "".join(f"<th>{e(str(h))}</th>" for h in header)
    body = []
    for row in rows:
        cells = []
        for index, cell in enumerate(row):
            raw = not escape_last and index == len(row) - 1
            cells.append(f"<td>{cell if raw else e(str(cell))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"
