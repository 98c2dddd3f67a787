"""The generated-image lifecycle as JSON Patch operations for :class:`~genui.SpecStream`.

Chat products show a generated image in three steps: a placeholder when generation starts,
progressive previews while partial images arrive, and the final image (or an error card).
Each helper here turns one of those events into the patch that moves an ``Image`` node of
a spec to the matching state, so the page updates through the same streaming path as
everything else::

    stream = SpecStream()
    stream.apply(started("/root"))                       # spinner
    stream.apply(partial("/root", preview_url, 1, 3))    # preview, progress 1/3
    stream.apply(completed("/root", final_url, filename="cat.png"))

:func:`generate` runs a whole generation with an application-supplied provider (any image
API), with bounded exponential-backoff retries and an optional cache, and yields those
patches as it goes. Provider-agnostic: genui never calls an image API itself.

A *provider* is an async callable ``provider(prompt, **params)`` that either

* returns the final image (``bytes``, a URL string, or a :class:`FinalImage`), or
* returns an async iterator of :class:`PartialImage` events followed by one
  :class:`FinalImage` (partial previews, as image APIs stream them).

To signal a failure it raises; :func:`classify_failure` decides what the person sees and
whether to retry. Raise :class:`ImageGenerationError` for full control.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import random
import re
import uuid
from collections.abc import (
    AsyncGenerator,
    AsyncIterator,
    Awaitable,
    Callable,
    Mapping,
    MutableMapping,
)
from dataclasses import dataclass
from typing import Any, Final, Literal, TypeAlias

from genui.components.image import IncompleteReason
from genui.errors import GenerativeUIError
from genui.storage import (
    DEFAULT_MAX_BYTES,
    BlobStore,
    StorageError,
    blob_id_for,
    decode_data_url,
    image_media_type,
    partial_blob_id,
)

__all__ = [
    "FailureKind",
    "FinalImage",
    "ImageFailure",
    "ImageGenerationError",
    "ImageProvider",
    "PartialImage",
    "PatchOps",
    "RetryPolicy",
    "cache_key",
    "classify_failure",
    "completed",
    "failed",
    "generate",
    "partial",
    "progress_for",
    "started",
]

PatchOps: TypeAlias = list[dict[str, Any]]
"""A JSON Patch (RFC 6902) as plain JSON: pass it to :meth:`genui.SpecStream.apply`."""

FailureKind = Literal["content-filter", "rate-limit", "timeout", "cancelled", "length", "error"]
"""What went wrong, as :func:`classify_failure` sees it."""

_POINTER: Final = re.compile(r"(?:/(?:[^~/]|~[01])*)+")


# -- events -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PartialImage:
    """A partial (progressive) image from the provider."""

    image: bytes | str
    """The image bytes, or a URL (``data:``, ``https:``...)."""
    index: int
    """Which partial image this is, counting from 0 (as image APIs number them)."""


@dataclass(frozen=True, slots=True)
class FinalImage:
    """The finished image from the provider."""

    image: bytes | str
    """The image bytes, or a URL (``data:``, ``https:``...)."""
    filename: str | None = None
    """A file name to offer for download."""
    alt: str | None = None
    """Alternative text (e.g. the revised prompt)."""


ImageProvider: TypeAlias = Callable[
    ..., Awaitable["bytes | str | FinalImage"] | AsyncIterator["PartialImage | FinalImage"]
]
"""``provider(prompt, **params)``: returns the final image, or an async iterator of partial
images ending with the final one. See the module docs."""


class ImageGenerationError(Exception):
    """Raised by a provider to say exactly how a failure should be treated.

    ``message`` is shown to the person (escaped), so write it for them; ``retry_after``
    (seconds) is honoured by :func:`generate`, up to :attr:`RetryPolicy.max_delay`.
    """

    def __init__(
        self,
        message: str,
        *,
        kind: FailureKind = "error",
        retryable: bool | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        """What to tell the person."""
        self.kind: FailureKind = kind
        """How to classify it."""
        self.retryable = retryable
        """Whether another attempt may succeed (None: decided by ``kind``)."""
        self.retry_after = retry_after
        """How long the provider asked to wait before retrying, in seconds."""


@dataclass(frozen=True, slots=True)
class ImageFailure:
    """A classified failure: what the Image shows and whether to try again."""

    kind: FailureKind
    """What went wrong."""
    message: str | None
    """What to tell the person (None for content-filter: the card says it all)."""
    retryable: bool
    """Whether another attempt may succeed."""
    retry_after: float | None = None
    """Seconds the provider asked to wait, if it said."""

    @property
    def reason(self) -> IncompleteReason:
        """The Image status ``reason`` this failure shows as.

        ``content-filter``, ``cancelled``, ``length``, or ``error`` for everything else
        (rate limits and timeouts are errors with a message).
        """
        kind = self.kind
        if kind == "content-filter" or kind == "cancelled" or kind == "length":
            return kind
        return "error"


_CONTENT_POLICY: Final = re.compile(
    r"content[ _-]?(?:policy|filter|moderation)|safety[ _-]?system|moderation[ _-]?block"
    r"|policy[ _-]?violation|moderation_blocked|image_generation_user_error|\bnsfw\b",
    re.IGNORECASE,
)
_RATE_LIMIT: Final = re.compile(
    r"rate[ _-]?limit|too many requests|\b429\b|quota|resource[ _-]?exhausted", re.IGNORECASE
)
_TIMEOUT: Final = re.compile(r"time[ _-]?out|timed out|deadline exceeded", re.IGNORECASE)
_TRANSIENT: Final = re.compile(
    r"\b50[0234]\b|service unavailable|overloaded|temporarily|connection (?:reset|error)",
    re.IGNORECASE,
)

_MESSAGES: Final[Mapping[FailureKind, str]] = {
    "rate-limit": "The image service is busy (rate limit reached). Try again in a moment.",
    "timeout": "The image service took too long to answer.",
    "cancelled": "Generation was cancelled.",
    "length": "Generation stopped early.",
    "error": "The image service reported an error.",
}


def _error_text(error: BaseException | str) -> str:
    if isinstance(error, str):
        return error
    parts = [type(error).__name__, str(error)]
    for attribute in ("code", "type", "status_code", "status"):
        value = getattr(error, attribute, None)
        if isinstance(value, str | int) and not isinstance(value, bool):
            parts.append(str(value))
    body = getattr(error, "body", None)
    if isinstance(body, Mapping):
        parts.append(json.dumps(body, default=str)[:2000])
    return " ".join(parts)


def classify_failure(error: BaseException | str) -> ImageFailure:
    """Decide what a provider failure means for the person and for retrying.

    * an :class:`ImageGenerationError` says so itself;
    * content policy / safety system / moderation → ``content-filter`` (never retried);
    * rate limit (429, quota) → retried, with a "busy" message;
    * timeouts (``TimeoutError``, "timed out") → retried;
    * ``asyncio.CancelledError`` → ``cancelled``;
    * connection errors and 5xx → retried, with a generic message;
    * anything else → ``error``, not retried. A plain string is taken as the message to
      show; an exception's own text is *not* shown (it may hold internals), only a generic
      message.
    """
    if isinstance(error, ImageGenerationError):
        retryable = (
            error.retryable
            if error.retryable is not None
            else error.kind in ("rate-limit", "timeout")
        )
        return ImageFailure(error.kind, error.message, retryable, error.retry_after)
    if isinstance(error, asyncio.CancelledError):
        return ImageFailure("cancelled", _MESSAGES["cancelled"], False)
    text = _error_text(error)
    if _CONTENT_POLICY.search(text):
        return ImageFailure("content-filter", None, False)
    retry_after = _retry_after(error)
    if _RATE_LIMIT.search(text):
        return ImageFailure("rate-limit", _MESSAGES["rate-limit"], True, retry_after)
    if isinstance(error, TimeoutError) or _TIMEOUT.search(text):
        return ImageFailure("timeout", _MESSAGES["timeout"], True, retry_after)
    if isinstance(error, str):
        return ImageFailure("error", error[:2000] or _MESSAGES["error"], False)
    transient = isinstance(error, ConnectionError) or _TRANSIENT.search(text) is not None
    return ImageFailure("error", _MESSAGES["error"], transient, retry_after)


def _retry_after(error: BaseException | str) -> float | None:
    value = getattr(error, "retry_after", None)
    if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
        return float(value)
    return None


# -- patches ------------------------------------------------------------------------------


def _check_path(path: str) -> str:
    if not isinstance(path, str) or not _POINTER.fullmatch(path) or path.endswith("/-"):
        raise GenerativeUIError(
            f"{path!r} is not a JSON Pointer to a node (e.g. '/root' or '/root/children/0')",
            code="invalid_path",
        )
    return path


def _props(path: str) -> str:
    return f"{_check_path(path)}/props"


def progress_for(index: int, total: int) -> float:
    """Progress after partial image ``index`` of ``total``: ``min(1, index / total)``.

    The formula one major chat SDK uses (indexes count from 0 there, so the first partial
    shows 0 and the bar fills as partials arrive). ``total`` below 1 counts as 1.
    """
    return max(0.0, min(1.0, index / max(1, total)))


def started(
    path: str,
    *,
    alt: str | None = None,
    filename: str | None = None,
    key: str | None = None,
    insert: bool = True,
) -> PatchOps:
    """Generation started: the Image at ``path`` shows a spinner.

    With ``insert`` (the default) the Image node is added at ``path`` (inserted into a
    children list, or set as ``/root``); otherwise the existing node is reset to running.
    ``key`` gives the node a stable identity (e.g. the generation id).
    """
    props: dict[str, Any] = {"type": "image", "status": {"type": "running"}}
    if alt is not None:
        props["alt"] = alt
    if filename is not None:
        props["filename"] = filename
    if insert:
        node: dict[str, Any] = {"component": "Image", "props": props}
        if key is not None:
            node["key"] = key
        return [{"op": "add", "path": _check_path(path), "value": node}]
    base = _props(path)
    ops: PatchOps = [
        {"op": "add", "path": f"{base}/image", "value": None},
        {"op": "add", "path": f"{base}/status", "value": {"type": "running"}},
    ]
    for name in ("alt", "filename"):
        if name in props:
            ops.append({"op": "add", "path": f"{base}/{name}", "value": props[name]})
    return ops


def partial(path: str, image: str, index: int, total: int) -> PatchOps:
    """Partial image ``index`` of ``total`` arrived: show it as a preview with its progress.

    ``image`` is the preview's URL (a ``data:`` URL, or a stored URL); progress is
    :func:`progress_for` ``(index, total)``.
    """
    base = _props(path)
    return [
        {"op": "add", "path": f"{base}/image", "value": image},
        {
            "op": "add",
            "path": f"{base}/status",
            "value": {"type": "running", "progress": progress_for(index, total)},
        },
    ]


def completed(
    path: str, image: str, *, filename: str | None = None, alt: str | None = None
) -> PatchOps:
    """The final image arrived: the Image at ``path`` shows it, complete."""
    base = _props(path)
    ops: PatchOps = [{"op": "add", "path": f"{base}/image", "value": image}]
    if filename is not None:
        ops.append({"op": "add", "path": f"{base}/filename", "value": filename})
    if alt is not None:
        ops.append({"op": "add", "path": f"{base}/alt", "value": alt})
    ops.append({"op": "add", "path": f"{base}/status", "value": {"type": "complete"}})
    return ops


def failed(
    path: str, error: BaseException | str | ImageFailure, *, message: str | None = None
) -> PatchOps:
    """Generation failed: the Image at ``path`` shows an error card.

    ``error`` is classified with :func:`classify_failure` (or is already an
    :class:`ImageFailure`): a content policy rejection becomes ``content-filter``; rate
    limits, timeouts and anything else become ``error`` with a message (``message``
    overrides it). Any preview URL is removed from the node.
    """
    failure = error if isinstance(error, ImageFailure) else classify_failure(error)
    status: dict[str, Any] = {"type": "incomplete", "reason": failure.reason}
    text = message if message is not None else failure.message
    if text and failure.reason != "content-filter":
        status["error"] = text[:2000]
    base = _props(path)
    return [
        {"op": "add", "path": f"{base}/image", "value": None},
        {"op": "add", "path": f"{base}/status", "value": status},
    ]


# -- orchestration ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Bounded exponential backoff for retryable failures (rate limits, timeouts, 5xx).

    The delay before retry ``n`` (1-based) is ``min(max_delay, base_delay * multiplier **
    (n - 1))``, spread by ``± jitter`` (a fraction), and never above ``max_delay``. A
    provider's ``retry_after`` replaces the computed delay, still capped at ``max_delay``.
    """

    max_attempts: int = 3
    """Attempts in all, the first included (1 = no retries)."""
    base_delay: float = 1.0
    """Seconds before the first retry."""
    max_delay: float = 20.0
    """Longest wait between attempts, in seconds."""
    multiplier: float = 2.0
    """Growth of the delay per retry."""
    jitter: float = 0.2
    """Random spread of each delay, as a fraction (0.2 = ±20%)."""
    timeout: float | None = None
    """Seconds an attempt may take before it counts as a (retryable) timeout."""

    def __post_init__(self) -> None:
        if isinstance(self.max_attempts, bool) or not isinstance(self.max_attempts, int):
            raise TypeError("max_attempts must be an int")
        if not 1 <= self.max_attempts <= 20:
            raise ValueError("max_attempts must be between 1 and 20")
        if not (0 <= self.base_delay <= self.max_delay <= 3600):
            raise ValueError("need 0 <= base_delay <= max_delay <= 3600")
        if self.multiplier < 1 or not 0 <= self.jitter <= 1:
            raise ValueError("need multiplier >= 1 and 0 <= jitter <= 1")
        if self.timeout is not None and self.timeout <= 0:
            raise ValueError("timeout must be positive")

    def delay(self, retry: int, *, retry_after: float | None = None, rand: float = 0.5) -> float:
        """Seconds to wait before retry number ``retry`` (1-based); ``rand`` in [0, 1)."""
        if retry_after is not None:
            return min(self.max_delay, max(0.0, retry_after))
        base = min(self.max_delay, self.base_delay * self.multiplier ** max(0, retry - 1))
        spread = base * self.jitter * (2 * rand - 1)
        return max(0.0, min(self.max_delay, base + spread))


