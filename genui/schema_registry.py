"""A :class:`~genui.Registry` built from a component catalog given as JSON Schema.

A front-end often owns the component set: a zod catalog exported with zod-to-json-schema,
an A2UI catalog file, or genui's own ``genui schema`` output. :func:`registry_from_json_schema`
turns such a catalog into a registry, so a backend validates against the *client's*
components without writing pydantic models. It reads

* genui's spec schema (:func:`genui.catalog.json_schema`): every ``$defs`` entry whose
  ``component`` is a ``const`` is a component, its ``props`` schema its props, its
  ``children`` schema its children policy;
* ``{"components": {name: schema}}`` (an A2UI catalog) and an object schema whose
  ``properties`` are the components (a zod ``z.object({Card: ..., ...})`` export);
* a plain mapping ``{name: props schema}``, or ``{name: {"props": schema, "children":
  policy, "description": text}}``.

Each component gets a pydantic props model with one field per declared prop (so genui's
errors, hints and pipeline work as for the built-ins), whose validators run the prop's
JSON Schema with :mod:`jsonschema` (``$ref`` s resolve inside the catalog document).
Undeclared props are refused, required props are required. A prop named like a URL
(``href``, ``src``, ``url``, ``image``, ``avatarUrl``... or ``"format": "uri"``) is typed
:data:`genui.SafeUrl` / :data:`genui.ImageUrl`, so it goes through genui's sanitizer whatever
the schema says; URL-named members inside object props are screened too.

The catalog is checked before anything is built, and a hostile one is refused with a
:class:`CatalogError` listing every problem (paths into the catalog): a prop genui never
lets through (``onClick``, ``style``, ``dangerouslySetInnerHTML``), a regular expression
that can backtrack exponentially (a quantified group holding a quantifier or an
alternation, a backreference), a ``$ref`` loop that reads no data, a reference outside the
catalog, an enum of more than :data:`MAX_ENUM` values, a schema deeper than
:data:`MAX_SCHEMA_DEPTH` or larger than :data:`MAX_SCHEMA_NODES`. With
``on_problem="skip"`` the offending props (or components) are left out instead.

Components are written by a generic escaped writer (a ``<div>`` holding the text props as
escaped text, link and image props as ``<a>``/``<img>`` with their sanitized URL, then the
children) or, given ``templates={name: template}``, by the application's Jinja2 templates.
"""

from __future__ import annotations

import importlib
import keyword
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Annotated, Any, Final, Literal

import jsonschema
from jsonschema.exceptions import SchemaError
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, JsonValue, ValidationInfo
from pydantic import create_model as _create_model
from pydantic_core import PydanticCustomError
from referencing import Registry as RefRegistry
from referencing import Resource
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT202012

from genui.errors import ErrorDetail, GenerativeUIError
from genui.htmltext import escape_html
from genui.pointer import escape_token, parse_pointer
from genui.registry import ChildrenPolicy, Component, Registry
from genui.sanitize import (
    ImageUrl,
    SafeUrl,
    UrlContext,
    forbidden_prop_reason,
    is_url_attribute,
    screen_url,
    url_fields,
)
from genui.spec import COMPONENT_NAME_PATTERN
from genui.writing import Element

__all__ = [
    "MAX_ENUM",
    "MAX_PATTERN_INPUT",
    "MAX_SCHEMA_DEPTH",
    "MAX_SCHEMA_NODES",
    "MAX_VARIABLE_QUANTIFIERS",
    "CatalogError",
    "catalog_problems",
    "registry_from_json_schema",
]

MAX_ENUM: Final = 10_000
"""The most values one ``enum`` may list."""
MAX_SCHEMA_DEPTH: Final = 64
"""The deepest nesting of schemas a catalog may have."""
MAX_SCHEMA_NODES: Final = 100_000
"""The most schema objects a catalog may hold."""
MAX_PATTERN_INPUT: Final = 512
"""The longest string a catalog's ``pattern`` is run on: a longer one, in a prop whose schema
has a pattern, is refused (a pattern genui lets through may still take polynomial time)."""
MAX_VARIABLE_QUANTIFIERS: Final = 2
"""The most variable-length quantifiers (``*``, ``+``, ``{0,63}``) one pattern may use."""

