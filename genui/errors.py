"""The error types genui raises.

Every error carries a JSON Pointer ``path`` into the input, a stable
machine-readable ``code`` and a human ``message``, so a backend can log it,
return it as HTTP 422, or hand it back to the agent to repair its own output.
All of them subclass :class:`GenerativeUIError`, itself a :class:`ValueError`:
no other exception type leaves a public genui function on bad input.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "MESSAGE_DETAILS",
    "ErrorDetail",
    "GenerativeUIActionError",
    "GenerativeUIError",
    "GenerativeUIPatchError",
    "GenerativeUIRenderError",
    "GenerativeUIValidationError",
]


@dataclass(frozen=True, slots=True)
class ErrorDetail:
    """One problem found in the input."""

    path: str
    """RFC 6901 JSON Pointer to the offending value (``""`` is the whole input)."""
    code: str
    """Stable machine-readable code, e.g. ``type_mismatch`` or ``too_deep``."""
    message: str
    """Human-readable explanation."""
    hint: str = ""
    """How to fix it, written for the agent that produced the input (may be empty)."""
    state_path: str | None = None
    """For a value bound from the spec's ``state``: the JSON Pointer of that state value
    (``path`` is then the binding's)."""

    def to_dict(self) -> dict[str, str]:
        """Return the detail as a plain JSON-ready dict (``state_path`` only when set)."""
        detail = {"path": self.path, "code": self.code, "message": self.message, "hint": self.hint}
        if self.state_path is not None:
            detail["state_path"] = self.state_path
        return detail

    def __str__(self) -> str:
        text = f"{self.path or '(document)'}: {self.message} [{self.code}]"
        return f"{text} (fix: {self.hint})" if self.hint else text


MESSAGE_DETAILS = 20
"""Most problems a :class:`GenerativeUIValidationError`'s message lists; ``errors`` has all.

A spec of 20,000 bad nodes has 20,000 errors: the message stays a few lines (a log line
or a traceback should not cost as much as the spec), the errors stay complete."""


class GenerativeUIError(ValueError):
    """Base class of every error genui raises on bad input."""

    def __init__(self, message: str, *, path: str = "", code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        """Human-readable explanation."""
        self.path = path
        """JSON Pointer of the offending value."""
        self.code = code
        """Stable machine-readable code."""

    @property
    def errors(self) -> tuple[ErrorDetail, ...]:
        """All problems this error stands for (one, unless a subclass collects more)."""
        return (ErrorDetail(self.path, self.code, self.message),)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready description, suitable for an HTTP 422 body."""
        return {
            "type": type(self).__name__,
            "message": self.message,
            "errors": [detail.to_dict() for detail in self.errors],
        }


class GenerativeUIValidationError(GenerativeUIError):
    """The input is not a valid spec (or its props are invalid for a component).

    ``errors`` lists every problem found, each with its own path and code.
    """

    def __init__(self, errors: Iterable[ErrorDetail], *, title: str = "invalid generative UI spec"):
        details = tuple(errors)
        if not details:
            details = (ErrorDetail("", "invalid", title),)
        self._details = details
        self.title = title
        """One-line summary shown above the details."""
        first = details[0]
        super().__init__(self._render(title, details), path=first.path, code=first.code)

    @property
    def errors(self) -> tuple[ErrorDetail, ...]:
        """Every problem found, in input order."""
        return self._details

    @staticmethod
    def _render(title: str, details: Sequence[ErrorDetail]) -> str:
        noun = "error" if len(details) == 1 else "errors"
        lines = [f"{title} ({len(details)} {noun}):"]
        lines.extend(f"  {detail}" for detail in details[:MESSAGE_DETAILS])
        if len(details) > MESSAGE_DETAILS:
            lines.append(f"  ... and {len(details) - MESSAGE_DETAILS} more (see .errors)")
        return "\n".join(lines)

    @classmethod
    def single(cls, path: str, code: str, message: str) -> GenerativeUIValidationError:
        """Build an error with exactly one detail."""
        return cls([ErrorDetail(path, code, message)])


class GenerativeUIRenderError(GenerativeUIValidationError):
    """A spec names a component the registry does not allow (and there is no fallback).

    ``component_name`` and ``path`` are those of the first such node; ``errors``
    lists every problem the spec has, as :class:`GenerativeUIValidationError` does.
    """

    def __init__(
        self,
        message: str,
        *,
        component_name: str | None = None,
        path: str = "",
        code: str = "unknown_component",
        details: Sequence[ErrorDetail] = (),
    ) -> None:
        super().__init__(details or (ErrorDetail(path, code, message),), title=message)
        self.message = message
        self.path = path
        """JSON Pointer of the first node whose component is unknown."""
        self.code = code
        self.component_name = component_name
        """The component name that failed to resolve (as given in the spec)."""


class GenerativeUIPatchError(GenerativeUIError):
    """A patch could not be applied; the document it targeted is unchanged."""

    def __init__(
        self,
        message: str,
        *,
        op_index: int | None = None,
        path: str = "",
        code: str = "patch_failed",
        details: Sequence[ErrorDetail] = (),
    ) -> None:
        super().__init__(message, path=path, code=code)
        self.op_index = op_index
        """Index of the failing operation in the patch, when there is one."""
        self._details = tuple(details)

    @property
    def errors(self) -> tuple[ErrorDetail, ...]:
        """The problems: the failing op's, or those of the spec the patch would make."""
        return self._details or super().errors


class GenerativeUIActionError(GenerativeUIError):
    """A submitted action was refused; ``code`` says why, ``status`` is the HTTP status.

    Codes: ``tampered`` (the envelope is not one genui signed, or was changed),
    ``expired``, ``replayed`` (used already), ``stale`` (the spec it came from was
    superseded), ``wrong_session``, ``unknown_action``, ``invalid_input`` (``errors``
    has one detail per field, its ``path`` a JSON Pointer into the submitted fields, e.g.
    ``/party_size``), ``cross_site`` and ``too_large``.
    """

    def __init__(
        self,
        message: str,
        *,
        code: str,
        status: int = 400,
        details: Sequence[ErrorDetail] = (),
        surface: str | None = None,
        node: str | None = None,
    ) -> None:
        super().__init__(message, code=code)
        self.status = status
        """The HTTP status to answer with."""
        self._details = tuple(details)
        self.surface = surface
        """The surface the envelope names, once its signature checked out (else ``None``)."""
        self.node = node
        """JSON Pointer of the node the envelope names (the form to show errors in)."""

    @property
    def errors(self) -> tuple[ErrorDetail, ...]:
        """One detail per problem (for ``invalid_input``: per field), or the error itself."""
        return self._details or super().errors

    def field_errors(self) -> dict[str, str]:
        """Field name → the first problem with it (what inline errors show)."""
        fields: dict[str, str] = {}
        for detail in self._details:
            name = detail.path.lstrip("/").split("/", 1)[0].replace("~1", "/").replace("~0", "~")
            fields.setdefault(name, detail.message)
        return fields
