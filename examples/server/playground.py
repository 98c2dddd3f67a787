"""The playground page: paste a spec, see every problem with its hint beside the cleaned render.

``GET /playground`` shows a form with an example spec (``?example=<name>`` picks another
one of :data:`EXAMPLES`); ``POST /playground`` (a plain form post, no JavaScript needed)
answers the same page with :func:`genui.validate`'s verdict on the text sent: a summary,
every :class:`~genui.ErrorDetail` (path, code, message, hint), the
:class:`~genui.SanitizeReport`, the cleaned spec rendered by
``Renderer(on_invalid_props="drop")`` and the cleaned spec as JSON (legacy nodes, and flat
``$type`` nodes when :class:`~genui.GenerativeUISpec` has ``to_flat()``).

What the routes in :mod:`examples.server.app` need is here: the examples, the bounds
(:data:`MAX_INPUT_BYTES` of spec text, :data:`MAX_BODY_BYTES` of form body), the form
decoding (:func:`spec_field`), the cross-site check (:func:`cross_site_reason`) and the
check itself (:func:`check`), which never raises for any input.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Final
from urllib.parse import parse_qs

from markupsafe import Markup

from genui import DEFAULT_LIMITS, ErrorDetail, GenerativeUIError, Renderer, SanitizeEvent, validate
from genui.origin import cross_site_reason

__all__ = [
    "DEFAULT_EXAMPLE",
    "EXAMPLES",
    "FORM_TYPE",
    "MAX_BODY_BYTES",
    "MAX_INPUT_BYTES",
    "Example",
    "FormError",
    "Outcome",
    "check",
    "cross_site_reason",
    "loaded",
    "spec_field",
]

MAX_INPUT_BYTES: Final = 256 * 1024
"""The most spec text (UTF-8 bytes) the playground checks; more is answered with 413."""
MAX_BODY_BYTES: Final = 3 * MAX_INPUT_BYTES + 1024
"""The most form body read: percent-encoding makes each byte of the text up to 3 bytes."""
FORM_TYPE: Final = "application/x-www-form-urlencoded"

LIMITS: Final = replace(DEFAULT_LIMITS, max_input_bytes=MAX_INPUT_BYTES)
_RENDERER: Final = Renderer(on_invalid_props="drop", limits=LIMITS)


# -- examples ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Example:
    """A spec to load into the form: ``?example=<name>``."""

    name: str
    label: str
    description: str
    text: str


def _json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


_MIXED: Final = {
    "root": {
        "$type": "Card",
        "title": "Deploy api-7 to production",
        "owner": "release-bot",
        "children": [
            {
                "component": "Text",
                "props": {"text": "Rolling out to 3 regions.", "tone": "calm"},
            },
            {"$type": "Progress", "label": "Regions done", "value": 2, "max": 3},
            {
                "$type": "Stack",
                "direction": "horizontal",
                "children": [
                    {"$type": "Badge", "label": "eu-west: ok", "tone": "success"},
                    {"component": "Badge", "props": {"label": "us-east: ok", "tone": "success"}},
                    {"$type": "Spinner", "label": "ap-south"},
                ],
            },
            {
                "component": "Button",
                "props": {"label": "Open the logs", "href": "javascript:openLogs()"},
            },
        ],
    }
}

_FLAT: Final = {
    "type": "generative-ui",
    "spec": {
        "root": [
            {"$type": "Heading", "$key": "title", "level": 2, "text": "Quarterly results"},
            {
                "$type": "Grid",
                "$key": "stats",
                "columns": 3,
                "children": [
                    {"$type": "Stat", "label": "Revenue", "value": "$48,200", "trend": "up"},
                    {"$type": "Stat", "label": "Sign-ups", "value": 342, "delta": 12},
                    {"$type": "Stat", "label": "Churn", "value": "1.2%", "trend": "sideways"},
                ],
            },
            {"$type": "Text", "text": "Figures are unaudited.", "tone": "muted"},
        ]
    },
}

_ENVELOPE: Final = {
    "spec": {
        "root": {
            "component": "Card",
            "props": {"title": "Your order #1042"},
            "children": [
                {"component": "Text", "props": {"text": "Shipped on 3 May, arrives Friday."}},
                {
                    "component": "Table",
                    "props": {
                        "columns": ["Item", "Qty"],
                        "rows": [["Desk lamp", 1], ["Notebook", "two"]],
                    },
                },
                {"component": "Progress", "props": {"label": "Delivery", "value": "70%"}},
                {"component": "Link", "props": {"url": "https://example.com/track/1042"}},
            ],
        }
    }
}

_HOSTILE: Final = {
    "root": [
        {"$type": "Heading", "level": 3, "text": "<img src=x onerror=alert('heading')>"},
        {"$type": "Link", "href": "javascript:alert('link')", "text": "javascript: link"},
        {
            "component": "Button",
            "props": {"label": "Click", "href": "java\tscript:alert(1)", "onclick": "alert(2)"},
        },
        {
            "component": "Text",
            "props": {
                "text": "</textarea><script>alert('breakout')</script> stays text",
                "style": "background:url(javascript:alert('style'))",
            },
        },
        {"$type": "Script", "src": "https://evil.example/x.js"},
        {"component": "__proto__", "props": {"onmouseover": "alert('proto')"}},
        {"$type": "Image", "image": "data:text/html,<script>alert(1)</script>", "alt": "x"},
        {
            "$type": "Card",
            "title": "</section><script>alert('title')</script>",
            "srcdoc": "<script>alert('srcdoc')</script>",
            "children": ["The card's text survives."],
        },
    ]
}

_VALID: Final = {
    "root": {
        "component": "Card",
        "props": {"title": "Order #1042", "description": "Shipped on 3 May"},
        "children": [
            {
                "component": "Stack",
                "props": {"direction": "horizontal", "gap": "sm", "align": "center"},
                "children": [
                    {"component": "Badge", "props": {"label": "Paid", "tone": "success"}},
                    {"component": "Badge", "props": {"label": "Express"}},
                ],
            },
            {"component": "Progress", "props": {"label": "On its way", "value": 70}},
            {
                "component": "Button",
                "props": {
                    "label": "Track package",
                    "href": "https://example.com/track/1042",
                    "variant": "primary",
                },
            },
        ],
    }
}

_TRUNCATED: Final = _json(_VALID)[:180]

EXAMPLES: Final[Mapping[str, Example]] = {
    example.name: example
    for example in (
        Example(
            "mixed",
            "Mixed nodes",
            "A bare spec mixing flat $type nodes and legacy component/props nodes, "
            "with a few problems.",
            _json(_MIXED),
        ),
        Example(
            "flat",
            "Flat message part",
            'An assistant-ui message part {"type": "generative-ui", "spec": ...} of flat nodes.',
            _json(_FLAT),
        ),
        Example(
            "envelope",
            "render_gui tool call",
            'render_gui tool arguments {"spec": ...} with legacy nodes.',
            _json(_ENVELOPE),
        ),
        Example(
            "hostile",
            "Hostile",
            "Script URLs, event handlers, raw HTML and unknown components.",
            _json(_HOSTILE),
        ),
        Example("valid", "Valid", "A spec with nothing to fix.", _json(_VALID)),
        Example(
            "truncated", "Cut off", "JSON that ends mid-way, as a stream cut short.", _TRUNCATED
        ),
    )
}
"""The examples, in the order the page lists them."""
DEFAULT_EXAMPLE: Final = "mixed"


# -- the form ------------------------------------------------------------------------------


class FormError(Exception):
    """A form post the playground refuses: the HTTP status and what the page says."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def spec_field(content_type: str | None, body: bytes) -> bytes:
    """The ``spec`` field of an url-encoded form body, as bytes (``b""`` when absent).

    The bytes go to :func:`genui.validate` as they are, so text that is not UTF-8 is
    reported as such rather than silently replaced.
    """
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if media_type != FORM_TYPE:
        raise FormError(415, f"send the form as {FORM_TYPE}")
    # Latin-1 both ways maps each byte (raw or %XX-escaped) to one character and back.
    try:
        fields = parse_qs(
            body.decode("latin-1"), keep_blank_values=True, max_num_fields=8, encoding="latin-1"
        )
    except ValueError:
        raise FormError(400, "the form has too many fields") from None
    values = fields.get("spec", [""])
    return values[0].encode("latin-1")


