"""Text components: headings, paragraphs, code, badges and alerts."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from genui.components.base import PropsModel
from genui.htmltext import escape_html
from genui.registry import Component
from genui.writing import Element

__all__ = [
    "ALERT",
    "BADGE",
    "CODE",
    "HEADING",
    "LANGUAGE_PATTERN",
    "TEXT",
    "AlertProps",
    "AlertTone",
    "BadgeProps",
    "CodeProps",
    "HeadingProps",
    "Language",
    "TextProps",
    "Tone",
]

Tone = Literal["default", "muted", "info", "success", "warning", "danger"]
"""Colour intent shared by text-like components."""
AlertTone = Literal["info", "success", "warning", "danger"]
"""Colour and urgency of an alert."""

LANGUAGE_PATTERN = r"^[A-Za-z0-9_+#.-]{1,32}$"
"""A code language name: it ends up in a ``class`` attribute, so no spaces or quotes."""
Language = Annotated[str, StringConstraints(pattern=LANGUAGE_PATTERN)]
"""A language token such as ``python``, ``c++``, ``c#`` or ``objective-c``."""


class TextProps(PropsModel):
    """A paragraph of plain text."""

    text: str | None = None
    """The text; if absent, string children are the text."""
    tone: Tone = "default"
    """Colour intent."""


def _text(element: Element[TextProps]) -> str:
    props = element.props
    ident = element.identity_attrs()
    cls = element.css_class
    content = element.content
    return f'<p class="{cls} genui-tone-{props.tone}"{ident}>{content}</p>'


TEXT = Component(
    "Text",
    TextProps,
    "genui/text.html",
    writer=_text,
    children="inline",
    text_prop="text",
    description="A paragraph of plain text (no markup is interpreted).",
    example={"component": "Text", "props": {"text": "Your order has shipped.", "tone": "muted"}},
)


class HeadingProps(PropsModel):
    """A section heading, ``<h1>`` to ``<h6>``."""

    level: Annotated[int, Field(ge=1, le=6)] = 2
    """Outline level, 1 (page title) to 6; keep levels in order without skipping."""
    text: str | None = None
    """The heading text; if absent, string children are the text."""


def _heading(element: Element[HeadingProps]) -> str:
    props = element.props
    ident = element.identity_attrs()
    cls = element.css_class
    content = element.content
    level = props.level if props.level in (1, 2, 3, 4, 5) else 6
    return f'<h{level} class="{cls}"{ident}>{content}</h{level}>'


HEADING = Component(
    "Heading",
    HeadingProps,
    "genui/heading.html",
    writer=_heading,
    children="inline",
    text_prop="text",
    description=(
        "A section heading (level 1-6, default 2). Use level 1 at most once, for the page title."
    ),
    example={"component": "Heading", "props": {"level": 2, "text": "Quarterly results"}},
)


class CodeProps(PropsModel):
    """A block of preformatted source code, shown verbatim."""

    code: str | None = None
    """The source code, whitespace and newlines preserved; if absent, string children are
    the code."""
    language: Language | None = None
    """Language name for syntax highlighting (a `language-*` class), e.g. `python`."""


def _code(element: Element[CodeProps]) -> str:
    props = element.props
    ident = element.identity_attrs()
    cls = element.css_class
    content = element.content
    language = props.language
    code_class = "" if language is None else f' class="language-{escape_html(language)}"'
    return f'<pre class="{cls}"{ident}><code{code_class}>{content}</code></pre>'


CODE = Component(
    "Code",
    CodeProps,
    "genui/code.html",
    writer=_code,
    children="text",
    text_prop="code",
    description=(
        "A block of source code or terminal output, shown verbatim in a monospace font"
        " with whitespace preserved. Not executed or highlighted on the server."
    ),
    example={
        "component": "Code",
        "props": {"language": "python", "code": 'def greet(name):\n    return f"Hi {name}"'},
    },
)


class BadgeProps(PropsModel):
    """A short status label, such as ``Paid`` or ``Beta``."""

    label: str | None = None
    """The badge text (a word or two); if absent, string children are the text."""
    tone: Tone = "default"
    """Colour intent."""


def _badge(element: Element[BadgeProps]) -> str:
    props = element.props
    ident = element.identity_attrs()
    cls = element.css_class
    content = element.content
    return f'<span class="{cls} genui-tone-{props.tone}"{ident}>{content}</span>'


BADGE = Component(
    "Badge",
    BadgeProps,
    "genui/badge.html",
    writer=_badge,
    children="text",
    inline=True,
    text_prop="label",
    description="A small inline pill with a short status label (one or two words).",
    example={"component": "Badge", "props": {"label": "In stock", "tone": "success"}},
)


class AlertProps(PropsModel):
    """A highlighted message; its children are the body."""

    tone: AlertTone = "info"
    """Intent: `warning` and `danger` are announced at once by screen readers
    (`role="alert"`), `info` and `success` politely (`role="status"`)."""
    title: str | None = None
    """A short bold summary line above the body."""


def _alert(element: Element[AlertProps]) -> str:
    props = element.props
    ident = element.identity_attrs()
    cls = element.css_class
    children = element.children
    role = "alert" if props.tone in ("warning", "danger") else "status"
    html = f'<div class="{cls} genui-tone-{props.tone}"{ident} role="{role}">\n'
    if props.title is not None:
        html += f'<p class="genui-alert__title">{escape_html(props.title)}</p>'
    if children:
        html += f'<div class="genui-alert__body">{children}</div>'
    return html + "</div>"


ALERT = Component(
    "Alert",
    AlertProps,
    "genui/alert.html",
    writer=_alert,
    description=(
        "A highlighted callout for information, success, warnings or errors, with an"
        " optional title; children (text or components) are the body."
    ),
    example={
        "component": "Alert",
        "props": {"tone": "warning", "title": "Payment due"},
        "children": ["Your invoice is due in 3 days."],
    },
)