def cache_key(prompt: str, params: Mapping[str, Any] | None = None) -> str:
    """SHA-256 (hex) of the prompt and the parameters, as canonical JSON."""
    document = {"prompt": prompt, "params": dict(params or {})}
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), default=repr)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class _Converter:
    """Turns provider images into URLs (data: URLs, or stored blobs)."""

    def __init__(self, store: BlobStore | None, image_id: str, max_bytes: int) -> None:
        self.store = store
        self.image_id = image_id
        self.max_bytes = max_bytes

    def url(self, image: object, partial_index: int | None) -> str:
        if isinstance(image, str):
            if self.store is None or not image.lstrip()[:11].lower().startswith("data:image/"):
                return image  # a URL: the renderer's image policy checks it
            image = decode_data_url(image.strip(), max_bytes=self.max_bytes)
        if not isinstance(image, bytes | bytearray | memoryview):
            raise ImageGenerationError(
                "The image service answered with something that is not an image."
            )
        data = bytes(image)
        if len(data) > self.max_bytes:
            raise StorageError(
                f"image is {len(data)} bytes, more than {self.max_bytes}", code="image_too_large"
            )
        kind = image_media_type(data)
        if kind is None:
            raise StorageError(
                "the provider returned something that is not an image", code="not_an_image"
            )
        if self.store is None:
            return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"
        blob_id = (
            blob_id_for(data)
            if partial_index is None
            else partial_blob_id(self.image_id, partial_index)
        )
        return self.store.put(data, blob_id=blob_id, content_type=kind)


