"""What genui is measured against: the floor and the obvious alternative.

* :func:`floor_render` — the least Python can do: a hand-written recursive
  f-string render of the decoded JSON, every text escaped with
  :func:`markupsafe.escape`, no validation and no sanitization. One element per
  component with its text props (tables with their cells, links and images with
  their URL), close in size to genui's output minus its attributes.
* :class:`Alternative` — what a team without genui would write: validate the
  decoded JSON with ``jsonschema`` against ``schemas/generative-ui-spec.schema.json``
  (validator built once), then render it with one Jinja2 template holding a
  recursive macro, autoescape on. No props models, no URL policy.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jinja2 import Environment
from jsonschema import Draft202012Validator
from markupsafe import escape

__all__ = ["SCHEMA_PATH", "Alternative", "floor_page", "floor_render"]

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schemas" / "generative-ui-spec.schema.json"
"""The spec's JSON Schema, as published by ``genui schema``."""

_TAGS = {
    "Card": "section",
    "Text": "p",
    "ListItem": "li",
    "Badge": "span",
    "Code": "pre",
    "Alert": "div",
    "Stack": "div",
    "Grid": "div",
}
_TEXT_PROPS = ("text", "label", "code")


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if value is True or value is False:
        return "Yes" if value else "No"
    return escape(value)


def floor_render(node: Any) -> str:
    """Render one decoded node (no checks at all: this is the floor, not a renderer)."""
    if isinstance(node, str):
        return escape(node)
    if not isinstance(node, dict):
        return str(node)
    name = node["component"]
    props = node.get("props") or {}
    children = "".join([floor_render(child) for child in node.get("children") or ()])
    if name == "Table":
        head = "".join([f"<th>{escape(column)}</th>" for column in props.get("columns", ())])
        body = "".join(
            [
                "<tr>" + "".join([f"<td>{_cell(cell)}</td>" for cell in row]) + "</tr>"
                for row in props.get("rows", ())
            ]
        )
        caption = props.get("caption")
        caption_html = f"<caption>{escape(caption)}</caption>" if caption else ""
        return (
            f'<div class="genui-table"><table>{caption_html}<thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table></div>"
        )
    if name == "Image":
        alt = props.get("alt") or props.get("filename") or ""
        return (
            f'<figure class="genui-image"><img src="{escape(props.get("image", ""))}"'
            f' alt="{escape(alt)}"></figure>'
        )
    if name in ("Link", "Button"):
        text = escape(props.get("text") or props.get("label") or "")
        href = escape(props.get("href") or "")
        return f'<a class="genui-{name.lower()}" href="{href}">{text}{children}</a>'
    if name == "Stat":
        delta = props.get("delta")
        delta_html = f"<dd>{escape(delta)}</dd>" if delta else ""
        return (
            f'<dl class="genui-stat"><dt>{escape(props["label"])}</dt>'
            f"<dd>{escape(props['value'])}</dd>{delta_html}</dl>"
        )
    if name == "Heading":
        level = props.get("level", 2)
        text = escape(props.get("text") or "")
        return f'<h{level} class="genui-heading">{text}{children}</h{level}>'
    if name == "Divider":
        return '<hr class="genui-divider">'
    if name == "Progress":
        label = escape(props.get("label") or "")
        return (
            f'<div class="genui-progress">{label}<progress value="{props["value"]}"'
            f' max="{props.get("max", 100)}"></progress></div>'
        )
    if name == "List":
        tag = "ol" if props.get("ordered") else "ul"
        return f'<{tag} class="genui-list">{children}</{tag}>'
    tag = _TAGS.get(name, "div")
    title = props.get("title")
    description = props.get("description")
    text = next((props[key] for key in _TEXT_PROPS if props.get(key) is not None), "")
    return (
        f'<{tag} class="genui-{name.lower()}">'
        + (f"<h3>{escape(title)}</h3>" if title else "")
        + (f"<p>{escape(description)}</p>" if description else "")
        + f"{escape(text)}{children}</{tag}>"
    )


