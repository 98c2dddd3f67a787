"""Verify what a person submitted, and run the action the agent declared: the :class:`ActionGate`.

One call, :meth:`ActionGate.verify`, turns a submitted form into a typed
:class:`ActionEvent` or raises :class:`~genui.GenerativeUIActionError` with a stable
code. In order:

1. ``cross_site`` — the request comes from another site (``Sec-Fetch-Site`` / ``Origin``);
2. ``too_large`` — too many fields, or a field too long (refused before parsing);
3. ``tampered`` — the envelope is missing, malformed, signed with an unknown key, or any
   byte of it changed;
4. ``expired`` — past the envelope's expiry;
5. ``wrong_session`` — rendered for another session than the one submitting;
6. ``unknown_action`` — the action is no longer declared (the parameters it carries no
   longer fit its model count as ``stale``);
7. ``replayed`` — the envelope was used already (checked before staleness: a form sent
   again after its answer replaced the page is a replay, whatever the page shows now);
8. ``stale`` — the surface no longer shows that node as rendered (the agent replaced
   or changed it, or the surface is gone);
9. ``invalid_input`` — the fields fail the action's ``inputs`` model (undeclared fields
   included), one :class:`~genui.ErrorDetail` per field; the envelope stays usable so the
   person can correct and submit again.

The parameters are the agent's, read from the signed envelope: never from the form.
Only fields the ``inputs`` model declares are read from the browser.
"""

from __future__ import annotations

import inspect
import time
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Final, Protocol, runtime_checkable

from pydantic import BaseModel, ValidationError

from genui.actions import (
    Action,
    ActionEvent,
    ActionReply,
    Actions,
    ActionSource,
    _is_local_path,
)
from genui.envelope import ActionKeys, ActionSurface, Envelope, node_digest
from genui.errors import ErrorDetail, GenerativeUIActionError
from genui.nonces import MemoryNonceStore, NonceStore
from genui.origin import cross_site_reason
from genui.pointer import ARRAY_INDEX, escape_token, format_pointer, parse_pointer
from genui.spec import GenerativeUINode, GenerativeUISpec
from genui.writing import ENVELOPE_FIELD, FormFeedback

__all__ = [
    "MAX_FIELDS",
    "MAX_FIELD_LENGTH",
    "ActionEvent",
    "ActionGate",
    "ActionSource",
    "Surfaces",
    "node_at",
]

MAX_FIELDS: Final = 200
"""Most fields a submission may have (the envelope included)."""
MAX_FIELD_LENGTH: Final = 100_000
"""Longest value of one field, in characters."""


@runtime_checkable
class Surfaces(Protocol):
    """Where the gate looks up what a surface shows now (to refuse ``stale`` envelopes)."""

    def current(self, surface: str) -> GenerativeUISpec | None:
        """The clean spec the surface shows now, or ``None`` if there is no such surface."""
        ...


def node_at(spec: GenerativeUISpec, path: str) -> GenerativeUINode | None:
    """The component node at ``path`` (``/root``, ``/root/1/children/0``...) in ``spec``."""
    try:
        tokens = parse_pointer(path)
    except ValueError:
        return None
    if not tokens or tokens[0] != "root":
        return None
    current: Any = spec.root
    rest = tokens[1:]
    if isinstance(current, list):
        if not rest or not ARRAY_INDEX.fullmatch(rest[0]):
            return None
        index = int(rest[0])
        current = current[index] if index < len(current) else None
        rest = rest[1:]
    while rest:
        if not isinstance(current, GenerativeUINode) or len(rest) < 2 or rest[0] != "children":
            return None
        if not ARRAY_INDEX.fullmatch(rest[1]) or int(rest[1]) >= len(current.children):
            return None
        current = current.children[int(rest[1])]
        rest = rest[2:]
    return current if isinstance(current, GenerativeUINode) else None


FormData = Mapping[str, Any] | Iterable[tuple[str, Any]]
"""A submitted form: a mapping (values or lists of values), pairs, or a multi-dict."""


