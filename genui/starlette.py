"""Starlette / FastAPI adapter: the endpoint every action form posts to.

Needs the ``server`` extra (Starlette; FastAPI brings it); ``import genui`` does not import
this module.

    gate = genui.ActionGate(actions, keys, surfaces=surfaces, endpoint="/actions")
    endpoint = ActionEndpoint(gate, page=show_page, back=lambda request, event: "/")
    mount_actions(app, endpoint)  # POST /actions

One POST, two kinds of answer:

* ``genui.js`` asks with ``Accept: application/json`` and ``GenUI-Version: <the version
  its container shows>``, and gets ``{"ok": true, "message", "redirect", "version",
  "updates", "data"}`` — ``updates`` bring that container to the surface's current
  version exactly once — or ``{"ok": false, "code", "message", "errors": [{"field",
  "message"}]}`` with the refusal's HTTP status;
* a browser without JavaScript gets ``303 See Other`` after a success (to the reply's
  ``redirect``, else ``back(request, event)``), the page again with the refused form's
  values and inline errors (``invalid_input``, status 422, from ``page``), or a small
  HTML page saying why for any other refusal.

The body is capped (413), only ``application/x-www-form-urlencoded`` and
``multipart/form-data`` without files are read (else 415), and everything else is
:meth:`genui.ActionGate.verify`'s: cross-site posts (403), tampered, expired, stale and
replayed envelopes. A handler that fails is logged and answered with a generic 500: no
traceback reaches the browser.
"""

from __future__ import annotations

import email.policy
import inspect
import logging
from collections.abc import Awaitable, Callable
from email.parser import BytesParser
from typing import Any, Final, Protocol, runtime_checkable
from urllib.parse import parse_qsl, urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.types import Receive, Scope, Send

from genui.actions import ActionEvent, ActionReply, _is_local_path
from genui.errors import GenerativeUIActionError
from genui.gate import MAX_FIELDS, ActionGate
from genui.htmltext import escape_html
from genui.sse import parse_version
from genui.stream import SpecStream, Update
from genui.writing import FormFeedback

__all__ = [
    "MAX_BODY_BYTES",
    "VERSION_HEADER",
    "ActionEndpoint",
    "BackTarget",
    "PageRenderer",
    "ReplySurfaces",
    "SessionOf",
    "mount_actions",
]

MAX_BODY_BYTES: Final = 64 * 1024
"""Largest request body the endpoint reads by default; longer ones are refused (413)."""
VERSION_HEADER: Final = "GenUI-Version"
"""The request header in which genui.js says which version of the surface it shows."""

_FORM_TYPES: Final = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
_NO_STORE: Final = {"Cache-Control": "no-store"}
_FAILED: Final = "The action could not be completed. Please try again later."

logger = logging.getLogger(__name__)


@runtime_checkable
class ReplySurfaces(Protocol):
    """Where replies are applied: :class:`genui.StreamSurfaces` or anything shaped like it."""

    def apply(
        self, surface: str, reply: ActionReply, event: ActionEvent[Any, Any] | None = None
    ) -> list[Update]:
        """Apply ``reply``'s spec or patches to ``surface``; the updates for the page.

        ``event`` is the submission the reply answers (its inputs bound to state are
        written back: see :func:`genui.apply_reply`).
        """
        ...

    def get(self, surface: str) -> SpecStream | None:
        """The stream of ``surface`` (for its version and the updates a client missed)."""
        ...


PageRenderer = Callable[[Request, str, FormFeedback | None], Response | Awaitable[Response]]
"""``page(request, surface, feedback)``: the app's page showing ``surface`` (no JavaScript).

Called with the refused form's :class:`~genui.writing.FormFeedback` after ``invalid_input``
(render the surface's spec with ``feedback=``); the endpoint sets the status to 422.
"""
BackTarget = Callable[[Request, ActionEvent[Any, Any]], str]
"""``back(request, event)``: the path on this site a browser without JavaScript goes to."""
SessionOf = Callable[[Request], str | None]
"""``session(request)``: the submitting session's id (``None``: no session)."""


