"""Describe a registry to an LLM: a JSON Schema, a ready tool definition, prompt text.

:func:`json_schema` restricts the spec format to one registry: component names
become constants and every component's props get that component's own schema,
so an agent constrained by it (structured output, tool input) can only produce
specs the registry renders. ``strict=True`` emits the subset OpenAI's strict
mode accepts: every property required (optional ones nullable), no
``additionalProperties`` anywhere, no ``oneOf`` and no defaults. genui treats
a ``null`` prop as absent, so those specs render with the props' defaults.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel

from genui.actions import Action, Actions
from genui.components import default_registry
from genui.hints import type_text
from genui.registry import Component, Registry

__all__ = ["json_schema", "prompt", "render_gui_tool"]

_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
_DROPPED_KEYS = frozenset({"title"})
_STRICT_DROPPED_KEYS = frozenset({"title", "default", "format", "discriminator"})


def _model_schema(model: type[BaseModel], prefix: str, defs: dict[str, Any]) -> dict[str, Any]:
    """``model``'s schema, its ``$defs`` moved into ``defs`` under ``prefix``.

    The prefix is a component's or an action's name, so two models' definitions never collide.
    """
    schema = model.model_json_schema(mode="validation", ref_template=f"#/$defs/{prefix}{{model}}")
    for def_name, definition in schema.pop("$defs", {}).items():
        defs[prefix + def_name] = definition
    schema.pop("title", None)
    return schema


def _children_items(component: Component, registry: Registry) -> dict[str, Any] | None:
    """Schema of one child under the component's children policy (None: no children)."""
    policy = component.children_policy
    if isinstance(policy, frozenset):
        named = [{"$ref": f"#/$defs/{name}Node"} for name in registry if name in policy]
        return {"oneOf": named} if named else None
    if policy == "none":
        return None
    if policy == "any":
        return {"$ref": "#/$defs/Node"}
    leaves: list[dict[str, Any]] = [{"type": "string"}, {"type": "number"}]
    if policy == "inline":
        leaves += [
            {"$ref": f"#/$defs/{n}Node"} for n, c in registry.items() if c.inline and c.standalone
        ]
    return {"oneOf": leaves}


_POINTER = {"type": "string", "pattern": "^(/([^~]|~[01])*)*$"}
_BINDING_DEFS: dict[str, Any] = {
    "Binding": {
        "description": "A value read from the spec's state: $state (a JSON Pointer into state);"
        " inside a repeat, $item (a pointer into the current item) or $index (its index).",
        "oneOf": [
            {
                "type": "object",
                "properties": {"$state": _POINTER},
                "required": ["$state"],
                "additionalProperties": False,
            },
            {
                "type": "object",
                "properties": {"$item": _POINTER},
                "required": ["$item"],
                "additionalProperties": False,
            },
            {
                "type": "object",
                "properties": {"$index": {"const": True}},
                "required": ["$index"],
                "additionalProperties": False,
            },
        ],
    },
    "Condition": {
        "description": "When a node is shown: true/false, a binding (shown when truthy),"
        " a comparison {op: [a, b]} or and/or/not.",
        "oneOf": [
            {"type": "boolean"},
            {"$ref": "#/$defs/Binding"},
            *[
                {
                    "type": "object",
                    "properties": {
                        operator: {
                            "type": "array",
                            "minItems": 2,
                            "maxItems": 2,
                            "items": {
                                "oneOf": [
                                    {"type": ["string", "number", "boolean", "null"]},
                                    {"$ref": "#/$defs/Binding"},
                                ]
                            },
                        }
                    },
                    "required": [operator],
                    "additionalProperties": False,
                }
                for operator in ("eq", "neq", "gt", "gte", "lt", "lte")
            ],
            *[
                {
                    "type": "object",
                    "properties": {
                        operator: {
                            "type": "array",
                            "minItems": 1,
                            "items": {"$ref": "#/$defs/Condition"},
                        }
                    },
                    "required": [operator],
                    "additionalProperties": False,
                }
                for operator in ("and", "or")
            ],
            {
                "type": "object",
                "properties": {"not": {"$ref": "#/$defs/Condition"}},
                "required": ["not"],
                "additionalProperties": False,
            },
        ],
    },
}
"""The schemas of bindings and ``visible`` conditions (see :mod:`genui.state`)."""


