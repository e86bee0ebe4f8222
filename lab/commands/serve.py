"""`lab serve`: the workshop web app (boards, apps, your voice and your phone in a browser).

Heavy modules (the web framework, the engine) load when the command runs, not when the
`lab` parser is built, so every other command stays quick and the server starts in
about a second.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from ..errors import LabError
from .arguments import existing_file, non_negative_int, output_folder, positive_int, \
    positive_number, seconds

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "serve", help="the workshop web app: run boards in a browser, with your voice and "
                      "your phone",
        description="Serves a web page on which people pick a board and an app, run it, and "
                    "watch its UART, LEDs, spectrogram, scores and cycles; stream their "
                    "microphone or phone into the board; upload WAVs, recordings, models "
                    "and ELFs. Each run is a process of its own. For a room: --host 0.0.0.0 "
                    "(https with a self-signed certificate, which each device accepts once). "
                    "The HTTP API: docs/serve.md.")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default 127.0.0.1: this machine only; "
                             "0.0.0.0: the room's network, with TLS)")
    parser.add_argument("--port", type=non_negative_int, default=8000,
                        help="port (default 8000; 0: any free port)")
    parser.add_argument("--data", type=output_folder, metavar="DIR",
                        help="the server's data folder: runs, uploads, results, build cache "
                             "(default results/serve); nothing is written elsewhere")
    parser.add_argument("--max-runs", type=positive_int, default=default_max_runs(), metavar="N",
                        help="runs at once; more wait their turn (default: "
                             f"{default_max_runs()}, two per core)")
    parser.add_argument("--run-limit", type=seconds, default=300.0, metavar="SECONDS",
                        help="wall-clock limit of one run, and the length of a live stream "
                             "(default 300)")
    parser.add_argument("--max-upload", type=positive_number, default=64.0, metavar="MB",
                        help="largest upload of one run, all files together (default 64)")
    tls = parser.add_mutually_exclusive_group()
    tls.add_argument("--tls", dest="tls", action="store_true", default=None,
                     help="https (the default when --host is not this machine)")
    tls.add_argument("--no-tls", dest="tls", action="store_false",
                     help="plain http (browsers then refuse microphones and motion to other "
                          "machines)")
    parser.add_argument("--cert", type=existing_file, help="TLS certificate (PEM) to use "
                                                           "instead of a self-signed one")
    parser.add_argument("--key", type=existing_file, help="its private key (PEM)")
    parser.set_defaults(handler=serve_command)


def default_max_runs() -> int:
    return 2 * (os.cpu_count() or 1)


def serve_command(args) -> int:
    import uvicorn

    from ..report import RESULTS_DIR
    from ..serve.app import create_app
    from ..serve.runs import Settings
    from ..serve.uploads import MB, Limits

    if args.port > 65535:
        raise LabError(f"--port {args.port}: give a port from 0 to 65535")
    if bool(args.cert) != bool(args.key):
        raise LabError("--cert and --key go together")
    data = Path(args.data or Path(os.environ.get("LAB_RESULTS_DIR", RESULTS_DIR)) / "serve")
    data = data.resolve()
    data.mkdir(parents=True, exist_ok=True)
    use_tls = args.tls if args.tls is not None else (args.host not in LOOPBACK or bool(args.cert))
    cert, key = args.cert, args.key
    if use_tls and not cert:
        from ..serve.tls import certificate
        cert, key = certificate(data / "tls", args.host)
    settings = Settings(data=data, max_runs=args.max_runs, run_limit_s=args.run_limit,
                        limits=Limits(request_bytes=int(args.max_upload * MB)))
    config = uvicorn.Config(create_app(settings), host=args.host, port=args.port,
                            log_level="warning", ws_max_size=2 * MB, lifespan="on",
                            timeout_graceful_shutdown=5,     # pages watching runs let go
                            ssl_certfile=str(cert) if use_tls else None,
                            ssl_keyfile=str(key) if use_tls else None)
    sock = _listen(args.host, args.port)
    _announce(args.host, sock.getsockname()[1], use_tls, data)
    uvicorn.Server(config).run(sockets=[sock])
    return 0


def _listen(host: str, port: int):
    """The listening socket, bound before the server starts (so --port 0 is known)."""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        raise LabError(f"cannot listen on {host}:{port}: {error.strerror} (another server? "
                       "try another --port)") from None
    sock.set_inheritable(True)
    return sock


def _announce(host: str, port: int, use_tls: bool, data: Path) -> None:
    from ..serve.tls import local_addresses

    scheme = "https" if use_tls else "http"
    if host in ("0.0.0.0", "::"):
        urls = [f"{scheme}://{address}:{port}/" for address in local_addresses()]
    else:
        urls = [f"{scheme}://{host}:{port}/"]
    print(f"lab serve: open {urls[0]}" + "".join(f" or {u}" for u in urls[1:]), file=sys.stderr)
    if use_tls:
        print("lab serve: the certificate is self-signed: each browser asks once to accept it",
              file=sys.stderr)
    print(f"lab serve: data in {data}; Ctrl-C stops", file=sys.stderr, flush=True)
