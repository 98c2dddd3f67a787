"""Runs: one agent response being streamed, resumable, independent of any one connection.

A :class:`Run` owns a :class:`genui.SpecStream` per channel (``main``, and
``report`` for the hostile scenario) and the asyncio task of its scripted
agent. The agent starts when the first client subscribes and runs to the end
of its script (or its timeout), whoever is watching: a client that drops and
comes back with ``Last-Event-ID`` gets exactly the batches it missed
(:func:`genui.sse.resume_events` / :meth:`genui.SpecStream.updates_since`).

A scenario with actions (the booking) is played when its run is created, so its page
shows the form at once, and its stream stays open: :class:`RunSurfaces` lets the app's
:class:`genui.ActionGate` check submissions against it and apply the replies (the run id
is the surface id).

Nothing leaks: each SSE connection is one async generator that ends when the
client disconnects (a watcher task notices the ``http.disconnect`` message),
and an agent nobody has watched for ``abandon_after`` seconds is cancelled.
:attr:`RunManager.active_streams` and :attr:`RunManager.active_agents` count
what is alive, so tests can check both return to zero.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from examples.server.scenarios import (
    Close,
    Feed,
    Patch,
    Pause,
    PutImage,
    Scenario,
    ScriptContext,
    Step,
)
from genui import (
    ActionEvent,
    ActionGate,
    ActionReply,
    Actions,
    ActionSurface,
    GenerativeUIError,
    GenerativeUISpec,
    Renderer,
    SpecStream,
)
from genui.sse import end_event, resume_events, sse_event
from genui.stream import Update
from genui.surfaces import apply_reply

__all__ = [
    "ACTION_ENDPOINT",
    "DemoConfig",
    "ImageStore",
    "Run",
    "RunManager",
    "RunSurfaces",
    "TooBusyError",
]

ACTION_ENDPOINT = "/actions"
"""Where the demo's action forms post."""


@dataclass
class DemoConfig:
    """Knobs of the demo server (all have production-sensible defaults)."""

    speed: float = 1.0
    """Multiplier for the scripts' pauses: 0 runs them as fast as possible."""
    scenario_timeout: float = 60.0
    """An agent running longer than this is stopped and the run marked failed."""
    abandon_after: float = 30.0
    """Cancel an agent when no client has watched it for this many seconds."""
    keepalive: float = 15.0
    """Send an SSE comment after this many idle seconds (proxies close silent streams)."""
    retry_ms: int = 1000
    """The ``retry:`` hint sent to ``EventSource`` (reconnect delay)."""
    max_runs: int = 256
    """Runs kept for resuming; the oldest finished ones are forgotten first."""
    max_active_agents: int = 32
    """More concurrent agents than this and ``GET /stream`` answers 503."""
    max_body_bytes: int = 1 << 20
    """Request bodies above this size are refused with 413."""
    max_images: int = 256
    """Generated images kept in memory."""
    drop_stream_after: int | None = None
    """Testing aid: close every SSE connection after this many events (forces reconnects)."""
    live: bool = False
    """Offer the real-model scenario (see :mod:`examples.server.live`); needs an API key."""
    action_key: str | None = None
    """The key that signs action envelopes (32 bytes or more; default: a random one)."""


class TooBusyError(RuntimeError):
    """Too many agents are running already."""


class ImageStore:
    """Generated images by name, in memory and bounded (a stand-in for a blob store)."""

    def __init__(self, max_items: int) -> None:
        self._items: OrderedDict[str, tuple[bytes, str]] = OrderedDict()
        self.max_items = max_items

    def put(self, name: str, data: bytes, media_type: str) -> None:
        """Store ``data`` under ``name``, forgetting the oldest image past the bound."""
        self._items[name] = (data, media_type)
        self._items.move_to_end(name)
        while len(self._items) > self.max_items:
            self._items.popitem(last=False)

    def get(self, name: str) -> tuple[bytes, str] | None:
        """The bytes and media type stored under ``name``."""
        return self._items.get(name)

    def __contains__(self, name: object) -> bool:
        return name in self._items


_REPORT_COLUMNS = ["Path", "Prop", "Reason", "Detail"]