_PARSER: Any = importlib.import_module("re._parser")  # the stdlib's own regex parser
_CATALOG_URI: Final = "urn:genui:catalog"
_NAME: Final = re.compile(COMPONENT_NAME_PATTERN)
_IMAGE_WORDS: Final = ("src", "image", "img", "avatar", "logo", "thumbnail", "photo", "picture")
_LINK_WORDS: Final = ("href", "url", "uri", "link")
_URL_FORMATS: Final = frozenset({"uri", "uri-reference", "iri", "iri-reference", "url"})
_IN_PLACE: Final = ("allOf", "anyOf", "oneOf")
_IN_PLACE_ONE: Final = ("not", "if", "then", "else")
_SUBSCHEMA_MAPS: Final = (
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "dependentSchemas",
)
_SUBSCHEMA_ONE: Final = (
    "items",
    "additionalProperties",
    "contains",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
    "additionalItems",
)
_SUBSCHEMA_LISTS: Final = ("prefixItems",)
_POLICIES: Final = frozenset({"any", "inline", "text", "none"})


class CatalogError(GenerativeUIError):
    """A catalog that cannot be turned into a registry safely; ``problems`` says why."""

    def __init__(self, problems: Iterable[ErrorDetail]) -> None:
        self.problems: tuple[ErrorDetail, ...] = tuple(problems)
        """Every problem, each with a JSON Pointer into the catalog."""
        first = self.problems[0] if self.problems else None
        lines = "\n".join(f"  {p}" for p in self.problems[:20])
        super().__init__(
            f"unsafe or unreadable component catalog ({len(self.problems)} problems):\n{lines}",
            path=first.path if first else "",
            code=first.code if first else "invalid_catalog",
        )


# --- reading the catalog -------------------------------------------------------------------


class _Entry:
    __slots__ = ("children", "description", "inline", "name", "props", "props_at", "standalone")

    def __init__(
        self,
        name: str,
        props: Any,
        props_at: str,
        children: ChildrenPolicy | frozenset[str],
        description: str,
        standalone: bool = True,
        inline: bool = False,
    ) -> None:
        self.standalone = standalone
        self.inline = inline
        self.name = name
        self.props = props
        self.props_at = props_at
        self.children = children
        self.description = description


def _entries(catalog: Mapping[str, Any]) -> Iterator[_Entry]:
    defs = catalog.get("$defs")
    if isinstance(defs, Mapping) and any(_genui_node(v) for v in defs.values()):
        anywhere = (
            defs.get("Node", {}).get("oneOf") if isinstance(defs.get("Node"), Mapping) else None
        )
        standalone_refs = (
            {o.get("$ref") for o in anywhere if isinstance(o, Mapping)}
            if isinstance(anywhere, list)
            else None
        )
        inline: set[str] = set()
        for node in defs.values():
            if _genui_node(node):
                children = node["properties"].get("children")
                items = children.get("items") if isinstance(children, Mapping) else None
                options = items.get("oneOf") if isinstance(items, Mapping) else None
                if isinstance(options, list) and any("type" in o for o in options):
                    inline.update(str(o.get("$ref", "")) for o in options)
        for def_name, node in defs.items():
            if not _genui_node(node):
                continue
            properties = node["properties"]
            name = properties["component"]["const"]
            props = properties.get("props", {})
            at = f"/$defs/{escape_token(def_name)}/properties/props"
            yield _Entry(
                name,
                props,
                at,
                _genui_children(properties.get("children")),
                str(node.get("description", "")),
                standalone_refs is None or f"#/$defs/{def_name}" in standalone_refs,
                f"#/$defs/{def_name}" in inline,
            )
        return
    components: Any = catalog
    base = ""
    if isinstance(catalog.get("components"), Mapping):
        components, base = catalog["components"], "/components"
    elif catalog.get("type") == "object" and isinstance(catalog.get("properties"), Mapping):
        components, base = catalog["properties"], "/properties"
    for name, schema in components.items():
        if name.startswith("$") or name in ("definitions", "title", "description", "type"):
            continue
        at = f"{base}/{escape_token(name)}"
        if (
            isinstance(schema, Mapping)
            and isinstance(schema.get("props"), Mapping)
            and "properties" not in schema
        ):
            children = schema.get("children", "any")
            policy: ChildrenPolicy | frozenset[str] = (
                frozenset(children)
                if isinstance(children, list)
                else ("any" if children is True else "none" if children is False else children)
            )
            yield _Entry(
                name, schema["props"], at + "/props", policy, str(schema.get("description", ""))
            )
        else:
            description = schema.get("description", "") if isinstance(schema, Mapping) else ""
            yield _Entry(name, schema, at, "any", str(description))


