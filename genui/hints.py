"""Repair hints: for each problem in a spec, the sentence that tells an agent how to fix it.

:func:`genui.validate` attaches one to every :class:`~genui.ErrorDetail`. A hint names the
fix itself — the closest allowed component name, the props a component takes, the type or
values a prop expects, the URL schemes allowed — so an agent can repair every problem in
one round. Hints are short: they go back into a model's context.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable
from functools import cache
from typing import Any

from pydantic import BaseModel

from genui.actions import MAX_PARAMS_BYTES, Actions
from genui.pointer import ARRAY_INDEX, format_pointer, parse_pointer
from genui.registry import Component, Registry
from genui.sanitize import UrlPolicy

__all__ = [
    "action_hint",
    "allowed_props",
    "children_hint",
    "closest_names",
    "condition_hint",
    "missing_binding_hint",
    "prop_hint",
    "type_text",
    "unknown_component_hint",
    "unknown_prop_hint",
    "url_hint",
]

_MAX_LISTED = 24
"""Beyond this many names, a hint lists the closest ones only."""


def type_text(schema: dict[str, Any]) -> str:
    """A JSON Schema in a few words: ``integer (>= 1, <= 6)``, ``"info" | "warning"``."""
    if "const" in schema:
        return json.dumps(schema["const"])
    if "enum" in schema:
        return " | ".join(json.dumps(value) for value in schema["enum"])
    if "anyOf" in schema:
        options = [option for option in schema["anyOf"] if option.get("type") != "null"]
        return " | ".join(type_text(option) for option in options) or "null"
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1].rsplit(".", 1)[-1]
    kind = schema.get("type", "any")
    if kind == "array" and isinstance(schema.get("items"), dict):
        return f"list of {type_text(schema['items'])}"
    bounds = [
        f"{word} {schema[key]}"
        for key, word in (
            ("minimum", ">="),
            ("exclusiveMinimum", ">"),
            ("maximum", "<="),
            ("exclusiveMaximum", "<"),
            ("minLength", "min length"),
            ("maxLength", "max length"),
            ("maxItems", "at most items:"),
            ("pattern", "matching"),
        )
        if key in schema
    ]
    return f"{kind} ({', '.join(bounds)})" if bounds else str(kind)


def closest_names(name: str, names: Iterable[str], count: int = 3) -> list[str]:
    """The allowed names closest to ``name`` (case-insensitive), best first."""
    pool = list(names)
    folded = {candidate.lower(): candidate for candidate in pool}
    found = difflib.get_close_matches(name.lower(), list(folded), n=count, cutoff=0.5)
    return [folded[item] for item in found]


def _listing(names: Iterable[str], near: str) -> str:
    pool = sorted(names)
    if len(pool) <= _MAX_LISTED:
        return ", ".join(pool)
    return ", ".join(closest_names(near, pool, 8) or pool[:8]) + ", ..."


def unknown_component_hint(name: str, registry: Registry, allowed: Iterable[str]) -> str:
    """Name the closest allowed component, then list the allowed ones."""
    names = list(allowed)
    if not names:
        return "this app allows no components here; remove the node"
    near = closest_names(name, names, 1)
    lead = f"did you mean {near[0]!r}? " if near else ""
    return f"{lead}use one of: {_listing(names, name)}"


@cache
def _props_schema(model: type[BaseModel]) -> dict[str, Any]:
    schema: dict[str, Any] = model.model_json_schema(mode="validation")
    return schema


def _field_text(model: type[BaseModel], name: str) -> str | None:
    schema = _props_schema(model)
    field = schema.get("properties", {}).get(name)
    if not isinstance(field, dict):
        return None
    return type_text(_resolve(field, schema))


def _resolve(field: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """Follow one local ``$ref`` (enums are emitted as definitions)."""
    ref = field.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        target = schema.get("$defs", {}).get(ref.rsplit("/", 1)[-1])
        if isinstance(target, dict):
            return target
    return field


def allowed_props(component: Component) -> str:
    """``level (integer (>= 1, <= 6), required), text (string)`` for a component."""
    model = component.props_model
    schema = _props_schema(model)
    required = set(schema.get("required", ()))
    parts = []
    for name, field in schema.get("properties", {}).items():
        text = type_text(_resolve(field, schema)) if isinstance(field, dict) else "any"
        parts.append(f"{name} ({text}{', required' if name in required else ''})")
    return ", ".join(parts) if parts else "no props"


def prop_hint(component: Component, name: str, code: str) -> str:
    """How to fix the value of prop ``name`` of ``component``."""
    text = _field_text(component.props_model, name)
    if text is None:
        return f"{component.name} takes: {allowed_props(component)}"
    if code == "missing_field":
        return f"add {name!r} ({text}) to {component.name}"
    return f"{component.name}.{name} must be {text}"


def unknown_prop_hint(component: Component, name: str) -> str:
    """Name the closest declared prop, then list the props the component takes."""
    declared = list(component.props_model.model_fields)
    near = closest_names(name, declared, 1)
    lead = f"did you mean {near[0]!r}? " if near else f"remove {name!r}; "
    return f"{lead}{component.name} takes: {allowed_props(component)}"


def url_hint(policy: UrlPolicy, context: str) -> str:
    """The URLs the policy allows in ``context`` (``"href"`` or ``"img"``)."""
    if context == "img":
        schemes = sorted(policy.image_schemes)
        extra = ", base64 data:image URLs" if policy.allow_data_images else ""
        hosts = policy.image_hosts
    else:
        schemes = sorted(policy.link_schemes)
        extra = ""
        hosts = policy.link_hosts
    relative = ", or a relative URL" if policy.allow_relative else ""
    where = f" on {', '.join(sorted(hosts))}" if hosts is not None else ""
    listed = ", ".join(f"{scheme}:" for scheme in schemes)
    return f"use a URL with one of the schemes {listed}{where}{extra}{relative}, or remove it"


def children_hint(parent: Component, what: str) -> str:
    """Where a child the parent does not take should go instead."""
    thing = "the text" if what == "text" else what
    return f"{parent.name} takes {parent.describe_children()}; move {thing} out of it"


def action_hint(code: str, actions: Actions, name: str = "") -> str:
    """How to fix an action binding: the declared names, or the action's parameters."""
    if code == "unknown_action":
        if not actions:
            return "this app declares no actions; remove the action (links take href)"
        near = closest_names(name, actions, 1) if name else []
        lead = f"did you mean {near[0]!r}? " if near else ""
        return f"{lead}use one of the declared actions: {_listing(actions, name)}"
    if code == "action_params_too_large":
        return f"keep an action's params under {MAX_PARAMS_BYTES} bytes of JSON"
    if code == "nested_action":
        return "a form runs one action: remove this action, or move the node out of the form"
    if code == "invalid_action_params":
        return "give the params the action's schema lists (see the catalog's actions)"
    return ""


def missing_binding_hint(state: Any, pointer: str) -> str:
    """How to fix a binding to a state pointer that has no value: what is there instead."""
    value, reached = state, []
    for token in parse_pointer(pointer):
        if isinstance(value, dict) and token in value:
            value = value[token]
        elif isinstance(value, list) and ARRAY_INDEX.fullmatch(token) and int(token) < len(value):
            value = value[int(token)]
        else:
            break
        reached.append(token)
    where = format_pointer(reached) or "/"
    if isinstance(value, dict):
        keys = _listing(value, pointer.rsplit("/", 1)[-1]) if value else "nothing"
        return f"add the value to state, or bind to what state has at {where!r}: {keys}"
    if isinstance(value, list):
        return f"state has a list of {len(value)} at {where!r}: bind to an index below it"
    return f"add the value to state; {where!r} holds a {type(value).__name__}, not a container"


def condition_hint() -> str:
    """The forms a ``visible`` condition may take."""
    return (
        'use true/false, a binding {"$state": "/p"}, {"eq": [a, b]} (also neq, gt, gte, lt,'
        ' lte; a and b are JSON scalars or bindings), {"and": [...]}, {"or": [...]} or'
        ' {"not": c}'
    )
