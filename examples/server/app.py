"""The demo web app: an agent streaming generative UI into a page, and endpoints to copy.

``create_app()`` returns a FastAPI application with:

``GET /`` and ``GET /scenarios/{name}``
    the demo page (all scenarios, or one), each panel subscribed to its run's stream;
``POST /validate``
    a spec as the JSON body → ``200 {"valid": true}`` or ``422 {"errors": [...]}``;
``POST /render``
    a spec → its HTML fragment (``text/html``), or ``422`` with the errors;
``GET /stream/{run_id}`` (and ``/stream/{run_id}/report``)
    Server-Sent Events: one ``genui`` event per batch of fragment updates, ``id`` = the
    stream version, resumable with ``Last-Event-ID``, ending with ``genui-end``;
``POST /regenerate``
    play an image run again (the Image component's Regenerate form; 303 back to the page);
``POST /actions``
    what action forms post (the booking scenario's): :class:`genui.starlette.ActionEndpoint`
    verifies the signed envelope and the inputs, runs the action and applies its reply to
    the run's stream; JSON for genui.js, or 303 back to the page (422 and the page with
    inline errors for invalid input) without JavaScript;
``GET /runs/{run_id}``
    the run's state as JSON;
``GET /playground`` and ``POST /playground``
    paste a spec, see every problem with its hint beside the cleaned render (a plain
    form post: works without JavaScript; see :mod:`.playground`);
``GET /images/{name}`` and ``GET /static/{name}``
    generated images and the static files (genui.css, genui.js, demo.css).

Every response carries a strict Content-Security-Policy (no inline script or
style anywhere: the page links genui's static files) and the usual security
headers. Request bodies are capped (413), agents have a timeout, and a client
that disconnects mid-stream leaves nothing running (see :mod:`.runs`).
"""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, StreamingResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from examples.server import playground
from examples.server.runs import DemoConfig, ImageStore, Run, RunManager, TooBusyError
from examples.server.scenarios import ACTIONS, REGISTRY, SCENARIOS, Scenario
from genui import ActionEvent, GenerativeUIError, Renderer, parse_spec
from genui.sse import parse_last_event_id
from genui.starlette import MAX_BODY_BYTES, ActionEndpoint, mount_actions
from genui.static import STATIC_DIR
from genui.writing import FormFeedback

__all__ = ["CONTENT_SECURITY_POLICY", "SECURITY_HEADERS", "DemoConfig", "create_app"]

HERE = Path(__file__).resolve().parent
DEMO_STATIC_DIR = HERE / "static"

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
"""No inline script or style, nothing from other origins, no framing."""

SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
}

_RUN_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")
_IMAGE_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}(?:-partial-\d{1,2})?\.png")
_STATIC_TYPES = {
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
}


class SecurityHeadersMiddleware:
    """Pure ASGI middleware adding :data:`SECURITY_HEADERS` to every HTTP response.

    (Pure ASGI rather than ``BaseHTTPMiddleware`` so streaming responses and
    client disconnects pass through untouched.)
    """

    def __init__(self, app: ASGIApp, headers: dict[str, str] | None = None) -> None:
        self.app = app
        raw = (headers or SECURITY_HEADERS).items()
        self.headers = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in raw]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in self.headers if k not in present]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class ProblemError(Exception):
    """An HTTP error answered as ``{"errors": [{"path", "code", "message"}]}``."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message

    def response(self) -> JSONResponse:
        """The JSON error response."""
        body = {"errors": [{"path": "", "code": self.code, "message": self.message}]}
        return JSONResponse(body, status_code=self.status)


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refusing (413) anything over ``limit`` bytes, declared or streamed."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not (declared.isascii() and declared.isdigit()):
            raise ProblemError(400, "bad_request", "invalid Content-Length")
        if int(declared) > limit:
            raise ProblemError(413, "too_large", f"the body is larger than {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ProblemError(413, "too_large", f"the body is larger than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _error_response(error: GenerativeUIError) -> JSONResponse:
    """HTTP 422 with the error's paths and codes (what an agent needs to repair its output)."""
    return JSONResponse(error.to_dict(), status_code=422)


async def _wait_for_disconnect(receive: Receive) -> None:
    """Return when the client has gone (``http.disconnect``)."""
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return