def floor_page(spec: dict[str, Any]) -> str:
    """Render a decoded spec (``{"root": node | [node]}``) with :func:`floor_render`."""
    root = spec["root"]
    roots = root if isinstance(root, list) else [root]
    return "".join([floor_render(node) for node in roots])


_TEMPLATE = """\
{%- macro node(n) -%}
{%- if n is string or n is number -%}{{ n }}
{%- else -%}
{%- set p = n.props or {} -%}
{%- set c = n.component -%}
{%- if c == "Table" -%}
<div class="genui-table"><table>{% if p.caption %}<caption>{{ p.caption }}</caption>{% endif -%}
<thead><tr>{% for h in p.columns or [] %}<th>{{ h }}</th>{% endfor %}</tr></thead><tbody>
{%- for row in p.rows or [] %}<tr>{% for cell in row %}<td>
{%- if cell is none %}{% elif cell is boolean %}{{ "Yes" if cell else "No" }}{% else %}{{ cell }}
{%- endif %}</td>{% endfor %}</tr>{% endfor %}</tbody></table></div>
{%- elif c == "Image" -%}
<figure class="genui-image"><img src="{{ p.image }}" alt="{{ p.alt or p.filename or "" }}"></figure>
{%- elif c == "Link" or c == "Button" -%}
<a class="genui-{{ c|lower }}" href="{{ p.href or "" }}">{{ p.text or p.label or "" }}
{%- for child in n.children or [] %}{{ node(child) }}{% endfor %}</a>
{%- elif c == "Stat" -%}
<dl class="genui-stat"><dt>{{ p.label }}</dt><dd>{{ p.value }}</dd>
{%- if p.delta %}<dd>{{ p.delta }}</dd>{% endif %}</dl>
{%- elif c == "Heading" -%}
{%- set level = p.level or 2 -%}
<h{{ level }} class="genui-heading">{{ p.text or "" }}
{%- for child in n.children or [] %}{{ node(child) }}{% endfor %}</h{{ level }}>
{%- elif c == "Divider" -%}<hr class="genui-divider">
{%- elif c == "Progress" -%}
<div class="genui-progress">{{ p.label or "" }}<progress value="{{ p.value }}" max="
{{- p.max or 100 }}"></progress></div>
{%- elif c == "List" -%}
{%- set tag = "ol" if p.ordered else "ul" -%}
<{{ tag }} class="genui-list">{% for child in n.children or [] %}{{ node(child) }}{% endfor -%}
</{{ tag }}>
{%- else -%}
{%- set tag = tags.get(c, "div") -%}
<{{ tag }} class="genui-{{ c|lower }}">
{%- if p.title %}<h3>{{ p.title }}</h3>{% endif -%}
{%- if p.description %}<p>{{ p.description }}</p>{% endif -%}
{{ p.text or p.label or p.code or "" }}
{%- for child in n.children or [] %}{{ node(child) }}{% endfor %}</{{ tag }}>
{%- endif -%}
{%- endif -%}
{%- endmacro -%}
{%- set root = spec.root -%}
{%- for n in (root if root is sequence and root is not mapping and root is not string
              else [root]) %}{{ node(n) }}{% endfor -%}
"""


class Alternative:
    """``jsonschema`` validation, then a recursive Jinja2 macro: genui without genui."""

    def __init__(self, schema_path: Path = SCHEMA_PATH) -> None:
        schema = json.loads(schema_path.read_text(encoding="utf-8"))
        self.validator = Draft202012Validator(schema)
        environment = Environment(autoescape=True)
        environment.globals["tags"] = _TAGS
        self.template = environment.from_string(_TEMPLATE)

    def validate(self, data: Any) -> Any:
        """Raise :class:`jsonschema.ValidationError` unless ``data`` is a valid spec."""
        self.validator.validate(data)
        return data

    def render(self, data: Any) -> str:
        """Render already-validated decoded data."""
        return self.template.render(spec=data)

    def __call__(self, text: str) -> str:
        """Decode, validate and render spec text."""
        return self.render(self.validate(json.loads(text)))
