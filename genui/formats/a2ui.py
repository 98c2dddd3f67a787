r"""A2UI v0.9 message streams in, genui specs out (and back).

A2UI sends a surface as messages: ``createSurface`` (a surface id and catalog),
``updateComponents`` (a *flat* list of components, each with an ``id``; the one whose id is
``root`` is the tree's root and the others are reached through ``child``/``children`` ids),
``updateDataModel`` (a value at a JSON Pointer of the surface's data model) and
``deleteSurface``. Values bind the data model with ``{"path": "/ptr"}`` (relative paths
inside a ``children`` template read the current item).

:class:`A2UIAdapter` takes the messages one by one and keeps, per surface, a genui spec:
the tree built from the adjacency list (cycles, dangling ids, duplicate ids in one message,
over-deep chains and too many nodes are errors; components no tree reaches are reported),
the basic catalog mapped onto genui's built-in components, the data model as the spec's
``state``, path bindings as ``{"$state": ...}``/``{"$item": ...}``, a template as a
``repeat``. Given ``streams=True`` it drives a :class:`genui.SpecStream` per surface: new
components replace the spec, a data-model update patches ``/state`` only, so genui
re-renders just the nodes that read what changed. :func:`from_a2ui` converts a whole
stream at once; :func:`to_a2ui` turns a genui spec into A2UI messages.

The adapter does not trust the source: every URL still goes through genui's sanitizer when
the spec is validated or rendered (an ``openUrl`` action becomes a ``Link``, an image's
``url`` a genui ``Image``), and problems are :class:`genui.ErrorDetail`\\ s whose ``path``
points into the message stream (``/2/updateComponents/components/5``: message 2, its
sixth component) and whose message names the component id. :func:`validation_failed`
puts one in the shape of A2UI's own client error ``VALIDATION_FAILED``, for an agent that
repairs from those. A2UI's JSON Schema is not bundled: pass :func:`schema_validator` built
from the schema files to check each message against them as well.

What has no genui counterpart (``Icon``, multiple-choice ``ChoicePicker``, ``obscured``
text fields, client-side ``checks``, formatting functions) is dropped or approximated,
and reported as a warning (code ``a2ui_unsupported``/``a2ui_approximated``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from pydantic import BaseModel, ConfigDict, create_model

from genui.actions import ACTION_NAME_PATTERN, Action, Actions
from genui.errors import ErrorDetail, GenerativeUIError
from genui.pointer import escape_token, parse_pointer
from genui.stream import SpecStream, Update

__all__ = [
    "A2UI_VERSION",
    "BASIC_CATALOG_ID",
    "A2UIAdapter",
    "A2UIIssue",
    "A2UIResult",
    "A2UISurface",
    "declare",
    "from_a2ui",
    "parse_jsonl",
    "schema_validator",
    "to_a2ui",
    "validation_failed",
]

A2UI_VERSION: Final = "v0.9"
BASIC_CATALOG_ID: Final = "https://a2ui.org/specification/v0_9/catalogs/basic/catalog.json"
MESSAGE_KINDS: Final = ("createSurface", "updateComponents", "updateDataModel", "deleteSurface")
CLIENT_KINDS: Final = frozenset({"action", "error"})
MAX_DEPTH: Final = 64
"""The deepest component chain converted (deeper is an error, not a crash)."""
MAX_NODES: Final = 10_000
"""The most genui nodes one surface converts to (a shared subtree counts each time)."""
MAX_MESSAGES: Final = 100_000

_COMMON: Final = frozenset({"id", "component", "accessibility", "weight"})
_CHECKABLE: Final = frozenset({"checks"})
# The basic catalog's components: their own properties, required ones and enums (facts
# from specification/v0_9/catalogs/basic/catalog.json).
_CATALOG: Final[dict[str, tuple[frozenset[str], tuple[str, ...], dict[str, tuple[str, ...]]]]] = {
    "Text": (
        frozenset({"text", "variant"}),
        ("text",),
        {"variant": ("h1", "h2", "h3", "h4", "h5", "caption", "body")},
    ),
    "Image": (
        frozenset({"url", "description", "fit", "variant"}),
        ("url",),
        {
            "fit": ("contain", "cover", "fill", "none", "scaleDown"),
            "variant": (
                "icon",
                "avatar",
                "smallFeature",
                "mediumFeature",
                "largeFeature",
                "header",
            ),
        },
    ),
    "Icon": (frozenset({"name"}), ("name",), {}),
    "Video": (frozenset({"url"}), ("url",), {}),
    "AudioPlayer": (frozenset({"url", "description"}), ("url",), {}),
    "Row": (
        frozenset({"children", "justify", "align"}),
        ("children",),
        {
            "justify": (
                "center",
                "end",
                "spaceAround",
                "spaceBetween",
                "spaceEvenly",
                "start",
                "stretch",
            ),
            "align": ("start", "center", "end", "stretch"),
        },
    ),
    "Column": (
        frozenset({"children", "justify", "align"}),
        ("children",),
        {
            "justify": (
                "start",
                "center",
                "end",
                "spaceBetween",
                "spaceAround",
                "spaceEvenly",
                "stretch",
            ),
            "align": ("center", "end", "start", "stretch"),
        },
    ),
    "List": (
        frozenset({"children", "direction", "align"}),
        ("children",),
        {"direction": ("vertical", "horizontal"), "align": ("start", "center", "end", "stretch")},
    ),
    "Card": (frozenset({"child"}), ("child",), {}),
    "Tabs": (frozenset({"tabs"}), ("tabs",), {}),
    "Modal": (frozenset({"trigger", "content"}), ("trigger", "content"), {}),
    "Divider": (frozenset({"axis"}), (), {"axis": ("horizontal", "vertical")}),
    "Button": (
        frozenset({"child", "variant", "action"}) | _CHECKABLE,
        ("child", "action"),
        {"variant": ("default", "primary", "borderless")},
    ),
    "TextField": (
        frozenset({"label", "value", "variant", "validationRegexp"}) | _CHECKABLE,
        ("label",),
        {"variant": ("longText", "number", "shortText", "obscured")},
    ),
    "CheckBox": (frozenset({"label", "value"}) | _CHECKABLE, ("label", "value"), {}),
    "ChoicePicker": (
        frozenset({"label", "variant", "options", "value", "displayStyle", "filterable"})
        | _CHECKABLE,
        ("options", "value"),
        {
            "variant": ("multipleSelection", "mutuallyExclusive"),
            "displayStyle": ("checkbox", "chips"),
        },
    ),
    "Slider": (frozenset({"label", "min", "max", "value"}) | _CHECKABLE, ("value", "max"), {}),
    "DateTimeInput": (
        frozenset({"value", "enableDate", "enableTime", "min", "max", "label"}) | _CHECKABLE,
        ("value",),
        {},
    ),
}
_INPUTS: Final = frozenset({"TextInput", "TextArea", "Checkbox", "Select", "RadioGroup"})
_IN_FORM: Final = _INPUTS | frozenset(
    {"Alert", "Badge", "Code", "Divider", "Grid", "Heading", "Link", "List", "Stack", "Text"}
)
DERIVED: Final = "a2ui:text"
"""The state member (and item-member prefix) holding the texts the adapter derives."""
Derived = tuple[str, tuple[dict[str, Any], ...], tuple[Any, ...]]
"""(name, the repeat bindings around, the literal strings and bindings of the text)."""
_NAME: Final = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
_PATH_EXPR: Final = re.compile(r"^/?[^\s(){}$,:']*$")


@dataclass(frozen=True)
class A2UIIssue:
    """A problem found in an A2UI stream: the detail, and which surface and component."""

    detail: ErrorDetail
    """``path`` points into the message stream (``/<message>/<kind>/...``)."""
    surface_id: str = ""
    """The surface the message is for (``""`` when it names none)."""
    component_id: str | None = None
    """The component's ``id``, for a problem of one component."""


def validation_failed(issue: A2UIIssue) -> dict[str, Any]:
    """``issue`` as A2UI's client error message ``VALIDATION_FAILED`` (``client_to_server``).

    >>> detail = ErrorDetail("/1/updateComponents/components/0/text", "type_mismatch", "bad")
    >>> validation_failed(A2UIIssue(detail, "main", "title"))["error"]["code"]
    'VALIDATION_FAILED'
    """
    message = issue.detail.message
    if issue.component_id is not None:
        message = f"component {issue.component_id!r}: {message}"
    if issue.detail.hint:
        message = f"{message} (fix: {issue.detail.hint})"
    return {
        "version": A2UI_VERSION,
        "error": {
            "code": "VALIDATION_FAILED",
            "surfaceId": issue.surface_id,
            "path": issue.detail.path,
            "message": message,
        },
    }


