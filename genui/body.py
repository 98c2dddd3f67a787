"""``genui.SpecBody``: a pydantic/FastAPI field type that runs :func:`genui.validate`.

Declare a request body (or any pydantic field) as :data:`SpecBody` and the value
arrives as the **cleaned** :class:`~genui.GenerativeUISpec`; a spec with any problem
fails validation with every one of genui's errors::

    @app.post("/ui")
    def show(spec: genui.SpecBody) -> dict[str, int]:
        return {"roots": len(spec.roots)}

The raw value (decoded JSON, JSON text, or a spec) goes straight to
:func:`genui.validate`, so :class:`~genui.Limits` are checked by
:func:`genui.limits.check_limits` before any deep work: pydantic never builds a model
tree from it. Everything :func:`genui.validate` accepts is accepted: a bare spec, a
``generative-ui`` message part, ``render_gui`` arguments ``{"spec": ...}``, legacy or
flat ``$type`` nodes.

A failure is a pydantic error of type :data:`ERROR_TYPE` whose ``ctx["errors"]`` is
genui's error list (``path``, ``code``, ``message``, ``hint``; paths relative to the
field's value). :func:`genui.fastapi.install` turns it into a 422 in genui's shape with
paths into the request body. :func:`spec_body` configures the registry, URL policy and
limits; under mypy, write ``Annotated[GenerativeUISpec, SpecValidator(...)]`` instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Final

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

from genui.components import default_registry
from genui.limits import Limits
from genui.registry import Registry
from genui.sanitize import UrlPolicy
from genui.spec import GenerativeUISpec
from genui.validate import Checker

__all__ = ["ERROR_TYPE", "SpecBody", "SpecValidator", "spec_body"]

ERROR_TYPE: Final = "genui_invalid_spec"
"""The pydantic error ``type`` of a spec that failed :func:`genui.validate`."""

_DESCRIPTION: Final = (
    'A generative-UI spec {"root": ...}, a message part '
    '{"type": "generative-ui", "spec": ...} or {"spec": ...}; nodes in the legacy '
    '{"component", "props", "children", "key"} shape (described here) or the flat '
    '{"$type": ..., <prop>: ...} shape. Validated by genui (limits first).'
)


@dataclass(frozen=True, slots=True)
class SpecValidator:
    """Annotation metadata that validates a field's raw value with :func:`genui.validate`.

    ``Annotated[GenerativeUISpec, SpecValidator(registry=..., policy=..., limits=...)]``
    is what :func:`spec_body` returns (``None`` means genui's default for each).
    """

    registry: Registry | None = None
    """The component allowlist (default :func:`genui.default_registry`)."""
    policy: UrlPolicy | None = None
    """The :class:`~genui.UrlPolicy` for URL props."""
    limits: Limits | None = None
    """The hard :class:`~genui.Limits`, checked before any deep work."""

    def checker(self) -> Checker:
        """A :class:`~genui.validate.Checker` applying this configuration."""
        return Checker(
            self.registry if self.registry is not None else default_registry(),
            policy=self.policy,
            limits=self.limits,
        )

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        """A plain validator taking any value: no pydantic model is built from the input."""
        return core_schema.no_info_plain_validator_function(
            _validator(self.checker()),
            serialization=core_schema.plain_serializer_function_ser_schema(
                _dump, when_used="always"
            ),
        )

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        """The JSON Schema of :class:`~genui.GenerativeUISpec` (for OpenAPI)."""
        json_schema = handler(GenerativeUISpec.__pydantic_core_schema__)
        return {**json_schema, "description": _DESCRIPTION}


def _validator(checker: Checker) -> Callable[[Any], GenerativeUISpec]:
    def validate_spec(value: Any) -> GenerativeUISpec:
        """The cleaned spec of ``value``; a :class:`PydanticCustomError` if it has errors."""
        result = checker.validate(value)
        if result.errors or result.spec is None:
            errors = [detail.to_dict() for detail in result.errors]
            raise PydanticCustomError(
                ERROR_TYPE,
                "invalid generative UI spec ({count} error(s))",
                {"count": len(errors), "errors": errors},
            )
        return result.spec

    return validate_spec


def _dump(value: Any) -> Any:
    """Serialize a spec the way its model does (anything else as it is)."""
    if isinstance(value, GenerativeUISpec):
        return value.model_dump(mode="json")
    return value


def spec_body(
    *,
    registry: Registry | None = None,
    policy: UrlPolicy | None = None,
    limits: Limits | None = None,
) -> Any:
    """A :data:`SpecBody` validating with this registry, URL policy and limits.

    Returns ``Annotated[GenerativeUISpec, SpecValidator(...)]``, usable as a FastAPI
    parameter or pydantic field annotation::

        StrictSpec = genui.spec_body(limits=genui.Limits(max_nodes=1_000))

        @app.post("/ui")
        def show(spec: StrictSpec) -> None: ...
    """
    return Annotated[
        GenerativeUISpec, SpecValidator(registry=registry, policy=policy, limits=limits)
    ]


SpecBody = Annotated[GenerativeUISpec, SpecValidator()]
"""A request body or field validated by :func:`genui.validate` with genui's defaults.

The value is the cleaned :class:`~genui.GenerativeUISpec`; any error fails validation.
"""
