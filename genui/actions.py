"""The action allowlist: what a click or a form submission may do, declared by the app.

An agent can bind a control to an action only by naming one the application declared
in its :class:`Actions`, with parameters that the action's model accepts. The spec
carries that binding as the ``action`` prop of an actionable component (``Button``,
``Form``, or an app component with an ``action: ActionRef | None`` prop) —
``{"name": "book_table", "params": {...}}`` — or, in assistant-ui's flat node shape,
as ``"$action": {"type": "book_table", ...params}``.

>>> from pydantic import BaseModel
>>> class Params(BaseModel):
...     restaurant: str
>>> actions = Actions()
>>> @actions.action(params=Params, description="Book a table")
... def book_table(event):
...     return None
>>> [problem.code for problem in actions.check(ActionRef(name="book_tabel"))]
['unknown_action']
>>> actions.check(ActionRef(name="book_table", params={"restaurant": "Chez Lou"}))
[]

What the user typed is validated on submit with the action's ``inputs`` model
(``extra="forbid"``: undeclared browser fields are refused); the parameters are never
read from the browser (see :class:`genui.ActionGate`).
"""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, Final, Generic, NamedTuple, TypeAlias, TypeVar

from pydantic import BaseModel, ConfigDict, Field, JsonValue, ValidationError, field_validator

__all__ = [
    "ACTION_NAME_PATTERN",
    "MAX_PARAMS_BYTES",
    "Action",
    "ActionEvent",
    "ActionHandler",
    "ActionProblem",
    "ActionRef",
    "ActionReply",
    "ActionSource",
    "Actions",
]

ACTION_NAME_PATTERN: Final = r"^[A-Za-z][A-Za-z0-9_.-]{0,63}$"
"""An action name: an ASCII identifier of up to 64 characters (dots and dashes allowed)."""
MAX_PARAMS_BYTES: Final = 4_096
"""Largest agent parameters, as compact JSON: they travel signed inside the page."""


class ActionRef(BaseModel):
    """An action binding in a spec: ``{"name": "book_table", "params": {...}}``."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)

    name: Annotated[str, Field(pattern=ACTION_NAME_PATTERN)]
    """The name of an action the application declared."""
    params: dict[str, JsonValue] = Field(default_factory=dict)
    """The agent's parameters for it, checked against the action's ``params`` model.

    A ``null`` parameter means "not given", as a ``null`` prop does: the model's default
    applies (a strict-mode catalog makes every optional parameter nullable); so does a
    ``null`` ``params``: none."""

    @field_validator("params", mode="before")
    @classmethod
    def _null_params_are_none(cls, params: Any) -> Any:
        return {} if params is None else params  # "params": null (a strict catalog's)

    @field_validator("params")
    @classmethod
    def _nulls_are_not_given(cls, params: dict[str, JsonValue]) -> dict[str, JsonValue]:
        if None not in params.values():
            return params
        return {name: value for name, value in params.items() if value is not None}


ParamsT = TypeVar("ParamsT", bound=BaseModel)
InputsT = TypeVar("InputsT", bound=BaseModel | None)


@dataclass(frozen=True)
class ActionSource:
    """Where an event came from: the node as it was rendered, on which surface."""

    surface: str
    """The surface (stream) id."""
    version: int
    """The surface's version when the node was rendered."""
    path: str
    """JSON Pointer of the node in the surface's spec."""
    key: str | None
    """The node's key, if it had one."""
    session_bound: bool
    """Whether the envelope was bound to a session (and the submitting one matched)."""


