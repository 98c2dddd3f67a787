"""The one extension point of rendering: a writer turns one :class:`Element` into HTML.

A :class:`~genui.Component` is written either by its ``writer`` (a plain Python function,
how the built-ins are written) or by its Jinja2 ``template`` (how applications usually add
components); the renderer adapts a template to the same :data:`Writer` protocol, and an
application's loaders that provide a component's template name override its writer.

A writer returns its element as a ``str`` of HTML. It may trust exactly two inputs:
:attr:`Element.children` and :attr:`Element.content` are HTML genui rendered and escaped
already, and :attr:`Element.css_class` is escaped. Everything taken from ``props`` or
``key`` must go through :func:`genui.htmltext.escape_html` (or be a validated literal,
number or boolean). The renderer wraps the finished fragment in
:class:`~markupsafe.Markup` once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, NamedTuple, TypeAlias, TypeVar

from genui.htmltext import dom_id, identity_attrs

__all__ = ["Element", "Writer"]

PropsT = TypeVar("PropsT")


class Element(NamedTuple, Generic[PropsT]):
    """What a writer knows about the node it writes (one small tuple per node)."""

    props: PropsT
    """The validated props object (an instance of the component's props model)."""
    children: str
    """The rendered children, HTML."""
    content: str
    """The component's text prop, escaped, followed by :attr:`children` (HTML)."""
    css_class: str
    """The component's element class (``genui-card``), escaped."""
    path: str
    """JSON Pointer of the node in the spec, e.g. ``/root/0/children/2``."""
    key: str | None
    """The node's ``key``, if any."""
    id_prefix: str = "genui"
    """Prefix of :attr:`dom_id` (one per fragment on a page)."""

    def identity_attrs(self) -> str:
        """`` data-genui-path="…"`` and, for a keyed node, `` data-genui-key="…"``, escaped.

        The outer element's identity: streaming updates find the element by it.
        """
        return identity_attrs(self.path, self.key)

    @property
    def dom_id(self) -> str:
        """An element id for labelling (``aria-labelledby``), unique within a fragment."""
        return dom_id(self.id_prefix, self.path)


Writer: TypeAlias = Callable[[Element[Any]], str]
"""``writer(element)`` → the element's HTML (see :class:`Element`)."""
