"""Action components: links, and buttons that navigate or run a declared action.

A spec cannot attach script to the page. A ``Button`` does one of two things: with an
``action`` the application declared (see :class:`genui.Actions`) it is the submit button
of a small ``<form method="post">`` to the app's action endpoint, carrying the signed
envelope (it works without JavaScript); with a safe ``href`` it is a link styled as a
button. With neither — or when the render has no surface to sign actions for — it is
shown disabled rather than as a control that does nothing when pressed.
"""

from __future__ import annotations

from typing import Final, Literal

from genui.actions import ActionRef
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
    action: ActionRef | None = None
    """The declared action pressing the button runs: `{"name": ..., "params": {...}}`
    (the app's catalog lists the actions and their params)."""
    href: SafeUrl = None
    """Where the button goes, when it has no `action`. With neither, the button is shown
    disabled."""
    variant: ButtonVariant = "secondary"
    """Visual weight: `primary` for the main action, `secondary`, `ghost` for a quiet
    one, `danger` for a destructive one."""


def _button(element: Element[ButtonProps]) -> str:
    props = element.props
    ident = element.identity_attrs()
    cls = element.css_class
    content = element.content
    # A spec cannot attach script: a signed action is a form post, a safe href a link;
    # anything else is disabled.
    binding = element.action
    if binding is not None:
        opened = f' class="{cls} genui-button--{props.variant}" type="submit"'
        return (
            f'<form class="genui-action"{ident}{binding.form_attrs()} data-genui-action>'
            f"{binding.hidden_input()}<button{opened}>{content}</button></form>"
        )
    opened = f' class="{cls} genui-button--{props.variant}"{ident}'
    if props.href is None or props.action is not None:
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
        "A call to action: with `action` it runs one of the app's declared actions when"
        " pressed; with `href` it navigates (a link styled as a button, opening in a new"
        " tab). A Button with neither is shown disabled."
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
