"""The stall watchdog: a run that stops making progress kills its own Chromium, not CI."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path

__all__ = ["OracleStalledError", "Watchdog"]


class OracleStalledError(RuntimeError):
    """A run made no progress for too long; the oracle killed its own Chromium."""


class Watchdog:
    """Kills this oracle's own Chromium when a run stops making progress.

    A browser call that never returns would hang the whole session, and CI with it. The
    browser carries a unique switch on its command line; the watchdog finds that process in
    ``/proc`` and kills it by PID, the blocked Playwright call fails, and the run raises
    :class:`OracleStalledError` instead of hanging.
    """

    def __init__(self, marker: str, stall_seconds: Callable[[], float]) -> None:
        self.marker = marker
        self.stall_seconds = stall_seconds
        self.fired = False
        self._busy = False
        self._last = time.monotonic()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def tick(self) -> None:
        """Record progress."""
        self._last = time.monotonic()

    def __enter__(self) -> Watchdog:
        self.tick()
        self._busy = True
        if self._thread is None:
            self._thread = threading.Thread(target=self._watch, name="genui-oracle-watchdog")
            self._thread.daemon = True
            self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._busy = False

    def stop(self) -> None:
        """End the watchdog thread."""
        self._stop.set()

    def _watch(self) -> None:
        while not self._stop.wait(1.0):
            if self._busy and time.monotonic() - self._last > self.stall_seconds():
                self.fired = True
                self._busy = False
                for pid in self._browser_pids():
                    with contextlib.suppress(OSError):
                        os.kill(pid, signal.SIGKILL)

    def _browser_pids(self) -> list[int]:
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                args = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if self.marker.encode() in args and not any(a.startswith(b"--type=") for a in args):
                pids.append(int(entry.name))
        return pids