class ActionEndpoint:
    """The ASGI endpoint of an :class:`~genui.ActionGate`: verify, dispatch, apply, answer.

    * ``gate``: verifies and dispatches (its ``endpoint`` is where forms post);
    * ``back``: where a browser without JavaScript goes after a success, unless the
      reply has a ``redirect`` (a path on this site);
    * ``page``: renders the app's page for a surface with a refused form's feedback
      (``invalid_input`` without JavaScript); without it those get the refusal page;
    * ``surfaces``: where replies are applied (default: the gate's surfaces, which must
      then be :class:`ReplySurfaces`);
    * ``session``: the submitting session's id, for envelopes rendered for a session;
    * ``on_applied``: called with the surface id once a reply changed it (wake the
      surface's subscribers);
    * ``max_body_bytes``: the body cap.

    Use it as a Starlette endpoint (``app.add_route(path, endpoint, methods=["POST"])``)
    or with :func:`mount_actions`.
    """

    def __init__(
        self,
        gate: ActionGate,
        *,
        back: BackTarget,
        page: PageRenderer | None = None,
        surfaces: ReplySurfaces | None = None,
        session: SessionOf | None = None,
        on_applied: Callable[[str], None] | None = None,
        max_body_bytes: int = MAX_BODY_BYTES,
    ) -> None:
        if surfaces is None:
            if not isinstance(gate.surfaces, ReplySurfaces):
                raise TypeError(
                    "the gate's surfaces cannot apply replies (no apply/get): pass surfaces="
                )
            surfaces = gate.surfaces
        if max_body_bytes <= 0:
            raise ValueError("max_body_bytes must be positive")
        self.gate = gate
        self.back = back
        self.page = page
        self.surfaces = surfaces
        self.session = session
        self.on_applied = on_applied
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """ASGI: answer one request."""
        request = Request(scope, receive)
        response = await self.handle(request)
        await response(scope, receive, send)

    async def handle(self, request: Request) -> Response:
        """The response to one submission (see the module docstring)."""
        wants_json = _accepts_json(request.headers.get("accept", ""))
        form: list[tuple[str, str]] = []
        try:
            form = _parse_form(request.headers.get("content-type", ""), await self._body(request))
            event = self.gate.verify(
                form,
                session=self.session(request) if self.session is not None else None,
                headers=request.headers,
                origin=f"{request.url.scheme}://{request.url.netloc}",
            )
        except GenerativeUIActionError as error:
            return await self._refused(request, error, form, wants_json)
        try:
            reply = await self.gate.dispatch(event)
        except GenerativeUIActionError as error:  # the handler refuses, e.g. a sold-out slot
            if error.surface is None:
                error.surface, error.node = event.source.surface, event.source.path
            return await self._refused(request, error, form, wants_json)
        except Exception:
            logger.exception("the handler of action %r failed", event.name)
            return _failed(wants_json)
        try:
            return self._succeeded(request, event, reply, wants_json)
        except Exception:
            logger.exception("the reply of action %r could not be applied", event.name)
            return _failed(wants_json)

    # -- reading ---------------------------------------------------------------------------

    async def _body(self, request: Request) -> bytes:
        limit = self.max_body_bytes
        declared = request.headers.get("content-length")
        if declared is not None and not (
            declared.isascii() and declared.isdigit() and int(declared) <= limit
        ):
            raise _too_large(limit)
        chunks: list[bytes] = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise _too_large(limit)
            chunks.append(chunk)
        return b"".join(chunks)

    # -- answering -------------------------------------------------------------------------

    def _succeeded(
        self, request: Request, event: ActionEvent[Any, Any], reply: ActionReply, wants_json: bool
    ) -> Response:
        surface = event.source.surface
        applied = self.surfaces.apply(surface, reply, event)
        if (reply.spec is not None or reply.patches is not None) and self.on_applied is not None:
            self.on_applied(surface)
        if not wants_json:
            target = reply.redirect if reply.redirect is not None else self.back(request, event)
            if not _is_local_path(target):
                raise ValueError(f"back() must give a path on this site, not {target!r}")
            return RedirectResponse(target, status_code=303, headers=_NO_STORE)
        stream = self.surfaces.get(surface)
        updates = applied
        version = None
        if stream is not None:
            version = stream.version
            since = parse_version(request.headers.get(VERSION_HEADER))
            if since is not None:
                missed = stream.updates_since(since)
                updates = missed if missed is not None else [stream.reset_update()]
        body = {
            "ok": True,
            "message": reply.message,
            "redirect": reply.redirect,
            "version": version,
            "updates": [update.to_dict() for update in updates],
            "data": dict(reply.data),
        }
        return JSONResponse(body, headers=_NO_STORE)

    async def _refused(
        self,
        request: Request,
        error: GenerativeUIActionError,
        form: list[tuple[str, str]],
        wants_json: bool,
    ) -> Response:
        if wants_json:
            body = {
                "ok": False,
                "code": error.code,
                "message": error.message,
                "errors": [
                    {"field": name, "message": message}
                    for name, message in error.field_errors().items()
                ],
            }
            return JSONResponse(body, status_code=error.status, headers=_NO_STORE)
        if error.code == "invalid_input" and error.surface is not None and self.page is not None:
            feedback = self.gate.feedback(error, form)
            response = self.page(request, error.surface, feedback)
            if inspect.isawaitable(response):
                response = await response
            response.status_code = error.status
            return response
        return _refusal_page(error.status, error.message, _referer_path(request), _NO_STORE)