@dataclass
class Panel:
    """One scenario panel on the page."""

    scenario: Scenario
    run: Run
    html: Markup | None = None
    """The run's current HTML, for a scenario with actions (its form works without JS)."""


def _panel_html(run: Run, feedback: FormFeedback | None) -> Markup | None:
    """What a scenario with actions shows now, with a refused form's ``feedback``."""
    stream = run.main
    if stream.surface is None:
        return None
    if feedback is None or stream.clean_spec is None:
        return stream.html()
    surface = stream.surface.at(stream.version)
    return stream.renderer.render(stream.clean_spec, surface=surface, feedback=feedback)


def create_app(config: DemoConfig | None = None, **overrides: Any) -> FastAPI:
    """Build the demo application.

    ``config`` (or keyword overrides of :class:`DemoConfig` fields, e.g.
    ``speed=0``) tunes pacing, limits and timeouts. The live-model scenario is
    added only with ``live=True`` *and* an API key in the environment.
    """
    settings = replace(config or DemoConfig(), **overrides)
    if settings.action_key is None:
        settings = replace(settings, action_key=os.environ.get("GENUI_DEMO_ACTION_KEY"))
    scenarios: dict[str, Scenario] = dict(SCENARIOS)
    if settings.live:
        from examples.server.live import live_scenario

        live = live_scenario()
        if live is not None:
            scenarios[live.name] = live
    renderers = {
        "strict": Renderer(registry=REGISTRY, actions=ACTIONS),
        "lenient": Renderer(registry=REGISTRY, on_invalid_props="drop", fallback="default"),
    }
    image_actions = _configure_regenerate(renderers["strict"], "/regenerate")
    manager = RunManager(
        settings, scenarios, renderers, ImageStore(settings.max_images), actions=ACTIONS
    )
    validator = Renderer(strict=True)  # /validate: anything sanitization would drop is an error
    api_renderer = Renderer()  # /render: unsafe URLs dropped (and counted), the rest must be valid
    templates = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        await manager.shutdown()

    app = FastAPI(
        title="genui demo",
        lifespan=lifespan,
        docs_url=None,  # the Swagger UI needs inline script and a CDN: not under this CSP
        redoc_url=None,
        openapi_url=None,
    )
    app.state.config = settings
    app.state.manager = manager
    app.add_middleware(SecurityHeadersMiddleware)

    @app.exception_handler(ProblemError)
    async def problem(request: Request, exc: ProblemError) -> JSONResponse:
        return exc.response()

    # -- pages ---------------------------------------------------------------------------

    def page(
        names: list[str],
        single: str | None,
        reuse: str | None,
        feedback: FormFeedback | None = None,
    ) -> HTMLResponse:
        panels = []
        existing = manager.get(reuse) if reuse and _RUN_ID.fullmatch(reuse) else None
        for name in names:
            if existing is not None and existing.scenario.name == name:
                run = existing
                shown = _panel_html(run, feedback)
            else:
                run = manager.create(name)
                shown = _panel_html(run, None)
            panels.append(Panel(scenarios[name], run, shown))
        html = templates.get_template("page.html").render(
            title="genui demo" if single is None else f"genui demo: {single}",
            scenarios=list(scenarios.values()),
            panels=panels,
            single=single,
            footer_regenerate=not image_actions,
        )
        return HTMLResponse(html, headers={"Cache-Control": "no-store"})

    @app.get("/", response_class=HTMLResponse)
    async def index(run: str | None = None) -> HTMLResponse:
        """Every scenario, each in its own panel (a fresh run each; ``?run=`` reuses one)."""
        return page(list(scenarios), None, run)

    @app.get("/scenarios/{name}", response_class=HTMLResponse)
    async def scenario_page(name: str, run: str | None = None) -> HTMLResponse:
        """One scenario alone."""
        if name not in scenarios:
            raise ProblemError(404, "not_found", "no such scenario")
        return page([name], name, run)

    # -- actions -------------------------------------------------------------------------

    def action_page(request: Request, surface: str, feedback: FormFeedback | None) -> Response:
        """The scenario page of run ``surface`` again, its refused form with inline errors."""
        run = manager.get(surface)
        if run is None:
            raise ProblemError(404, "not_found", "no such run (runs are kept for a while)")
        return page([run.scenario.name], run.scenario.name, run.id, feedback)

    def back(request: Request, event: ActionEvent[Any, Any]) -> str:
        """After a booking without JavaScript: the scenario page showing the same run."""
        run = manager.get(event.source.surface)
        return f"/scenarios/{run.scenario.name}?run={run.id}" if run is not None else "/"

    def applied(surface: str) -> None:
        """A reply changed run ``surface``'s stream: wake its SSE subscribers."""
        run = manager.get(surface)
        if run is not None:
            run.notify()

    mount_actions(
        app,
        ActionEndpoint(
            manager.gate,
            back=back,
            page=action_page,
            on_applied=applied,
            max_body_bytes=min(settings.max_body_bytes, MAX_BODY_BYTES),
        ),
    )

    # -- the API a backend would copy ----------------------------------------------------

    @app.post("/validate")
    async def validate(request: Request) -> JSONResponse:
        """Validate a spec strictly: structure, components, props and URLs."""
        body = await read_body(request, settings.max_body_bytes)

        def check() -> None:
            validator.render(parse_spec(body, limits=validator.limits))

        try:
            await run_in_threadpool(check)
        except GenerativeUIError as error:
            return _error_response(error)
        return JSONResponse({"valid": True})

    @app.post("/render")
    async def render(request: Request) -> Response:
        """Render a spec to an HTML fragment; unsafe URLs are dropped (count in a header)."""
        body = await read_body(request, settings.max_body_bytes)
        try:
            result = await run_in_threadpool(api_renderer.render_with_report, body)
        except GenerativeUIError as error:
            return _error_response(error)
        return HTMLResponse(
            str(result.html),
            headers={"X-Genui-Sanitized": str(len(result.report)), "Cache-Control": "no-store"},
        )

    async def sse(request: Request, run_id: str, channel: str) -> Response:
        run = manager.get(run_id) if _RUN_ID.fullmatch(run_id) else None
        if run is None or channel not in run.channels:
            raise ProblemError(404, "not_found", "no such stream (runs are kept for a while)")
        try:
            manager.start(run)
        except TooBusyError as exc:
            raise ProblemError(503, "busy", str(exc)) from None
        last_event_id = request.headers.get("last-event-id")
        run.resumed_from.append(parse_last_event_id(last_event_id))
        receive = request.receive
        disconnected: Callable[[], Awaitable[None]] = lambda: _wait_for_disconnect(receive)  # noqa: E731
        frames = manager.events(run, channel, last_event_id, disconnected)
        return StreamingResponse(
            frames,
            media_type="text/event-stream; charset=utf-8",
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )

    @app.get("/stream/{run_id}")
    async def stream(request: Request, run_id: str) -> Response:
        """SSE of the run's fragment updates (resumable with ``Last-Event-ID``)."""
        return await sse(request, run_id, "main")

    @app.get("/stream/{run_id}/{channel}")
    async def stream_channel(request: Request, run_id: str, channel: str) -> Response:
        """SSE of another channel of the run (``report`` for the hostile scenario)."""
        return await sse(request, run_id, channel)

    @app.get("/runs/{run_id}")
    async def run_state(run_id: str) -> JSONResponse:
        """The run's state: scenario, attempt, version, done, error."""
        run = manager.get(run_id) if _RUN_ID.fullmatch(run_id) else None
        if run is None:
            raise ProblemError(404, "not_found", "no such run")
        return JSONResponse(
            {
                "id": run.id,
                "scenario": run.scenario.name,
                "attempt": run.attempt,
                "version": run.main.version,
                "running": run.running,
                "done": run.done,
                "error": run.error,
                "stream": f"/stream/{run.id}",
            },
            headers={"Cache-Control": "no-store"},
        )

    @app.post("/regenerate")
    async def regenerate(request: Request) -> Response:
        """Play an image run again (next attempt); 303 back to a page showing it.

        The target of the Image component's Regenerate form, which posts the image
        node's ``genui_key`` (``image-<run id>``, see the image scenarios). Refuses
        cross-site posts (403), as every form endpoint of the demo does.
        """
        reason = playground.cross_site_reason(
            request.headers, request.url.scheme, request.headers.get("host")
        )
        if reason is not None:
            raise ProblemError(403, "cross_site", reason)
        body = await read_body(request, 4096)
        form = parse_qs(body.decode("utf-8", "replace"))
        key = form.get("genui_key", [""])[0]
        run_id = key.removeprefix("image-")
        run = manager.get(run_id) if key != run_id and _RUN_ID.fullmatch(run_id) else None
        if run is None:
            raise ProblemError(404, "not_found", "no such image run")
        if not run.scenario.regenerate:
            raise ProblemError(409, "not_regenerable", "this scenario cannot be regenerated")
        try:
            await manager.regenerate(run)
        except TooBusyError as exc:
            raise ProblemError(503, "busy", str(exc)) from None
        if form.get("back", [""])[0] == "index":
            target = f"/?run={run.id}#{run.scenario.name}"
        else:
            target = f"/scenarios/{run.scenario.name}?run={run.id}"
        return RedirectResponse(target, status_code=303)

    # -- the playground ------------------------------------------------------------------

    def playground_page(
        outcome: playground.Outcome,
        *,
        current: str | None = None,
        message: str | None = None,
        status: int = 200,
    ) -> HTMLResponse:
        example = playground.EXAMPLES.get(current) if current else None
        html = templates.get_template("playground.html").render(
            outcome=outcome,
            scenarios=list(scenarios.values()),
            examples=list(playground.EXAMPLES.values()),
            current=current,
            description=example.description if example else None,
            message=message,
            max_kib=playground.MAX_INPUT_BYTES // 1024,
        )
        return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})

    @app.get("/playground", response_class=HTMLResponse)
    async def playground_form(example: str = playground.DEFAULT_EXAMPLE) -> HTMLResponse:
        """The form, holding an example spec (``?example=`` picks one)."""
        found = playground.EXAMPLES.get(example)
        if found is None:
            raise ProblemError(404, "not_found", "no such example")
        return playground_page(playground.loaded(found.text), current=found.name)

    @app.post("/playground", response_class=HTMLResponse)
    async def playground_check(request: Request) -> HTMLResponse:
        """Check the form's spec: every problem, the report, the cleaned render and JSON."""
        empty = playground.Outcome("")
        reason = playground.cross_site_reason(
            request.headers, request.url.scheme, request.headers.get("host")
        )
        if reason is not None:
            return playground_page(empty, message=reason, status=403)
        limit = min(settings.max_body_bytes, playground.MAX_BODY_BYTES)
        try:
            body = await read_body(request, limit)
            data = playground.spec_field(request.headers.get("content-type"), body)
        except ProblemError as error:
            return playground_page(empty, message=error.message, status=error.status)
        except playground.FormError as error:
            return playground_page(empty, message=error.message, status=error.status)
        outcome = await run_in_threadpool(playground.check, data)
        return playground_page(outcome, status=outcome.status)

    # -- files ---------------------------------------------------------------------------

    @app.get("/images/{name}")
    async def image(name: str) -> Response:
        """A generated image (PNG bytes from the fake provider)."""
        found = manager.images.get(name) if _IMAGE_NAME.fullmatch(name) else None
        if found is None:
            raise ProblemError(404, "not_found", "no such image")
        data, media_type = found
        return Response(
            data, media_type=media_type, headers={"Cache-Control": "private, max-age=3600"}
        )

    @app.get("/static/{name}")
    async def static(name: str) -> Response:
        """genui.css and genui.js (from ``genui.static.STATIC_DIR``) and demo.css."""
        for directory in (DEMO_STATIC_DIR, STATIC_DIR):
            path = directory / name
            media_type = _STATIC_TYPES.get(path.suffix)
            if media_type and "/" not in name and not name.startswith(".") and path.is_file():
                return FileResponse(path, media_type=media_type)
        raise ProblemError(404, "not_found", "no such file")

    return app


def _configure_regenerate(renderer: Renderer, url: str) -> bool:
    """Give the Image component a Regenerate form posting to ``url``, if it supports one.

    Returns whether the renderer now renders that form (checked with a probe render);
    when it does not, the page shows its own Regenerate button under the panel.
    """
    try:
        from genui.components.image import ImageActions, configure_image_actions
    except ImportError:
        return False
    configure_image_actions(renderer, ImageActions(regenerate_url=url))
    probe = {"root": {"component": "Image", "props": {"image": "/probe.png"}}}
    try:
        html = str(renderer.render(probe))
    except GenerativeUIError:
        return False
    return f'action="{url}"' in html


def default_app() -> FastAPI:
    """The app as ``make demo`` runs it (``GENUI_DEMO_LIVE=1`` opts in to the live model)."""
    return create_app(live=os.environ.get("GENUI_DEMO_LIVE") == "1")