def _genui_node(node: Any) -> bool:
    if not isinstance(node, Mapping):
        return False
    properties = node.get("properties")
    if not isinstance(properties, Mapping):
        return False
    component = properties.get("component")
    return isinstance(component, Mapping) and isinstance(component.get("const"), str)


def _genui_children(schema: Any) -> ChildrenPolicy | frozenset[str]:
    """A genui ``children`` schema read back as a children policy."""
    if not isinstance(schema, Mapping):
        return "none"
    items = schema.get("items")
    if not isinstance(items, Mapping):
        return "any"
    if items.get("$ref") == "#/$defs/Node":
        return "any"
    options = items.get("oneOf", [])
    leaves = {o.get("type") for o in options if isinstance(o, Mapping) and "type" in o}
    names = {
        o["$ref"].rsplit("/", 1)[-1].removesuffix("Node")
        for o in options
        if isinstance(o, Mapping) and isinstance(o.get("$ref"), str)
    }
    if not names:
        return "text"
    if leaves:
        return "inline"
    return frozenset(names)


# --- checking it ---------------------------------------------------------------------------


def _walk(root: Any, start: Any, at: str) -> Iterator[tuple[Mapping[str, Any], str, int]]:
    """Every schema object under ``start`` (iteratively), with its pointer and depth."""
    stack: list[tuple[Any, str, int]] = [(start, at, 0)]
    while stack:
        schema, where, depth = stack.pop()
        if not isinstance(schema, Mapping):
            continue
        yield schema, where, depth
        for name in _SUBSCHEMA_MAPS:
            members = schema.get(name)
            if isinstance(members, Mapping):
                for key, sub in members.items():
                    stack.append((sub, f"{where}/{name}/{escape_token(key)}", depth + 1))
        for name in (*_SUBSCHEMA_ONE, *_IN_PLACE_ONE):
            if isinstance(schema.get(name), Mapping):
                stack.append((schema[name], f"{where}/{name}", depth + 1))
        for name in (*_IN_PLACE, *_SUBSCHEMA_LISTS, "items"):
            members = schema.get(name)
            if isinstance(members, list):
                for index, sub in enumerate(members):
                    stack.append((sub, f"{where}/{name}/{index}", depth + 1))


def _problem(at: str, code: str, message: str, hint: str = "") -> ErrorDetail:
    return ErrorDetail(at, code, message, hint)


def _schemas(
    catalog: Mapping[str, Any], entries: list[_Entry]
) -> Iterator[tuple[Mapping[str, Any], str, int]]:
    """Every schema of the catalog once: the document's own, and each component's props."""
    seen: set[int] = set()
    for start, at in [(catalog, ""), *((e.props, e.props_at) for e in entries)]:
        for schema, where, depth in _walk(catalog, start, at):
            if id(schema) not in seen:
                seen.add(id(schema))
                yield schema, where, depth


