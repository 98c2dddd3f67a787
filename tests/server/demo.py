"""The demo server (``examples/server``) on a free loopback port, for tests.

:func:`demo_server` runs ``create_app(**overrides)`` under uvicorn in a background thread, so
client disconnects, streaming and lifespan behave as in production. The fixtures built on it
are in ``tests/server/conftest.py``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx

from examples.server.app import create_app
from examples.server.background import serve_in_thread
from examples.server.runs import Run, RunManager

__all__ = ["DemoServer", "StartDemoServer", "demo_server"]


@dataclass
class DemoServer:
    """A running demo server: its base URL and its app."""

    url: str
    app: Any

    @property
    def manager(self) -> RunManager:
        manager: RunManager = self.app.state.manager
        return manager

    def client(self, **kwargs: Any) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=10, **kwargs)

    def new_run(self, scenario: str) -> str:
        """Load the scenario's page and return the run id it created."""
        with self.client() as client:
            page = client.get(f"/scenarios/{scenario}")
        assert page.status_code == 200
        match = re.search(r'data-genui-stream="/stream/([A-Za-z0-9_-]+)"', page.text)
        assert match is not None
        return match.group(1)

    def run(self, run_id: str) -> Run:
        run = self.manager.get(run_id)
        assert run is not None
        return run


StartDemoServer = Callable[..., DemoServer]
"""The ``serve`` fixture: start a demo server with the given ``DemoConfig`` overrides."""


@contextmanager
def demo_server(**overrides: Any) -> Iterator[DemoServer]:
    """Serve ``create_app(**overrides)`` until the block ends."""
    app = create_app(**overrides)
    with serve_in_thread(app) as url:
        yield DemoServer(url, app)
