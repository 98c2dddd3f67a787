"""Deterministic worst-case inputs for genui's public entry points, at any size.

Every generator is a function ``(target_bytes) -> WorstCase``: it builds the
costliest input of its kind that is about ``target_bytes`` long (never much
longer; shorter when a limit of :class:`genui.Limits` caps the kind, e.g. the
number of nodes). The same generators feed the amplification and stress tests
(``tests/test_cost_model.py``, at 50-200 KB) and the time benchmark
(:mod:`benchmarks.cost`, at 1 MB and 2 MB).

Kinds (see :data:`GENERATORS`):

* ``tiny/<Component>`` and ``tiny-flat/<Component>``: as many minimal nodes of
  one component as fit, in the component shape and in assistant-ui's flat
  ``$type`` shape (form fields inside one Form, list items inside one List);
* ``deep/<leaf>``: a chain of Stacks to the deepest node depth, with many leaves
  at the bottom (every leaf's ``data-genui-path`` is as long as the chain);
* ``escapes/<Component>``: every string prop, and ``key``, filled to its
  longest with ``<&"'`` (characters that escape to 4-5 times their length);
* ``table/wide`` and ``table/short-rows``: 100-column tables of one-character
  cells, or of empty rows padded by one spanning cell;
* ``url/data-image``, ``url/percent-href`` and ``url/amp-href``: long image data
  URLs, and long links full of percent-escapes or ``&``;
* ``undeclared-props``: long prop names that no component declares;
* ``many-errors``: thousands of nodes, each with an unknown prop;
* ``patch/copy``: one text leaf, then ``copy`` ops of it: as long a leaf and as many
  copies as the copy budget allows (256 Ki characters plus 8 per character of the patch)
  (for :func:`genui.apply_patch` and for a stream);
* ``stream/data-url-4b``: a long data URL fed to a stream in 4-byte chunks;
* ``stream/tiny-nodes-4b``: many tiny nodes fed in 4-byte chunks;
* ``stream/many-patches``: one small ``add`` patch per node, applied one by one.

:func:`run` runs a case on its entry point and returns an :class:`Outcome`:
the bytes it hands back (HTML, an error body, SSE events...) or the
:class:`genui.GenerativeUIError` it raised. Any other exception propagates.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal, TypeAlias, get_args

import genui
from genui.catalog import json_schema
from genui.limits import DEFAULT_LIMITS
from genui.patch import COPY_CHARS_PER_PATCH_CHAR, DEFAULT_COPY_CHARS_FLOOR
from genui.sse import sse_event

__all__ = [
    "ENTRIES",
    "GENERATORS",
    "SLOW_KINDS",
    "TEXT_ENTRIES",
    "Entry",
    "Outcome",
    "WorstCase",
    "all_cases",
    "build",
    "capped",
    "default_renderer",
    "kinds",
    "run",
]

Entry: TypeAlias = Literal[
    "validate",
    "render",
    "render_with_report",
    "parse_spec",
    "apply_patch",
    "stream_feed",
    "stream_apply",
]
"""The public entry point a case targets."""

ENTRIES: tuple[Entry, ...] = get_args(Entry)
TEXT_ENTRIES: tuple[Entry, ...] = ("validate", "render", "render_with_report", "parse_spec")
"""Entry points that take one spec's JSON text (any text case may run on any of them)."""

HOSTILE = "<&\"'"
"""Characters that HTML-escape to 4 or 5 characters (``&lt;``, ``&amp;``, ``&#34;``, ``&#39;``)."""
MAX_PROP_STRING = 100_000
"""Longest string a built-in component's text prop accepts (the catalog's ``maxLength``)."""


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class WorstCase:
    """One input of one kind, and the entry point it is meant for."""

    name: str
    """The kind, e.g. ``tiny/Text`` or ``patch/copy``."""
    entry: Entry
    """Which public entry point :func:`run` calls."""
    text: str = ""
    """The spec's JSON text (text entries, ``stream_feed``), or the base spec of a patch."""
    patches: tuple[str, ...] = ()
    """JSON text of each patch: one for ``apply_patch``, one per call for ``stream_apply``."""
    chunk_bytes: int = 0
    """For ``stream_feed``: the text is fed in chunks of this many UTF-8 bytes."""

    @property
    def input_bytes(self) -> int:
        """UTF-8 bytes the agent sent: the text plus every patch."""
        return len(self.text.encode()) + sum(len(patch.encode()) for patch in self.patches)

    def chunks(self) -> list[bytes]:
        """The text cut every :attr:`chunk_bytes` bytes (multi-byte characters split too)."""
        data = self.text.encode()
        size = self.chunk_bytes or len(data) or 1
        return [data[start : start + size] for start in range(0, len(data), size)]

    def on(self, entry: Entry) -> WorstCase:
        """The same input, aimed at another entry point."""
        return replace(self, entry=entry)


