"""The runs of one `lab serve`: each in its own process, watched, and relayed to pages.

A run lives in `<data>/runs/<id>/` (its request, uploads, results and log) and goes
queued -> running -> done | failed. At most `max_runs` processes run at once; the others
wait their turn. A run's process prints JSON messages (lab.serve.worker) that every page
watching the run receives, and that a page joining later gets replayed. A run over the
wall-clock limit is stopped (SIGINT, which keeps what ran; SIGKILL if it does not stop)
and reported; a run that faults or hangs never touches the others, which are other
processes.
"""
from __future__ import annotations

import asyncio
import json
import os
import re
import secrets
import shutil
import signal
import sys
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path

from .channel import END, frame
from .requests import RunRequest
from .uploads import Limits

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
ID_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"     # easy to type on a phone
ID_LENGTH = 6
ID_PATTERN = re.compile(f"^[{ID_ALPHABET}]{{{ID_LENGTH}}}$")
STATUS_FILE = "status.json"
STOP_GRACE_S = 10.0          # after SIGINT, before SIGKILL
LIVE_MARGIN_S = 60.0         # a live run's build and start-up, on top of its time limit
DATA_MESSAGES_KEPT = 3000    # spectrum and motion messages replayed to a late page
SUBSCRIBER_BACKLOG = 10000   # a page this far behind is dropped
DATA_TYPES = ("spectrum", "motion")


@dataclass
class Settings:
    data: Path                       # the server's data folder: nothing is written outside
    max_runs: int = 4                # processes at once
    run_limit_s: float = 300.0       # wall-clock limit per run (live: virtual limit too)
    limits: Limits = None

    def __post_init__(self):
        self.limits = self.limits or Limits()


class Run:
    def __init__(self, run_id: str, folder: Path, request: RunRequest):
        self.id, self.folder, self.request = run_id, folder, request
        self.status, self.error, self.end = QUEUED, None, None
        self.created, self.started, self.finished = time.time(), None, None
        self.process = None
        self.stop_reason: str | None = None
        self.final: dict | None = None                # the `end` message
        self._messages: list[dict] = []
        self._data: deque = deque(maxlen=DATA_MESSAGES_KEPT)
        self._subscribers: set[asyncio.Queue] = set()

    # ------------------------------------------------------------ messages
    def publish(self, message: dict, keep: bool = True) -> None:
        if keep:
            (self._data if message.get("type") in DATA_TYPES else self._messages).append(message)
        for queue in list(self._subscribers):
            if queue.qsize() >= SUBSCRIBER_BACKLOG:
                self._subscribers.discard(queue)
                queue.put_nowait(None)                 # too slow: the page is dropped
            else:
                queue.put_nowait(message)

    def subscribe(self) -> tuple[list[dict], asyncio.Queue | None]:
        """(what happened so far, a queue of what comes next; None when it is over)."""
        replay = self._messages + list(self._data)
        if self.final is not None:
            return replay + [self.final], None
        queue: asyncio.Queue = asyncio.Queue()
        self._subscribers.add(queue)
        return replay, queue

    def unsubscribe(self, queue) -> None:
        self._subscribers.discard(queue)

    def close_subscribers(self) -> None:
        for queue in self._subscribers:
            queue.put_nowait(None)
        self._subscribers.clear()

    # ------------------------------------------------------------ state
    def summary(self) -> dict:
        wall = (self.finished or time.time()) - self.started if self.started else None
        return {"id": self.id, "status": self.status, "app": self.request.name,
                "platform": self.request.platform, "live": self.request.live,
                "error": self.error, "end": self.end, "created": self.created,
                "wall_s": round(wall, 3) if wall is not None else None}

    def result(self) -> dict | None:
        path = self.folder / "result.json"
        if not path.is_file():
            return None
        try:
            return json.loads(path.read_text())
        except (OSError, ValueError):
            return None


