"""A throwaway ``redis-server`` on a free loopback port, for the tests of the Redis stores.

:func:`running_redis` starts Debian's ``/usr/bin/redis-server`` (or ``redis-server`` on
``PATH``; ``GENUI_REDIS_SERVER`` overrides) in a temporary directory, without persistence,
waits until it answers ``PING`` and stops it afterwards. Without a server (or without
redis-py) the test is skipped, except under ``CI=true``, where it fails: CI installs both.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

__all__ = ["RedisServer", "redis_server_path", "running_redis"]

_DEBIAN_REDIS = "/usr/bin/redis-server"
_START_SECONDS = 10.0


def redis_server_path() -> str | None:
    """The ``redis-server`` executable to run, or ``None`` when there is none."""
    override = os.environ.get("GENUI_REDIS_SERVER")
    if override:
        return override if os.access(override, os.X_OK) else None
    if os.access(_DEBIAN_REDIS, os.X_OK):
        return _DEBIAN_REDIS
    return shutil.which("redis-server")


def _running_in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _answers_ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


class RedisServer:
    """One ``redis-server`` process: its URL, and :meth:`restart` (which loses every key)."""

    def __init__(self, executable: str, directory: Path) -> None:
        self.executable = executable
        self.directory = directory
        self.port = _free_port()
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """``redis://127.0.0.1:<port>/0``."""
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start the server and wait until it answers ``PING``."""
        command = [
            self.executable,
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(self.directory),
        ]
        self._process = subprocess.Popen(
            command, cwd=self.directory, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        deadline = time.monotonic() + _START_SECONDS
        while not _answers_ping(self.port):
            if self._process.poll() is not None:
                error = self._process.stderr.read() if self._process.stderr else b""
                raise RuntimeError(f"redis-server exited: {error.decode(errors='replace')}")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"redis-server did not answer PING on port {self.port}")
            time.sleep(0.02)

    def stop(self) -> None:
        """Stop the server (its keys are lost: nothing is saved)."""
        process, self._process = self._process, None
        if process is None:
            return
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr is not None:
            process.stderr.close()

    def restart(self) -> None:
        """Stop the server and start it again on the same port, empty."""
        self.stop()
        self.start()


@contextmanager
def running_redis() -> Iterator[RedisServer]:
    """A started :class:`RedisServer`, stopped when the block ends (or the test skipped)."""
    executable = redis_server_path()
    reason = "redis-server is not installed" if executable is None else None
    if importlib.util.find_spec("redis") is None:
        reason = "redis-py is not installed (the redis extra)"
    if reason is not None or executable is None:
        if _running_in_ci():
            pytest.fail(
                f"the Redis tests are required in CI but {reason} "
                "(install Debian's redis-server and the dev extra)",
                pytrace=False,
            )
        pytest.skip(f"Redis unavailable: {reason}")
    with tempfile.TemporaryDirectory(prefix="genui-redis-") as directory:
        server = RedisServer(executable, Path(directory))
        server.start()
        try:
            yield server
        finally:
            server.stop()
