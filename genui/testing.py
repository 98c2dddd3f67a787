"""Hypothesis strategies for fuzzing genui and your own registries.

``specs(registry)`` draws valid specs from the registry's catalog schema (the
same JSON Schema an LLM is constrained by), so anything it draws must render.
``hostile_specs(registry)`` mixes attack payloads into every position a spec
has: text, props, URLs, keys and component names. Requires ``hypothesis``
(installed with genui's ``dev`` extra)::

    from hypothesis import given
    from genui.testing import hostile_specs

    @given(hostile_specs(my_registry))
    def test_my_registry_never_runs_script(spec): ...
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from hypothesis import strategies as st

from genui.catalog import json_schema
from genui.components import default_registry
from genui.limits import MAX_INTEGER
from genui.registry import Registry

__all__ = ["HOSTILE_STRINGS", "from_schema", "hostile_specs", "hostile_text", "specs"]

HOSTILE_STRINGS: tuple[str, ...] = (
    "<script>alert(1)</script>",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    " \x01javascript:alert(1)",
    "&#106;avascript:alert(1)",
    "&#x6A;avascript&colon;alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+",
    '"><img src=x onerror=alert(1)>',
    "'><svg/onload=alert(1)>",
    "</textarea><script>alert(1)</script>",
    "<iframe srcdoc='<script>alert(1)</script>'>",
    "{{7*7}}{% raw %}",
    "expression(alert(1))",
    "url(javascript:alert(1))",
    "__proto__",
    "constructor",
    "onclick",
    "\x00",
    "\u2028\u2029",
    "\ufeff",
    "]]><!--",
    "&amp;&lt;",
)
"""Attack fragments from public XSS corpora and peer renderers' bug history."""

_TEXT_CAP = 24
_LIST_CAP = 4


def hostile_text(extra: Sequence[str] = ()) -> st.SearchStrategy[str]:
    """Strings that mix random text with attack fragments (and ``extra`` payloads)."""
    fragments = st.sampled_from([*HOSTILE_STRINGS, *extra])
    return st.lists(fragments | st.text(max_size=6), min_size=1, max_size=4).map("".join)


def _resolve(ref: str, root: Mapping[str, Any]) -> Mapping[str, Any]:
    if not ref.startswith("#/"):
        raise ValueError(f"only local references are supported: {ref}")
    target: Any = root
    for part in ref[2:].split("/"):
        target = target[part.replace("~1", "/").replace("~0", "~")]
    return target  # type: ignore[no-any-return]


class _SchemaStrategies:
    """Builds strategies for the JSON Schema subset that genui's catalog emits."""

    def __init__(self, root: Mapping[str, Any], max_depth: int, text: st.SearchStrategy[str]):
        self.root = root
        self.max_depth = max_depth
        self.text = text
        self._refs: dict[tuple[str, int], st.SearchStrategy[Any]] = {}

    def build(self, schema: Any, depth: int) -> st.SearchStrategy[Any]:
        if schema is True or schema == {}:
            return st.none() | st.booleans() | st.integers() | self.text
        if not isinstance(schema, Mapping):
            return st.nothing()
        if "$ref" in schema:
            if depth >= self.max_depth:
                return st.nothing()
            ref = schema["$ref"]
            cached = self._refs.get((ref, depth))
            if cached is None:
                cached = self.build(_resolve(ref, self.root), depth + 1)
                self._refs[(ref, depth)] = cached
            return cached
        if "const" in schema:
            return st.just(schema["const"])
        if "enum" in schema:
            return st.sampled_from(list(schema["enum"]))
        options = schema.get("anyOf") or schema.get("oneOf")
        if options:
            branches = [self.build(option, depth) for option in options]
            live = [branch for branch in branches if not branch.is_empty]
            return st.one_of(live) if live else st.nothing()
        kind = schema.get("type")
        if isinstance(kind, list):
            return st.one_of([self.build({**schema, "type": item}, depth) for item in kind])
        return self._typed(schema, kind, depth)

    def _typed(self, schema: Mapping[str, Any], kind: Any, depth: int) -> st.SearchStrategy[Any]:
        if kind == "null":
            return st.none()
        if kind == "boolean":
            return st.booleans()
        if kind in ("integer", "number"):
            return self._number(schema, integer=kind == "integer")
        if kind == "string":
            return self._string(schema)
        if kind == "array":
            items = self.build(schema.get("items", {}), depth)
            low = int(schema.get("minItems", 0))
            if items.is_empty:
                return st.just([]) if low == 0 else st.nothing()
            high = min(int(schema.get("maxItems", _LIST_CAP)), max(low, _LIST_CAP))
            return st.lists(items, min_size=low, max_size=high)
        if kind == "object" or "properties" in schema:
            properties: Mapping[str, Any] = schema.get("properties", {})
            required = set(schema.get("required", ()))
            fixed = {name: self.build(sub, depth) for name, sub in properties.items()}
            if any(fixed[name].is_empty for name in required):
                return st.nothing()
            return st.fixed_dictionaries(
                {name: fixed[name] for name in properties if name in required},
                optional={
                    name: fixed[name]
                    for name in properties
                    if name not in required and not fixed[name].is_empty
                },
            )
        return st.nothing()

    @staticmethod
    def _number(schema: Mapping[str, Any], *, integer: bool) -> st.SearchStrategy[Any]:
        exclude_low = "exclusiveMinimum" in schema
        exclude_high = "exclusiveMaximum" in schema
        low = schema.get("exclusiveMinimum", schema.get("minimum"))
        high = schema.get("exclusiveMaximum", schema.get("maximum"))
        if integer:
            return st.integers(
                min_value=-MAX_INTEGER if low is None else int(low) + int(exclude_low),
                max_value=MAX_INTEGER if high is None else int(high) - int(exclude_high),
            )
        floats = st.floats(
            min_value=low,
            max_value=high,
            exclude_min=exclude_low and low is not None,
            exclude_max=exclude_high and high is not None,
            allow_nan=False,
            allow_infinity=False,
        )
        if low is None and high is None:
            return floats | st.integers(min_value=-MAX_INTEGER, max_value=MAX_INTEGER)
        return floats

    def _string(self, schema: Mapping[str, Any]) -> st.SearchStrategy[str]:
        low = int(schema.get("minLength", 0))
        high = min(int(schema.get("maxLength", _TEXT_CAP)), max(low, _TEXT_CAP))
        if schema.get("format") == "uri-reference":  # a URL prop: one the default policy takes
            paths = st.from_regex(re.compile(r"[A-Za-z0-9_./-]{0,40}"), fullmatch=True)
            return paths.map(lambda path: "https://example.com/" + path)
        if "pattern" in schema:
            pattern = schema["pattern"]
            return st.from_regex(re.compile(pattern), fullmatch=True).filter(
                lambda text: low <= len(text) <= int(schema.get("maxLength", 1 << 30))
            )
        return self.text.filter(lambda text: low <= len(text) <= high)


