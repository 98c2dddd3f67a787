"""Server-side rendering of a validated spec into an HTML fragment.

The :class:`Renderer` resolves every node against its :class:`~genui.Registry`,
validates the node's props with the component's model (URL props sanitized on
the way, see :mod:`genui.sanitize`), and writes the component's element through the one
extension point of :mod:`genui.writing`: the component's ``writer`` (a plain Python
function, as every built-in has), or its Jinja2 template (autoescaping always on), which
an application's loaders may also provide for a component that has a writer, to override
its markup. Writers and templates see the typed props object, never the raw dict.

JSON text is validated in one pass over the whole tree when it can be
(:mod:`genui.compiled`); anything that pass does not accept takes the precise path,
:func:`~genui.parse_spec` then one props validation per node, which reports every
problem with its JSON path. Both give the same HTML, report and errors.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple, TypeAlias

from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    Environment,
    PackageLoader,
    PrefixLoader,
    StrictUndefined,
    Template,
    TemplateNotFound,
)
from jinja2.runtime import Context
from markupsafe import Markup, escape
from pydantic import ValidationError

from genui.actions import ActionRef, Actions
from genui.compiled import IndexedReport, compiled_registry
from genui.components import default_registry
from genui.envelope import ActionSurface
from genui.errors import GenerativeUIRenderError, GenerativeUIValidationError
from genui.htmltext import dom_id, escape_html, escape_text, finalize, format_number, identity_attrs
from genui.jinja_filters import xmlattr
from genui.limits import DEFAULT_LIMITS, Limits, check_limits
from genui.registry import Component, Registry
from genui.sanitize import (
    DEFAULT_URL_POLICY,
    SanitizeReport,
    UrlPolicy,
    validation_context,
)
from genui.spec import GenerativeUINode, GenerativeUISpec, NodeValue, decode_json, given_props
from genui.state import resolve
from genui.template_checks import QuotedAttributes
from genui.validate import Checker, ValidationMemo, ValidationResult
from genui.writing import ActionBinding, Element, FieldFeedback, FormFeedback, Writer

__all__ = [
    "Fallback",
    "FallbackFunction",
    "NodeInfo",
    "RenderCache",
    "RenderResult",
    "Renderer",
    "format_number",
    "render",
    "render_page",
    "render_with_report",
]

FallbackFunction: TypeAlias = Callable[[str, Mapping[str, Any], str], "str | Markup"]
"""Called as ``fallback(name, raw_props, path)`` for an unknown component."""
Fallback: TypeAlias = Literal["default"] | FallbackFunction | None
"""``None`` raises on unknown components; ``"default"`` renders a placeholder."""
OnInvalidProps: TypeAlias = Literal["raise", "drop"]


class RenderResult(NamedTuple):
    """The HTML of a render and what the sanitizer removed on the way."""

    html: Markup
    """The rendered fragment."""
    report: SanitizeReport
    """Every prop or URL dropped during the render, with its path and reason."""


@dataclass(frozen=True, slots=True)
class NodeInfo:
    """What a template knows about the node it renders (besides its props)."""

    path: str
    """JSON Pointer of the node in the spec, e.g. ``/root/0/children/2``."""
    key: str | None
    """The node's ``key``, if any."""
    css_class: str
    """The component's element class, ``genui-<name>``."""
    id_prefix: str = "genui"
    """Prefix of :attr:`dom_id`: give each fragment on one page its own."""
    action: ActionBinding | None = None
    """The node's signed action (``node.action.form_attrs()``, ``.hidden_input()``)."""
    feedback: FieldFeedback | None = None
    """A form field's submitted values and problem, after a refused submission."""

    def attrs(self, *extra_classes: str) -> Markup:
        """Attributes for the component's outer element: class and identity.

        Renders `` class="genui-card …" data-genui-path="/root/0"`` plus
        ``data-genui-key`` when the node has a key, every value escaped. The
        path makes every element addressable by streaming updates.
        """
        classes = " ".join(c for c in (self.css_class, *extra_classes) if c)
        attrs = f' class="{escape(classes)}"{identity_attrs(self.path, self.key)}'
        return Markup(attrs)  # noqa: S704 - every value above is escaped

    @property
    def dom_id(self) -> str:
        """An element id for labelling (``aria-labelledby``), unique within a fragment.

        Derived from the path (keys may repeat), with every character that is
        not an ASCII letter or digit encoded.
        """
        return dom_id(self.id_prefix, self.path)


