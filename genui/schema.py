"""JSON Schema (draft 2020-12) of the wire format, generated from the pydantic models.

The committed file ``schemas/generative-ui-spec.schema.json`` is this
function's output; a test fails when the two drift apart. Limits (depth,
sizes) are not expressible in JSON Schema and are enforced by
:func:`genui.parse_spec` only.
"""

from __future__ import annotations

import json
from typing import Any

from genui.spec import GenerativeUISpec

__all__ = ["SCHEMA_ID", "spec_json_schema", "spec_json_schema_text"]

SCHEMA_ID = "https://genui.dev/schemas/generative-ui-spec.schema.json"
"""The ``$id`` of the generated schema."""

_NODE_REF = {"$ref": "#/$defs/Node"}
_NODE_DEF = {
    "description": "A text leaf, a number leaf, or a component node.",
    "oneOf": [
        {"type": "string"},
        {"type": "number"},
        {"$ref": "#/$defs/GenerativeUINode"},
    ],
}


def _is_node_union(schema: Any) -> bool:
    if not isinstance(schema, dict) or set(schema) != {"oneOf"} or len(schema["oneOf"]) != 3:
        return False
    text, number, component = schema["oneOf"]
    return bool(
        text == {"type": "string"}
        and number == {"anyOf": [{"type": "integer"}, {"type": "number"}]}
        and component == {"$ref": "#/$defs/GenerativeUINode"}
    )


def _name_node_union(schema: Any) -> Any:
    """Replace every inline copy of the node union with a reference to ``$defs/Node``."""
    if _is_node_union(schema):
        return dict(_NODE_REF)
    if isinstance(schema, dict):
        return {key: _name_node_union(value) for key, value in schema.items()}
    if isinstance(schema, list):
        return [_name_node_union(value) for value in schema]
    return schema


def spec_json_schema() -> dict[str, Any]:
    """Return the JSON Schema of :class:`~genui.GenerativeUISpec` as a dict."""
    generated = _name_node_union(GenerativeUISpec.model_json_schema(mode="validation"))
    defs = dict(generated.pop("$defs", {}))
    defs["Node"] = _NODE_DEF
    defs["JsonValue"] = {"description": "Any JSON value."}
    generated.pop("$schema", None)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **generated,
        "$defs": dict(sorted(defs.items())),
    }


def spec_json_schema_text() -> str:
    """Return the schema as the exact text committed under ``schemas/``."""
    return json.dumps(spec_json_schema(), indent=2, sort_keys=False, ensure_ascii=False) + "\n"