def from_schema(
    schema: Mapping[str, Any], *, max_depth: int = 4, text: st.SearchStrategy[str] | None = None
) -> st.SearchStrategy[Any]:
    """Values valid against ``schema``, for the subset genui's catalog emits.

    Supports local ``$ref``, ``anyOf``/``oneOf``, ``const``, ``enum``, the JSON
    types, ``properties``/``required``, ``items``, numeric bounds, string
    lengths, ``pattern`` and ``format: uri-reference`` (drawn as ``https://example.com/…``
    URLs, which the default URL policy accepts). References nest at most ``max_depth`` deep.
    """
    strings = text if text is not None else st.text(max_size=_TEXT_CAP)
    return _SchemaStrategies(schema, max_depth, strings).build(schema, 0)


def specs(
    registry: Registry | None = None, *, strict: bool = False, max_depth: int = 4
) -> st.SearchStrategy[dict[str, Any]]:
    """Valid specs over ``registry`` (as plain JSON data), drawn from its catalog schema."""
    schema = json_schema(registry if registry is not None else default_registry(), strict=strict)
    return from_schema(schema, max_depth=max_depth)


def hostile_specs(
    registry: Registry | None = None, *, payloads: Sequence[str] = (), max_depth: int = 4
) -> st.SearchStrategy[dict[str, Any]]:
    """Specs over ``registry`` with attack strings in every position.

    Text leaves, string props (URLs included) and keys come from
    :func:`hostile_text` (plus ``payloads``, e.g. a corpus); some nodes get an
    extra prop named like an event handler, and some a component name that is
    not in the registry. A renderer must turn every draw into safe HTML, a
    report, or a :class:`~genui.GenerativeUIError`.
    """
    registry = registry if registry is not None else default_registry()
    schema = json_schema(registry)
    text = hostile_text(payloads)
    valid = _SchemaStrategies(schema, max_depth, text).build(schema, 0)
    return valid.flatmap(lambda spec: _twist(spec, text))


_TWISTS = ("none", "none", "event_prop", "unknown_name", "prototype_name", "raw_html_prop")


def _twist(spec: Any, text: st.SearchStrategy[str]) -> st.SearchStrategy[Any]:
    """Apply random hostile twists to the nodes of a valid spec."""

    @st.composite
    def twisted(draw: st.DrawFn) -> Any:
        def walk(value: Any) -> Any:
            if isinstance(value, list):
                return [walk(item) for item in value]
            if not isinstance(value, dict):
                return value
            result = {key: walk(item) for key, item in value.items()}
            if "component" not in result:
                return result
            twist = draw(st.sampled_from(_TWISTS))
            props = dict(result.get("props") or {})
            if twist == "event_prop":
                props[draw(st.sampled_from(["onclick", "onError", "ONLOAD", " onfocus"]))] = draw(
                    text
                )
            elif twist == "raw_html_prop":
                props[
                    draw(
                        st.sampled_from(["dangerouslySetInnerHTML", "innerHTML", "srcdoc", "style"])
                    )
                ] = draw(text)
            elif twist == "unknown_name":
                result["component"] = draw(st.sampled_from(["Script", "iframe", "Ca", "Card2"]))
            elif twist == "prototype_name":
                result["component"] = draw(
                    st.sampled_from(["constructor", "toString", "get", "items", "mro"])
                )
            if twist in ("event_prop", "raw_html_prop"):
                result["props"] = props
            if draw(st.booleans()):
                result["key"] = draw(text)
            return result

        return walk(spec)

    return twisted()