def _check_schemas(catalog: Mapping[str, Any], entries: list[_Entry]) -> list[ErrorDetail]:
    """Problems anywhere in the catalog document: patterns, refs, enums, size, depth."""
    problems: list[ErrorDetail] = []
    for count, (schema, at, depth) in enumerate(_schemas(catalog, entries), 1):
        if count > MAX_SCHEMA_NODES:
            problems.append(_problem("", "catalog_too_large", "the catalog has too many schemas"))
            return problems
        if depth > MAX_SCHEMA_DEPTH:
            problems.append(
                _problem(at, "catalog_too_deep", f"schemas nest deeper than {MAX_SCHEMA_DEPTH}")
            )
            return problems
        pattern = schema.get("pattern")
        if "pattern" in schema:
            reason = _pattern_problem(pattern)
            if reason:
                problems.append(_problem(at + "/pattern", "unsafe_pattern", reason))
        patterns = schema.get("patternProperties")
        if isinstance(patterns, Mapping):
            for key in patterns:
                reason = _pattern_problem(key)
                if reason:
                    problems.append(
                        _problem(
                            f"{at}/patternProperties/{escape_token(key)}", "unsafe_pattern", reason
                        )
                    )
        enum = schema.get("enum")
        if isinstance(enum, list) and len(enum) > MAX_ENUM:
            problems.append(
                _problem(at + "/enum", "enum_too_large", f"{len(enum)} values (most {MAX_ENUM})")
            )
        for name in ("$dynamicRef", "$recursiveRef", "$id"):
            if name in schema and not (name == "$id" and at == ""):
                problems.append(
                    _problem(f"{at}/{name}", "unsupported_ref", f"{name} is not supported")
                )
        ref = schema.get("$ref")
        if "$ref" in schema and (not isinstance(ref, str) or not ref.startswith("#")):
            problems.append(
                _problem(
                    at + "/$ref",
                    "remote_ref",
                    "a reference must point inside the catalog (start with '#')",
                )
            )
        elif isinstance(ref, str) and _resolve(catalog, ref) is _MISSING:
            problems.append(_problem(at + "/$ref", "dangling_ref", f"{ref!r} points nowhere"))
    problems.extend(_ref_loops(catalog, entries))
    return problems


_MISSING: Final = object()


def _resolve(catalog: Any, ref: str) -> Any:
    try:
        tokens = parse_pointer(ref[1:]) if ref != "#" else []
    except ValueError:
        return _MISSING
    current = catalog
    for token in tokens:
        if isinstance(current, Mapping) and token in current:
            current = current[token]
        elif isinstance(current, list) and token.isdigit() and int(token) < len(current):
            current = current[int(token)]
        else:
            return _MISSING
    return current


def _ref_loops(catalog: Mapping[str, Any], entries: list[_Entry]) -> list[ErrorDetail]:
    """``$ref`` chains that come back to a schema without reading any data (endless)."""
    problems: list[ErrorDetail] = []
    by_id: dict[int, str] = {}
    objects: dict[int, Mapping[str, Any]] = {}
    for schema, at, _ in _schemas(catalog, entries):
        by_id.setdefault(id(schema), at)
        objects[id(schema)] = schema
    state: dict[int, int] = {}  # 1: on the path, 2: done
    for start in list(by_id):
        if state.get(start):
            continue
        schema = objects[start]
        stack: list[tuple[Any, Iterator[Any]]] = [(schema, _in_place(catalog, schema))]
        state[id(schema)] = 1
        while stack:
            node, children = stack[-1]
            nxt = next(children, _MISSING)
            if nxt is _MISSING:
                state[id(node)] = 2
                stack.pop()
                continue
            mark = state.get(id(nxt))
            if mark == 1:
                where = by_id.get(id(node), "")
                problems.append(
                    _problem(
                        where + "/$ref" if isinstance(node, Mapping) and "$ref" in node else where,
                        "ref_loop",
                        "these schemas refer to each other without reading any data",
                        "break the loop",
                    )
                )
                return problems
            if mark is None and isinstance(nxt, Mapping):
                state[id(nxt)] = 1
                stack.append((nxt, _in_place(catalog, nxt)))
    return problems


def _in_place(catalog: Any, schema: Any) -> Iterator[Any]:
    """The schemas that apply to the same instance as ``schema`` (no data consumed)."""
    if not isinstance(schema, Mapping):
        return
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#"):
        target = _resolve(catalog, ref)
        if target is not _MISSING:
            yield target
    for name in _IN_PLACE:
        if isinstance(schema.get(name), list):
            yield from schema[name]
    for name in _IN_PLACE_ONE:
        if isinstance(schema.get(name), Mapping):
            yield schema[name]
    dependent = schema.get("dependentSchemas")
    if isinstance(dependent, Mapping):
        yield from dependent.values()


