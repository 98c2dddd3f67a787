"""A tiny Starlette app whose runs' logs are in Redis: run it twice to get two workers.

``GENUI_TEST_REDIS_URL`` names the Redis. ``POST /runs/{run_id}?size=N&pause=S`` starts a run
here (its agent streams :data:`SPEC`'s JSON in ``N``-character chunks, ``S`` seconds apart);
``GET /stream/{run_id}`` streams it to the client, from the run itself when it lives in this
process and with :func:`genui.runlog.follow` otherwise; ``GET /health`` answers once the app
is up. :func:`serve` starts the app in a process of its own with uvicorn, for the tests.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from genui.redis_store import RedisRunLog
from genui.runlog import follow
from genui.runs import StreamRun

__all__ = ["SPEC", "app", "serve"]

ROOT = Path(__file__).resolve().parent.parent
URL_VARIABLE = "GENUI_TEST_REDIS_URL"
HEARTBEAT = 0.5

SPEC: dict[str, Any] = {
    "root": [
        {"component": "Heading", "props": {"level": 2, "text": "Results"}},
        {
            "component": "List",
            "children": [
                {"component": "ListItem", "props": {"text": f"Item {index}"}} for index in range(12)
            ],
        },
    ]
}


def _agent(size: int, pause: float) -> Callable[[], AsyncIterator[str]]:
    text = json.dumps(SPEC)

    async def agent() -> AsyncIterator[str]:
        for start in range(0, len(text), size):
            await asyncio.sleep(pause)
            yield text[start : start + size]

    return agent


@contextlib.asynccontextmanager
async def _lifespan(app: Starlette) -> AsyncIterator[None]:
    import redis.asyncio  # here: without redis-py the tests skip (or fail in CI) instead
    from redis.asyncio.retry import Retry
    from redis.backoff import ExponentialBackoff

    # Retries that outlast a restart of Redis, as a deployment would configure them.
    retry = Retry(ExponentialBackoff(cap=0.2, base=0.01), retries=10)
    client = redis.asyncio.Redis.from_url(os.environ[URL_VARIABLE], retry=retry)
    log = RedisRunLog(client, block=0.2)
    app.state.log, app.state.runs = log, {}
    try:
        yield
    finally:
        for run in app.state.runs.values():
            await run.aclose()
        await log.client.aclose()


async def start_run(request: Request) -> Response:
    run_id = request.path_params["run_id"]
    size = int(request.query_params.get("size", "8"))
    pause = float(request.query_params.get("pause", "0"))
    run = StreamRun(
        _agent(size, pause),
        log=request.app.state.log,
        run_id=run_id,
        idle_timeout=None,
        heartbeat=HEARTBEAT,
    )
    request.app.state.runs[run_id] = run
    await run.ready()
    return Response(status_code=204)


async def stream(request: Request) -> Response:
    run_id = request.path_params["run_id"]
    last_event_id = request.headers.get("last-event-id")
    run: StreamRun | None = request.app.state.runs.get(run_id)
    if run is not None:
        events = run.events(last_event_id)
    else:
        events = follow(request.app.state.log, run_id, last_event_id, heartbeat=HEARTBEAT)
    headers = {"Cache-Control": "no-store", "X-Worker": str(os.getpid())}
    return StreamingResponse(events, media_type="text/event-stream", headers=headers)


async def health(request: Request) -> Response:
    return PlainTextResponse("ok")


app = Starlette(
    routes=[
        Route("/runs/{run_id}", start_run, methods=["POST"]),
        Route("/stream/{run_id}", stream),
        Route("/health", health),
    ],
    lifespan=_lifespan,
)


@contextlib.contextmanager
def serve(port: int, redis_url: str) -> Iterator[str]:
    """Run :data:`app` under uvicorn in a new process on ``port``; yields its base URL."""
    command = [sys.executable, "-m", "uvicorn", "tests.multiworker_app:app"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    env = {**os.environ, URL_VARIABLE: redis_url, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the app on port {port} exited with {process.returncode}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"the app on port {port} did not start")
            time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
