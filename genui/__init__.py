"""genui: validate, sanitize, patch and render untrusted generative-UI specs server-side."""

from genui.errors import (
    ErrorDetail,
    GenerativeUIError,
    GenerativeUIPatchError,
    GenerativeUIRenderError,
    GenerativeUIValidationError,
)

__all__ = [
    "ErrorDetail",
    "GenerativeUIError",
    "GenerativeUIPatchError",
    "GenerativeUIRenderError",
    "GenerativeUIValidationError",
]