def parse_jsonl(text: str) -> tuple[list[Any], list[A2UIIssue]]:
    """The messages of an A2UI JSONL stream (one JSON message a line; blank lines skipped).

    A line that is not JSON is an issue at ``/<index>`` (its index among the messages).
    """
    messages: list[Any] = []
    issues: list[A2UIIssue] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            messages.append(json.loads(line))
        except (ValueError, RecursionError) as error:
            detail = ErrorDetail(
                f"/{len(messages)}",
                "invalid_json",
                f"not JSON: {error}",
                "send one JSON message a line",
            )
            issues.append(A2UIIssue(detail))
            messages.append(None)
    return messages, issues


SchemaCheck = Callable[[Any, str], list[ErrorDetail]]
"""``check(message, path)``: the problems of one message, their paths below ``path``."""


def schema_validator(
    server_to_client: Mapping[str, Any],
    common_types: Mapping[str, Any],
    catalog: Mapping[str, Any],
) -> SchemaCheck:
    """A check of each message against A2UI's own JSON Schema (draft 2020-12).

    Pass the parsed ``server_to_client.json``, ``common_types.json`` and the catalog
    (``catalogs/basic/catalog.json``); the catalog is also registered as ``catalog.json``,
    the name the message schema refers to. The result goes to
    :class:`A2UIAdapter`'s ``schema`` argument.
    """
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    base = str(server_to_client.get("$id", ""))
    catalog_alias = base.rsplit("/", 1)[0] + "/catalog.json"
    resources = [
        (str(common_types.get("$id", "common_types.json")), common_types),
        (str(catalog.get("$id", catalog_alias)), catalog),
        (catalog_alias, catalog),
        (base, server_to_client),
    ]
    registry: Registry[Any] = Registry().with_resources(
        (uri, Resource.from_contents(dict(schema), default_specification=DRAFT202012))
        for uri, schema in resources
    )
    validator = Draft202012Validator(dict(server_to_client), registry=registry)

    def check(message: Any, path: str) -> list[ErrorDetail]:
        found: list[ErrorDetail] = []
        try:
            errors = sorted(
                validator.iter_errors(message), key=lambda e: [str(p) for p in e.absolute_path]
            )
        except Exception as failure:  # a schema that cannot be resolved is the caller's bug
            return [ErrorDetail(path, "schema_error", f"the A2UI schema failed: {failure}")]
        for error in errors:
            leaf = _deepest(error)
            pointer = path + "".join(f"/{escape_token(str(part))}" for part in leaf.absolute_path)
            found.append(
                ErrorDetail(
                    pointer,
                    "a2ui_schema",
                    _short(leaf.message),
                    "make the message match A2UI v0.9's server_to_client schema",
                )
            )
        return found

    return check


def _deepest(error: Any) -> Any:
    """The most specific sub-error of a ``oneOf``/``anyOf`` failure (the longest path)."""
    best = error
    for sub in error.context or ():
        candidate = _deepest(sub)
        if len(candidate.absolute_path) > len(best.absolute_path):
            best = candidate
    return best


