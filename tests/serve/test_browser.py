"""The workshop page in a real browser: Debian's chromium, headless, driven by Playwright,
with Chromium's fake microphone playing a WAV ("yes") and the accelerometer set through
the DevTools protocol's sensor override. No browser is downloaded.

LAB_UPDATE_DOCS=1 also saves the screenshot of the "yes" run as docs/serve.png."""
from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from urllib.parse import urlparse

import httpx
import numpy as np
import pytest

from browsers import CHROMIUM, needs_chromium
from serving import (GESTURES, ROOT, YES_CLIP, detections, lab_run_detections, speech_folder,
                     spoken_yes, write_wav)

sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = needs_chromium
STANDARD_GRAVITY = 9.80665
RUN_MS = 180_000


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """Chromium whose microphone says "yes" (a second of silence, the word, two more),
    over and over."""
    fake = write_wav(tmp_path_factory.mktemp("fake-mic") / "yes.wav", spoken_yes(1.0, 2.0))
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--use-fake-ui-for-media-stream",
                  "--use-fake-device-for-media-stream",
                  f"--use-file-for-fake-audio-capture={fake}"])
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 1000},
                                  permissions=["microphone", "accelerometer", "gyroscope"])
    yield context
    context.close()


def open_page(context, server, app: str):
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.goto(server.url)
    page.wait_for_selector(f"#app option[value={app}]", state="attached")
    page.select_option("#app", app)
    return page


def finished(page) -> str:
    page.wait_for_selector("#status.done, #status.failed", timeout=RUN_MS)
    return page.inner_text("#status")


def run_id_of(page) -> str:
    return page.evaluate("page.run.id")


def test_the_page_loads_nothing_from_anywhere_else(context, server):
    addresses = []
    page = context.new_page()
    page.on("request", lambda request: addresses.append(request.url))
    page.on("websocket", lambda socket: addresses.append(socket.url))
    page.goto(server.url)
    page.wait_for_selector("#app option[value=hello]", state="attached")
    page.select_option("#app", "hello")
    page.click("#run")
    assert finished(page) == "done"
    page.click("text=full report")            # the report opens in a tab of its own
    hosts = {urlparse(url).netloc for url in addresses}
    assert hosts == {server.host}, addresses
    assert any(url.endswith("/api/catalogue") for url in addresses)
    assert any(url.startswith("ws://") for url in addresses)


def test_yes_said_into_the_microphone_is_heard_on_the_page(context, server, tmp_path):
    page = open_page(context, server, "micro_speech")
    page.check("input[name=audio][value=live]")
    page.click("#run")
    page.wait_for_selector("#heard[data-label=yes], #status.failed", timeout=RUN_MS)
    assert page.inner_text("#status") == "running", page.inner_text("#error")
    latency = page.get_attribute("#heard", "data-latency")
    print(f"\nfrom the voice's onset on the page to 'yes' on the page: {latency} s")
    assert latency is not None and float(latency) > 0
    # The fake microphone says it again four seconds later: heard again, live.
    page.wait_for_function("JSON.parse(document.getElementById('heard').dataset.all || '[]')"
                           ".length >= 2", timeout=RUN_MS)
    page.click("#stop")
    assert finished(page) == "done"
    assert "load" in page.inner_text("#stats")
    assert page.is_visible("#spectrogram") and page.is_visible("#scores")
    run = server.get(run_id_of(page))
    assert "yes" in [label for label, _, _ in detections(run)]
    assert run["streams"]["audio"]["source"] == "live microphone (browser)"
    shot = tmp_path / "serve.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    if os.environ.get("LAB_UPDATE_DOCS"):
        shutil.copy(shot, ROOT / "docs" / "serve.png")
    assert not page.errors


def test_an_uploaded_folder_gives_the_detections_of_lab_run(context, server, tmp_path):
    folder = speech_folder(tmp_path / "my_clips")
    page = open_page(context, server, "micro_speech")
    page.check("input[name=audio][value=folder]")
    page.set_input_files("#audio-folder", folder)
    page.click("#run")
    assert finished(page) == "done"
    run = server.get(run_id_of(page))
    expected = lab_run_detections("micro_speech", "--platform", "nrf52840", "--audio",
                                  str(folder), "--stream")
    assert detections(run) == expected and any(d[0] == "yes" for d in expected)
    table = page.inner_text("table.clips")
    for clip in run["analysis"]["micro_speech"]["clips"]:
        assert clip["name"] in table
    assert not page.errors


