"""The HTML of the built-in components, written by plain Python functions.

Each writer returns one component's element as a ``str`` of HTML. The inputs are
trusted in exactly one way: ``children`` and ``content`` are HTML that genui
rendered and escaped already. Everything taken from ``props`` or ``key`` goes
through :func:`genui.htmltext.escape_html` (or is a validated literal, number or
boolean); tag names and classes are picked from validated values, never built
from input. The renderer wraps the finished fragment in :class:`~markupsafe.Markup`
once.

These functions are what the built-in template names (``genui/card.html``...)
render to: a Jinja2 template of the same name in an application's loaders still
takes precedence (see :class:`genui.Renderer`). Plain functions do the same work
as the templates did without a template context per node, which made rendering
about twice as fast (``docs/performance.md``). The Image component's writer lives
with its props model, in :mod:`genui.components.image`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final, TypeAlias

from pydantic import BaseModel

from genui.components.actions import ButtonProps, LinkProps
from genui.components.data import ListItemProps, ListProps, ProgressProps, StatProps, TableProps
from genui.components.image import ImagePart, write_image
from genui.components.layout import CardProps, DividerProps, GridProps, StackProps
from genui.components.text import AlertProps, BadgeProps, CodeProps, HeadingProps, TextProps
from genui.htmltext import dom_id, escape_html, format_number, identity_attrs

__all__ = ["BUILTIN_WRITERS", "Writer", "identity_attrs"]

Writer: TypeAlias = Callable[[Any, str, str, str, str, "str | None", str], str]
"""``writer(props, children, content, cls, path, key, id_prefix)`` → the element's HTML.