def _or_binding(schema: Any) -> Any:
    return {"anyOf": [_bindable(schema), {"$ref": "#/$defs/Binding"}]}


def _bindable(schema: Any) -> Any:
    """A props schema in which every value, at any depth, may also be a binding."""
    if not isinstance(schema, dict):
        return schema
    schema = dict(schema)
    if isinstance(schema.get("properties"), dict):
        schema["properties"] = {k: _or_binding(v) for k, v in schema["properties"].items()}
    for keyword in ("items", "additionalProperties"):
        if isinstance(schema.get(keyword), dict):
            schema[keyword] = _or_binding(schema[keyword])
    if isinstance(schema.get("prefixItems"), list):
        schema["prefixItems"] = [_or_binding(item) for item in schema["prefixItems"]]
    for keyword in ("anyOf", "oneOf", "allOf"):
        if isinstance(schema.get(keyword), list):
            schema[keyword] = [_bindable(item) for item in schema[keyword]]
    return schema


def _node_schema(
    component: Component,
    registry: Registry,
    defs: dict[str, Any],
    *,
    actions: bool,
    bindings: bool = False,
) -> dict[str, Any]:
    own: dict[str, Any] = {}
    props = _model_schema(component.props_model, f"{component.name}.", own)
    defs.update({name: _bindable(d) for name, d in own.items()} if bindings else own)
    if not actions and "action" in props.get("properties", {}):  # no binding to write
        props = {**props, "properties": dict(props["properties"])}
        del props["properties"]["action"]
    properties: dict[str, Any] = {
        "component": {"const": component.name},
        "props": _bindable(props) if bindings else props,
        "key": {"type": "string", "description": "Stable identity for updates."},
    }
    if bindings:
        properties["repeat"] = {
            "$ref": "#/$defs/Binding",
            "description": "Write this node once per item of the array it binds.",
        }
        properties["visible"] = {
            "$ref": "#/$defs/Condition",
            "description": "Show this node only when the condition holds.",
        }
    items = _children_items(component, registry)
    if items is not None:
        properties["children"] = {
            "description": "Child nodes, rendered in order.",
            "type": "array",
            "items": items,
        }
    schema: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "required": ["component", "props"] if props.get("required") else ["component"],
        "additionalProperties": False,
    }
    if component.description:
        schema["description"] = component.description
    return schema


_SCHEMA_MAPS = frozenset({"properties", "$defs", "patternProperties", "dependentSchemas"})
_SCHEMA_VALUES = frozenset(
    {"items", "additionalProperties", "not", "if", "then", "else", "contains", "propertyNames"}
)
_SCHEMA_LISTS = frozenset({"anyOf", "oneOf", "allOf", "prefixItems"})


def _map_subschemas(schema: dict[str, Any], rewrite: Any) -> dict[str, Any]:
    """Apply ``rewrite`` to every direct subschema of ``schema``, keyword-aware.

    Names in ``properties``/``$defs`` stay as they are (a prop may be called
    ``title`` or ``type``); keyword values such as ``enum`` are left alone.
    """
    result: dict[str, Any] = {}
    for key, value in schema.items():
        if key in _SCHEMA_MAPS and isinstance(value, dict):
            result[key] = {name: rewrite(sub) for name, sub in value.items()}
        elif key in _SCHEMA_VALUES and isinstance(value, dict):
            result[key] = rewrite(value)
        elif key in _SCHEMA_LISTS and isinstance(value, list):
            result[key] = [rewrite(sub) for sub in value]
        else:
            result[key] = value
    return result


