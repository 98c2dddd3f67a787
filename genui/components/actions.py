"""Action components: links and buttons that navigate.

Specs are display-only: nothing in them can attach behaviour to the page. A
``Button`` with a safe ``href`` is therefore a link styled as a button, and
one without an ``href`` is shown disabled rather than as a control that does
nothing when pressed.
"""

from __future__ import annotations

from typing import Final, Literal

from genui.components.base import PropsModel
from genui.htmltext import escape_html
from genui.registry import Component
from genui.sanitize import SafeUrl
from genui.writing import Element

__all__ = ["BUTTON", "LINK", "ButtonProps", "ButtonVariant", "LinkProps"]

ButtonVariant = Literal["primary", "secondary", "ghost", "danger"]
"""Visual weight of a button: one ``primary`` per group, ``danger`` for destructive ones."""


class LinkProps(PropsModel):
    """A hyperlink. An unsafe or missing ``href`` renders the text without a link."""

    href: SafeUrl = None
    """Where the link goes (http, https, mailto, tel or relative by default)."""
    text: str | None = None
    """Link text; if absent, string children are the text."""


_LINK_TAIL: Final = ' rel="noopener noreferrer nofollow" target="_blank">'


def _link(element: Element[LinkProps]) -> str:
    props = element.props
    ident = element.identity_attrs()
    cls = element.css_class
    content = element.content
    if props.href is None:
        return f'<span class="{cls} genui-link--inert"{ident}>{content}</span>'
    return f'<a class="{cls}"{ident} href="{escape_html(props.href)}"{_LINK_TAIL}{content}</a>'


LINK = Component(
    "Link",
    LinkProps,
    "genui/link.html",
    writer=_link,
    children="text",
    inline=True,
    text_prop="text",
    description="A hyperlink; external links open safely (rel=noopener noreferrer).",
    example={"component": "Link", "props": {"href": "https://example.com", "text": "Docs"}},
)


class ButtonProps(PropsModel):
    """A call to action. With ``href`` it is a link styled as a button; without, disabled."""

    label: str | None = None
    """The button text; if absent, string children are the text."""
    href: SafeUrl = None
    """Where the button goes. Without a (safe) `href` the button is shown disabled,
    because a spec cannot attach any other action."""
    variant: ButtonVariant = "secondary"
    """Visual weight: `primary` for the main action, `secondary`, `ghost` for a quiet
    one, `danger` for a destructive one."""


def _button(element: Element[ButtonProps]) -> str:
    props = element.props
    ident = element.identity_attrs()
    cls = element.css_class
    content = element.content
    # A spec cannot attach behaviour: with a safe href the button is a link; without,
    # it is disabled.
    opened = f' class="{cls} genui-button--{props.variant}"{ident}'
    if props.href is None:
        return f'<button{opened} type="button" disabled>{content}</button>'
    return f'<a{opened} href="{escape_html(props.href)}"{_LINK_TAIL}{content}</a>'


BUTTON = Component(
    "Button",
    ButtonProps,
    "genui/button.html",
    writer=_button,
    children="text",
    inline=True,
    text_prop="label",
    description=(
        "A call to action that navigates to href (rendered as a link styled as a button,"
        " opening in a new tab). Specs cannot run actions, so a Button without href is"
        " shown disabled: always give href for a usable button."
    ),
    example={
        "component": "Button",
        "props": {
            "label": "Track package",
            "href": "https://example.com/track/1042",
            "variant": "primary",
        },
    },
)
