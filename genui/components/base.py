"""What every built-in props model shares."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

__all__ = ["PropsModel"]


class PropsModel(BaseModel):
    """Base for built-in props models: frozen, undeclared props rejected, docstrings as docs.

    ``use_attribute_docstrings`` turns each field's docstring into its JSON
    Schema description, which :mod:`genui.catalog` shows to LLMs.
    """

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        strict=True,
        allow_inf_nan=False,
        use_attribute_docstrings=True,
        str_max_length=100_000,
    )
