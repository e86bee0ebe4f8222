"""The HTTP API of `lab serve` (docs/serve.md), without a browser: runs over JSON and
multipart, the event socket, live audio over the live socket, reports, bad uploads
refused in one line with nothing left behind, faults and hangs stopped and reported."""
from __future__ import annotations

import json
import struct
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from serving import (GESTURES, ROOT, YES_CLIP, detections, lab_run_detections, spoken_yes,
                     start_server, stop_server, trusting)


def test_the_server_serves_its_page_scripts_and_catalogue(server):
    page = httpx.get(server.url)
    assert page.status_code == 200 and "<title>Virtual MCU Lab</title>" in page.text
    for script in ("common.js", "charts.js", "app.js", "capture-worklet.js", "phone.js"):
        assert httpx.get(f"{server.url}static/{script}").status_code == 200
    catalogue = httpx.get(server.url + "api/catalogue").json()
    board = next(p for p in catalogue["platforms"] if p["name"] == "nrf52840")
    assert {"micro_speech", "magic_wand", "hello"} <= set(board["apps"])
    assert board["microphone"] and board["imu"] and board["leds"] == ["led1", "led2", "led3"]
    speech = next(a for a in catalogue["apps"] if a["name"] == "micro_speech")
    assert "microphone" in speech["requires"]
    assert catalogue["limits"]["upload_mb"] == 2
    # The API browser FastAPI would serve loads scripts from a CDN: it is off.
    assert httpx.get(server.url + "docs").status_code == 404


def test_a_json_run_streams_its_uart_and_events_and_keeps_its_results(server):
    run_id = server.run(json={"app": "hello", "platform": "nrf52840"})
    messages = server.events(run_id)
    kinds = [m["type"] for m in messages]
    assert kinds[-1] == "end" and messages[-1]["status"] == "done"
    assert "start" in kinds and kinds.index("start") < kinds.index("uart")
    uart = [m["text"] for m in messages if m["type"] == "uart"]
    events = [m["event"] for m in messages if m["type"] == "event"]
    assert any(line.startswith("Virtual MCU Lab: hello from nrf52840") for line in uart)
    assert [e["event"] for e in events] == ["boot", "loop", "done"]
    assert events[1]["cycles_loop"] == 9014

    run = server.get(run_id)
    assert run["status"] == "done" and run["end"] == "done" and run["error"] is None
    cli = json.loads(subprocess.run(
        [sys.executable, "-m", "lab.cli", "run", "hello", "--platform", "nrf52840", "--json"],
        cwd=ROOT, capture_output=True, text=True, timeout=120).stdout)
    assert run["instructions"] == cli["instructions"] and run["cycles"] == cli["cycles"]
    assert run["uart"] == cli["uart"]
    report = httpx.get(server.url + run["report"].lstrip("/"))
    assert report.status_code == 200 and "<h1>hello on nrf52840" in report.text
    stored = httpx.get(f"{server.url}api/runs/{run_id}/files/result.json").json()
    assert stored["instructions"] == run["instructions"]
    assert httpx.get(f"{server.url}api/runs/{run_id}/files/request.json").status_code == 404
    # A page that joins after the end still gets the whole story.
    assert [m["type"] for m in server.events(run_id)] == kinds
    listed = httpx.get(server.url + "api/runs").json()
    assert any(r["id"] == run_id and r["status"] == "done" for r in listed)


def test_an_uploaded_clip_gives_the_detections_of_lab_run(server):
    with open(YES_CLIP, "rb") as clip:
        run_id = server.run(data={"app": "micro_speech", "platform": "nrf52840"},
                            files={"audio": (YES_CLIP.name, clip, "audio/wav")})
    messages = server.events(run_id)
    run = server.get(run_id)
    assert run["status"] == "done", run["error"]
    expected = lab_run_detections("micro_speech", "--platform", "nrf52840", "--audio",
                                  str(YES_CLIP))
    assert detections(run) == expected and expected[0][0] == "yes"
    live = [m["event"] for m in messages if m["type"] == "event" and
            m["event"]["event"] == "detection"]
    assert [(e["label"], e["t_ms"], e["score"]) for e in live] == expected
    spectrum = [m for m in messages if m["type"] == "spectrum"]
    assert spectrum and spectrum[0]["t0"] == 0 and spectrum[0]["bands"] == 64
    assert run["analysis"]["micro_speech"]["clips"][0]["heard"] == "yes"