def _build_environment(loaders: Sequence[BaseLoader]) -> Environment:
    environment = Environment(
        loader=ChoiceLoader(
            [
                *loaders,
                PackageLoader("genui", "templates"),
                # the stylesheet, so render_page can include it as template text (unescaped)
                PrefixLoader({"genui-static": PackageLoader("genui", "static")}),
            ]
        ),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        auto_reload=False,
        cache_size=-1,
        finalize=finalize,
        extensions=[QuotedAttributes],  # every template: attribute values quoted
    )
    environment.globals["format_number"] = format_number
    environment.filters["xmlattr"] = xmlattr  # drops handlers and unsafe URLs (jinja_filters)
    return environment


_EMPTY = Markup("")
_new_element = tuple.__new__


def _trusted(html: str) -> Markup:
    """Wrap HTML that genui itself rendered (writers and templates, values escaped)."""
    return Markup(html)  # noqa: S704 - only ever called on genui's own render output


def _join(parts: list[str]) -> str:
    """``"".join(parts)``, emptying ``parts``: its pieces are freed as soon as they are joined.

    What the caller does next copies the whole again (a writer wraps it in its element,
    :class:`Markup` copies it), so two copies of the HTML are alive at once, not three.
    """
    html = "".join(parts)
    parts.clear()
    return html


class RenderCache:
    """Remembers validated and rendered subtrees by node identity and path.

    Specs are immutable and patches share unchanged subtrees, so a node that is
    the very same object at the very same place validates to the same clean node
    (:class:`~genui.validate.ValidationMemo`) and renders to the same HTML.
    :class:`~genui.SpecStream` keeps one per stream so each update validates and
    re-renders only what changed. Use one cache per renderer.

    One render is kept per path: a node that replaces another at its place (every
    update of a stream) evicts the superseded HTML, so the cache holds at most the
    current spec's renders (a deep spec streamed token by token kept every version of
    every ancestor before). With ``latest_only`` its :class:`~genui.validate.ValidationMemo`
    forgets superseded validations too (see there); a stream's cache does.
    """

    __slots__ = ("_entries", "max_entries", "memo")

    def __init__(self, max_entries: int = 200_000, *, latest_only: bool = False) -> None:
        self._entries: dict[str, tuple[GenerativeUINode, Markup]] = {}
        self.max_entries = max_entries
        """Past this many entries the cache starts over (bounded memory)."""
        self.memo = ValidationMemo(max_entries, latest_only=latest_only)
        """The validated subtrees."""

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, node: GenerativeUINode, path: str) -> Markup | None:
        """The HTML of the clean ``node`` rendered at ``path``, if remembered."""
        entry = self._entries.get(path)
        if entry is None or entry[0] is not node:
            return None
        return entry[1]

    def put(self, node: GenerativeUINode, path: str, html: Markup) -> None:
        """Remember a render (the node is kept alive so its id cannot be reused)."""
        if len(self._entries) >= self.max_entries:
            self._entries.clear()
        self._entries[path] = (node, html)

    def clear(self) -> None:
        """Forget everything."""
        self._entries.clear()
        self.memo.clear()


class _Resolved(NamedTuple):
    """What rendering one registered component needs, worked out once per registry."""

    component: Component
    writer: Writer
    css_class: str
    """The component's class, escaped."""
    child_names: frozenset[str]
    """Registered components it accepts as children."""
    takes_text: bool
    """Whether text and number leaves may be its children."""
    prop_names: frozenset[str]
    """Its declared props."""


class _Scope:
    """What one render writes beyond the spec: its action surface and form feedback.

    The surface signs actions; the feedback is a refused submission's values and
    errors (its first invalid field takes the focus).
    """

    __slots__ = ("feedback", "focus_taken", "surface")

    def __init__(self, surface: ActionSurface | None, feedback: FormFeedback | None) -> None:
        self.surface = surface
        self.feedback = feedback
        self.focus_taken = False

    def field(self, path: str, entry: _Resolved, props: Any) -> FieldFeedback | None:
        """The feedback of the node at ``path``, if it is the refused form or one of its fields."""
        feedback = self.feedback
        if feedback is None or not path.startswith(feedback.path):
            return None
        if path == feedback.path:
            return FieldFeedback((), feedback.message)
        if path[len(feedback.path)] != "/" or "name" not in entry.prop_names:
            return None
        name = props.name
        if not isinstance(name, str):
            return None
        error = feedback.errors.get(name)
        first = error is not None and not self.focus_taken
        self.focus_taken = self.focus_taken or first
        return FieldFeedback(feedback.values.get(name, ()), error, first)