@dataclass(frozen=True)
class Outcome:
    """What one run of a case handed back."""

    output_bytes: int
    """UTF-8 bytes of what the caller gets to send or store (HTML, error body, events)."""
    error: str | None = None
    """The ``code`` of the :class:`genui.GenerativeUIError` raised, if one was."""

    @property
    def label(self) -> str:
        """``ok`` or ``err:<code>``."""
        return "ok" if self.error is None else f"err:{self.error}"


def _size(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


def _error_outcome(error: genui.GenerativeUIError) -> Outcome:
    body = _dumps(error.to_dict())
    return Outcome(_size(body) + _size(str(error)), error.code)


@functools.cache
def default_renderer() -> genui.Renderer:
    """One shared renderer (templates compile once), as an application would keep."""
    return genui.Renderer()


def run(case: WorstCase, renderer: genui.Renderer | None = None) -> Outcome:
    """Run ``case`` on its entry point; a :class:`genui.GenerativeUIError` becomes an outcome.

    Output is counted as what a server would send on: the HTML of a render (and
    the report's JSON for ``render_with_report``), the JSON body of a validation
    result, the JSON of a parsed or patched spec, the SSE events of a stream, or
    an error's JSON body plus its message. Any other exception propagates.
    """
    renderer = renderer if renderer is not None else default_renderer()
    try:
        return _run(case, renderer)
    except genui.GenerativeUIError as error:
        return _error_outcome(error)


def _run(case: WorstCase, renderer: genui.Renderer) -> Outcome:
    entry = case.entry
    if entry == "validate":
        result = genui.validate(case.text)
        return Outcome(_size(_dumps(result.to_dict())))
    if entry == "render":
        return Outcome(_size(renderer.render(case.text)))
    if entry == "render_with_report":
        rendered = renderer.render_with_report(case.text)
        return Outcome(_size(rendered.html) + _size(_dumps(rendered.report.to_list())))
    if entry == "parse_spec":
        return Outcome(_size(genui.parse_spec(case.text).model_dump_json()))
    if entry == "apply_patch":
        patched = genui.apply_patch(case.text, case.patches[0])
        return Outcome(_size(patched.model_dump_json()))
    stream = genui.SpecStream(renderer=renderer)
    sent = 0
    if entry == "stream_feed":
        for chunk in case.chunks():
            updates = stream.feed(chunk)
            if updates:
                sent += _size(sse_event(updates, stream.version))
    elif entry == "stream_apply":
        if case.text:  # the base spec, sent whole as the first patch
            base = json.loads(case.text)
            updates = stream.apply([{"op": "replace", "path": "", "value": base}])
            sent += _size(sse_event(updates, stream.version))
        for patch in case.patches:
            updates = stream.apply(patch)
            if updates:
                sent += _size(sse_event(updates, stream.version))
    else:  # pragma: no cover - Entry is closed
        raise ValueError(f"unknown entry {entry!r}")
    stream.close()
    return Outcome(sent)


# -- building blocks -----------------------------------------------------------------------

Node: TypeAlias = dict[str, Any]
OPTIONS = [{"value": "a", "label": "A"}]

MINIMAL: Mapping[str, Mapping[str, Any]] = {
    "Card": {},
    "Stack": {},
    "Grid": {},
    "Divider": {},
    "Heading": {},
    "Text": {},
    "Code": {},
    "Badge": {},
    "Alert": {},
    "Link": {},
    "Button": {},
    "Form": {},
    "TextInput": {"name": "a", "label": "L"},
    "TextArea": {"name": "a", "label": "L"},
    "Select": {"name": "a", "label": "L", "options": OPTIONS},
    "Checkbox": {"name": "a", "label": "L"},
    "RadioGroup": {"name": "a", "label": "L", "options": OPTIONS},
    "Stat": {"label": "", "value": 0},
    "List": {},
    "ListItem": {},
    "Table": {},
    "Progress": {"value": 0},
    "Image": {},
}
"""The smallest valid props of every built-in component."""

COMPONENTS: tuple[str, ...] = tuple(MINIMAL)
FIELDS = frozenset({"TextInput", "TextArea", "Select", "Checkbox", "RadioGroup"})
"""Components that live only inside a Form."""
NAMED = FIELDS
"""Components whose ``name`` must be unique within their form."""


def _node(component: str, props: Mapping[str, Any], *, flat: bool, key: str | None = None) -> Node:
    if flat:
        node: Node = {"$type": component, **props}
        if key is not None:
            node["$key"] = key
        return node
    node = {"component": component}
    if props:
        node["props"] = dict(props)
    if key is not None:
        node["key"] = key
    return node


def _parent_for(component: str, *, flat: bool) -> tuple[str, Mapping[str, Any]] | None:
    """The container a non-standalone component must sit in (a Form or a List), if any."""
    if component in FIELDS:
        return "Form", {}
    if component == "ListItem":
        return "List", {}
    return None


def _field_name(index: int) -> str:
    return f"f{index}"


def _fill(
    make: Callable[[int], Node],
    target_bytes: int,
    *,
    wrap: Callable[[list[Any]], Any] | None = None,
    max_items: int = DEFAULT_LIMITS.max_nodes - 1,
) -> str:
    """JSON text of ``{"root": wrap([make(0), make(1), ...])}`` of about ``target_bytes``.

    Items are added while the text stays within ``target_bytes`` (at least one),
    and at most ``max_items`` of them.
    """
    empty = _dumps({"root": wrap([]) if wrap else []})
    budget = target_bytes - len(empty.encode())
    items: list[Any] = []
    used = 0
    while len(items) < max_items:
        item = make(len(items))
        cost = len(_dumps(item).encode()) + (1 if items else 0)
        if items and used + cost > budget:
            break
        items.append(item)
        used += cost
    return _dumps({"root": wrap(items) if wrap else items})


def _many(
    component: str, props_for: Callable[[int], Mapping[str, Any]], *, flat: bool
) -> tuple[Callable[[int], Node], Callable[[list[Any]], Any] | None]:
    def make(index: int) -> Node:
        return _node(component, props_for(index), flat=flat)

    parent = _parent_for(component, flat=flat)
    if parent is None:
        return make, None
    name, props = parent

    def wrap(items: list[Any]) -> Any:
        node = _node(name, props, flat=flat)
        node["children"] = items
        return node

    return make, wrap


def _minimal_props(component: str) -> Callable[[int], Mapping[str, Any]]:
    props = MINIMAL[component]
    if component in NAMED:
        return lambda index: {**props, "name": _field_name(index)}
    return lambda index: props


# -- kinds ---------------------------------------------------------------------------------


def tiny(component: str, *, flat: bool = False) -> Callable[[int], WorstCase]:
    """Many minimal nodes of ``component`` (up to the node limit)."""
    kind = f"tiny-flat/{component}" if flat else f"tiny/{component}"

    def generate(target_bytes: int) -> WorstCase:
        make, wrap = _many(component, _minimal_props(component), flat=flat)
        return WorstCase(kind, "render", _fill(make, target_bytes, wrap=wrap))

    generate.__doc__ = f"{kind}: as many minimal {component} nodes as fit."
    return generate


DEEP_LEAVES: Mapping[str, Callable[[int], Any]] = {
    "text": lambda index: "a",
    "Divider": lambda index: {"component": "Divider"},
    "Badge": lambda index: {"component": "Badge", "props": {"label": "a"}},
    "Image": lambda index: {"component": "Image"},
    "Progress": lambda index: {"component": "Progress", "props": {"value": 0}},
    "Form": lambda index: {
        "component": "Form",
        "children": [{"component": "Checkbox", "props": {"name": "a", "label": "L"}}],
    },
    "Form-fields": lambda index: {
        "component": "Checkbox",
        "props": {"name": _field_name(index), "label": "L"},
    },
    "flat-Divider": lambda index: {"$type": "Divider"},
    "keyed-Divider": lambda index: {"component": "Divider", "key": f"k{index}"},
}
"""What sits at the bottom of a ``deep/...`` chain, by name."""


def deep(leaf: str) -> Callable[[int], WorstCase]:
    """A chain of Stacks to the node-depth limit, with many ``leaf`` nodes at the bottom."""
    kind = f"deep/{leaf}"
    make_leaf = DEEP_LEAVES[leaf]
    depth = DEFAULT_LIMITS.max_depth - 2  # leaves sit at max_depth (Forms' fields: +1)

    def wrap(items: list[Any]) -> Any:
        bottom = "Form" if leaf == "Form-fields" else "Stack"
        node: Any = {"component": bottom, "children": items}
        for _ in range(depth - 1):
            node = {"component": "Stack", "children": [node]}
        return node

    def generate(target_bytes: int) -> WorstCase:
        max_items = DEFAULT_LIMITS.max_nodes - depth - 1
        if leaf == "Form":
            max_items //= 2
        return WorstCase(
            kind, "render", _fill(make_leaf, target_bytes, wrap=wrap, max_items=max_items)
        )

    generate.__doc__ = f"{kind}: {depth} nested Stacks, then as many {leaf} leaves as fit."
    return generate


_SCHEMA = json_schema(genui.default_registry())


def _string_props(component: str) -> dict[str, int]:
    """Free-text string props of ``component`` and their longest allowed length.

    Enums, patterns (field names) and URL props (no ``maxLength``) are left out.
    """
    definition = _SCHEMA["$defs"][f"{component}Node"]
    props = definition["properties"].get("props", {}).get("properties", {})
    found: dict[str, int] = {}
    for name, schema in props.items():
        for option in schema.get("anyOf", [schema]):
            if option.get("type") != "string" or "enum" in option or "pattern" in option:
                continue
            if "maxLength" in option:
                found[name] = int(option["maxLength"])
    return found


_HOSTILE_RUN = "&'<&'\"&'"
"""The characters of :data:`HOSTILE`, weighted to those one JSON byte each (``"`` takes two)."""


def _hostile(length: int) -> str:
    return (_HOSTILE_RUN * (length // len(_HOSTILE_RUN) + 1))[:length]


def escapes(component: str) -> Callable[[int], WorstCase]:
    """Nodes of ``component`` with every string prop and ``key`` full of ``<&"'``."""
    kind = f"escapes/{component}"
    strings = _string_props(component)

    def props_for(length: int) -> Callable[[int], Mapping[str, Any]]:
        base = _minimal_props(component)

        def props(index: int) -> Mapping[str, Any]:
            filled = dict(base(index))
            for name, longest in strings.items():
                filled[name] = _hostile(min(longest, length))
            if component in ("Select", "RadioGroup"):
                filled["options"] = [{"value": "a", "label": _hostile(min(200, length))}]
            return filled

        return props

    def generate(target_bytes: int) -> WorstCase:
        # Strings as long as allowed, but several nodes per case even at small sizes.
        length = max(16, min(MAX_PROP_STRING, target_bytes // (4 * max(1, len(strings) + 1))))
        make, wrap = _many(component, props_for(length), flat=False)

        def keyed(index: int) -> Node:
            node = make(index)
            node["key"] = _hostile(length)[: length - 8] + f"{index:08d}"
            return node

        return WorstCase(kind, "render", _fill(keyed, target_bytes, wrap=wrap))

    generate.__doc__ = f"{kind}: {component} nodes full of escaped characters."
    return generate


def table(shape: Literal["wide", "short-rows"]) -> Callable[[int], WorstCase]:
    """100-column tables of one-character cells, or of empty rows (one spanning cell each)."""
    kind = f"table/{shape}"
    columns = ["a"] * 100

    def generate(target_bytes: int) -> WorstCase:
        row: list[Any] = [0] * 100 if shape == "wide" else []
        per_row = len(_dumps(row)) + 1
        budget = max(1, target_bytes - 1_000)
        rows_total = max(1, budget // per_row)

        def make(index: int) -> Node:
            count = min(1_000, rows_total - index * 1_000)
            return {"component": "Table", "props": {"columns": columns, "rows": [row] * count}}

        tables = max(1, -(-rows_total // 1_000))
        return WorstCase(kind, "render", _fill(make, target_bytes + 1_000, max_items=tables))

    generate.__doc__ = f"{kind}: 100-column tables."
    return generate


URL_KINDS = ("data-image", "percent-href", "amp-image")


def url(shape: str) -> Callable[[int], WorstCase]:
    """Nodes whose URL prop is as long as the URL policy allows.

    ``data-image``: one Image whose ``data:`` URL is about as long as the input;
    ``percent-href``: Links whose 8 KiB ``https`` URLs are percent-escapes, ``&`` and
    ``'``; ``amp-image``: Images whose 8 KiB ``https`` URLs are all ``&`` and ``'``
    (an Image writes its URL four times).
    """
    kind = f"url/{shape}"
    limit = genui.DEFAULT_URL_POLICY.max_length

    def generate(target_bytes: int) -> WorstCase:
        if shape == "data-image":
            length = max(64, min(DEFAULT_LIMITS.max_string_length, target_bytes - 200))
            prefix = "data:image/png;base64,"
            value = prefix + "A" * (length - len(prefix))
            node = {"component": "Image", "props": {"image": value, "filename": "a.png"}}
            return WorstCase(kind, "render", _dumps({"root": node}))
        length = max(64, min(limit, target_bytes // 4))
        prefix = "https://example.com/?"

        def make(index: int) -> Node:
            stem = f"{prefix}{index}"
            if shape == "percent-href":
                value = stem + ("%3C&'" * length)[: length - len(stem)]
                return {"component": "Link", "props": {"href": value, "text": "a"}}
            value = stem + ("&'" * length)[: length - len(stem)]
            return {"component": "Image", "props": {"image": value}}

        return WorstCase(kind, "render", _fill(make, target_bytes))

    generate.__doc__ = f"{kind}: URLs as long as allowed."
    return generate


def undeclared_props(target_bytes: int) -> WorstCase:
    """undeclared-props: Text nodes with 256 long prop names no component declares."""
    per_node = DEFAULT_LIMITS.max_props_per_node
    length = max(8, min(10_000, target_bytes // (4 * per_node)))

    def make(index: int) -> Node:
        props = {f"{_hostile(length)}{index:06d}{n:03d}": 0 for n in range(per_node)}
        return {"component": "Text", "props": props}

    return WorstCase("undeclared-props", "validate", _fill(make, target_bytes))


def many_errors(target_bytes: int) -> WorstCase:
    """many-errors: as many Text nodes as fit, each with one unknown prop."""

    def make(index: int) -> Node:
        return {"component": "Text", "props": {"x": 0}}

    return WorstCase("many-errors", "validate", _fill(make, target_bytes))


def patch_copy(target_bytes: int) -> WorstCase:
    """patch/copy: one text leaf, then as many ``copy`` ops of it as the budget allows.

    Half the bytes are ``copy`` ops; the leaf is as long as lets every copy pass the copy
    budget (256 Ki characters plus 8 per character of the patch): the most text a patch
    of this size may make.
    """
    op = {"op": "copy", "from": "/root/0", "path": "/root/-"}
    per_op = len(_dumps(op)) + 1
    count = max(1, target_bytes // 2 // per_op)
    budget = DEFAULT_COPY_CHARS_FLOOR + COPY_CHARS_PER_PATCH_CHAR * per_op * count
    longest = min(DEFAULT_LIMITS.max_string_length, DEFAULT_LIMITS.max_total_chars // (count + 1))
    length = max(16, min(target_bytes // 2, longest, budget // count - 8))
    base = _dumps({"root": ["a" * length]})
    return WorstCase("patch/copy", "apply_patch", base, (_dumps([op] * count),))


def stream_copy(target_bytes: int) -> WorstCase:
    """stream/copy: :func:`patch_copy`'s leaf and ops, applied to a stream (so rendered)."""
    case = patch_copy(target_bytes)
    return WorstCase("stream/copy", "stream_apply", case.text, case.patches)


def stream_data_url(target_bytes: int) -> WorstCase:
    """stream/data-url-4b: an Image with a data URL as long as the size, fed 4 bytes at a time."""
    case = url("data-image")(target_bytes)
    return WorstCase("stream/data-url-4b", "stream_feed", case.text, chunk_bytes=4)


def stream_tiny_nodes(target_bytes: int) -> WorstCase:
    """stream/tiny-nodes-4b: many minimal Text nodes, fed 4 bytes at a time."""
    case = tiny("Badge")(target_bytes)
    return WorstCase("stream/tiny-nodes-4b", "stream_feed", case.text, chunk_bytes=4)


def stream_many_patches(target_bytes: int) -> WorstCase:
    """stream/many-patches: a Stack, then one ``add`` patch per Badge, applied one by one."""
    first = _dumps(
        [{"op": "add", "path": "/root", "value": {"component": "Stack", "children": []}}]
    )
    op = [{"op": "add", "path": "/root/children/-", "value": {"component": "Badge"}}]
    text = _dumps(op)
    count = max(1, min(DEFAULT_LIMITS.max_nodes - 2, (target_bytes - len(first)) // len(text)))
    return WorstCase("stream/many-patches", "stream_apply", "", (first, *([text] * count)))


def _generators() -> dict[str, Callable[[int], WorstCase]]:
    found: dict[str, Callable[[int], WorstCase]] = {}
    for component in COMPONENTS:
        found[f"tiny/{component}"] = tiny(component)
    for component in COMPONENTS:
        found[f"tiny-flat/{component}"] = tiny(component, flat=True)
    for leaf in DEEP_LEAVES:
        found[f"deep/{leaf}"] = deep(leaf)
    for component in COMPONENTS:
        if _string_props(component):
            found[f"escapes/{component}"] = escapes(component)
    found["table/wide"] = table("wide")
    found["table/short-rows"] = table("short-rows")
    for shape in URL_KINDS:
        found[f"url/{shape}"] = url(shape)
    found["undeclared-props"] = undeclared_props
    found["many-errors"] = many_errors
    found["patch/copy"] = patch_copy
    found["stream/copy"] = stream_copy
    found["stream/data-url-4b"] = stream_data_url
    found["stream/tiny-nodes-4b"] = stream_tiny_nodes
    found["stream/many-patches"] = stream_many_patches
    return found


GENERATORS: Mapping[str, Callable[[int], WorstCase]] = _generators()
"""Every kind by name: ``(target_bytes) -> WorstCase``."""

SLOW_KINDS: Mapping[str, int] = {
    "stream/many-patches": 48 * 1024,
    "stream/tiny-nodes-4b": 64 * 1024,
    "stream/data-url-4b": 128 * 1024,
}
"""Kinds whose CPU time currently grows faster than their size, and the most bytes a
caller should build them at so that one run takes seconds, not minutes (at these sizes
``stream/many-patches`` takes about 1 s; it is quadratic). Drop an entry once genui
makes the kind linear; :func:`capped` applies the caps."""


def capped(kind: str, target_bytes: int) -> int:
    """``target_bytes``, or less for a kind of :data:`SLOW_KINDS`."""
    return min(target_bytes, SLOW_KINDS.get(kind, target_bytes))


def kinds() -> list[str]:
    """The names of every kind, in a fixed order."""
    return list(GENERATORS)


def build(kind: str, target_bytes: int) -> WorstCase:
    """The case of ``kind`` at about ``target_bytes``."""
    return GENERATORS[kind](target_bytes)


def all_cases(target_bytes: int, names: Sequence[str] | None = None) -> Iterator[WorstCase]:
    """Every kind (or those in ``names``) at about ``target_bytes``."""
    for name in names if names is not None else kinds():
        yield build(name, target_bytes)