async def _events(
    provider: ImageProvider, prompt: str, params: Mapping[str, Any]
) -> AsyncGenerator[PartialImage | FinalImage, None]:
    """The provider's events, whichever form it answers in (closed when abandoned)."""
    result = provider(prompt, **params)
    if isinstance(result, AsyncIterator):
        async for event in _drain(result):
            yield event
        return
    value = await result
    if isinstance(value, AsyncIterator):  # an async function returning a stream of events
        async for event in _drain(value):
            yield event
    else:
        yield value if isinstance(value, FinalImage) else FinalImage(value)


async def _drain(
    events: AsyncIterator[PartialImage | FinalImage],
) -> AsyncGenerator[PartialImage | FinalImage, None]:
    try:
        async for event in events:
            yield event
    finally:
        close = getattr(events, "aclose", None)
        if close is not None:
            await close()


async def _next_event(
    events: AsyncIterator[PartialImage | FinalImage], deadline: float | None
) -> PartialImage | FinalImage:
    """The next event, within the attempt's deadline; an early end is a failure."""
    try:
        async with asyncio.timeout_at(deadline):
            event = await anext(events)
    except StopAsyncIteration:
        raise ImageGenerationError(
            "The image service ended without an image.", retryable=True
        ) from None
    if not isinstance(event, PartialImage | FinalImage):
        raise ImageGenerationError("The image service answered with something unexpected.")
    return event