class RunManager:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.root = settings.data / "runs"
        self.root.mkdir(parents=True, exist_ok=True)
        (settings.data / "tmp").mkdir(exist_ok=True)
        self.runs: dict[str, Run] = {}
        self._slots = asyncio.Semaphore(settings.max_runs)
        self._tasks: set[asyncio.Task] = set()

    # ------------------------------------------------------------ creating
    def new_folder(self) -> tuple[str, Path]:
        while True:
            run_id = "".join(secrets.choice(ID_ALPHABET) for _ in range(ID_LENGTH))
            folder = self.root / run_id
            try:
                folder.mkdir()
                return run_id, folder
            except FileExistsError:
                continue

    def discard(self, folder: Path) -> None:
        """A request refused: nothing of it stays."""
        shutil.rmtree(folder, ignore_errors=True)

    def submit(self, run_id: str, folder: Path, request: RunRequest) -> Run:
        request.save(folder)
        run = Run(run_id, folder, request)
        self.runs[run_id] = run
        task = asyncio.get_running_loop().create_task(self._life(run))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return run

    def get(self, run_id: str) -> Run | None:
        """A run of this server, or a finished one an earlier server left on disk."""
        if run_id in self.runs:
            return self.runs[run_id]
        if not ID_PATTERN.match(run_id):
            return None
        folder = self.root / run_id
        try:
            status = json.loads((folder / STATUS_FILE).read_text())
            run = Run(run_id, folder, RunRequest.load(folder))
        except (OSError, ValueError, TypeError):
            return None
        run.status, run.error, run.end = status["status"], status["error"], status["end"]
        run.final = {"type": "end", "id": run_id, **status}
        return run

    # ------------------------------------------------------------ a run's life
    async def _life(self, run: Run) -> None:
        try:
            async with self._slots:
                if run.stop_reason is None:
                    await self._start(run)
                    await self._watch(run)
        except OSError as error:
            run.stop_reason = f"the run's process could not start: {error}"
        except (ValueError, asyncio.LimitOverrunError) as error:   # it printed garbage
            run.stop_reason = f"the server lost track of the run ({error})"
            if run.process is not None and run.process.returncode is None:
                run.process.kill()
                await run.process.wait()
        finally:
            self._finish(run)

    async def _start(self, run: Run) -> None:
        env = dict(os.environ, LAB_CACHE_DIR=str(self.settings.data / "cache"),
                   TMPDIR=str(self.settings.data / "tmp"), PYTHONUNBUFFERED="1")
        with open(run.folder / "worker.log", "wb") as log:
            run.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "lab.serve.worker", str(run.folder),
                stdin=asyncio.subprocess.PIPE if run.request.live else asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE, stderr=log, cwd=run.folder, env=env,
                limit=1 << 22, start_new_session=True)   # Ctrl-C reaches the server only
        run.status, run.started = RUNNING, time.time()
        run.publish({"type": "status", "status": RUNNING})

    async def _watch(self, run: Run) -> None:
        relay = asyncio.ensure_future(self._relay(run))
        limit = run.request.limit_s + (LIVE_MARGIN_S if run.request.live else 0.0)
        try:
            await asyncio.wait_for(asyncio.shield(run.process.wait()), timeout=limit)
        except asyncio.TimeoutError:
            await self._interrupt(run, f"stopped by the server after {limit:g} s of wall "
                                       "time (its limit per run): did the firmware hang?")
        await relay

    async def _relay(self, run: Run) -> None:
        async for line in run.process.stdout:
            try:
                message = json.loads(line)
            except ValueError:
                continue
            if message.get("type") == "end":
                run.final = message
            else:
                run.publish(message)

    async def _interrupt(self, run: Run, reason: str) -> None:
        """SIGINT (the run keeps what ran), then SIGKILL if it does not stop."""
        run.stop_reason = run.stop_reason or reason
        process = run.process
        if process is None or process.returncode is not None:
            return
        process.send_signal(signal.SIGINT)
        try:
            await asyncio.wait_for(asyncio.shield(process.wait()), timeout=STOP_GRACE_S)
        except asyncio.TimeoutError:
            process.kill()
            await process.wait()

    def _finish(self, run: Run) -> None:
        final = run.final or {}
        process = run.process
        run.status = DONE if final.get("status") == DONE and not run.stop_reason else FAILED
        run.end = final.get("end")
        run.error = run.stop_reason or final.get("error")
        if run.status == FAILED and not run.error:
            code = process.returncode if process else None
            run.error = f"the run's process ended without a result (exit status {code}; " \
                        "see worker.log in its folder)"
        run.finished = time.time()
        status = {"status": run.status, "error": run.error, "end": run.end}
        (run.folder / STATUS_FILE).write_text(json.dumps(status))
        run.final = {**final, "type": "end", "id": run.id, **status}
        run.publish(run.final, keep=False)          # replayed as `final` from now on
        run.close_subscribers()
        print(f"lab serve: run {run.id} {run.request.name} on {run.request.platform}: "
              f"{run.status}" + (f" ({run.error})" if run.error else ""), file=sys.stderr)

    # ------------------------------------------------------------ from pages
    async def stop(self, run: Run, reason: str = "stopped") -> None:
        """A live run ends its streams: it ends normally when the firmware next reads
        the sensor (still building, it ends just after; the watchdog stays). Any other
        run is interrupted."""
        if run.status == QUEUED:
            run.stop_reason = reason
        elif run.status == RUNNING and run.request.live:
            await self.end_live(run, ("audio", "motion"))
        elif run.status == RUNNING:
            await self._interrupt(run, reason)

    async def send_live(self, run: Run, kind: bytes, payload: bytes) -> bool:
        """Forward live data to the run's process; False once it no longer listens."""
        process = run.process
        if run.status != RUNNING or process is None or process.stdin is None or \
                process.stdin.is_closing():
            return False
        try:
            process.stdin.write(frame(kind, payload))
            await process.stdin.drain()
        except (ConnectionError, BrokenPipeError):
            return False
        return True

    async def end_live(self, run: Run, streams) -> None:
        for stream in streams:
            await self.send_live(run, END, stream.encode())

    async def close(self) -> None:
        """The server stops: every run still going is stopped."""
        for run in list(self.runs.values()):
            if run.status == RUNNING:
                await self._interrupt(run, "the server stopped")
            elif run.status == QUEUED:
                run.stop_reason = "the server stopped"
        for task in list(self._tasks):
            try:
                await asyncio.wait_for(task, timeout=STOP_GRACE_S + 5)
            except (asyncio.TimeoutError, asyncio.CancelledError):
                pass