def test_a_voice_streamed_over_the_live_socket_is_heard(server):
    from websockets.sync.client import connect

    run_id = server.run(json={"app": "micro_speech", "platform": "nrf52840", "audio": "live"})
    voice = spoken_yes(silence_before_s=2.0, silence_after_s=2.5)
    chunk = 320                                    # 20 ms, as the page sends it
    with connect(server.ws(f"/api/runs/{run_id}/events"), open_timeout=10) as events:
        deadline = time.monotonic() + 120          # built and booted: the board listens
        while time.monotonic() < deadline:
            message = json.loads(events.recv(timeout=deadline - time.monotonic()))
            if message["type"] == "event" and message["event"]["event"] == "listening":
                break
    with connect(server.ws(f"/api/runs/{run_id}/live"), open_timeout=10) as live:
        started = time.monotonic()
        for start in range(0, len(voice), chunk):  # in real time
            live.send(b"a" + struct.pack("<I", 16000) + voice[start:start + chunk].tobytes())
            time.sleep(max(0.0, started + (start + chunk) / 16000 - time.monotonic()))
    run = server.wait(run_id)
    assert run["status"] == "done" and run["end"] == "done", run["error"]
    heard = [label for label, _, _ in detections(run)]
    assert heard == ["yes"]
    audio = run["streams"]["audio"]
    assert audio["source"] == "live microphone (browser)" and audio["rate_hz"] == 16000
    assert audio["samples"] >= len(voice) * 0.9


def test_stop_ends_a_live_run_that_nobody_feeds(server):
    run_id = server.run(json={"app": "magic_wand", "platform": "nrf52840", "imu": "live"})
    deadline = time.monotonic() + 120
    while server.get(run_id)["status"] != "running" and time.monotonic() < deadline:
        time.sleep(0.2)
    assert httpx.post(f"{server.url}api/runs/{run_id}/stop", timeout=60).status_code == 200
    run = server.wait(run_id)
    assert run["status"] == "done" and run["streams"]["imu"]["source"] == "live motion (browser)"


def corrupt_cases(tmp_path):
    big = bytes(3 << 20)                   # over the test server's 2 MB
    return {
        "not a WAV": dict(data={"app": "micro_speech"},
                          files={"audio": ("clip.wav", b"hello, not audio", "audio/wav")}),
        "truncated WAV": dict(data={"app": "micro_speech"},
                              files={"audio": ("cut.wav", YES_CLIP.read_bytes()[:3000], "x")}),
        "a name outside": dict(data={"app": "micro_speech"},
                               files={"audio": ("../../escape.wav", b"RIFF", "audio/wav")}),
        "too large": dict(data={"app": "micro_speech"}, files={"audio": ("big.wav", big, "x")}),
        "bad CSV": dict(data={"app": "magic_wand"},
                        files={"imu": ("wand.csv", b"t,ax,ay,az\n0,1,2,x\n", "text/csv")}),
        "bad model": dict(data={"app": "micro_speech"},
                          files={"model": ("m.tflite", b"TFL3 not a model", "x")}),
        "bad ELF": dict(files={"elf": ("app.elf", b"\x7fELF broken", "x")}),
        "unknown app": dict(json={"app": "nope"}),
        "unknown board": dict(json={"app": "hello", "platform": "nope"}),
        "unknown field": dict(json={"app": "hello", "colour": "red"}),
        "bad timeout": dict(json={"app": "hello", "timeout": -3}),
        "live and file": dict(data={"app": "micro_speech", "audio": "live"},
                              files={"audio": ("clip.wav", YES_CLIP.read_bytes(), "x")}),
        "no app": dict(json={"platform": "nrf52840"}),
        "not JSON": dict(content=b"{app", headers={"content-type": "application/json"}),
        "plain text": dict(content=b"app=hello", headers={"content-type": "text/plain"}),
    }


EXPECTED = {
    "not a WAV": (400, "clip.wav: not a WAV file"), "truncated WAV": (400, "cut.wav: truncated"),
    "a name outside": (400, "must stay inside its folder"),
    "too large": (413, "larger than the server's limit of 2 MB"),
    "bad CSV": (400, "wand.csv:2: expected numbers"),
    "bad model": (400, "m.tflite: the runtime cannot run this model"),
    "bad ELF": (400, "app.elf: not a readable ELF"), "unknown app": (400, "unknown app 'nope'"),
    "unknown board": (400, "unknown platform 'nope'"),
    "unknown field": (400, "unknown field 'colour'"), "bad timeout": (400, "timeout:"),
    "live and file": (400, "either live or an upload"), "no app": (400, "give an app"),
    "not JSON": (400, "not valid JSON"), "plain text": (415, "send JSON or multipart"),
}


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_bad_requests_get_one_line_and_leave_nothing_behind(server, tmp_path, case):
    before = sorted((server.data / "runs").iterdir())
    response = server.post(**corrupt_cases(tmp_path)[case])
    status, message = EXPECTED[case]
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert message in error and "\n" not in error
    assert str(server.data) not in error            # the person's names, not the server's
    assert sorted((server.data / "runs").iterdir()) == before
    assert not list(server.data.rglob("escape.wav"))


