"""The `lab serve` web app: the page, its JavaScript and CSS, and the HTTP API it uses.

Everything the browser loads comes from lab/serve/static (nothing from elsewhere); the
API is documented in docs/serve.md:

    POST /api/runs                 JSON or multipart (app, platform, model, audio, imu,
                                   elf, manifest, timeout) -> {"id": ...}
    GET  /api/runs                 every run of this server, newest first
    GET  /api/runs/{id}            result.json with `status` (queued/running/done/failed)
    POST /api/runs/{id}/stop       end a live run's streams, or interrupt a run
    GET  /api/runs/{id}/report     the HTML report
    GET  /api/runs/{id}/files/{f}  result.json, uart.log, microphone.wav, imu.csv, junit.xml
    WS   /api/runs/{id}/events     UART lines, `@lab` events, progress, ... as JSON
    WS   /api/runs/{id}/live       a browser's microphone and motion into the run
    GET  /api/catalogue            boards and apps; GET /api/health
"""
from __future__ import annotations

import json
from pathlib import Path

from fastapi import FastAPI, Request, WebSocket, WebSocketDisconnect
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from .. import __version__
from ..errors import LabError
from . import channel
from .requests import FILE_FIELDS, TEXT_FIELDS, catalogue, check, from_fields, public_message
from .runs import RunManager, Settings
from .uploads import MB, FormReceiver, UploadError, boundary_of

STATIC = Path(__file__).resolve().parent / "static"
RESULT_FILES = {"result.json": "application/json", "uart.log": "text/plain; charset=utf-8",
                "microphone.wav": "audio/wav", "imu.csv": "text/csv",
                "junit.xml": "application/xml", "report.html": "text/html; charset=utf-8"}
JSON_BYTES = 64 * 1024
DRAIN_FACTOR = 4             # an oversized upload is read up to this many limits, then cut
NO_CACHE = {"Cache-Control": "no-store"}


class UnknownRun(Exception):
    pass


