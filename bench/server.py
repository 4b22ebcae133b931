"""What gunicorn serves in the benchmarks, and how the benchmarks start and stop it.

``bench.server:app`` is the application exactly as ``wsgi:app`` builds it, with a bare Flask
app mounted beside it at ``/bench`` (``GET /bench/bare`` answers ``ok``): the floor that the
pages' throughput is compared with, served by the same gunicorn workers in the same run.
The production entry point (``wsgi.py``) never mounts it.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from inspect_app.config import PROJECT_ROOT

BARE_PATH = "/bench/bare"


def bare_app() -> Flask:
    bare = Flask("bench_bare")

    @bare.get("/bare")
    def bare_endpoint() -> str:
        return "ok"

    return bare


def _wsgi_app():
    import gc

    from inspect_app import create_app

    wsgi_app = DispatcherMiddleware(create_app(), {"/bench": bare_app()})
    gc.freeze()  # as wsgi.py does
    return wsgi_app


# --------------------------------------------------------------------------- running it


@dataclass
class Server:
    process: subprocess.Popen
    host: str
    port: int

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def worker_pids(self) -> list[int]:
        """The gunicorn workers: children of the master process."""
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                children.append(int(stat.parent.name))
        return sorted(children)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def server_environment(
    database_url: str, evidence_dir: Path, *, max_upload_mb: int = 50
) -> dict[str, str]:
    """The ``INSPECT_*`` settings of a benchmark server (a throwaway database)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("INSPECT_")}
    env.update(
        {
            "INSPECT_DATABASE_URL": database_url,
            "INSPECT_EVIDENCE_DIR": str(evidence_dir),
            "INSPECT_SECRET_KEY": "bench-secret-key-shared-by-every-worker",
            "INSPECT_MAX_UPLOAD_MB": str(max_upload_mb),
            # Every simulated user signs in from 127.0.0.1.
            "INSPECT_SIGN_IN_RATE_LIMIT": "1000 per minute",
            "PYTHONPATH": str(PROJECT_ROOT),
        }
    )
    return env


@contextmanager
def gunicorn(
    env: dict[str, str],
    *,
    workers: int = 3,
    log_path: Path | None = None,
    app: str = "bench.server:app",
) -> Iterator[Server]:
    """Start gunicorn on loopback on a free port, wait until it answers, stop it afterwards."""
    host, port = "127.0.0.1", free_port()
    log = open(log_path, "ab") if log_path else subprocess.DEVNULL  # noqa: SIM115
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        str(workers),
        "--bind",
        f"{host}:{port}",
        "--timeout",
        "300",
        "--graceful-timeout",
        "5",
        "--log-level",
        "warning",
        *_no_control_socket(),
        "--chdir",
        str(PROJECT_ROOT),
        app,
    ]
    process = subprocess.Popen(command, env=env, stdout=log, stderr=log)  # noqa: S603
    server = Server(process, host, port)
    try:
        _wait_until_ready(server, workers)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if log_path:
            log.close()


def _no_control_socket() -> list[str]:
    """Newer gunicorns open a control socket at one fixed path per user, which two servers
    running at once (a benchmark beside a test) would fight over: switch it off."""
    from gunicorn.config import KNOWN_SETTINGS

    return ["--no-control-socket"] if any(
        s.name == "control_socket_disable" for s in KNOWN_SETTINGS
    ) else []  # fmt: skip


def _wait_until_ready(server: Server, workers: int, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {server.process.returncode}")
        try:
            conn = http.client.HTTPConnection(server.host, server.port, timeout=5)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200 and len(server.worker_pids()) >= workers:
                conn.close()
                return
            conn.close()
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer on {server.base_url} within {timeout:.0f} s")


def __getattr__(name: str):
    """``bench.server:app`` builds the application only when gunicorn asks for it."""
    if name == "app":
        return _wsgi_app()
    raise AttributeError(name)
