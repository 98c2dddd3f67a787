"""The component allowlist.

A :class:`Registry` is an immutable mapping from component names to
:class:`Component` definitions. It is the *only* way a name in a spec becomes
something renderable: lookup is an exact ``dict`` lookup in the registry's own
mapping — no import, ``getattr``, ``eval``, case-folding or prefix matching —
so names like ``constructor``, ``__proto__`` or ``items`` are simply unknown.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from pydantic import BaseModel

from genui.actions import ActionRef
from genui.spec import COMPONENT_NAME_PATTERN
from genui.writing import Writer

__all__ = ["ChildrenPolicy", "Component", "Registry", "register"]

_NAME = re.compile(COMPONENT_NAME_PATTERN)
_CSS_UNSAFE = re.compile(r"[^a-z0-9]+")
_ModelT = TypeVar("_ModelT", bound=type[BaseModel])

ChildrenPolicy = Literal["any", "inline", "text", "none"]
"""Which children a component takes (see :attr:`Component.children`)."""
CHILDREN_POLICIES: frozenset[str] = frozenset({"any", "inline", "text", "none"})


def css_class_for(name: str) -> str:
    """Return the ``genui-<name>`` class for a component name (lower-case, CSS-safe)."""
    return "genui-" + _CSS_UNSAFE.sub("-", name.lower()).strip("-")


@dataclass(frozen=True, slots=True)
class Component:
    """One allowed component: its name, props model, how it is written, children policy.

    ``props_model`` validates the node's props before they are written (declare URL
    props with :data:`genui.SafeUrl` / :data:`genui.ImageUrl`). A component has a
    ``writer`` (a :data:`genui.writing.Writer`, how the built-ins are written) or a
    ``template`` (a Jinja2 template name looked up through the renderer's loaders,
    how applications usually add components). With both, the writer writes it and the
    template name is only the key an application's loaders may override it with.
    """

    name: str
    """Exact name used in specs."""
    props_model: type[BaseModel]
    """Pydantic model for the props; undeclared props are invalid."""
    template: str = ""
    """Jinja2 template name, e.g. ``"weather.html"``; for a component with a ``writer``,
    the name an application's template overrides it with (``"genui/card.html"``)."""
    children: ChildrenPolicy | bool | AbstractSet[str] = "any"
    """Which children the component takes, following HTML content models:

    ``"any"`` (flow content), ``"inline"`` (text leaves and components marked
    ``inline``), ``"text"`` (text and number leaves only), ``"none"``, or a set
    of component names (only those, e.g. a list takes only its items).
    ``True``/``False`` mean ``"any"``/``"none"``. Other children are invalid,
    because browsers would re-parent them (a ``<p>`` in a ``<p>``, an ``<a>``
    in an ``<a>``) and the page would no longer match the spec.
    """
    inline: bool = False
    """Whether the component renders phrasing content (may sit inside ``"inline"`` parents)."""
    standalone: bool = True
    """False for components that may only appear where a parent names them in its
    ``children`` set (a list item only in a list): not at the root, not under ``"any"``."""
    text_prop: str | None = None
    """For text-like components: the prop whose value string children may supply."""
    description: str = ""
    """What the component is for, shown to LLMs by :mod:`genui.catalog`."""
    example: Mapping[str, Any] | None = field(default=None, compare=False)
    """An example node (``{"component": ..., "props": ...}``) for prompts and docs."""
    css_class: str = field(default="", compare=False)
    """The element class, ``genui-<name>``; derived from ``name`` when left empty."""
    writer: Writer | None = field(default=None, kw_only=True)
    """The function that writes the component's element (see :mod:`genui.writing`)."""
    screens_urls: bool = field(default=False, kw_only=True)
    """Whether its props model's own validators check URLs found inside other props (with
    :func:`genui.sanitize.screen_url`, as ``Markdown`` does for its text) and so may report
    a refused URL under a prop that is not a URL field."""
    not_urls: AbstractSet[str] = field(default=frozenset(), kw_only=True)
    """Props named like an attribute browsers read as a URL (``href``, ``src``, ``icon``,
    ``data``... :data:`genui.sanitize.URL_ATTRIBUTES`) that are *not* URLs and are never
    written into such an attribute. Any other prop with such a name must be typed
    :data:`genui.SafeUrl` / :data:`genui.ImageUrl` (or be an action binding, ``action``): a
    plain ``str`` ``href`` written by a template is how a ``javascript:`` link gets through."""

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not _NAME.fullmatch(self.name):
            raise ValueError(f"invalid component name {self.name!r}")
        if self.writer is not None and not callable(self.writer):
            raise TypeError(f"{self.name}: writer must be a callable")
        if not isinstance(self.template, str):
            raise TypeError(f"{self.name}: template must be a template name")
        if self.writer is None and not self.template:
            raise ValueError(f"{self.name}: a component needs a writer or a template")
        if not (isinstance(self.props_model, type) and issubclass(self.props_model, BaseModel)):
            raise TypeError(f"{self.name}: props_model must be a pydantic BaseModel subclass")
        if self.text_prop is not None and self.text_prop not in self.props_model.model_fields:
            raise ValueError(f"{self.name}: text_prop {self.text_prop!r} is not a declared prop")
        policy: object = self.children
        if isinstance(policy, bool):
            policy = "any" if policy else "none"
        elif isinstance(policy, AbstractSet | list | tuple):
            names = frozenset(policy)
            if not names or not all(isinstance(n, str) and _NAME.fullmatch(n) for n in names):
                raise ValueError(f"{self.name}: children must name valid components")
            policy = names
        elif policy not in CHILDREN_POLICIES:
            raise ValueError(
                f"{self.name}: children must be one of {sorted(CHILDREN_POLICIES)} or names"
            )
        object.__setattr__(self, "children", policy)
        object.__setattr__(self, "not_urls", frozenset(self.not_urls))
        self._check_prop_names()
        if not self.css_class:
            object.__setattr__(self, "css_class", css_class_for(self.name))

    @property
    def children_policy(self) -> ChildrenPolicy | frozenset[str]:
        """The normalized policy: ``"any"``, ``"inline"``, ``"text"``, ``"none"`` or names."""
        return self.children  # type: ignore[return-value]

    def accepts_child(self, child: object) -> bool:
        """Whether ``child`` (a text leaf, or a child node's :class:`Component`) may be inside."""
        policy = self.children
        if isinstance(policy, frozenset):
            return isinstance(child, Component) and child.name in policy
        if isinstance(child, Component) and not child.standalone:
            return False
        if policy == "any":
            return True
        if policy == "none":
            return False
        if not isinstance(child, Component):
            return True
        return policy == "inline" and child.inline

    def describe_children(self) -> str:
        """The children policy in words, for error messages and prompts."""
        policy = self.children_policy
        if isinstance(policy, frozenset):
            return "only " + ", ".join(sorted(policy))
        return {
            "any": "any nodes",
            "inline": "only text and inline components",
            "text": "only text",
            "none": "no children",
        }[policy]

    def _check_prop_names(self) -> None:
        """Refuse models that declare props which must never reach a browser."""
        from genui.sanitize import forbidden_prop_reason, is_url_attribute, url_fields

        urls = url_fields(self.props_model)
        for field_name, info in self.props_model.model_fields.items():
            named_like_url = [
                p for p in {field_name, info.alias or field_name} if is_url_attribute(p)
            ]
            exempt = field_name in urls or field_name in self.not_urls
            if named_like_url and not exempt and not _is_action_binding(info.annotation):
                raise ValueError(
                    f"{self.name}: prop {named_like_url[0]!r} is named like a URL attribute "
                    "but not typed genui.SafeUrl or genui.ImageUrl; type it as one, or, if "
                    f"it is no URL and never written as one, pass not_urls={{{field_name!r}}}"
                )
            for prop in {field_name, info.alias or field_name}:
                if prop == "children" or prop.startswith("$"):
                    raise ValueError(
                        f"{self.name}: a prop may not be named {prop!r}: in the flat node shape "
                        "'children' holds the child nodes and '$' keys are reserved"
                    )
                reason = forbidden_prop_reason(prop)
                if reason is None:
                    continue
                annotation = info.annotation
                constrained_style = (
                    reason == "style"
                    and isinstance(annotation, type)
                    and issubclass(annotation, BaseModel)
                )
                binding = prop == "action" and _is_action_binding(annotation)
                if not (constrained_style or binding):
                    raise ValueError(
                        f"{self.name}: prop {prop!r} is never allowed ({reason}); "
                        "a style prop must be a constrained pydantic model, and an action "
                        "prop a genui.ActionRef"
                    )


