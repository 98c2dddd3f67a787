"""Where generated images go instead of base64 in the datastore.

Image models return base64; chat products stream it as ``data:image/png;base64,...`` URLs,
and storing those in every saved message bloats the datastore. This module moves the
bytes into a blob store and leaves a short URL in the spec:

* :class:`BlobStore` -- the protocol: put bytes under an id and get a URL back, get the
  bytes again by id, map a URL back to its id.
* :class:`LocalBlobStore` -- files in a directory (the embedded default), written
  atomically; serve the directory at ``url_prefix``.
* :class:`FsspecBlobStore` -- any `fsspec <https://filesystem-spec.readthedocs.io>`_
  filesystem (S3, GCS, Azure, memory...), with the ``genui[fsspec]`` extra.
* :func:`externalize_images` -- a new spec (or :class:`~genui.components.image.ImagePart`)
  whose ``data:`` image URLs are replaced by stored URLs.
* :func:`to_data_url` -- the reverse for one URL, for a model that cannot fetch it.

What is stored is decided by the bytes, not by what anyone claims: a payload is accepted
only when its magic bytes say PNG, JPEG, GIF, WebP, AVIF or BMP, and it is stored (and
its extension chosen) as that type. SVG is never stored: it is a document that can carry
script when opened from the blob URL.

Failure guarantees. A blob is either completely written or absent: local files are written
to a temporary file in the same directory, flushed, fsynced and renamed over the target
(``os.replace``); on any error the temporary file is removed. :func:`externalize_images`
decodes and checks *every* image before writing any, so bad input (not an image, too big,
a broken ``data:`` URL) writes nothing. If the store itself fails part-way through a spec,
the blobs already written stay: each is complete, content-addressed and identical to what
a retry writes, and nothing refers to them until a spec that uses them is saved.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import os
import re
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, Final, Protocol, runtime_checkable

if sys.platform != "win32":
    import fcntl

from genui.components.image import ImagePart
from genui.errors import GenerativeUIError
from genui.imagebytes import EXTENSIONS, image_media_type
from genui.sanitize import check_url
from genui.spec import GenerativeUINode, GenerativeUISpec, parse_spec

__all__ = [
    "BLOB_ID_PATTERN",
    "DEFAULT_MAX_BYTES",
    "BlobStore",
    "FsspecBlobStore",
    "LocalBlobStore",
    "StorageError",
    "blob_id_for",
    "decode_data_url",
    "externalize_images",
    "image_media_type",
    "partial_blob_id",
    "to_data_url",
]

DEFAULT_MAX_BYTES: Final = 20 * 1024 * 1024
"""Largest image accepted by default (20 MiB, decoded)."""

BLOB_ID_PATTERN: Final = r"[A-Za-z0-9][A-Za-z0-9_-]{0,127}"
"""What a blob id may look like: ASCII letters, digits, ``_`` and ``-``, at most 128, not
starting with ``_`` or ``-``. No dots, slashes or anything else a path could be built from."""

_BLOB_ID: Final = re.compile(BLOB_ID_PATTERN, re.ASCII)
_KEY: Final = re.compile(rf"({BLOB_ID_PATTERN})\.([a-z]{{3,4}})", re.ASCII)
_DATA_URL: Final = re.compile(r"data:(image/[a-z0-9.+\-]+);base64,", re.ASCII | re.IGNORECASE)

_EXTENSIONS: Final = EXTENSIONS
_TYPES_BY_EXTENSION: Final = {ext: kind for kind, ext in _EXTENSIONS.items()}


class StorageError(GenerativeUIError):
    """An image could not be stored or loaded; ``code`` says why.

    * ``invalid_blob_id`` -- the id does not match :data:`BLOB_ID_PATTERN`;
    * ``not_an_image`` -- the bytes are not PNG, JPEG, GIF, WebP, AVIF or BMP;
    * ``image_too_large`` -- more bytes than the limit;
    * ``invalid_data_url`` -- not a well-formed base64 ``data:image/...`` URL;
    * ``blob_not_found`` -- no blob with that id (or URL);
    * ``unknown_blob_url`` -- the URL is not one this store hands out;
    * ``storage_failed`` -- the store raised (disk full, network): nothing was written.

    ``path`` is the JSON Pointer of the offending value in the spec, when there is one.
    """


# -- content checks ------------------------------------------------------------------------


def _check_image(data: bytes, max_bytes: int, path: str = "") -> str:
    """Return the media type of ``data``, or raise when it is too big or not an image."""
    if len(data) > max_bytes:
        raise StorageError(
            f"image is {len(data)} bytes, more than the limit of {max_bytes}",
            path=path,
            code="image_too_large",
        )
    kind = image_media_type(data)
    if kind is None:
        raise StorageError(
            "not a PNG, JPEG, GIF, WebP, AVIF or BMP image (checked by its bytes)",
            path=path,
            code="not_an_image",
        )
    return kind


def _check_blob_id(blob_id: object) -> str:
    if not isinstance(blob_id, str) or not _BLOB_ID.fullmatch(blob_id):
        raise StorageError(
            f"invalid blob id {blob_id!r}: use ASCII letters, digits, '_' and '-' (at most 128)",
            code="invalid_blob_id",
        )
    return blob_id


def blob_id_for(data: bytes) -> str:
    """The content-addressed id of an image: ``img-`` and 40 hex digits of its SHA-256.

    The same bytes always get the same id, so storing an image twice stores it once.
    """
    return "img-" + hashlib.sha256(data).hexdigest()[:40]


def partial_blob_id(image_id: str, index: int) -> str:
    """The id of partial image ``index`` of generation ``image_id``.

    ``{image_id}-partial-{index}``: the convention chat SDKs use, so the partials of one
    generation are easy to find and clean up.
    """
    _check_blob_id(image_id)
    if isinstance(index, bool) or not isinstance(index, int) or index < 0:
        raise StorageError(f"invalid partial index {index!r}", code="invalid_blob_id")
    return _check_blob_id(f"{image_id}-partial-{index}")


def decode_data_url(url: str, *, max_bytes: int = DEFAULT_MAX_BYTES, path: str = "") -> bytes:
    """The bytes of a base64 ``data:image/...`` URL, checked to be an image by magic bytes.

    The declared MIME type is ignored: what counts is what the bytes are. Raises
    :class:`StorageError` (``invalid_data_url``, ``image_too_large``, ``not_an_image``).
    """
    match = _DATA_URL.match(url) if isinstance(url, str) else None
    if match is None:
        raise StorageError("not a base64 data:image URL", path=path, code="invalid_data_url")
    payload = url[match.end() :]
    if len(payload) > (max_bytes + 2) // 3 * 4 + 4:
        raise StorageError(
            f"image is more than the limit of {max_bytes} bytes", path=path, code="image_too_large"
        )
    try:
        data = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise StorageError(
            "the base64 payload does not decode", path=path, code="invalid_data_url"
        ) from None
    _check_image(data, max_bytes, path)
    return data


def _data_url(data: bytes, kind: str) -> str:
    return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"


# -- the protocol ---------------------------------------------------------------------------


@runtime_checkable
class BlobStore(Protocol):
    """Somewhere to keep image bytes under an id, reachable by URL.

    Implementations must write a blob completely or not at all, accept only ids matching
    :data:`BLOB_ID_PATTERN`, and accept only image bytes (see :func:`image_media_type`).
    Storing the same id again replaces the blob.
    """

    def put(self, data: bytes, *, blob_id: str, content_type: str) -> str:
        """Store ``data`` under ``blob_id`` and return its URL.

        ``content_type`` is the caller's claim; the stored type is what the bytes are.
        """
        ...

    def get(self, blob_id: str) -> bytes:
        """The bytes stored under ``blob_id`` (:class:`StorageError` ``blob_not_found``)."""
        ...

    def exists(self, blob_id: str) -> bool:
        """Whether a blob is stored under ``blob_id``."""
        ...

    def delete(self, blob_id: str) -> bool:
        """Remove the blob; False if there was none."""
        ...

    def url_for(self, blob_id: str) -> str:
        """The URL of the stored blob (:class:`StorageError` ``blob_not_found``)."""
        ...

    def blob_id_for_url(self, url: str) -> str | None:
        """The id behind a URL this store handed out, or None for any other URL."""
        ...


_ID_LOCK_STRIPES: Final = 64
"""Locks the stores' writes of an id are spread over (ids with one hash share one)."""


