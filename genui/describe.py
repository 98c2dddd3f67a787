"""What the person saw, as compact text for the model's next turn.

:func:`describe` validates a spec the way :func:`genui.validate` does and writes its *clean*
spec — what the page shows, after sanitizing — as a few lines of text a model reads
easily: headings as ``#``, list items as ``-``, tables as ``|`` rows, links as
``[text](url)``, images as ``<image description="…" />`` (never their bytes), form fields with
their values, buttons and forms with their actions, and states such as an image blocked by
the content filter. Nesting is shown by indentation.

The result is deterministic (the same spec, registry and options give the same text) and
bounded: at most ``max_chars`` characters, each text at most ``max_text`` characters, each
table at most ``max_rows`` rows, each marked where it was cut. The walk stops once the budget
is spent, so its cost is bounded by the validation of the input plus ``max_chars``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Final

from pydantic import BaseModel

from genui.actions import ActionRef, Actions
from genui.errors import GenerativeUIValidationError
from genui.htmltext import format_number
from genui.jsontext import decode_json
from genui.limits import DEFAULT_LIMITS, Limits
from genui.registry import Registry
from genui.sanitize import UrlPolicy, url_fields
from genui.spec import GenerativeUINode, NodeValue
from genui.validate import ValidationResult, validate

__all__ = ["DEFAULT_MAX_CHARS", "describe"]

DEFAULT_MAX_CHARS: Final = 4_000
"""Default budget of :func:`describe`, in characters."""
DEFAULT_MAX_TEXT: Final = 400
"""Default longest text shown of one value (a paragraph, a cell, a label)."""
DEFAULT_MAX_ROWS: Final = 20
"""Default most table rows shown."""
_INDENT: Final = "  "
_CUT: Final = "… [cut]"
"""Ends a description that reached its budget."""
_TRANSPARENT: Final = frozenset({"Stack", "Grid"})
"""Layout-only components: their children are described in their place."""

Describer = Callable[["_Writer", Any], str | None]
"""Writes one node's own line from its validated props (a model of its component)."""


class _Writer:
    """Text for one node's own line, with the options of one :func:`describe` call."""

    def __init__(self, max_text: int, max_rows: int) -> None:
        self.max_text = max_text
        self.max_rows = max_rows

    def text(self, value: object) -> str:
        """``value`` as one line of at most ``max_text`` characters."""
        if value is None:
            return ""
        if isinstance(value, bool):
            shown = "yes" if value else "no"
        elif isinstance(value, str):
            shown = " ".join(value[: self.max_text + 1].split())
        elif isinstance(value, int | float):
            shown = format_number(value)  # as the page shows it: 42, not 42.0
        else:
            shown = json.dumps(value, ensure_ascii=False)
        if len(shown) > self.max_text:
            return shown[: self.max_text - 1] + "…"
        return shown

    def quoted(self, value: object) -> str:
        """``value`` as a double-quoted attribute value (quotes inside become ``'``)."""
        return '"' + self.text(value).replace('"', "'") + '"'


# -- one describer per built-in component --------------------------------------------------


def _labelled(kind: str, label: str) -> str:
    return f"[{kind}: {label}]" if label else f"[{kind}]"


def _action(ref: ActionRef | None) -> str:
    return f" (action: {ref.name})" if ref is not None else ""


def _heading(w: _Writer, p: Any) -> str:
    return ("#" * max(1, min(6, int(p.level))) + " " + w.text(p.text)).rstrip()


def _card(w: _Writer, p: Any) -> str:
    parts = [part for part in (w.text(p.title), w.text(p.description)) if part]
    return "[card" + (": " + " — ".join(parts) if parts else "") + "]"


def _alert(w: _Writer, p: Any) -> str:
    title = w.text(p.title)
    return f"[alert, {p.tone}" + (f": {title}" if title else "") + "]"


def _link(w: _Writer, p: Any) -> str:
    text = w.text(p.text) or w.text(p.href) or "link"
    return f"[{text}]({p.href})" if p.href else f"{text} (link removed)"


def _button(w: _Writer, p: Any) -> str:
    target = f" -> {p.href}" if p.href else _action(p.action)
    return _labelled("button", w.text(p.label)) + target


def _form(w: _Writer, p: Any) -> str:
    title = w.text(p.title)
    submit = w.text(p.submit_label)
    line = "[form" + (f": {title}" if title else "") + "]" + _action(p.action)
    return line + (f" submit: {submit}" if submit else "")


