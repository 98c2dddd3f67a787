"""Vercel json-render specs in, genui specs out (and back).

json-render sends a UI as ``{"root": <key>, "elements": {<key>: element}, "state"?: {...}}``:
a *flat* map of elements, each ``{"type", "props", "children": [<key>...], "visible"?,
"repeat"?, "on"?, "watch"?, "slots"?}``. Props read the state with ``{"$state": "/ptr"}``
(and ``$bindState`` for two-way binding), inside a repeat ``{"$item": "field"}``,
``{"$bindItem": "field"}`` and ``{"$index": true}``; ``repeat: {"statePath": "/ptr"}``
writes the element's *children* once per item; ``visible`` is ``true``/``false``, a single
condition ``{"$state"|"$item"|"$index": ..., "eq"|"neq"|"gt"|"gte"|"lt"|"lte"?: v,
"not"?: true}``, a list of them (all must hold), ``{"$and": [...]}`` or ``{"$or": [...]}``
(the older ``{"path": ...}``/``{"and": ...}``/``{"eq": [a, b]}`` forms are read too);
``on: {"press": {"action": name, "params": {...}}}`` binds an action.

:func:`from_json_render` builds genui's tree from the map: a missing or unknown ``root``,
no elements, a child key with no element (dangling), a cycle, an element reached from two
parents (a shared subtree, which would multiply), the same key twice in JSON text, and
``visible``/``on``/``repeat``/``watch`` written inside ``props`` (json-render's own
``validateSpec`` codes, fixed the way its ``autoFixSpec`` fixes them) are errors; elements
no tree reaches are warnings. Bindings and conditions become genui's (see
:mod:`genui.state`), ``on.press``/``on.submit`` the ``action`` prop, and component types
are mapped by name onto genui's built-ins (``Row`` becomes a horizontal ``Stack``, a
``Text``'s ``content`` its ``text``, an ``Alert``'s ``message`` its body...). What has no
counterpart (an unknown type, a prop the built-in lacks, ``$cond``/``$template``/
``$computed`` values, ``watch``, ``slots``, client-side state actions) is reported and
dropped: an unknown element's children take its place. Pass ``registry=`` (for instance
one built from the client's catalog with :func:`genui.schema_registry.registry_from_json_schema`)
and the types it has are kept as they are. Every issue is an :class:`genui.ErrorDetail`
whose ``path`` points into the *json-render* document (``/elements/card-1/props/href``).

:func:`validate_json_render` converts and validates in one go: genui's errors (an unsafe
URL, an unknown prop) are mapped back to the source document as well. Nothing is trusted:
every URL still goes through genui's sanitizer.

:func:`to_json_render` writes a genui spec as a json-render spec (genui's component names
and props, bindings in json-render's spelling).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, NamedTuple

from genui.components import default_registry
from genui.errors import ErrorDetail
from genui.limits import DEFAULT_LIMITS, Limits
from genui.pointer import escape_token
from genui.registry import Registry
from genui.spec import GenerativeUINode, GenerativeUISpec
from genui.validate import ValidationResult, validate

__all__ = [
    "MAX_DEPTH",
    "WARNING_CODES",
    "JsonRenderConversion",
    "JsonRenderValidation",
    "from_json_render",
    "to_json_render",
    "validate_json_render",
]

MAX_DEPTH: Final = 64
"""The deepest element chain converted (deeper is an error, not a crash)."""

WARNING_CODES: Final = frozenset(
    {"orphaned_element", "json_render_unsupported", "json_render_approximated"}
)
"""Issue codes that are warnings: the spec converts, with something left out or changed."""

_ELEMENT_KEYS: Final = frozenset(
    {"type", "props", "children", "visible", "repeat", "on", "watch", "slots", "key", "parentKey"}
)
_MISPLACED: Final = ("visible", "on", "repeat", "watch")
_COMPARISONS: Final = ("eq", "neq", "gt", "gte", "lt", "lte")
_FLIPPED: Final = {"eq": "eq", "neq": "neq", "gt": "lt", "gte": "lte", "lt": "gt", "lte": "gte"}
_NEGATED: Final = {"eq": "neq", "neq": "eq"}
_STATE_ACTIONS: Final = frozenset({"setState", "pushState", "removeState", "validateForm"})

_TONES: Final = {
    "default": "default",
    "primary": "default",
    "secondary": "muted",
    "outline": "default",
    "muted": "muted",
    "caption": "muted",
    "info": "info",
    "success": "success",
    "warning": "warning",
    "error": "danger",
    "danger": "danger",
    "destructive": "danger",
}
_ALERT_TONES: Final = {
    k: v for k, v in _TONES.items() if v in {"info", "success", "warning", "danger"}
}
_BUTTON_VARIANTS: Final = {
    "primary": "primary",
    "default": "primary",
    "secondary": "secondary",
    "outline": "secondary",
    "ghost": "ghost",
    "link": "ghost",
    "danger": "danger",
    "destructive": "danger",
}
_GAPS: Final = {"none": "none", "xs": "xs", "sm": "sm", "md": "md", "lg": "lg", "xl": "lg"}


@dataclass(frozen=True)
class _Kind:
    """How one json-render type maps onto a genui component."""

    name: str
    renames: Mapping[str, str] = field(default_factory=dict)
    values: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    fixed: Mapping[str, Any] = field(default_factory=dict)
    body: str | None = None  # a prop whose text becomes the first child (an Alert's message)


_KINDS: Final[dict[str, _Kind]] = {
    "Card": _Kind("Card", {"subtitle": "description"}),
    "Stack": _Kind("Stack", values={"gap": _GAPS}),
    "Column": _Kind("Stack", values={"gap": _GAPS}, fixed={"direction": "vertical"}),
    "Row": _Kind("Stack", values={"gap": _GAPS}, fixed={"direction": "horizontal"}),
    "Grid": _Kind("Grid", values={"gap": _GAPS}),
    "Heading": _Kind("Heading", {"content": "text", "title": "text"}),
    "Text": _Kind("Text", {"content": "text", "variant": "tone"}, {"tone": _TONES}),
    "Code": _Kind("Code", {"content": "code", "text": "code"}),
    "Badge": _Kind(
        "Badge", {"text": "label", "content": "label", "variant": "tone"}, {"tone": _TONES}
    ),
    "Alert": _Kind(
        "Alert",
        {"variant": "tone", "type": "tone"},
        {"tone": _ALERT_TONES},
        body="message",
    ),
    "Link": _Kind("Link", {"label": "text", "content": "text", "url": "href"}),
    "Button": _Kind("Button", {"text": "label"}, {"variant": _BUTTON_VARIANTS}),
    "Separator": _Kind("Divider"),
    "Divider": _Kind("Divider"),
    "Metric": _Kind("Stat", {"change": "delta", "title": "label"}),
    "Stat": _Kind("Stat", {"change": "delta"}),
    "Progress": _Kind("Progress"),
    "Table": _Kind("Table", {"data": "rows", "title": "caption"}),
    "List": _Kind("List"),
    "ListItem": _Kind("ListItem", {"content": "text", "label": "text"}),
    "Image": _Kind("Image", {"src": "image", "url": "image"}, fixed={"type": "image"}),
    "Form": _Kind("Form", {"submitLabel": "submit_label"}),
    "TextInput": _Kind("TextInput", {"type": "kind", "helperText": "help"}),
    "Input": _Kind("TextInput", {"type": "kind", "helperText": "help"}),
    "TextField": _Kind("TextInput", {"type": "kind", "helperText": "help"}),
    "Textarea": _Kind("TextArea", {"helperText": "help"}),
    "TextArea": _Kind("TextArea", {"helperText": "help"}),
    "Select": _Kind("Select", {"helperText": "help"}),
    "Checkbox": _Kind("Checkbox", {"value": "checked"}),
    "Switch": _Kind("Checkbox", {"value": "checked"}),
    "RadioGroup": _Kind("RadioGroup"),
    "Radio": _Kind("RadioGroup"),
    "Chart": _Kind("Chart"),
}


class JsonRenderConversion(NamedTuple):
    """A json-render spec converted: the genui spec (plain data) and every issue found."""

    spec: dict[str, Any] | None
    """The genui spec in the legacy node shape, for :func:`genui.validate` (``None`` when
    the input has no usable root at all)."""
    issues: tuple[ErrorDetail, ...]
    """Errors and warnings (codes in :data:`WARNING_CODES`), paths into the source."""

    @property
    def errors(self) -> tuple[ErrorDetail, ...]:
        """The issues that are errors."""
        return tuple(i for i in self.issues if i.code not in WARNING_CODES)

    @property
    def warnings(self) -> tuple[ErrorDetail, ...]:
        """The issues that are warnings."""
        return tuple(i for i in self.issues if i.code in WARNING_CODES)


@dataclass(frozen=True)
class JsonRenderValidation:
    """A json-render spec converted and validated by genui, every path into the source."""

    errors: tuple[ErrorDetail, ...]
    """Conversion errors, then genui's validation errors, paths into the json-render spec."""
    warnings: tuple[ErrorDetail, ...]
    """What was left out or approximated."""
    result: ValidationResult | None
    """genui's own result (paths into :attr:`converted`), ``None`` when nothing converted."""
    converted: dict[str, Any] | None
    """The genui spec the json-render spec converted to, before cleaning."""

    @property
    def ok(self) -> bool:
        """Whether the spec converted and validated without errors."""
        return not self.errors

    @property
    def spec(self) -> GenerativeUISpec | None:
        """The clean genui spec, safe to render (``None`` when nothing usable converted)."""
        return self.result.spec if self.result is not None else None