def _path_key(path: str) -> tuple[tuple[int, int | str], ...]:
    """Sort JSON Pointers in document order (numbers as numbers)."""
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in path.split("/"))


class Run:
    """One scenario being played: its streams, agent task and subscribers."""

    def __init__(
        self,
        run_id: str,
        scenario: Scenario,
        renderer: Renderer,
        surface: ActionSurface | None = None,
    ) -> None:
        self.id = run_id
        self.scenario = scenario
        self.attempt = 1
        main = SpecStream(renderer=renderer, surface=surface)
        self.channels: dict[str, SpecStream] = {"main": main}
        if scenario.show_report:
            self.channels["report"] = SpecStream()
        self.task: asyncio.Task[None] | None = None
        self.done = False
        self.error: str | None = None
        self.subscribers = 0
        self.connections = 0
        """SSE connections so far (reconnects included)."""
        self.resumed_from: list[int | None] = []
        """The ``Last-Event-ID`` each connection came with (``None``: first connection)."""
        self._restarting = False
        self._abandon: asyncio.TimerHandle | None = None
        self._changed = asyncio.Event()
        self._report_rows: list[list[str]] | None = None

    @property
    def main(self) -> SpecStream:
        """The channel the agent writes to."""
        return self.channels["main"]

    @property
    def running(self) -> bool:
        """Whether the agent task is alive."""
        return self.task is not None and not self.task.done()

    def notify(self) -> None:
        """Wake every subscriber: something changed."""
        event, self._changed = self._changed, asyncio.Event()
        event.set()

    def changed(self) -> asyncio.Event:
        """The event set on the next change (take it *before* checking the state)."""
        return self._changed

    # -- the report channel --------------------------------------------------------------

    def report_rows(self) -> list[list[str]]:
        """What the lenient render removed or replaced (unknown components included)."""
        rows = [[e.path, e.prop, e.reason, e.detail] for e in self.main.report]
        rows.sort(key=lambda row: _path_key(row[0]))
        return rows

    def update_report(self) -> None:
        """Bring the ``report`` channel up to date with the main stream's report."""
        channel = self.channels.get("report")
        if channel is None:
            return
        rows = self.report_rows()
        if rows == self._report_rows:
            return
        count = len(rows)
        caption = f"SanitizeReport: {count} value{'s' if count != 1 else ''} removed or replaced"
        if self._report_rows is None:
            table = {
                "component": "Table",
                "props": {"caption": caption, "columns": _REPORT_COLUMNS, "rows": rows},
            }
            channel.apply([{"op": "add", "path": "/root", "value": table}])
        else:
            channel.apply(
                [
                    {"op": "replace", "path": "/root/props/caption", "value": caption},
                    {"op": "replace", "path": "/root/props/rows", "value": rows},
                ]
            )
        self._report_rows = rows


class RunSurfaces:
    """The runs' main streams as action surfaces (the run id is the surface id).

    What the gate checks ``stale`` envelopes against and what replies are applied to
    (the :class:`genui.StreamSurfaces` shape, over the manager's runs: a run forgotten is
    a surface gone).
    """

    def __init__(self, runs: Mapping[str, Run]) -> None:
        self.runs = runs

    def get(self, surface: str) -> SpecStream | None:
        """The main stream of run ``surface``, if it is kept and has actions."""
        run = self.runs.get(surface)
        return run.main if run is not None and run.main.surface is not None else None

    def current(self, surface: str) -> GenerativeUISpec | None:
        """The clean spec run ``surface`` shows now."""
        stream = self.get(surface)
        return stream.clean_spec if stream is not None else None

    def apply(
        self, surface: str, reply: ActionReply, event: ActionEvent[Any, Any] | None = None
    ) -> list[Update]:
        """Apply a handler's new spec or patches to the run's stream.

        The event's inputs bound to state are written back first.
        """
        stream = self.get(surface)
        return apply_reply(stream, reply, event) if stream is not None else []