def _field(kind: str) -> Describer:
    def describe_field(w: _Writer, p: Any) -> str:
        details = [p.kind] if isinstance(getattr(p, "kind", None), str) else []
        if getattr(p, "required", False):
            details.append("required")
        line = f"[{kind} {w.quoted(p.label)}" + (f" ({', '.join(details)})]" if details else "]")
        options = getattr(p, "options", None)
        if options:
            line += " options: " + ", ".join(w.text(option.label) for option in options)
        if kind == "checkbox":
            line += " = checked" if p.checked else " = unchecked"
        else:
            value = getattr(p, "value", None)
            line += f" = {w.quoted(value)}" if value not in (None, "") else " = empty"
        for name in ("placeholder", "help"):
            extra = getattr(p, name, None)
            if extra:
                line += f" {name}: {w.quoted(extra)}"
        return line

    return describe_field


def _stat(w: _Writer, p: Any) -> str:
    delta = f" ({w.text(p.delta)})" if p.delta else ""
    line = f"[stat] {w.text(p.label)}: {w.text(p.value)}{delta}"
    if p.sparkline:
        first, last = w.text(p.sparkline[0]), w.text(p.sparkline[-1])
        line += f" sparkline of {len(p.sparkline)} values: {first} to {last}"
    return line


def _values(w: _Writer, values: list[Any]) -> str:
    """Up to ``max_rows`` values of a chart, then how many more there are."""
    shown = ", ".join("-" if value is None else w.text(value) for value in values[: w.max_rows])
    more = len(values) - w.max_rows
    return w.text(shown) + (f", … {more} more" if more > 0 else "")


def _markdown(w: _Writer, p: Any) -> str:
    """Markdown as its (clean) source, which a model reads as it wrote it: line by line."""
    text = getattr(p, "text", "")
    if not isinstance(text, str):
        return ""
    lines = [shown for line in text.split("\n", w.max_rows + 1) if (shown := w.text(line))]
    more = text.count("\n") + 1 - w.max_rows if len(lines) > w.max_rows else 0
    return "\n".join(lines[: w.max_rows] + ([f"… {more} more lines"] if more > 0 else []))


def _chart(w: _Writer, p: Any) -> str:
    lines = [f"[{p.kind} chart: {w.text(p.title)}]"]
    if p.description:
        lines.append(w.text(p.description))
    lines.append("labels: " + _values(w, p.labels))
    for axis, label in (("x", p.x_label), ("y", p.y_label)):
        if label:
            lines.append(f"{axis} axis: {w.text(label)}")
    lines.extend(f"- {w.text(one.name)}: {_values(w, one.values)}" for one in p.series)
    return "\n".join(lines)


def _progress(w: _Writer, p: Any) -> str:
    label = w.text(p.label) or "progress"
    return f"[progress] {label}: {w.text(p.value)} of {w.text(p.max)}"


def _code(w: _Writer, p: Any) -> str:
    language = f" {w.text(p.language)}" if p.language else ""
    code: str = p.code or ""
    shown = [line.rstrip() for line in code[: w.max_text].splitlines()]  # indentation kept
    cut = ["…"] if len(code) > w.max_text else []
    return "\n".join([f"[code{language}]", *(f"{_INDENT}{line}" for line in shown), *cut])


def _image(w: _Writer, p: Any) -> str:
    attrs = f"description={w.quoted(p.label)}"  # alt, else filename, as the page says
    state = p.state
    if state == "running":
        attrs += ' status="being generated"'
    elif state == "filtered":
        attrs += ' status="blocked by the content filter"'
    elif state == "failed":
        attrs += ' status="failed"'
    elif state == "unavailable":
        attrs += ' status="not shown: no usable image"'
    return f"<image {attrs} />"


def _table(w: _Writer, p: Any) -> str:
    lines = [f"[table: {w.text(p.caption)}]" if p.caption else "[table]"]
    if p.columns:
        lines.append("| " + " | ".join(w.text(column) for column in p.columns) + " |")
    for row in p.rows[: w.max_rows]:
        lines.append("| " + " | ".join(w.text(cell) for cell in row) + " |")
    if len(p.rows) > w.max_rows:
        lines.append(f"… {len(p.rows) - w.max_rows} more rows")
    return "\n".join(lines)