def _pattern_problem(pattern: Any) -> str | None:
    """Why a regular expression is unsafe to run on untrusted text (``None``: it is safe)."""
    if not isinstance(pattern, str):
        return "a pattern must be a string"
    if len(pattern) > 1000:
        return "the pattern is longer than 1000 characters"
    try:
        parsed = _PARSER.parse(pattern)
    except Exception as exc:  # re.error, RecursionError, OverflowError...
        return f"not a valid regular expression: {exc}"
    stack: list[tuple[Any, bool]] = [(parsed, False)]
    variable = 0
    while stack:
        items, repeated = stack.pop()
        for op, arg in items:
            name = str(op)
            if name in ("GROUPREF", "GROUPREF_EXISTS"):
                return "backreferences can take exponential time"
            if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
                low, high, body = arg
                variable += high != low
                if variable > MAX_VARIABLE_QUANTIFIERS:
                    return (
                        f"more than {MAX_VARIABLE_QUANTIFIERS} variable-length quantifiers "
                        "(polynomial time)"
                    )
                if high > 1:
                    if repeated:
                        return "a quantified group holds another quantifier (exponential time)"
                    stack.append((body, True))
                else:
                    stack.append((body, repeated))
            elif name == "BRANCH":
                if repeated:
                    return "a quantified group holds an alternation (exponential time)"
                for branch in arg[1]:
                    stack.append((branch, repeated))
            elif name == "SUBPATTERN":
                stack.append((arg[-1], repeated))
            elif name in ("ASSERT", "ASSERT_NOT", "ATOMIC_GROUP"):
                stack.append((arg[-1] if isinstance(arg, tuple) else arg, repeated))
    return None


def catalog_problems(catalog: Any) -> list[ErrorDetail]:
    """Every problem :func:`registry_from_json_schema` would refuse ``catalog`` for."""
    problems, _ = _plan(catalog)
    return problems


# --- building ------------------------------------------------------------------------------


def _url_context(name: str, schema: Any) -> UrlContext | None:
    """``"href"``/``"img"`` for a prop that holds a URL (by its name or format), else None."""
    lowered = name.lower()
    image = any(word in lowered for word in _IMAGE_WORDS) or lowered in ("poster", "icon")
    if is_url_attribute(name) or any(lowered.endswith(w) for w in (*_LINK_WORDS, *_IMAGE_WORDS)):
        return "img" if image else "href"
    if lowered in ("image", "img", "avatar", "logo", "thumbnail", "photo", "picture"):
        return "img"
    if isinstance(schema, Mapping) and schema.get("format") in _URL_FORMATS:
        return "img" if image else "href"
    return None


def _follow(catalog: Any, schema: Any) -> Any:
    """A schema with its ``$ref`` chain followed (a few steps)."""
    for _ in range(8):
        ref = schema.get("$ref") if isinstance(schema, Mapping) else None
        if not isinstance(ref, str):
            break
        target = _resolve(catalog, ref)
        if target is _MISSING:
            break
        schema = target
    return schema


def _never_a_string(schema: Any) -> bool:
    """Whether a prop schema's declared ``type`` rules out strings (the schema checks it)."""
    if not isinstance(schema, Mapping):
        return False
    kind = schema.get("type")
    kinds = {kind} if isinstance(kind, str) else set(kind) if isinstance(kind, list) else None
    return kinds is not None and "string" not in kinds and all(isinstance(k, str) for k in kinds)


def _validator_for(catalog: Mapping[str, Any], pointer: str) -> jsonschema.protocols.Validator:
    resource = Resource.from_contents(catalog, default_specification=DRAFT202012)
    registry: RefRegistry[Any] = RefRegistry().with_resource(_CATALOG_URI, resource)
    cls = jsonschema.validators.validator_for(catalog, default=jsonschema.Draft202012Validator)
    return cls({"$ref": f"{_CATALOG_URI}#{pointer}"}, registry=registry)