def _clean(schema: Any, dropped: frozenset[str]) -> Any:
    """Drop annotation keywords (``title``; in strict mode also ``default``, ``format``)."""
    if not isinstance(schema, dict):
        return schema
    kept = {key: value for key, value in schema.items() if key not in dropped}
    return _map_subschemas(kept, lambda sub: _clean(sub, dropped))


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    if schema.get("type") == "null":
        return schema
    options = schema.get("anyOf")
    if isinstance(options, list):
        if any(option.get("type") == "null" for option in options if isinstance(option, dict)):
            return schema
        return {**schema, "anyOf": [*options, {"type": "null"}]}
    if isinstance(schema.get("type"), str) and set(schema) <= {"type", "description", "enum"}:
        result = {**schema, "type": [schema["type"], "null"]}
        if "enum" in schema:
            result["enum"] = [*schema["enum"], None]
        return result
    description = schema.get("description")
    inner = {key: value for key, value in schema.items() if key != "description"}
    wrapped: dict[str, Any] = {"anyOf": [inner, {"type": "null"}]}
    if description:
        wrapped["description"] = description
    return wrapped


def _strictify(schema: Any) -> Any:
    """Rewrite a schema for OpenAI strict mode (see the module docstring)."""
    if not isinstance(schema, dict):
        return schema
    result = _map_subschemas(schema, _strictify)
    if "oneOf" in result:
        result["anyOf"] = result.pop("oneOf")
    if result.get("type") == "object" or "properties" in result:
        properties: dict[str, Any] = result.get("properties", {})
        required = set(result.get("required", ()))
        result["properties"] = {
            name: (value if name in required else _nullable(value))
            for name, value in properties.items()
        }
        result["required"] = list(properties)
        result["additionalProperties"] = False
    return result


def _bind_actions(defs: dict[str, Any], actions: Actions) -> None:
    """Make every action binding one of the declared actions, with that action's params.

    Each option fixes ``name`` to one declared name (``enum``) and ``params`` to the
    action's own params schema, so a constrained model emits only bindings that validate.
    """
    options: list[dict[str, Any]] = []
    for action in _sorted_actions(actions):
        params = _model_schema(action.params, f"action.{action.name}.", defs)
        option: dict[str, Any] = {
            "type": "object",
            "properties": {"name": {"enum": [action.name]}, "params": params},
            "required": ["name", "params"] if params.get("required") else ["name"],
            "additionalProperties": False,
        }
        if action.description:
            option["description"] = action.description
        options.append(option)
    binding = {
        "description": "One of the app's declared actions, with its params.",
        "anyOf": options,
    }
    for def_name in [name for name in defs if name.rsplit(".", 1)[-1] == "ActionRef"]:
        defs[def_name] = binding


