"""RFC 6902 JSON Patch and RFC 7396 JSON Merge Patch, for untrusted patches.

An agent that keeps a UI up to date sends *changes* rather than whole specs.
Those changes are as untrusted as the spec itself, so this module holds three
promises for any input:

* **Atomic.** A patch either applies completely or raises
  :class:`~genui.errors.GenerativeUIPatchError` (with the failing ``op_index``,
  the op's ``path`` and a stable ``code``); a half-applied spec never exists.
* **The input is never mutated, and unchanged subtrees are shared.** Only the
  containers on the way from the root to each changed location are copied
  (copy-on-write), so a re-renderer can skip every subtree that is still the
  very same object (``is``). Within one patch a container copied for that
  patch is edited in place again, so long patches stay linear.
* **Bounded.** Limits on op count, text size and the size of values duplicated
  by ``copy``; no recursion on untrusted depth; no exception type other than
  :class:`~genui.errors.GenerativeUIPatchError` escapes.

JSON values are treated as immutable: the result may share objects with the
input document and with the ``value`` members of the ops, and genui never
mutates either.

Patch text follows genui's one set of rules for JSON text (:mod:`genui.jsontext`).
Error codes (see :data:`PATCH_ERROR_CODES`): ``invalid_json``, ``duplicate_key``,
``patch_too_large``,
``invalid_patch``, ``too_many_ops``, ``invalid_op``, ``invalid_pointer``,
``path_not_found``, ``invalid_index``, ``index_out_of_range``, ``test_failed``,
``move_into_descendant``, ``cannot_remove_root``, ``copy_too_large``,
``too_deep`` and ``invalid_value``.
"""

from __future__ import annotations

import reprlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, NoReturn

from genui.errors import GenerativeUIPatchError, GenerativeUIValidationError
from genui.jsontext import json_type, loads
from genui.limits import Limits
from genui.pointer import ARRAY_INDEX, format_pointer, parse_pointer
from genui.spec import GenerativeUISpec, parse_spec

__all__ = [
    "COPY_CHARS_PER_PATCH_CHAR",
    "DEFAULT_COPY_CHARS_FLOOR",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_COPY_NODES",
    "DEFAULT_MAX_OPS",
    "PATCH_ERROR_CODES",
    "apply_json_patch",
    "apply_merge_patch",
    "apply_patch",
    "is_merge_patch",
    "parse_patch_ops",
    "text_chars",
]

DEFAULT_MAX_OPS: Final = 100_000
"""Most operations accepted in one JSON Patch."""

DEFAULT_MAX_BYTES: Final = 32 * 1024 * 1024
"""Largest patch text accepted, in UTF-8 bytes."""

DEFAULT_MAX_COPY_NODES: Final = 1_000_000
"""Most JSON values ``copy`` ops may duplicate in one patch.

Without it, a few dozen ``copy`` ops that each double the document would build
an exponentially large result from a tiny patch.
"""

DEFAULT_COPY_CHARS_FLOOR: Final = 256 * 1024
"""Characters of text ``copy`` ops may duplicate in any one patch, whatever its size."""

COPY_CHARS_PER_PATCH_CHAR: Final = 8
"""Beyond the floor, characters ``copy`` ops may duplicate per character of the patch.

Copies share their strings in memory, but every copy is written out again when the spec
is rendered or sent: without this, a 1 MB patch of one long text and a thousand ``copy``
ops made a spec holding a gigabyte of text. With it, what a patch adds by copying is at most
``DEFAULT_COPY_CHARS_FLOOR + 8 x`` its own size.
"""

PATCH_ERROR_CODES: Final = frozenset(
    {
        "invalid_json",  # patch text is not JSON / JSON Lines (NaN, Infinity, 1e400...)
        "duplicate_key",  # an object in the patch text names a member twice
        "patch_too_large",  # patch text longer than max_bytes
        "invalid_patch",  # the patch as a whole is not a list of ops
        "too_many_ops",  # more than max_ops operations
        "invalid_op",  # an op is malformed: not an object, unknown op, missing/mistyped member
        "invalid_pointer",  # `path` or `from` is not an RFC 6901 pointer
        "path_not_found",  # a location (or its parent) does not exist
        "invalid_index",  # an array reference token is not an index (`1e0`, `01`, `-1`, `foo`)
        "index_out_of_range",  # an array index past the end
        "test_failed",  # a `test` op found a different value
        "move_into_descendant",  # `move` into a child of its own `from`
        "cannot_remove_root",  # `remove` with the empty path
        "copy_too_large",  # `copy` ops over max_copy_nodes values or their text budget
        "too_deep",  # nesting too deep to decode
        "invalid_value",  # the document or a value is not JSON-like (e.g. its __eq__ raised)
    }
)
"""Every ``code`` a :class:`~genui.errors.GenerativeUIPatchError` from this module can carry."""