``children`` is the rendered children and ``content`` the escaped text prop followed by
them; ``cls`` is the component's escaped class (``genui-card``); ``path`` and ``key``
identify the node (see :func:`identity_attrs`); ``id_prefix`` starts element ids.
"""

_LINK_TAIL: Final = ' rel="noopener noreferrer nofollow" target="_blank">'


def _card(
    props: CardProps, children: str, content: str, cls: str, path: str, key: str | None, prefix: str
) -> str:
    ident = identity_attrs(path, key)
    title = props.title
    if title is None:
        head = f'<section class="{cls}"{ident}>\n'
    else:
        label = f"{dom_id(prefix, path)}-title"
        head = (
            f'<section class="{cls}"{ident} aria-labelledby="{label}">\n'
            f'<h3 class="genui-card__title" id="{label}">{escape_html(title)}</h3>'
        )
    if props.description is not None:
        head += f'<p class="genui-card__description">{escape_html(props.description)}</p>'
    if children:
        head += f'<div class="genui-card__body">{children}</div>'
    return head + "</section>"


def _stack(
    props: StackProps,
    children: str,
    content: str,
    cls: str,
    path: str,
    key: str | None,
    prefix: str,
) -> str:
    ident = identity_attrs(path, key)
    align = "" if props.align is None else f" genui-align-{props.align}"
    classes = f"{cls} genui-stack--{props.direction} genui-gap-{props.gap}{align}"
    return f'<div class="{classes}"{ident}>{children}</div>'


def _grid(
    props: GridProps, children: str, content: str, cls: str, path: str, key: str | None, prefix: str
) -> str:
    ident = identity_attrs(path, key)
    classes = f"{cls} genui-grid--cols-{props.columns} genui-gap-{props.gap}"
    return f'<div class="{classes}"{ident}>{children}</div>'


def _divider(
    props: DividerProps,
    children: str,
    content: str,
    cls: str,
    path: str,
    key: str | None,
    prefix: str,
) -> str:
    ident = identity_attrs(path, key)
    return f'<hr class="{cls}"{ident}>'


def _heading(
    props: HeadingProps,
    children: str,
    content: str,
    cls: str,
    path: str,
    key: str | None,
    prefix: str,
) -> str:
    ident = identity_attrs(path, key)
    level = props.level if props.level in (1, 2, 3, 4, 5) else 6
    return f'<h{level} class="{cls}"{ident}>{content}</h{level}>'


def _text(
    props: TextProps, children: str, content: str, cls: str, path: str, key: str | None, prefix: str
) -> str:
    ident = identity_attrs(path, key)
    return f'<p class="{cls} genui-tone-{props.tone}"{ident}>{content}</p>'


def _code(
    props: CodeProps, children: str, content: str, cls: str, path: str, key: str | None, prefix: str
) -> str:
    ident = identity_attrs(path, key)
    language = props.language
    code_class = "" if language is None else f' class="language-{escape_html(language)}"'
    return f'<pre class="{cls}"{ident}><code{code_class}>{content}</code></pre>'


def _badge(
    props: BadgeProps,
    children: str,
    content: str,
    cls: str,
    path: str,
    key: str | None,
    prefix: str,
) -> str:
    ident = identity_attrs(path, key)
    return f'<span class="{cls} genui-tone-{props.tone}"{ident}>{content}</span>'


def _alert(
    props: AlertProps,
    children: str,
    content: str,
    cls: str,
    path: str,
    key: str | None,
    prefix: str,
) -> str:
    ident = identity_attrs(path, key)
    role = "alert" if props.tone in ("warning", "danger") else "status"
    html = f'<div class="{cls} genui-tone-{props.tone}"{ident} role="{role}">\n'
    if props.title is not None:
        html += f'<p class="genui-alert__title">{escape_html(props.title)}</p>'
    if children:
        html += f'<div class="genui-alert__body">{children}</div>'
    return html + "</div>"


def _link(
    props: LinkProps, children: str, content: str, cls: str, path: str, key: str | None, prefix: str
) -> str:
    ident = identity_attrs(path, key)
    if props.href is None:
        return f'<span class="{cls} genui-link--inert"{ident}>{content}</span>'
    return f'<a class="{cls}"{ident} href="{escape_html(props.href)}"{_LINK_TAIL}{content}</a>'


def _button(
    props: ButtonProps,
    children: str,
    content: str,
    cls: str,
    path: str,
    key: str | None,
    prefix: str,
) -> str:
    ident = identity_attrs(path, key)
    # A spec cannot attach behaviour: with a safe href the button is a link; without,
    # it is disabled.
    opened = f' class="{cls} genui-button--{props.variant}"{ident}'
    if props.href is None:
        return f'<button{opened} type="button" disabled>{content}</button>'
    return f'<a{opened} href="{escape_html(props.href)}"{_LINK_TAIL}{content}</a>'


_ARROWS: Final = {
    "up": '<span class="genui-stat__arrow" aria-hidden="true">&#9650;</span>',
    "down": '<span class="genui-stat__arrow" aria-hidden="true">&#9660;</span>',
    "flat": '<span class="genui-stat__arrow" aria-hidden="true">&#9654;</span>',
}
_TREND_WORDS: Final = {"up": "up", "down": "down", "flat": "no change"}


def _stat(
    props: StatProps, children: str, content: str, cls: str, path: str, key: str | None, prefix: str
) -> str:
    ident = identity_attrs(path, key)
    trend = props.trend
    trend_class = "" if trend is None else f" genui-stat--{trend}"
    value = props.value
    shown = escape_html(value) if isinstance(value, str) else format_number(value)
    html = (
        f'<dl class="{cls}{trend_class}"{ident}>\n'
        f'<dt class="genui-stat__label">{escape_html(props.label)}</dt>\n'
        f'<dd class="genui-stat__value">{shown}</dd>\n'
    )
    if props.delta is not None or trend is not None:
        html += '<dd class="genui-stat__delta">'
        if trend is not None:
            html += _ARROWS[trend]
        if props.delta is not None:
            html += escape_html(props.delta)
        if trend is not None:
            html += f'<span class="genui-visually-hidden"> ({_TREND_WORDS[trend]})</span>'
        html += "</dd>\n"
    return html + "</dl>"


def _list(
    props: ListProps, children: str, content: str, cls: str, path: str, key: str | None, prefix: str
) -> str:
    ident = identity_attrs(path, key)
    if props.ordered:
        return f'<ol class="{cls} genui-list--ordered"{ident}>{children}</ol>'
    return f'<ul class="{cls}"{ident}>{children}</ul>'


def _list_item(
    props: ListItemProps,
    children: str,
    content: str,
    cls: str,
    path: str,
    key: str | None,
    prefix: str,
) -> str:
    ident = identity_attrs(path, key)
    return f'<li class="{cls}"{ident}>{content}</li>'


def _cell(cell: str | int | float | bool | None) -> str:
    if cell is None:
        return ""
    if cell is True or cell is False:
        return "Yes" if cell else "No"
    if isinstance(cell, str):
        return escape_html(cell)
    return format_number(cell)


def _table(
    props: TableProps,
    children: str,
    content: str,
    cls: str,
    path: str,
    key: str | None,
    prefix: str,
) -> str:
    ident = identity_attrs(path, key)
    numeric = props.numeric_columns
    width = props.width
    caption = props.caption
    if caption is None:
        parts = [f'<div class="{cls}"{ident} role="region" tabindex="0" aria-label="Table">\n']
        parts.append('<table class="genui-table__table">\n')
    else:
        label = f"{dom_id(prefix, path)}-caption"
        parts = [
            f'<div class="{cls}"{ident} role="region" tabindex="0" aria-labelledby="{label}">\n',
            '<table class="genui-table__table">\n',
            f'<caption class="genui-table__caption" id="{label}">{escape_html(caption)}</caption>',
        ]
    columns = props.columns
    if columns:
        parts.append("<thead><tr>")
        for index, column in enumerate(columns):
            number_class = ' class="genui-table__num"' if index in numeric else ""
            parts.append(f'<th scope="col"{number_class}>{escape_html(column)}</th>')
        parts.append("<td></td>" * (width - len(columns)))
        parts.append("</tr></thead>\n")
    parts.append("<tbody>\n")
    for row in props.rows:
        parts.append("<tr>")
        for index, cell in enumerate(row):
            if index in numeric:
                parts.append(f'<td class="genui-table__num">{_cell(cell)}</td>')
            else:
                parts.append(f"<td>{_cell(cell)}</td>")
        parts.append("<td></td>" * (width - len(row)))
        parts.append("</tr>\n")
    parts.append("</tbody>\n</table>\n</div>")
    return "".join(parts)


def _progress(
    props: ProgressProps,
    children: str,
    content: str,
    cls: str,
    path: str,
    key: str | None,
    prefix: str,
) -> str:
    ident = identity_attrs(path, key)
    bar = f"{dom_id(prefix, path)}-bar"
    percent = props.percent
    label = props.label
    header = (
        ""
        if label is None
        else f'<label class="genui-progress__label" for="{bar}">{escape_html(label)}</label>'
    )
    unnamed = ' aria-label="Progress"' if label is None else ""
    return (
        f'<div class="{cls}"{ident}>\n'
        f'<div class="genui-progress__header">{header}'
        f'<span class="genui-progress__percent" aria-hidden="true">{percent}%</span></div>\n'
        f'<progress class="genui-progress__bar" id="{bar}"'
        f' value="{format_number(props.bounded_value)}" max="{format_number(props.max)}"'
        f"{unnamed}>{percent}%</progress>\n</div>"
    )


BUILTIN_WRITERS: Final[dict[str, tuple[type[BaseModel], Writer]]] = {
    "genui/card.html": (CardProps, _card),
    "genui/stack.html": (StackProps, _stack),
    "genui/grid.html": (GridProps, _grid),
    "genui/divider.html": (DividerProps, _divider),
    "genui/heading.html": (HeadingProps, _heading),
    "genui/text.html": (TextProps, _text),
    "genui/code.html": (CodeProps, _code),
    "genui/badge.html": (BadgeProps, _badge),
    "genui/alert.html": (AlertProps, _alert),
    "genui/link.html": (LinkProps, _link),
    "genui/button.html": (ButtonProps, _button),
    "genui/stat.html": (StatProps, _stat),
    "genui/list.html": (ListProps, _list),
    "genui/list_item.html": (ListItemProps, _list_item),
    "genui/table.html": (TableProps, _table),
    "genui/progress.html": (ProgressProps, _progress),
    "genui/image.html": (ImagePart, write_image),
}
"""Built-in template name → (the props model it renders, its writer)."""