def _schema_errors(validator: jsonschema.protocols.Validator, value: Any) -> tuple[list[str], str]:
    """Up to five messages, and the pydantic error type: ``*_type`` for a wrong JSON type."""
    try:
        errors, types = [], True
        for error in validator.iter_errors(value):
            where = "".join(f"/{escape_token(str(p))}" for p in error.absolute_path)
            errors.append(f"{where or 'value'}: {error.message}"[:300])
            types = types and _is_type_error(error)
            if len(errors) >= 5:
                break
        return errors, "json_schema_type" if types else "json_schema_invalid"
    except (RecursionError, Unresolvable, SchemaError, re.error, TypeError, ValueError) as exc:
        return [f"the catalog's schema cannot check this value ({type(exc).__name__})"], (
            "json_schema_invalid"
        )


def _is_type_error(error: jsonschema.ValidationError) -> bool:
    if error.validator == "type":
        return True
    if error.validator in ("anyOf", "oneOf") and error.context:
        here = [e for e in error.context if not e.relative_path]
        return bool(here) and all(_is_type_error(e) for e in here)
    return False


def _prop_check(
    validator: jsonschema.protocols.Validator, *, screen: bool, patterned: bool
) -> Callable[[Any, ValidationInfo], Any]:
    def check(value: Any, info: ValidationInfo) -> Any:
        if value is None:
            return None
        if screen and isinstance(value, dict | list):
            value = _screen_nested(value, info)
        if patterned and _longest_string(value) > MAX_PATTERN_INPUT:
            raise PydanticCustomError(
                "json_schema_invalid",
                "a string longer than {limit} characters is not checked against a pattern",
                {"limit": MAX_PATTERN_INPUT},
            )
        errors, kind = _schema_errors(validator, value)
        if errors:
            raise PydanticCustomError(kind, "{detail}", {"detail": "; ".join(errors)})
        return value

    return check


def _longest_string(value: Any) -> int:
    """The length of the longest string (or object key) in a JSON value."""
    longest = 0
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            longest = max(longest, len(item))
        elif isinstance(item, dict):
            stack.extend(item.values())
            stack.extend(item.keys())
        elif isinstance(item, list):
            stack.extend(item)
    return longest


def _uses_pattern(catalog: Mapping[str, Any], schema: Any, at: str) -> bool:
    """Whether a schema, or one it refers to, has a ``pattern`` or ``patternProperties``."""
    seen: set[str] = set()
    todo: list[tuple[Any, str]] = [(schema, at)]
    while todo:
        start, where = todo.pop()
        if where in seen:
            continue
        seen.add(where)
        for sub, _, _ in _walk(catalog, start, where):
            if "pattern" in sub or "patternProperties" in sub:
                return True
            ref = sub.get("$ref")
            if isinstance(ref, str) and ref.startswith("#"):
                target = _resolve(catalog, ref)
                if target is not _MISSING:
                    todo.append((target, ref[1:]))
    return False


def _screen_nested(value: Any, info: ValidationInfo) -> Any:
    """URL-named members inside an object or list prop, through genui's URL check."""
    prop = info.field_name or ""

    def walk(item: Any, depth: int) -> Any:
        if depth > 64:
            return item
        if isinstance(item, list):
            return [walk(v, depth + 1) for v in item]
        if isinstance(item, dict):
            out = {}
            for key, member in item.items():
                context = _url_context(key, None) if isinstance(key, str) else None
                if context is not None and isinstance(member, str):
                    member = screen_url(member, context, info.context, prop)
                    if member is None:
                        continue
                out[key] = walk(member, depth + 1)
            return out
        return item

    return walk(value, 0)


