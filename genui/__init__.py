"""genui: validate, sanitize, patch and render untrusted generative-UI specs server-side.

The public API is re-exported here; each name lives in a module with one job
(``genui.spec``, ``genui.errors``, ``genui.limits``, ...).
"""

from genui.errors import (
    ErrorDetail,
    GenerativeUIError,
    GenerativeUIPatchError,
    GenerativeUIRenderError,
    GenerativeUIValidationError,
)
from genui.limits import DEFAULT_LIMITS, Limits
from genui.schema import spec_json_schema
from genui.spec import (
    GenerativeUIMessagePart,
    GenerativeUINode,
    GenerativeUISpec,
    NodeValue,
    parse_message_part,
    parse_render_gui_result,
    parse_spec,
)

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_LIMITS",
    "ErrorDetail",
    "GenerativeUIError",
    "GenerativeUIMessagePart",
    "GenerativeUINode",
    "GenerativeUIPatchError",
    "GenerativeUIRenderError",
    "GenerativeUISpec",
    "GenerativeUIValidationError",
    "Limits",
    "NodeValue",
    "__version__",
    "parse_message_part",
    "parse_render_gui_result",
    "parse_spec",
    "spec_json_schema",
]
