"""FastAPI integration: 422 responses in genui's error shape for :data:`genui.SpecBody`.

Needs the ``server`` extra (FastAPI); ``import genui`` does not import this module.

    app = FastAPI()
    genui.fastapi.install(app)

    @app.post("/ui")
    def show(spec: genui.SpecBody) -> dict[str, int]:
        return {"roots": len(spec.roots)}

A body whose spec has problems then gets HTTP 422 with
``{"detail": [{"path", "code", "message", "hint"}, ...]}``: every problem genui found,
``path`` a JSON Pointer into the *request body* (``/root/0/props/level`` when the spec
is the whole body, ``/spec/root/...`` when it is embedded under ``spec``). A body over
a :class:`~genui.Limits` gets the same 422 naming the limit (e.g. ``too_many_nodes``).
Other pydantic errors of the same request join the list in the same shape; requests
with no genui error keep FastAPI's usual response (or the handler installed before).
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from genui.body import ERROR_TYPE
from genui.errors import GenerativeUIError
from genui.pointer import format_pointer
from genui.spec import error_code

__all__ = ["error_details", "install", "validation_error_handler"]

_Handler = Callable[[Request, Exception], Response | Awaitable[Response]]
_FIELDS = ("path", "code", "message", "hint")


def error_details(errors: Sequence[Any]) -> list[dict[str, str]] | None:
    """The genui error list for the errors of a :class:`RequestValidationError`.

    ``None`` when none of them is a genui spec failure. Otherwise every error,
    each ``{"path", "code", "message", "hint"}``: a spec's errors with their paths
    prefixed by where the spec sits in the request body, other pydantic errors
    translated to the same shape (``path`` from their location, ``code`` mapped).
    """
    details: list[dict[str, str]] = []
    found = False
    for error in errors:
        if not isinstance(error, Mapping):
            return None
        loc = tuple(error.get("loc", ()))
        prefix = format_pointer(loc[1:] if loc[:1] == ("body",) else loc)
        spec_errors = _spec_errors(error)
        if spec_errors is None:
            details.append(
                {
                    "path": prefix,
                    "code": error_code(str(error.get("type", ""))),
                    "message": str(error.get("msg", "")),
                    "hint": "",
                }
            )
            continue
        found = True
        for detail in spec_errors:
            details.append({**detail, "path": prefix + detail["path"]})
    return details if found else None


def _spec_errors(error: Mapping[str, Any]) -> list[dict[str, str]] | None:
    """The genui errors one pydantic error carries (``None`` if it is not genui's)."""
    ctx = error.get("ctx")
    if not isinstance(ctx, Mapping):
        return None
    if error.get("type") == ERROR_TYPE:
        carried = ctx.get("errors")
        if not isinstance(carried, list):
            return None
        return [{field: str(item.get(field, "")) for field in _FIELDS} for item in carried]
    raised = ctx.get("error")  # a validator that raised a genui error (a ValueError)
    if error.get("type") == "value_error" and isinstance(raised, GenerativeUIError):
        return [detail.to_dict() for detail in raised.errors]
    return None


async def validation_error_handler(request: Request, exc: Exception) -> Response:
    """Exception handler for :class:`RequestValidationError`: genui's 422 shape.

    A request whose errors include a genui spec failure gets HTTP 422 with
    ``{"detail": error_details(...)}``; any other goes to FastAPI's default handler.
    """
    if not isinstance(exc, RequestValidationError):
        raise exc
    details = error_details(exc.errors())
    if details is None:
        return await request_validation_exception_handler(request, exc)
    return JSONResponse({"detail": details}, status_code=422)


def install(app: Starlette) -> None:
    """Add :func:`validation_error_handler` to ``app`` (a FastAPI application).

    A handler for :class:`RequestValidationError` the app already has (other than
    FastAPI's default) keeps handling the requests with no genui error.
    """
    previous: _Handler | None = app.exception_handlers.get(RequestValidationError)
    if previous is None or previous in (
        request_validation_exception_handler,
        validation_error_handler,
    ):
        app.add_exception_handler(RequestValidationError, validation_error_handler)
        return
    fallback = previous

    async def chained(request: Request, exc: Exception) -> Response:
        details = error_details(exc.errors()) if isinstance(exc, RequestValidationError) else None
        if details is not None:
            return JSONResponse({"detail": details}, status_code=422)
        response = fallback(request, exc)
        return await response if inspect.isawaitable(response) else response

    app.add_exception_handler(RequestValidationError, chained)
