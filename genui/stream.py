"""Keep a spec current while an agent streams it, and send the browser only what changed.

A :class:`SpecStream` takes either the spec's JSON text in arbitrary chunks
(:meth:`~SpecStream.feed`) or changes to it (:meth:`~SpecStream.apply`: RFC
6902 JSON Patch or RFC 7396 merge patch). After each call it holds the last
*valid* spec and returns the :class:`Update` s that turn the previous HTML into
the new one. Cost follows the size of the change, not of the spec:

* specs are immutable and patches share unchanged subtrees, so the new spec is
  rebuilt only along changed paths (a cache maps each JSON object to its
  validated node);
* the diff skips every subtree that is the very same object as before;
* only update targets are rendered, and a :class:`~genui.RenderCache` reuses
  the HTML of unchanged descendants; the full :meth:`~SpecStream.html` is
  assembled only when asked for, byte-identical to ``render(spec)``;
* a patch that changes only a spec's ``state`` re-renders only the nodes that read
  what it changed (a :class:`~genui.state.DependencyIndex` from state pointers to
  nodes): one bound value changed in a 2,000-node dashboard is one ``replace``.

Update operations (applied by ``genui.js``, or by any client):

``replace``
    replace the element whose ``data-genui-path`` is ``target`` with ``html``;
``append``
    append ``html`` at the end of the stream's container (new root nodes);
``after``
    insert ``html`` right after the element whose ``data-genui-path`` is ``target``
    (children added at the end of a node: only they are sent, never their parent);
``reset``
    replace the whole content of the stream's container with ``html``.

By default (:data:`ALL_OPS`: ``genui.js`` and the test DOM apply them all) the stream also
sends the three below; a stream for a client that applies fewer is made with the ops it
applies (``SpecStream(ops=genui.htmx.HTMX_OPS)`` for htmx, which cannot move nodes: no
``shell``; :data:`BASIC_OPS`, the four above, for the simplest client):

``insert``
    append ``html`` at the end of the *children slot* of the element whose
    ``data-genui-path`` is ``target``: the element reached from it by ``at``, a dotted
    list of element-child indices (``""``: the element itself; ``"1.0"``: the first
    element child of its second element child). Children after a text leaf, or into a
    parent that shows none yet, are sent without their parent;
``remove``
    remove the element whose ``data-genui-path`` is ``target`` (children dropped from the
    end of their parent);
``shell``
    a parent whose own props changed: ``html`` is its new element with an empty children
    slot (at ``at``, as for ``insert``); the nodes of the old element's slot move into the
    new one, which then replaces the old element. Its children are not sent again.

An op is used only where the stream can prove the result is byte-for-byte what a whole
render gives: the component's writer puts its children, verbatim and once, as the whole
(``shell``) or the end (``insert``) of one element's content, outside tables, paragraphs
and selects; anything else falls back to ``replace``.
"""

from __future__ import annotations

import codecs
import math
import operator
import re
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal, NamedTuple

from markupsafe import Markup
from pydantic import BaseModel, ValidationError

from genui.envelope import ActionSurface
from genui.errors import GenerativeUIError, GenerativeUIPatchError, GenerativeUIValidationError
from genui.flat import (
    FLAT_META,
    document_members,
    error_as_sent,
    legacy_members,
    patch_path_as_sent,
)
from genui.htmltext import identity_attrs
from genui.jsontext import decode_json
from genui.limits import Limits, check_value_limits
from genui.partial import SpecAssembler
from genui.patch import (
    COPY_CHARS_PER_PATCH_CHAR,
    DEFAULT_COPY_CHARS_FLOOR,
    apply_json_patch,
    apply_merge_patch,
    is_merge_patch,
    parse_patch_ops,
    text_chars,
)
from genui.pointer import format_pointer, parse_pointer
from genui.registry import Registry
from genui.render import RenderCache, Renderer
from genui.sanitize import SanitizeReport
from genui.spec import (
    GenerativeUINode,
    GenerativeUISpec,
    NodeValue,
    parse_spec,
    translate_validation_error,
)
from genui.state import (
    DependencyIndex,
    Resolution,
    bound_fields,
    changed_pointers,
    json_equal,
    resolve_node,
)
from genui.validate import ValidationResult

__all__ = ["ALL_OPS", "BASIC_OPS", "SpecStream", "Update"]

UpdateOp = Literal["replace", "append", "after", "reset", "insert", "remove", "shell"]

DEFAULT_HISTORY_BYTES = 4 * 1024 * 1024
"""Default bytes of update HTML a stream keeps for reconnects (see ``history_bytes``)."""
BASIC_OPS: frozenset[str] = frozenset({"replace", "append", "after", "reset"})
"""The update ops every client applies (``genui.js``, :mod:`genui.htmx`, the test DOM):
what a stream for the simplest client sends (``SpecStream(ops=BASIC_OPS)``)."""
ALL_OPS: frozenset[str] = BASIC_OPS | {"insert", "remove", "shell"}
"""Every update op: what ``genui.js`` applies, and a stream's default."""

_MAX_STATE_UPDATES = 64
"""Past this many nodes to re-render for one state patch, the whole spec is diffed."""


class Update(NamedTuple):
    """One change to apply to the page: see the module docstring for the ops."""

    op: UpdateOp
    """``replace``, ``append``, ``after``, ``reset``, ``insert``, ``remove`` or ``shell``."""
    target: str
    """``data-genui-path`` of the element to replace (or to insert after); ``""`` for the
    container."""
    html: Markup
    """The new HTML."""
    at: str = ""
    """``insert`` and ``shell``: the children slot inside the target (element-child indices
    joined by ``.``; ``""``: the target itself)."""

    def to_dict(self) -> dict[str, str]:
        """JSON-ready form, as sent in SSE frames (``at`` only for the ops that read it)."""
        out = {"op": self.op, "target": self.target, "html": str(self.html)}
        if self.op in ("insert", "shell"):
            out["at"] = self.at
        return out


_Mode = Literal["empty", "text", "patch"]


