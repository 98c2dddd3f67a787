"""The Image component: a generated image in any state of its life, as one props model.

:class:`ImagePart` mirrors the ``image`` message part chat products use for generated
images (``{"type": "image", "image": ..., "filename"?: ...}``) plus a ``status`` that says
where generation is: ``running`` (optionally with a partial preview and its ``progress``),
``complete`` (the default) or ``incomplete`` (with a ``reason``). The same model is the
``Image`` component's props, so a part can sit in a spec or be rendered on its own with
:func:`genui.render_image`.

:func:`write_image` (what the template name ``genui/image.html`` renders to, unless an
application's loaders provide that template) renders every state without inline script: a CSS
spinner and a polite live region while running; an error card, with no ``<img>`` and no
trace of the URL, when a content filter stopped generation; an error card that says what
happened for the other reasons; and for a complete image, the image with a zoom dialog
(the ``popover`` attribute: no JavaScript needed, Escape closes it) and actions to download,
copy (revealed by ``genui.js``) and, when the application configures it with
:func:`image_component` (or :func:`configure_image_actions`), regenerate.

A large URL is written once (:attr:`ImagePart.writes_url_once`: every ``data:`` URL, and any
URL longer than :data:`MAX_REPEATED_URL_LENGTH`): in the thumbnail's ``src`` only, and
``genui.js`` gives it to the zoomed image, the download link (hidden until then) and the copy
button. A 1 MB base64 image is then a fragment of about 1 MB, not 4 MB.

Every URL written into the page is the ``image`` prop after the image URL policy
(:data:`genui.ImageUrl`), or the application's own regenerate URL after
:func:`genui.sanitize_url`: never a value straight from the spec.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Annotated, Any, ClassVar, Final, Literal, Protocol, TypeAlias

from pydantic import ConfigDict, Field

from genui.components.base import PropsModel
from genui.htmltext import escape_html
from genui.imagebytes import EXTENSIONS, data_url_media_type
from genui.registry import Component, Registry
from genui.sanitize import DEFAULT_URL_POLICY, ImageUrl, UrlPolicy, sanitize_url
from genui.writing import Element

__all__ = [
    "IMAGE",
    "ConfigurableRenderer",
    "ImageActions",
    "ImageComplete",
    "ImageIncomplete",
    "ImagePart",
    "ImageProps",
    "ImageRunning",
    "ImageStatus",
    "IncompleteReason",
    "configure_image_actions",
    "image_component",
    "image_extension",
    "safe_filename",
    "write_image",
]

IncompleteReason = Literal["content-filter", "cancelled", "error", "length", "other"]
"""Why an image is incomplete: a content policy blocked it, someone cancelled it, the
provider failed (``error`` says how), it ran out of its output budget, or something else."""

MAX_ALT_LENGTH: Final = 2_000
"""Longest ``alt`` accepted."""
MAX_FILENAME_LENGTH: Final = 1_000
"""Longest ``filename`` accepted (the download name is shortened further, see
:func:`safe_filename`)."""
MAX_ERROR_LENGTH: Final = 2_000
"""Longest ``status.error`` message accepted."""
DEFAULT_ALT: Final = "Generated image"
"""The alternative text of an image with neither ``alt`` nor ``filename``."""
MAX_REPEATED_URL_LENGTH: Final = 1_024
"""Longest image URL written more than once (thumbnail, zoom, download, copy): a longer one,
and every ``data:`` URL, is written once (see :attr:`ImagePart.writes_url_once`)."""


def _tag_required(schema: dict[str, Any]) -> None:
    """Mark ``type`` required in the JSON Schema: on the wire the tag is always sent."""
    required = schema.setdefault("required", [])
    if "type" not in required:
        required.insert(0, "type")


class ImageRunning(PropsModel):
    """The image is being generated."""

    model_config = ConfigDict(json_schema_extra=_tag_required)

    type: Literal["running"] = "running"
    """Always `running`."""
    progress: Annotated[float, Field(ge=0, le=1)] | None = None
    """How far generation is, from 0 to 1. When given, `image` is a partial preview and is
    shown with a progress bar; without it, only a spinner is shown."""


class ImageComplete(PropsModel):
    """The image is finished (the default status)."""

    model_config = ConfigDict(json_schema_extra=_tag_required)

    type: Literal["complete"] = "complete"
    """Always `complete`."""


class ImageIncomplete(PropsModel):
    """Generation stopped without an image."""

    model_config = ConfigDict(json_schema_extra=_tag_required)

    type: Literal["incomplete"] = "incomplete"
    """Always `incomplete`."""
    reason: IncompleteReason
    """Why: `content-filter` (blocked by a content policy; nothing of the image is shown),
    `cancelled`, `error`, `length` (ran out of output budget) or `other`."""
    error: Annotated[str, Field(max_length=MAX_ERROR_LENGTH)] | None = None
    """A message to show with the reason (not shown for `content-filter`)."""


ImageStatus: TypeAlias = Annotated[
    ImageRunning | ImageComplete | ImageIncomplete, Field(discriminator="type")
]
"""Where generation is: ``running``, ``complete`` or ``incomplete`` (tagged by ``type``)."""

_COMPLETE: Final = ImageComplete()

# -- media types and file names ---------------------------------------------------------

_EXTENSIONS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "png": "png",
        "jpeg": "jpg",
        "jpg": "jpg",
        "pjpeg": "jpg",
        "gif": "gif",
        "webp": "webp",
        "avif": "avif",
        "bmp": "bmp",
        "x-ms-bmp": "bmp",
        "x-icon": "ico",
        "vnd.microsoft.icon": "ico",
        "ico": "ico",
        "svg+xml": "svg",
        "svg": "svg",
    }
)
_RASTER_EXTENSIONS: Final = frozenset(EXTENSIONS.values())
_DATA_IMAGE: Final = re.compile(r"data:image/([a-z0-9.+\-]+)[;,]", re.ASCII | re.IGNORECASE)
_SCHEME: Final = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):", re.ASCII)
_DOWNLOAD_SCHEMES: Final = frozenset({"http", "https", "blob", "data"})
_RESERVED_CHARS: Final = re.compile(r'[<>:"/\\|?*]')
_EXTENSION: Final = re.compile(r"\.([A-Za-z0-9]{1,8})$", re.ASCII)
_WINDOWS_RESERVED: Final = re.compile(r"(?:con|prn|aux|nul|com[0-9]|lpt[0-9])(?:\..*)?", re.I)
_DROPPED_CATEGORIES: Final = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def image_extension(url: str | None) -> str | None:
    """The file extension (``png``, ``jpg``...) an image URL implies, or None.

    A ``data:`` URL's declared MIME type wins; otherwise the extension of the URL path's
    last segment, if it is a known image type. ``blob:`` URLs imply nothing.
    """
    if not url:
        return None
    match = _DATA_IMAGE.match(url)
    if match is not None:
        return _EXTENSIONS.get(match.group(1).lower())
    if url[:5].lower() == "data:" or url[:5].lower() == "blob:":
        return None
    path = re.split(r"[?#]", url, maxsplit=1)[0]
    segment = re.split(r"[/\\]", path)[-1]
    found = _EXTENSION.search(segment)
    return _EXTENSIONS.get(found.group(1).lower()) if found else None


def safe_filename(
    name: str | None,
    *,
    extension: str | None = None,
    default_stem: str = "image",
    max_length: int = 120,
    replace_extension: bool = False,
) -> str:
    r"""Turn an untrusted file name into one that is safe to offer as a download name.

    Keeps only the last path segment (no ``/`` or ``\``), drops control, format (including
    bidirectional overrides), private-use and unassigned characters, replaces characters
    Windows forbids with ``_``, collapses whitespace, strips leading and trailing dots and
    spaces, defuses Windows device names (``CON``, ``LPT1``...), appends ``extension`` when
    the name has none (or instead of the name's own with ``replace_extension``: then the
    name never chooses the type), and shortens the stem so the whole name fits
    ``max_length``. An empty result becomes ``default_stem`` (plus the extension).
    """
    text = unicodedata.normalize("NFC", name or "")
    text = re.split(r"[/\\]", text)[-1]
    text = "".join(c for c in text if unicodedata.category(c) not in _DROPPED_CATEGORIES)
    text = _RESERVED_CHARS.sub("_", text)
    text = " ".join(text.split()).strip(" .")
    found = _EXTENSION.search(text)
    if found is not None and found.start() > 0:
        stem, suffix = text[: found.start()], found.group(1)
        if replace_extension:
            suffix = extension or ""
    else:
        stem, suffix = text, extension or ""
    suffix = suffix.strip(" .")
    budget = max(1, max_length - (len(suffix) + 1 if suffix else 0))
    stem = stem[:budget].rstrip(" .") or default_stem
    if _WINDOWS_RESERVED.fullmatch(stem):
        stem = "_" + stem[: budget - 1]
    return f"{stem}.{suffix}" if suffix else stem


# -- application-level actions ----------------------------------------------------------

_EVENT_NAME: Final = re.compile(r"[A-Za-z][A-Za-z0-9:._-]{0,63}", re.ASCII)
_FIELD_NAME: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_.:-]{0,63}", re.ASCII)


@dataclass(frozen=True, slots=True)
class ImageActions:
    """What the application lets people do with an image; configured once per registry.

    A regenerate control is rendered only when ``regenerate_url`` or ``regenerate_event``
    is set, on complete images and on failed ones (never after a content filter):

    * ``regenerate_url``: a ``<form method="post">`` to this URL (works without
      JavaScript) with hidden inputs ``genui_path`` (the node's JSON Pointer), ``genui_key``
      (its key, when it has one) and ``regenerate_fields`` (e.g. a CSRF token field). The
      URL comes from the application, never from a spec, and must pass
      :func:`genui.sanitize_url` as a link under the renderer's policy.
    * ``regenerate_event``: ``genui.js`` dispatches a bubbling, cancelable ``CustomEvent``
      of this name with ``detail = {path, key, action: "regenerate"}`` when the button is
      clicked. Alone, the button is hidden until the script runs; with a URL too, a
      listener that calls ``preventDefault()`` stops the form submission.
    """

    regenerate_url: str | None = None
    """Where the regenerate form posts (sanitized as a link URL)."""
    regenerate_event: str | None = None
    """Name of the DOM event ``genui.js`` dispatches, e.g. ``genui:regenerate``."""
    regenerate_label: str = "Regenerate"
    """The regenerate button's text (escaped like any text, even when it is ``Markup``)."""
    regenerate_fields: Mapping[str, str] = field(default_factory=dict)
    """Extra hidden inputs for the regenerate form (name → value, escaped), e.g. a CSRF
    token."""
    download: bool = True
    """Offer a download link for complete images."""
    copy: bool = True
    """Offer a copy button (shown only when ``genui.js`` runs)."""

    def __post_init__(self) -> None:
        if self.regenerate_event is not None and not _EVENT_NAME.fullmatch(self.regenerate_event):
            raise ValueError(
                f"regenerate_event {self.regenerate_event!r} is not an event name "
                "(ASCII letters, digits, ':', '.', '_' or '-', at most 64)"
            )
        fields = dict(self.regenerate_fields)
        for name, value in fields.items():
            if not isinstance(name, str) or not _FIELD_NAME.fullmatch(name):
                raise ValueError(f"regenerate_fields: {name!r} is not a form field name")
            if name in ("genui_path", "genui_key") or not isinstance(value, str):
                raise ValueError(f"regenerate_fields: {name!r} is reserved or not a string")
        object.__setattr__(self, "regenerate_fields", MappingProxyType(fields))
        if self.regenerate_url is not None:
            self.checked(DEFAULT_URL_POLICY)

    @property
    def regenerate(self) -> bool:
        """Whether a regenerate control is configured."""
        return self.regenerate_url is not None or self.regenerate_event is not None

    def checked(self, policy: UrlPolicy) -> ImageActions:
        """Return a copy whose ``regenerate_url`` has passed ``policy`` (as a link).

        Raises :class:`ValueError` when the URL is rejected: that is a configuration
        mistake, not bad input.
        """
        if self.regenerate_url is None:
            return self
        url = sanitize_url(self.regenerate_url, context="href", policy=policy)
        if url is None:
            raise ValueError(f"regenerate_url {self.regenerate_url!r} is not an allowed link URL")
        if url == self.regenerate_url:
            return self
        return ImageActions(
            regenerate_url=url,
            regenerate_event=self.regenerate_event,
            regenerate_label=self.regenerate_label,
            regenerate_fields=self.regenerate_fields,
            download=self.download,
            copy=self.copy,
        )


# -- the props model --------------------------------------------------------------------


class ImagePart(PropsModel):
    """A generated image and where its generation is: running, complete or incomplete.

    While running, a spinner shows (with a partial preview and a progress bar when
    `status.progress` is given); a complete image can be enlarged, downloaded and copied;
    an incomplete one shows a card that says why.
    """

    model_config = ConfigDict(str_max_length=None)

    image_actions: ClassVar[ImageActions | None] = None
    """What the application offers (regenerate...): set on the class that
    :func:`image_component` derives, never by a spec."""

    type: Annotated[Literal["image"], Field(json_schema_extra={"enum": ["image"]})] = "image"
    """Always `image` (the message-part type)."""
    image: ImageUrl = None
    """The image: a base64 `data:image/...` URL, an https URL, a relative path on this
    site or a `blob:` URL, checked by the image URL policy. While running with a
    `progress`, a partial preview. Absent or rejected: no image is shown."""
    alt: Annotated[str, Field(max_length=MAX_ALT_LENGTH)] | None = None
    """Alternative text describing the image for people who cannot see it."""
    filename: Annotated[str, Field(max_length=MAX_FILENAME_LENGTH)] | None = None
    """The image's file name: the download name, and the alternative text when `alt`
    is absent."""
    status: ImageStatus = _COMPLETE
    """Where generation is: `{"type": "running", "progress"?: 0..1}`, `{"type": "complete"}`
    (the default) or `{"type": "incomplete", "reason": ..., "error"?: ...}`."""

    # -- what the writer asks -----------------------------------------------------------

    @property
    def actions(self) -> ImageActions | None:
        """The application's :class:`ImageActions` for this component, if configured."""
        return type(self).image_actions

    @property
    def state(self) -> Literal["running", "complete", "unavailable", "filtered", "failed"]:
        """The state to render.

        ``running``; ``complete`` (with an image to show); ``unavailable`` (complete but
        without a usable image); ``filtered`` (incomplete, content filter); ``failed``
        (incomplete for any other reason).
        """
        status = self.status
        if isinstance(status, ImageRunning):
            return "running"
        if isinstance(status, ImageIncomplete):
            return "filtered" if status.reason == "content-filter" else "failed"
        return "complete" if self.image is not None else "unavailable"

    @property
    def writes_url_once(self) -> bool:
        """Whether the HTML carries the image URL once, in the thumbnail's ``src``.

        True for every ``data:`` URL and for any URL longer than
        :data:`MAX_REPEATED_URL_LENGTH`. Then the zoomed image, the download link and the copy
        button carry a marker instead of the URL and ``genui.js`` gives them the
        thumbnail's: without the script, the zoom shows the alternative text and the
        download link stays hidden. Shorter ``http(s)``, relative and ``blob:`` URLs are
        written in each place and need no script.
        """
        url = self.image
        if url is None:
            return False
        return len(url) > MAX_REPEATED_URL_LENGTH or url[:5].lower() == "data:"

    @property
    def preview(self) -> str | None:
        """The partial preview to show while running: ``image`` when ``progress`` is given."""
        status = self.status
        if isinstance(status, ImageRunning) and status.progress is not None:
            return self.image
        return None

    @property
    def percent(self) -> int | None:
        """Progress as a whole percentage (0-100) while running with a progress, else None."""
        status = self.status
        if isinstance(status, ImageRunning) and status.progress is not None:
            return round(status.progress * 100)
        return None

    @property
    def label(self) -> str:
        """The alternative text: ``alt``, else ``filename``, else "Generated image"."""
        if self.alt is not None:
            return self.alt
        if self.filename is not None:
            return self.filename
        return DEFAULT_ALT

    @property
    def download_name(self) -> str:
        """A safe download file name (see :func:`safe_filename`), typed by the image itself.

        The stem of ``filename`` (else ``image``) with the extension of the raster type the
        image is — by its bytes for a ``data:`` URL, by its URL path otherwise (what the
        app's blob store writes from the bytes) — never ``filename``'s own: an agent's
        ``invoice.html`` of PNG bytes downloads as ``invoice.png``. No raster type known
        (``blob:``, ``/render?id=1``): no extension, and the browser types the download by
        the response.
        """
        return safe_filename(
            self.filename, extension=self._download_extension(), replace_extension=True
        )

    def _download_extension(self) -> str | None:
        url = self.image
        if url is None:
            return None
        if url[:5].lower() == "data:":
            kind = data_url_media_type(url)
            return EXTENSIONS[kind] if kind is not None else None
        extension = image_extension(url)
        return extension if extension in _RASTER_EXTENSIONS else None

    @property
    def download_url(self) -> str | None:
        """The URL for the download link, or None when there should be none.

        The image URL itself (already checked by the image policy), but only over
        ``http(s)``, ``blob:``, a relative path, or a ``data:`` URL whose bytes are a raster
        image (whatever type it declares): never SVG or other bytes a browser could open as
        a document, nor ``ftp``, ``mailto``, ``tel`` that the image policy tolerates
        because images never load them.
        """
        url = self.image
        if url is None:
            return None
        match = _SCHEME.match(url)
        if match is None:
            return url
        scheme = match.group(1).lower()
        if scheme not in _DOWNLOAD_SCHEMES:
            return None
        if scheme == "data" and data_url_media_type(url) is None:
            return None
        return url

    @property
    def error_message(self) -> str | None:
        """The incomplete status's ``error`` message (None for content-filter and others)."""
        status = self.status
        if isinstance(status, ImageIncomplete) and status.reason != "content-filter":
            return status.error
        return None

    @property
    def reason(self) -> IncompleteReason | None:
        """The incomplete status's ``reason``, else None."""
        status = self.status
        return status.reason if isinstance(status, ImageIncomplete) else None


ImageProps = ImagePart
"""The Image component's props model (an alias of :class:`ImagePart`)."""


# -- the HTML ---------------------------------------------------------------------------
#
# Written as plain strings like the other built-ins (see genui.writing): every value
# from props, the key or the application's ImageActions goes through escape_html; the URLs
# are ImagePart.image (checked by the image URL policy), ImagePart.download_url (that URL,
# restricted further) and ImageActions.regenerate_url (checked by sanitize_url). Tags,
# attribute names and classes are literals or validated Literal values.

_SPINNER: Final = (
    '<div class="genui-image__placeholder"><span class="genui-image__spinner"></span></div>\n'
)
_GENERATING: Final = (
    '<span class="genui-visually-hidden" role="status" aria-live="polite">'
    "Generating image…</span>\n"
)
_FILTERED_CARD: Final = (
    '<div class="genui-image__error" role="status">'
    '<strong class="genui-image__title">Image could not be generated</strong>'
    '<span class="genui-image__detail">The request was blocked by the content policy.</span>'
    "</div>"
)
_FAILURES: Final[Mapping[str, tuple[str, str]]] = MappingProxyType(
    {
        "cancelled": (
            "Image generation was cancelled",
            "Generation stopped before the image was finished.",
        ),
        "error": ("Image could not be generated", "Something went wrong while generating it."),
        "length": (
            "Image could not be generated",
            "Generation stopped early: it reached its length limit.",
        ),
        "other": (
            "Image could not be generated",
            "Generation stopped before the image was finished.",
        ),
    }
)
"""Title and detail of the error card, per reason other than ``content-filter``."""


def write_image(element: Element[ImagePart]) -> str:
    """The Image component's writer (unless an app's loaders provide ``genui/image.html``).

    A :data:`genui.writing.Writer` (Image takes no children, so ``element.children`` and
    ``element.content`` are unused). One ``<figure>`` per state (see
    :attr:`ImagePart.state`); the content-filter card is constant, so nothing of the image
    (no ``<img>``, no URL, no message) can appear in it.
    """
    props = element.props
    cls = element.css_class
    path = element.path
    key = element.key
    ident = element.identity_attrs()
    state = props.state
    if state == "running":
        return _running(props, cls, ident)
    if state == "filtered":
        return (
            f'<figure class="{cls} genui-image--incomplete genui-image--content-filter"{ident}>'
            f"{_FILTERED_CARD}</figure>"
        )
    # The state implies the two checks below; they tell the type checker.
    reason = props.reason
    if state == "failed" and reason is not None:
        actions = _actions(props, path, key, src=None, single_url=False)
        return f"{_failed(props, reason, cls, ident)}\n{actions}</figure>"
    image = props.image
    if state == "complete" and image is not None:
        return _complete(props, image, cls, ident, path, key, element.dom_id)
    return _unavailable(props, cls, ident)


def _running(props: ImagePart, cls: str, ident: str) -> str:
    """A spinner, or the partial preview and its progress bar; a polite live region."""
    preview = props.preview
    if preview is None:
        shown = _SPINNER
    else:
        label = props.label
        alt = f"Preview: {escape_html(label)}" if label else "Preview"
        shown = (
            f'<img class="genui-image__img genui-image__preview" src="{escape_html(preview)}"'
            f' alt="{alt}" decoding="async">\n'
        )
    percent = props.percent
    progress = (
        ""
        if percent is None
        else f'<progress class="genui-image__progress" value="{percent}" max="100"'
        f' aria-label="Image generation progress">{percent}%</progress>\n'
    )
    return (
        f'<figure class="{cls} genui-image--running"{ident} aria-busy="true">\n'
        f"{shown}{progress}{_GENERATING}</figure>"
    )


def _complete(
    props: ImagePart, image: str, cls: str, ident: str, path: str, key: str | None, node_id: str
) -> str:
    """The image in a zoom button, the zoom dialog (a popover, no script) and the actions.

    A URL written once (:attr:`ImagePart.writes_url_once`) is the thumbnail's ``src`` only:
    the zoomed image carries ``data-genui-image-src`` instead, and ``genui.js`` copies the
    thumbnail's ``src`` into it.
    """
    src = escape_html(image)
    single_url = props.writes_url_once
    label = props.label
    alt = escape_html(label)
    enlarge = "Enlarge image: " if label else "Enlarge image"
    zoom = f"{node_id}-zoom"
    zoomed = " data-genui-image-src" if single_url else f' src="{src}"'
    return (
        f'<figure class="{cls} genui-image--complete"{ident}>\n'
        f'<button type="button" class="genui-image__zoom" popovertarget="{zoom}"'
        f' aria-haspopup="dialog"><span class="genui-visually-hidden">{enlarge}</span>'
        f'<img class="genui-image__img" src="{src}" alt="{alt}" loading="lazy"'
        ' decoding="async"></button>\n'
        f'<dialog class="genui-image__dialog" id="{zoom}" popover'
        f' aria-label="{alt if label else "Image"}">\n'
        f'<button type="button" class="genui-image__close" popovertarget="{zoom}"'
        ' popovertargetaction="hide" autofocus>Close</button>\n'
        f'<img class="genui-image__zoomed"{zoomed} alt="{alt}" loading="lazy"'
        ' decoding="async">\n'
        "</dialog>\n"
        f"{_actions(props, path, key, src=src, single_url=single_url)}</figure>"
    )


def _failed(props: ImagePart, reason: str, cls: str, ident: str) -> str:
    """The opening of a failed image's figure: its error card, saying what happened."""
    title, detail = _FAILURES[reason]
    message = props.error_message
    shown = f'<span class="genui-image__message">{escape_html(message)}</span>' if message else ""
    return (
        f'<figure class="{cls} genui-image--incomplete genui-image--{reason}"{ident}>'
        f'<div class="genui-image__error" role="status">'
        f'<strong class="genui-image__title">{title}</strong>'
        f'<span class="genui-image__detail">{detail}</span>{shown}</div>'
    )


def _unavailable(props: ImagePart, cls: str, ident: str) -> str:
    """A complete image without a usable URL: a card, with the alt text or file name if given."""
    named = props.alt or props.filename
    detail = f'<span class="genui-image__detail">{escape_html(props.label)}</span>' if named else ""
    return (
        f'<figure class="{cls} genui-image--unavailable"{ident}><div class="genui-image__error">'
        f"<strong>Image unavailable</strong>{detail}</div></figure>"
    )


def _actions(
    props: ImagePart, path: str, key: str | None, *, src: str | None, single_url: bool
) -> str:
    """The actions row, or "" when there is nothing to offer.

    ``src`` is the escaped URL of a complete image, None for a failed one: download and copy
    are offered for complete images only, regenerate for both when the application
    configured it. With ``single_url`` (the URL is written in the thumbnail only), the copy
    button's ``data-genui-copy-image`` is empty: ``genui.js`` copies the thumbnail's image.
    """
    actions = props.actions
    parts: list[str] = []
    if src is not None:
        if actions is None or actions.download:
            download_url = props.download_url
            if download_url is not None:
                shared = single_url and download_url == props.image
                parts.append(_download(download_url, props.download_name, shared=shared))
        if actions is None or actions.copy:
            copied = " data-genui-copy-image" if single_url else f' data-genui-copy-image="{src}"'
            parts.append(
                '<button type="button" class="genui-image__action genui-image__copy" hidden'
                f"{copied}>Copy"
                '<span class="genui-visually-hidden"> image</span></button>\n'
            )
    if actions is not None:
        parts.append(_regenerate(actions, path, key))
    row = "".join(parts)
    return f'<div class="genui-image__actions">\n{row}</div>\n' if row else ""


def _download(download_url: str, download_name: str, *, shared: bool) -> str:
    """The download link: :attr:`ImagePart.download_url`, offered as ``download_name``.

    ``shared``: the download URL is the image URL written once, in the thumbnail; the link is
    written hidden, without ``href``, marked ``data-genui-image-src``, and ``genui.js`` gives
    it the thumbnail's ``src`` and shows it. The marker is written only here, so the script
    makes a link of nothing the server would not have offered.
    """
    name = escape_html(download_name)
    target = " hidden data-genui-image-src" if shared else f' href="{escape_html(download_url)}"'
    return (
        f'<a class="genui-image__action genui-image__download"{target} download="{name}">'
        f'Download<span class="genui-visually-hidden"> {name}</span></a>\n'
    )


def _regenerate(actions: ImageActions, path: str, key: str | None) -> str:
    """The regenerate control, or "" when the application configured none.

    A form posting to the application's URL (works without JavaScript), else a hidden
    button that ``genui.js`` reveals. The form sends the node's path and key as hidden
    inputs, then the application's ``regenerate_fields``; ``genui.js`` dispatches the
    button's event, if one is configured.
    """
    label = escape_html(actions.regenerate_label)
    event = actions.regenerate_event
    url = actions.regenerate_url
    if url is None:
        if event is None:
            return ""
        return (
            '<button type="button" class="genui-image__action genui-image__regenerate-button"'
            f' hidden data-genui-event="{escape_html(event)}" data-genui-action="regenerate">'
            f"{label}</button>\n"
        )
    fields = [("genui_path", path)]
    if key is not None:
        fields.append(("genui_key", key))
    fields.extend(actions.regenerate_fields.items())
    inputs = "".join(
        f'<input type="hidden" name="{escape_html(name)}" value="{escape_html(value)}">\n'
        for name, value in fields
    )
    dispatch = (
        ""
        if event is None
        else f' data-genui-event="{escape_html(event)}" data-genui-action="regenerate"'
    )
    return (
        f'<form class="genui-image__regenerate" method="post" action="{escape_html(url)}">\n'
        f"{inputs}"
        '<button type="submit" class="genui-image__action genui-image__regenerate-button"'
        f"{dispatch}>{label}</button>\n"
        "</form>\n"
    )


IMAGE = Component(
    "Image",
    ImagePart,
    "genui/image.html",
    writer=write_image,
    children="none",
    description=(
        "A generated image or an image from a URL, in any state of generation: running "
        "(spinner, or a partial preview with progress), complete (zoom, download, copy) or "
        "incomplete (an error card saying why). Always describe the image in alt."
    ),
    example={
        "component": "Image",
        "props": {
            "image": "https://example.com/charts/q3-revenue.png",
            "alt": "Revenue rose each month of Q3",
            "filename": "q3-revenue.png",
        },
    },
)


def image_component(
    actions: ImageActions | None = None, *, url_policy: UrlPolicy | None = None
) -> Component:
    """The Image component with the application's actions configured.

    Use it in place of the built-in one::

        registry = default_registry().extend(
            image_component(ImageActions(regenerate_url="/images/regenerate")), replace=True
        )
        renderer = Renderer(registry)

    The actions live on the props model's class (:attr:`ImagePart.image_actions`), so they
    reach :func:`write_image` (or an application's own ``genui/image.html`` template) through
    ``props.actions`` and can never come from a spec. The
    regenerate URL is checked against ``url_policy`` (the renderer's, if it is not the
    default). Without actions this is the built-in :data:`IMAGE`.
    """
    if actions is None:
        return IMAGE
    if not isinstance(actions, ImageActions):
        raise TypeError(f"expected ImageActions, got {type(actions).__name__}")
    checked = actions.checked(url_policy if url_policy is not None else DEFAULT_URL_POLICY)

    class ConfiguredImagePart(ImagePart):
        model_config = ConfigDict(title="ImagePart")
        image_actions: ClassVar[ImageActions | None] = checked

    ConfiguredImagePart.__doc__ = ImagePart.__doc__
    return dataclasses.replace(IMAGE, props_model=ConfiguredImagePart)


class ConfigurableRenderer(Protocol):
    """What :func:`configure_image_actions` needs of a :class:`genui.Renderer`."""

    registry: Registry

    @property
    def url_policy(self) -> UrlPolicy:
        """The policy the regenerate URL is checked against."""
        ...


def configure_image_actions(renderer: ConfigurableRenderer, actions: ImageActions | None) -> None:
    """Give ``renderer``'s Image component the application's actions (None: the defaults).

    A shortcut for :func:`image_component`: replaces ``renderer.registry`` with one whose
    ``Image`` carries ``actions`` (its template and everything else unchanged), checking
    the regenerate URL against ``renderer.url_policy``. Configure a renderer before it
    renders: a :class:`~genui.SpecStream`'s render cache keeps what was rendered before.
    """
    component = renderer.registry.get("Image")
    if not isinstance(component, Component) or not issubclass(component.props_model, ImagePart):
        raise ValueError("the renderer's registry has no Image component built on ImagePart")
    model = image_component(actions, url_policy=renderer.url_policy).props_model
    configured = dataclasses.replace(component, props_model=model)
    renderer.registry = renderer.registry.extend(configured, replace=True)