class OutputBudget:
    """The characters of HTML one render may still write (:attr:`Limits.max_output_chars`).

    Every node charges what it adds when it is written: a text leaf its escaped
    length, a component the length of its element minus its children (who charged
    their own), a cached subtree its length. The charges add up to the length of
    the output exactly, whatever a template does with its children, and the
    render stops at the first node that crosses the limit.
    """

    __slots__ = ("left", "limit")

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.left = limit

    def charge(self, size: int, path: str) -> None:
        """Count ``size`` characters written at ``path``; refuse past the limit."""
        self.left -= size
        if self.left < 0:
            raise GenerativeUIRenderError(
                f"the HTML would be longer than {self.limit:,} characters (Limits."
                f"max_output_chars), passed at {path}",
                path=path,
                code="output_too_large",
            )


class _NotCompiledError(Exception):
    """The compiled walk met something only the precise path handles (then it takes over)."""


class _CompiledWalk:
    """Renders the root of a :class:`~genui.compiled.CompiledRegistry` validation.

    Limits were checked before validation and props are validated; this checks what
    the precise path checks while rendering (children policies, components allowed
    at the root) and files the validation's sanitization events under each node's
    path, in the same pre-order the validation counted nodes in.
    """

    __slots__ = (
        "_next_event",
        "_next_owner",
        "budget",
        "collector",
        "counted",
        "index",
        "renderer",
        "report",
        "resolved",
    )

    def __init__(
        self, renderer: Renderer, collector: IndexedReport, counted: frozenset[str]
    ) -> None:
        self.renderer = renderer
        self.counted = counted
        """Components whose nodes the validation counted (see :class:`IndexedReport`)."""
        self.resolved = renderer._resolved()
        self.collector = collector
        self.report = SanitizeReport()
        self.index = -1
        """Pre-order index of the last component node entered."""
        self._next_event = 0
        self._next_owner = collector.owners[0] if collector.owners else -1
        self.budget = OutputBudget(renderer.limits.max_output_chars)

    def root(self, value: Any, path: str) -> str:
        """Render one root item (components that only live inside a parent are refused)."""
        if isinstance(value, str | int | float):
            html = escape_html(value if isinstance(value, str) else format_number(value))
            self.budget.charge(len(html), path)
            return html
        entry = self.resolved[value.component]
        if not entry.component.standalone:
            raise _NotCompiledError
        return self.node(value, entry, path)

    def node(self, node: Any, entry: _Resolved, path: str) -> str:
        """Render one component node and its subtree."""
        if node.component in self.counted:
            self.index += 1
            if self._next_owner == self.index:
                self._file_events(path)
        children = node.children
        html = ""
        if children:
            resolved = self.resolved
            parts = []
            for index, child in enumerate(children):
                kind = type(child)
                if kind is str:
                    if not entry.takes_text:
                        raise _NotCompiledError
                    text = escape_html(child)
                    self._charge_leaf(len(text), path, index)
                    parts.append(text)
                elif kind is int or kind is float:
                    if not entry.takes_text:
                        raise _NotCompiledError
                    text = escape_html(format_number(child))
                    self._charge_leaf(len(text), path, index)
                    parts.append(text)
                else:
                    name = child.component
                    if name not in entry.child_names:
                        raise _NotCompiledError
                    child_path = f"{path}/children/{index}"
                    parts.append(self.node(child, resolved[name], child_path))
            html = _join(parts)  # the parts go before the writer copies the whole
        if "action" in entry.prop_names and node.props.action is not None:
            raise _NotCompiledError  # bindings are checked against the allowlist by the walk
        written = self.renderer._write(entry, node.props, html, path, node.key)
        self.budget.charge(len(written) - len(html), path)  # the children charged their own
        return written

    def _charge_leaf(self, size: int, parent: str, index: int) -> None:
        """Charge a text child as the precise path does (its path built only to refuse)."""
        budget = self.budget
        budget.left -= size
        if budget.left < 0:
            budget.charge(0, f"{parent}/children/{index}")

    def _file_events(self, path: str) -> None:
        """Move the validation's events of the current node into the report, with its path."""
        events = self.collector.events
        owners = self.collector.owners
        while self._next_event < len(owners) and owners[self._next_event] == self.index:
            event = events[self._next_event]
            self.report.add(path, event.prop, event.reason, event.detail)
            self._next_event += 1
        self._next_owner = owners[self._next_event] if self._next_event < len(owners) else -1