async def generate(
    prompt: str,
    *,
    provider: ImageProvider,
    path: str = "/root",
    params: Mapping[str, Any] | None = None,
    partial_images: int | None = None,
    retry: RetryPolicy | None = None,
    cache: MutableMapping[str, str] | None = None,
    store: BlobStore | None = None,
    image_id: str | None = None,
    filename: str | None = None,
    alt: str | None = None,
    key: str | None = None,
    insert: bool = True,
    max_bytes: int = DEFAULT_MAX_BYTES,
    sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    rand: Callable[[], float] = random.random,
) -> AsyncIterator[PatchOps]:
    """Generate an image with ``provider`` and yield the patches that show it happening.

    Yields, in order: :func:`started` (the Image node appears at ``path``, running), one
    :func:`partial` per partial image (preview plus progress, out of ``partial_images``),
    then :func:`completed` or, when every attempt failed, :func:`failed`. Each item is a
    JSON Patch for :meth:`genui.SpecStream.apply`. Failures end in a ``failed`` patch, not
    an exception (cancellation of the consumer still propagates).

    * ``params`` are passed to the provider as keyword arguments and, with the prompt, key
      the ``cache`` (see :func:`cache_key`), which maps to the final image URL: a hit
      yields a single patch that adds the complete Image, without calling the provider.
    * ``retry``: retryable failures (see :func:`classify_failure`) are retried with
      bounded exponential backoff (:class:`RetryPolicy`); a retry after previews resets
      the node to running. ``retry.timeout`` bounds each attempt.
    * ``store``: images given as bytes (or as ``data:`` URLs) are stored there (the final
      image by content, partials as ``{image_id}-partial-{index}``) instead of inlined as
      ``data:`` URLs; ``image_id`` defaults to a random id per call.
    * ``sleep`` and ``rand`` are injectable so tests need no clock.
    """
    policy = retry or RetryPolicy()
    params = dict(params or {})
    total = partial_images if partial_images is not None else params.get("partial_images")
    total = total if isinstance(total, int) and not isinstance(total, bool) and total > 0 else 1
    key_hash = cache_key(prompt, params)
    head = started(path, alt=alt, filename=filename, key=key, insert=insert)
    if cache is not None and key_hash in cache:
        yield [*head, *completed(path, cache[key_hash], filename=filename, alt=alt)]
        return
    yield head
    convert = _Converter(store, image_id or f"gen-{uuid.uuid4().hex[:24]}", max_bytes)
    loop = asyncio.get_running_loop()
    failure: ImageFailure | None = None
    previews = 0
    for number in range(1, policy.max_attempts + 1):
        if failure is not None:
            await sleep(policy.delay(number - 1, retry_after=failure.retry_after, rand=rand()))
            if previews:
                yield started(path, alt=alt, filename=filename, insert=False)
        failure, final, url, previews = None, None, None, 0
        deadline = None if policy.timeout is None else loop.time() + policy.timeout
        events = _events(provider, prompt, params)
        try:
            while url is None and failure is None:
                ops: PatchOps | None = None
                try:
                    event = await _next_event(events, deadline)
                    if isinstance(event, PartialImage):
                        preview = convert.url(event.image, event.index)
                        ops = partial(path, preview, event.index, total)
                    else:
                        final, url = event, convert.url(event.image, None)
                except asyncio.CancelledError:
                    raise
                except StorageError as exc:
                    failure = ImageFailure(
                        "error", f"The image could not be stored ({exc.code}).", False
                    )
                except Exception as exc:
                    failure = classify_failure(exc)
                if ops is not None:
                    previews += 1
                    yield ops
        finally:
            await events.aclose()
        if final is not None and url is not None:
            if cache is not None:
                cache[key_hash] = url
            yield completed(
                path,
                url,
                filename=final.filename if final.filename is not None else filename,
                alt=final.alt if final.alt is not None else alt,
            )
            return
        assert failure is not None
        if not failure.retryable:
            break
    assert failure is not None
    yield failed(path, failure)