def error(message: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def create_app(settings: Settings) -> FastAPI:
    manager_box: dict = {}

    async def lifespan(app):
        manager_box["runs"] = RunManager(settings)
        yield
        await manager_box["runs"].close()

    # No /docs: FastAPI's API browser loads its scripts from a CDN.
    app = FastAPI(title="Virtual MCU Lab", version=__version__, lifespan=lifespan,
                  docs_url=None, redoc_url=None, openapi_url=None)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    def runs() -> RunManager:
        return manager_box["runs"]

    def find(run_id: str):
        run = runs().get(run_id)
        if run is None:
            raise UnknownRun(run_id)
        return run

    @app.exception_handler(UnknownRun)
    async def unknown_run(request, exc):
        return error(f"no run {exc.args[0]!r} on this server", 404)

    # ------------------------------------------------------------ pages
    @app.get("/", include_in_schema=False)
    async def index():
        return FileResponse(STATIC / "index.html", headers=NO_CACHE)

    @app.get("/phone", include_in_schema=False)
    async def phone():
        return FileResponse(STATIC / "phone.html", headers=NO_CACHE)

    @app.get("/favicon.ico", include_in_schema=False)
    async def favicon():
        return FileResponse(STATIC / "favicon.svg", media_type="image/svg+xml")

    # ------------------------------------------------------------ API
    @app.get("/api/health")
    async def health():
        return {"ok": True, "version": __version__}

    @app.get("/api/catalogue")
    async def get_catalogue():
        listing = await run_in_threadpool(catalogue)
        listing["limits"] = {"upload_mb": settings.limits.request_bytes / MB,
                             "run_s": settings.run_limit_s, "runs_at_once": settings.max_runs}
        return listing

    @app.post("/api/runs", status_code=201)
    async def create_run(request: Request):
        run_id, folder = runs().new_folder()
        try:
            fields, uploads = await _receive(request, folder)
            run_request = from_fields(fields, uploads, folder, settings.run_limit_s)
            await run_in_threadpool(check, run_request, folder)
        except UploadError as problem:
            runs().discard(folder)
            return error(public_message(str(problem), folder), problem.status)
        except LabError as problem:
            runs().discard(folder)
            return error(public_message(str(problem), folder))
        run = runs().submit(run_id, folder, run_request)
        return JSONResponse({**run.summary(), "events": f"/api/runs/{run.id}/events",
                             "live_input": f"/api/runs/{run.id}/live"}, status_code=201)

    async def _receive(request: Request, folder: Path):
        content_type = request.headers.get("content-type", "")
        if content_type.startswith("application/json"):
            body = await _read_limited(request, JSON_BYTES)
            try:
                fields = json.loads(body or b"{}")
            except ValueError as problem:
                raise UploadError(f"the request is not valid JSON ({problem})") from None
            if not isinstance(fields, dict):
                raise UploadError("the request must be a JSON object")
            return fields, {}
        if content_type.startswith("multipart/form-data"):
            receiver = FormReceiver(boundary_of(content_type), folder / "uploads",
                                    settings.limits, FILE_FIELDS, TEXT_FIELDS)
            try:
                async for chunk in request.stream():
                    receiver.feed(chunk)
                form = receiver.close()
            except UploadError as problem:
                receiver.abort()
                if problem.status == 413:
                    await _drain(request)
                raise
            return form.fields, {name: form.upload(name, folder / "uploads")
                                 for name in FILE_FIELDS}
        raise UploadError("send JSON or multipart/form-data", 415)

    async def _read_limited(request: Request, limit: int) -> bytes:
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > limit:
                raise UploadError(f"a JSON request is at most {limit // 1024} kB (files go "
                                  "in multipart/form-data)", 413)
        return bytes(body)

    async def _drain(request: Request) -> None:
        """Read the rest of an oversized upload, so the browser sees the answer instead
        of a broken connection (up to a bound, then the connection is cut)."""
        left = settings.limits.request_bytes * DRAIN_FACTOR
        try:
            async for chunk in request.stream():
                left -= len(chunk)
                if left < 0:
                    return
        except Exception:       # the client went away: nothing to answer
            return

    @app.get("/api/runs")
    async def list_runs():
        return [run.summary() for run in sorted(runs().runs.values(), key=lambda r: -r.created)]

    @app.get("/api/runs/{run_id}")
    async def get_run(run_id: str):
        run = find(run_id)
        result = await run_in_threadpool(run.result) if run.finished or run.final else None
        body = {**(result or {}), **run.summary(),
                "report": f"/api/runs/{run.id}/report" if result else None}
        return JSONResponse(body, headers=NO_CACHE)

    @app.post("/api/runs/{run_id}/stop")
    async def stop_run(run_id: str):
        run = find(run_id)
        await runs().stop(run, "stopped on request")
        return run.summary()

    @app.get("/api/runs/{run_id}/report")
    async def report(run_id: str):
        return _result_file(find(run_id), "report.html")

    @app.get("/api/runs/{run_id}/files/{name}")
    async def result_file(run_id: str, name: str):
        return _result_file(find(run_id), name)

    def _result_file(run, name: str) -> Response:
        if name not in RESULT_FILES:
            return error(f"no file {name!r}: a run has {', '.join(RESULT_FILES)}", 404)
        path = run.folder / name
        if not path.is_file():
            return error(f"run {run.id} has no {name} (yet: it is {run.status})", 404)
        return FileResponse(path, media_type=RESULT_FILES[name], headers=NO_CACHE)

    # ------------------------------------------------------------ WebSockets
    @app.websocket("/api/runs/{run_id}/events")
    async def events(socket: WebSocket, run_id: str):
        await socket.accept()
        run = runs().get(run_id)
        if run is None:
            await socket.send_json({"type": "error", "error": f"no run {run_id!r}"})
            await socket.close(code=4404)
            return
        replay, queue = run.subscribe()
        try:
            for message in replay:
                await socket.send_json(message)
            while queue is not None:
                message = await queue.get()
                if message is None:
                    break
                await socket.send_json(message)
            await socket.close()
        except (WebSocketDisconnect, RuntimeError):
            pass
        finally:
            if queue is not None:
                run.unsubscribe(queue)

    @app.websocket("/api/runs/{run_id}/live")
    async def live(socket: WebSocket, run_id: str):
        await socket.accept()
        run = runs().get(run_id)
        if run is None or not run.request.live:
            await socket.send_json({"type": "error", "error": f"run {run_id!r} takes no "
                                                              "live input"})
            await socket.close(code=4404)
            return
        await _receive_live(socket, run)

    async def _receive_live(socket: WebSocket, run) -> None:
        """Audio (binary: b"a", u32 rate, int16 samples) and motion (JSON {"motion": rows})
        into the run, until the page closes the socket; then those streams end."""
        sent: set[str] = set()
        wanted = set(run.request.live)
        try:
            while True:
                message = await socket.receive()
                if message["type"] == "websocket.disconnect":
                    break
                try:
                    kind, payload, stream = _live_frame(message)
                except channel.BadFrame as problem:
                    await socket.send_json({"type": "error", "error": str(problem)})
                    continue
                if {"audio": "audio", "motion": "imu"}[stream] not in wanted:
                    continue
                sent.add(stream)
                if not await runs().send_live(run, kind, payload) and run.finished:
                    break
        finally:
            await runs().end_live(run, sorted(sent))

    def _live_frame(message: dict):
        data = message.get("bytes")
        if data is not None:
            if data[:1] != channel.AUDIO:
                raise channel.BadFrame("binary messages are audio: b'a', u32 rate, int16 samples")
            return channel.AUDIO, channel.check_audio(data[1:]), "audio"
        try:
            rows = json.loads(message.get("text") or "")["motion"]
        except (ValueError, KeyError, TypeError):
            raise channel.BadFrame('text messages are motion: {"motion": [[t, x, y, z], ...]}') \
                from None
        return channel.MOTION, channel.motion_payload(rows), "motion"

    return app