def json_schema(
    registry: Registry | None = None,
    *,
    strict: bool = False,
    actions: Actions | None = None,
    bindings: bool = False,
) -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of specs that use only ``registry``'s components.

    With ``strict=True`` the schema fits OpenAI's strict structured outputs. With
    ``actions`` (and at least one declared), an ``action`` prop may name only those.
    With ``bindings=True`` a spec may carry ``state``, any prop may be a binding, and
    nodes may have ``repeat`` and ``visible`` (see :mod:`genui.state`); strict mode cannot
    describe free-form state, so the two do not combine.
    """
    if strict and bindings:
        raise ValueError("strict schemas cannot describe free-form state: use bindings=False")
    registry = registry if registry is not None else default_registry()
    defs: dict[str, Any] = {}
    component_refs: list[dict[str, str]] = []
    for name, component in registry.items():
        defs[f"{name}Node"] = _node_schema(
            component, registry, defs, actions=bool(actions), bindings=bindings
        )
        if component.standalone:
            component_refs.append({"$ref": f"#/$defs/{name}Node"})
    if actions:
        _bind_actions(defs, actions)
    if bindings:
        defs.update(_BINDING_DEFS)
    defs["Node"] = {
        "description": "A text leaf, a number leaf, or a component node.",
        "oneOf": [{"type": "string"}, {"type": "number"}, *component_refs],
    }
    schema: dict[str, Any] = {
        "$schema": _SCHEMA_DIALECT,
        "title": "GenerativeUISpec",
        "description": "A generative UI spec: one root node or a list of root nodes.",
        "type": "object",
        "properties": {
            "root": {
                "oneOf": [
                    {"$ref": "#/$defs/Node"},
                    {"type": "array", "items": {"$ref": "#/$defs/Node"}},
                ]
            }
        },
        "required": ["root"],
        "additionalProperties": False,
        "$defs": dict(sorted(defs.items())),
    }
    if bindings:
        schema["properties"]["state"] = {
            "description": "Data the nodes read through bindings (any JSON).",
        }
    if strict:
        body = _strictify(
            _clean({k: v for k, v in schema.items() if k != "title"}, _STRICT_DROPPED_KEYS)
        )
        return {"title": "GenerativeUISpec", **body}
    return {
        "title": schema["title"],
        **_clean({k: v for k, v in schema.items() if k != "title"}, _DROPPED_KEYS),
    }


_TOOL_DESCRIPTION = (
    "Show the user a rich UI built from the allowed components. Pass a spec whose root is a "
    "component node or a list of them; each node is {component, props, children, key}. "
    "Only the listed components exist; any other name is rejected."
)


def render_gui_tool(
    registry: Registry | None = None,
    *,
    provider: Literal["openai", "anthropic"] = "openai",
    strict: bool = True,
    name: str = "render_gui",
    actions: Actions | None = None,
    bindings: bool = False,
) -> dict[str, Any]:
    """A ``render_gui`` tool definition whose input is ``{"spec": <spec>}``.

    ``provider="openai"`` returns a Chat Completions function tool (strict
    mode by default); ``"anthropic"`` returns a Messages API tool with an
    ``input_schema``. The result of the call goes to
    :func:`genui.parse_render_gui_result`. ``actions`` restricts action bindings to
    the declared names and lists them in the tool's description; ``bindings`` lets the
    spec carry state (only with ``strict=False``: see :func:`json_schema`).
    """
    spec_schema = json_schema(registry, strict=strict, actions=actions, bindings=bindings)
    defs = spec_schema.pop("$defs")
    spec_schema.pop("$schema", None)
    parameters = {
        "type": "object",
        "properties": {"spec": spec_schema},
        "required": ["spec"],
        "additionalProperties": False,
        "$defs": defs,
    }
    description = _TOOL_DESCRIPTION
    if actions:
        description += (
            " Controls may run only these actions of the app: "
            + "; ".join(_action_summary(action) for action in _sorted_actions(actions))
            + "."
        )
    if provider == "anthropic":
        return {"name": name, "description": description, "input_schema": parameters}
    function: dict[str, Any] = {
        "name": name,
        "description": description,
        "parameters": parameters,
    }
    if strict:
        function["strict"] = True
    return {"type": "function", "function": function}


def _sorted_actions(actions: Actions) -> list[Action]:
    return [actions[name] for name in sorted(actions)]


def _action_summary(action: Action) -> str:
    """``name(param, ...)`` and what it does, in a few words."""
    params = ", ".join(action.params.model_fields)
    text = f"{action.name}({params})"
    return f"{text}: {action.description.rstrip('.')}" if action.description else text


def _field_lines(model: type[BaseModel], label: str) -> list[str]:
    """One line per field of ``model``: ``- <label> name: type, required. description``."""
    schema = model.model_json_schema(mode="validation")
    required = set(schema.get("required", ()))
    lines = []
    for field, field_schema in schema.get("properties", {}).items():
        detail = type_text(field_schema) + (", required" if field in required else "")
        text = f"- {label} {field}: {detail}"
        if field_schema.get("description"):
            text += f". {field_schema['description']}"
        lines.append(text)
    return lines


def _action_lines(actions: Actions) -> list[str]:
    """The prompt's section on actions: how to bind one, then every declared action."""
    lines = [
        "",
        "Actions:",
        'A component with an action prop (a Button) runs one of these actions: give it "action":',
        '{"name": <action>, "params": {<param>: <value>, ...}} with the params listed (or, in',
        'the flat node shape, "$action": {"type": <action>, <param>: <value>, ...}). The params',
        "are fixed by you; inputs are what the user types into the form's fields. No other",
        "action exists.",
    ]
    for action in _sorted_actions(actions):
        lines.append("")
        header = f"## action {action.name}"
        if action.description:
            header += f" — {action.description}"
        lines.append(header)
        params = _field_lines(action.params, "param")
        lines.extend(params or ["- (no params)"])
        if action.inputs is not None:
            lines.extend(_field_lines(action.inputs, "input"))
    return lines