def test_an_emulated_accelerometer_draws_a_wing_on_the_page(context, server):
    from lab.sensors.imu import read_csv

    times, values = read_csv(GESTURES / "wing" / "u008_000.csv")   # a committed "wing"
    page = context.new_page()
    sensors = context.new_cdp_session(page)
    sensors.send("Emulation.setSensorOverrideEnabled", {"enabled": True, "type": "accelerometer"})

    def hold(g):
        x, y, z = (float(v) * STANDARD_GRAVITY for v in g)
        sensors.send("Emulation.setSensorOverrideReadings",
                     {"type": "accelerometer", "reading": {"xyz": {"x": x, "y": y, "z": z}}})

    def play(seconds, reading_at):            # in real time: the board is paced by it
        start = time.monotonic()
        while (elapsed := time.monotonic() - start) < seconds:
            hold(reading_at(elapsed))
            time.sleep(0.005)

    hold(values[0])
    page.goto(server.url)
    page.wait_for_selector("#app option[value=magic_wand]", state="attached")
    page.select_option("#app", "magic_wand")
    page.check("input[name=imu][value=device]")
    page.click("#run")
    page.wait_for_selector("#motion-figure:not([hidden]), #status.failed", timeout=RUN_MS)
    assert page.inner_text("#status") == "running", page.inner_text("#error")
    offsets = times - times[0]
    play(2.0, lambda t: values[0])                          # the wand at rest
    play(offsets[-1], lambda t: values[min(np.searchsorted(offsets, t), len(values) - 1)])
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and page.get_attribute("#heard", "data-label") is None:
        play(0.5, lambda t: values[-1])                     # at rest again while it decides
    assert page.get_attribute("#heard", "data-label") == "wing"
    page.click("#stop")
    assert finished(page) == "done"
    run = server.get(run_id_of(page))
    assert [e["label"] for e in run["events"] if e["event"] == "gesture"][0] == "wing"
    assert run["streams"]["imu"]["source"] == "live motion (browser)"


def test_two_pages_run_at_once_and_both_finish(context, server):
    pages = [open_page(context, server, "micro_speech") for _ in range(2)]
    for page in pages:
        page.check("input[name=audio][value=file]")
        page.set_input_files("#audio-file", YES_CLIP)
    for page in pages:
        page.click("#run")
    ids = [None, None]
    both_running = False
    deadline = time.monotonic() + RUN_MS / 1000
    while time.monotonic() < deadline and not both_running:
        ids = [page.evaluate("page.run && page.run.id") for page in pages]
        runs = {r["id"]: r for r in httpx.get(server.url + "api/runs").json()}
        states = [runs[i]["status"] if i in runs else None for i in ids]
        both_running = states == ["running", "running"]
        if "done" in states or "failed" in states:
            break
        time.sleep(0.1)
    assert both_running, states
    for page in pages:
        assert finished(page) == "done"
        assert page.get_attribute("#heard", "data-label") == "yes"
    assert ids[0] != ids[1]


def test_a_faulting_elf_upload_shows_the_fault_report(context, server, faulting_elf):
    page = open_page(context, server, "hello")
    page.set_input_files("#elf", faulting_elf)
    page.click("#run")
    assert finished(page) == "failed"
    fault = page.inner_text("#results .fault")
    assert fault.startswith("Fault: HardFault") and "caller_function" in fault
    assert page.inner_text("#error").startswith("fault: HardFault")


@pytest.mark.parametrize("upload, message", [
    ("corrupt", "broken.wav: not a WAV file (no RIFF/WAVE header)"),
    ("oversized", "larger than the server's limit of 2 MB"),
])
def test_a_bad_upload_shows_one_line(context, server, tmp_path, upload, message):
    if upload == "corrupt":
        path = tmp_path / "broken.wav"
        path.write_bytes(b"this is not audio")
    else:
        path = write_wav(tmp_path / "long.wav", np.zeros(16000 * 70, dtype=np.int16))
    runs_before = httpx.get(server.url + "api/runs").json()
    page = open_page(context, server, "micro_speech")
    page.check("input[name=audio][value=file]")
    page.set_input_files("#audio-file", path)
    page.click("#run")
    page.wait_for_function("document.getElementById('error').textContent.length > 0")
    error = page.inner_text("#error")
    assert message in error and "\n" not in error
    assert httpx.get(server.url + "api/runs").json() == runs_before     # no run was made
    assert not page.errors