@dataclass(frozen=True)
class ActionEvent(Generic[ParamsT, InputsT]):
    """A verified submission: which action, the agent's parameters, what the person typed."""

    action: Action
    """The declared action (its handler, models, description)."""
    params: ParamsT
    """The agent's parameters, validated with the action's ``params`` model."""
    inputs: InputsT
    """The person's input, validated with the action's ``inputs`` model (``None`` without)."""
    source: ActionSource
    """Where it came from."""
    nonce: str = field(repr=False)
    """The envelope's single-use token (claimed by now)."""

    @property
    def name(self) -> str:
        """The action's name."""
        return self.action.name

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``{"type": "action", "action", "params", "inputs", "source"}``."""
        inputs = self.inputs
        return {
            "type": "action",
            "action": self.action.name,
            "params": self.params.model_dump(mode="json"),
            "inputs": None if inputs is None else inputs.model_dump(mode="json"),
            "source": {
                "surface": self.source.surface,
                "version": self.source.version,
                "path": self.source.path,
                "key": self.source.key,
            },
        }

    def to_agent_message(self) -> str:
        """What the person did, in the model's terms, for the agent's next turn.

        >>> # e.g. 'The user ran the action "book_table" (Book a table) with parameters
        >>> # {"restaurant": "Chez Lou"} and entered {"party_size": 4}.'
        """
        data = self.to_dict()
        parts = [f"The user ran the action {self.action.name!r}"]
        if self.action.description:
            parts.append(f" ({self.action.description.rstrip('.')})")
        parts.append(" from the UI")
        if data["params"]:
            parts.append(f" with parameters {json.dumps(data['params'], ensure_ascii=False)}")
        if data["inputs"] is not None:
            parts.append(f" and entered {json.dumps(data['inputs'], ensure_ascii=False)}")
        return "".join(parts) + "."


ActionHandler: TypeAlias = Callable[
    [ActionEvent[Any, Any]], "Awaitable[ActionReply | None] | ActionReply | None"
]
"""``handler(event)`` → an :class:`ActionReply` (or ``None``), sync or async."""


class _NoParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass(frozen=True)
class Action:
    """One declared action. Build them with :meth:`Actions.action` or :meth:`Actions.add`."""

    name: str
    """What specs call it."""
    handler: ActionHandler
    """Called with the verified :class:`~genui.ActionEvent`."""
    params: type[BaseModel] = _NoParams
    """The parameters the agent may bind, validated when the spec is validated."""
    inputs: type[BaseModel] | None = None
    """What the user may type (a form's fields), validated on submit; ``None``: no fields."""
    description: str = ""
    """What the action does, for the catalog the model reads."""
    label: str = "Submit"
    """The default submit text of a ``Form`` bound to this action."""

    def __post_init__(self) -> None:
        if not re.fullmatch(ACTION_NAME_PATTERN, self.name):
            raise ValueError(f"action name {self.name!r} must match {ACTION_NAME_PATTERN}")
        if not callable(self.handler):
            raise TypeError(f"action {self.name!r}: the handler must be callable")
        for model in (self.params, self.inputs):
            if model is not None and not (isinstance(model, type) and issubclass(model, BaseModel)):
                raise TypeError(f"action {self.name!r}: params and inputs must be pydantic models")
        if self.inputs is not None:
            if self.inputs.model_config.get("extra") != "forbid":
                raise ValueError(
                    f"action {self.name!r}: the inputs model must set extra='forbid' "
                    "(undeclared browser fields are refused)"
                )
            shared = set(self.params.model_fields) & set(self.inputs.model_fields)
            if shared:
                raise ValueError(
                    f"action {self.name!r}: {sorted(shared)} cannot be both a parameter and an"
                    " input: parameters come from the agent, inputs from the browser"
                )

    @property
    def is_async(self) -> bool:
        """Whether the handler is a coroutine function."""
        return inspect.iscoroutinefunction(self.handler)

    def input_names(self) -> frozenset[str]:
        """The form field names the inputs model declares (by alias when it has one)."""
        if self.inputs is None:
            return frozenset()
        return frozenset(info.alias or name for name, info in self.inputs.model_fields.items())


class ActionProblem(NamedTuple):
    """One problem with an action binding: where (relative to the binding), code, message."""

    loc: tuple[str | int, ...]
    """Path inside ``{"name", "params"}``, e.g. ``("params", "party_size")``."""
    code: str
    """``unknown_action``, ``invalid_action_params`` or ``action_params_too_large``."""
    message: str
    """What is wrong."""


class Actions(Mapping[str, Action]):
    """The application's allowlist of actions: exact-name lookup, like the component registry.

    Pass it to :class:`~genui.Renderer` (``actions=``) or :func:`~genui.validate`, and to
    :class:`~genui.ActionGate` to verify and dispatch what users submit.
    """

    def __init__(self, actions: Mapping[str, Action] | None = None) -> None:
        self._actions: dict[str, Action] = dict(actions or {})

    def add(self, action: Action) -> Action:
        """Declare ``action``; a second action of the same name is an error."""
        if action.name in self._actions:
            raise ValueError(f"action {action.name!r} is declared already")
        self._actions[action.name] = action
        return action

    def action(
        self,
        name: str | None = None,
        *,
        params: type[BaseModel] | None = None,
        inputs: type[BaseModel] | None = None,
        description: str = "",
        label: str = "Submit",
    ) -> Callable[[ActionHandler], ActionHandler]:
        """Decorator declaring the decorated function as the handler of an action.

        ``name`` defaults to the function's name.
        """

        def declare(handler: ActionHandler) -> ActionHandler:
            self.add(
                Action(
                    name or str(getattr(handler, "__name__", "")),
                    handler,
                    params if params is not None else _NoParams,
                    inputs,
                    description or (inspect.getdoc(handler) or "").strip(),
                    label,
                )
            )
            return handler

        return declare

    def __getitem__(self, name: str) -> Action:
        return self._actions[name]

    def get(self, name: object, default: Any = None) -> Any:
        """The action of exactly this name (``dict`` lookup: no prototype-like names)."""
        if type(name) is not str:
            return default
        return self._actions.get(name, default)

    def __iter__(self) -> Iterator[str]:
        return iter(self._actions)

    def __len__(self) -> int:
        return len(self._actions)

    def __contains__(self, name: object) -> bool:
        return type(name) is str and name in self._actions

    def __repr__(self) -> str:
        return f"Actions({sorted(self._actions)!r})"

    def __eq__(self, other: object) -> bool:
        return self is other  # an allowlist is itself, not its contents (it may grow)

    __hash__ = object.__hash__

    def check(self, ref: ActionRef) -> list[ActionProblem]:
        """Every problem with binding ``ref``: unknown name, parameters the model refuses.

        The one rule for action bindings: :func:`genui.validate` reports these with the
        binding's path in front.
        """
        action = self.get(ref.name)
        if action is None:
            known = ", ".join(sorted(self._actions)) or "none"
            return [
                ActionProblem(
                    ("name",), "unknown_action", f"no action {ref.name!r} (declared: {known})"
                )
            ]
        size = len(json.dumps(ref.params, separators=(",", ":"), ensure_ascii=False))
        if size > MAX_PARAMS_BYTES:
            return [
                ActionProblem(
                    ("params",),
                    "action_params_too_large",
                    f"the parameters are {size} bytes of JSON; at most {MAX_PARAMS_BYTES}",
                )
            ]
        try:
            action.params.model_validate(ref.params)
        except ValidationError as exc:
            return [
                ActionProblem(
                    ("params", *error["loc"]),
                    "invalid_action_params",
                    error["msg"],
                )
                for error in exc.errors(include_url=False, include_input=False)
            ]
        return []

    def describe(self) -> list[dict[str, Any]]:
        """The actions for a catalog: name, description, the params JSON Schema, input fields."""
        described: list[dict[str, Any]] = []
        for name in sorted(self._actions):
            action = self._actions[name]
            entry: dict[str, Any] = {
                "name": name,
                "description": action.description,
                "params": action.params.model_json_schema(),
            }
            if action.inputs is not None:
                entry["inputs"] = action.inputs.model_json_schema()
            described.append(entry)
        return described


@dataclass(frozen=True)
class ActionReply:
    """What a handler answers with; every part is optional.

    * ``spec``: a new spec for the surface the action came from (replaces it);
    * ``patches``: an RFC 6902 patch (list of ops) or RFC 7396 merge patch (dict) for it;
    * ``message``: text for the agent's next turn, or to show the person;
    * ``redirect``: where a browser without JavaScript goes next (a path on this site).
    """

    spec: Any = None
    patches: Any = None
    message: str | None = None
    redirect: str | None = None
    data: Mapping[str, JsonValue] = field(default_factory=dict)
    """Anything JSON the app wants in the JSON answer (scripts get it, browsers ignore it)."""

    def __post_init__(self) -> None:
        if self.spec is not None and self.patches is not None:
            raise ValueError("an ActionReply has a new spec or patches, not both")
        if self.redirect is not None and not _is_local_path(self.redirect):
            raise ValueError("redirect must be a path on this site, like '/orders/42'")


def _is_local_path(target: str) -> bool:
    """A same-origin path: starts with one ``/``, no backslash, no control characters."""
    return (
        target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and all(ord(ch) > 0x20 and ord(ch) != 0x7F for ch in target)
    )