def _is_action_binding(annotation: Any) -> bool:
    """Whether a prop's type is ``ActionRef`` or ``ActionRef | None`` (a signed binding)."""
    if annotation is ActionRef:
        return True
    arguments = typing.get_args(annotation)
    return bool(arguments) and set(arguments) <= {ActionRef, type(None)}


def register(
    name: str,
    *,
    template: str = "",
    writer: Writer | None = None,
    children: ChildrenPolicy | bool | AbstractSet[str] = "any",
    inline: bool = False,
    standalone: bool = True,
    text_prop: str | None = None,
    description: str = "",
    example: Mapping[str, Any] | None = None,
    not_urls: AbstractSet[str] = frozenset(),
) -> Callable[[_ModelT], _ModelT]:
    """Class decorator: declare a props model as a component (with a template or a writer).

    The class is returned unchanged, with its :class:`Component` attached as
    ``__genui_component__``; pass the class to :class:`Registry` or
    :meth:`Registry.extend`::

        @genui.register("Weather", template="weather.html")
        class WeatherProps(BaseModel):
            city: str

        registry = genui.default_registry().extend(WeatherProps)
    """

    def decorate(model: _ModelT) -> _ModelT:
        component = Component(
            name,
            model,
            template,
            children=children,
            inline=inline,
            standalone=standalone,
            text_prop=text_prop,
            description=description or (model.__doc__ or "").strip(),
            example=example,
            writer=writer,
            not_urls=not_urls,
        )
        model.__genui_component__ = component  # type: ignore[attr-defined]
        return model

    return decorate


