"""`lab serve`: a workshop in the browser, without boards.

The server (lab.serve.app, FastAPI on uvicorn) hands out one page (lab/serve/static) on
which people pick a board and an app, run it, and watch the UART, the LEDs, the
microphone's spectrogram with detections, the model's scores, cycles and load; stream
their own voice or their phone's motion into the board; and upload WAVs, recordings,
models and ELFs. Each run is a process of its own (lab.serve.worker) managed by
lab.serve.runs; uploads are checked by the loaders `lab run` uses (lab.serve.requests).
The HTTP API the page uses is documented in docs/serve.md.
"""