def _pairs(form: Any) -> list[tuple[str, str]]:
    """The form's ``(name, value)`` pairs, bounded; anything but text is ``too_large``/refused."""
    if hasattr(form, "multi_items"):
        items: Iterable[Any] = form.multi_items()
    elif isinstance(form, Mapping):
        items = (
            (name, item)
            for name, value in form.items()
            for item in (value if isinstance(value, list | tuple) else [value])
        )
    else:
        items = form if isinstance(form, Iterable) and not isinstance(form, str | bytes) else [form]
    pairs: list[tuple[str, str]] = []
    for pair in items:
        if len(pairs) >= MAX_FIELDS:
            raise GenerativeUIActionError(
                f"a submission has at most {MAX_FIELDS} fields", code="too_large", status=413
            )
        name, value = pair if isinstance(pair, tuple | list) and len(pair) == 2 else (None, None)
        if not isinstance(name, str) or not isinstance(value, str):
            raise GenerativeUIActionError(
                "only text fields are accepted", code="invalid_input", status=422
            )
        if len(value) > MAX_FIELD_LENGTH or len(name) > 256:
            raise GenerativeUIActionError(
                f"a field is longer than {MAX_FIELD_LENGTH} characters",
                code="too_large",
                status=413,
            )
        pairs.append((name, value))
    return pairs


def _is_many(annotation: Any) -> bool:
    """Whether a field takes several values (a list, tuple, set or frozenset of them)."""
    origin = typing.get_origin(annotation)
    if origin in (list, tuple, set, frozenset):
        return True
    if origin is not None:
        return any(_is_many(argument) for argument in typing.get_args(annotation))
    return False


_FIELD_MESSAGES: Final = {
    "missing": "Fill in this field.",
    "extra_forbidden": "This field is not part of the form.",
}


