"""A self-signed certificate for a server on the room's network.

Browsers give a page the microphone and the motion sensors only in a secure context:
https, or http on the machine itself (127.0.0.1). A workshop server that laptops and
phones reach over the network therefore speaks TLS, with a certificate the lab makes
once with Debian's openssl and keeps in the server's data folder; each device accepts
it once ("advanced, proceed"). It names the machine's addresses, so it stays valid
while they do.
"""
from __future__ import annotations

import ipaddress
import shutil
import socket
import subprocess
from pathlib import Path

from ..errors import LabError

DAYS = 825          # the longest validity browsers accept for a server certificate


def local_addresses() -> list[str]:
    """This machine's IPv4 addresses that others can reach (and 127.0.0.1)."""
    found = {"127.0.0.1"}
    try:
        found.update(socket.gethostbyname_ex(socket.gethostname())[2])
    except OSError:
        pass
    try:     # the address of the default route (a UDP "connect" sends nothing)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))
            found.add(probe.getsockname()[0])
    except OSError:
        pass
    return sorted(found, key=lambda a: (a.startswith("127."), a))


def certificate(folder: Path, host: str) -> tuple[Path, Path]:
    """(certificate, key) for `host` and this machine's names and addresses: the one in
    `folder` when it still names them all, else a new one."""
    names = ["localhost", socket.gethostname()]
    addresses = local_addresses()
    if host not in ("0.0.0.0", "::", ""):
        try:
            ipaddress.ip_address(host)
            addresses.append(host)
        except ValueError:
            names.append(host)
    wanted = ",".join([f"DNS:{n}" for n in dict.fromkeys(names)] +
                      [f"IP:{a}" for a in dict.fromkeys(addresses)])
    folder.mkdir(parents=True, exist_ok=True)
    cert, key, made_for = folder / "cert.pem", folder / "key.pem", folder / "names.txt"
    if cert.is_file() and key.is_file() and made_for.is_file() and \
            made_for.read_text() == wanted:
        return cert, key
    openssl = shutil.which("openssl")
    if not openssl:
        raise LabError("openssl not found: install it (apt-get install openssl), or give "
                       "--cert and --key, or serve on 127.0.0.1 without TLS")
    done = subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256",
         "-days", str(DAYS), "-subj", "/CN=Virtual MCU Lab workshop",
         "-addext", f"subjectAltName={wanted}", "-keyout", str(key), "-out", str(cert)],
        capture_output=True, text=True)
    if done.returncode != 0:
        raise LabError(f"openssl could not make a certificate: "
                       f"{(done.stderr.strip().splitlines() or ['unknown error'])[-1]}")
    key.chmod(0o600)
    made_for.write_text(wanted)
    return cert, key