def test_a_faulting_elf_is_stopped_and_reported(server, faulting_elf):
    with open(faulting_elf, "rb") as elf:
        run_id = server.run(data={"platform": "nrf52840"},
                            files={"elf": ("null_call.elf", elf, "application/octet-stream")})
    messages = server.events(run_id)
    run = server.get(run_id)
    assert run["status"] == "failed" and run["end"] == "fault"
    assert run["error"].startswith("fault: HardFault") and "caller_function" in run["error"]
    assert run["fault"]["lr_function"] == "caller_function"
    assert messages[-1]["type"] == "end" and messages[-1]["error"] == run["error"]
    assert "HardFault" in httpx.get(server.url + run["report"].lstrip("/")).text


def test_a_hanging_run_is_stopped_by_the_watchdog_and_the_others_finish(tmp_path, spinning_elf,
                                                                           hello_elf):
    watched = start_server(tmp_path / "data", "--run-limit", "10")
    try:
        with open(spinning_elf, "rb") as elf:    # 1000 virtual seconds: minutes of wall time
            hung = watched.run(data={"platform": "nrf52840", "timeout": "1000"},
                               files={"elf": ("silent.elf", elf, "application/octet-stream")})
        with open(hello_elf, "rb") as elf:       # built already: it finishes well in time
            other = watched.run(files={"elf": ("hello.elf", elf, "application/octet-stream")})
        run = watched.wait(hung, timeout_s=120)
        assert run["status"] == "failed"
        assert run["error"].startswith("stopped by the server after 10 s of wall time")
        assert run["end"] in ("interrupted", None)        # what ran is kept when it can be
        assert watched.wait(other)["status"] == "done"
    finally:
        stop_server(watched.process)
    assert watched.process.returncode == 130          # stopped as by Ctrl-C, cleanly


def test_unknown_runs_are_404(server):
    response = httpx.get(server.url + "api/runs/zzzzzz")
    assert response.status_code == 404 and "no run 'zzzzzz'" in response.json()["error"]
    assert httpx.get(server.url + "api/runs/../../etc/report").status_code == 404


def test_tls_with_a_self_signed_certificate(tmp_path):
    secure = start_server(tmp_path / "data", "--tls")
    try:
        assert secure.url.startswith("https://127.0.0.1:")
        certificate = tmp_path / "data" / "tls" / "cert.pem"
        assert httpx.get(secure.url + "api/health", verify=trusting(certificate)).json()["ok"]
        with pytest.raises(httpx.ConnectError):       # not trusted without it
            httpx.get(secure.url + "api/health")
    finally:
        stop_server(secure.process)


def test_gesture_recordings_upload_as_a_folder(server, tmp_path):
    """magic_wand with a folder (labels.csv and recordings) as `lab run --imu DIR`."""
    rows = (GESTURES / "labels.csv").read_text().splitlines()
    chosen = [rows[0]] + [r for r in rows[1:] if r.startswith("wing/")][:1]
    files = [("imu", ("mine/labels.csv", "\n".join(chosen).encode() + b"\n", "text/csv"))]
    for row in chosen[1:]:
        name = row.split(",")[0]
        files.append(("imu", (f"mine/{name}", (GESTURES / name).read_bytes(), "text/csv")))
    run_id = server.run(data={"app": "magic_wand"}, files=files)
    run = server.wait(run_id)
    assert run["status"] == "done", run["error"]
    clips = run["analysis"]["magic_wand"]["clips"]
    assert [(c["name"], c["heard"]) for c in clips] == [(chosen[1].split(",")[0], "wing")]


def test_runs_end_when_their_server_is_killed(tmp_path, spinning_elf):
    """A run has a session of its own (Ctrl-C reaches the server only), so it watches
    the server: killed, the server leaves no run behind."""
    doomed = start_server(tmp_path / "data")
    try:
        with open(spinning_elf, "rb") as elf:
            run_id = doomed.run(data={"timeout": "1000"},
                                files={"elf": ("silent.elf", elf, "application/octet-stream")})
        folder = str(tmp_path / "data" / "runs" / run_id)
        deadline = time.monotonic() + 60
        workers = []
        while not workers and time.monotonic() < deadline:
            workers = [p for p in Path("/proc").iterdir() if p.name.isdigit() and
                       folder.encode() in _command_line(p)]
            time.sleep(0.1)
        assert workers, "the run's process did not start"
    finally:
        doomed.process.kill()
        doomed.process.wait()
    deadline = time.monotonic() + 30
    while any(p.exists() and _command_line(p) for p in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(p.exists() and _command_line(p) for p in workers)


def _command_line(process: Path) -> bytes:
    try:
        return (process / "cmdline").read_bytes()
    except OSError:
        return b""