def _short(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class A2UISurface:
    """One surface: its components by id, its data model, and the genui spec they make."""

    surface_id: str
    catalog_id: str
    components: dict[str, tuple[Mapping[str, Any], str]] = field(default_factory=dict)
    """``id`` → (the component as sent, its JSON Pointer in the stream)."""
    data_model: Any = None
    spec: dict[str, Any] | None = None
    """The genui spec (``None`` until a ``root`` component has arrived)."""
    stream: SpecStream | None = None
    issues: list[A2UIIssue] = field(default_factory=list)
    """The problems of the last conversion of the components."""
    actions: dict[str, tuple[set[str], set[str]]] = field(default_factory=dict)
    """Action name → (param names, form input names) the spec uses."""
    bound: list[tuple[str, Any]] = field(default_factory=list)
    """The state pointers the spec reads, each with the value shown while it is absent."""
    derived: list[Derived] = field(default_factory=list)
    """The texts the adapter writes into the state it hands genui."""


@dataclass(frozen=True)
class A2UIResult:
    """What :func:`from_a2ui` made of a whole stream."""

    specs: dict[str, dict[str, Any]]
    """Surface id → genui spec, for every surface with a root."""
    issues: tuple[A2UIIssue, ...]
    """Everything reported, errors and warnings, in stream order."""
    actions_used: dict[str, tuple[frozenset[str], frozenset[str]]]
    """Action name → (param names, form input names), over all surfaces."""

    @property
    def errors(self) -> tuple[ErrorDetail, ...]:
        """The problems that make (part of) the source wrong."""
        return tuple(i.detail for i in self.issues if not _is_warning(i.detail.code))

    @property
    def warnings(self) -> tuple[ErrorDetail, ...]:
        """What was dropped or approximated, and components no tree reaches."""
        return tuple(i.detail for i in self.issues if _is_warning(i.detail.code))

    @property
    def ok(self) -> bool:
        """Whether there are no errors (warnings allowed)."""
        return not self.errors

    def error_messages(self) -> list[dict[str, Any]]:
        """Every error as an A2UI ``VALIDATION_FAILED`` client message, for the agent."""
        return [
            validation_failed(issue) for issue in self.issues if not _is_warning(issue.detail.code)
        ]

    def actions(self) -> Actions:
        """A genui :class:`~genui.Actions` declaring what the specs use (see :func:`declare`)."""
        return declare(self.actions_used)


_WARNINGS: Final = frozenset({"a2ui_unsupported", "a2ui_approximated", "a2ui_orphan"})


def _is_warning(code: str) -> bool:
    return code in _WARNINGS


def _ignore(event: Any) -> None:
    return None


def declare(
    used: Mapping[str, tuple[Iterable[str], Iterable[str]]],
    handler: Callable[[Any], Any] = _ignore,
) -> Actions:
    """Actions named as A2UI's events, accepting the params and form inputs they carry.

    A preview or test declaration: every param and input is optional and untyped (a real
    app declares its own actions with their models; A2UI's catalog does not type them).
    """
    actions = Actions()
    for name, (params, inputs) in sorted(used.items()):
        inputs = set(inputs)
        param_fields: dict[str, Any] = {p: (Any, None) for p in sorted(set(params) - inputs)}
        input_fields: dict[str, Any] = {p: (Any, None) for p in sorted(inputs)}
        params_model: type[BaseModel] = create_model(
            "Params", __config__=ConfigDict(extra="allow"), **param_fields
        )
        inputs_model: type[BaseModel] | None = None
        if input_fields:
            inputs_model = create_model(
                "Inputs", __config__=ConfigDict(extra="forbid"), **input_fields
            )
        actions.add(Action(name, handler, params_model, inputs_model))
    return actions


class A2UIAdapter:
    """Feeds A2UI messages one by one, keeping a genui spec per surface.

    * ``schema``: a :func:`schema_validator`, checking each message against A2UI's
      JSON Schema before it is applied (a message it refuses is not applied);
    * ``streams``: keep a :class:`genui.SpecStream` per surface (``stream_factory`` makes
      them, default ``SpecStream()``), so :meth:`feed` returns the HTML updates.

    Not thread-safe: one adapter per agent conversation.
    """

    def __init__(
        self,
        *,
        schema: SchemaCheck | None = None,
        streams: bool = False,
        stream_factory: Callable[[str], SpecStream] | None = None,
    ) -> None:
        self.schema = schema
        self.surfaces: dict[str, A2UISurface] = {}
        self.issues: list[A2UIIssue] = []
        """Everything reported so far, in stream order."""
        self._streams = streams or stream_factory is not None
        self._factory = stream_factory
        self._index = 0

    def spec(self, surface_id: str) -> dict[str, Any] | None:
        """The genui spec of a surface (``None``: no such surface, or no root yet)."""
        surface = self.surfaces.get(surface_id)
        return surface.spec if surface is not None else None

    def feed_all(self, messages: Iterable[Any] | str) -> list[tuple[str, list[Update]]]:
        """Feed a list of messages or JSONL text; the updates of every message, in order."""
        if isinstance(messages, str):
            parsed, issues = parse_jsonl(messages)
            self.issues.extend(issues)
            bad = {i.detail.path for i in issues}
            out: list[tuple[str, list[Update]]] = []
            for index, message in enumerate(parsed):
                if f"/{index}" in bad:
                    self._index += 1
                    continue
                out.extend(self.feed(message))
            return out
        updates: list[tuple[str, list[Update]]] = []
        for message in messages:
            updates.extend(self.feed(message))
        return updates

    def feed(self, message: Any) -> list[tuple[str, list[Update]]]:
        """Apply one message; returns ``(surface id, updates)`` when a stream changed.

        Problems are appended to :attr:`issues`; a message with an error in its envelope
        is not applied (one component's error drops that component only).
        """
        index = self._index
        self._index += 1
        if index >= MAX_MESSAGES:
            self._report(f"/{index}", "too_many_messages", "too many messages in one stream")
            return []
        base = f"/{index}"
        if not isinstance(message, dict):
            self._report(
                base, "type_mismatch", f"a message must be an object, not {_kind(message)}"
            )
            return []
        kinds = [k for k in MESSAGE_KINDS if k in message]
        client = sorted(CLIENT_KINDS & message.keys())
        surface_id = _surface_of(message, kinds)
        if client and not kinds:
            self._report(
                f"{base}/{client[0]}",
                "a2ui_client_message",
                f"{client[0]!r} is a client-to-server message, not one an agent sends",
                "send only createSurface, updateComponents, updateDataModel, deleteSurface",
                surface_id,
            )
            return []
        if len(kinds) != 1:
            self._report(
                base,
                "a2ui_message_kind",
                "a message must have exactly one of "
                + ", ".join(MESSAGE_KINDS)
                + (f" (it has {', '.join(kinds)})" if kinds else ""),
                "send each update as its own message",
                surface_id,
            )
            return []
        kind = kinds[0]
        problems = False
        if message.get("version") != A2UI_VERSION:
            self._report(
                f"{base}/version",
                "a2ui_version",
                f"version must be {A2UI_VERSION!r}, not {_preview(message.get('version'))}",
                f'add "version": "{A2UI_VERSION}"',
                surface_id,
            )
            problems = True
        for key in sorted(message.keys() - {kind, "version"}):
            self._report(
                f"{base}/{escape_token(str(key))}",
                "unknown_key",
                f"unexpected member {_preview(key)} in a {kind} message",
                "remove it",
                surface_id,
            )
            problems = True
        if self.schema is not None:
            for detail in self.schema(message, base):
                self.issues.append(A2UIIssue(detail, surface_id, _component_at(message, detail)))
                problems = True
        body = message[kind]
        if not isinstance(body, dict):
            self._report(
                f"{base}/{kind}", "type_mismatch", f"{kind} must be an object", "", surface_id
            )
            return []
        if not isinstance(body.get("surfaceId"), str) or not body["surfaceId"]:
            self._report(
                f"{base}/{kind}/surfaceId",
                "a2ui_surface_id",
                "surfaceId must be a non-empty string",
                "name the surface the message is for",
                surface_id,
            )
            return []
        if problems:
            return []
        handler = getattr(self, "_" + _snake(kind))
        result: list[tuple[str, list[Update]]] = handler(body, f"{base}/{kind}")
        return result

    # -- the four messages -------------------------------------------------------------

    def _create_surface(self, body: dict[str, Any], path: str) -> list[tuple[str, list[Update]]]:
        surface_id = body["surfaceId"]
        catalog = body.get("catalogId")
        if not isinstance(catalog, str):
            self._report(
                f"{path}/catalogId", "a2ui_catalog", "catalogId must be a string", "", surface_id
            )
            return []
        if surface_id in self.surfaces:
            self._report(
                f"{path}/surfaceId",
                "a2ui_surface_exists",
                f"surface {surface_id!r} exists already",
                "send deleteSurface first, or use a new surfaceId",
                surface_id,
            )
            return []
        self._check_keys(
            body, {"surfaceId", "catalogId", "theme", "sendDataModel"}, path, surface_id
        )
        if catalog != BASIC_CATALOG_ID:
            self._report(
                f"{path}/catalogId",
                "a2ui_approximated",
                f"catalog {catalog!r} is read as the basic catalog",
                "",
                surface_id,
            )
        surface = A2UISurface(surface_id, catalog)
        if self._streams:
            surface.stream = (
                self._factory(surface_id) if self._factory is not None else SpecStream()
            )
        self.surfaces[surface_id] = surface
        return []

    def _delete_surface(self, body: dict[str, Any], path: str) -> list[tuple[str, list[Update]]]:
        surface_id = body["surfaceId"]
        if self.surfaces.pop(surface_id, None) is None:
            self._unknown_surface(path, surface_id)
        return []

    def _update_components(self, body: dict[str, Any], path: str) -> list[tuple[str, list[Update]]]:
        surface_id = body["surfaceId"]
        surface = self.surfaces.get(surface_id)
        if surface is None:
            self._unknown_surface(path, surface_id)
            return []
        self._check_keys(body, {"surfaceId", "components"}, path, surface_id)
        components = body.get("components")
        if not isinstance(components, list) or not components:
            self._report(
                f"{path}/components",
                "type_mismatch",
                "components must be a non-empty array of components",
                "",
                surface_id,
            )
            return []
        seen: set[str] = set()
        for position, component in enumerate(components):
            where = f"{path}/components/{position}"
            if not isinstance(component, dict):
                self._report(
                    where, "type_mismatch", "a component must be an object", "", surface_id
                )
                continue
            cid = component.get("id")
            if not isinstance(cid, str) or not cid:
                self._report(
                    f"{where}/id",
                    "a2ui_component_id",
                    "id must be a non-empty string",
                    "",
                    surface_id,
                )
                continue
            if cid in seen:
                self._report(
                    f"{where}/id",
                    "a2ui_duplicate_id",
                    f"id {cid!r} is used by an earlier component of this message",
                    "give every component its own id",
                    surface_id,
                    cid,
                )
                continue
            seen.add(cid)
            if not self._check_component(component, where, surface_id, cid):
                continue
            surface.components[cid] = (component, where)
        return self._rebuild(surface, path)

    def _update_data_model(self, body: dict[str, Any], path: str) -> list[tuple[str, list[Update]]]:
        surface_id = body["surfaceId"]
        surface = self.surfaces.get(surface_id)
        if surface is None:
            self._unknown_surface(path, surface_id)
            return []
        self._check_keys(body, {"surfaceId", "path", "value"}, path, surface_id)
        pointer = body.get("path", "/")
        if not isinstance(pointer, str) or (pointer and not pointer.startswith("/")):
            self._report(
                f"{path}/path",
                "invalid_pointer",
                f"path must be a JSON Pointer, not {_preview(pointer)}",
                'start it with "/"',
                surface_id,
            )
            return []
        tokens = _tokens(pointer)
        if re.search(r"~(?![01])", pointer):
            self._report(
                f"{path}/path",
                "invalid_pointer",
                f"{_preview(pointer)}: '~' must be followed by 0 or 1 (RFC 6901)",
                "write '~' as ~0 and '/' as ~1",
                surface_id,
            )
            return []
        value = body.get("value", _GONE)
        if value is not _GONE and _depth_over(value, MAX_DEPTH):
            self._report(
                f"{path}/value",
                "too_deep",
                f"the value nests deeper than {MAX_DEPTH}",
                "flatten the data",
                surface_id,
            )
            return []
        try:
            json.dumps(value if value is not _GONE else None)
        except (TypeError, ValueError):
            self._report(f"{path}/value", "type_mismatch", "the value is not JSON", "", surface_id)
            return []
        old_state = _genui_state(surface)
        try:
            surface.data_model = _set_in(surface.data_model, tokens, value)
        except _PointerError as error:
            self._report(f"{path}/path", "invalid_pointer", str(error), "", surface_id)
            return []
        if surface.spec is None:
            return []
        new_state = _genui_state(surface)
        surface.spec = {**surface.spec, "state": new_state}
        if surface.stream is None:
            return []
        ops = list(_diff(old_state, new_state, "/state"))
        if not ops:
            return []
        return self._drive(surface, path, lambda stream: stream.apply(ops))

    # -- checks ---------------------------------------------------------------------

    def _check_component(
        self, component: Mapping[str, Any], where: str, surface_id: str, cid: str
    ) -> bool:
        name = component.get("component")
        if not isinstance(name, str):
            self._report(
                f"{where}/component",
                "type_mismatch",
                "component must be the name of a catalog component",
                "",
                surface_id,
                cid,
            )
            return False
        spec = _CATALOG.get(name)
        if spec is None:
            # An unknown name is kept: the tree reports it where it is used.
            return True
        own, required, enums = spec
        ok = True
        for key in sorted(component.keys() - own - _COMMON, key=str):
            self._report(
                f"{where}/{escape_token(str(key))}",
                "unknown_prop",
                f"{name} has no property {_preview(key)}",
                f"{name} takes: {', '.join(sorted(own))}",
                surface_id,
                cid,
            )
            ok = False
        for key in required:
            if key not in component:
                self._report(
                    f"{where}/{key}",
                    "missing",
                    f"{name} requires {key!r}",
                    "",
                    surface_id,
                    cid,
                )
                ok = False
        for key, allowed in enums.items():
            if key in component and component[key] not in allowed:
                self._report(
                    f"{where}/{key}",
                    "invalid_value",
                    f"{name}.{key} must be one of {', '.join(allowed)},"
                    f" not {_preview(component[key])}",
                    "",
                    surface_id,
                    cid,
                )
                ok = False
        if name == "Button" and isinstance(component.get("action"), dict):
            call = component["action"].get("functionCall")
            args = call.get("args") if isinstance(call, dict) else None
            url = args.get("url") if isinstance(args, dict) else None
            if isinstance(url, str) and not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$", url):
                self._report(
                    f"{where}/action/functionCall/args/url",
                    "invalid_url",
                    f"openUrl's url must be an absolute URI, not {_preview(url)}",
                    "give the full URL, e.g. https://example.com/page",
                    surface_id,
                    cid,
                )
                ok = False
        if name == "Tabs" and (
            not isinstance(component.get("tabs"), list) or not component["tabs"]
        ):
            self._report(
                f"{where}/tabs", "invalid_value", "Tabs needs at least one tab", "", surface_id, cid
            )
            ok = False
        return ok

    def _check_keys(
        self, body: Mapping[str, Any], allowed: set[str], path: str, surface_id: str
    ) -> None:
        for key in sorted(body.keys() - allowed, key=str):
            self._report(
                f"{path}/{escape_token(str(key))}",
                "unknown_key",
                f"unexpected member {_preview(key)}",
                "remove it",
                surface_id,
            )

    def _unknown_surface(self, path: str, surface_id: str) -> None:
        self._report(
            f"{path}/surfaceId",
            "a2ui_unknown_surface",
            f"no surface {surface_id!r} (never created, or deleted)",
            "send createSurface first",
            surface_id,
        )

    def _report(
        self,
        path: str,
        code: str,
        message: str,
        hint: str = "",
        surface_id: str = "",
        component_id: str | None = None,
    ) -> None:
        self.issues.append(
            A2UIIssue(ErrorDetail(path, code, message, hint), surface_id, component_id)
        )

    # -- the tree ----------------------------------------------------------------------

    def _rebuild(self, surface: A2UISurface, path: str) -> list[tuple[str, list[Update]]]:
        if "root" not in surface.components:
            return []
        builder = _TreeBuilder(surface)
        root = builder.build()
        self.issues.extend(builder.issues)
        surface.issues = builder.issues
        surface.actions = builder.actions
        surface.bound = builder.bound
        surface.derived = builder.derived
        spec: dict[str, Any] = {"root": root if root is not None else []}
        surface.spec = spec
        surface.spec["state"] = _genui_state(surface)
        if surface.stream is None:
            return []
        spec = surface.spec
        return self._drive(surface, path, lambda stream: stream.replace(spec))

    def _drive(
        self, surface: A2UISurface, path: str, change: Callable[[SpecStream], list[Update]]
    ) -> list[tuple[str, list[Update]]]:
        """Apply a change to the surface's stream; what genui refuses is reported."""
        stream = surface.stream
        if stream is None:
            return []
        try:
            return [(surface.surface_id, change(stream))]
        except GenerativeUIError as error:
            details = getattr(error, "errors", None) or (
                ErrorDetail(error.path, error.code, error.message),
            )
            for detail in details:
                self._report(
                    path,
                    "genui_refused",
                    f"genui refused the converted spec at {detail.path or '(root)'}: "
                    f"{detail.message} [{detail.code}]",
                    detail.hint,
                    surface.surface_id,
                )
            return []


def from_a2ui(messages: Iterable[Any] | str, *, schema: SchemaCheck | None = None) -> A2UIResult:
    """Convert a whole A2UI stream (message dicts, or JSONL text) to genui specs.

    >>> result = from_a2ui([
    ...     {"version": "v0.9", "createSurface": {"surfaceId": "s", "catalogId": BASIC_CATALOG_ID}},
    ...     {"version": "v0.9", "updateComponents": {"surfaceId": "s", "components": [
    ...         {"id": "root", "component": "Text", "text": "Hello", "variant": "h2"}]}},
    ... ])
    >>> result.specs["s"]["root"]
    {'component': 'Heading', 'props': {'level': 2, 'text': 'Hello'}}
    """
    adapter = A2UIAdapter(schema=schema)
    adapter.feed_all(messages)
    used: dict[str, tuple[set[str], set[str]]] = {}
    for surface in adapter.surfaces.values():
        for name, (params, inputs) in surface.actions.items():
            into = used.setdefault(name, (set(), set()))
            into[0].update(params)
            into[1].update(inputs)
    return A2UIResult(
        {sid: s.spec for sid, s in adapter.surfaces.items() if s.spec is not None},
        tuple(adapter.issues),
        {name: (frozenset(p), frozenset(i)) for name, (p, i) in used.items()},
    )


class _Ctx:
    __slots__ = ("depth", "on_path", "repeats")

    def __init__(
        self, depth: int, on_path: frozenset[str], repeats: tuple[dict[str, Any], ...]
    ) -> None:
        self.depth = depth
        self.on_path = on_path
        self.repeats = repeats
        """The repeat bindings of the templates around (outermost first)."""


class _TreeBuilder:
    """Builds one surface's genui tree from its adjacency list."""

    def __init__(self, surface: A2UISurface) -> None:
        self.surface = surface
        self.issues: list[A2UIIssue] = []
        self.actions: dict[str, tuple[set[str], set[str]]] = {}
        self.visited: set[str] = set()
        self.nodes = 0
        self.bound: list[tuple[str, Any]] = []
        """State pointers the tree reads, with the default shown while absent."""
        self.derived: list[Derived] = []
        self.over = False

    def report(
        self, cid: str | None, code: str, message: str, hint: str = "", suffix: str = ""
    ) -> None:
        where = self.surface.components[cid][1] if cid in self.surface.components else ""
        self.issues.append(
            A2UIIssue(
                ErrorDetail(where + suffix, code, message, hint), self.surface.surface_id, cid
            )
        )

    def build(self) -> Any:
        root = self.node("root", None, _Ctx(0, frozenset(), ()), "")
        self.form_inputs(root)
        for cid, (_, _where) in self.surface.components.items():
            if cid not in self.visited:
                self.report(cid, "a2ui_orphan", f"no tree reaches component {cid!r}", "", "/id")
        return root

    def form_inputs(self, node: Any) -> None:
        """Record the fields of every Form as inputs of its action."""
        stack = [node]
        while stack:
            current = stack.pop()
            if not isinstance(current, dict):
                continue
            kids = current.get("children") or []
            action = (current.get("props") or {}).get("action")
            if current.get("component") == "Form" and isinstance(action, dict):
                names = {k["props"]["name"] for k in kids if _is_input(k)}
                self.actions.setdefault(action["name"], (set(), set()))[1].update(names)
            stack.extend(kids)

    # references

    def node(self, cid: Any, parent: str | None, ctx: _Ctx, suffix: str) -> Any:
        if not isinstance(cid, str):
            self.report(
                parent, "type_mismatch", "a child reference must be a component id", "", suffix
            )
            return None
        if cid in ctx.on_path:
            self.report(
                parent,
                "a2ui_cycle",
                f"component {cid!r} contains itself (through {parent!r})",
                "a component's children must not lead back to it",
                suffix,
            )
            return None
        entry = self.surface.components.get(cid)
        if entry is None:
            self.report(
                parent,
                "a2ui_dangling_reference",
                f"no component has id {cid!r}",
                "send the component, or remove the reference",
                suffix,
            )
            return None
        if ctx.depth >= MAX_DEPTH:
            self.report(
                cid, "too_deep", f"components nest deeper than {MAX_DEPTH}", "flatten the tree"
            )
            return None
        self.nodes += 1
        if self.nodes > MAX_NODES:
            if not self.over:
                self.over = True
                self.report(cid, "too_many_nodes", f"the surface makes more than {MAX_NODES} nodes")
            return None
        self.visited.add(cid)
        inner = _Ctx(ctx.depth + 1, ctx.on_path | {cid}, ctx.repeats)
        return self.convert(cid, entry[0], inner)

    def children(self, cid: str, value: Any, ctx: _Ctx, key: str = "children") -> list[Any]:
        if isinstance(value, list):
            out: list[Any] = []
            for position, child in enumerate(value):
                node = self.node(child, cid, ctx, f"/{key}/{position}")
                if node is not None:
                    out.append(node)
            return out
        if isinstance(value, dict) and isinstance(value.get("componentId"), str):
            path = value.get("path")
            if not isinstance(path, str):
                self.report(
                    cid, "type_mismatch", "a template's path must be a string", "", f"/{key}/path"
                )
                return []
            repeat = self.binding(cid, path, ctx, None)
            if repeat is None:
                return []  # not a pointer: reported
            inner = _Ctx(ctx.depth, ctx.on_path, (*ctx.repeats, repeat))
            node = self.node(value["componentId"], cid, inner, f"/{key}/componentId")
            if node is None:
                return []
            node = {**node, "repeat": repeat}
            return [node]
        self.report(
            cid,
            "type_mismatch",
            "children must be an array of ids or a template {componentId, path}",
            "",
            f"/{key}",
        )
        return []

    # values

    def binding(self, cid: str, path: str, ctx: _Ctx, default: Any) -> Any:
        """A path binding as genui's ``$state``/``$item`` (``default`` if not a pointer)."""
        pointer = path if path.startswith("/") else "/" + path
        if pointer == "/":
            pointer = ""
        try:
            parse_pointer(pointer)
        except ValueError:
            self.report(
                cid,
                "invalid_binding",
                f"{_preview(path)} is not a JSON Pointer (RFC 6901: '~' is '~0' or '~1')",
                "escape '~' as '~0' and '/' as '~1' in a path",
            )
            return default
        if ctx.repeats and not path.startswith("/"):
            return {"$item": "/" + path if path else ""}
        self.bound.append((pointer, default))
        return {"$state": pointer}

    def dynamic(self, cid: str, value: Any, ctx: _Ctx, key: str, default: Any = "") -> Any:
        """A literal, a binding, or (for a function call) its best approximation."""
        if value is None or isinstance(value, (str, int, float, bool)):
            return value
        if isinstance(value, dict):
            if set(value) == {"path"} and isinstance(value["path"], str):
                return self.binding(cid, value["path"], ctx, default)
            if isinstance(value.get("call"), str):
                pieces = self.call(cid, value, ctx, key)
                if len(pieces) == 1:
                    return pieces[0]
                if all(isinstance(p, str) for p in pieces):
                    return "".join(pieces)
                return next((p for p in pieces if not isinstance(p, str)), "")
        if isinstance(value, list):
            return [self.dynamic(cid, v, ctx, key, default) for v in value]
        self.report(cid, "type_mismatch", f"{key} is not a value, a path or a call", "", f"/{key}")
        return None

    def text(self, cid: str, value: Any, ctx: _Ctx, key: str) -> Any:
        """A text prop: a literal string, or a binding to the text the adapter derives.

        genui binds a text prop to one string; A2UI's text may be a number, or a
        template of literals and values (``formatString``). The adapter writes the text
        into the state it hands genui (``/a2ui:text/<id>.<prop>``, or a member of each
        repeated item) and binds that, so a data-model update re-renders only its readers.
        """
        pieces = self.pieces(cid, value, ctx, key)
        if all(isinstance(p, str) for p in pieces):
            return "".join(pieces)
        name = f"{cid}.{key}"
        if not ctx.repeats:
            self.derived.append((name, (), tuple(pieces)))
            return {"$state": f"/{DERIVED}/{escape_token(name)}"}
        if any("$item" not in r for r in ctx.repeats[1:]):
            self.report(
                cid,
                "a2ui_unsupported",
                "a text inside a template over a data-model path is not shown",
                "",
                f"/{key}",
            )
            return ""
        member = f"{DERIVED}:{name}"
        self.derived.append((member, ctx.repeats, tuple(pieces)))
        return {"$item": f"/{escape_token(member)}"}

    def pieces(self, cid: str, value: Any, ctx: _Ctx, key: str) -> list[Any]:
        """Text as a list of literal strings and bindings (genui's text children)."""
        if isinstance(value, dict) and isinstance(value.get("call"), str):
            return self.call(cid, value, ctx, key)
        got = self.dynamic(cid, value, ctx, key)
        if got is None or got == "":
            return []
        if isinstance(got, (int, float)) and not isinstance(got, bool):
            return [json.dumps(got)]
        if isinstance(got, bool):
            return ["true" if got else "false"]
        if isinstance(got, (str, dict)):
            return [got]
        return []

    def call(self, cid: str, value: Mapping[str, Any], ctx: _Ctx, key: str) -> list[Any]:
        name = value["call"]
        args = value.get("args") if isinstance(value.get("args"), dict) else {}
        assert isinstance(args, dict)
        if name == "formatString" and isinstance(args.get("value"), str):
            return self.template_string(cid, args["value"], ctx, key)
        self.report(
            cid,
            "a2ui_approximated",
            f"function {name!r} is not run: its value is shown unformatted",
            "",
            f"/{key}",
        )
        if "value" in args:
            return self.pieces(cid, args["value"], ctx, key)
        return []

    def template_string(self, cid: str, text: str, ctx: _Ctx, key: str) -> list[Any]:
        out: list[Any] = []
        for literal, expr in _split_template(text):
            if literal:
                out.append(literal)
            if expr is None:
                continue
            if _PATH_EXPR.match(expr):
                out.append(self.binding(cid, expr, ctx, ""))
                continue
            call = re.match(r"^(\w+)\((.*)\)$", expr, re.S)
            if call and call.group(1) == "pluralize":
                other = re.search(r"other:\s*'([^']*)'", call.group(2))
                out.append(other.group(1) if other else "")
            else:
                inner = _split_template(call.group(2)) if call else []
                path = next((e for _, e in inner if e is not None and _PATH_EXPR.match(e)), None)
                if path is not None:
                    out.append(self.binding(cid, path, ctx, ""))
            self.report(
                cid,
                "a2ui_approximated",
                f"${{{_short(expr, 60)}}} is not run: its value is shown unformatted",
                "",
                f"/{key}",
            )
        return _merge(out)

    # components

    def convert(self, cid: str, comp: Mapping[str, Any], ctx: _Ctx) -> Any:
        name = comp.get("component")
        if name not in _CATALOG:
            self.report(
                cid,
                "unknown_component",
                f"{_preview(name)} is not a basic-catalog component",
                f"use one of: {', '.join(sorted(_CATALOG))}",
                "/component",
            )
            return None
        if "checks" in comp:
            self.report(cid, "a2ui_unsupported", "client-side checks are not run", "", "/checks")
        convert: Callable[[str, Mapping[str, Any], _Ctx], Any] = getattr(
            self, "c_" + _snake(str(name))
        )
        return convert(cid, comp, ctx)

    def c_text(self, cid: str, comp: Mapping[str, Any], ctx: _Ctx) -> Any:
        text = self.text(cid, comp.get("text"), ctx, "text")
        props: dict[str, Any] = {"text": text} if text != "" else {}
        variant = comp.get("variant", "body")
        if isinstance(variant, str) and re.fullmatch(r"h[1-5]", variant):
            return _node("Heading", {"level": int(variant[1]), **props}, [])
        if variant == "caption":
            props["tone"] = "muted"
        return _node("Text", props, [])

    def c_image(self, cid: str, comp: Mapping[str, Any], ctx: _Ctx) -> Any:
        url = self.dynamic(cid, comp.get("url"), ctx, "url")
        props: dict[str, Any] = {"image": url} if url != "" else {}
        if "description" in comp:
            props["alt"] = self.dynamic(cid, comp["description"], ctx, "description")
        return _node("Image", props, [])

    def c_icon(self, cid: str, comp: Mapping[str, Any], ctx: _Ctx) -> Any:
        self.report(cid, "a2ui_unsupported", "genui has no Icon: it is left out", "", "/component")
        return None

    def _media(self, cid: str, comp: Mapping[str, Any], ctx: _Ctx, label: str) -> Any:
        self.report(
            cid,
            "a2ui_approximated",
            f"genui has no {comp.get('component')}: shown as a link",
            "",
            "/component",
        )
        text = self.text(cid, comp.get("description", label), ctx, "description")
        return {
            "component": "Link",
            "props": {
                "href": self.dynamic(cid, comp.get("url"), ctx, "url"),
                "text": text or label,
            },
        }

    def c_video(self, cid: str, comp: Mapping[str, Any], ctx: _Ctx) -> Any:
        return self._media(cid, comp, ctx, "Video")

    def c_audio_player(self, cid: str, comp: Mapping[str, Any], ctx: _Ctx) -> Any:
        return self._media(cid, comp, ctx, "Audio")

    def _stack(self, cid: str, comp: Mapping[str, Any], ctx: _Ctx, direction: str) -> Any:
        props: dict[str, Any] = {"direction": direction} if direction != "vertical" else {}
        if comp.get("align") in ("start", "center", "end", "stretch"):
            props["align"] = comp["align"]
        kids = _formify(self.children(cid, comp.get("children"), ctx))
        return _node("Stack", props, kids)

    def c_row(self, cid: str, comp: Mapping[str, Any], ctx: _Ctx) -> Any:
        return self._stack(cid, comp, ctx, "horizontal")

    def c_column(self, cid: str, comp: Mapping[str, Any], ctx: _Ctx) -> Any:
        return self._stack(cid, comp, ctx, "vertical")

    def c_list(self, cid: str, comp: Mapping[str, Any], ctx: _Ctx) -> Any:
        if comp.get("direction") == "horizontal":
            return self._stack(cid, comp, ctx, "horizontal")
        items = []
        for child in self.children(cid, comp.get("children"), ctx):
            kids = [child]
            if (
                isinstance(child, dict)
                and child.get("component") == "Stack"
                and not child.get("props")
                and "repeat" not in child
            ):
                kids = list(child.get("children") or [])
            item: dict[str, Any] = _node("ListItem", {}, _formify(kids))
            if isinstance(child, dict) and "repeat" in child:
                inner = {k: v for k, v in child.items() if k != "repeat"}
                inside = [inner]
                if inner.get("component") == "Stack" and not inner.get("props"):
                    inside = list(inner.get("children") or [])
                item = {**_node("ListItem", {}, _formify(inside)), "repeat": child["repeat"]}
            items.append(item)
        return {"component": "List", "children": items}

    def c_card(self, cid: str, comp: Mapping[str, Any], ctx: _Ctx) -> Any:
        child = self.node(comp.get("child"), cid, ctx, "/child")
        kids = [child] if child is not None else []
        if (
            isinstance(child, dict)
            and child.get("component") == "Stack"
            and not child.get("props")
            and "repeat" not in child
        ):
            # A card holds one child, mostly a Column; a genui Card stacks its children.
            kids = list(child.get("children") or [])
        return _node("Card", {}, _formify(kids))

    def c_tabs(self, cid: str, comp: Mapping[str, Any], ctx: _Ctx) -> Any:
        self.report(
            cid, "a2ui_approximated", "tabs are shown one after another, as cards", "", "/component"
        )
        cards = []
        for position, tab in enumerate(comp.get("tabs") or []):
            if not isinstance(tab, dict):
                self.report(
                    cid, "type_mismatch", "a tab must be an object", "", f"/tabs/{position}"
                )
                continue
            child = self.node(tab.get("child"), cid, ctx, f"/tabs/{position}/child")
            card: dict[str, Any] = {
                "component": "Card",
                "children": _formify([child] if child else []),
            }
            title = self.text(cid, tab.get("title"), ctx, f"tabs/{position}/title")
            if title != "":
                card["props"] = {"title": title}
            cards.append(card)
        return {"component": "Stack", "children": cards}

    def c_modal(self, cid: str, comp: Mapping[str, Any], ctx: _Ctx) -> Any:
        self.report(
            cid, "a2ui_approximated", "a modal's content is shown in place", "", "/component"
        )
        kids = [
            self.node(comp.get("trigger"), cid, ctx, "/trigger"),
            self.node(comp.get("content"), cid, ctx, "/content"),
        ]
        return {"component": "Stack", "children": _formify([k for k in kids if k is not None])}

    def c_divider(self, cid: str, comp: Mapping[str, Any], ctx: _Ctx) -> Any:
        return {"component": "Divider"}

    def c_button(self, cid: str, comp: Mapping[str, Any], ctx: _Ctx) -> Any:
        child = self.node(comp.get("child"), cid, ctx, "/child")
        text = _text_of(child)
        variant = {"primary": "primary", "borderless": "ghost"}.get(
            str(comp.get("variant")), "secondary"
        )
        labelled: dict[str, Any] = {"label": text} if text != "" else {}
        action = comp.get("action")
        if isinstance(action, dict) and isinstance(action.get("event"), dict):
            event = action["event"]
            name = event.get("name")
            if not isinstance(name, str) or not re.fullmatch(ACTION_NAME_PATTERN, name):
                self.report(
                    cid,
                    "invalid_value",
                    f"action name {_preview(name)} must match {ACTION_NAME_PATTERN}",
                    "",
                    "/action/event/name",
                )
                return _node("Button", {**labelled, "variant": variant}, [])
            context = event.get("context") if isinstance(event.get("context"), dict) else {}
            assert isinstance(context, dict)
            params = {
                str(k): self.dynamic(
                    cid, v, ctx, f"action/event/context/{escape_token(str(k))}", None
                )
                for k, v in context.items()
            }
            self.actions.setdefault(name, (set(), set()))[0].update(params)
            ref: dict[str, Any] = {"name": name}
            if params:
                ref["params"] = params
            return _node("Button", {**labelled, "variant": variant, "action": ref}, [])
        if isinstance(action, dict) and isinstance(action.get("functionCall"), dict):
            call = action["functionCall"]
            args = call.get("args") if isinstance(call.get("args"), dict) else {}
            assert isinstance(args, dict)
            if call.get("call") == "openUrl" and "url" in args:
                href = self.dynamic(cid, args["url"], ctx, "action/functionCall/args/url")
                link = {"href": href} if href != "" else {}
                return _node("Link", {**link, **({"text": text} if text != "" else {})}, [])
            self.report(
                cid,
                "a2ui_unsupported",
                f"client function {_preview(call.get('call'))} is not run:"
                " the button is shown disabled",
                "",
                "/action",
            )
            return _node("Button", {**labelled, "variant": variant}, [])
        self.report(cid, "type_mismatch", "action must be {event} or {functionCall}", "", "/action")
        return _node("Button", {**labelled, "variant": variant}, [])

    def _field(self, cid: str, comp: Mapping[str, Any], ctx: _Ctx, default: Any) -> dict[str, Any]:
        """The props every form input shares: name, label, and value bound to state."""
        value = comp.get("value")
        name = cid
        if isinstance(value, dict) and isinstance(value.get("path"), str):
            name = value["path"].rstrip("/").rsplit("/", 1)[-1] or cid
        props: dict[str, Any] = {"name": _input_name(name)}
        label = self.text(cid, comp.get("label", cid), ctx, "label")
        props["label"] = label if label != "" else cid
        return props

    def c_text_field(self, cid: str, comp: Mapping[str, Any], ctx: _Ctx) -> Any:
        variant = comp.get("variant", "shortText")
        if variant == "obscured":
            self.report(
                cid,
                "a2ui_unsupported",
                "genui has no password field: an obscured TextField is left out",
                "",
                "/variant",
            )
            return None
        if "validationRegexp" in comp:
            self.report(
                cid, "a2ui_unsupported", "validationRegexp is not checked", "", "/validationRegexp"
            )
        props = self._field(cid, comp, ctx, "")
        if "value" in comp:
            props["value"] = self.dynamic(cid, comp["value"], ctx, "value", "")
        if variant == "longText":
            return {"component": "TextArea", "props": props}
        if variant == "number":
            props["kind"] = "number"
        return {"component": "TextInput", "props": props}

    def c_check_box(self, cid: str, comp: Mapping[str, Any], ctx: _Ctx) -> Any:
        props = self._field(cid, comp, ctx, False)
        props["checked"] = self.dynamic(cid, comp.get("value"), ctx, "value", False)
        return {"component": "Checkbox", "props": props}

    def c_choice_picker(self, cid: str, comp: Mapping[str, Any], ctx: _Ctx) -> Any:
        if comp.get("variant") == "multipleSelection":
            self.report(
                cid,
                "a2ui_unsupported",
                "genui has no multiple-choice field: the ChoicePicker is left out",
                "",
                "/variant",
            )
            return None
        props = self._field(cid, comp, ctx, [])
        options = []
        for position, option in enumerate(comp.get("options") or []):
            if not isinstance(option, dict):
                self.report(
                    cid, "type_mismatch", "an option must be an object", "", f"/options/{position}"
                )
                continue
            options.append(
                {
                    "value": option.get("value"),
                    "label": self.text(cid, option.get("label"), ctx, f"options/{position}/label")
                    or str(option.get("value")),
                }
            )
        props["options"] = options
        if len(options) > 6:
            return {"component": "Select", "props": props}
        return {"component": "RadioGroup", "props": props}

    def c_slider(self, cid: str, comp: Mapping[str, Any], ctx: _Ctx) -> Any:
        props = self._field(cid, comp, ctx, 0)
        props["kind"] = "number"
        for key in ("min", "max"):
            if isinstance(comp.get(key), (int, float)) and not isinstance(comp[key], bool):
                props[key] = comp[key]
        props["value"] = self.dynamic(cid, comp.get("value"), ctx, "value", 0)
        self.report(
            cid, "a2ui_approximated", "a Slider is shown as a number field", "", "/component"
        )
        return {"component": "TextInput", "props": props}

    def c_date_time_input(self, cid: str, comp: Mapping[str, Any], ctx: _Ctx) -> Any:
        props = self._field(cid, comp, ctx, "")
        if comp.get("enableDate") and not comp.get("enableTime"):
            props["kind"] = "date"
        else:
            self.report(cid, "a2ui_approximated", "a time is entered as text", "", "/component")
        props["value"] = self.dynamic(cid, comp.get("value"), ctx, "value", "")
        return {"component": "TextInput", "props": props}


def _node(component: str, props: Mapping[str, Any], children: list[Any]) -> dict[str, Any]:
    """A genui node with only the members it needs."""
    node: dict[str, Any] = {"component": component}
    if props:
        node["props"] = dict(props)
    if children:
        node["children"] = children
    return node


def _text_of(node: Any) -> Any:
    """A button's label: the text of the first Text or Heading in ``node`` (or ``""``)."""
    if not isinstance(node, dict):
        return ""
    if node.get("component") in ("Text", "Heading"):
        return (node.get("props") or {}).get("text", "")
    for child in node.get("children") or []:
        found = _text_of(child)
        if found != "":
            return found
    return ""


def _is_input(node: Any) -> bool:
    return isinstance(node, dict) and node.get("component") in _INPUTS


def _formify(children: list[Any]) -> list[Any]:
    """Put form inputs into a genui Form (fields live only directly inside one).

    The inputs and the Form-friendly siblings between them become one Form; a sibling
    Button with an action becomes the Form's action (and its submit label).
    """
    if not any(_is_input(c) for c in children):
        return _attach_actions(children)
    form_children = [c for c in children if _fits_form(c)]
    form: dict[str, Any] = {
        "component": "Form",
        "props": {},
        "children": _unique_names(form_children),
    }
    first = next(i for i, c in enumerate(children) if _is_input(c))
    before = [c for i, c in enumerate(children) if i < first and not _fits_form(c)]
    after = [c for i, c in enumerate(children) if i > first and not _fits_form(c)]
    return _attach_actions([*before, form, *after])


def _fits_form(node: Any) -> bool:
    return (
        isinstance(node, dict) and node.get("component") in _IN_FORM and not _acts(node, top=True)
    )


def _acts(node: Any, top: bool = False) -> bool:
    """Whether ``node`` holds a Button, a Form or (below the top) a form input."""
    if not isinstance(node, dict):
        return False
    if node.get("component") in ("Button", "Form") or (not top and _is_input(node)):
        return True
    return any(_acts(child) for child in node.get("children") or [])


def _attach_actions(children: list[Any]) -> list[Any]:
    """A Form without an action takes the first sibling Button's action."""
    forms = [
        c
        for c in children
        if isinstance(c, dict)
        and c.get("component") == "Form"
        and "action" not in c.get("props", {})
    ]
    if not forms:
        return children
    for position, child in enumerate(children):
        if (
            isinstance(child, dict)
            and child.get("component") == "Button"
            and "action" in child.get("props", {})
        ):
            form = forms[0]
            action = dict(child["props"]["action"])
            # A context value the form's fields write is submitted as that field.
            fields = {
                json.dumps(k["props"].get("value", k["props"].get("checked")), sort_keys=True)
                for k in form["children"]
                if _is_input(k)
            }
            names = {k["props"]["name"] for k in form["children"] if _is_input(k)}
            params = {
                key: value
                for key, value in (action.get("params") or {}).items()
                if key not in names and json.dumps(value, sort_keys=True) not in fields
            }
            action.pop("params", None)
            if params:
                action["params"] = params
            form["props"]["action"] = action
            label = child["props"].get("label")
            if isinstance(label, str) and 1 <= len(label) <= 200:
                form["props"]["submit_label"] = label
            return [c for i, c in enumerate(children) if i != position]
    return children


def _unique_names(children: list[Any]) -> list[Any]:
    seen: set[str] = set()
    out = []
    for child in children:
        if _is_input(child):
            name = child["props"]["name"]
            base, n = name, 2
            while name in seen:
                name = f"{base[:60]}_{n}"
                n += 1
            seen.add(name)
            child = {**child, "props": {**child["props"], "name": name}}
        out.append(child)
    return out


def _input_name(text: str) -> str:
    name = re.sub(r"[^A-Za-z0-9_]", "_", text)
    if not name or not name[0].isalpha() or not name.isascii():
        name = "f_" + name
    name = name[:64]
    return name if _NAME.match(name) else "field"


def _split_template(text: str) -> Iterator[tuple[str, str | None]]:
    """``"a ${x} b"`` → ("a ", "x"), (" b", None); ``${`` nests (depth-counted)."""
    position = 0
    while True:
        start = text.find("${", position)
        if start < 0:
            yield text[position:], None
            return
        depth, end = 0, start + 2
        while end < len(text):
            if text.startswith("${", end):
                depth += 1
                end += 2
                continue
            if text[end] == "}":
                if depth == 0:
                    break
                depth -= 1
            end += 1
        if end >= len(text):
            yield text[position:], None
            return
        yield text[position:start], text[start + 2 : end].strip()
        position = end + 1


def _merge(pieces: list[Any]) -> list[Any]:
    out: list[Any] = []
    for piece in pieces:
        if isinstance(piece, str) and out and isinstance(out[-1], str):
            out[-1] += piece
        elif piece != "":
            out.append(piece)
    return out


# -- the data model ----------------------------------------------------------------------

_GONE: Final = object()


class _PointerError(ValueError):
    pass


def _tokens(pointer: str) -> list[str]:
    if pointer in ("", "/"):
        return []
    return [t.replace("~1", "/").replace("~0", "~") for t in pointer[1:].split("/")]


def _set_in(document: Any, tokens: Sequence[str], value: Any) -> Any:
    """``document`` with ``value`` at ``tokens`` (created as needed; ``_GONE`` removes)."""
    if not tokens:
        return None if value is _GONE else value
    head, rest = tokens[0], tokens[1:]
    if isinstance(document, list):
        if head == "-":
            index = len(document)
        elif head.isdigit() and (head == "0" or not head.startswith("0")):
            index = int(head)
        else:
            raise _PointerError(f"{head!r} is not an index of an array")
        if index > len(document):
            raise _PointerError(f"index {index} is past the end of an array of {len(document)}")
        copy = list(document)
        if index == len(document):
            if value is _GONE:
                return copy
            copy.append(_set_in(None, rest, value))
        elif value is _GONE and not rest:
            del copy[index]
        else:
            copy[index] = _set_in(copy[index], rest, value)
        return copy
    mapping = dict(document) if isinstance(document, dict) else {}
    if value is _GONE and not rest:
        mapping.pop(head, None)
    else:
        mapping[head] = _set_in(mapping.get(head), rest, value)
    return mapping


def _lookup(document: Any, pointer: str) -> tuple[bool, Any]:
    current = document
    for token in _tokens(pointer) if pointer else []:
        if isinstance(current, dict) and token in current:
            current = current[token]
        elif isinstance(current, list) and token.isdigit() and int(token) < len(current):
            current = current[int(token)]
        else:
            return False, None
    return True, current


def _genui_state(surface: A2UISurface) -> Any:
    """The data model, with a default where the tree reads a value it does not have yet.

    A2UI shows nothing for an absent value; genui refuses a binding to nothing, so the
    adapter fills those pointers (an empty string, ``false``, ``[]``) in the state it
    hands genui, never in the surface's data model.
    """
    state = surface.data_model if surface.data_model is not None else {}
    missing = [(p, d) for p, d in surface.bound if p and not _lookup(state, p)[0]]
    if missing:
        state = json.loads(json.dumps(state))  # a copy, filled in place (linear)
        for pointer, default in missing:
            _put(state, _tokens(pointer), default)
    texts: dict[str, str] = {}
    for name, repeats, pieces in surface.derived:
        if not repeats:
            texts[name] = _show(pieces, state, None)
    for name, repeats, pieces in surface.derived:
        if repeats:
            state = _derive_items(state, repeats, name, pieces)
    if texts:
        state = {**state, DERIVED: texts} if isinstance(state, dict) else {DERIVED: texts}
    return state


def _put(document: Any, tokens: Sequence[str], value: Any) -> None:
    """Write ``value`` at ``tokens`` in place, creating objects; skip what cannot hold it."""
    current = document
    for position, token in enumerate(tokens):
        last = position == len(tokens) - 1
        if isinstance(current, dict):
            if last:
                current.setdefault(token, value)
                return
            if not isinstance(current.get(token), (dict, list)):
                current[token] = {}
            current = current[token]
        elif isinstance(current, list) and token.isdigit() and int(token) <= len(current):
            index = int(token)
            if index == len(current):
                current.append(value if last else {})
            if last:
                return
            current = current[index]
        else:
            return


def _depth_over(value: Any, limit: int) -> bool:
    """Whether JSON ``value`` nests deeper than ``limit`` (iterative: no recursion)."""
    stack = [(value, 1)]
    while stack:
        current, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(current, dict):
            stack.extend((v, depth + 1) for v in current.values())
        elif isinstance(current, list):
            stack.extend((v, depth + 1) for v in current)
    return False


def _derive_items(
    state: Any, repeats: tuple[dict[str, Any], ...], name: str, pieces: tuple[Any, ...]
) -> Any:
    """``state`` with the text ``name`` written into every item the repeats go through."""
    first = repeats[0].get("$state")
    if not isinstance(first, str):
        return state
    found, items = _lookup(state, first)
    if not found or not isinstance(items, list):
        return state

    def into(item: Any, rest: tuple[dict[str, Any], ...]) -> Any:
        if not isinstance(item, dict):
            return item
        if not rest:
            return {**item, name: _show(pieces, state, item)}
        pointer = str(rest[0].get("$item", ""))
        ok, inner = _lookup(item, pointer)
        if not ok or not isinstance(inner, list):
            return item
        try:
            return _set_in(item, _tokens(pointer), [into(i, rest[1:]) for i in inner])
        except _PointerError:
            return item

    try:
        return _set_in(state, _tokens(first), [into(i, repeats[1:]) for i in items])
    except _PointerError:
        return state


def _show(pieces: Sequence[Any], state: Any, item: Any) -> str:
    """The text of literal pieces and bindings, values written as JavaScript shows them."""
    out = []
    for piece in pieces:
        if isinstance(piece, str):
            out.append(piece)
            continue
        if "$state" in piece:
            found, value = _lookup(state, str(piece["$state"]))
        else:
            found, value = _lookup(item, str(piece.get("$item", "")))
        out.append(_js_text(value) if found else "")
    return "".join(out)


def _js_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    if isinstance(value, (int, float, str)):
        return str(value)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _diff(old: Any, new: Any, path: str) -> Iterator[dict[str, Any]]:
    """JSON Patch ops turning ``old`` into ``new``, as deep as both stay objects."""
    if old == new and type(old) is type(new):
        return
    if isinstance(old, dict) and isinstance(new, dict):
        for key in old.keys() - new.keys():
            yield {"op": "remove", "path": f"{path}/{escape_token(key)}"}
        for key, value in new.items():
            where = f"{path}/{escape_token(key)}"
            if key not in old:
                yield {"op": "add", "path": where, "value": value}
            else:
                yield from _diff(old[key], value, where)
        return
    yield {"op": "replace", "path": path, "value": new}


# -- out: genui → A2UI ------------------------------------------------------------------


class _Out:
    def __init__(self) -> None:
        self.components: list[dict[str, Any]] = []
        self.used: set[str] = set()
        self.dropped: list[str] = []

    def new_id(self, hint: str) -> str:
        base = re.sub(r"[^A-Za-z0-9_-]", "-", hint) or "c"
        cid, n = base, 2
        while cid in self.used:
            cid = f"{base}-{n}"
            n += 1
        self.used.add(cid)
        return cid

    def value(self, value: Any) -> Any:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return json.dumps(value)
        if isinstance(value, dict):
            if set(value) == {"$state"}:
                return {"path": value["$state"] or "/"}
            if set(value) == {"$item"}:
                return {"path": str(value["$item"]).lstrip("/")}
        return value

    def text(self, node: Mapping[str, Any], prop: str) -> Any:
        props = node.get("props") or {}
        if prop in props:
            return self.value(props[prop])
        kids = node.get("children") or []
        if len(kids) == 1:
            return self.value(kids[0])
        if all(isinstance(k, str) for k in kids):
            return "".join(kids)
        parts = []
        for kid in kids:
            if isinstance(kid, dict) and "$state" in kid:
                parts.append("${" + (kid["$state"] or "/") + "}")
            elif isinstance(kid, dict) and "$item" in kid:
                parts.append("${" + str(kid["$item"]).lstrip("/") + "}")
            else:
                parts.append(str(kid).replace("${", "\\${"))
        return {"call": "formatString", "args": {"value": "".join(parts)}, "returnType": "string"}

    def node(self, node: Any, hint: str) -> str | None:
        if isinstance(node, (str, int, float)) or (
            isinstance(node, dict) and "component" not in node
        ):
            cid = self.new_id(hint)
            self.components.append({"id": cid, "component": "Text", "text": self.value(node)})
            return cid
        if not isinstance(node, dict):
            return None
        name = node.get("component")
        props = node.get("props") or {}
        kids = node.get("children") or []
        cid = self.new_id(hint)
        out: dict[str, Any] = {"id": cid}
        if name in ("Text", "Heading"):
            out["component"] = "Text"
            out["text"] = self.text(node, "text")
            if name == "Heading":
                level = min(int(props.get("level", 2)), 5)
                out["variant"] = f"h{level}"
            elif props.get("tone") == "muted":
                out["variant"] = "caption"
        elif name == "Stack":
            out["component"] = "Row" if props.get("direction") == "horizontal" else "Column"
            if props.get("align") in ("start", "center", "end", "stretch"):
                out["align"] = props["align"]
            out["children"] = self.kids(kids, cid)
        elif name == "List":
            out["component"] = "List"
            out["children"] = self.kids(kids, cid)
        elif name == "ListItem":
            if "text" in props:
                kids = [{"component": "Text", "props": {"text": props["text"]}}]
            out["component"] = "Column"
            out["children"] = self.kids(kids, cid)
        elif name == "Card":
            out["component"] = "Card"
            inner: list[Any] = []
            if "title" in props:
                inner.append(
                    {"component": "Heading", "props": {"level": 3, "text": props["title"]}}
                )
            if "description" in props:
                inner.append(
                    {"component": "Text", "props": {"text": props["description"], "tone": "muted"}}
                )
            inner.extend(kids)
            lone = inner[0] if len(inner) == 1 else None
            if isinstance(lone, dict) and not (
                lone.get("component") == "Stack"
                and (lone.get("props") or {}).get("direction", "vertical") == "vertical"
            ):
                out["child"] = self.node(lone, cid + "-child")
            else:
                out["child"] = self.node({"component": "Stack", "children": inner}, cid + "-body")
        elif name == "Divider":
            out["component"] = "Divider"
        elif name == "Image":
            out["component"] = "Image"
            out["url"] = self.value(props.get("image", ""))
            if "alt" in props:
                out["description"] = self.value(props["alt"])
        elif name in ("Button", "Link"):
            label = self.text(node, "label" if name == "Button" else "text")
            if not props.get("href") and not (name == "Button" and props.get("action")):
                # A Button must act in A2UI: a link or button going nowhere is its text.
                out["component"] = "Text"
                out["text"] = label if label is not None else ""
                self.components.append(out)
                return cid
            out["component"] = "Button"
            out["child"] = self.node(label if label is not None else "", cid + "-label")
            action = props.get("action") if name == "Button" else None
            if isinstance(action, dict):
                event: dict[str, Any] = {"name": action.get("name")}
                if action.get("params"):
                    event["context"] = {k: self.value(v) for k, v in action["params"].items()}
                out["action"] = {"event": event}
            else:
                url = props.get("href", "")
                out["action"] = {
                    "functionCall": {
                        "call": "openUrl",
                        "args": {"url": self.value(url)},
                        "returnType": "void",
                    }
                }
            variant = props.get("variant")
            if variant == "primary":
                out["variant"] = "primary"
            elif variant == "ghost" or name == "Link":
                out["variant"] = "borderless"
        else:
            self.used.discard(cid)
            self.dropped.append(str(name))
            return None
        if node.get("repeat") is not None:
            # A repeated node is a template: its parent's children become {componentId, path}.
            out["__repeat__"] = self.value(node["repeat"])
        self.components.append(out)
        return cid

    def kids(self, kids: Sequence[Any], parent: str) -> Any:
        ids = []
        for position, kid in enumerate(kids):
            cid = self.node(kid, f"{parent}-{position}")
            if cid is not None:
                ids.append(cid)
        repeated = [c for c in self.components if c["id"] in ids and "__repeat__" in c]
        if len(ids) == 1 and repeated:
            template = repeated[0]
            path = template.pop("__repeat__")
            return {"componentId": template["id"], "path": path.get("path", "/")}
        for template in repeated:
            template.pop("__repeat__")
            self.dropped.append("repeat")
        return ids


def to_a2ui(
    spec: Mapping[str, Any],
    *,
    surface_id: str = "main",
    catalog_id: str = BASIC_CATALOG_ID,
) -> tuple[list[dict[str, Any]], list[str]]:
    """A genui spec (plain JSON, validated first) as A2UI v0.9 messages.

    Returns the messages (``createSurface``, ``updateComponents`` and, with state,
    ``updateDataModel``) and the names of what A2UI's basic catalog has no place for
    (left out). Text, Heading, Stack, List, Card, Divider, Image, Button and Link map;
    a Card's title and description become a heading and a caption inside it.
    """
    out = _Out()
    root = spec.get("root")
    nodes = root if isinstance(root, list) else [root]
    if len(nodes) == 1:
        top = out.node(nodes[0], "root")
    else:
        top = out.node({"component": "Stack", "children": nodes}, "root")
    if top != "root":
        out.components.append(
            {"id": "root", "component": "Column", "children": [top] if top else []}
        )
    for component in out.components:
        component.pop("__repeat__", None)
    messages: list[dict[str, Any]] = [
        {
            "version": A2UI_VERSION,
            "createSurface": {"surfaceId": surface_id, "catalogId": catalog_id},
        },
        {
            "version": A2UI_VERSION,
            "updateComponents": {"surfaceId": surface_id, "components": out.components},
        },
    ]
    if spec.get("state") is not None:
        messages.append(
            {
                "version": A2UI_VERSION,
                "updateDataModel": {"surfaceId": surface_id, "path": "/", "value": spec["state"]},
            }
        )
    return messages, out.dropped


# -- helpers ------------------------------------------------------------------------------


def _surface_of(message: Mapping[str, Any], kinds: Sequence[str]) -> str:
    for kind in (*kinds, *sorted(CLIENT_KINDS)):
        body = message.get(kind)
        if isinstance(body, dict) and isinstance(body.get("surfaceId"), str):
            return str(body["surfaceId"])
    return ""


def _component_at(message: Mapping[str, Any], detail: ErrorDetail) -> str | None:
    match = re.match(r"^/\d+/updateComponents/components/(\d+)", detail.path)
    if not match:
        return None
    body = message.get("updateComponents")
    components = body.get("components") if isinstance(body, dict) else None
    if isinstance(components, list) and int(match.group(1)) < len(components):
        component = components[int(match.group(1))]
        if isinstance(component, dict) and isinstance(component.get("id"), str):
            return str(component["id"])
    return None


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _kind(value: Any) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}.get(
        type(value), "a number" if isinstance(value, (int, float)) else "null"
    )


def _preview(value: Any) -> str:
    try:
        text = json.dumps(value)
    except (TypeError, ValueError):
        text = repr(value)
    return _short(text, 60)