class ActionGate:
    """Signs the actions a page shows, and verifies and dispatches what comes back.

    * ``actions``: the allowlist (:class:`~genui.Actions`);
    * ``keys``: the signing keys (:class:`~genui.ActionKeys`, or the key strings);
    * ``surfaces``: what each surface shows now (:class:`Surfaces`), to refuse ``stale``;
    * ``endpoint``: where action forms post — a path on this site, from the app's
      configuration only (a spec can never choose where a form goes);
    * ``nonces``: the single-use store (default: an in-memory :class:`~genui.MemoryNonceStore`);
    * ``ttl``: seconds an envelope stays valid once rendered;
    * ``clock``: the time source.
    """

    def __init__(
        self,
        actions: Actions,
        keys: ActionKeys | Sequence[str | bytes] | str | bytes,
        *,
        surfaces: Surfaces,
        endpoint: str = "/genui/actions",
        nonces: NonceStore | None = None,
        ttl: int = 3_600,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not _is_local_path(endpoint):
            raise ValueError("endpoint must be a path on this site, like '/genui/actions'")
        if ttl <= 0:
            raise ValueError("ttl must be positive")
        self.actions = actions
        self.keys = keys if isinstance(keys, ActionKeys) else ActionKeys(keys)
        self.surfaces = surfaces
        self.endpoint = endpoint
        self.nonces: NonceStore = nonces if nonces is not None else MemoryNonceStore(clock=clock)
        self.ttl = ttl
        self.clock = clock

    def surface(self, id: str, *, version: int = 0, session: str | None = None) -> ActionSurface:
        """The signing context for rendering surface ``id`` (for ``render(..., surface=)``)."""
        return ActionSurface(self.keys, self.endpoint, id, version, session, self.ttl, self.clock)

    # -- verification ----------------------------------------------------------------------

    def verify(
        self,
        form: FormData,
        *,
        session: str | None = None,
        headers: Mapping[str, str] | None = None,
        origin: str | None = None,
    ) -> ActionEvent[Any, Any]:
        """Turn a submitted form into an :class:`ActionEvent`, or raise why not.

        ``session`` is the submitting session's id (required to match when the page
        was rendered for one). ``headers`` (the request's, lower-case names as
        Starlette gives them) and ``origin`` (``"https://example.com"``, this site)
        enable the cross-site check.
        """
        if headers is not None:
            scheme, _, host = (origin or "").partition("://")
            reason = cross_site_reason(headers, scheme or "http", host or None)
            if reason is not None:
                raise GenerativeUIActionError(reason, code="cross_site", status=403)
        pairs = _pairs(form)
        sealed = [value for name, value in pairs if name == ENVELOPE_FIELD]
        if len(sealed) != 1:
            raise GenerativeUIActionError(
                "the submission needs exactly one action envelope", code="tampered"
            )
        envelope = self.keys.read(sealed[0])
        action = self._check_envelope(envelope, session)
        nonces = self.nonces
        if nonces.used(envelope.nonce):
            raise GenerativeUIActionError(
                "this action was submitted already", code="replayed", status=409
            )
        params = self._current_params(action, envelope)
        try:
            inputs = self._inputs(action, [(n, v) for n, v in pairs if n != ENVELOPE_FIELD])
        except GenerativeUIActionError as error:
            error.surface, error.node = envelope.surface, envelope.path
            raise
        if not nonces.claim(envelope.nonce, envelope.expires):
            raise GenerativeUIActionError(
                "this action was submitted already", code="replayed", status=409
            )
        source = ActionSource(
            envelope.surface,
            envelope.version,
            envelope.path,
            envelope.key,
            envelope.session is not None,
        )
        return ActionEvent(action, params, inputs, source, envelope.nonce)

    def _check_envelope(self, envelope: Envelope, session: str | None) -> Action:
        """The declared action of an authentic envelope that is in date, for this session."""
        if self.clock() > envelope.expires:
            raise GenerativeUIActionError(
                "this form has expired; reload the page", code="expired", status=410
            )
        if envelope.session is not None:
            expected = (
                None
                if session is None
                else self.keys.tag("session", session, key_id=envelope.key_id)
            )
            if expected != envelope.session:
                raise GenerativeUIActionError(
                    "this form was shown to another session", code="wrong_session", status=403
                )
        action: Action | None = self.actions.get(envelope.action)
        if action is None:
            raise GenerativeUIActionError(
                f"the action {envelope.action!r} is not declared", code="unknown_action", status=404
            )
        return action

    def _current_params(self, action: Action, envelope: Envelope) -> Any:
        """The envelope's params, validated, if the surface still shows its node (else stale)."""
        try:
            params = action.params.model_validate(envelope.params)
        except ValidationError:
            raise self._stale("the action's parameters no longer fit it") from None
        spec = self.surfaces.current(envelope.surface)
        node = node_at(spec, envelope.path) if spec is not None else None
        if node is None or node_digest(node) != envelope.digest:
            raise self._stale("the page has changed since this form was shown; reload it")
        return params

    @staticmethod
    def _stale(message: str) -> GenerativeUIActionError:
        return GenerativeUIActionError(message, code="stale", status=409)

    @staticmethod
    def _inputs(action: Action, pairs: list[tuple[str, str]]) -> BaseModel | None:
        model = action.inputs
        if model is None:
            if pairs:
                extra = [
                    ErrorDetail(
                        f"/{escape_token(name)}",
                        "extra_forbidden",
                        _FIELD_MESSAGES["extra_forbidden"],
                    )
                    for name, _ in pairs
                ]
                raise GenerativeUIActionError(
                    "this action takes no input", code="invalid_input", status=422, details=extra
                )
            return None
        grouped: dict[str, list[str]] = {}
        for name, value in pairs:
            grouped.setdefault(name, []).append(value)
        many = {
            info.alias or name
            for name, info in model.model_fields.items()
            if _is_many(info.annotation)
        }
        data: dict[str, Any] = {}
        details: list[ErrorDetail] = []
        for name, values in grouped.items():
            if name in many:
                data[name] = [value for value in values if value != ""]
            elif len(values) > 1:
                details.append(
                    ErrorDetail(f"/{escape_token(name)}", "too_many_values", "Send one value.")
                )
            elif values[0] != "" or name not in action.input_names():  # empty: not filled in
                data[name] = values[0]
        try:
            inputs = model.model_validate(data)
        except ValidationError as exc:
            for error in exc.errors(include_url=False, include_input=False):
                details.append(
                    ErrorDetail(
                        format_pointer(error["loc"]),
                        error["type"],
                        _FIELD_MESSAGES.get(error["type"], error["msg"]),
                    )
                )
        if details:
            raise GenerativeUIActionError(
                "some fields need attention", code="invalid_input", status=422, details=details
            )
        return inputs

    # -- dispatch --------------------------------------------------------------------------

    async def dispatch(self, event: ActionEvent[Any, Any]) -> ActionReply:
        """Call the action's handler (sync handlers run as they are) and return its reply."""
        outcome = event.action.handler(event)
        if inspect.isawaitable(outcome):
            outcome = await outcome
        if outcome is None:
            return ActionReply()
        if not isinstance(outcome, ActionReply):
            raise TypeError(f"the handler of {event.name!r} must return an ActionReply or None")
        return outcome

    @staticmethod
    def feedback(error: GenerativeUIActionError, form: FormData) -> FormFeedback:
        """What to render a refused form with (``invalid_input``): values sent, errors."""
        values: dict[str, tuple[str, ...]] = {}
        for name, value in _pairs(form):
            if name != ENVELOPE_FIELD:
                values[name] = (*values.get(name, ()), value)
        count = len(error.field_errors())
        summary = (
            f"{count} field{'s' if count != 1 else ''} need{'s' if count == 1 else ''} attention."
        )
        return FormFeedback(error.node or "", values, error.field_errors(), summary)