_BINDING_LINES = (
    "",
    "State and bindings:",
    'A spec may carry "state": any JSON, beside "root". Any prop value (or a value inside',
    'one; not a child: bind a Text node\'s text) may read it: {"$state": "/pointer"} (e.g.',
    '"/rows/0/name"). A node may carry "repeat": {"$state": "/rows"} (an array): it is',
    'written once per item; inside it, {"$item": "/field"} reads the item ("" for the',
    'whole item) and {"$index": true} its index. A node may carry "visible": a condition',
    '- true/false, a binding (shown when truthy: not false, 0, "" or null), {"eq": [a, b]}',
    '(also neq, gt, gte, lt, lte; a and b are JSON scalars or bindings), {"and": [...]},',
    '{"or": [...]} or {"not": <condition>}. Nothing else is evaluated. Every pointer must',
    "exist in state; bound values are checked like values written inline.",
)


def prompt(
    registry: Registry | None = None, *, actions: Actions | None = None, bindings: bool = False
) -> str:
    """Text for a system prompt: the format, then every component with one example.

    With ``actions``, then every declared action: its name, description, params and inputs.
    With ``bindings=True``, how a spec's ``state`` is bound, repeated over and tested.
    """
    registry = registry if registry is not None else default_registry()
    lines = [
        "You can show UI by emitting a generative UI spec (JSON):",
        '{"root": <node> | [<node>, ...]} where a node is a string, a number, or',
        '{"component": <name>, "props": {...}, "children": [<node>, ...], "key": <string>}.',
        "Use only the components below, with only the props listed. Unknown components and",
        "props are rejected; URLs must be http(s), mailto, tel or relative; never include HTML,",
        "scripts, styles or event handlers: text is always shown literally.",
        *(_BINDING_LINES if bindings else ()),
        "",
        "Components:",
    ]
    for name, component in registry.items():
        lines.append("")
        header = f"## {name}"
        if component.description:
            header += f" — {component.description}"
        lines.append(header)
        props = component.props_model.model_json_schema(mode="validation")
        required = set(props.get("required", ()))
        for prop, schema in props.get("properties", {}).items():
            detail = type_text(schema)
            if prop in required:
                detail += ", required"
            elif "default" in schema and schema["default"] is not None:
                detail += f", default {json.dumps(schema['default'])}"
            text = f"- {prop}: {detail}"
            if schema.get("description"):
                text += f". {schema['description']}"
            lines.append(text)
        if not props.get("properties"):
            lines.append("- (no props)")
        lines.append("- children: " + component.describe_children())
        if not component.standalone:
            lines.append("- only inside a parent that lists it (never at the root)")
        if component.example is not None:
            lines.append("Example: " + json.dumps(component.example, ensure_ascii=False))
    if actions:
        lines.extend(_action_lines(actions))
    return "\n".join(lines) + "\n"