class _KeyedStore:
    """What the local and fsspec stores share: keys ``{blob_id}.{ext}`` under a URL prefix."""

    url_prefix: str
    max_bytes: int

    def __init__(self, url_prefix: str, max_bytes: int) -> None:
        if not isinstance(url_prefix, str) or not url_prefix:
            raise ValueError("url_prefix must be a non-empty string, e.g. '/blobs/'")
        if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes < 1:
            raise ValueError(f"max_bytes must be a positive int, got {max_bytes!r}")
        self.url_prefix = url_prefix
        self.max_bytes = max_bytes
        self._id_locks = tuple(threading.Lock() for _ in range(_ID_LOCK_STRIPES))

    @contextlib.contextmanager
    def _writing(self, blob_id: str) -> Iterator[None]:
        """Hold ``blob_id`` while it is written and its other types removed.

        Without it, two puts of one id with different image types can each remove the
        other's file, leaving none. Ids share a fixed set of locks (bounded memory).
        """
        with self._id_locks[hash(blob_id) % _ID_LOCK_STRIPES]:
            yield

    def _find(self, blob_id: str) -> str | None:
        """The stored key for ``blob_id`` (``id.png``...), or None."""
        raise NotImplementedError

    def url_for(self, blob_id: str) -> str:
        """The URL of the stored blob: ``url_prefix`` + ``{blob_id}.{ext}``."""
        key = self._find(_check_blob_id(blob_id))
        if key is None:
            raise StorageError(f"no blob {blob_id!r}", code="blob_not_found")
        return self.url_prefix + key

    def exists(self, blob_id: str) -> bool:
        """Whether a blob is stored under ``blob_id``."""
        return self._find(_check_blob_id(blob_id)) is not None

    def blob_id_for_url(self, url: str) -> str | None:
        """The id behind ``url`` if it is ``url_prefix`` + ``{blob_id}.{ext}``, else None."""
        if not isinstance(url, str) or not url.startswith(self.url_prefix):
            return None
        match = _KEY.fullmatch(url[len(self.url_prefix) :])
        if match is None or match.group(2) not in _TYPES_BY_EXTENSION:
            return None
        return match.group(1)

    def _prepare(self, data: bytes, blob_id: str) -> str:
        """Check the id and the bytes; return the key to write."""
        _check_blob_id(blob_id)
        if not isinstance(data, bytes | bytearray | memoryview):
            raise TypeError(f"data must be bytes, got {type(data).__name__}")
        kind = _check_image(bytes(data), self.max_bytes)
        return f"{blob_id}.{_EXTENSIONS[kind]}"