class Renderer:
    """Renders specs with one registry, template environment and set of policies.

    Create one per application and reuse it: templates are compiled once.

    * ``registry``: the allowlist (default :func:`genui.default_registry`).
    * ``loaders``: extra Jinja2 loaders searched before genui's own templates,
      for an app's components or to override a built-in template.
    * ``fallback``: what an unknown component renders (see :data:`Fallback`).
    * ``on_invalid_props``: ``"raise"`` (default) or ``"drop"`` invalid props and report them.
    * ``url_policy``: the :class:`~genui.UrlPolicy` for URL props.
    * ``strict``: any sanitization (a dropped URL or prop) raises instead of being reported.
    * ``limits``: the :class:`~genui.Limits` used when the spec needs parsing.
    * ``id_prefix``: prefix of generated element ids (one per fragment on a page).
    * ``actions``: the :class:`~genui.Actions` specs may bind to controls (none by
      default: an ``action`` is then an ``unknown_action`` error). Rendering them signed
      needs a ``surface`` (:meth:`genui.ActionGate.surface`) per render.
    """

    def __init__(
        self,
        registry: Registry | None = None,
        *,
        loaders: Sequence[BaseLoader] = (),
        fallback: Fallback = None,
        on_invalid_props: OnInvalidProps = "raise",
        url_policy: UrlPolicy | None = None,
        strict: bool = False,
        limits: Limits | None = None,
        id_prefix: str = "genui",
        actions: Actions | None = None,
    ) -> None:
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]{0,31}", id_prefix):
            raise ValueError("id_prefix must be a short ASCII identifier")
        if on_invalid_props not in ("raise", "drop"):
            raise ValueError("on_invalid_props must be 'raise' or 'drop'")
        if not (fallback is None or fallback == "default" or callable(fallback)):
            raise ValueError("fallback must be None, 'default' or a callable")
        self._registry = registry if registry is not None else default_registry()
        self.fallback = fallback
        self.on_invalid_props: OnInvalidProps = on_invalid_props
        self.url_policy = url_policy if url_policy is not None else DEFAULT_URL_POLICY
        self.strict = strict
        self.limits = limits if limits is not None else DEFAULT_LIMITS
        self.id_prefix = id_prefix
        self._environment = _build_environment(loaders)
        self._app_loader = ChoiceLoader(list(loaders))
        self._templates: dict[str, Template] = {}
        self._writers: dict[str, _Resolved] = {}
        self._writers_for: Registry | None = None
        self.actions = actions
        self._checker = Checker(
            self._registry, policy=self.url_policy, limits=self.limits, actions=actions
        )

    @property
    def registry(self) -> Registry:
        """The allowlist of components this renderer resolves names against."""
        return self._registry

    @registry.setter
    def registry(self, registry: Registry) -> None:
        self._registry = registry
        self._writers_for = None
        self._checker = Checker(
            registry, policy=self.url_policy, limits=self.limits, actions=self.actions
        )

    @property
    def environment(self) -> Environment:
        """The Jinja2 environment (autoescape on, ``StrictUndefined``)."""
        return self._environment

    # -- public entry points -------------------------------------------------------------

    def render(
        self,
        spec: Any,
        *,
        surface: ActionSurface | None = None,
        feedback: FormFeedback | None = None,
    ) -> Markup:
        """Render ``spec`` (a :class:`GenerativeUISpec` or anything ``parse_spec`` takes).

        ``surface`` signs the spec's actions (without one, actionable controls render
        disabled); ``feedback`` shows a refused submission's values and errors inline.
        """
        return self.render_with_report(spec, surface=surface, feedback=feedback).html

    def render_with_report(
        self,
        spec: Any,
        *,
        cache: RenderCache | None = None,
        surface: ActionSurface | None = None,
        feedback: FormFeedback | None = None,
    ) -> RenderResult:
        """Render ``spec`` and return the HTML with the :class:`SanitizeReport`.

        With a :class:`RenderCache`, subtrees rendered before (same node object,
        same path) are reused instead of rendered again. ``surface`` and
        ``feedback`` are as for :meth:`render`.
        """
        if cache is None and isinstance(spec, str | bytes | bytearray):
            fast = self._render_compiled(spec)  # never a node with an action (see the walk)
            if fast is not None:
                return fast
        # handed over, not kept: write() frees the validation before it joins the HTML
        return self.write(
            self.check(spec, cache=cache), cache=cache, surface=surface, feedback=feedback
        )

    def validate(self, spec: Any) -> ValidationResult:
        """:func:`genui.validate` with this renderer's registry, URL policy and limits."""
        return self._checker.validate(spec)

    def check(
        self, spec: Any, *, cache: RenderCache | None = None, waiting: bool = False
    ) -> ValidationResult:
        """Validate ``spec`` for rendering; raise what this renderer's policies refuse.

        The result's spec is what :meth:`write` writes. With a fallback, unknown
        components stay in it (to render as the fallback). ``waiting``: the spec is still
        streaming, so a node whose bound state values have not arrived is left out.
        """
        memo = cache.memo if cache is not None else None
        result = self._checker.validate(
            spec, keep_unknown=self.fallback is not None, memo=memo, waiting=waiting
        )
        self._deliverable(result)
        return result

    def check_node(
        self, value: Any, path: str, *, cache: RenderCache | None = None
    ) -> ValidationResult:
        """:meth:`check` for one node found at ``path`` (its placement is not checked).

        The result's spec has the node as its only root; write it with :meth:`write_node`.
        """
        memo = cache.memo if cache is not None else None
        result = self._checker.validate_node(
            value, path, keep_unknown=self.fallback is not None, memo=memo
        )
        self._deliverable(result)
        return result

    def write(
        self,
        result: ValidationResult,
        *,
        cache: RenderCache | None = None,
        surface: ActionSurface | None = None,
        feedback: FormFeedback | None = None,
    ) -> RenderResult:
        """Write the clean spec of a :meth:`check` result: the HTML and the report."""
        clean = self._deliverable(result)
        root = clean.root
        scope = _scope(surface, feedback)
        if feedback is not None:
            cache = None  # this render shows one submission: nothing of it is reused
        budget = OutputBudget(self.limits.max_output_chars)
        if isinstance(root, list):
            parts = [
                self._write_value(value, f"/root/{index}", result, cache, scope, budget)
                for index, value in enumerate(root)
            ]
        else:
            parts = [self._write_value(root, "/root", result, cache, scope, budget)]
        report = result.report
        # The clean tree goes before the HTML is joined, unless the caller keeps the result
        # (render_with_report does not): the peak is then the HTML twice, not that and the tree
        del result, clean, root
        return RenderResult(_trusted(_join(parts)), report)

    def write_node(
        self,
        node: NodeValue,
        path: str,
        result: ValidationResult,
        *,
        cache: RenderCache | None = None,
        surface: ActionSurface | None = None,
    ) -> Markup:
        """Write one node of the clean spec of a :meth:`check` result, found at ``path``."""
        budget = OutputBudget(self.limits.max_output_chars)
        return _trusted(self._write_value(node, path, result, cache, _scope(surface, None), budget))

    def _deliverable(self, result: ValidationResult) -> GenerativeUISpec:
        """The clean spec to write, or raise what this renderer's policies do not let pass.

        ``strict`` lets nothing pass; ``on_invalid_props="raise"`` lets dropped URLs pass
        (reported); ``"drop"`` lets everything pass that cleaning removed (reported). A
        fallback renders unknown components instead of dropping them.
        """
        if result.spec is None:
            raise GenerativeUIValidationError(result.errors)
        if self.strict or self.on_invalid_props == "raise":
            tolerated = {"unknown_component"} if self.fallback is not None else set()
            if not self.strict:
                tolerated.add("unsafe_url")
            errors = [error for error in result.errors if error.code not in tolerated]
            if errors and self.fallback is None and result.unknown_components:
                path, name = result.unknown_components[0]
                raise GenerativeUIRenderError(
                    f"unknown component {name!r} at {path}",
                    component_name=name,
                    path=path,
                    details=errors,
                )
            if errors:
                raise GenerativeUIValidationError(errors)
        return result.spec

    def _render_compiled(self, text: str | bytes | bytearray) -> RenderResult | None:
        """Render JSON text through the registry's one-pass validator (see :mod:`genui.compiled`).

        Returns None when the text needs the precise path: anything to report other
        than a dropped URL, anything invalid, any limit reached. Only what the
        precise path would render exactly the same way is rendered here.
        """
        walked = self._walk_compiled(text)
        if walked is None:
            return None
        parts, report = walked
        return RenderResult(_trusted(_join(parts)), report)

    def _walk_compiled(
        self, text: str | bytes | bytearray
    ) -> tuple[list[str], SanitizeReport] | None:
        """The HTML of each root item of ``text`` and the report, or None (the precise path).

        The validated tree is freed when this returns, before its HTML is joined.
        """
        validated = self._validate_compiled(text)
        if validated is None:
            return None
        root, collector, resolved = validated
        walk = _CompiledWalk(self, collector, compiled_registry(self._registry).counted)
        try:
            if type(root) is list:
                parts = []
                for index, value in enumerate(root):
                    root[index] = None  # the validator's own list: a written item's tree goes
                    parts.append(walk.root(value, f"/root/{index}"))
            else:
                parts = [walk.root(root, "/root")]
        except _NotCompiledError:
            return None
        if len(walk.report) != len(collector):  # an event no node claimed: be precise
            return None
        if resolved and walk.report:  # its paths point into the resolved tree
            return None
        return parts, walk.report

    def _validate_compiled(
        self, text: str | bytes | bytearray
    ) -> tuple[Any, IndexedReport, bool] | None:
        """The one-pass validation of ``text``: its root, its events, whether it had state.

        None when the text needs the precise path. The decoded document is freed when this
        returns (the tree holds what it needs of it), before anything is rendered.
        """
        try:
            data = _decode_within_limits(text, self.limits)
            resolved = False
            if type(data) is dict and "state" in data and "root" in data:
                resolution = resolve(data["root"], data["state"], self.limits, record=False)
                if resolution.errors:
                    return None
                data = {"root": resolution.root}
                resolved = True
        except Exception:
            return None
        collector = IndexedReport()
        context = validation_context(
            policy=self.url_policy, report=collector, strict=self.strict, limits=self.limits
        )
        try:
            root = compiled_registry(self._registry).validate(
                data, context, normalize=_has(text, "null"), flat=_has(text, "$type")
            )
        except ValidationError:
            return None
        return root, collector, resolved

    def render_node(
        self,
        value: NodeValue,
        path: str,
        report: SanitizeReport | None = None,
        *,
        cache: RenderCache | None = None,
    ) -> Markup:
        """Render one node found at ``path`` (URLs/props dropped go into ``report``).

        Used by streaming to re-render only the subtrees that changed. The node's
        own placement is not checked (its parent's render checked it).
        """
        memo = cache.memo if cache is not None else None
        result = self._checker.validate_node(
            value,
            path,
            keep_unknown=self.fallback is not None,
            memo=memo,
        )
        clean = self._deliverable(result)
        if report is not None:
            report.extend(result.report)
        roots = clean.root if isinstance(clean.root, list) else [clean.root]
        budget = OutputBudget(self.limits.max_output_chars)
        return _trusted(
            "".join(
                [self._write_value(value, path, result, cache, None, budget) for value in roots]
            )
        )

    def render_page(
        self,
        spec: Any,
        *,
        title: str = "genui",
        theme: Literal["auto", "light", "dark"] = "auto",
        stylesheet_href: str | None = None,
        script_href: str | None = None,
    ) -> Markup:
        """Render ``spec`` as a complete HTML document, for previews and the CLI.

        The stylesheet is inlined unless ``stylesheet_href`` is given (use a
        link under a strict Content-Security-Policy); ``script_href`` adds
        genui's static script for progressive enhancement.
        """
        return self._fill(
            "genui/_page.html",
            title=title,
            theme=theme,
            body=self.render(spec),
            stylesheet_href=stylesheet_href,
            script_href=script_href,
        )

    # -- internals -----------------------------------------------------------------------

    def _template(self, name: str) -> Template:
        template = self._templates.get(name)
        if template is None:
            template = self._environment.get_template(name)
            self._templates[name] = template
        return template

    def _fill(self, template_name: str, **context: Any) -> Markup:
        """Render a template; its output is the one source of trusted markup here.

        Autoescape is on for every template, so every value a template writes
        is escaped unless it is already :class:`Markup` (rendered children).
        """
        template = self._template(template_name)
        # What Template.render does through Jinja's documented low-level API, minus
        # the per-call merging of template and environment globals (a ChainMap walk):
        # one dict holds the environment's globals and this node's variables.
        variables = {**self._environment.globals, **context}
        output = template.root_render_func(
            Context(self._environment, variables, template.name, template.blocks)
        )
        return _trusted("".join(output))

    def _resolved(self) -> dict[str, _Resolved]:
        """Component name → what rendering it needs, worked out once per registry."""
        if self._writers_for is not self._registry:
            registry = self._registry
            written = {
                component.template: component
                for component in (*default_registry().values(), *registry.values())
                if component.writer is not None and component.template
            }
            self._writers = {
                name: _Resolved(
                    component,
                    self._writer(component, written),
                    escape_html(component.css_class),
                    frozenset(
                        child for child, kind in registry.items() if component.accepts_child(kind)
                    ),
                    component.accepts_child("text"),
                    frozenset(component.props_model.model_fields),
                )
                for name, component in registry.items()
            }
            self._writers_for = registry
        return self._writers

    def _writer(self, component: Component, written: Mapping[str, Component]) -> Writer:
        """How ``component`` is written: its writer, or its Jinja2 template.

        The application's loaders providing the component's template name win, so apps
        can still override any built-in's markup. A component with only a template
        whose name is a written component's (``written``: template name → component)
        is written by that component's writer, if its props model is that component's.
        """
        name = component.template
        if name and self._app_has_template(name):
            return self._template_writer(name, component.css_class)
        if component.writer is not None:
            return component.writer
        owner = written.get(name)
        if owner is not None and owner.writer is not None:
            if not issubclass(component.props_model, owner.props_model):
                raise TypeError(
                    f"{component.name}: {name} renders {owner.props_model.__name__}, "
                    f"not {component.props_model.__name__}"
                )
            return owner.writer
        return self._template_writer(name, component.css_class)

    def _app_has_template(self, name: str) -> bool:
        try:
            self._app_loader.get_source(self._environment, name)
        except TemplateNotFound:
            return False
        return True

    def _template_writer(self, template_name: str, css_class: str) -> Writer:
        """The template ``template_name`` as a :data:`~genui.writing.Writer`.

        The template is loaded (and checked, :mod:`genui.template_checks`) now, with the
        registry's other writers: a bad template fails the first render of any spec.
        """
        self._template(template_name)

        def write(element: Element[Any]) -> str:
            info = NodeInfo(
                element.path,
                element.key,
                css_class,
                element.id_prefix,
                element.action,
                element.feedback,
            )
            return self._fill(
                template_name,
                props=element.props,
                children=_trusted(element.children),
                content=_trusted(element.content),
                node=info,
            )

        return write

    def _write_value(
        self,
        value: NodeValue,
        path: str,
        result: ValidationResult,
        cache: RenderCache | None,
        scope: _Scope | None,
        budget: OutputBudget,
    ) -> str:
        """Write one clean node (validated by ``result``) and its subtree."""
        if isinstance(value, GenerativeUINode):
            if cache is None:
                return self._write_component(value, path, result, None, scope, budget)
            hit = cache.get(value, path)
            if hit is not None:
                budget.charge(len(hit), path)
                return hit
            written = _trusted(self._write_component(value, path, result, cache, scope, budget))
            cache.put(value, path, written)
            return written
        html = escape_html(value if isinstance(value, str) else format_number(value))
        budget.charge(len(html), path)
        return html

    def _write_component(
        self,
        node: GenerativeUINode,
        path: str,
        result: ValidationResult,
        cache: RenderCache | None,
        scope: _Scope | None,
        budget: OutputBudget,
    ) -> str:
        props = result.props_model(node)
        entry = self._resolved().get(node.component)
        if props is None or entry is None:
            fallback = self._render_fallback(node, path)
            budget.charge(len(fallback), path)
            return fallback
        binding = feedback = None
        if scope is not None:
            feedback = scope.field(path, entry, props)
            ref = getattr(props, "action", None)
            if isinstance(ref, ActionRef) and scope.surface is not None:
                binding = scope.surface.bind(ref, node, path)
        children = "".join(
            [
                self._write_value(child, f"{path}/children/{index}", result, cache, scope, budget)
                for index, child in enumerate(node.children)
            ]
        )
        html = self._write(entry, props, children, path, node.key, binding, feedback)
        budget.charge(len(html) - len(children), path)  # the children charged their own
        return html

    def _write(
        self,
        entry: _Resolved,
        props: Any,
        children: str,
        path: str,
        key: str | None,
        binding: ActionBinding | None = None,
        feedback: FieldFeedback | None = None,
    ) -> str:
        """Write one component's element around its rendered ``children``."""
        content = children
        text_prop = entry.component.text_prop
        if text_prop is not None:
            text = getattr(props, text_prop)
            if text is not None:  # the text prop first, then any children: nothing is hidden
                text = text if isinstance(text, str) else format_number(text)
                content = escape_html(text) + children
        # tuple.__new__ builds the Element without its Python-level __new__ (half the cost)
        return entry.writer(
            _new_element(
                Element,
                (
                    props,
                    children,
                    content,
                    entry.css_class,
                    path,
                    key,
                    self.id_prefix,
                    binding,
                    feedback,
                ),
            )
        )

    def accepts(self, node: GenerativeUINode, path: str) -> bool:
        """Whether ``node``'s component is allowed and its props validate, reporting nothing.

        :class:`~genui.SpecStream` asks this before showing a node that is still streaming.
        """
        component = self.registry.get(node.component)
        if component is None:
            return False
        context = validation_context(
            policy=self.url_policy, path=path, strict=self.strict, limits=self.limits
        )
        try:
            component.props_model.model_validate(given_props(node.props), context=context)
        except ValidationError:
            return False
        return True

    def _render_fallback(self, node: GenerativeUINode, path: str) -> str:
        """What an unknown component kept for the fallback renders as (reported already)."""
        name = node.component
        if self.fallback is None:  # pragma: no cover - unknown nodes are kept only for one
            raise GenerativeUIRenderError(
                f"unknown component {name!r} at {path}", component_name=name, path=path
            )
        if self.fallback == "default":
            info = NodeInfo(path, node.key, "genui-unknown", self.id_prefix)
            return self._fill("genui/_unknown.html", name=name, node=info)
        result = self.fallback(name, dict(node.props), path)
        if isinstance(result, Markup):
            return result  # the caller vouches for it
        return escape_text(str(result))