DESCRIBERS: Final[Mapping[str, Describer]] = {
    "Heading": _heading,
    "Text": lambda w, p: w.text(p.text),
    "ListItem": lambda w, p: "- " + w.text(p.text),
    "List": lambda w, p: "[numbered list]" if p.ordered else "[list]",
    "Card": _card,
    "Alert": _alert,
    "Badge": lambda w, p: _labelled("badge", w.text(p.label)),
    "Divider": lambda w, p: "---",
    "Link": _link,
    "Button": _button,
    "Form": _form,
    "TextInput": _field("text"),
    "TextArea": _field("text area"),
    "Select": _field("select"),
    "Checkbox": _field("checkbox"),
    "RadioGroup": _field("choice"),
    "Stat": _stat,
    "Progress": _progress,
    "Code": _code,
    "Markdown": _markdown,  # genui.components.markdown, when an app registers it
    "Image": _image,
    "Table": _table,
    "Chart": _chart,
}
"""How each built-in component is described (an app's own components: name and props)."""


def _generic(w: _Writer, name: str, props: BaseModel | None) -> str:
    """An app's component: its name, then its text, number and URL props."""
    shown: list[str] = []
    if props is not None:
        urls = url_fields(type(props))
        for field in type(props).model_fields:
            value = getattr(props, field, None)
            if isinstance(value, str | int | float) and not isinstance(value, bool):
                text = w.text(value) if field not in urls else str(value)[: w.max_text]
                if text:
                    shown.append(f"{field}={w.quoted(text)}")
    return f"[{name}" + (" " + " ".join(shown) if shown else "") + "]"


# -- the walk ------------------------------------------------------------------------------


def _lines(result: ValidationResult, w: _Writer) -> Iterator[str]:
    """The description's lines, depth first, produced one at a time (the caller may stop)."""
    spec = result.spec
    if spec is None:
        return
    root = spec.root
    stack: list[tuple[NodeValue, int]] = [
        (item, 0) for item in reversed(root if isinstance(root, list) else [root])
    ]
    while stack:
        value, depth = stack.pop()
        indent = _INDENT * depth
        if not isinstance(value, GenerativeUINode):
            text = w.text(value)
            if text:
                yield indent + text
            continue
        child_depth = depth
        if value.component not in _TRANSPARENT:
            props = result.props_model(value)
            describer = DESCRIBERS.get(value.component)
            if describer is not None and props is not None:
                line = describer(w, props)
            else:
                line = _generic(w, value.component, props)
            if line:
                yield "\n".join(indent + part for part in line.split("\n"))
                child_depth = depth + 1
        stack.extend((child, child_depth) for child in reversed(value.children))


def _nothing(problems: int, max_chars: int) -> str:
    noun = "problem" if problems == 1 else "problems"
    return f"[nothing shown: not a usable spec ({problems} {noun})]"[:max_chars]


def describe(
    spec: Any,
    *,
    registry: Registry | None = None,
    actions: Actions | None = None,
    policy: UrlPolicy | None = None,
    limits: Limits | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
    max_text: int = DEFAULT_MAX_TEXT,
    max_rows: int = DEFAULT_MAX_ROWS,
) -> str:
    """A compact, deterministic text of what ``spec`` shows, for the model's next turn.

    ``spec`` is anything :func:`genui.validate` takes (it never raises): what is described
    is the clean spec, as the person saw it, so a URL the policy refused is not repeated to
    the model. Options as for :func:`genui.validate`; ``max_chars`` bounds the whole text
    (at least 40), ``max_text`` each value, ``max_rows`` each table.

    >>> print(describe({"root": [
    ...     {"component": "Heading", "props": {"level": 2, "text": "Your order"}},
    ...     {"component": "Link", "props": {"text": "Track it", "href": "https://example.com/t"}},
    ... ]}))
    ## Your order
    [Track it](https://example.com/t)
    """
    max_chars = max(40, max_chars)
    writer = _Writer(max(8, max_text), max(1, max_rows))
    if isinstance(spec, str | bytes | bytearray):
        try:  # as data: a result validated from text builds its typed props lazily
            spec = decode_json(spec, limits or DEFAULT_LIMITS)
        except GenerativeUIValidationError as exc:
            return _nothing(len(exc.errors), max_chars)
    result = validate(spec, registry=registry, actions=actions, policy=policy, limits=limits)
    if result.spec is None:
        return _nothing(len(result.errors), max_chars)
    out: list[str] = []
    used = 0
    for line in _lines(result, writer):
        separator = 1 if out else 0
        if used + separator + len(line) <= max_chars:
            out.append(line)
            used += separator + len(line)
            continue
        room = max_chars - used - separator
        if room >= len(_CUT):
            out.append(line[: room - len(_CUT)] + _CUT)
        else:  # no room for the marker after the last line: it ends the last line instead
            whole = "\n".join(out)
            return whole[: max_chars - len(_CUT)] + _CUT
        break
    text = "\n".join(out)
    return text if text else "[nothing shown]"