class LocalBlobStore(_KeyedStore):
    """Blobs as files ``{blob_id}.{ext}`` in one directory, served at ``url_prefix``.

    Writes are atomic (temporary file in the same directory, ``fsync``, ``os.replace``),
    so a reader or a crash never sees half an image. Serve ``directory`` as static files
    at ``url_prefix`` (the extension gives the right ``Content-Type``), with
    ``X-Content-Type-Options: nosniff``.
    """

    def __init__(
        self,
        directory: str | os.PathLike[str],
        url_prefix: str = "/blobs/",
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
        file_mode: int = 0o644,
    ) -> None:
        super().__init__(url_prefix, max_bytes)
        self.directory = Path(directory)
        """Where the files are."""
        self.file_mode = file_mode
        """Permissions of stored files (readable by a static file server by default)."""
        self.directory.mkdir(parents=True, exist_ok=True)

    def __repr__(self) -> str:
        return f"LocalBlobStore({str(self.directory)!r}, url_prefix={self.url_prefix!r})"

    def path_for(self, blob_id: str) -> Path:
        """The file holding ``blob_id`` (:class:`StorageError` ``blob_not_found``)."""
        key = self._find(_check_blob_id(blob_id))
        if key is None:
            raise StorageError(f"no blob {blob_id!r}", code="blob_not_found")
        return self.directory / key

    def _find(self, blob_id: str) -> str | None:
        for extension in _TYPES_BY_EXTENSION:
            key = f"{blob_id}.{extension}"
            if (self.directory / key).is_file():
                return key
        return None

    def put(self, data: bytes, *, blob_id: str, content_type: str = "") -> str:
        """Store ``data`` atomically and return its URL (see :class:`BlobStore`)."""
        key = self._prepare(data, blob_id)
        target = self.directory / key
        try:
            descriptor, temporary = tempfile.mkstemp(
                prefix=".tmp-", suffix=".part", dir=self.directory
            )
        except OSError as exc:
            raise StorageError(
                f"could not write blob {blob_id!r}: {exc.strerror or exc}", code="storage_failed"
            ) from exc
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temporary, self.file_mode)
            with self._writing(blob_id), self._directory_lock():
                os.replace(temporary, target)
                self._remove_other_types(blob_id, key)
        except BaseException as exc:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            if isinstance(exc, OSError):
                raise StorageError(
                    f"could not write blob {blob_id!r}: {exc.strerror or exc}",
                    code="storage_failed",
                ) from exc
            raise
        self._sync_directory()
        return self.url_prefix + key

    @contextlib.contextmanager
    def _directory_lock(self) -> Iterator[None]:
        """Hold a ``flock`` on the directory itself (no lock file): one id replaced at a time.

        Workers sharing the directory take turns; where the OS has no ``flock``, only the
        threads of one process do (:meth:`_writing`).
        """
        if sys.platform == "win32":
            yield
            return
        descriptor = os.open(self.directory, os.O_RDONLY)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            yield
        finally:
            os.close(descriptor)  # releases the lock

    def _remove_other_types(self, blob_id: str, keep: str) -> None:
        """An id rewritten with another image type must not leave the old file behind."""
        for extension in _TYPES_BY_EXTENSION:
            key = f"{blob_id}.{extension}"
            if key != keep:
                with contextlib.suppress(FileNotFoundError):
                    (self.directory / key).unlink()

    def _sync_directory(self) -> None:
        """Make the rename durable (best effort: not every platform can fsync a directory)."""
        with contextlib.suppress(OSError, AttributeError):
            descriptor = os.open(self.directory, os.O_RDONLY)
            try:
                os.fsync(descriptor)
            finally:
                os.close(descriptor)

    def get(self, blob_id: str) -> bytes:
        """The stored bytes (:class:`StorageError` ``blob_not_found``)."""
        path = self.path_for(blob_id)
        try:
            return path.read_bytes()
        except FileNotFoundError:
            raise StorageError(f"no blob {blob_id!r}", code="blob_not_found") from None

    def delete(self, blob_id: str) -> bool:
        """Remove the blob's file; False if there was none."""
        key = self._find(_check_blob_id(blob_id))
        if key is None:
            return False
        with contextlib.suppress(FileNotFoundError):
            (self.directory / key).unlink()
        return True


