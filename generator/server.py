"""Boot a rendered project as users do (``python -m app``) and stop it with SIGTERM."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import IO

import httpx

LOOPBACK = "127.0.0.1"


class BootFailed(Exception):
    """The server exited early or never answered ``GET /health`` with 200 ``{"status": "ok"}``."""


def free_port() -> int:
    """A loopback port that was free a moment ago (the kernel picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        port: int = probe.getsockname()[1]
        return port


def port_in_use(port: int) -> bool:
    """Whether something already listens on (or holds) the loopback ``port``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((LOOPBACK, port))
        except OSError:
            return True
        return False


class ServerProcess:
    """``python -m app`` in its own process group, with its output captured to a temp file."""

    def __init__(self, project: Path, env: dict[str, str], port: int) -> None:
        self.project = project
        self.port = port
        self.base_url = f"http://{LOOPBACK}:{port}"
        self._env = env
        self._log: IO[bytes] | None = None
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start the server (a new session, so SIGTERM can reach master and workers alike)."""
        # Closed in close(); a file, not a pipe, so a chatty server never blocks on a full pipe.
        self._log = tempfile.TemporaryFile()  # noqa: SIM115
        self._process = subprocess.Popen(
            [sys.executable, "-m", "app"],
            cwd=self.project,
            env=self._env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_healthy(self, timeout: float, cancel: threading.Event | None = None) -> None:
        """Poll ``GET /health`` until 200 ``{"status": "ok"}``; raise :class:`BootFailed`."""
        process = self._require_process()
        deadline = time.monotonic() + timeout
        with httpx.Client(base_url=self.base_url, timeout=2.0) as client:
            while True:
                if process.poll() is not None:
                    raise BootFailed(
                        f"python -m app exited with code {process.returncode} before answering "
                        f"/health; output ends with: {self.output_tail()}"
                    )
                if cancel is not None and cancel.is_set():
                    raise BootFailed("cancelled")
                try:
                    response = client.get("/health")
                except httpx.TransportError:
                    response = None
                if response is not None:
                    if response.status_code == 200 and _json(response) == {"status": "ok"}:
                        return
                    raise BootFailed(
                        f"GET /health answered {response.status_code} {response.text[:200]!r}, "
                        'expected 200 {"status": "ok"}'
                    )
                if time.monotonic() > deadline:
                    raise BootFailed(
                        f"no answer on {self.base_url}/health within {timeout:.0f} s; "
                        f"output ends with: {self.output_tail()}"
                    )
                time.sleep(0.2)

    def stop(self, timeout: float = 10.0) -> str | None:
        """SIGTERM the process group and wait; SIGKILL what is left after ``timeout`` seconds.

        Returns None after a clean exit, else a one-line reason. Safe to call more than once.
        """
        process = self._process
        if process is None:
            return None
        problem: str | None = None
        if process.poll() is None:
            _signal_group(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                problem = f"still running {timeout:.0f} s after SIGTERM; killed"
        if problem is None and process.returncode not in (0, -signal.SIGTERM):
            problem = (
                f"exited with code {process.returncode} after SIGTERM; "
                f"output ends with: {self.output_tail()}"
            )
        if problem is None and _group_alive(process.pid):
            # Workers that outlive their master would hold the port and the database.
            deadline = time.monotonic() + 2.0
            while _group_alive(process.pid) and time.monotonic() < deadline:
                time.sleep(0.1)
            if _group_alive(process.pid):
                problem = "worker processes outlived the master after SIGTERM; killed"
        _signal_group(process.pid, signal.SIGKILL)
        process.wait()
        self._process = None
        return problem

    def output_tail(self, limit: int = 1500) -> str:
        """The end of the server's combined stdout/stderr, on one line."""
        if self._log is None:
            return ""
        self._log.seek(0)
        text = self._log.read().decode("utf-8", "replace")
        return " | ".join(line for line in text[-limit:].splitlines() if line.strip())

    def close(self) -> None:
        """Stop the server if needed and drop the captured output."""
        self.stop()
        if self._log is not None:
            self._log.close()
            self._log = None

    def _require_process(self) -> subprocess.Popen[bytes]:
        if self._process is None:
            raise BootFailed("the server was not started")
        return self._process


def _signal_group(pgid: int, signum: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signum)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _json(response: httpx.Response) -> object:
    try:
        return response.json()
    except ValueError:
        return None
