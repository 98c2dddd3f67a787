"""Never-allowed names inside prop values: the keys of free-form mappings, at every depth.

A props model refuses an undeclared prop *name*, but a prop typed ``dict[str, Any]`` (or
``Any``, or a model with ``extra="allow"``) takes whatever keys the agent sends, and a
template that writes such a mapping as attributes — ``{"onfocus": "…", "autofocus": true}``
— would write an event handler. So every key of a mapping whose keys the app did not
declare is checked with :func:`~genui.sanitize.forbidden_prop_reason`, however deep it
sits. Declared names (a nested model's fields, an action's params, checked by the action's
own model) are the app's, not the agent's, and are not checked.

Which fields can hold such a mapping is read once per props model from its annotations
(:func:`free_key_fields`); the built-in components have none, so the check costs them
nothing. The walk is iterative and visits each value once: linear in the prop's size.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, NamedTuple, Union

from pydantic import BaseModel

from genui.actions import ActionRef
from genui.sanitize import forbidden_prop_reason

__all__ = [
    "ForbiddenKey",
    "Location",
    "forbidden_keys",
    "free_key_fields",
    "raw_has_forbidden_key",
    "without_keys",
]

Location = tuple[str | int, ...]
"""Keys and indices from a prop's value down to one key inside it."""


class ForbiddenKey(NamedTuple):
    """A never-allowed key found inside a prop's value."""

    loc: Location
    """Where, from the prop's value: the last item is the key itself."""
    reason: str
    """The code :func:`~genui.sanitize.forbidden_prop_reason` gives the key."""


_MAPPINGS = (dict, Mapping, typing.Dict, typing.Mapping)  # noqa: UP006 - the old aliases too


def free_key_fields(model: type[BaseModel]) -> frozenset[str]:
    """The fields of ``model`` whose values may hold a mapping with keys the agent chose."""
    return frozenset(
        name
        for name, info in model.model_fields.items()
        if _may_hold_free_keys(info.annotation, set())
    )


def _may_hold_free_keys(annotation: Any, seen: set[type[BaseModel]]) -> bool:
    if annotation is Any or annotation is object:
        return True
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation is ActionRef or annotation in seen:
            return False  # an action's params are checked by the action's own model
        seen.add(annotation)
        if annotation.model_config.get("extra") == "allow":
            return True
        return any(
            _may_hold_free_keys(info.annotation, seen) for info in annotation.model_fields.values()
        )
    origin = typing.get_origin(annotation)
    if origin is None:
        return isinstance(annotation, type) and issubclass(annotation, Mapping)
    if origin in _MAPPINGS or (isinstance(origin, type) and issubclass(origin, Mapping)):
        return True
    if origin is Annotated:
        return _may_hold_free_keys(typing.get_args(annotation)[0], seen)
    if origin is Union or origin is types.UnionType or origin in (list, tuple, set, frozenset):
        return any(_may_hold_free_keys(arg, seen) for arg in typing.get_args(annotation))
    return isinstance(origin, type) and issubclass(origin, Sequence | Mapping)


def forbidden_keys(value: Any) -> list[ForbiddenKey]:
    """Every never-allowed key of a free-form mapping inside validated ``value``.

    Locations follow the JSON the value was validated from: a nested model's fields by
    their alias (or name), mapping keys and list indices as they are. The value under
    a forbidden key is not looked into (it goes with its key).
    """
    found: list[ForbiddenKey] = []
    stack: list[tuple[Location, Any]] = [((), value)]
    while stack:
        loc, item = stack.pop()
        if isinstance(item, BaseModel):
            if isinstance(item, ActionRef):
                continue
            for name, info in type(item).model_fields.items():
                alias = info.alias if isinstance(info.alias, str) else name
                stack.append(((*loc, alias), getattr(item, name)))
            extra = item.model_extra
            if extra:
                stack.extend(_mapping_items(loc, extra, found))
        elif isinstance(item, Mapping):
            stack.extend(_mapping_items(loc, item, found))
        elif isinstance(item, list | tuple):
            stack.extend(((*loc, index), child) for index, child in enumerate(item))
    found.sort()
    return found


def _mapping_items(
    loc: Location, mapping: Mapping[Any, Any], found: list[ForbiddenKey]
) -> list[tuple[Location, Any]]:
    """The items of a free mapping to look into; its forbidden keys go into ``found``."""
    items: list[tuple[Location, Any]] = []
    for key, child in mapping.items():
        reason = forbidden_prop_reason(key) if isinstance(key, str) else "forbidden_prop"
        if reason is not None:
            found.append(ForbiddenKey((*loc, key if isinstance(key, str) else str(key)), reason))
        else:
            items.append(((*loc, key), child))
    return items


def raw_has_forbidden_key(value: Any) -> bool:
    """Whether JSON ``value`` has a never-allowed object key anywhere (the one-pass test).

    A superset of :func:`forbidden_keys` on the validated value (it also sees a nested
    model's declared field names): when it says yes, the precise walk decides.
    """
    stack = [value]
    while stack:
        item = stack.pop()
        if type(item) is dict:
            for key, child in item.items():
                if forbidden_prop_reason(key) is not None:
                    return True
                stack.append(child)
        elif type(item) is list:
            stack.extend(item)
    return False


def without_keys(value: Any, locations: Sequence[Location]) -> Any:
    """A copy of JSON ``value`` without the keys at ``locations`` (copied only along them).

    Raises ``LookupError`` when a location does not lead through ``value``'s objects
    and arrays to an existing key.
    """
    result = _copy_containers(value, locations)
    for loc in locations:
        parent = result
        for step in loc[:-1]:
            parent = parent[step]
        if not isinstance(parent, dict) or loc[-1] not in parent:
            raise LookupError(loc)
        del parent[loc[-1]]
    return result


def _copy_containers(value: Any, locations: Sequence[Location]) -> Any:
    """``value`` with every object and array on the way to ``locations`` copied."""
    root: Any = _shallow(value)
    for loc in locations:
        parent = root
        for step in loc[:-1]:
            try:
                child = parent[step]
            except (LookupError, TypeError):
                raise LookupError(loc) from None
            copied = _shallow(child)
            if copied is not child:
                parent[step] = copied
            parent = copied
    return root


def _shallow(value: Any) -> Any:
    if type(value) is dict:
        return dict(value)
    if type(value) is list:
        return list(value)
    return value