class SpecStream:
    """A streaming session: the current spec, its HTML, and updates per change.

    * ``registry`` / ``renderer``: how to render (a renderer wins over a registry).
    * ``limits``: bounds on the streamed text and the resulting spec.
    * ``history``: how many update batches to keep for :meth:`updates_since`, and
      ``history_bytes`` how many bytes of their HTML at most (the oldest go first; a
      client further behind gets :meth:`reset_update`). The stream's memory is about one
      copy of its current spec (converted, validated, rendered) plus this budget.
    * ``surface``: the :class:`~genui.envelope.ActionSurface` that signs the spec's actions
      (from :meth:`genui.ActionGate.surface`); the stream sets its version as it renders.
      A node with an action is always re-rendered whole when anything in it changes, so
      its envelope names the node as shown.
    * ``ops``: the update ops the client applies (:data:`ALL_OPS` by default, what
      ``genui.js`` applies: children after a text leaf, removed children and a parent's
      changed props cost only what changed; :data:`genui.htmx.HTMX_OPS` for htmx;
      :data:`BASIC_OPS` for a client that applies only those four).

    Not thread-safe: one stream per agent response, used from one task.
    """

    def __init__(
        self,
        registry: Registry | None = None,
        *,
        renderer: Renderer | None = None,
        limits: Limits | None = None,
        history: int = 256,
        history_bytes: int = DEFAULT_HISTORY_BYTES,
        surface: ActionSurface | None = None,
        ops: Iterable[str] = ALL_OPS,
    ) -> None:
        self.ops = frozenset(ops)
        """The update ops this stream may send (see the module docstring)."""
        unknown = self.ops - ALL_OPS
        if unknown or not self.ops >= BASIC_OPS:
            raise ValueError(f"ops must include {sorted(BASIC_OPS)}, within {sorted(ALL_OPS)}")
        self.renderer = renderer if renderer is not None else Renderer(registry)
        self.limits = limits if limits is not None else self.renderer.limits
        self._cache = RenderCache(latest_only=True)
        self._assembler = SpecAssembler(self.limits, self.renderer.accepts)
        self._mode: _Mode = "empty"
        self._text: list[str] = []
        self._received = 0
        """Characters of text sent to this stream (fed, or in patches that applied)."""
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        """Decodes byte chunks for :meth:`snapshot` (the bytes of an unfinished character wait)."""
        self._document: Any = {}
        self._nodes_by_object: dict[int, _Converted] = {}
        self._object_at: dict[str, int] = {}
        """The id of the object last converted at each node path (see ``_remember``)."""
        self._lists: dict[str, _Children] = {}
        self._valid_props: dict[int, tuple[dict[str, Any], int]] = {}
        """Props objects that validated as a node's props, by identity, and their characters
        (see ``_node_from_checked``)."""
        self._op_hints: dict[str, tuple[list[Any], int]] = {}
        """For the patch being applied: each list it changes (by the path of its items, as
        in ``_lists``), the list before the patch and how many leading items it kept."""
        self._valid_names: set[str] = set()
        """Component names that validated as a node's ``component``."""
        self._slots: dict[str, tuple[BaseModel, tuple[str, str | None], _Slot | None]] = {}
        """Each place's children slot, for the props model it was found with."""
        """Long children lists last converted, by their node's path (see ``_convert``)."""
        self._spec: GenerativeUISpec | None = None
        self._checked: ValidationResult | None = None
        """The current spec as the renderer validated it (its clean spec is what shows)."""
        self._pending: ValidationResult | None = None
        self._version = 0
        self._closed = False
        self._history: deque[tuple[int, list[Update]]] = deque()
        self._history_size = 0
        """Bytes of HTML (and targets) in ``_history``."""
        self.history = history
        """Most update batches kept for :meth:`updates_since`."""
        self.history_bytes = history_bytes
        """Most bytes of update HTML kept for :meth:`updates_since`."""
        self._report = SanitizeReport()
        self._html: Markup | None = Markup("")
        self._dependencies: DependencyIndex | None = None
        """Which nodes of the current spec read which state pointers (built on first use)."""
        self.surface = surface
        """Signs the actions this stream shows (``None``: actionable controls are inert)."""

    # -- state ---------------------------------------------------------------------------

    @property
    def version(self) -> int:
        """Incremented by every call that changed the spec."""
        return self._version

    @property
    def spec(self) -> GenerativeUISpec | None:
        """The last valid spec (``None`` before anything could be shown)."""
        return self._spec

    @property
    def clean_spec(self) -> GenerativeUISpec | None:
        """The clean spec the page shows now (what submitted actions are checked against)."""
        return self._checked.spec if self._checked is not None else None

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` has run."""
        return self._closed

    def html(self) -> Markup:
        """The current fragment, byte-identical to ``renderer.render(spec)``."""
        if self._html is None:
            self._render_all()
        assert self._html is not None
        return self._html

    @property
    def report(self) -> SanitizeReport:
        """What sanitization removed from the current spec."""
        if self._html is None:
            self._render_all()
        return self._report

    def _render_all(self) -> None:
        if self._checked is None:
            self._html, self._report = Markup(""), SanitizeReport()
            return
        surface = self.surface.at(self._version) if self.surface is not None else None
        self._html, self._report = self.renderer.write(
            self._checked, cache=self._cache, surface=surface
        )

    # -- input ---------------------------------------------------------------------------

    def feed(self, chunk: str | bytes) -> list[Update]:
        """Consume the next chunk of the spec's JSON text; return the updates it causes.

        A node appears once its component name and props are complete and
        valid; a URL is never emitted half-streamed. Invalid JSON or an
        invalid complete node raises :class:`GenerativeUIValidationError`, and
        so does every later call: the last good spec stands.
        """
        self._check_open()
        if self._mode == "patch":
            raise GenerativeUIError(
                "this stream is being patched; feed text to a new stream", code="stream_mode"
            )
        self._mode = "text"
        if isinstance(chunk, bytes | bytearray):
            text = self._decoder.decode(chunk)  # a character split over two chunks stays whole
        else:
            text = self._decoder.decode(b"", final=True) + chunk
        self._assembler.feed(chunk)
        self._text.append(text)
        self._received += len(text)
        if not self._assembler.changed:
            return []
        return self._text_change(self._assembler.current())

    def _text_change(self, spec: GenerativeUISpec | None) -> list[Update]:
        """:meth:`_change` to what the text gives; errors with paths into the text as sent."""
        try:
            return self._change(spec)
        except GenerativeUIError as error:
            raise self._assembler.as_sent(error) from None

    def apply(self, ops: Any) -> list[Update]:
        """Apply a JSON Patch (a list of ops, JSON text or JSONL) or a merge patch (a dict).

        The patched document must be a valid spec. If an operation fails, or the result
        is not a spec's shape or is over a limit, :class:`GenerativeUIPatchError` is
        raised; if the renderer refuses the patched spec (an invalid prop, an unknown
        component, under its policy), its :class:`GenerativeUIValidationError` (or
        :class:`GenerativeUIRenderError`) is. Either way the stream is unchanged: catch
        :class:`GenerativeUIError` for both.
        """
        self._check_open()
        current = self._document
        if self._mode == "text":
            if not self._assembler.complete:
                raise GenerativeUIPatchError(
                    "the streamed spec text is not complete yet", code="stream_mode"
                )
            current = self._sent_document()
        size = len(ops) if isinstance(ops, str | bytes | bytearray) else text_chars(ops)
        if is_merge_patch(ops):
            plain: Any = ops
            document = apply_merge_patch(current, ops)
        else:
            plain = _addressed(parse_patch_ops(ops), current)
            document = apply_json_patch(current, plain)
        received = self._received + size
        _spec_in(document)  # an envelope's own problems: paths into the document as sent
        try:
            updates = self._state_updates(plain, document) if self._mode == "patch" else None
            if updates is None:
                if not isinstance(ops, Mapping):
                    self._op_hints = _list_hints(plain, current)
                spec = self._spec_from_document(document, received)
                updates = self._change(spec, force_version=True)
        except GenerativeUIError as error:
            raise self._as_sent(error, document) from None
        finally:
            self._op_hints = {}
            self._cache.memo.shared.clear()
        self._mode, self._document = "patch", document  # only once the change is shown
        self._received = received
        return updates

    def replace(self, spec: Any) -> list[Update]:
        """Replace the whole spec: a dict or JSON text (either node shape), or a spec.

        What an action's handler answers with a new spec. A dict or text is read as
        :func:`genui.validate` reads it (so assistant-ui's flat ``$type`` nodes work) and
        checked by this stream's renderer; the stream keeps its clean spec. As with
        :meth:`apply`, an invalid spec raises :class:`GenerativeUIPatchError` and leaves
        the stream unchanged.
        """
        if not isinstance(spec, GenerativeUISpec):
            try:
                checked = self.renderer.check(spec)
                spec = checked.bound_spec  # state and bindings kept when nothing was cleaned
                assert spec is not None  # the check raised otherwise
            except GenerativeUIValidationError as exc:
                raise self._patch_error(exc) from None
        document = spec.model_dump(mode="json", exclude_defaults=True)
        return self.apply([{"op": "replace", "path": "", "value": document}])

    def close(self) -> list[Update]:
        """Finish the stream: drop what is incomplete and validate the final spec strictly.

        Raises :class:`GenerativeUIValidationError` if the text ended early, or
        the final spec does not parse or render (unknown components, invalid
        props); the stream is closed either way.
        """
        self._check_open()
        self._closed = True
        if self._mode == "text":
            self._assembler.finish()
            updates = self._text_change(self._assembler.current())
        else:
            updates = []
        if self._spec is None:
            raise GenerativeUIValidationError.single("", "incomplete", "no spec was received")
        try:
            self.renderer.render(
                parse_spec(self._spec.model_dump(mode="python"), limits=self.limits)
            )
        except GenerativeUIError as error:
            if self._mode == "text":
                raise self._assembler.as_sent(error) from None
            raise self._as_sent(error, self._document) from None
        return updates

    def bound_fields(self, path: str) -> dict[str, str]:
        """Form fields inside the node at ``path`` whose value is bound to state.

        Field name → state pointer (see :func:`genui.state.bound_fields`); empty when the
        spec has no state or no such node.
        """
        checked = self._checked
        if checked is None or checked.resolution is None or checked.spec is None:
            return {}
        node = _node_at(checked.spec, path)
        return bound_fields(checked.resolution, node, path) if node is not None else {}

    def _check_open(self) -> None:
        if self._closed:
            raise GenerativeUIError("the stream is closed", code="stream_closed")

    # -- resuming ------------------------------------------------------------------------

    def updates_since(self, version: int) -> list[Update] | None:
        """Updates that bring a client at ``version`` up to date, or ``None`` if too old.

        For an SSE reconnect with ``Last-Event-ID``; on ``None`` send
        :meth:`reset_update` instead.
        """
        if version == self._version:
            return []
        if version > self._version or not self._history or self._history[0][0] > version + 1:
            return None
        updates: list[Update] = []
        for batch_version, batch in self._history:
            if batch_version > version:
                updates.extend(batch)
        return updates

    def _keep(self, version: int, updates: list[Update]) -> None:
        """Log one batch for :meth:`updates_since`, within ``history`` and ``history_bytes``."""
        history = self._history
        history.append((version, updates))
        self._history_size += sum(len(update.html) + len(update.target) for update in updates)
        while len(history) > self.history or (
            self._history_size > self.history_bytes and len(history) > 1
        ):
            _, dropped = history.popleft()
            self._history_size -= sum(len(u.html) + len(u.target) for u in dropped)

    def reset_update(self) -> Update:
        """One update that replaces everything with the current HTML."""
        return Update("reset", "", self.html())

    def snapshot(self) -> dict[str, Any]:
        """JSON-ready state, to resume on another worker with :meth:`restore`."""
        return {
            "format": "genui.stream/1",
            "version": self._version,
            "mode": self._mode,
            "closed": self._closed,
            "text": "".join(self._text) if self._mode == "text" else None,
            "pending": self._decoder.getstate()[0].hex() if self._mode == "text" else "",
            "document": self._document if self._mode == "patch" else None,
            "received": self._received,
        }

    @classmethod
    def restore(
        cls,
        snapshot: Mapping[str, Any],
        registry: Registry | None = None,
        *,
        renderer: Renderer | None = None,
        limits: Limits | None = None,
        surface: ActionSurface | None = None,
        ops: Iterable[str] = ALL_OPS,
    ) -> SpecStream:
        """Rebuild a stream from :meth:`snapshot` (same registry/renderer expected)."""
        if not isinstance(snapshot, Mapping) or snapshot.get("format") != "genui.stream/1":
            raise GenerativeUIError("not a genui stream snapshot", code="invalid_snapshot")
        stream = cls(registry, renderer=renderer, limits=limits, surface=surface, ops=ops)
        mode = snapshot.get("mode")
        if mode == "text" and isinstance(snapshot.get("text"), str):
            stream.feed(snapshot["text"])
            pending = snapshot.get("pending")
            if isinstance(pending, str) and pending and len(pending) <= 6:
                try:
                    stream.feed(bytes.fromhex(pending))  # the start of a split character
                except ValueError:
                    raise GenerativeUIError(
                        "not a genui stream snapshot", code="invalid_snapshot"
                    ) from None
        elif mode == "patch":
            stream._mode = "patch"
            stream._document = snapshot.get("document")
            stream._spec = stream._spec_from_document(stream._document)
            received = snapshot.get("received")  # (absent from older snapshots)
            stream._received = (
                received
                if isinstance(received, int) and received >= 0
                else text_chars(stream._document)
            )
            stream._checked = stream.renderer.check(stream._spec, cache=stream._cache)
            stream._cache.memo.shared.clear()
            stream._html = None
        version = snapshot.get("version")
        stream._version = version if isinstance(version, int) and version >= 0 else 0
        stream._history.clear()
        stream._history_size = 0
        stream._closed = bool(snapshot.get("closed"))
        return stream

    # -- internals -----------------------------------------------------------------------

    def _change(
        self, spec: GenerativeUISpec | None, *, force_version: bool = False
    ) -> list[Update]:
        if spec is None or spec is self._spec:
            if force_version:
                self._version += 1
                self._keep(self._version, [])
            return []
        waiting = self._mode == "text" and self._assembler.binds and not self._assembler.complete
        try:
            checked = self.renderer.check(spec, cache=self._cache, waiting=waiting)
        except BaseException:
            self._revalidate_current()  # the failed check superseded what the page shows
            raise
        old = self._checked.spec if self._checked is not None else None
        self._pending = checked
        try:
            updates = self._diff(old, _clean_spec(checked))
        except BaseException:
            self._revalidate_current()  # the check above evicted what the current spec used
            raise
        finally:
            self._pending = None
        self._spec = spec
        self._checked = checked
        self._dependencies = None
        if not updates and not force_version:
            return []
        self._html = None
        self._version += 1
        self._keep(self._version, updates)
        return updates

    def _state_updates(self, ops: Any, document: Any) -> list[Update] | None:
        """Updates for a patch that changes only ``state``, or ``None`` to diff the spec.

        The nodes that read a changed pointer are resolved, checked and written again,
        each one ``replace``; nothing else is looked at. Anything this cannot do exactly
        as a whole new check would — a spec with errors or reports, a repeat to expand,
        a node that no longer checks — is left to the whole check (``None``).
        """
        checked, spec, before = self._checked, self._spec, self._document
        resolution = checked.resolution if checked is not None else None
        if checked is None or resolution is None or spec is None or checked.errors:
            return None
        if checked.report or not isinstance(document, Mapping) or not isinstance(before, Mapping):
            return None
        if "root" not in document or document.keys() != before.keys():
            return None  # (an envelope's state patches take the whole check)
        if document.get("root") is not before.get("root"):
            return None
        if not isinstance(ops, Mapping) and any(op.get("op") == "copy" for op in ops):
            return None  # a copy's cost is counted by the whole check
        pointers = changed_pointers(ops)
        if pointers is None:
            return None
        for value, at in _patch_values(ops):
            check_value_limits(value, self.limits, at)
        state = document["state"]
        index = self._dependencies
        if index is None:
            index = self._dependencies = DependencyIndex(resolution)
        affected: set[str] = set()
        for pointer in pointers:
            affected |= index.affected(pointer)
        if "" in affected or not affected <= resolution.origins.keys():
            return None
        tops = _topmost(affected)
        if len(tops) > _MAX_STATE_UPDATES:
            return None
        clean = _clean_spec(checked)
        if any(_inside_action(clean, path) for path in tops):
            return None  # an envelope names its node whole: the diff re-renders it
        parts: list[tuple[str, Resolution, ValidationResult, GenerativeUINode]] = []
        for path in tops:
            part = resolve_node(resolution, path, state, self.limits)
            if part is None or part.errors or part.shapes:
                return None
            try:
                node_checked = self.renderer.check_node(part.root, path, cache=self._cache)
            except GenerativeUIError:
                return None
            node_spec = node_checked.spec
            if node_checked.errors or node_checked.report or node_spec is None:
                return None
            [node] = node_spec.roots
            if not isinstance(node, GenerativeUINode):
                return None
            parts.append((path, part, node_checked, node))
        whole = checked
        for path, _, node_checked, _ in parts:
            whole = whole.with_node(path, node_checked)
        surface = self.surface.at(self._version + 1) if self.surface is not None else None
        updates = [
            Update(
                "replace",
                path,
                self.renderer.write_node(
                    node, path, node_checked, cache=self._cache, surface=surface
                ),
            )
            for path, _, node_checked, node in parts
        ]
        for path, part, _, _ in parts:
            _replace_part(resolution, index, path, part)
        self._spec = spec.model_copy(update={"state": state})
        self._checked = whole
        self._html = None
        self._version += 1
        self._keep(self._version, updates)
        return updates

    def _revalidate_current(self) -> None:
        """Validate the current spec again, after a change that failed once it was checked."""
        self._html = None
        if self._spec is not None:
            self._checked = self.renderer.check(self._spec, cache=self._cache)

    def _render(self, value: NodeValue, path: str) -> Markup:
        assert self._pending is not None
        surface = self.surface.at(self._version + 1) if self.surface is not None else None
        return self.renderer.write_node(
            value, path, self._pending, cache=self._cache, surface=surface
        )

    def _diff(self, old: GenerativeUISpec | None, new: GenerativeUISpec) -> list[Update]:
        if old is None:
            return [Update("reset", "", self._render_roots(new))]
        old_root, new_root = old.root, new.root
        if isinstance(old_root, list) and isinstance(new_root, list):
            return self._diff_root_list(old_root, new_root, new)
        if isinstance(old_root, GenerativeUINode) and isinstance(new_root, GenerativeUINode):
            updates = self._diff_node(old_root, new_root, "/root")
            if updates is not None:
                return updates
        elif old_root == new_root:
            return []
        return [Update("reset", "", self._render_roots(new))]

    def _render_roots(self, spec: GenerativeUISpec) -> Markup:
        root = spec.root
        if isinstance(root, list):
            return Markup("").join(self._render(item, f"/root/{i}") for i, item in enumerate(root))
        return self._render(root, "/root")

    def _diff_root_list(
        self, old: list[NodeValue], new: list[NodeValue], spec: GenerativeUISpec
    ) -> list[Update]:
        updates: list[Update] = []
        if len(new) < len(old):
            removed = self._remove_trailing(old, len(new), "/root")
            if removed is None:
                return [Update("reset", "", self._render_roots(spec))]
            updates, old = removed, old[: len(new)]
        start = self._shared_prefix(old, new) if len(old) >= _BULK_CHILDREN else 0
        for index in range(start, len(old)):
            before, after = old[index], new[index]
            if before is after:
                continue
            changed = None
            if isinstance(before, GenerativeUINode) and isinstance(after, GenerativeUINode):
                changed = self._diff_node(before, after, f"/root/{index}")
            elif before == after and type(before) is type(after):
                changed = []
            if changed is None:
                return [Update("reset", "", self._render_roots(spec))]
            updates.extend(changed)
        if len(new) > len(old):
            html = Markup("").join(
                self._render(item, f"/root/{index}")
                for index, item in enumerate(new)
                if index >= len(old)
            )
            updates.append(Update("append", "", html))
        return updates

    def _diff_node(
        self, old: GenerativeUINode, new: GenerativeUINode, path: str
    ) -> list[Update] | None:
        """Updates turning ``old`` into ``new`` at ``path``; None if the parent must re-render."""
        if old is new:
            return []
        if old.component != new.component or old.key != new.key or "action" in new.props:
            return [Update("replace", path, self._render(new, path))]  # an envelope: whole
        if old.props is not new.props and not json_equal(old.props, new.props):  # 1 is not true
            shell = None
            if "shell" in self.ops and _same_children(old.children, new.children):
                shell = self._shell(old, new, path)
            if shell is not None:
                return [shell]
            shown_html = self._cache.get(old, path)
            html = self._render(new, path)
            return [] if html == shown_html else [Update("replace", path, html)]  # equal props
        kept = min(len(old.children), len(new.children))
        updates: list[Update] = []
        if len(new.children) < len(old.children):
            removed = self._remove_trailing(old.children, kept, f"{path}/children")
            if removed is not None and not _shows_something(new.children):
                slot = self._slot(new, path, self._pending)  # left with no children: as empty?
                if slot is None or not self._empty_slot_kept(new, path, slot, None):
                    removed = None
            if removed is None:
                return [Update("replace", path, self._render(new, path))]
            updates.extend(removed)
        start = 0
        if kept >= _BULK_CHILDREN:  # unchanged children of a long list: in bulk
            start = self._shared_prefix(old.children, new.children)
        shown = zip(old.children[start:kept], new.children[start:kept], strict=True)
        for index, (before, after) in enumerate(shown, start=start):
            if before is after:
                continue
            child_path = f"{path}/children/{index}"
            if isinstance(before, GenerativeUINode) and isinstance(after, GenerativeUINode):
                nested = self._diff_node(before, after, child_path)
                if nested is not None:
                    updates.extend(nested)
                    continue
            elif before == after and type(before) is type(after):
                continue
            return [Update("replace", path, self._render(new, path))]
        if len(new.children) > kept and (
            isinstance(new.children[-1], GenerativeUINode) or _shows_something(new.children[kept:])
        ):
            # (children that write nothing leave the parent's HTML as it was: nothing to send)
            appended = self._append_children(old, new, path, kept)
            if appended is None:
                return [Update("replace", path, self._render(new, path))]
            updates.append(appended)
        if not updates:  # the same HTML: remembered for the new node too (equal props later)
            remembered = self._cache.get(old, path)
            if remembered is not None:
                self._cache.put(new, path, remembered)
        return updates

    def _shared_prefix(self, old: list[Any], new: list[Any]) -> int:
        """How many leading items of ``new`` are ``old``'s very items.

        Known without looking when the conversion built ``new`` from ``old`` (see
        ``_share``); else compared item by item, at C speed.
        """
        known = self._cache.memo.shared.get(id(new))
        if known is not None and known[0] is new and known[1] is old:
            return min(known[2], len(old), len(new))
        return _same_prefix(old, new)

    def _remove_trailing(
        self, children: list[NodeValue], kept: int, prefix: str
    ) -> list[Update] | None:
        """``remove`` updates for ``children[kept:]``, or None if one has no element."""
        if "remove" not in self.ops:
            return None
        updates = []
        for index in range(kept, len(children)):
            child, child_path = children[index], f"{prefix}/{index}"
            if not isinstance(child, GenerativeUINode):
                return None
            shown = self._cache.get(child, child_path)
            if shown is None or not _names_itself(shown, child_path) or not _one_element(shown):
                return None
            updates.append(Update("remove", child_path, Markup("")))
        return updates

    def _new_children(self, node: GenerativeUINode, path: str, kept: int) -> Markup:
        return Markup("").join(
            self._render(child, f"{path}/children/{index}")
            for index, child in enumerate(node.children[kept:], start=kept)
        )

    def _append_children(
        self, old: GenerativeUINode, node: GenerativeUINode, path: str, kept: int
    ) -> Update | None:
        """An update writing ``node``'s children from ``kept`` on, or None.

        Children are written one after another inside their parent's element, so new
        ones go right after the element of the last child already shown (``after``). That
        needs such an element: a node child (not a text leaf) whose writer put its path on
        its outer tag (the built-ins always do; an app template that leaves ``attrs`` out
        does not). Otherwise they go at the end of the parent's children slot (``insert``),
        where its writer allows it.
        """
        last = node.children[kept - 1] if kept else None
        if isinstance(last, GenerativeUINode):
            last_path = f"{path}/children/{kept - 1}"
            shown = self._render(last, last_path)  # cached: it is on the page already
            if _names_itself(shown, last_path):
                return Update("after", last_path, self._new_children(node, path, kept))
        if "insert" not in self.ops:
            return None
        slot = self._slot(node, path, self._pending)
        if slot is None or slot.at is None:
            return None
        # Same component, props and key: the parent was written around its old children as
        # around these, unless its writer tells no children from some (a Card's body).
        if not _shows_something(old.children) and not self._empty_slot_kept(node, path, slot, old):
            return None
        html = self._new_children(node, path, kept)
        if slot.text_only and "<" in html:
            return None
        return Update("insert", path, html, slot.at)

    def _empty_slot_kept(
        self, node: GenerativeUINode, path: str, slot: _Slot, shown: GenerativeUINode | None
    ) -> bool:
        """Whether ``node`` written with no children is its slot, empty.

        ``shown``, the node on the page with no children to show (if given), was most
        often rendered alone (its HTML is in the render cache); otherwise ``node`` is
        written again with none.
        """
        html = self._cache.get(shown, path) if shown is not None else None
        if html is None:
            props = self._props_of(node, self._pending)
            entry = self.renderer._resolved().get(node.component)
            if props is None or entry is None:
                return False
            html = Markup(self.renderer._write(entry, props, "", path, node.key))  # noqa: S704
        return html == slot.prefix + slot.suffix

    def _shell(self, old: GenerativeUINode, new: GenerativeUINode, path: str) -> Update | None:
        """A ``shell`` update for a parent whose props changed, children kept, or None."""
        if not _shows_something(new.children) or "action" in old.props:
            return None  # (a writer may leave out the slot of no children: a Card's body)
        slot = self._slot(new, path, self._pending)
        before = self._slot(old, path, self._checked)
        if slot is None or before is None or not slot.whole or not before.whole:
            return None
        if slot.text_only or before.text_only:
            return None
        if slot.at is None or slot.at != before.at:
            return None
        shell = slot.prefix + slot.suffix  # the component's writer, around no children
        return Update("shell", path, Markup(shell), slot.at)  # noqa: S704 - genui's own output

    def _props_of(
        self, node: GenerativeUINode, result: ValidationResult | None
    ) -> BaseModel | None:
        """``node``'s validated props (also of a node this change superseded), or None."""
        if result is None:
            return None
        props = result.props_model(node)
        if props is None:  # a node this change superseded: the memo kept its props for now
            forgotten = self._cache.memo.superseded.get(id(node))
            props = forgotten[1] if forgotten is not None and forgotten[0] is node else None
        return props

    def _slot(
        self, node: GenerativeUINode, path: str, result: ValidationResult | None
    ) -> _Slot | None:
        """Where ``node``'s writer puts its children, if it puts them verbatim, once.

        Remembered per place while the validated props are the very same model (the
        memo gives the same one back while the props stay equal): the writer is then
        given the same element, so it writes the same shell.
        """
        props = self._props_of(node, result)
        entry = self.renderer._resolved().get(node.component)
        if props is None or entry is None:
            return None
        known = self._slots.get(path)
        if known is not None and known[0] is props and known[1] == (node.component, node.key):
            return known[2]
        shell = self.renderer._write(entry, props, _SLOT, path, node.key)
        slot = None
        if shell.count(_SLOT) == 1 and _names_itself(shell, path):
            prefix, suffix = shell.split(_SLOT)
            slot = _Slot(prefix, suffix, *_slot_position(prefix, suffix))
        self._slots[path] = (props, (node.component, node.key), slot)
        return slot

    # -- documents (patch mode) ----------------------------------------------------------

    def _sent_document(self) -> Any:
        """The streamed spec as the agent wrote it, for patches that address what it sent.

        (Its dump would leave out ``"children": []`` and ``"props": {}``, and a patch that
        adds to them would fail.) Decoded once, by the same rules as :func:`genui.parse_spec`.
        """
        return decode_json("".join(self._text), self.limits)  # an envelope kept, as sent

    def _spec_from_document(self, document: Any, received: int | None = None) -> GenerativeUISpec:
        """Validate a patched document, re-validating only objects that changed.

        ``_nodes_by_object`` maps each JSON object already validated to its node
        and subtree size; patches share unchanged objects, so only the objects
        on changed paths are looked at. The map is rebuilt when it has grown
        well past the spec (amortized, bounded memory).
        """
        document = _spec_in(document)
        try:
            root = document.get("root")
            if isinstance(root, list):  # unchanged leading items: in bulk, no descent
                listed = self._children_list(root, "/root/", 1)
                self._lists["/root/"] = listed
                converted: Any = listed.converted
                total, chars = listed.sizes[-1], listed.chars[-1]
            else:
                converted, total, chars = self._convert(root, "/root", 1)
            if total > self.limits.max_nodes:
                raise GenerativeUIValidationError.single(
                    "", "too_many_nodes", f"more than {self.limits.max_nodes} nodes"
                )
            if chars > self.limits.max_total_chars:  # copies share strings, not their cost
                raise GenerativeUIValidationError.single(
                    "",
                    "too_much_text",
                    f"more than {self.limits.max_total_chars} characters of text in all",
                )
            allowed = _text_allowed(received)
            if chars > allowed:  # copies of copies: each patch within its budget, not the sum
                raise GenerativeUIValidationError.single(
                    "",
                    "too_much_text",
                    f"more than {allowed} characters of text: a stream's spec may hold "
                    f"{DEFAULT_COPY_CHARS_FLOOR} plus {COPY_CHARS_PER_PATCH_CHAR} per character "
                    "it was sent",
                )
            if "state" in document:  # bound into the tree: checked like the props they become
                check_value_limits(document["state"], self.limits, "/state")
            if len(document) == 1 and _all_valid_nodes(converted):
                spec = GenerativeUISpec.model_construct(root=converted)  # nothing left to check
            else:
                spec = GenerativeUISpec.model_validate({**document, "root": converted})
        except GenerativeUIValidationError as exc:
            raise self._patch_error(exc) from None
        except ValidationError as exc:
            raise self._patch_error(translate_validation_error(exc, document)) from None
        if len(self._nodes_by_object) > max(4096, 4 * total):
            self._nodes_by_object.clear()
            self._object_at.clear()
            self._valid_props.clear()
            self._lists.clear()
            self._slots.clear()
            self._spec_from_document(document)
        return spec

    def _convert(self, value: Any, path: str, depth: int) -> tuple[Any, int, int]:
        """The node for one JSON value (leaves as they are), its size, its characters.

        The size counts the nodes of its subtree; the characters its text (leaves, props,
        keys), which copies share but still cost to render.
        """
        if not isinstance(value, Mapping):  # leaves, and wrong types that validation reports
            if isinstance(value, str):
                self._check_length(value, path)
                return value, 1, len(value)
            return value, 1, 0
        if depth > self.limits.max_depth:
            raise GenerativeUIValidationError.single(
                path, "too_deep", f"nodes nested deeper than {self.limits.max_depth}"
            )
        cached = self._nodes_by_object.get(id(value))
        if cached is not None and cached[0] is value:
            return cached[1], cached[2], cached[3]
        given = value
        if "$type" in value:  # assistant-ui's flat shape: read as the legacy members
            chars = check_value_limits(
                {name: item for name, item in value.items() if name not in FLAT_META},
                self.limits,
                f"{path}/props",  # (a legacy path, as every other: mapped back on error)
            )
            value = legacy_members(value)
            if "children" in given:
                value["children"] = given["children"]
        else:
            props = value.get("props")
            seen = self._valid_props.get(id(props)) if type(props) is dict else None
            if seen is not None and seen[0] is props:
                chars = seen[1]  # within the limits when it was first seen
            else:
                chars = check_value_limits(props, self.limits, f"{path}/props")
        props_chars = chars
        for name in ("component", "key"):
            member = value.get(name)
            if isinstance(member, str):
                self._check_length(member, f"{path}/{name}")
                chars += len(member)
        size = 1
        children = value.get("children")
        known: _Children | None = None
        if isinstance(children, list) and len(children) >= _BULK_CHILDREN:
            listed = self._children_list(children, f"{path}/children/", depth + 1)
            known, children = listed, listed.converted
            size += listed.sizes[-1]
            chars += listed.chars[-1]
        elif isinstance(children, list):
            converted: list[Any] = []
            by_object = self._nodes_by_object if depth < self.limits.max_depth else {}
            longest = self.limits.max_string_length
            for index, child in enumerate(children):
                kind = type(child)
                if kind is dict:  # an unchanged child: found without building its path
                    cached = by_object.get(id(child))
                    if cached is not None and cached[0] is child:
                        converted.append(cached[1])
                        size += cached[2]
                        chars += cached[3]
                        continue
                elif kind is str and len(child) <= longest:
                    converted.append(child)
                    size += 1
                    chars += len(child)
                    continue
                node, child_size, text = self._convert(child, f"{path}/children/{index}", depth + 1)
                converted.append(node)
                size += child_size
                chars += text
            children = converted
        elif children is not None:
            children, child_size, text = self._convert(children, f"{path}/children/0", depth + 1)
            size += child_size
            chars += text
        candidate = {**value, "children": children} if "children" in value else value
        node = self._node_of(candidate, path, known)
        props = value.get("props")
        if given is value and type(props) is dict:  # the document's own props, valid now
            self._valid_props[id(props)] = (props, props_chars)
        if known is not None:
            self._lists[f"{path}/children/"] = known._replace(node=node)
        self._remember(path, given, (given, node, size, chars))
        self._valid_names.add(node.component)
        return node, size, chars

    def _remember(self, path: str, given: Mapping[str, Any], entry: _Converted) -> None:
        """Remember the node converted from ``given`` at ``path``; forget the one it replaced.

        The object converted at ``path`` before is superseded (patches copy the nodes
        along a changed path), so its entry goes: the map holds about one entry per node
        of the current spec, not one per version. (An object shown at several places, by
        a ``copy``, may lose its entry: it is then converted again, nothing else.)
        """
        by_object = self._nodes_by_object
        previous = self._object_at.get(path)
        if previous is not None and previous != id(given):
            old = by_object.pop(previous, None)
            props = old[0].get("props") if old is not None else None
            if (
                props is not None
                and props is not given.get("props")
                and self._valid_props.get(id(props), (None,))[0] is props
            ):
                del self._valid_props[id(props)]
        self._object_at[path] = id(given)
        by_object[id(given)] = entry

    def _node_of(self, candidate: Any, path: str, known: _Children | None) -> GenerativeUINode:
        """The node model of ``candidate``, whose children are converted already.

        With ``known`` (a long children list whose first ``known.reused`` children were
        validated in the node last converted at ``path``) only the other children are
        validated again: node validation checks each child on its own.
        """
        if known is not None and known.reused and known.node is not None:
            head = known.node.children[: known.reused]
            try:
                rest = GenerativeUINode.model_validate(
                    {**candidate, "children": known.converted[known.reused :]}
                )
            except ValidationError:
                pass  # validated whole below, for the error's path
            else:
                children = head + rest.children
                self._share(children, known.node.children, known.reused)
                return rest.model_copy(update={"children": children})
        fast = self._node_from_checked(candidate)
        if fast is not None:
            return fast
        try:
            return GenerativeUINode.model_validate(candidate)
        except ValidationError as exc:
            raise translate_validation_error(exc, candidate, base=path, root_model="node") from None

    def _node_from_checked(self, candidate: Mapping[str, Any]) -> GenerativeUINode | None:
        """The node of ``candidate`` without validating it again, or None to validate it.

        A node rebuilt along a changed path keeps its props object (patches share what
        they do not change): props seen valid before, a name seen valid before and
        converted children make a valid node as they are. The node then holds that very
        props object, so the memo and the diff find it unchanged by identity.
        """
        props = candidate.get("props", _NO_PROPS)
        if props is not _NO_PROPS and self._valid_props.get(id(props), (None,))[0] is not props:
            return None
        name = candidate.get("component")
        if name not in self._valid_names or not candidate.keys() <= _PLAIN_MEMBERS:
            return None
        key = candidate.get("key")
        if key is not None and type(key) is not str:
            return None
        children = candidate.get("children")
        if children is None:
            children = []
        elif type(children) is not list:
            children = [children]
        if not all(type(child) is GenerativeUINode or _is_valid_leaf(child) for child in children):
            return None
        return GenerativeUINode.model_construct(
            component=name,
            props=props if props is not _NO_PROPS else {},
            children=children,
            key=key,
        )

    def _children_list(self, children: list[Any], at: str, depth: int) -> _Children:
        """Convert a long list of nodes, its leading unchanged items in bulk.

        Item ``i`` is at ``at`` + ``i``, at ``depth``.
        """
        last = self._lists.get(at)
        start = 0
        if last is not None:
            hint = self._op_hints.get(at)
            if hint is not None and hint[0] is last.source:  # the patch says what it kept
                start = min(hint[1], len(last.source), len(children))
            else:
                start = _same_prefix(last.source, children)
        if last is not None and start:
            converted = last.converted[:start]
            sizes, chars = last.sizes[: start + 1], last.chars[: start + 1]
        else:
            converted, sizes, chars = [], [0], [0]
        for index in range(start, len(children)):
            node, child_size, text = self._convert(children[index], f"{at}{index}", depth)
            converted.append(node)
            sizes.append(sizes[-1] + child_size)
            chars.append(chars[-1] + text)
        node = last.node if last is not None and start else None
        if last is not None and start:
            self._share(converted, last.converted, start)
        return _Children(children, converted, sizes, chars, start, node)

    def _share(self, new: list[Any], old: list[Any], count: int) -> None:
        """Tell the validation and the diff that ``new[:count]`` are ``old``'s very items."""
        self._cache.memo.shared[id(new)] = (new, old, count)

    def _check_length(self, text: str, path: str) -> None:
        """Refuse a string over ``max_string_length``, as :func:`genui.parse_spec` does."""
        if len(text) > self.limits.max_string_length:
            raise GenerativeUIValidationError.single(
                path, "too_long", f"string longer than {self.limits.max_string_length} characters"
            )

    @staticmethod
    def _as_sent(error: GenerativeUIError, document: Any) -> GenerativeUIError:
        """``error`` with its paths into ``document`` as sent (flat nodes, an envelope).

        Nodes are converted to the legacy shape, and the spec is read out of its
        envelope, before they are checked: the paths of what the check finds are mapped
        back here.
        """
        if isinstance(error, GenerativeUIPatchError) and error.code != "invalid_spec":
            return error  # an op that failed: its path is into the document already
        enveloped = isinstance(document, Mapping) and document is not _spec_in(document)
        spec = document["spec"] if enveloped else document
        return error_as_sent(error, document_members(spec), base="/spec" if enveloped else "")

    @staticmethod
    def _patch_error(error: GenerativeUIValidationError) -> GenerativeUIPatchError:
        detail = error.errors[0]
        return GenerativeUIPatchError(
            f"the patch would make the spec invalid: {error}",
            path=detail.path,
            code="invalid_spec",
            details=error.errors,
        )


_Converted = tuple[Any, GenerativeUINode, int, int]
"""A converted object: the object, its node, its subtree's node count and characters."""
_NO_PROPS: Any = object()
"""A node without a ``props`` member."""
_PLAIN_MEMBERS = frozenset({"component", "props", "children", "key"})
"""The members of a node that :meth:`SpecStream._node_from_checked` may take as they are."""


def _addressed(ops: list[dict[str, Any]], document: Any) -> list[dict[str, Any]]:
    """``ops`` with legacy paths into flat nodes of ``document`` written as sent.

    In an envelope (``{"spec": ...}``, which has no ``root`` or ``state`` of its own) a
    path from ``/root`` or ``/state`` addresses the spec inside: a patch may address the
    spec whether or not the agent wrapped it.

    So genui's own patches (an image's ``<node>/props/status``, from :mod:`genui.images`)
    apply to a node the agent wrote flat (``<node>/status``); see
    :func:`genui.flat.patch_path_as_sent`. Nodes are looked up in the document before the
    patch (a node the same patch adds is addressed in its own shape).
    """
    enveloped = isinstance(document, Mapping) and "root" not in document and "spec" in document
    members = document_members(document)
    for op in ops:
        for member in ("path", "from") if "from" in op else ("path",):
            path = op[member]
            if enveloped and _names_spec_member(path):
                path = "/spec" + path  # the spec's /root or /state, in its envelope
            op[member] = patch_path_as_sent(path, members)
    return ops


def _list_hints(ops: list[dict[str, Any]], document: Any) -> dict[str, tuple[list[Any], int]]:
    """What a one-op JSON Patch keeps of each list it changes, read from the op's path.

    For each list of ``document`` (the document before the patch) the op reaches into, the
    list and how many of its leading items the op keeps (an op at index ``i``, or through
    item ``i``, keeps the ``i`` before it; ``-`` keeps them all). Keyed like
    ``SpecStream._lists``: the spec's pointer to the list, then ``/`` (``"/root/"``,
    ``"/root/0/children/"``). A list the op replaces, or that sits under the value it
    replaces, gets no entry. Only for one ``add``, ``remove``, ``replace`` or ``copy``: the
    op's path is then read in the very document it applies to (the ops of a longer patch,
    and a ``move``'s removal, shift what later paths mean); anything else gets no hints,
    and what each list kept is found by comparing.
    """
    if len(ops) != 1 or ops[0]["op"] not in ("add", "remove", "replace", "copy"):
        return {}
    spec: Any = document
    base = 0
    if isinstance(document, Mapping) and "root" not in document and "spec" in document:
        spec, base = document["spec"], 1  # the spec's paths start after /spec
    kept: dict[tuple[str, ...], tuple[list[Any], int]] = {}
    replaced: list[tuple[str, ...]] = []
    try:
        tokens = tuple(parse_pointer(ops[0]["path"]))[base:]
    except ValueError:
        return {}
    replaced.append(tokens)
    value = spec
    for depth, token in enumerate(tokens):
        if type(value) is list:
            end = token == "-"  # noqa: S105 - RFC 6901's past-the-end token
            index = len(value) if end else int(token) if token.isdecimal() else -1
            if index < 0:
                break
            kept[tokens[:depth]] = (value, index)
            if index >= len(value):
                break
            value = value[index]
        elif isinstance(value, Mapping):
            value = value.get(token)
        else:
            break
    hints: dict[str, tuple[list[Any], int]] = {}
    for at, hint in kept.items():
        if any(len(target) <= len(at) and at[: len(target)] == target for target in replaced):
            continue  # the list itself, or a value above it, is replaced: compare instead
        hints["".join(f"/{token}" for token in at) + "/"] = hint
    return hints


def _names_spec_member(path: str) -> bool:
    """Whether ``path`` starts with ``/root`` or ``/state`` (a member of a spec)."""
    return any(path == name or path.startswith(name + "/") for name in ("/root", "/state"))


def _spec_in(document: Any) -> Mapping[str, Any]:
    """The spec object in a patched document: the document, or the spec in its envelope.

    An envelope is a ``render_gui`` tool call's arguments ``{"spec": ...}`` or a message
    part ``{"type": "generative-ui", "spec": ...}``, as :func:`genui.validate` reads them.
    """
    if not isinstance(document, Mapping):
        raise GenerativeUIPatchError("the patched document is not an object", code="invalid_spec")
    if "root" in document or "spec" not in document:
        return document
    for key in document:
        if key not in ("spec", "type"):
            raise GenerativeUIPatchError(
                f"unexpected key {key[:80]!r} beside 'spec'",
                path=format_pointer([key]),
                code="invalid_spec",
            )
    if document.get("type", "generative-ui") != "generative-ui":
        raise GenerativeUIPatchError(
            "a message part's type must be 'generative-ui'", path="/type", code="invalid_spec"
        )
    spec = document["spec"]
    if not isinstance(spec, Mapping):
        raise GenerativeUIPatchError(
            "'spec' must be a spec object", path="/spec", code="invalid_spec"
        )
    return spec


def _inside_action(spec: GenerativeUISpec, path: str) -> bool:
    """Whether a node above the one at ``path`` has an action (a form around a field)."""
    while "/children/" in path:
        path = path[: path.rfind("/children/")]
        node = _node_at(spec, path)
        if isinstance(node, GenerativeUINode) and "action" in node.props:
            return True
    return False


def _node_at(spec: GenerativeUISpec, path: str) -> NodeValue | None:
    """The node of ``spec`` at ``/root/…/children/i`` (``None`` if there is none)."""
    tokens = path.split("/")[2:] if path.startswith("/root") else None
    if tokens is None:
        return None
    current: Any = spec.root
    if isinstance(current, list):
        if not tokens or not tokens[0].isdecimal() or int(tokens[0]) >= len(current):
            return None
        current, tokens = current[int(tokens[0])], tokens[1:]
    while tokens:
        if len(tokens) < 2 or tokens[0] != "children" or not tokens[1].isdecimal():
            return None
        if not isinstance(current, GenerativeUINode) or int(tokens[1]) >= len(current.children):
            return None
        current, tokens = current.children[int(tokens[1])], tokens[2:]
    return current  # type: ignore[no-any-return]


def _patch_values(ops: Any) -> Iterable[tuple[Any, str]]:
    """The values a patch writes and where (each is checked against the limits)."""
    if isinstance(ops, Mapping):
        return [(ops.get("state"), "/state")]
    return [(op["value"], op["path"]) for op in ops if "value" in op]


def _topmost(paths: set[str]) -> list[str]:
    """``paths`` without those inside another of them (a parent re-renders its children)."""
    tops: list[str] = []
    for path in sorted(paths):
        if not tops or not path.startswith(tops[-1] + "/"):
            tops.append(path)
    return tops


def _replace_part(
    resolution: Resolution, index: DependencyIndex, path: str, part: Resolution
) -> None:
    """Put a node's new resolution (``part``) in place of its old one in ``resolution``."""
    inside = path + "/"
    gone = [path]
    gone += [at for at in resolution.origins if at.startswith(inside)]
    for at in gone:
        index.discard(at, resolution.reads.pop(at, ()), resolution.shapes.pop(at, ()))
        resolution.origins.pop(at, None)
    for at, pointers in part.reads.items():
        resolution.reads[at] = pointers
        index.add(at, pointers, ())
    resolution.origins.update(part.origins)
    resolution.bound.update(part.bound)
    resolution.moved.update(part.moved)


def _clean_spec(checked: ValidationResult) -> GenerativeUISpec:
    assert checked.spec is not None  # Renderer.check raised otherwise
    return checked.spec


def _text_allowed(received: int | None) -> float:
    """Characters of text a patched spec may hold after ``received`` were sent (any: None)."""
    if received is None:
        return math.inf
    return DEFAULT_COPY_CHARS_FLOOR + COPY_CHARS_PER_PATCH_CHAR * received


class _Children(NamedTuple):
    """A long children list as ``_convert`` last converted it at one place."""

    source: list[Any]
    """The list as given (kept alive: its items are compared by identity)."""
    converted: list[Any]
    sizes: list[int]
    """``sizes[i]``: nodes in the first ``i`` children's subtrees."""
    chars: list[int]
    """``chars[i]``: characters of text in the first ``i`` children's subtrees."""
    reused: int
    """How many leading children were taken from the list converted before."""
    node: GenerativeUINode | None
    """The node validated with these children (``None`` until it is)."""


_BULK_CHILDREN = 8
"""From this many children on, a children list is converted in bulk (see ``_Children``)."""


def _same_prefix(known: Sequence[Any], given: Sequence[Any]) -> int:
    """How many leading items of ``given`` are the very objects of ``known`` (at C speed)."""
    flags = bytes(map(operator.is_, known, given))
    index = flags.find(0)
    return len(flags) if index < 0 else index


class _Slot(NamedTuple):
    """A component's element written around a placeholder for its children."""

    prefix: str
    suffix: str
    at: str | None
    """The slot's element-child indices from the outer element (None: not addressable)."""
    whole: bool
    """Whether the children are the slot element's whole content."""
    text_only: bool
    """Whether the slot is in an element the parser re-nests (a ``<p>``): text only."""


_SLOT = "\ue000genui-children\ue001"
"""Children written as this show where a writer puts them (private-use characters)."""

_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)[^<>]*?(/?)>|<")
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
    | {"track", "wbr"}
)
_REPARSED = frozenset(
    {"table", "caption", "colgroup", "thead", "tbody", "tfoot", "tr", "td", "th", "p"}
    | {"select", "option", "optgroup", "datalist", "template", "script", "style"}
    | {"textarea", "title", "noscript", "iframe", "object", "math"}
)
"""Elements whose content the HTML parser moves, re-nests or reads as text: no slot."""


def _slot_position(prefix: str, suffix: str) -> tuple[str | None, bool, bool]:
    """The element-child index path to the element the children end, and whether whole.

    ``prefix`` + children + ``suffix`` must be one element, the children at the end of
    an element's content (``suffix`` starts with its end tag); every element up to it
    is one the HTML parser keeps as written (a ``<p>`` or a table's part before the slot
    holds text only). ``(None, False, False)`` otherwise. The third value: whether the
    slot is inside such an element (then only text may be inserted there).
    """
    stack: list[tuple[str, int]] = []  # open elements: (tag, element children so far)
    path: list[int] = []
    last_start = -1
    for match in _TAG.finditer(prefix):
        closing, tag, selfclosing = match.group(1), match.group(2), match.group(3)
        if tag is None:
            return None, False, False  # a comment, a doctype, a stray "<"
        tag = tag.lower()
        inside = any(name in _REPARSED for name, _ in stack)
        if inside and (not closing or stack[-1][0] != tag):
            return None, False, False  # only text inside a <p>, a table cell…
        if closing:
            if not stack or stack[-1][0] != tag:
                return None, False, False
            stack.pop()
            path.pop()
            if not stack:
                return None, False, False  # the outer element closed before the children
            continue
        if stack:
            name, count = stack[-1]
            stack[-1] = (name, count + 1)
            index = count
        elif last_start >= 0:
            return None, False, False  # a second top-level element
        else:
            index = 0
        last_start = match.end()
        if tag in _VOID or selfclosing:
            if not stack:
                return None, False, False
            continue
        stack.append((tag, 0))
        path.append(index)
    if not stack or not suffix.startswith(f"</{stack[-1][0]}>"):
        return None, False, False
    text_only = any(name in _REPARSED for name, _ in stack)  # the slot is inside one
    depth = len(stack)
    for match in _TAG.finditer(suffix):  # the suffix closes exactly the open elements
        closing, tag, selfclosing = match.group(1), match.group(2), match.group(3)
        if tag is None:
            return None, False, False
        if closing:
            depth -= 1
            if depth == 0 and match.end() != len(suffix):
                return None, False, False
        elif not (tag.lower() in _VOID or selfclosing):
            depth += 1
    if depth != 0:
        return None, False, False
    whole = stack[-1][1] == 0 and last_start == len(prefix)
    return ".".join(str(index) for index in path[1:]), whole, text_only


def _shows_something(children: list[NodeValue]) -> bool:
    """Whether ``children`` write any HTML (a node always does; a leaf unless ``""``)."""
    return any(child != "" or type(child) is not str for child in children)


def _same_children(old: list[NodeValue], new: list[NodeValue]) -> bool:
    return len(old) == len(new) and all(map(operator.is_, old, new))


def _one_element(html: str) -> bool:
    """Whether ``html`` (a writer's output, naming itself) is one element and nothing else."""
    depth = 0
    for match in _TAG.finditer(html):
        closing, tag, selfclosing = match.group(1), match.group(2), match.group(3)
        if tag is None:
            return False
        if closing:
            depth -= 1
            if depth < 0 or (depth == 0 and match.end() != len(html)):
                return False
        elif not (tag.lower() in _VOID or selfclosing):
            depth += 1
        elif depth == 0:
            return match.end() == len(html)  # one void element
    return depth == 0 and html.endswith(">")


def _names_itself(html: str, path: str) -> bool:
    """Whether ``html`` is one element whose start tag carries ``path`` as its identity."""
    if not html.startswith("<"):
        return False
    end = html.find(">")
    return end > 0 and identity_attrs(path, None) in html[:end]  # its path comes first


def _is_valid_leaf(value: Any) -> bool:
    if type(value) is str or type(value) is int:
        return True
    return type(value) is float and math.isfinite(value)


def _all_valid_nodes(root: Any) -> bool:
    """Whether ``root`` (already converted) needs no further validation."""
    items = root if isinstance(root, list) else [root]
    return all(isinstance(item, GenerativeUINode) or _is_valid_leaf(item) for item in items)
