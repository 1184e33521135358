"""A real nginx on 127.0.0.1 for tests that need a real web server (ETag, Last-Modified, 304).

Use the ``nginx`` fixture (``from nginx import Nginx, nginx``), or :func:`serve_nginx`
for other scopes. Everything nginx writes (pid, logs, temp dirs) stays in a tmp dir.
A missing nginx fails the test, it does not skip it: CI installs nginx, and a skipped
HTTP suite would look green while proving nothing.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from ports import free_port

STARTUP_SECONDS = 10.0
_CONF = """\
daemon off;
worker_processes 1;
pid "{work}/nginx.pid";
error_log "{work}/error.log" warn;
{user}
events {{ worker_connections {worker_connections}; }}
http {{
    access_log "{work}/access.log";
    client_body_temp_path "{work}/client_body";
    proxy_temp_path "{work}/proxy";
    fastcgi_temp_path "{work}/fastcgi";
    uwsgi_temp_path "{work}/uwsgi";
    scgi_temp_path "{work}/scgi";
    types {{
        text/html html; text/plain txt; application/json json; application/rss+xml xml;
    }}
    default_type application/octet-stream;
    # Real gzip: bodies arrive compressed and ETags become weak (W/"...").
    gzip on;
    gzip_min_length 256;
    gzip_types application/rss+xml;
    # "exact" (nginx's default) answers 304 only to the very Last-Modified date;
    # "before" also to a later one, as RFC 9110 13.1.3 allows (urlwatch sends its own).
    if_modified_since {if_modified_since};
    server {{
{listen}
        root "{root}";
    }}
}}
"""


@dataclass(frozen=True)
class Nginx:
    base: str
    root: Path
    work: Path
    addresses: tuple[str, ...] = ("127.0.0.1",)
    port: int = 0

    def url(self, path: str) -> str:
        return self.base + path

    def url_at(self, address: str, path: str) -> str:
        """``path`` on one of the loopback ``addresses`` nginx listens on."""
        return f"http://{address}:{self.port}{path}"

    @property
    def access_log(self) -> Path:
        """One line per request, nginx's "combined" format."""
        return self.work / "access.log"


def find_nginx() -> str | None:
    """nginx on PATH, or in /usr/sbin, which is not on a normal user's PATH."""
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
    return found or None


@contextmanager
def serve_nginx(
    root: Path,
    work: Path,
    *,
    addresses: Sequence[str] = ("127.0.0.1",),
    worker_connections: int = 64,
    if_modified_since: str = "exact",
) -> Iterator[Nginx]:
    """Run nginx serving ``root`` until the block ends; its files go to ``work``.

    It listens on one free port on each of ``addresses`` (any of 127.0.0.0/8 is
    loopback on Linux: distinct host names for per-host limits, no DNS needed);
    ``.base`` is on the first. ``worker_connections`` must cover the listening
    sockets and every client connection open at once.
    """
    binary = find_nginx()
    if binary is None:
        pytest.fail(
            "nginx is not installed (looked on PATH and in /usr/sbin): apt-get install nginx"
        )
    # Small race: another process may take the port before nginx binds it; the
    # startup check below then fails with nginx's own "Address already in use".
    port = free_port()
    # As root, nginx would run its worker as "nobody", who cannot read pytest's 0700 tmp dirs.
    user = "user root;" if os.geteuid() == 0 else ""
    conf = work / "nginx.conf"
    listen = "\n".join(f"        listen {address}:{port};" for address in addresses)
    conf.write_text(
        _CONF.format(
            work=work,
            root=root,
            listen=listen,
            user=user,
            worker_connections=worker_connections,
            if_modified_since=if_modified_since,
        )
    )
    with (work / "output.log").open("wb") as output:
        process = subprocess.Popen(
            [binary, "-c", str(conf), "-p", str(work), "-e", str(work / "error.log")],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_listening(process, (addresses[0], port), work)
        yield Nginx(f"http://{addresses[0]}:{port}", root, work, tuple(addresses), port)
    finally:
        _stop(process)


@pytest.fixture
def nginx(tmp_path: Path) -> Iterator[Nginx]:
    """A fresh nginx whose document root (``.root``) the test fills."""
    root = tmp_path / "root"
    work = tmp_path / "nginx"
    root.mkdir()
    work.mkdir()
    with serve_nginx(root, work) as server:
        yield server


def _wait_until_listening(
    process: subprocess.Popen[bytes], address: tuple[str, int], work: Path
) -> None:
    give_up = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < give_up:
        if process.poll() is not None:
            pytest.fail(f"nginx exited with {process.returncode}: {_logs(work)}")
        try:
            with socket.create_connection(address, timeout=0.2):
                return
        except OSError:
            time.sleep(0.02)
    pytest.fail(f"nginx did not answer within {STARTUP_SECONDS} s: {_logs(work)}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGQUIT)  # graceful: finish requests, then exit
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _logs(work: Path) -> str:
    texts = [
        path.read_text(errors="replace").strip()
        for path in (work / "output.log", work / "error.log")
        if path.exists()
    ]
    return " | ".join(text for text in texts if text) or "no log"