def mount_actions(app: Any, endpoint: ActionEndpoint, path: str | None = None) -> None:
    """Route ``POST path`` (default: the gate's ``endpoint``) of a Starlette/FastAPI app."""
    app.add_route(path or endpoint.gate.endpoint, endpoint, methods=["POST"])


# -- helpers -------------------------------------------------------------------------------


def _accepts_json(accept: str) -> bool:
    """Whether ``Accept`` names ``application/json`` (what genui.js sends)."""
    return any(
        item.split(";", 1)[0].strip().lower() == "application/json" for item in accept.split(",")
    )


def _too_large(limit: int) -> GenerativeUIActionError:
    return GenerativeUIActionError(
        f"the submission is larger than {limit} bytes", code="too_large", status=413
    )


def _bad_form(message: str) -> GenerativeUIActionError:
    return GenerativeUIActionError(message, code="bad_request", status=400)


def _parse_form(content_type: str, body: bytes) -> list[tuple[str, str]]:
    """The ``(name, value)`` pairs of a form body; 415 for anything but a form."""
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type not in _FORM_TYPES:
        raise GenerativeUIActionError(
            "submit the form as application/x-www-form-urlencoded",
            code="unsupported_media_type",
            status=415,
        )
    if media_type == "multipart/form-data":
        return _multipart(content_type, body)
    try:
        text = body.decode("utf-8")
        return parse_qsl(text, keep_blank_values=True, max_num_fields=MAX_FIELDS, errors="strict")
    except UnicodeDecodeError:
        raise _bad_form("the form is not UTF-8") from None
    except ValueError:  # more fields than MAX_FIELDS
        raise GenerativeUIActionError(
            f"a submission has at most {MAX_FIELDS} fields", code="too_large", status=413
        ) from None


def _multipart(content_type: str, body: bytes) -> list[tuple[str, str]]:
    """The text fields of a ``multipart/form-data`` body (already bounded); files are refused."""
    if "\r" in content_type or "\n" in content_type:
        raise _bad_form("the Content-Type header is malformed")
    head = f"Content-Type: {content_type}\r\n\r\n".encode("latin-1", "replace")
    message = BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    if not message.is_multipart():
        raise _bad_form("the multipart form is malformed")
    pairs: list[tuple[str, str]] = []
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if part.get_content_disposition() != "form-data" or not isinstance(name, str):
            raise _bad_form("a part of the multipart form has no field name")
        if part.get_filename() is not None:
            raise GenerativeUIActionError(
                "files are not accepted", code="unsupported_media_type", status=415
            )
        payload = part.get_payload(decode=True)
        try:
            value = payload.decode("utf-8") if isinstance(payload, bytes) else ""
        except UnicodeDecodeError:
            raise _bad_form("the form is not UTF-8") from None
        pairs.append((name, value))
        if len(pairs) > MAX_FIELDS:
            raise GenerativeUIActionError(
                f"a submission has at most {MAX_FIELDS} fields", code="too_large", status=413
            )
    return pairs


def _referer_path(request: Request) -> str:
    """The page the form was on, when the browser says and it is this site's; else ``/``."""
    referer = request.headers.get("referer")
    if referer is None:
        return "/"
    parts = urlsplit(referer)
    if parts.netloc != request.url.netloc or parts.scheme != request.url.scheme:
        return "/"
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    return target if _is_local_path(target) else "/"


def _refusal_page(status: int, message: str, back: str, headers: dict[str, str]) -> HTMLResponse:
    """A small page saying why a submission was refused, with a link back (all escaped)."""
    html = (
        '<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Not done ({status})</title></head>\n"
        f'<body><main class="genui-refused"><h1>Not done ({status})</h1>'
        f'<p role="alert">{escape_html(message)}</p>'
        f'<p><a href="{escape_html(back)}">Go back</a></p></main></body>\n</html>\n'
    )
    return HTMLResponse(html, status_code=status, headers=headers)


def _failed(wants_json: bool) -> Response:
    if wants_json:
        body = {"ok": False, "code": "internal_error", "message": _FAILED, "errors": []}
        return JSONResponse(body, status_code=500, headers=_NO_STORE)
    return _refusal_page(500, _FAILED, "/", _NO_STORE)