class RunManager:
    """Creates runs, drives their agents and serves their SSE streams.

    ``actions`` are what the scenarios may bind; :attr:`gate` signs them (with
    ``config.action_key``) and verifies what comes back to :data:`ACTION_ENDPOINT`.
    """

    def __init__(
        self,
        config: DemoConfig,
        scenarios: dict[str, Scenario],
        renderers: dict[str, Renderer],
        images: ImageStore,
        actions: Actions | None = None,
    ) -> None:
        self.config = config
        self.scenarios = scenarios
        self.renderers = renderers
        self.images = images
        self.runs: OrderedDict[str, Run] = OrderedDict()
        self.surfaces = RunSurfaces(self.runs)
        """The runs as action surfaces."""
        self.gate = ActionGate(
            actions if actions is not None else Actions(),
            config.action_key or secrets.token_urlsafe(32),
            surfaces=self.surfaces,
            endpoint=ACTION_ENDPOINT,
        )
        """Signs the actions the runs show and verifies the submissions."""
        self.active_streams = 0
        """SSE connections being served right now."""
        self.active_agents = 0
        """Agent tasks alive right now."""

    # -- runs ----------------------------------------------------------------------------

    def create(self, scenario_name: str) -> Run:
        """A new run of a scenario (its agent starts when someone subscribes).

        The agent of a scenario with actions is played at once instead, without pauses.
        """
        scenario = self.scenarios[scenario_name]
        run_id = secrets.token_urlsafe(9)
        surface = self.gate.surface(run_id) if scenario.actions else None
        run = Run(run_id, scenario, self.renderers[scenario.renderer], surface)
        self.runs[run.id] = run
        self._evict()
        if scenario.actions:
            self._play_now(run)
        return run

    @staticmethod
    def _play_now(run: Run) -> None:
        """Play a scenario's feeds and patches synchronously; the stream stays open."""
        steps = run.scenario.script(ScriptContext(run.id, run.attempt))
        assert isinstance(steps, Iterable), "a scenario with actions is a plain script"
        for step in steps:
            if isinstance(step, Feed):
                run.main.feed(step.text)
            elif isinstance(step, Patch):
                run.main.apply(step.ops)
        run.done = True

    def get(self, run_id: str) -> Run | None:
        """The run with this id, if it is still kept."""
        return self.runs.get(run_id)

    def _evict(self) -> None:
        while len(self.runs) > self.config.max_runs:
            victim = next((r for r in self.runs.values() if not r.running), None)
            if victim is None:
                victim = next(iter(self.runs.values()))
                if victim.task is not None:
                    victim.task.cancel()
            del self.runs[victim.id]

    def start(self, run: Run) -> None:
        """Start the run's agent unless it is running or done."""
        if run.task is not None or run.done:
            return
        if self.active_agents >= self.config.max_active_agents:
            raise TooBusyError("too many agents are running; try again shortly")
        self.active_agents += 1
        run.task = asyncio.create_task(self._drive(run), name=f"genui-agent-{run.id}")

    async def regenerate(self, run: Run) -> None:
        """Play the run's scenario again (next attempt) on the same streams."""
        if run.task is not None and not run.task.done():
            run._restarting = True
            run.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await run.task
            run._restarting = False
        run.task = None
        run.attempt += 1
        run.done = False
        run.error = None
        self.start(run)
        run.notify()
        if run.subscribers == 0:
            self._schedule_abandon(run)

    async def shutdown(self) -> None:
        """Cancel every agent and wait for them (app shutdown)."""
        tasks = [run.task for run in self.runs.values() if run.task and not run.task.done()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    # -- the agent -----------------------------------------------------------------------

    async def _drive(self, run: Run) -> None:
        context = ScriptContext(run.id, run.attempt)
        try:
            async with asyncio.timeout(self.config.scenario_timeout):
                steps = run.scenario.script(context)
                if isinstance(steps, Iterable):
                    for step in steps:
                        await self._execute(run, step)
                else:
                    async for step in steps:
                        await self._execute(run, step)
        except TimeoutError:
            run.error = f"The agent did not finish within {self.config.scenario_timeout:g} s."
        except GenerativeUIError as exc:
            run.error = f"The agent's output was rejected: {exc.message}"
        except asyncio.CancelledError:
            if not run._restarting:
                run.error = "The agent was stopped."
            raise
        except Exception as exc:  # an adapter failed (e.g. the live model's HTTP call)
            run.error = f"The agent failed: {type(exc).__name__}"
        finally:
            self.active_agents -= 1
            if not run._restarting:
                run.done = True
                run.notify()

    async def _execute(self, run: Run, step: Step) -> None:
        stream = run.main
        before = stream.version
        if isinstance(step, Pause):
            if self.config.speed > 0:
                await asyncio.sleep(step.seconds * self.config.speed)
            else:
                await asyncio.sleep(0)
            return
        if isinstance(step, Feed):
            stream.feed(step.text)
        elif isinstance(step, Patch):
            stream.apply(step.ops)
        elif isinstance(step, PutImage):
            data = await asyncio.to_thread(step.make)
            self.images.put(step.name, data, step.media_type)
            return
        elif isinstance(step, Close) and not stream.closed and not run.scenario.regenerate:
            stream.close()  # a run that can be regenerated keeps its stream open
        if stream.version != before:
            run.update_report()
            run.notify()

    # -- subscribers ---------------------------------------------------------------------

    def _schedule_abandon(self, run: Run) -> None:
        if run._abandon is not None:
            run._abandon.cancel()
        loop = asyncio.get_running_loop()
        run._abandon = loop.call_later(self.config.abandon_after, self._abandon_if_unwatched, run)

    def _abandon_if_unwatched(self, run: Run) -> None:
        run._abandon = None
        if run.subscribers == 0 and run.task is not None and not run.task.done():
            run.task.cancel()

    async def events(
        self,
        run: Run,
        channel: str,
        last_event_id: str | None,
        disconnected: Callable[[], Awaitable[None]],
    ) -> AsyncIterator[str]:
        """The SSE frames for one connection to ``run``'s ``channel``.

        ``disconnected`` returns when the client goes away; the generator then
        ends (and is also safe to cancel or ``aclose()`` at any point).
        """
        stream = run.channels[channel]
        self.active_streams += 1
        run.subscribers += 1
        run.connections += 1
        if run._abandon is not None:
            run._abandon.cancel()
            run._abandon = None
        watcher = asyncio.ensure_future(disconnected())
        sent = 0
        limit = self.config.drop_stream_after
        try:
            yield f"retry: {self.config.retry_ms}\n\n"
            for frame in resume_events(stream, last_event_id):
                yield frame
                sent += 1
            version = stream.version
            while True:
                if stream.version != version:
                    missed = stream.updates_since(version)
                    updates = missed if missed is not None else [stream.reset_update()]
                    version = stream.version
                    yield sse_event(updates, version)
                    sent += 1
                    if limit is not None and sent >= limit and not run.done:
                        return  # testing aid: the client reconnects with Last-Event-ID
                    continue
                if run.done:
                    if run.error is not None and channel == "main":
                        yield _error_frame(run.error)
                    yield end_event(version)
                    return
                changed = run.changed()
                waiter = asyncio.ensure_future(changed.wait())
                try:
                    finished, _ = await asyncio.wait(
                        {waiter, watcher},
                        timeout=self.config.keepalive,
                        return_when=asyncio.FIRST_COMPLETED,
                    )
                finally:
                    waiter.cancel()
                if watcher in finished:
                    return
                if not finished:
                    yield ": keepalive\n\n"
        finally:
            watcher.cancel()
            self.active_streams -= 1
            run.subscribers -= 1
            if run.subscribers == 0 and run.running:
                self._schedule_abandon(run)


def _error_frame(message: str) -> str:
    """An un-numbered ``genui`` event appending an error alert (not part of the history).

    It has no ``version`` either: genui.js applies it whatever version the page shows.
    """
    renderer = Renderer()
    html = renderer.render(
        {
            "root": {
                "component": "Alert",
                "props": {"tone": "danger", "title": "The agent stopped"},
                "children": [message],
            }
        }
    )
    payload = {"updates": [{"op": "append", "target": "", "html": str(html)}]}
    return f"event: genui\ndata: {json.dumps(payload, separators=(',', ':'))}\n\n"