# -- the check -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What the page shows about one input."""

    text: str
    """The text as sent (what the textarea keeps)."""
    checked: bool = False
    """Whether the text was checked (a POST), as opposed to loaded (a GET)."""
    errors: tuple[ErrorDetail, ...] = ()
    report: tuple[SanitizeEvent, ...] = ()
    has_spec: bool = False
    html: Markup = field(default_factory=Markup)
    legacy_json: str = ""
    flat_json: str | None = None
    """The cleaned spec in flat nodes (``None`` until ``GenerativeUISpec.to_flat`` exists)."""
    repair_prompt: str = ""
    status: int = 200

    @property
    def ok(self) -> bool:
        return self.checked and not self.errors


def loaded(text: str) -> Outcome:
    """An example in the form, not yet checked."""
    return Outcome(text)


def check(data: bytes) -> Outcome:
    """Validate ``data``, render the cleaned spec, dump it; never raises for any input."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:  # validate() says where; the textarea shows U+FFFD there
        text = data.decode("utf-8", "replace")
        result = validate(data, limits=LIMITS)
    else:
        result = validate(text, limits=LIMITS)
    too_large = any(error.code == "too_large" for error in result.errors)
    outcome = Outcome(
        text,
        checked=True,
        errors=result.errors,
        report=result.report.events,
        repair_prompt=result.repair_prompt() if result.errors else "",
        status=413 if too_large else 200,
    )
    spec = result.spec
    if spec is None:
        return outcome
    try:
        html = _RENDERER.render(spec)
    except GenerativeUIError as error:  # not expected for a cleaned spec: shown, not a 500
        html = Markup("<p class='pg-empty'>The cleaned spec did not render: {}</p>").format(error)
    legacy = spec.model_dump(mode="json", exclude_defaults=True)
    return replace(
        outcome,
        has_spec=True,
        html=html,
        legacy_json=_json(legacy),
        flat_json=_flat_json(spec),
    )


def _flat_json(spec: Any) -> str | None:
    """The spec in flat nodes, when genui can write them (``GenerativeUISpec.to_flat()``)."""
    to_flat = getattr(spec, "to_flat", None)
    return _json(to_flat()) if callable(to_flat) else None