def _scope(surface: ActionSurface | None, feedback: FormFeedback | None) -> _Scope | None:
    return None if surface is None and feedback is None else _Scope(surface, feedback)


def _has(text: str | bytes | bytearray, word: str) -> bool:
    """Whether JSON ``text`` may hold ``word``: a null, or a flat node's ``$type``.

    The word inside a string counts too; a key spelled with escapes is not seen, and the
    one-pass path then refuses its node (the precise path takes it).
    """
    if isinstance(text, str):
        return word in text
    return word.encode() in text


def _decode_within_limits(text: str | bytes | bytearray, limits: Limits) -> Any:
    """Decode JSON text and check it against ``limits`` (what parse_spec does first)."""
    value = decode_json(text, limits)
    check_limits(value, limits, text=text)
    return value


def render(spec: Any, registry: Registry | None = None, *, fallback: Fallback = None) -> Markup:
    """Render ``spec`` to an HTML fragment with a default :class:`Renderer`.

    ``spec`` is a :class:`GenerativeUISpec` or anything :func:`genui.parse_spec`
    takes; ``registry`` defaults to :func:`genui.default_registry`.
    """
    return _renderer(registry, fallback).render(spec)


def render_with_report(
    spec: Any, registry: Registry | None = None, *, fallback: Fallback = None
) -> RenderResult:
    """Like :func:`render`, also returning the :class:`SanitizeReport`."""
    return _renderer(registry, fallback).render_with_report(spec)


def render_page(spec: Any, registry: Registry | None = None, **options: Any) -> Markup:
    """Render ``spec`` as a complete HTML document (see :meth:`Renderer.render_page`)."""
    fallback = options.pop("fallback", None)
    return _renderer(registry, fallback).render_page(spec, **options)


_RENDERERS: dict[tuple[Registry | None, Any], Renderer] = {}


def _renderer(registry: Registry | None, fallback: Fallback) -> Renderer:
    """A cached renderer per (registry, fallback), so templates compile once."""
    cache_key = (registry, fallback)
    try:
        renderer = _RENDERERS.get(cache_key)
    except TypeError:  # unhashable fallback: do not cache
        return Renderer(registry, fallback=fallback)
    if renderer is None:
        if len(_RENDERERS) > 64:
            _RENDERERS.clear()
        renderer = Renderer(registry, fallback=fallback)
        _RENDERERS[cache_key] = renderer
    return renderer
