"""genui: validate, sanitize, patch and render untrusted generative-UI specs server-side.

The public API is re-exported here; each name lives in a module with one job:
``genui.spec`` (models, parsing), ``genui.errors``, ``genui.limits``,
``genui.registry`` (the allowlist), ``genui.sanitize`` (URL and prop policy),
``genui.render``, ``genui.patch``, ``genui.stream``, ``genui.sse``, ``genui.runs``
(an agent's response streamed to many connections), ``genui.describe`` (a spec as text),
``genui.actions`` (the action allowlist), ``genui.envelope`` (signing),
``genui.gate`` (verifying submissions), ``genui.nonces``, ``genui.surfaces``,
``genui.catalog`` (describing a registry to an LLM) and ``genui.testing``
(hypothesis strategies, needs the ``testing`` extra).
"""

from genui.actions import Action, ActionEvent, ActionRef, ActionReply, Actions, ActionSource
from genui.body import SpecBody, spec_body
from genui.components import default_registry
from genui.components.image import ImagePart
from genui.components.standalone import render_image
from genui.describe import describe
from genui.envelope import ActionKeys, ActionSurface
from genui.errors import (
    ErrorDetail,
    GenerativeUIActionError,
    GenerativeUIError,
    GenerativeUIPatchError,
    GenerativeUIRenderError,
    GenerativeUIValidationError,
)
from genui.gate import ActionGate
from genui.limits import DEFAULT_LIMITS, Limits
from genui.nonces import MemoryNonceStore, NonceStore
from genui.patch import apply_json_patch, apply_merge_patch, apply_patch
from genui.registry import Component, Registry, register
from genui.render import (
    RenderCache,
    Renderer,
    RenderResult,
    render,
    render_page,
    render_with_report,
)
from genui.sanitize import (
    DEFAULT_URL_POLICY,
    ImageUrl,
    SafeUrl,
    SanitizeEvent,
    SanitizeReport,
    UrlPolicy,
    sanitize_url,
)
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
from genui.stream import SpecStream, Update
from genui.surfaces import StreamSurfaces
from genui.validate import ValidationResult, validate
from genui.writing import FormFeedback

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_LIMITS",
    "DEFAULT_URL_POLICY",
    "Action",
    "ActionEvent",
    "ActionGate",
    "ActionKeys",
    "ActionRef",
    "ActionReply",
    "ActionSource",
    "ActionSurface",
    "Actions",
    "Component",
    "ErrorDetail",
    "FormFeedback",
    "GenerativeUIActionError",
    "GenerativeUIError",
    "GenerativeUIMessagePart",
    "GenerativeUINode",
    "GenerativeUIPatchError",
    "GenerativeUIRenderError",
    "GenerativeUISpec",
    "GenerativeUIValidationError",
    "ImagePart",
    "ImageUrl",
    "Limits",
    "MemoryNonceStore",
    "NodeValue",
    "NonceStore",
    "Registry",
    "RenderCache",
    "RenderResult",
    "Renderer",
    "SafeUrl",
    "SanitizeEvent",
    "SanitizeReport",
    "SpecBody",
    "SpecStream",
    "StreamSurfaces",
    "Update",
    "UrlPolicy",
    "ValidationResult",
    "__version__",
    "apply_json_patch",
    "apply_merge_patch",
    "apply_patch",
    "default_registry",
    "describe",
    "parse_message_part",
    "parse_render_gui_result",
    "parse_spec",
    "register",
    "render",
    "render_image",
    "render_page",
    "render_with_report",
    "sanitize_url",
    "spec_body",
    "spec_json_schema",
    "validate",
]
