"""Demo-server fixtures: ``serve`` (servers with settings of a test's own), ``server`` and
``demo`` (one shared server per module; instant, and slowed down for the browser)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest

from tests.server.demo import DemoServer, StartDemoServer, demo_server


@pytest.fixture
def serve() -> Iterator[StartDemoServer]:
    """Start a demo server with the given DemoConfig overrides (stopped after the test).

    ``speed`` defaults to 0: scenarios run without pauses unless a test asks for them.
    """
    with contextlib.ExitStack() as stack:

        def start(**overrides: Any) -> DemoServer:
            overrides.setdefault("speed", 0)
            return stack.enter_context(demo_server(**overrides))

        yield start


@pytest.fixture(scope="module")
def server() -> Iterator[DemoServer]:
    """One default server (speed 0) shared by the tests that need no special settings."""
    with demo_server(speed=0) as running:
        yield running


@pytest.fixture(scope="module")
def demo() -> Iterator[DemoServer]:
    """One server for the browser tests of a module.

    Slow enough that every state is on screen for a moment, fast enough for the suite.
    """
    with demo_server(speed=0.15, retry_ms=100) as running:
        yield running