def _plan(catalog: Any) -> tuple[list[ErrorDetail], list[tuple[_Entry, dict[str, Any]]]]:
    """The catalog's problems, and per component the props it would build."""
    if not isinstance(catalog, Mapping):
        return [_problem("", "type_mismatch", "a catalog is a JSON object")], []
    entries = list(_entries(catalog))
    problems = _check_schemas(catalog, entries)
    planned: list[tuple[_Entry, dict[str, Any]]] = []
    for entry in entries:
        if not isinstance(entry.name, str) or not _NAME.fullmatch(entry.name):
            problems.append(
                _problem(entry.props_at, "invalid_name", f"{entry.name!r} is no component name")
            )
            continue
        schema = entry.props
        if isinstance(schema, Mapping) and isinstance(schema.get("$ref"), str):
            target = _resolve(catalog, schema["$ref"])
            schema = target if target is not _MISSING else schema
        if schema is True or schema == {}:
            schema = {"type": "object", "properties": {}}
        if not isinstance(schema, Mapping):
            problems.append(_problem(entry.props_at, "type_mismatch", "props must be a schema"))
            continue
        properties = schema.get("properties", {})
        if not isinstance(properties, Mapping):
            problems.append(
                _problem(entry.props_at + "/properties", "type_mismatch", "must be an object")
            )
            continue
        props: dict[str, Any] = {}
        for name, sub in properties.items():
            at = f"{entry.props_at}/properties/{escape_token(name)}"
            reason = forbidden_prop_reason(name)
            if reason is not None:  # action bindings need genui.Actions: not from a catalog
                problems.append(
                    _problem(at, "forbidden_prop", f"a prop may not be named {name!r} ({reason})")
                )
                continue
            if name == "children" or name.startswith("$"):
                problems.append(_problem(at, "forbidden_prop", f"{name!r} is reserved"))
                continue
            props[name] = sub
        planned.append((entry, props))
    return problems, planned


def _field_name(prop: str, index: int) -> tuple[str, str | None]:
    """The model field for a prop (an alias when the name is no safe identifier)."""
    if (
        prop.isidentifier()
        and not keyword.iskeyword(prop)
        and not prop.startswith("_")
        and not hasattr(BaseModel, prop)
        and not prop.startswith("model_")
    ):
        return prop, None
    return f"prop_{index}", prop


def _build(
    catalog: Mapping[str, Any],
    entry: _Entry,
    props: Mapping[str, Any],
    templates: Mapping[str, str],
) -> Component:
    schema = entry.props
    if isinstance(schema, Mapping) and isinstance(schema.get("$ref"), str):
        target = _resolve(catalog, schema["$ref"])
        pointer = schema["$ref"][1:] if target is not _MISSING else entry.props_at
    else:
        pointer = entry.props_at
    required = schema.get("required", []) if isinstance(schema, Mapping) else []
    fields: dict[str, Any] = {}
    not_urls: set[str] = set()
    for index, (name, sub) in enumerate(props.items()):
        at = f"{pointer}/properties/{escape_token(name)}"
        check = _prop_check(
            _validator_for(catalog, at), screen=True, patterned=_uses_pattern(catalog, sub, at)
        )
        context = _url_context(name, sub)
        if context is not None and _never_a_string(_follow(catalog, sub)):
            context = None  # "data": an object or a list, never written as a URL attribute
            not_urls.add(_field_name(name, index)[0])
        base: Any
        if context == "img":
            base = Annotated[ImageUrl, AfterValidator(check)]
        elif context == "href":
            base = Annotated[SafeUrl, AfterValidator(check)]
        else:
            base = Annotated[JsonValue | None, AfterValidator(check)]
        description = sub.get("description") if isinstance(sub, Mapping) else None
        field_name, alias = _field_name(name, index)
        info = Field(
            ... if name in required else None,
            alias=alias,
            description=description if isinstance(description, str) else None,
        )
        fields[field_name] = (base, info)
    model = _create_model(
        f"{entry.name.replace('.', '_').replace('-', '_')}Props",
        __config__=ConfigDict(extra="forbid", frozen=True, populate_by_name=False),
        **fields,
    )
    model.__doc__ = entry.description
    template = templates.get(entry.name, "")
    return Component(
        entry.name,
        model,
        template,
        children=entry.children,
        standalone=entry.standalone,
        inline=entry.inline,
        not_urls=frozenset(not_urls),
        description=entry.description,
        writer=None if template else _writer(model),
        screens_urls=True,
    )