_MEMBERS: Final[Mapping[str, tuple[str, ...]]] = {
    "add": ("value",),
    "remove": (),
    "replace": ("value",),
    "move": ("from",),
    "copy": ("from",),
    "test": ("value",),
}
"""The members each op requires besides ``op`` and ``path``; any other member is ignored."""

_MAX_INDEX_DIGITS: Final = 19
_JSON_WHITESPACE: Final = " \t\r\n"
_MISSING: Final = object()

_preview_repr = reprlib.Repr()
_preview_repr.maxlevel = 3
_preview_repr.maxstring = 60
_preview_repr.maxother = 60


def _preview(value: Any) -> str:
    """Return a short, safe description of a value for an error message."""
    try:
        return _preview_repr.repr(value)
    except Exception:  # a hostile __repr__ must not replace the real error
        return f"<{type(value).__name__}>"


# --------------------------------------------------------------------------- errors


class _PatchFailureError(Exception):
    """Raised inside the engine; turned into a GenerativeUIPatchError with op context."""

    def __init__(
        self, code: str, message: str, *, op_index: int | None = None, path: str = ""
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.op_index = op_index
        self.path = path

    def to_error(self) -> GenerativeUIPatchError:
        """Return the public error (for failures not tied to one validated op)."""
        return GenerativeUIPatchError(
            self.message, op_index=self.op_index, path=self.path, code=self.code
        )


def _fail(code: str, message: str, *, path: str = "") -> NoReturn:
    raise _PatchFailureError(code, message, path=path)


# --------------------------------------------------------------------------- JSON text


def _loads(text: str) -> Any:
    """Decode JSON by genui's one set of rules (:mod:`genui.jsontext`), as a patch failure."""
    try:
        return loads(text)
    except GenerativeUIValidationError as error:
        detail = error.errors[0]
        _fail(detail.code, detail.message)


def _decode_text(data: str | bytes | bytearray, max_bytes: int) -> str:
    """Check the size of patch text and return it as ``str``."""
    if isinstance(data, str):
        size = len(data)
        if size <= max_bytes < 4 * size:  # only encode when the character count is not enough
            size = len(data.encode("utf-8", "surrogatepass"))
    else:
        size = len(data)
    if size > max_bytes:
        _fail("patch_too_large", f"patch text is {size} bytes, more than the limit of {max_bytes}")
    if isinstance(data, str):
        return data
    try:
        return bytes(data).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        _fail("invalid_json", f"patch text is not valid UTF-8: {exc.reason} at byte {exc.start}")


# --------------------------------------------------------------------------- op parsing


@dataclass(frozen=True, slots=True)
class _Op:
    """One validated operation."""

    index: int
    op: str
    path: str
    tokens: tuple[str, ...]
    value: Any = None
    from_path: str = ""
    from_tokens: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = {"op": self.op, "path": self.path}
        if "value" in _MEMBERS[self.op]:
            result["value"] = self.value
        if "from" in _MEMBERS[self.op]:
            result["from"] = self.from_path
        return result


def _raw_ops(ops: Any, max_ops: int, max_bytes: int) -> list[Any]:
    """Normalize the accepted input forms into a list of (unchecked) op objects."""
    if isinstance(ops, str | bytes | bytearray):
        raw = _ops_from_text(_decode_text(ops, max_bytes), max_ops)
    elif isinstance(ops, Mapping):
        raw = [ops]
    elif isinstance(ops, Sequence):
        if len(ops) > max_ops:
            _fail("too_many_ops", f"patch has {len(ops)} operations, more than the limit {max_ops}")
        raw = list(ops)
    else:
        _fail(
            "invalid_patch",
            "a patch must be a list of operation objects, one operation object, "
            f"JSON text or JSON Lines, not {type(ops).__name__}",
        )
    if len(raw) > max_ops:
        _fail("too_many_ops", f"patch has {len(raw)} operations, more than the limit {max_ops}")
    return raw


def _ops_from_text(text: str, max_ops: int) -> list[Any]:
    """Parse a JSON array of ops, a single op object, or JSON Lines (one op per line)."""
    if text.lstrip(_JSON_WHITESPACE).startswith("["):
        value = _loads(text)
        assert isinstance(value, list)  # a JSON text starting with "[" that decoded
        return value
    whole_failure: _PatchFailureError | None = None
    try:
        whole = _loads(text)
    except _PatchFailureError as failure:
        if failure.code == "too_deep":
            raise
        whole, whole_failure = _MISSING, failure
    if isinstance(whole, dict):
        return [whole]
    if whole is not _MISSING:
        _fail(
            "invalid_patch",
            f"patch text must hold an array of operations, not {json_type(whole)}",
        )
    ops: list[Any] = []
    for line_number, line in enumerate(text.split("\n"), start=1):
        if not line.strip(_JSON_WHITESPACE):
            continue
        if len(ops) >= max_ops:
            _fail("too_many_ops", f"patch has more than the limit of {max_ops} operations")
        try:
            ops.append(_loads(line))
        except _PatchFailureError as line_failure:
            if not ops and whole_failure is not None:
                # Maybe one pretty-printed op object: the whole-text error says more.
                code, detail = whole_failure.code, whole_failure.message
            else:
                code = line_failure.code
                detail = f"JSON Lines line {line_number}: {line_failure.message}"
            message = f"operation {len(ops)}: {detail}"
            raise _PatchFailureError(code, message, op_index=len(ops)) from None
    return ops


def _parse_tokens(pointer: str, member: str) -> tuple[str, ...]:
    try:
        return tuple(parse_pointer(pointer))
    except ValueError as exc:
        _fail("invalid_pointer", f"'{member}' is not a JSON Pointer: {exc}")


def _check_op(item: Any, index: int) -> _Op:
    """Validate the shape of one op object (RFC 6902 section 4: unknown members are ignored)."""
    if not isinstance(item, Mapping):
        _fail("invalid_op", f"an operation must be a JSON object, not {json_type(item)}")
    name = item.get("op", _MISSING)
    if name is _MISSING:
        _fail("invalid_op", "missing 'op' member")
    if not isinstance(name, str):
        _fail("invalid_op", f"'op' must be a string, not {json_type(name)}")
    if name not in _MEMBERS:
        known = ", ".join(_MEMBERS)
        _fail("invalid_op", f"unknown op {_preview(name)} (expected one of {known})")
    path = item.get("path", _MISSING)
    if path is _MISSING:
        _fail("invalid_op", f"missing 'path' member in {name!r} op")
    if not isinstance(path, str):
        _fail("invalid_op", f"'path' must be a string, not {json_type(path)}")
    tokens = _parse_tokens(path, "path")
    value: Any = None
    from_path = ""
    from_tokens: tuple[str, ...] = ()
    if "value" in _MEMBERS[name]:
        value = item.get("value", _MISSING)
        if value is _MISSING:
            _fail("invalid_op", f"missing 'value' member in {name!r} op")
    if "from" in _MEMBERS[name]:
        raw_from = item.get("from", _MISSING)
        if raw_from is _MISSING:
            _fail("invalid_op", f"missing 'from' member in {name!r} op")
        if not isinstance(raw_from, str):
            _fail("invalid_op", f"'from' must be a string, not {json_type(raw_from)}")
        from_path = raw_from
        from_tokens = _parse_tokens(raw_from, "from")
    return _Op(index, name, path, tokens, value, from_path, from_tokens)


def _safe_path(item: Any) -> str | None:
    """Return the op's ``path`` member for an error, or ``None`` when there is no usable one."""
    try:
        if isinstance(item, Mapping):
            path = item.get("path")
            if isinstance(path, str):
                return path
    except Exception:  # a hostile mapping; the error being reported matters more
        return None
    return None


def _parse_ops(ops: Any, max_ops: int, max_bytes: int) -> list[_Op]:
    try:
        raw = _raw_ops(ops, max_ops, max_bytes)
    except _PatchFailureError as failure:
        raise failure.to_error() from None
    except RecursionError:
        raise GenerativeUIPatchError("patch is nested too deeply", code="too_deep") from None
    except Exception as exc:
        raise GenerativeUIPatchError(
            f"cannot read the patch: {type(exc).__name__}: {exc}", code="invalid_patch"
        ) from None
    parsed: list[_Op] = []
    for index, item in enumerate(raw):
        try:
            parsed.append(_check_op(item, index))
        except _PatchFailureError as failure:
            raise _op_error(failure.code, failure.message, index, _safe_path(item)) from None
        except Exception as exc:
            message = f"cannot read the operation: {type(exc).__name__}"
            raise _op_error("invalid_op", message, index, _safe_path(item)) from None
    return parsed


def _op_error(code: str, message: str, index: int, path: str | None) -> GenerativeUIPatchError:
    """Build the public error for op ``index`` (``path`` is ``None`` when the op has none)."""
    where = "" if path is None else f" (path {path!r})"
    return GenerativeUIPatchError(
        f"operation {index}{where}: {message}", op_index=index, path=path or "", code=code
    )


def parse_patch_ops(
    ops: str | bytes | bytearray | Sequence[Mapping[str, Any]] | Mapping[str, Any],
    *,
    max_ops: int = DEFAULT_MAX_OPS,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> list[dict[str, Any]]:
    """Normalize a JSON Patch into a list of plain op dicts, validating every op's shape.

    ``ops`` may be a list of op objects, a single op object, JSON text holding
    either, or JSON Lines (one op object per line, blank lines ignored). Each
    returned dict holds only the members its op defines (``op``, ``path`` and
    ``value`` or ``from``): RFC 6902 says other members are ignored, so they
    are dropped here. Pointers are checked for syntax; whether they resolve
    depends on the document, so that is left to :func:`apply_json_patch`.

    Raises :class:`~genui.errors.GenerativeUIPatchError` for text that is not
    strict JSON (``NaN``, ``Infinity``, duplicate keys, trailing garbage),
    too many ops or too much text, and any malformed op. Errors about one op
    carry its ``op_index`` and ``path``; errors about the whole input have
    ``op_index=None`` (unless a JSON Lines line is to blame).
    """
    return [op.to_dict() for op in _parse_ops(ops, max_ops, max_bytes)]


# --------------------------------------------------------------------------- values


def _array_name(tokens: tuple[str, ...]) -> str:
    return f"the array at {format_pointer(tokens)!r}" if tokens else "the document array"


_SCALAR_TYPES: Final = frozenset({str, int, float, bool, type(None)})


def _is_container(value: Any) -> bool:
    """Return whether ``value`` is a JSON object or array (any Mapping, list or tuple)."""
    kind = type(value)
    if kind is dict or kind is list:
        return True
    if kind in _SCALAR_TYPES:
        return False
    return isinstance(value, Mapping | list | tuple)


def _is_json_like(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | Mapping | list | tuple)


def _json_equal(left: Any, right: Any) -> bool:
    """JSON equality: ``1 == 1.0``, ``1 != true``, key order ignored. Iterative; cycle-safe."""
    stack: list[tuple[Any, Any]] = [(left, right)]
    seen: set[tuple[int, int]] = set()
    while stack:
        a, b = stack.pop()
        if a is b:
            continue
        if isinstance(a, Mapping):
            if not isinstance(b, Mapping) or len(a) != len(b):
                return False
            pair = (id(a), id(b))
            if pair in seen:
                continue
            seen.add(pair)
            for key, item in a.items():
                if key not in b:
                    return False
                stack.append((item, b[key]))
        elif isinstance(a, list | tuple):
            if not isinstance(b, list | tuple) or len(a) != len(b):
                return False
            pair = (id(a), id(b))
            if pair in seen:
                continue
            seen.add(pair)
            stack.extend(zip(a, b, strict=True))
        elif isinstance(a, bool) or isinstance(b, bool):
            if not (isinstance(a, bool) and isinstance(b, bool) and a == b):
                return False
        elif isinstance(a, int | float):
            if not isinstance(b, int | float) or a != b:
                return False
        elif isinstance(a, str):
            if not isinstance(b, str) or a != b:
                return False
        elif _is_json_like(b) or not bool(a == b):
            return False
    return True


# --------------------------------------------------------------------------- JSON Patch engine


class _Patcher:
    """Applies ops to a working root with copy-on-write.

    ``_owned`` maps ``id()`` to every container created during this patch and
    referenced from exactly one place in the working document: only those may
    be edited in place. Everything else (the input's containers, op values)
    is copied before its first edit. Keeping the objects in the dict keeps
    their ids from being reused.
    """

    __slots__ = (
        "_copied",
        "_copied_chars",
        "_copy_chars",
        "_max_copy_nodes",
        "_owned",
        "root",
    )

    def __init__(
        self, root: Any, max_copy_nodes: int, copy_chars: Callable[[], int] | None = None
    ) -> None:
        self.root = root
        self._owned: dict[int, Any] = {}
        self._copied = 0
        self._max_copy_nodes = max_copy_nodes
        self._copied_chars = 0
        self._copy_chars = copy_chars
        """The text budget of copies, worked out only once copies pass the floor."""

    # -- helpers

    def _fresh_copy(self, container: Any) -> Any:
        """Return a new, owned shallow copy of ``container`` (as a dict or list)."""
        fresh: dict[Any, Any] | list[Any] = (
            dict(container) if isinstance(container, Mapping) else list(container)
        )
        self._owned[id(fresh)] = fresh
        return fresh

    def _own(self, container: Any) -> Any:
        """Return a version of ``container`` that may be edited in place."""
        if id(container) in self._owned:
            return container
        return self._fresh_copy(container)

    @staticmethod
    def _index(array: Sequence[Any], tokens: tuple[str, ...], depth: int, *, end: bool) -> int:
        """Resolve ``tokens[depth]`` in ``array``; ``end`` allows ``-`` and ``len(array)``.

        The array's own pointer (``tokens[:depth]``) is only built for an error
        message, so walking a deep path stays linear.
        """
        token = tokens[depth]
        if token == "-":  # noqa: S105 - the RFC 6901 end-of-array token, not a password
            if end:
                return len(array)
            _fail(
                "invalid_index",
                f"'-' (past the end of {_array_name(tokens[:depth])}) "
                "is only valid as the target of add, move or copy",
            )
        if not ARRAY_INDEX.fullmatch(token):
            _fail(
                "invalid_index",
                f"{token!r} is not an array index (digits only, no leading zeros) "
                f"for {_array_name(tokens[:depth])}",
            )
        limit = len(array) if end else len(array) - 1
        if len(token) > _MAX_INDEX_DIGITS or int(token) > limit:
            _fail(
                "index_out_of_range",
                f"index {token} is out of range for {_array_name(tokens[:depth])} "
                f"of length {len(array)}",
            )
        return int(token)

    @staticmethod
    def _not_found(tokens: tuple[str, ...], depth: int, node: Any) -> NoReturn:
        """Fail because ``tokens[depth]`` is missing from ``node`` (the value at ``depth``)."""
        missing = format_pointer(tokens[: depth + 1])
        if _is_container(node):
            _fail("path_not_found", f"{missing!r} does not exist")
        parent = format_pointer(tokens[:depth])
        holder = f"the value at {parent!r}" if parent else "the document"
        _fail(
            "path_not_found",
            f"{missing!r} does not exist: {holder} is {json_type(node)}, not an object or array",
        )

    def _get(self, tokens: tuple[str, ...]) -> Any:
        """Return the value at ``tokens`` without changing anything."""
        node = self.root
        for depth, token in enumerate(tokens):
            if isinstance(node, Mapping):
                if token not in node:
                    self._not_found(tokens, depth, node)
                node = node[token]
            elif isinstance(node, list | tuple):
                node = node[self._index(node, tokens, depth, end=False)]
            else:
                self._not_found(tokens, depth, node)
        return node

    def _parent(self, tokens: tuple[str, ...]) -> Any:
        """Return the (owned, editable) container holding ``tokens[-1]``."""
        if not _is_container(self.root):
            self._not_found(tokens, 0, self.root)
        node = self.root = self._own(self.root)
        for depth, token in enumerate(tokens[:-1]):
            if isinstance(node, dict):
                if token not in node:
                    self._not_found(tokens, depth, node)
                child = node[token]
                if not _is_container(child):
                    self._not_found(tokens, depth + 1, child)
                child = node[token] = self._own(child)
            else:
                position = self._index(node, tokens, depth, end=False)
                child = node[position]
                if not _is_container(child):
                    self._not_found(tokens, depth + 1, child)
                child = node[position] = self._own(child)
            node = child
        return node

    def _deep_copy(self, value: Any) -> Any:
        """Duplicate ``value`` for ``copy`` (iteratively, within the copy budgets)."""
        self._charge(1)
        if not _is_container(value):
            if isinstance(value, str):
                self._charge_chars(len(value))
            return value
        top = self._fresh_copy(value)
        stack = [top]
        while stack:
            node = stack.pop()
            self._charge(len(node))
            chars = 0
            # Replacing values of existing keys while iterating is safe: the size never changes.
            for key, item in node.items() if isinstance(node, dict) else enumerate(node):
                if isinstance(key, str):
                    chars += len(key)
                if isinstance(item, str):
                    chars += len(item)
                elif _is_container(item):
                    node[key] = fresh = self._fresh_copy(item)
                    stack.append(fresh)
            self._charge_chars(chars)
        return top

    def _charge_chars(self, count: int) -> None:
        self._copied_chars += count
        if self._copied_chars <= DEFAULT_COPY_CHARS_FLOOR or self._copy_chars is None:
            return
        allowed = self._copy_chars()
        if self._copied_chars > allowed:
            _fail(
                "copy_too_large",
                f"copy ops would duplicate more than {allowed} characters of text (at most "
                f"{DEFAULT_COPY_CHARS_FLOOR} plus {COPY_CHARS_PER_PATCH_CHAR} per character "
                "of the patch)",
            )

    def _charge(self, count: int) -> None:
        self._copied += count
        if self._copied > self._max_copy_nodes:
            _fail(
                "copy_too_large",
                f"copy ops would duplicate more than {self._max_copy_nodes} JSON values",
            )

    # -- operations

    def add(self, tokens: tuple[str, ...], value: Any) -> None:
        """RFC 6902 4.1: create or replace a member, or insert into an array."""
        if not tokens:
            self.root = value
            return
        parent = self._parent(tokens)
        if isinstance(parent, dict):
            parent[tokens[-1]] = value
        else:
            parent.insert(self._index(parent, tokens, len(tokens) - 1, end=True), value)

    def remove(self, tokens: tuple[str, ...]) -> Any:
        """RFC 6902 4.2: remove the value at ``tokens`` (which must exist) and return it."""
        if not tokens:
            _fail("cannot_remove_root", "cannot remove the whole document")
        parent = self._parent(tokens)
        if isinstance(parent, dict):
            if tokens[-1] not in parent:
                self._not_found(tokens, len(tokens) - 1, parent)
            return parent.pop(tokens[-1])
        return parent.pop(self._index(parent, tokens, len(tokens) - 1, end=False))

    def replace(self, tokens: tuple[str, ...], value: Any) -> None:
        """RFC 6902 4.3: replace the value at ``tokens``, which must exist."""
        if not tokens:
            self.root = value
            return
        parent = self._parent(tokens)
        if isinstance(parent, dict):
            if tokens[-1] not in parent:
                self._not_found(tokens, len(tokens) - 1, parent)
            parent[tokens[-1]] = value
        else:
            parent[self._index(parent, tokens, len(tokens) - 1, end=False)] = value

    def move(self, source: tuple[str, ...], tokens: tuple[str, ...]) -> None:
        """RFC 6902 4.4: remove from ``source`` and add at ``tokens``."""
        try:
            self._get(source)
        except _PatchFailureError as failure:
            raise _PatchFailureError(failure.code, f"'from' location: {failure.message}") from None
        if source == tokens:
            return
        if tokens[: len(source)] == source:
            _fail(
                "move_into_descendant",
                f"cannot move {format_pointer(source)!r} into its own descendant",
            )
        self.add(tokens, self.remove(source))

    def copy(self, source: tuple[str, ...], tokens: tuple[str, ...]) -> None:
        """RFC 6902 4.5: add a duplicate of the value at ``source`` at ``tokens``."""
        try:
            value = self._get(source)
        except _PatchFailureError as failure:
            raise _PatchFailureError(failure.code, f"'from' location: {failure.message}") from None
        self.add(tokens, self._deep_copy(value))

    def test(self, tokens: tuple[str, ...], expected: Any) -> None:
        """RFC 6902 4.6: fail unless the value at ``tokens`` equals ``expected``."""
        actual = self._get(tokens)
        if not _json_equal(actual, expected):
            _fail(
                "test_failed",
                f"test failed: found {_preview(actual)}, expected {_preview(expected)}",
            )

    def apply(self, op: _Op) -> None:
        """Apply one validated op."""
        if op.op == "add":
            self.add(op.tokens, op.value)
        elif op.op == "remove":
            self.remove(op.tokens)
        elif op.op == "replace":
            self.replace(op.tokens, op.value)
        elif op.op == "move":
            self.move(op.from_tokens, op.tokens)
        elif op.op == "copy":
            self.copy(op.from_tokens, op.tokens)
        else:
            self.test(op.tokens, op.value)


def _copy_budget(ops: Any, parsed: Sequence[_Op]) -> Callable[[], int]:
    """The characters copies may duplicate: the floor plus 8 per character of the patch."""
    measured: list[int] = []

    def budget() -> int:
        if not measured:
            if isinstance(ops, str | bytes | bytearray):
                size = len(ops)
            else:
                size = text_chars([(op.path, op.from_path, op.value) for op in parsed])
            measured.append(DEFAULT_COPY_CHARS_FLOOR + COPY_CHARS_PER_PATCH_CHAR * size)
        return measured[0]

    return budget


def text_chars(value: Any) -> int:
    """Characters of every string and key in ``value`` (iteratively: no recursion).

    A container reached twice (shared, or a cycle in Python data) counts once.
    """
    total = 0
    stack = [value]
    seen: set[int] = set()
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            total += len(item)
            continue
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, Mapping):
            for key, member in item.items():
                total += len(key) if isinstance(key, str) else 0
                stack.append(member)
        elif isinstance(item, list | tuple):
            stack.extend(item)
    return total


def apply_json_patch(
    doc: Any,
    ops: str | bytes | bytearray | Sequence[Mapping[str, Any]] | Mapping[str, Any],
    *,
    max_ops: int = DEFAULT_MAX_OPS,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_copy_nodes: int = DEFAULT_MAX_COPY_NODES,
) -> Any:
    """Apply an RFC 6902 JSON Patch to ``doc`` and return the new document.

    ``ops`` takes the forms :func:`parse_patch_ops` accepts. The patch is
    atomic: when any op fails, :class:`~genui.errors.GenerativeUIPatchError`
    is raised with that op's ``op_index``, its ``path`` and a ``code`` from
    :data:`PATCH_ERROR_CODES`, and no result exists. ``doc`` is never
    mutated; the result shares every unchanged subtree with it (and with op
    values) by identity, so an empty or ``test``-only patch returns ``doc``
    itself. ``copy`` duplicates its value (at most ``max_copy_nodes`` values
    per patch). ``test`` compares by JSON equality: ``1 == 1.0`` but
    ``1 != true``, and object member order does not matter.

    Array indices follow RFC 6901 strictly (no leading zeros, signs or
    exponents); ``-`` (past the end) is only valid as the target of ``add``,
    ``move`` and ``copy``. Removing the whole document (path ``""``) is an
    error. Every op's shape is checked before the first one is applied, so a
    malformed op is reported even when an earlier op would fail on ``doc``.
    """
    parsed = _parse_ops(ops, max_ops, max_bytes)
    patcher = _Patcher(doc, max_copy_nodes, _copy_budget(ops, parsed))
    for op in parsed:
        try:
            patcher.apply(op)
        except _PatchFailureError as failure:
            raise _op_error(failure.code, failure.message, op.index, op.path) from None
        except RecursionError:
            message = "value is nested too deeply"
            raise _op_error("too_deep", message, op.index, op.path) from None
        except Exception as exc:
            message = f"cannot apply {op.op!r} to this value: {type(exc).__name__}"
            raise _op_error("invalid_value", message, op.index, op.path) from None
    return patcher.root


# --------------------------------------------------------------------------- merge patch


@dataclass(slots=True)
class _MergeFrame:
    """One object level of an in-progress merge (the explicit stack replaces recursion)."""

    target: Mapping[Any, Any] | None
    patch: Mapping[Any, Any]
    items: Any
    key: Any
    result: dict[Any, Any] | None = None

    def current(self) -> Mapping[Any, Any]:
        if self.result is not None:
            return self.result
        return self.target if self.target is not None else {}

    def writable(self) -> dict[Any, Any]:
        if self.result is None:
            self.result = dict(self.target) if self.target is not None else {}
        return self.result


def _merge(target: Any, patch: Any) -> Any:
    """RFC 7396 MergePatch(target, patch), without recursion, sharing unchanged values."""
    if not isinstance(patch, Mapping):
        return patch
    stack = [_merge_frame(target, patch, None)]
    on_stack = {id(patch)}
    while True:
        frame = stack[-1]
        descended = False
        for key, value in frame.items:
            current = frame.current()
            if value is None:
                if key in current:
                    del frame.writable()[key]
            elif isinstance(value, Mapping):
                if id(value) in on_stack:
                    path = format_pointer([str(level.key) for level in stack[1:]] + [str(key)])
                    _fail("invalid_value", f"merge patch contains itself at {path!r}", path=path)
                stack.append(_merge_frame(current.get(key), value, key))
                on_stack.add(id(value))
                descended = True
                break
            elif current.get(key, _MISSING) is not value:
                frame.writable()[key] = value
        if descended:
            continue
        stack.pop()
        on_stack.discard(id(frame.patch))
        merged = frame.result if frame.result is not None else frame.target
        if not stack:
            return merged
        parent = stack[-1]
        if parent.current().get(frame.key, _MISSING) is not merged:
            parent.writable()[frame.key] = merged


def _merge_frame(target: Any, patch: Mapping[Any, Any], key: Any) -> _MergeFrame:
    if isinstance(target, Mapping):
        return _MergeFrame(target, patch, iter(patch.items()), key)
    # A non-object target is replaced by the patch with its nulls removed.
    return _MergeFrame(None, patch, iter(patch.items()), key, result={})


def apply_merge_patch(
    doc: Any,
    patch: Any,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Any:
    """Apply an RFC 7396 JSON Merge Patch to ``doc`` and return the new document.

    Objects in ``patch`` are merged member by member, ``null`` removes a
    member, and anything else (arrays included) replaces the target value
    wholesale. A ``str``, ``bytes`` or ``bytearray`` patch is decoded as
    strict JSON text first (to replace a document with a JSON string, pass
    its JSON text, e.g. ``'"text"'``). ``doc`` is never mutated, and the
    result shares every unchanged subtree with ``doc`` (and with ``patch``)
    by identity: a patch that changes nothing returns ``doc`` itself.

    Raises :class:`~genui.errors.GenerativeUIPatchError` (``op_index`` is
    ``None``) for patch text that is not strict JSON or exceeds
    ``max_bytes``, and for patch objects that contain themselves.
    """
    try:
        if isinstance(patch, str | bytes | bytearray):
            patch = _loads(_decode_text(patch, max_bytes))
        return _merge(doc, patch)
    except _PatchFailureError as failure:
        raise failure.to_error() from None
    except RecursionError:
        raise GenerativeUIPatchError("value is nested too deeply", code="too_deep") from None
    except Exception as exc:
        raise GenerativeUIPatchError(
            f"cannot merge this value: {type(exc).__name__}", code="invalid_value"
        ) from None


def is_merge_patch(ops: Any) -> bool:
    """Whether ``ops`` is a merge patch (an object that is not a single JSON Patch op)."""
    return isinstance(ops, Mapping) and not ("op" in ops and "path" in ops)


def apply_patch(spec: Any, ops: Any, *, limits: Limits | None = None) -> GenerativeUISpec:
    """Patch a spec and validate the result.

    ``spec`` is a :class:`~genui.GenerativeUISpec` or anything
    :func:`~genui.parse_spec` takes; ``ops`` is a JSON Patch (list, JSON text
    or JSONL, or one op object) or a merge patch (any other object). A patch
    that fails, or whose result is not a valid spec, raises
    :class:`~genui.errors.GenerativeUIPatchError` (code ``invalid_spec`` with
    the validation details in ``errors`` for the latter); ``spec`` is never
    changed.
    """
    parsed = parse_spec(spec, limits=limits)
    document = parsed.model_dump(mode="json", exclude_defaults=True)
    if is_merge_patch(ops):
        patched = apply_merge_patch(document, ops)
    else:
        patched = apply_json_patch(document, ops)
    try:
        return parse_spec(patched, limits=limits)
    except GenerativeUIValidationError as error:
        raise GenerativeUIPatchError(
            f"the patch would make the spec invalid: {error}",
            path=error.path,
            code="invalid_spec",
            details=error.errors,
        ) from None
