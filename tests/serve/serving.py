"""Helpers for the `lab serve` tests: a real server started as people start it, on
127.0.0.1 only, polled with bounded loops and stopped; its HTTP API; test data."""
from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
import wave
from dataclasses import dataclass
from pathlib import Path

import httpx
import numpy as np
from speech_clips import speech_folder  # noqa: F401  (the serve tests take it from here)

ROOT = Path(__file__).resolve().parents[2]
SPEECH = ROOT / "data" / "test" / "speech"
GESTURES = ROOT / "data" / "test" / "gestures"
YES_CLIP = SPEECH / "yes" / "espeak-en-m3-0_nohash_0.wav"
START_TIMEOUT_S = 30.0
RUN_TIMEOUT_S = 180.0


@dataclass
class Server:
    url: str
    data: Path
    process: subprocess.Popen
    start_s: float                  # from spawning `lab serve` to its first answer

    @property
    def host(self) -> str:
        return self.url.split("//", 1)[1].rstrip("/")

    def ws(self, path: str) -> str:
        return "ws://" + self.host + path

    def post(self, **kwargs) -> httpx.Response:
        return httpx.post(self.url + "api/runs", timeout=60, **kwargs)

    def run(self, **kwargs) -> str:
        """Start a run; its id."""
        response = self.post(**kwargs)
        assert response.status_code == 201, response.text
        return response.json()["id"]

    def get(self, run_id: str) -> dict:
        return httpx.get(f"{self.url}api/runs/{run_id}", timeout=30).json()

    def wait(self, run_id: str, timeout_s: float = RUN_TIMEOUT_S) -> dict:
        """GET the run until it has finished (bounded)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            run = self.get(run_id)
            if run["status"] in ("done", "failed"):
                return run
            time.sleep(0.2)
        raise AssertionError(f"run {run_id} did not finish within {timeout_s} s")

    def events(self, run_id: str, timeout_s: float = RUN_TIMEOUT_S) -> list[dict]:
        """Every message of the run's event socket until it closes."""
        from websockets.sync.client import connect

        messages = []
        with connect(self.ws(f"/api/runs/{run_id}/events"), open_timeout=10) as socket:
            deadline = time.monotonic() + timeout_s
            while time.monotonic() < deadline:
                try:
                    messages.append(json.loads(socket.recv(timeout=deadline - time.monotonic())))
                except Exception:      # closed by the server after `end` (or timed out)
                    break
        return messages


def start_server(data: Path, *args: str) -> Server:
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "lab.cli", "serve", "--host", "127.0.0.1", "--port", "0",
         "--data", str(data), *args], cwd=ROOT, stderr=subprocess.PIPE, text=True)
    url = None
    deadline = time.monotonic() + START_TIMEOUT_S
    while url is None and time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line and process.poll() is not None:
            raise AssertionError(f"lab serve exited with status {process.returncode}")
        found = re.search(r"open (http\S+)", line)
        url = found.group(1) if found else None
    certificate = data / "tls" / "cert.pem"
    verify = trusting(certificate) if url and url.startswith("https") else True
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "api/health", timeout=2, verify=verify).status_code == 200:
                return Server(url, data, process, time.monotonic() - started)
        except httpx.HTTPError:
            time.sleep(0.05)
    stop_server(process)
    raise AssertionError("lab serve did not answer within the time-out")


def trusting(certificate: Path):
    """An SSL context that trusts the server's self-signed certificate."""
    import ssl
    return ssl.create_default_context(cafile=str(certificate))


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def lab_run_detections(*args: str) -> list[tuple]:
    """(label, t_ms, score) of every detection `lab run ... --json` reports."""
    done = subprocess.run([sys.executable, "-m", "lab.cli", "run", *args, "--json"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode in (0, 1), done.stderr
    return detections(json.loads(done.stdout))


def detections(result: dict) -> list[tuple]:
    return [(e["label"], e["t_ms"], e["score"]) for e in result["events"]
            if e["event"] == "detection"]


def write_wav(path: Path, samples: np.ndarray, rate: int = 16000) -> Path:
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(rate)
        handle.writeframes(np.asarray(samples, dtype="<i2").tobytes())
    return path


def spoken_yes(silence_before_s: float = 1.0, silence_after_s: float = 2.0) -> np.ndarray:
    """The committed "yes" clip between stretches of silence, at 16 kHz."""
    from lab.sensors.audio import read_wav
    clip, rate = read_wav(YES_CLIP)
    assert rate == 16000
    return np.concatenate([np.zeros(int(silence_before_s * rate)), clip[:, 0],
                           np.zeros(int(silence_after_s * rate))]).astype(np.int16)