def _as_component(item: Component | type[BaseModel]) -> Component:
    if isinstance(item, Component):
        return item
    component = getattr(item, "__genui_component__", None) if isinstance(item, type) else None
    if not isinstance(component, Component):
        raise TypeError(f"expected a Component or a @genui.register model, got {item!r}")
    return component


class Registry(Mapping[str, Component]):
    """An immutable allowlist of components, keyed by exact name.

    Build one from components (or ``@genui.register`` models); derive new ones
    with :meth:`extend`, :meth:`only` and :meth:`without`. Lookups go through
    the registry's private ``dict`` only.
    """

    __slots__ = ("_components", "_hash")

    _components: dict[str, Component]
    _hash: int

    def __init__(self, components: Iterable[Component | type[BaseModel]] = ()) -> None:
        table: dict[str, Component] = {}
        for item in components:
            component = _as_component(item)
            if component.name in table:
                raise ValueError(f"component {component.name!r} registered twice")
            table[component.name] = component
        object.__setattr__(self, "_components", table)
        # Immutable, so hashed once (renderers are cached per registry on every render()).
        object.__setattr__(self, "_hash", hash(tuple(sorted(table.items()))))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Registry is immutable; use extend(), only() or without()")

    def __getitem__(self, name: str) -> Component:
        return self._components[name]

    def get(self, name: object, default: Any = None) -> Any:
        """Return the component registered under exactly ``name``, else ``default``."""
        if type(name) is not str:
            return default
        return self._components.get(name, default)

    def __contains__(self, name: object) -> bool:
        return type(name) is str and name in self._components

    def __iter__(self) -> Iterator[str]:
        return iter(self._components)

    def __len__(self) -> int:
        return len(self._components)

    def __repr__(self) -> str:
        return f"Registry({sorted(self._components)!r})"

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Registry) and self._components == other._components

    def extend(self, *components: Component | type[BaseModel], replace: bool = False) -> Registry:
        """Return a new registry with ``components`` added.

        A name already present is an error unless ``replace=True``, which lets
        an app swap a built-in for its own version.
        """
        table = dict(self._components)
        for item in components:
            component = _as_component(item)
            if component.name in table and not replace:
                raise ValueError(
                    f"component {component.name!r} already registered (pass replace=True)"
                )
            table[component.name] = component
        return Registry(table.values())

    def only(self, *names: str) -> Registry:
        """Return a new registry restricted to ``names`` (each must be present)."""
        missing = [name for name in names if name not in self._components]
        if missing:
            raise KeyError(f"not in the registry: {', '.join(missing)}")
        return Registry(self._components[name] for name in names)

    def without(self, *names: str) -> Registry:
        """Return a new registry without ``names`` (absent names are ignored)."""
        dropped = set(names)
        return Registry(c for n, c in self._components.items() if n not in dropped)