# --- in ----------------------------------------------------------------------------------


def _pointer(*tokens: str | int) -> str:
    return "".join("/" + escape_token(token) for token in tokens)


def _loads(text: str | bytes | bytearray, issues: list[ErrorDetail]) -> Any:
    """JSON text decoded, duplicate members reported (the last one wins, as in JS)."""
    stack_paths: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        seen: dict[str, Any] = {}
        for name, value in items:
            if name in seen:
                stack_paths.append(name)
            seen[name] = value
        return seen

    try:
        data = json.loads(text, object_pairs_hook=pairs)
    except (ValueError, RecursionError) as exc:
        issues.append(ErrorDetail("", "invalid_json", f"not JSON: {exc}", "send one JSON object"))
        return None
    elements = data.get("elements") if isinstance(data, dict) else None
    for name in stack_paths:
        if isinstance(elements, dict) and name in elements:
            issues.append(
                ErrorDetail(
                    _pointer("elements", name),
                    "duplicate_key",
                    f"element key {name!r} is given twice (the last one is used)",
                    "give every element its own key",
                )
            )
    return data


class _Converter:
    def __init__(self, source: Mapping[str, Any], registry: Registry | None, limits: Limits):
        self.source = source
        self.registry = registry
        self.limits = limits
        self.issues: list[ErrorDetail] = []
        self.origin = {}  # id(genui node) -> (its element's pointer, props renamed)
        self.nodes = 0
        self.conditional = False

    def issue(self, path: str, code: str, message: str, hint: str = "") -> None:
        self.issues.append(ErrorDetail(path, code, message, hint))

    def convert(self) -> dict[str, Any] | None:
        source = self.source
        root = source.get("root")
        elements = source.get("elements")
        if not isinstance(elements, Mapping):
            self.issue(
                "/elements",
                "missing_field" if "elements" not in source else "type_mismatch",
                "a json-render spec needs 'elements': an object of elements by key",
                'send {"root": "<key>", "elements": {"<key>": {"type": ..., "props": {...}}}}',
            )
            return None
        if not isinstance(root, str) or not root:
            self.issue(
                "/root",
                "missing_root",
                "the spec has no root element key",
                "set 'root' to the key of the top element",
            )
            return None
        if not elements:
            self.issue("/elements", "empty_spec", "the spec has no elements", "add the elements")
            return None
        if len(elements) > self.limits.max_nodes:
            self.issue(
                "/elements",
                "too_many_nodes",
                f"{len(elements)} elements are more than the {self.limits.max_nodes} allowed",
                "send a smaller UI",
            )
            return None
        if root not in elements:
            self.issue(
                "/root",
                "root_not_found",
                f"root element {root!r} is not in 'elements'",
                "set 'root' to one of the element keys",
            )
            return None
        reached: set[str] = set()
        nodes = self.tree(root, elements, reached)
        for key in elements:
            if key not in reached:
                self.issue(
                    _pointer("elements", key),
                    "orphaned_element",
                    f"element {key!r} is not reachable from root {root!r} (not shown)",
                    "list it in a parent's children, or remove it",
                )
        spec: dict[str, Any] = {"root": nodes[0] if len(nodes) == 1 else nodes}
        if "state" in source and source["state"] is not None:
            spec["state"] = source["state"]
        elif self.conditional:
            spec["state"] = {}  # genui reads repeat and visible only in a spec with state
        return spec

    # The tree is built iteratively: a hostile chain must not exhaust the Python stack.
    def tree(self, root: str, elements: Mapping[str, Any], reached: set[str]) -> list[Any]:
        top: list[Any] = []
        # (key, the list the node goes into, its ancestors, depth, a repeat to put on it)
        stack: list[tuple[str, list[Any], frozenset[str], int, Any]] = [
            (root, top, frozenset(), 0, None)
        ]
        parents: dict[str, str] = {root: "/root"}
        while stack:
            key, into, ancestors, depth, outer_repeat = stack.pop()
            at = _pointer("elements", key)
            if depth >= MAX_DEPTH:
                self.issue(
                    at, "too_deep", f"elements nest deeper than {MAX_DEPTH}", "flatten the UI"
                )
                continue
            reached.add(key)
            element = elements[key]
            converted = self.element(key, element, at)
            if converted is None:
                continue
            node, child_keys, repeat = converted
            children = self.children(key, child_keys, elements, ancestors, parents, at)
            inner = ancestors | {key}
            if node is None:  # an unknown type: its children take its place
                if outer_repeat is not None and children:
                    node = {"component": "Stack", "repeat": outer_repeat}
                    self.origin[id(node)] = (at, {})
                    into.append(node)
                    into = node["children"] = []
                for child_key in reversed(children):
                    stack.append((child_key, into, inner, depth + 1, None))
                continue
            if outer_repeat is not None:
                node["repeat"] = outer_repeat
            into.append(node)
            self.origin[id(node)] = (at, self.renamed)
            if not children:
                continue
            kids: list[Any] = node.setdefault("children", [])
            if repeat is not None and (len(children) > 1 or "repeat" in elements[children[0]]):
                # json-render repeats the children as a group: a Stack per item holds them
                self.issue(
                    at + "/repeat",
                    "json_render_approximated",
                    "the repeated children are grouped in a Stack per item",
                )
                group: dict[str, Any] = {"component": "Stack", "repeat": repeat}
                self.origin[id(group)] = (at + "/repeat", {})
                kids.append(group)
                kids = group["children"] = []
                repeat = None
            for child_key in reversed(children):
                stack.append((child_key, kids, inner, depth + 1, repeat))
        return top

    origin: dict[int, tuple[str, Mapping[str, str]]]
    renamed: Mapping[str, str]

    def children(
        self,
        key: str,
        child_keys: Sequence[Any],
        elements: Mapping[str, Any],
        ancestors: frozenset[str],
        parents: dict[str, str],
        at: str,
    ) -> list[str]:
        kept: list[str] = []
        for index, child in enumerate(child_keys):
            where = f"{at}/children/{index}"
            if not isinstance(child, str):
                self.issue(where, "type_mismatch", "a child must be an element key (a string)")
            elif child not in elements:
                self.issue(
                    where,
                    "missing_child",
                    f"element {key!r} lists child {child!r}, which is not in 'elements'",
                    "add that element, or remove the key from children",
                )
            elif child == key or child in ancestors:
                self.issue(
                    where,
                    "cycle",
                    f"element {child!r} contains itself (through {key!r})",
                    "an element may not be its own ancestor; remove the key",
                )
            elif child in parents:
                self.issue(
                    where,
                    "shared_element",
                    f"element {child!r} is already a child at {parents[child]}",
                    "give each element one parent: copy it under a new key",
                )
            else:
                parents[child] = where
                kept.append(child)
        return kept

    def element(
        self, key: str, element: Any, at: str
    ) -> tuple[dict[str, Any] | None, Sequence[Any], Any] | None:
        """The genui node of one element (``None`` for an unknown type), its child keys."""
        self.renamed = {}
        self.nodes += 1
        if not isinstance(element, Mapping):
            self.issue(at, "type_mismatch", "an element must be an object")
            return None
        kind = element.get("type")
        if not isinstance(kind, str) or not kind:
            self.issue(
                at + "/type", "missing_field", "an element needs a 'type'", "name a component"
            )
            return None
        props_in = element.get("props", {})
        if props_in is None:
            props_in = {}
        if not isinstance(props_in, Mapping):
            self.issue(at + "/props", "type_mismatch", "'props' must be an object")
            props_in = {}
        meta = dict(element)
        props_src = dict(props_in)
        for name in _MISPLACED:  # json-render's own *_in_props errors, fixed like autoFixSpec
            if props_src.get(name) is not None:
                self.issue(
                    f"{at}/props/{name}",
                    f"{name}_in_props",
                    f"{name!r} is inside 'props'; it belongs on the element",
                    f"move {name!r} up, beside 'type' and 'props'",
                )
                meta.setdefault(name, props_src.pop(name))
        for name in meta:
            if name not in _ELEMENT_KEYS:
                self.issue(
                    _pointer("elements", key, name),
                    "json_render_unsupported",
                    f"element member {name!r} is not read",
                )
        child_keys = meta.get("children") or []
        if not isinstance(child_keys, list):
            self.issue(at + "/children", "type_mismatch", "'children' must be a list of keys")
            child_keys = []
        if meta.get("slots") is not None:
            self.issue(
                at + "/slots",
                "json_render_unsupported",
                "named slots are not supported; their elements are not shown",
                "list them in children",
            )
        if meta.get("watch") is not None:
            self.issue(at + "/watch", "json_render_unsupported", "'watch' is not supported")
        repeat = self.repeat(meta.get("repeat"), at + "/repeat")
        node = self.node(key, kind, props_src, at)
        if node is None:
            return None, child_keys, repeat
        visible = meta.get("visible")
        if visible is not None:
            condition = self.condition(visible, at + "/visible")
            if condition is not True:
                node["visible"] = condition
                self.conditional = True
        if meta.get("on") is not None:
            self.on(meta["on"], node, at + "/on")
        if not node.get("props"):
            node.pop("props", None)
        return node, child_keys, repeat

    def node(
        self, key: str, kind: str, props_src: dict[str, Any], at: str
    ) -> dict[str, Any] | None:
        registry = self.registry
        if registry is not None and kind in registry:
            kept = {n: self.value(v, f"{at}/props/{escape_token(n)}") for n, v in props_src.items()}
            props = {n: v for n, v in kept.items() if v is not _DROP}
            return {"component": kind, "props": props, "key": key}
        spec = _KINDS.get(kind)
        if spec is None:
            if kind in default_registry():
                spec = _Kind(kind)
            else:
                self.issue(
                    at + "/type",
                    "json_render_unsupported",
                    f"component type {kind!r} has no genui counterpart; its children are "
                    "shown in its place",
                    "use one of genui's components",
                )
                return None
        component = (registry or default_registry()).get(spec.name) or default_registry()[spec.name]
        fields = component.props_model.model_fields
        props = dict(spec.fixed)
        renamed: dict[str, str] = {}
        body: Any = None
        for name, value in props_src.items():
            where = f"{at}/props/{escape_token(name)}"
            target = spec.renames.get(name, name)
            if target in spec.fixed:
                continue
            if name == spec.body:
                body = self.value(value, where)
                continue
            if target not in fields or (target != name and target in props_src):
                self.issue(
                    where,
                    "json_render_unsupported",
                    f"{spec.name} has no prop {name!r}; it is left out",
                )
                continue
            converted = self.value(value, where)
            if target == "gap" and type(converted) in (int, float):
                self.issue(
                    where,
                    "json_render_approximated",
                    f"gap {converted} (pixels) is shown as genui's nearest step",
                )
                converted = _gap(converted)
            values = spec.values.get(target)
            if values is not None and isinstance(converted, str):
                if converted not in values:
                    self.issue(
                        where,
                        "json_render_unsupported",
                        f"{name}={converted!r} has no {spec.name} counterpart; it is left out",
                    )
                    continue
                converted = values[converted]
            if target == "level" and isinstance(converted, str) and converted[1:].isdigit():
                converted = int(converted[1:])  # "h2"
            if converted is _DROP:
                continue
            props[target] = converted
            if target != name:
                renamed[target] = name
        self.renamed = renamed
        node: dict[str, Any] = {"component": spec.name, "props": props, "key": key}
        if body is not None and body is not _DROP:
            node["children"] = [
                {"component": "Text", "props": {"text": body}}
                if not isinstance(body, str)
                else body
            ]
        return node

    def value(self, value: Any, at: str) -> Any:
        """A prop value with json-render's expressions in genui's spelling."""
        if isinstance(value, list):
            return [self.value(item, f"{at}/{index}") for index, item in enumerate(value)]
        if not isinstance(value, Mapping):
            return value
        if len(value) == 1:
            ((name, inner),) = value.items()
            if name in ("$state", "$bindState") and isinstance(inner, str):
                return {"$state": _absolute(inner)}
            if name in ("$item", "$bindItem") and isinstance(inner, str):
                return {"$item": _relative(inner)}
            if name == "$index" and inner is True:
                return {"$index": True}
        for name in ("$cond", "$template", "$computed"):
            if name in value:
                self.issue(
                    at,
                    "json_render_unsupported",
                    f"{name} expressions are not evaluated by genui; the prop is left out",
                    "bind the value with $state, or write it out",
                )
                return _DROP
        out = {}
        for name, item in value.items():
            converted = self.value(item, f"{at}/{escape_token(name)}")
            if converted is not _DROP:
                out[name] = converted
        return out

    def repeat(self, repeat: Any, at: str) -> Any:
        if repeat is None:
            return None
        path = repeat.get("statePath") if isinstance(repeat, Mapping) else None
        self.conditional = True
        if isinstance(path, str):
            return {"$state": _absolute(path)}
        if isinstance(path, Mapping) and isinstance(path.get("$item"), str):
            return {"$item": _relative(path["$item"])}
        self.issue(
            at,
            "invalid_binding",
            "a repeat needs 'statePath': a state pointer (or {\"$item\": field})",
            'write "repeat": {"statePath": "/items"}',
        )
        return None

    def operand(self, value: Any, at: str) -> Any:
        if isinstance(value, Mapping):
            if isinstance(value.get("$state"), str) and len(value) == 1:
                return {"$state": _absolute(value["$state"])}
            if isinstance(value.get("path"), str) and len(value) == 1:
                return {"$state": _absolute(value["path"])}
            if isinstance(value.get("$item"), str) and len(value) == 1:
                return {"$item": _relative(value["$item"])}
            if value.get("$index") is True and len(value) == 1:
                return {"$index": True}
            raise _UnsupportedError(at)
        if isinstance(value, list):
            raise _UnsupportedError(at)
        return value

    def condition(self, condition: Any, at: str) -> Any:
        """A json-render visibility condition as genui's (a hidden node when unreadable)."""
        try:
            return self._condition(condition, at, 0)
        except _UnsupportedError as problem:
            self.issue(
                problem.at,
                "unsupported_condition",
                "this visibility condition cannot be read; the element is hidden",
                "use $state/$item/$index with eq, neq, gt, gte, lt, lte or not, $and, $or",
            )
            return False

    def _condition(self, condition: Any, at: str, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise _UnsupportedError(at)
        if isinstance(condition, bool):
            return condition
        if isinstance(condition, list):
            return {
                "and": [self._condition(c, f"{at}/{i}", depth + 1) for i, c in enumerate(condition)]
            }
        if not isinstance(condition, Mapping):
            raise _UnsupportedError(at)
        for group, name in (("$and", "and"), ("and", "and"), ("$or", "or"), ("or", "or")):
            if group in condition and len(condition) == 1:
                parts = condition[group]
                if not isinstance(parts, list):
                    raise _UnsupportedError(f"{at}/{group}")
                return {
                    name: [
                        self._condition(c, f"{at}/{group}/{i}", depth + 1)
                        for i, c in enumerate(parts)
                    ]
                }
        if "not" in condition and len(condition) == 1 and condition["not"] is not True:
            return {"not": self._condition(condition["not"], f"{at}/not", depth + 1)}
        source = [name for name in ("$state", "$item", "$index", "path") if name in condition]
        if not source:  # the older {"eq": [a, b]} form
            ops = [op for op in _COMPARISONS if op in condition]
            if len(ops) != 1 or len(condition) != 1:
                raise _UnsupportedError(at)
            pair = condition[ops[0]]
            if not isinstance(pair, list) or len(pair) != 2:
                raise _UnsupportedError(f"{at}/{ops[0]}")
            return {ops[0]: [self.operand(p, f"{at}/{ops[0]}/{i}") for i, p in enumerate(pair)]}
        if len(source) != 1:
            raise _UnsupportedError(at)
        subject = self.operand({source[0]: condition[source[0]]}, f"{at}/{source[0]}")
        ops = [op for op in _COMPARISONS if op in condition]
        extra = set(condition) - set(ops) - {source[0], "not"}
        if len(ops) > 1 or extra:
            raise _UnsupportedError(at)
        result: Any = subject
        if ops:
            operand = self.operand(condition[ops[0]], f"{at}/{ops[0]}")
            result = {ops[0]: [subject, operand]}
        negate = condition.get("not")
        if negate is True:
            return {"not": result}
        if negate is not None and negate is not False:
            raise _UnsupportedError(f"{at}/not")
        return result

    def on(self, on: Any, node: dict[str, Any], at: str) -> None:
        if not isinstance(on, Mapping):
            self.issue(at, "type_mismatch", "'on' must be an object of events")
            return
        for event, binding in on.items():
            where = f"{at}/{escape_token(event)}"
            bindings = binding if isinstance(binding, list) else [binding]
            if event not in ("press", "click", "submit") or not bindings:
                self.issue(
                    where,
                    "json_render_unsupported",
                    f"event {event!r} is not supported (only press and submit run an action)",
                )
                continue
            for index, item in enumerate(bindings):
                item_at = f"{where}/{index}" if isinstance(binding, list) else where
                name = item.get("action") if isinstance(item, Mapping) else None
                if not isinstance(name, str):
                    self.issue(
                        item_at,
                        "type_mismatch",
                        "an action binding needs 'action': the action's name",
                        'write {"action": "<name>", "params": {...}}',
                    )
                    continue
                if name in _STATE_ACTIONS:
                    self.issue(
                        item_at,
                        "json_render_unsupported",
                        f"{name!r} changes client-side state, which genui does not run",
                    )
                    continue
                if "action" in node.setdefault("props", {}):
                    self.issue(
                        item_at,
                        "json_render_unsupported",
                        "only one action runs per element; this one is left out",
                    )
                    continue
                params = item.get("params") or {}
                if not isinstance(params, Mapping):
                    self.issue(item_at + "/params", "type_mismatch", "'params' must be an object")
                    params = {}
                converted = self.value(dict(params), item_at + "/params")
                node["props"]["action"] = {"name": name, "params": converted}


class _UnsupportedError(Exception):
    def __init__(self, at: str) -> None:
        super().__init__(at)
        self.at = at


_DROP: Final = object()


def _gap(pixels: float) -> str:
    """A json-render gap in pixels as the nearest of genui's gap steps."""
    for limit, step in ((0, "none"), (4, "xs"), (8, "sm"), (16, "md")):
        if pixels <= limit:
            return step
    return "lg"


def _absolute(pointer: str) -> str:
    """A json-render state path as a JSON Pointer (``"user/name"`` reads like ``"/user/name"``)."""
    if pointer in ("", "/"):
        return ""
    return pointer if pointer.startswith("/") else "/" + pointer


def _relative(path: str) -> str:
    """A json-render item field (``"title"``, ``""``) as a genui ``$item`` pointer."""
    if path in ("", "/"):
        return ""
    return path if path.startswith("/") else "/" + path


def from_json_render(
    spec: Any, *, registry: Registry | None = None, limits: Limits | None = None
) -> JsonRenderConversion:
    """Convert a json-render spec (data or JSON text) into a genui spec and its issues.

    The spec is plain data in genui's legacy node shape, ready for :func:`genui.validate`
    (which still checks and cleans everything, URLs included); issue paths point into
    ``spec``. ``registry``: component types it has are kept as they are (with their props),
    for an app whose registry mirrors the client's catalog.

    >>> result = from_json_render({
    ...     "root": "t", "state": {"name": "Ada"},
    ...     "elements": {"t": {"type": "Text", "props": {"content": {"$state": "/name"}}}},
    ... })
    >>> result.spec["root"]
    {'component': 'Text', 'props': {'text': {'$state': '/name'}}, 'key': 't'}
    """
    converted, issues, _ = _convert(spec, registry, limits or DEFAULT_LIMITS)
    return JsonRenderConversion(converted, tuple(issues))


def _convert(
    spec: Any, registry: Registry | None, limits: Limits
) -> tuple[dict[str, Any] | None, list[ErrorDetail], dict[str, tuple[str, Mapping[str, str]]]]:
    issues: list[ErrorDetail] = []
    if isinstance(spec, str | bytes | bytearray):
        spec = _loads(spec, issues)
        if spec is None:
            return None, issues, {}
    if not isinstance(spec, Mapping):
        issues.append(
            ErrorDetail(
                "", "type_mismatch", "a json-render spec is an object", '{"root", "elements"}'
            )
        )
        return None, issues, {}
    converter = _Converter(spec, registry, limits)
    converted = converter.convert()
    paths: dict[str, tuple[str, Mapping[str, str]]] = {}
    if converted is not None:
        for node, path in _walk(converted["root"]):
            found = converter.origin.get(id(node))
            if found is not None:
                paths[path] = found
    return converted, issues + converter.issues, paths


def _walk(root: Any) -> Iterator[tuple[dict[str, Any], str]]:
    """Every node of a converted tree with its genui path."""
    stack: list[tuple[Any, str]] = (
        [(node, f"/root/{i}") for i, node in enumerate(root)]
        if isinstance(root, list)
        else [(root, "/root")]
    )
    while stack:
        node, path = stack.pop()
        if isinstance(node, dict):
            yield node, path
            children = node.get("children")
            if isinstance(children, list):
                stack.extend((child, f"{path}/children/{i}") for i, child in enumerate(children))


def validate_json_render(
    spec: Any,
    *,
    registry: Registry | None = None,
    limits: Limits | None = None,
    **options: Any,
) -> JsonRenderValidation:
    """Convert a json-render spec and validate it with genui; every path into the source.

    ``options`` go to :func:`genui.validate` (``actions``, ``policy``). genui's errors
    are mapped back onto the json-render document: ``/root/children/0/props/href``
    becomes ``/elements/<key>/props/href`` (``url`` when the source named it so).
    """
    limits = limits or DEFAULT_LIMITS
    converted, issues, paths = _convert(spec, registry, limits)
    errors = [i for i in issues if i.code not in WARNING_CODES]
    warnings = tuple(i for i in issues if i.code in WARNING_CODES)
    if converted is None:
        return JsonRenderValidation(tuple(errors), warnings, None, None)
    result = validate(converted, registry=registry, limits=limits, **options)
    for detail in result.errors:
        errors.append(_mapped(detail, paths))
    return JsonRenderValidation(tuple(errors), warnings, result, converted)


def _mapped(detail: ErrorDetail, paths: Mapping[str, tuple[str, Mapping[str, str]]]) -> ErrorDetail:
    path = detail.path
    if path.startswith("/state"):
        return detail
    probe = path
    while probe:
        found = paths.get(probe)
        if found is not None:
            at, renamed = found
            rest = path[len(probe) :]
            if rest.startswith("/props/"):
                name, _, tail = rest[len("/props/") :].partition("/")
                rest = f"/props/{escape_token(renamed.get(name, name))}" + (
                    "/" + tail if tail else ""
                )
            elif rest.startswith("/repeat"):
                rest = "/repeat"
            elif rest.startswith("/children"):
                rest = "/children"
            return ErrorDetail(
                at + rest, detail.code, detail.message, detail.hint, detail.state_path
            )
        probe = probe.rpartition("/")[0]
    return detail


# --- out ---------------------------------------------------------------------------------


def to_json_render(spec: Any) -> dict[str, Any]:
    """A genui spec as a json-render spec ``{"root", "elements", "state"?}``.

    Component names and props stay genui's (a client catalog mirroring genui's renders
    it); text and number children become ``Text`` elements (or the component's text prop),
    ``$item`` pointers json-render's field paths, an ``action`` prop ``on.press`` (a
    Form's ``on.submit``), and ``visible`` json-render's condition (``not`` pushed inward).
    A ``repeat`` goes on the parent when the node is its only child, else on a ``Stack``
    holding the node; several roots share a ``Stack`` root.
    """
    model = spec if isinstance(spec, GenerativeUISpec) else GenerativeUISpec.model_validate(spec)
    writer = _Writer()
    roots = list(model.roots)
    if len(roots) == 1 and isinstance(roots[0], GenerativeUINode) and roots[0].repeat is None:
        root = writer.element(roots[0])
    else:
        root = writer.container(roots)
    out: dict[str, Any] = {"root": root, "elements": writer.elements}
    if model.state is not None:
        out["state"] = model.state
    return out


class _Writer:
    def __init__(self) -> None:
        self.elements: dict[str, Any] = {}
        self.count = 0

    def new_key(self, node: GenerativeUINode | None, hint: str) -> str:
        if node is not None and node.key and node.key not in self.elements:
            return node.key
        while True:
            self.count += 1
            key = f"{hint.lower()}-{self.count}"
            if key not in self.elements:
                return key

    def container(self, nodes: Sequence[Any], repeat: Any = None) -> str:
        key = self.new_key(None, "stack")
        element: dict[str, Any] = {"type": "Stack", "props": {}, "children": []}
        self.elements[key] = element
        if repeat is not None:
            element["repeat"] = _repeat_out(repeat)
        element["children"] = [self.child(node) for node in nodes]
        return key

    def child(self, node: Any) -> str:
        if isinstance(node, GenerativeUINode) and node.repeat is not None:
            return self.container([node.model_copy(update={"repeat": None})], node.repeat)
        if isinstance(node, GenerativeUINode):
            return self.element(node)
        key = self.new_key(None, "text")
        self.elements[key] = {"type": "Text", "props": {"text": str(node)}, "children": []}
        return key

    def element(self, node: GenerativeUINode) -> str:
        key = self.new_key(node, node.component)
        element: dict[str, Any] = {"type": node.component, "props": {}, "children": []}
        self.elements[key] = element
        props = {name: _value_out(value) for name, value in node.props.items()}
        action = props.pop("action", None)
        if isinstance(action, dict) and isinstance(action.get("name"), str):
            event = "submit" if node.component == "Form" else "press"
            binding: dict[str, Any] = {"action": action["name"]}
            if action.get("params"):
                binding["params"] = action["params"]
            element["on"] = {event: binding}
        elif action is not None:
            props["action"] = action
        children = list(node.children)
        text_prop = _text_prop(node.component)
        if (
            text_prop is not None
            and text_prop not in props
            and children
            and all(isinstance(c, str | int | float) for c in children)
        ):
            props[text_prop] = "".join(str(c) for c in children)
            children = []
        element["props"] = props
        if node.visible is not None:
            element["visible"] = _condition_out(node.visible, False)
        if (
            len(children) == 1
            and isinstance(children[0], GenerativeUINode)
            and (children[0].repeat is not None)
        ):
            element["repeat"] = _repeat_out(children[0].repeat)
            children = [children[0].model_copy(update={"repeat": None})]
        element["children"] = [self.child(c) for c in children]
        return key


def _text_prop(name: str) -> str | None:
    component = default_registry().get(name)
    return component.text_prop if component is not None else None


def _repeat_out(repeat: Any) -> dict[str, Any]:
    if isinstance(repeat, dict) and isinstance(repeat.get("$item"), str):
        return {"statePath": {"$item": repeat["$item"].removeprefix("/")}}
    if isinstance(repeat, dict) and isinstance(repeat.get("$state"), str):
        return {"statePath": repeat["$state"]}
    return {"statePath": repeat}


def _value_out(value: Any) -> Any:
    if isinstance(value, list):
        return [_value_out(item) for item in value]
    if isinstance(value, dict):
        if len(value) == 1 and isinstance(value.get("$item"), str):
            return {"$item": value["$item"].removeprefix("/")}
        return {name: _value_out(item) for name, item in value.items()}
    return value


def _is_binding(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and len(value) == 1
        and next(iter(value))
        in (
            "$state",
            "$item",
            "$index",
        )
    )


def _condition_out(condition: Any, negate: bool) -> Any:
    """A genui condition in json-render's spelling; ``not`` pushed inward (De Morgan)."""
    if isinstance(condition, bool):
        return condition != negate
    if _is_binding(condition):
        single = dict(_value_out(condition))
        if negate:
            single["not"] = True
        return single
    if isinstance(condition, dict) and len(condition) == 1:
        ((op, arg),) = condition.items()
        if op == "not":
            return _condition_out(arg, not negate)
        if op in ("and", "or") and isinstance(arg, list):
            group = {"and": "$or", "or": "$and"}[op] if negate else {"and": "$and", "or": "$or"}[op]
            return {group: [_condition_out(c, negate) for c in arg]}
        if op in _FLIPPED and isinstance(arg, list) and len(arg) == 2:
            left, right = arg
            if not _is_binding(left) and _is_binding(right):
                left, right, op = right, left, _FLIPPED[op]
            if _is_binding(left) and not (_is_binding(right) and "$state" not in right):
                single = dict(_value_out(left))
                single[op] = right
                if negate:
                    single["not"] = True
                return single
    raise ValueError(f"condition {condition!r} has no json-render spelling")
