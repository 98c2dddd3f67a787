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

from collections.abc import Callable, Mapping
from typing import Any, Generic, NamedTuple, TypeAlias, TypeVar

from genui.htmltext import dom_id, identity_attrs

__all__ = ["ENVELOPE_FIELD", "ActionBinding", "Element", "FieldFeedback", "FormFeedback", "Writer"]

PropsT = TypeVar("PropsT")

ENVELOPE_FIELD = "genui-action"
"""The name of the hidden form field that carries a signed action envelope (with a hyphen:
no field a spec declares can have it, their names are identifiers)."""


class ActionBinding(NamedTuple):
    """A node's action, ready to write: where the form posts and its signed envelope.

    Both come from the application (its endpoint) and genui (the signature), never
    from the spec; the envelope is URL-safe ASCII.
    """

    endpoint: str
    """The app's action endpoint (a path on this site), escaped."""
    envelope: str
    """The signed envelope (``genui.envelope``), escaped."""

    def form_attrs(self) -> str:
        """`` method="post" action="…"`` for the ``<form>`` element."""
        return f' method="post" action="{self.endpoint}"'

    def hidden_input(self) -> str:
        """The hidden ``<input>`` carrying the envelope."""
        return f'<input type="hidden" name="{ENVELOPE_FIELD}" value="{self.envelope}">'


class FieldFeedback(NamedTuple):
    """What the person submitted in one field, shown again with its problem (if any)."""

    values: tuple[str, ...]
    """The submitted values (one for most inputs; several for a multi-value field)."""
    error: str | None
    """Why the value was refused, or ``None``."""
    first: bool = False
    """Whether this is the form's first invalid field (it gets the focus)."""


class FormFeedback(NamedTuple):
    """A refused submission of the form at ``path``, to render it again with its errors."""

    path: str
    """JSON Pointer of the form node."""
    values: Mapping[str, tuple[str, ...]]
    """Field name → the values submitted (shown again, escaped)."""
    errors: Mapping[str, str]
    """Field name → why it was refused."""
    message: str | None = None
    """A summary for the whole form (shown above the fields)."""


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
    action: ActionBinding | None = None
    """The node's signed action, when it has one and the render has a surface to sign for."""
    feedback: FieldFeedback | None = None
    """For a form field re-rendered after a refused submission: what was sent, and why not."""

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