def _writer(model: type[BaseModel]) -> Callable[[Element[Any]], str]:
    urls = url_fields(model)
    names = [(field, info.alias or field) for field, info in model.model_fields.items()]

    def write(element: Element[Any]) -> str:
        parts: list[str] = []
        for field, prop in names:
            value = getattr(element.props, field, None)
            if value is None or isinstance(value, bool):
                continue
            css = escape_html(prop)
            marker = urls.get(field)
            if marker is not None and isinstance(value, str):
                url = escape_html(value)
                if marker.context == "img":
                    parts.append(
                        f'<img class="genui-prop" data-genui-prop="{css}" src="{url}" alt="">'
                    )
                else:
                    parts.append(
                        f'<a class="genui-prop" data-genui-prop="{css}" href="{url}" '
                        f'rel="noopener noreferrer">{url}</a>'
                    )
            elif isinstance(value, str | int | float):
                text = escape_html(str(value))
                parts.append(f'<span class="genui-prop" data-genui-prop="{css}">{text}</span>')
        body = "".join(parts)
        attrs = element.identity_attrs()
        return f'<div class="{element.css_class}"{attrs}>{body}{element.children}</div>'

    return write


def registry_from_json_schema(
    catalog: Any,
    *,
    base: Registry | None = None,
    templates: Mapping[str, str] | None = None,
    on_problem: Literal["raise", "skip"] = "raise",
) -> Registry:
    """A registry of the components a JSON Schema catalog describes.

    ``base``: a registry the catalog's components are added to (a catalog component
    replaces a base one of the same name). ``templates``: Jinja2 template names by
    component, for the application's own markup (the rest use the generic writer).
    ``on_problem="raise"`` (default) raises :class:`CatalogError` listing every problem of
    an unsafe catalog; ``"skip"`` leaves out the props and components at fault (an unsafe
    ``pattern``: only the pattern, the prop is still checked by the rest of its schema).

    >>> registry = registry_from_json_schema(
    ...     {"Banner": {"type": "object", "properties": {"title": {"type": "string"}}}}
    ... )
    >>> from genui import validate
    >>> validate({"root": {"component": "Banner", "props": {"title": 3}}}, registry=registry).ok
    False
    """
    problems, planned = _plan(catalog)
    if problems and on_problem == "raise":
        raise CatalogError(problems)
    patterns = [p.path for p in problems if p.code == "unsafe_pattern"]
    if patterns and isinstance(catalog, Mapping):  # skipped: the patterns go, not the props
        for path in patterns:
            catalog = _without(catalog, parse_pointer(path))
        problems, planned = _plan(catalog)
    bad_components = {p.path for p in problems if p.code != "forbidden_prop"}
    components: list[Component] = []
    for entry, props in planned:
        if bad_components and _touches(entry, bad_components, catalog):
            continue
        try:
            components.append(_build(catalog, entry, props, templates or {}))
        except (ValueError, TypeError) as exc:
            if on_problem == "raise":
                raise CatalogError(
                    [_problem(entry.props_at, "invalid_component", str(exc))]
                ) from exc
    registry = Registry(components)
    if base is not None:
        return base.extend(*components, replace=True)
    return registry


def _without(document: Mapping[str, Any], tokens: list[str]) -> Mapping[str, Any]:
    """``document`` without the member at ``tokens``; only the objects on the way copied."""
    if not tokens:
        return document
    head, rest = tokens[0], tokens[1:]
    copy = dict(document)
    inner = copy.get(head)
    if not rest:
        copy.pop(head, None)
    elif isinstance(inner, Mapping):
        copy[head] = _without(inner, rest)
    elif isinstance(inner, list) and head and rest[0].isdigit() and int(rest[0]) < len(inner):
        items = list(inner)
        member = items[int(rest[0])]
        if isinstance(member, Mapping):
            items[int(rest[0])] = _without(member, rest[1:])
        copy[head] = items
    return copy


def _touches(entry: _Entry, paths: set[str], catalog: Mapping[str, Any]) -> bool:
    """Whether a schema problem is inside this component's schema or one it refers to."""
    if "" in paths:
        return True
    prefixes: set[str] = set()
    todo: list[tuple[Any, str]] = [(entry.props, entry.props_at)]
    while todo:
        start, at = todo.pop()
        if at in prefixes:
            continue
        prefixes.add(at)
        for schema, _, _ in _walk(catalog, start, at):
            ref = schema.get("$ref")
            if isinstance(ref, str) and ref.startswith("#"):
                target = _resolve(catalog, ref)
                if target is not _MISSING and ref[1:] not in prefixes:
                    todo.append((target, ref[1:]))
    return any(path.startswith(prefix) for path in paths for prefix in prefixes)