class FsspecBlobStore(_KeyedStore):
    """Blobs on any fsspec filesystem: ``{root}/{blob_id}.{ext}``, URLs ``url_prefix`` + key.

    ``fs_or_url`` is an ``fsspec.AbstractFileSystem`` (then ``root`` is the directory in
    it) or a URL such as ``"s3://bucket/images"`` or ``"memory://images"`` (then storage
    options go in ``storage_options``). ``url_prefix`` is where browsers fetch the blobs,
    e.g. a CDN in front of the bucket (``"https://cdn.example.com/images/"``).

    On local filesystems the blob is written to a temporary key and moved into place; on
    object stores a single PUT is already all-or-nothing, so it is written directly. If a
    write fails, the temporary key is removed. Needs the ``genui[fsspec]`` extra.
    """

    def __init__(
        self,
        fs_or_url: Any,
        *,
        root: str = "",
        url_prefix: str = "/blobs/",
        max_bytes: int = DEFAULT_MAX_BYTES,
        storage_options: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(url_prefix, max_bytes)
        try:
            import fsspec  # type: ignore[import-untyped]
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ImportError("FsspecBlobStore needs fsspec: pip install 'genui[fsspec]'") from exc
        if isinstance(fs_or_url, str):
            fs, path = fsspec.core.url_to_fs(fs_or_url, **dict(storage_options or {}))
            root = "/".join(p for p in (path.rstrip("/"), root.strip("/")) if p)
        elif isinstance(fs_or_url, fsspec.AbstractFileSystem):
            fs = fs_or_url
        else:
            raise TypeError("fs_or_url must be an fsspec filesystem or a URL string")
        self.fs = fs
        """The fsspec filesystem."""
        self.root = root.rstrip("/")
        """The directory (or bucket prefix) holding the blobs."""
        protocols = fs.protocol if isinstance(fs.protocol, tuple | list) else (fs.protocol,)
        self._local = "file" in protocols or "local" in protocols
        if self.root:
            with contextlib.suppress(Exception):
                fs.makedirs(self.root, exist_ok=True)

    def __repr__(self) -> str:
        return f"FsspecBlobStore({self.fs.protocol!r}, root={self.root!r})"

    def _path(self, key: str) -> str:
        return f"{self.root}/{key}" if self.root else key

    def _find(self, blob_id: str) -> str | None:
        for extension in _TYPES_BY_EXTENSION:
            key = f"{blob_id}.{extension}"
            if self.fs.isfile(self._path(key)):
                return key
        return None

    def put(self, data: bytes, *, blob_id: str, content_type: str = "") -> str:
        """Store ``data`` and return its URL (see :class:`BlobStore`)."""
        key = self._prepare(data, blob_id)
        target = self._path(key)
        payload = bytes(data)
        with self._writing(blob_id):
            try:
                if self._local:
                    temporary = self._path(f".tmp-{os.urandom(8).hex()}.part")
                    try:
                        self.fs.pipe_file(temporary, payload)
                        self.fs.mv(temporary, target)
                    except BaseException:
                        with contextlib.suppress(Exception):
                            self.fs.rm_file(temporary)
                        raise
                else:
                    self.fs.pipe_file(target, payload)
            except Exception as exc:  # any backend's error (botocore, gcsfs...): nothing stored
                raise StorageError(
                    f"could not write blob {blob_id!r}: {exc}", code="storage_failed"
                ) from exc
            for extension in _TYPES_BY_EXTENSION:
                other = f"{blob_id}.{extension}"
                if other != key:
                    with contextlib.suppress(Exception):
                        if self.fs.isfile(self._path(other)):
                            self.fs.rm_file(self._path(other))
        return self.url_prefix + key

    def get(self, blob_id: str) -> bytes:
        """The stored bytes (:class:`StorageError` ``blob_not_found``)."""
        key = self._find(_check_blob_id(blob_id))
        if key is None:
            raise StorageError(f"no blob {blob_id!r}", code="blob_not_found")
        try:
            data = self.fs.cat_file(self._path(key))
        except FileNotFoundError:
            raise StorageError(f"no blob {blob_id!r}", code="blob_not_found") from None
        return bytes(data)

    def delete(self, blob_id: str) -> bool:
        """Remove the blob; False if there was none."""
        key = self._find(_check_blob_id(blob_id))
        if key is None:
            return False
        with contextlib.suppress(FileNotFoundError):
            self.fs.rm_file(self._path(key))
        return True


# -- specs and parts ----------------------------------------------------------------------


def _escape_token(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _is_data_image(value: object) -> bool:
    return isinstance(value, str) and _DATA_URL.match(value.lstrip()) is not None


class _Plan:
    """The images of one externalize call: decoded and checked before anything is written."""

    def __init__(self, max_bytes: int, blob_id: Callable[[bytes, str], str]) -> None:
        self.max_bytes = max_bytes
        self.blob_id = blob_id
        self.blobs: dict[str, tuple[str, bytes, str]] = {}  # data URL -> (id, bytes, type)

    def add(self, url: str, path: str) -> None:
        if url in self.blobs:
            return
        verdict = check_url(url, context="img")
        if verdict.url is None:
            too_long = verdict.reason == "url_too_long"
            raise StorageError(
                "image is too large"
                if too_long
                else f"not an acceptable data: image URL ({verdict.reason})",
                path=path,
                code="image_too_large" if too_long else "invalid_data_url",
            )
        data = decode_data_url(verdict.url, max_bytes=self.max_bytes, path=path)
        kind = image_media_type(data)
        assert kind is not None  # decode_data_url checked it
        self.blobs[url] = (self.blob_id(data, path), data, kind)

    def store(self, store: BlobStore) -> dict[str, str]:
        urls: dict[str, str] = {}
        for url, (blob_id, data, kind) in self.blobs.items():
            try:
                urls[url] = store.put(data, blob_id=blob_id, content_type=kind)
            except StorageError:
                raise
            except Exception as exc:
                raise StorageError(
                    f"could not store blob {blob_id!r}: {exc}", code="storage_failed"
                ) from exc
        return urls


def _walk(value: Any, path: str, visit: Callable[[str, str], str], in_props: bool) -> Any:
    """Call ``visit(url, pointer)`` on every data: image URL in props; replace it by the result.

    Strings count when they sit (at any depth) in a node's ``props``, or are an image
    part's ``image``. Unchanged containers are returned as they are (shared).
    """
    if isinstance(value, Mapping):
        is_node = isinstance(value.get("component"), str)
        is_part = value.get("type") == "image" and "image" in value
        changed: dict[Any, Any] = {}
        for key, item in value.items():
            child = f"{path}/{_escape_token(str(key))}"
            if isinstance(item, str):
                if (in_props or (is_part and key == "image")) and _is_data_image(item):
                    new = visit(item, child)
                    if new is not item:
                        changed[key] = new
            elif isinstance(item, Mapping | list | tuple):
                new = _walk(item, child, visit, in_props or (is_node and key == "props"))
                if new is not item:
                    changed[key] = new
        return {**value, **changed} if changed else value
    if isinstance(value, list | tuple):
        items = list(value)
        replaced = False
        for index, item in enumerate(items):
            child = f"{path}/{index}"
            if isinstance(item, str):
                new = visit(item, child) if in_props and _is_data_image(item) else item
            elif isinstance(item, Mapping | list | tuple):
                new = _walk(item, child, visit, in_props)
            else:
                continue
            if new is not item:
                items[index], replaced = new, True
        return items if replaced else value
    return value


def _externalize_json(value: Any, plan: _Plan, store: BlobStore) -> Any:
    def collect(url: str, pointer: str) -> str:
        plan.add(url, pointer)
        return url

    _walk(value, "", collect, in_props=False)
    if not plan.blobs:
        return value
    urls = plan.store(store)
    return _walk(value, "", lambda url, _: urls[url], in_props=False)


def externalize_images(
    value: Any,
    store: BlobStore,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    image_id: str | None = None,
    partial_index: int | None = None,
) -> Any:
    """Return a new spec or part in which every ``data:`` image URL is a stored URL.

    ``value`` is a :class:`~genui.GenerativeUISpec`, a :class:`~genui.GenerativeUINode`,
    an :class:`~genui.components.image.ImagePart`, or plain JSON (a spec dict, a message
    part, a node, an image part dict); the result has the same type and the input is
    not modified. Every string in any node's props (and an image part's ``image``) that
    is a base64 ``data:image/...`` URL is decoded, checked by magic bytes and size, stored,
    and replaced by the store's URL. Other strings, including text leaves, are left alone.

    Ids are content-addressed (:func:`blob_id_for`), so the same image is stored once and
    gets the same URL every time. For a single image (an :class:`ImagePart` or a part
    dict) ``image_id`` names the blob instead, and with ``partial_index`` the blob is
    ``{image_id}-partial-{index}`` (see :func:`partial_blob_id`).

    Every image is checked before any is written: on bad input (:class:`StorageError`
    ``invalid_data_url``, ``not_an_image``, ``image_too_large``, with the JSON Pointer of
    the value as ``path``) nothing is written. See the module docs for store failures.
    """
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes < 1:
        raise ValueError(f"max_bytes must be a positive int, got {max_bytes!r}")
    if partial_index is not None and image_id is None:
        raise ValueError("partial_index needs an image_id")
    if image_id is not None:
        named = image_id if partial_index is None else partial_blob_id(image_id, partial_index)
        _check_blob_id(named)
        seen: list[str] = []

        def blob_id(data: bytes, path: str) -> str:
            seen.append(path)
            if len(seen) > 1:
                raise ValueError("image_id names one image, but the value holds several")
            return named
    else:

        def blob_id(data: bytes, path: str) -> str:
            return blob_id_for(data)

    plan = _Plan(max_bytes, blob_id)
    if isinstance(value, ImagePart):
        image = value.image
        if image is None or not _is_data_image(image):
            return value
        plan.add(image, "/image")
        return value.model_copy(update={"image": plan.store(store)[image]})
    if isinstance(value, GenerativeUISpec | GenerativeUINode):
        document = value.model_dump(mode="python")
        replaced = _externalize_json(document, plan, store)
        if replaced is document:
            return value
        if isinstance(value, GenerativeUINode):
            return GenerativeUINode.model_validate(replaced)
        return parse_spec(replaced)
    if image_id is not None and not (isinstance(value, Mapping) and value.get("type") == "image"):
        raise ValueError("image_id applies to a single image part")
    return _externalize_json(value, plan, store)


def to_data_url(url: str, store: BlobStore, *, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Rehydrate a stored image URL into a base64 ``data:`` URL.

    For a model that cannot fetch the stored URL (it is private, on localhost, or needs
    cookies).

    A ``data:`` image URL is returned as it is (after checking it). The MIME type is the
    one the bytes have. Raises :class:`StorageError` (``unknown_blob_url`` for a URL the
    store did not hand out, ``blob_not_found``, ``not_an_image``, ``image_too_large``).
    """
    if not isinstance(url, str):
        raise StorageError(
            f"expected a URL string, got {type(url).__name__}", code="unknown_blob_url"
        )
    if _is_data_image(url):
        data = decode_data_url(url.strip(), max_bytes=max_bytes)
        return _data_url(data, _check_image(data, max_bytes))
    blob_id = store.blob_id_for_url(url)
    if blob_id is None:
        raise StorageError(f"{url[:80]!r} is not a URL of this store", code="unknown_blob_url")
    data = store.get(blob_id)
    return _data_url(data, _check_image(data, max_bytes))
