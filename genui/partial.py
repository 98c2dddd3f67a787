"""Assemble a spec from JSON text that arrives in arbitrary chunks.

Tokenizing is done by ijson's C backend (yajl), pushed one chunk at a time. yajl
lexes a token cut by a chunk's end again from its start when the next chunk comes,
so a long string or number fed in small chunks would cost its length on every
chunk (quadratic: a 100 KB number in 4-byte chunks took 8.6 s). The bytes of an
unfinished token are therefore held back and sent once they are as many as the
part of the token already sent (:class:`_TokenEdge` finds where it starts), which
makes the total cost linear in the text however small the chunks are. Nothing is
seen later for it: yajl reports a token only once it is complete anyway. ijson only reports a
token once it is complete, so a half-streamed component name (``"Ca"`` on its
way to ``"Card"``) or URL never surfaces.

Each node is validated into a frozen :class:`~genui.GenerativeUINode` once,
when its object closes; its already-validated children pass straight through.
:meth:`SpecAssembler.current` materializes the best valid spec so far: closed
nodes as they are, and the open nodes along the right edge of the document
only once their component name and props are complete (and the caller's
``accept`` check passes) — anything else is held back, never shown broken.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

import ijson
from ijson.utils import sendable_list
from pydantic import ValidationError

from genui.errors import ErrorDetail, GenerativeUIError, GenerativeUIValidationError
from genui.flat import error_as_sent, legacy_members
from genui.jsontext import LONE_SURROGATE as _LONE_SURROGATE_AT
from genui.jsontext import RAW_CONTROL as _RAW_CONTROL
from genui.jsontext import lone_surrogate
from genui.limits import Limits
from genui.pointer import format_pointer
from genui.spec import GenerativeUINode, GenerativeUISpec, translate_validation_error

__all__ = ["SpecAssembler"]

_ESCAPE_LOOKAHEAD: Final = 12
"""A high-surrogate escape this close to the end may be paired by the next chunk."""
_TAIL: Final = 64
"""How much of the text is kept to check escapes that straddle two chunks."""
_HOLD: Final = 4096
"""Bytes of an unfinished token held back before any of it is sent (see the module doc)."""

_BINDING_MEMBERS: Final = frozenset(
    {"state", "$state", "$item", "$index", "repeat", "visible", "$repeat", "$visible"}
)
"""Member names that may mean state or bindings (then a node may wait for its values)."""

_OUT, _STRING, _ESCAPE, _NUMBER = range(4)
_TOKEN_START: Final = re.compile(rb'["0-9-]')
_STRING_STOP: Final = re.compile(rb'["\\]')
_NUMBER_PART: Final = re.compile(rb"[0-9+\-.eE]*")


class _TokenEdge:
    """Tracks, chunk by chunk, whether the text so far ends inside a string or number.

    Only quotes, backslashes and number characters are looked at (by regular
    expressions, so a chunk costs its length at C speed); anything else is yajl's job.
    """

    __slots__ = ("state",)

    def __init__(self) -> None:
        self.state = _OUT

    def scan(self, data: bytes) -> int:
        """Where, in ``data``, the unfinished token at its end starts: -1 if none, 0 if earlier."""
        state = self.state
        start = 0
        at = 0
        end = len(data)
        while at < end:
            if state == _OUT:
                found = _TOKEN_START.search(data, at)
                if found is None:
                    break
                start = found.start()
                if data[start] == 0x22:  # '"'
                    state, at = _STRING, start + 1
                else:
                    state, at = _NUMBER, start
            elif state == _STRING:
                found = _STRING_STOP.search(data, at)
                if found is None:
                    break
                if data[found.start()] == 0x22:
                    state = _OUT
                    at = found.end()
                else:
                    state, at = _ESCAPE, found.end()
            elif state == _ESCAPE:
                state, at = _STRING, at + 1
            else:
                found = _NUMBER_PART.match(data, at)
                at = found.end() if found is not None else at
                if at < end:
                    state = _OUT
        self.state = state
        return -1 if state == _OUT else start


# What a container is, from where it sits in the spec.
_SPEC, _NODE, _NODE_LIST, _PROPS, _JSON = range(5)


class _Held:
    """Marker: this open value cannot be shown yet."""


_HELD: Final = _Held()


@dataclass(slots=True)
class _Frame:
    role: int
    value: Any  # dict or list being filled
    path: tuple[str | int, ...]
    node_depth: int
    key: str | None = None  # pending member name (objects)
    seen_children: bool = False
    shell: GenerativeUINode | None = None  # an open node validated without its children
    shell_members: int = -1  # how many members the shell was validated from
    shell_accepted: bool = False


def _partial_spec(root: Any, members: dict[str, Any]) -> GenerativeUISpec:
    """The spec so far: its root, and its ``state`` once that has arrived whole."""
    if "state" in members:
        return GenerativeUISpec.model_construct(root=root, state=members["state"])
    return GenerativeUISpec.model_construct(root=root)


def _is_leaf(value: Any) -> bool:
    """A text or number leaf (ijson gives ints and finite floats; booleans and null are not)."""
    return type(value) in (str, int, float)


def _too_much(path: tuple[str | int, ...], code: str, message: str) -> GenerativeUIValidationError:
    return GenerativeUIValidationError(
        [ErrorDetail(format_pointer(path), code, message)], title="spec over limits"
    )


class SpecAssembler:
    """Incrementally parse and validate a spec's JSON text.

    ``accept(node, path)`` decides whether an *open* node may be shown (e.g.
    its component is known and its props are valid so far); closed nodes are
    always shown. Errors are sticky: after a :class:`GenerativeUIError`, every
    further :meth:`feed` raises it again.
    """

    def __init__(
        self, limits: Limits, accept: Callable[[GenerativeUINode, str], bool] | None = None
    ) -> None:
        self._limits = limits
        self._accept = accept
        self._events = sendable_list()
        self._coroutine = ijson.basic_parse_coro(self._events, use_float=True)
        self._stack: list[_Frame] = []
        self._document: Any = _HELD
        self._bytes = 0
        self._nodes = 0
        self._values = 0
        self._error: GenerativeUIError | None = None
        self._flat: dict[str, frozenset[str]] = {}
        """The member names of each flat ``$type`` node seen, by its pointer (as sent)."""
        self._tail = ""
        """The end of the text so far, whose escapes the next chunk may still pair up."""
        self._edge = _TokenEdge()
        self._held = bytearray()
        """The end of an unfinished token, not sent to yajl yet (appended in place)."""
        self._token_sent = 0
        """How much of the unfinished token yajl has already been sent."""
        self.changed = False
        """Whether the visible structure changed since :meth:`current` last ran."""
        self.binds = False
        """Whether the text so far may hold ``state`` or bindings (see :mod:`genui.state`):
        then a node whose bound values have not arrived yet waits."""

    @property
    def complete(self) -> bool:
        """Whether the whole document has been received."""
        return self._document is not _HELD and not self._stack

    @property
    def started(self) -> bool:
        """Whether any token has arrived."""
        return self._document is not _HELD or bool(self._stack)

    def feed(self, chunk: str | bytes) -> None:
        """Consume one chunk of JSON text (raises on invalid JSON, specs or limits)."""
        if self._error is not None:
            raise self._error
        data = chunk.encode("utf-8", "surrogatepass") if isinstance(chunk, str) else bytes(chunk)
        if not data:
            return  # an empty chunk is no news (sent to the C parser it would mean the end)
        self._bytes += len(data)
        try:
            if self._bytes > self._limits.max_input_bytes:
                raise GenerativeUIValidationError.single(
                    "", "too_large", f"more than {self._limits.max_input_bytes} bytes of input"
                )
            if self.complete and data.strip():
                raise GenerativeUIValidationError.single(
                    "", "invalid_json", "data after the end of the spec"
                )
            self._check_escapes(chunk, final=False)
            self._send_coalesced(data)
            self._drain()
        except GenerativeUIError as exc:
            self._error = exc
            raise
        except Exception as exc:  # a hostile byte sequence must not escape as anything else
            self._error = GenerativeUIValidationError.single(
                "", "invalid_json", f"invalid JSON: {type(exc).__name__}: {exc}"
            )
            raise self._error from None

    def finish(self) -> None:
        """Signal the end of input (flushes a trailing number; raises if incomplete)."""
        if self._error is not None:
            raise self._error
        try:
            self._check_escapes("", final=True)
            if self._held:
                self._send(bytes(self._held))
                self._held.clear()
            self._coroutine.close()
            self._drain()
        except GenerativeUIError as exc:
            self._error = exc
            raise
        except Exception as exc:
            self._error = GenerativeUIValidationError.single(
                "", "invalid_json", f"invalid JSON: {type(exc).__name__}: {exc}"
            )
            raise self._error from None
        if not self.complete:
            raise GenerativeUIValidationError.single("", "incomplete", "the spec text ended early")

    def _send_coalesced(self, data: bytes) -> None:
        """Send ``data`` to yajl, holding back the end of a token it leaves unfinished."""
        held = self._held
        start = self._edge.scan(data)
        if start < 0:  # the text ends between tokens
            self._send(bytes(held) + data if held else data)
            held.clear()
            self._token_sent = 0
            return
        if start > 0 or not (held or self._token_sent):  # a token begins in this chunk
            before = bytes(held) + data[:start] if held else data[:start]
            if before:  # (an empty send would tell yajl the text has ended)
                self._send(before)
            held[:] = data[start:]
            self._token_sent = 0
        else:
            held += data
        if len(held) >= max(_HOLD, self._token_sent):
            self._send(bytes(held))
            self._token_sent += len(held)
            held.clear()

    def _send(self, data: bytes) -> None:
        try:
            self._coroutine.send(data)
        except ijson.common.IncompleteJSONError as exc:
            if "integer overflow" in str(exc):
                raise GenerativeUIValidationError.single(
                    "", "number_too_large", "integers must fit in 64 bits"
                ) from None
            if "overflow" in str(exc):
                raise GenerativeUIValidationError.single(
                    "", "invalid_json", "invalid JSON: a number is out of range"
                ) from None
            raise GenerativeUIValidationError.single(
                "", "invalid_json", f"invalid JSON: {exc}"
            ) from None

    def _check_escapes(self, chunk: str | bytes, *, final: bool) -> None:
        """Refuse a lone surrogate escape, as :mod:`genui.jsontext` does.

        (The C parser would replace it.) An escape at the very end of the text so far may
        still be paired by the next chunk: it is decided then.
        """
        text = chunk.decode("utf-8", "replace") if isinstance(chunk, bytes) else chunk
        if _RAW_CONTROL.search(text):  # yajl takes form feed and vertical tab as whitespace
            raise GenerativeUIValidationError.single(
                "",
                "invalid_json",
                "invalid JSON: a raw control character (JSON's whitespace is space, tab, line "
                "feed and carriage return; in a string, escape it)",
            )
        buffer = self._tail + text
        decided = max(0, len(self._tail) - _TAIL // 2)  # judged last time, with more context
        if lone_surrogate(buffer):
            for match in _LONE_SURROGATE_AT.finditer(buffer):
                if match.start() < decided:
                    continue
                if final or match.end() <= len(buffer) - _ESCAPE_LOOKAHEAD:
                    raise GenerativeUIValidationError.single(
                        "", "invalid_json", "invalid JSON: a lone surrogate escape"
                    )
        self._tail = buffer[-_TAIL:]

    # -- events --------------------------------------------------------------------------

    def _drain(self) -> None:
        events = self._events
        for kind, value in events:
            if kind == "map_key":
                if value in _BINDING_MEMBERS:
                    self.binds = True
                self._stack[-1].key = value
                if self._stack[-1].role == _NODE and value == "children":
                    self._stack[-1].seen_children = True
                    self.changed = True
                continue
            if kind == "start_map":
                self._open({})
            elif kind == "start_array":
                self._open([])
            elif kind in ("end_map", "end_array"):
                self._close()
            else:
                self._scalar(value)
        del events[:]

    def _child_role(self, parent: _Frame | None, is_map: bool) -> int:
        if parent is None:
            return _SPEC
        role = parent.role
        if role == _SPEC and parent.key == "root":
            return _NODE if is_map else _NODE_LIST
        if role == _SPEC and parent.key == "spec" and not parent.path and is_map:
            return _SPEC  # tool arguments {"spec": ...} or a message part: the spec inside
        if role == _NODE_LIST:
            return _NODE if is_map else _JSON
        if role == _NODE:
            if parent.key == "children":
                return _NODE if is_map else _NODE_LIST
            if parent.key == "props":
                return _PROPS if is_map else _JSON
        return _JSON

    def _child_path(self, parent: _Frame | None) -> tuple[str | int, ...]:
        if parent is None:
            return ()
        if isinstance(parent.value, list):
            return (*parent.path, len(parent.value))
        return (*parent.path, parent.key if parent.key is not None else "")

    def _count_value(self, path: tuple[str | int, ...]) -> None:
        self._values += 1
        if self._values > self._limits.max_values:
            raise _too_much(
                path, "too_many_values", f"more than {self._limits.max_values} JSON values"
            )

    def _open(self, container: dict[str, Any] | list[Any]) -> None:
        parent = self._stack[-1] if self._stack else None
        role = self._child_role(parent, isinstance(container, dict))
        path = self._child_path(parent)
        self._count_value(path)
        if len(self._stack) + 1 > self._limits.max_json_depth:
            raise _too_much(
                path, "too_deep", f"JSON nested deeper than {self._limits.max_json_depth}"
            )
        node_depth = parent.node_depth if parent is not None else 0
        if role == _NODE:
            node_depth += 1
            if node_depth > self._limits.max_depth:
                raise _too_much(
                    path, "too_deep", f"nodes nested deeper than {self._limits.max_depth}"
                )
            self._count_node(path)
        self._stack.append(_Frame(role, container, path, node_depth))
        if role in (_NODE, _NODE_LIST):
            self.changed = True

    def _count_node(self, path: tuple[str | int, ...]) -> None:
        self._nodes += 1
        if self._nodes > self._limits.max_nodes:
            raise _too_much(path, "too_many_nodes", f"more than {self._limits.max_nodes} nodes")

    def _scalar(self, value: Any) -> None:
        parent = self._stack[-1] if self._stack else None
        path = self._child_path(parent)
        self._count_value(path)
        if isinstance(value, str) and len(value) > self._limits.max_string_length:
            raise _too_much(
                path, "too_long", f"string longer than {self._limits.max_string_length} characters"
            )
        if parent is None:
            self._document = value  # a bare scalar: not a spec, reported by validation
            self._validate_document()
            return
        if value is None and parent.role == _NODE and parent.key == "children":
            value = []  # "children": null reads as no children, as parse_spec reads it
        elif parent.role == _NODE_LIST or (parent.role == _NODE and parent.key == "children"):
            self._count_node(path)
            if not _is_leaf(value):  # checked now: open nodes are shown without revalidation
                raise GenerativeUIValidationError.single(
                    format_pointer(path),
                    "type_mismatch",
                    "a node must be a string, a number or an object with a 'component'",
                )
        if parent.role in (_SPEC, _NODE, _NODE_LIST):
            self.changed = True
        self._store(parent, value)

    def _store(self, parent: _Frame, value: Any) -> None:
        if isinstance(parent.value, list):
            parent.value.append(value)
            return
        key = parent.key if parent.key is not None else ""
        if key in parent.value:
            raise GenerativeUIValidationError.single(
                format_pointer(parent.path), "duplicate_key", f"duplicate member name {key[:80]!r}"
            )
        parent.value[key] = value
        if (
            parent.role in (_NODE, _PROPS)
            and len(parent.value) > self._limits.max_props_per_node + 4
        ):
            raise _too_much(parent.path, "too_many_props", "too many members")
        parent.key = None

    def _close(self) -> None:
        frame = self._stack.pop()
        value: Any = frame.value
        if frame.role == _NODE:
            value = self._validate_node(frame)
            self.changed = True
        elif frame.role == _NODE_LIST:
            self.changed = True
        elif frame.role == _PROPS:
            props: dict[str, Any] = value
            if len(props) > self._limits.max_props_per_node:
                raise _too_much(
                    frame.path,
                    "too_many_props",
                    f"more than {self._limits.max_props_per_node} props",
                )
            self.changed = True
        if not self._stack:
            self._document = value
            self._validate_document()
            return
        if self._stack[-1].role == _SPEC:
            self.changed = True  # the spec's state arrived
        self._store(self._stack[-1], value)

    def _validate_node(self, frame: _Frame) -> GenerativeUINode:
        members = self._legacy(frame, frame.value)
        props = members.get("props") if members is not frame.value else None
        if isinstance(props, dict) and len(props) > self._limits.max_props_per_node:
            raise _too_much(
                frame.path, "too_many_props", f"more than {self._limits.max_props_per_node} props"
            )
        try:
            return GenerativeUINode.model_validate(members)
        except ValidationError as exc:
            error = translate_validation_error(
                exc, members, base=format_pointer(frame.path), root_model="node"
            )
            raise error_as_sent(error, self._flat.get) from None  # (its paths are full)

    def _legacy(self, frame: _Frame, members: dict[str, Any]) -> dict[str, Any]:
        """A node's members in the legacy shape (a flat node's are read as such)."""
        if "$type" not in members:
            return members
        self._flat[format_pointer(frame.path)] = frozenset(members)
        legacy = legacy_members(members)
        if "children" in members:
            legacy["children"] = members["children"]
        return legacy

    def as_sent(self, error: GenerativeUIError) -> GenerativeUIError:
        """``error`` (legacy paths into the spec) with its paths into the text as sent.

        Flat nodes are read in the legacy shape and the spec is read out of its envelope;
        what a check of the assembled spec finds is mapped back here.
        """
        first = self._stack[0] if self._stack else None
        document = first.value if first is not None else self._document
        enveloped = (
            isinstance(document, dict)
            and "root" not in document
            and ("spec" in document or (first is not None and first.key == "spec"))
        )
        base = "/spec" if enveloped else ""
        flat = self._flat
        if not flat and not base:
            return error

        def members(node: str) -> frozenset[str] | None:
            return flat.get(base + node)

        return error_as_sent(error, members, base=base)

    def _spec_document(self) -> tuple[Any, str]:
        """The spec in the document (inside a ``{"spec": ...}`` envelope) and its pointer."""
        document = self._document
        if isinstance(document, dict) and "root" not in document and "spec" in document:
            for key, value in document.items():
                if key == "type" and value == "generative-ui":
                    continue
                if key != "spec":
                    raise GenerativeUIValidationError.single(
                        format_pointer([key]), "extra_field", "unexpected key beside 'spec'"
                    )
            return document["spec"], "/spec"
        return document, ""

    def _validate_document(self) -> None:
        self.changed = True
        document, base = self._spec_document()
        try:
            GenerativeUISpec.model_validate(document)
        except ValidationError as exc:
            raise translate_validation_error(exc, document, base=base) from None

    # -- the best valid spec so far ------------------------------------------------------

    def current(self) -> GenerativeUISpec | None:
        """The best valid spec so far, or ``None`` when nothing can be shown yet."""
        self.changed = False
        if self._error is not None:
            raise self._error
        if self.complete:
            return GenerativeUISpec.model_validate(self._spec_document()[0])
        open_value: Any = _HELD
        for frame in reversed(self._stack):
            open_value = self._materialize(frame, open_value)
        if not isinstance(open_value, GenerativeUISpec):
            return None
        return open_value

    def _materialize(self, frame: _Frame, open_child: Any) -> Any:
        role = frame.role
        if role == _NODE_LIST:
            items = list(frame.value)
            if open_child is not _HELD:
                items.append(open_child)
            return items
        if role == _NODE:
            return self._materialize_node(frame, open_child)
        if role == _SPEC and not frame.path and (frame.key == "spec" or "spec" in frame.value):
            if frame.key == "spec":  # the envelope around a spec still arriving
                return open_child if isinstance(open_child, GenerativeUISpec) else _HELD
            inner = frame.value.get("spec")
            if isinstance(inner, dict) and "root" in inner:
                return _partial_spec(inner["root"], inner)
            return _HELD
        if role == _SPEC:
            root = frame.value.get("root", _HELD) if frame.key != "root" else open_child
            if root is _HELD or (frame.key is None and "root" not in frame.value):
                return _HELD
            return _partial_spec(root, frame.value)
        return _HELD  # props and other JSON are shown only once complete

    def _materialize_node(self, frame: _Frame, open_child: Any) -> Any:
        members: dict[str, Any] = frame.value
        flat = "$type" in members
        if not isinstance(members.get("$type" if flat else "component"), str):
            return _HELD
        pending = frame.key
        if pending is not None and pending != "children":
            return _HELD  # a member (props, most often) is still arriving
        if not frame.seen_children and (flat or "props" not in members):
            return _HELD  # props usually come next (a flat node's: any member): no flash
        # The node's own members (component, props, key) change rarely: validate them (and
        # ask ``accept``) once per change, then only swap in the children, which are
        # validated nodes and checked leaves already.
        own = len(members) - ("children" in members)
        if frame.shell is None or frame.shell_members != own:
            shell = self._legacy(
                frame, {name: value for name, value in members.items() if name != "children"}
            )
            try:
                frame.shell = GenerativeUINode.model_validate(shell)
            except ValidationError:
                frame.shell = None
                return _HELD
            frame.shell_members = own
            frame.shell_accepted = self._accept is None or self._accept(
                frame.shell, format_pointer(frame.path)
            )
        if not frame.shell_accepted:
            return _HELD
        if pending == "children":
            if open_child is _HELD:
                children: Any = []
            else:
                children = open_child if isinstance(open_child, list) else [open_child]
        else:
            children = members.get("children", [])
            if not isinstance(children, list):
                children = [children]
        return frame.shell.model_copy(update={"children": list(children)})
