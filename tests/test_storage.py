"""genui.storage: blob stores on a real directory and on fsspec, externalize / rehydrate."""

from __future__ import annotations

import builtins
import json
import multiprocessing
import os
import stat
import sys
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import fsspec  # type: ignore[import-untyped]  # fsspec ships no type hints (no py.typed)
import pytest

from genui.components.image import ImagePart, ImageRunning
from genui.errors import GenerativeUIError
from genui.render import Renderer
from genui.spec import GenerativeUINode, GenerativeUISpec, parse_spec
from genui.storage import (
    BlobStore,
    FsspecBlobStore,
    LocalBlobStore,
    StorageError,
    blob_id_for,
    decode_data_url,
    externalize_images,
    image_media_type,
    partial_blob_id,
    to_data_url,
)
from tests.image_support import data_url, png_bytes

PNG = png_bytes(8, 8)
PNG2 = png_bytes(8, 8, hue=0.5)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00" + b"\x00" * 16
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 32
AVIF = b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf" + b"\x00" * 16
AVIF_COMPAT = b"\x00\x00\x00\x1cftypmif1\x00\x00\x00\x00mif1avifmiaf" + b"\x00" * 16
BMP = b"BM" + b"\x00" * 12 + (40).to_bytes(4, "little") + b"\x00" * 40
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
HTML = b"<!doctype html><script>alert(1)</script>"
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"


def files(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


# ----------------------------------------------------------------------------------------
# magic bytes
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (PNG, "image/png"),
        (JPEG, "image/jpeg"),
        (GIF, "image/gif"),
        (b"GIF87a" + b"\x00" * 8, "image/gif"),
        (WEBP, "image/webp"),
        (AVIF, "image/avif"),
        (AVIF_COMPAT, "image/avif"),
        (BMP, "image/bmp"),
        (SVG, None),
        (HTML, None),
        (HEIC, None),
        (b"BM" + b"\x00" * 30, None),
        (b"RIFF\x00\x00\x00\x00WAVEfmt ", None),
        (b"", None),
        (b"\x89PNG", None),
    ],
)
def test_image_types_are_recognized_by_magic_bytes(data: bytes, kind: str | None) -> None:
    assert image_media_type(data) == kind


def test_the_claimed_mime_type_is_ignored_in_favour_of_the_bytes() -> None:
    assert decode_data_url(data_url(GIF, "image/png")) == GIF
    with pytest.raises(StorageError) as caught:
        decode_data_url(data_url(HTML, "image/png"))
    assert caught.value.code == "not_an_image"


@pytest.mark.parametrize(
    "url",
    [
        "data:image/png,rawdata",
        "data:text/html;base64,PGh0bWw+",
        "data:image/png;base64,@@@@",
        "https://example.com/a.png",
    ],
)
def test_decode_data_url_rejects_anything_but_base64_images(url: str) -> None:
    with pytest.raises(StorageError) as caught:
        decode_data_url(url)
    assert caught.value.code == "invalid_data_url"
    assert isinstance(caught.value, GenerativeUIError)


def test_decode_data_url_refuses_oversized_payloads_before_decoding() -> None:
    with pytest.raises(StorageError) as caught:
        decode_data_url(data_url(PNG + b"\x00" * 1000), max_bytes=100)
    assert caught.value.code == "image_too_large"


# ----------------------------------------------------------------------------------------
# LocalBlobStore
# ----------------------------------------------------------------------------------------


@pytest.fixture
def local(tmp_path: Path) -> LocalBlobStore:
    return LocalBlobStore(tmp_path / "blobs", url_prefix="/blobs/")


def test_local_store_round_trips_each_image_type_with_the_extension_of_its_bytes(
    local: LocalBlobStore,
) -> None:
    assert isinstance(local, BlobStore)
    for data, extension in ((PNG, "png"), (JPEG, "jpg"), (GIF, "gif"), (WEBP, "webp")):
        blob_id = blob_id_for(data)
        url = local.put(data, blob_id=blob_id, content_type="image/png")
        assert url == f"/blobs/{blob_id}.{extension}"
        assert local.get(blob_id) == data
        assert local.exists(blob_id) and local.url_for(blob_id) == url
        assert local.blob_id_for_url(url) == blob_id
        assert (local.directory / f"{blob_id}.{extension}").read_bytes() == data
    for data in (AVIF, BMP):
        assert local.put(data, blob_id="x" + blob_id_for(data)).endswith(
            "." + (image_media_type(data) or "").split("/")[1]
        )


def test_local_store_files_are_readable_by_a_static_server_and_no_temp_files_remain(
    local: LocalBlobStore,
) -> None:
    local.put(PNG, blob_id="a")
    assert files(local.directory) == ["a.png"]
    mode = stat.S_IMODE(os.stat(local.directory / "a.png").st_mode)
    assert mode == 0o644


def test_rewriting_an_id_replaces_the_blob_and_drops_the_old_type(local: LocalBlobStore) -> None:
    local.put(PNG, blob_id="same")
    local.put(GIF, blob_id="same")
    assert files(local.directory) == ["same.gif"]
    assert local.get("same") == GIF
    assert local.delete("same") and not local.delete("same")
    assert not local.exists("same")


def _race(store: LocalBlobStore | FsspecBlobStore, rounds: int) -> list[int]:
    """Two threads put one id as PNG and as GIF at once, ``rounds`` times; blobs left each time."""
    left = []
    for index in range(rounds):
        blob_id = f"race-{index}"
        start = threading.Barrier(2)

        def put(data: bytes, blob_id: str = blob_id, start: threading.Barrier = start) -> None:
            start.wait()
            store.put(data, blob_id=blob_id)

        threads = [threading.Thread(target=put, args=(data,)) for data in (PNG, GIF)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        left.append(_stored_types(store, blob_id))
    return left


def _stored_types(store: LocalBlobStore | FsspecBlobStore, blob_id: str) -> int:
    if isinstance(store, LocalBlobStore):
        return len([name for name in files(store.directory) if name.startswith(f"{blob_id}.")])
    names = fsspec.filesystem("memory").ls(store.root, detail=False)
    return len([n for n in names if n.rsplit("/", 1)[-1].startswith(f"{blob_id}.")])


def test_concurrent_puts_of_one_id_with_two_types_leave_exactly_one(
    local: LocalBlobStore, memory: FsspecBlobStore
) -> None:
    for store in (local, memory):
        assert _race(store, 200) == [1] * 200


def _put_many(directory: str, data: bytes, rounds: int) -> None:
    """Put one id ``rounds`` times; after each put some blob of that id must exist.

    Checked with one ``listdir`` (one ``getdents``, which a rename in the directory cannot
    interleave), not with ``exists``, whose checks of each type one after another can miss
    a blob that changed type in between.
    """
    store = LocalBlobStore(directory)
    missing = 0
    for _ in range(rounds):
        store.put(data, blob_id="race")
        missing += not any(name.startswith("race.") for name in os.listdir(directory))
    if missing:
        raise SystemExit(f"the blob was gone after {missing} of {rounds} puts")


@pytest.mark.skipif(sys.platform == "win32", reason="flock: workers share a directory on POSIX")
def test_workers_sharing_a_directory_never_remove_each_other_s_blob(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=_put_many, args=(str(tmp_path), data, 400)) for data in (PNG, GIF)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    assert len(files(tmp_path)) == 1


@pytest.mark.parametrize(
    "blob_id",
    [
        "../escape",
        "a/b",
        "a\\b",
        "",
        ".hidden",
        "a.png",
        "-dash",
        "_under",
        "x" * 129,
        "caf\u00e9",
        "a\x00b",
        "a b",
        "/etc/passwd",
    ],
)
def test_blob_ids_that_could_name_another_path_are_refused(
    local: LocalBlobStore, blob_id: str
) -> None:
    for call in (
        lambda: local.put(PNG, blob_id=blob_id),
        lambda: local.get(blob_id),
        lambda: local.url_for(blob_id),
        lambda: local.exists(blob_id),
        lambda: local.delete(blob_id),
    ):
        with pytest.raises(StorageError) as caught:
            call()
        assert caught.value.code == "invalid_blob_id"
    assert files(local.directory) == []
    assert not (local.directory.parent / "escape.png").exists()


@pytest.mark.parametrize(
    "url", ["/blobs/../x.png", "/blobs/a.png.exe", "/blobs/a.svg", "/other/a.png", "/blobs/a"]
)
def test_urls_not_handed_out_by_the_store_map_to_no_blob(local: LocalBlobStore, url: str) -> None:
    assert local.blob_id_for_url(url) is None


@pytest.mark.parametrize(("data", "code"), [(SVG, "not_an_image"), (HTML, "not_an_image")])
def test_non_images_are_refused_and_nothing_is_written(
    local: LocalBlobStore, data: bytes, code: str
) -> None:
    with pytest.raises(StorageError) as caught:
        local.put(data, blob_id="x", content_type="image/png")
    assert caught.value.code == code
    assert files(local.directory) == []


def test_oversized_images_are_refused_and_nothing_is_written(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path, max_bytes=len(PNG) - 1)
    with pytest.raises(StorageError) as caught:
        store.put(PNG, blob_id="big")
    assert caught.value.code == "image_too_large"
    assert files(tmp_path) == []


def test_missing_blobs_are_reported(local: LocalBlobStore) -> None:
    for call in (lambda: local.get("nope"), lambda: local.url_for("nope")):
        with pytest.raises(StorageError) as caught:
            call()
        assert caught.value.code == "blob_not_found"


class _HalfWriter:
    """A file object whose write stores half the bytes, then fails like a full disk."""

    def __init__(self, handle: Any) -> None:
        self.handle = handle

    def __enter__(self) -> _HalfWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.handle.close()

    def write(self, data: bytes) -> int:
        self.handle.write(data[: len(data) // 2])
        self.handle.flush()
        raise OSError(28, "No space left on device")

    def __getattr__(self, name: str) -> Any:
        return getattr(self.handle, name)


@pytest.mark.parametrize("failure", ["write", "fsync", "replace", "chmod"])
def test_a_disk_error_mid_write_leaves_no_partial_and_no_temporary_file(
    local: LocalBlobStore, monkeypatch: pytest.MonkeyPatch, failure: str
) -> None:
    local.put(PNG, blob_id="keep")  # an existing blob with the same id survives a failed rewrite

    def fail(*args: Any, **kwargs: Any) -> Any:
        raise OSError(5, "Input/output error")

    if failure == "write":
        real_fdopen = os.fdopen
        monkeypatch.setattr(os, "fdopen", lambda *a, **k: _HalfWriter(real_fdopen(*a, **k)))
    else:
        monkeypatch.setattr(os, failure, fail)
    with pytest.raises(StorageError) as caught:
        local.put(PNG2, blob_id="keep")
    with pytest.raises(StorageError):
        local.put(PNG2, blob_id="new")
    monkeypatch.undo()
    assert caught.value.code == "storage_failed"
    assert files(local.directory) == ["keep.png"]
    assert local.get("keep") == PNG


def test_a_failure_to_create_the_temporary_file_is_a_storage_error(
    local: LocalBlobStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    def fail(*args: Any, **kwargs: Any) -> Any:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", fail)
    with pytest.raises(StorageError) as caught:
        local.put(PNG, blob_id="x")
    assert caught.value.code == "storage_failed"


# ----------------------------------------------------------------------------------------
# FsspecBlobStore
# ----------------------------------------------------------------------------------------


@pytest.fixture
def memory() -> Iterator[FsspecBlobStore]:
    root = f"memory://genui-tests-{uuid.uuid4().hex}/images"
    store = FsspecBlobStore(root, url_prefix="https://cdn.example.com/images/")
    yield store
    fs = fsspec.filesystem("memory")
    fs.rm(store.root, recursive=True)


def test_fsspec_store_round_trips_on_the_in_memory_filesystem(memory: FsspecBlobStore) -> None:
    assert isinstance(memory, BlobStore)
    url = memory.put(PNG, blob_id="img-1", content_type="image/jpeg")
    assert url == "https://cdn.example.com/images/img-1.png"
    assert memory.get("img-1") == PNG
    assert memory.exists("img-1") and memory.url_for("img-1") == url
    assert memory.blob_id_for_url(url) == "img-1"
    fs = fsspec.filesystem("memory")
    assert fs.cat_file(f"{memory.root}/img-1.png") == PNG
    memory.put(JPEG, blob_id="img-1")
    assert [p.rsplit("/", 1)[1] for p in fs.ls(memory.root, detail=False)] == ["img-1.jpg"]
    assert memory.delete("img-1") and not memory.exists("img-1")


def test_fsspec_store_refuses_non_images_bad_ids_and_reports_missing_blobs(
    memory: FsspecBlobStore,
) -> None:
    with pytest.raises(StorageError) as caught:
        memory.put(SVG, blob_id="x")
    assert caught.value.code == "not_an_image"
    with pytest.raises(StorageError) as caught:
        memory.put(PNG, blob_id="../x")
    assert caught.value.code == "invalid_blob_id"
    with pytest.raises(StorageError) as caught:
        memory.get("nope")
    assert caught.value.code == "blob_not_found"
    assert fsspec.filesystem("memory").ls(memory.root, detail=False) == []


def test_fsspec_store_write_failure_leaves_nothing(
    memory: FsspecBlobStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("503 Slow Down")

    monkeypatch.setattr(memory.fs, "pipe_file", fail)
    with pytest.raises(StorageError) as caught:
        memory.put(PNG, blob_id="x")
    monkeypatch.undo()
    assert caught.value.code == "storage_failed"
    assert fsspec.filesystem("memory").ls(memory.root, detail=False) == []


def test_fsspec_store_on_a_local_filesystem_moves_a_temporary_file_into_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = FsspecBlobStore(fsspec.filesystem("file"), root=str(tmp_path), url_prefix="/b/")
    assert store.put(PNG, blob_id="a") == "/b/a.png"
    assert files(tmp_path) == ["a.png"]

    def fail(*args: Any, **kwargs: Any) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(store.fs, "mv", fail)
    with pytest.raises(StorageError):
        store.put(PNG2, blob_id="b")
    assert files(tmp_path) == ["a.png"]


def test_fsspec_store_explains_the_missing_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def no_fsspec(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "fsspec":
            raise ImportError("No module named 'fsspec'")
        return real_import(name, *args, **kwargs)

    monkeypatch.delitem(sys.modules, "fsspec", raising=False)
    monkeypatch.setattr(builtins, "__import__", no_fsspec)
    with pytest.raises(ImportError, match=r"genui\[fsspec\]"):
        FsspecBlobStore("memory://x")


# ----------------------------------------------------------------------------------------
# externalize_images / to_data_url
# ----------------------------------------------------------------------------------------


def image(url: str, **props: Any) -> dict[str, Any]:
    return {"component": "Image", "props": {"image": url, **props}}


def test_externalize_replaces_every_data_image_in_props_and_returns_a_new_spec(
    local: LocalBlobStore,
) -> None:
    one, two = data_url(PNG), data_url(PNG2)
    spec = {
        "root": [
            image(one, filename="a.png"),
            {"component": "Card", "props": {"title": one}, "children": [image(two), one]},
            image(one, status={"type": "running", "progress": 0.5}),
            {"component": "Gallery", "props": {"images": [{"src": two}, "plain text"]}},
        ]
    }
    before = json.dumps(spec)
    result = externalize_images(spec, local)
    assert json.dumps(spec) == before  # the input is untouched
    url1, url2 = (f"/blobs/{blob_id_for(PNG)}.png", f"/blobs/{blob_id_for(PNG2)}.png")
    assert result["root"][0]["props"] == {"image": url1, "filename": "a.png"}
    assert result["root"][1]["props"]["title"] == url1  # any prop holding a data: image
    assert result["root"][1]["children"] == [image(url2), one]  # text leaves stay text
    assert result["root"][2]["props"]["image"] == url1
    assert result["root"][3]["props"]["images"] == [{"src": url2}, "plain text"]
    assert files(local.directory) == sorted(u.rsplit("/", 1)[1] for u in (url1, url2))
    assert "base64" not in json.dumps(result["root"][0])
    # stable: the same images get the same ids and URLs again
    assert externalize_images(spec, local) == result
    assert result["root"][1]["props"] is not spec["root"][1]["props"]
    unchanged = {"root": image("https://example.com/a.png")}
    assert externalize_images(unchanged, local) is unchanged


def test_externalize_keeps_the_input_type(local: LocalBlobStore) -> None:
    url = f"/blobs/{blob_id_for(PNG)}.png"
    parsed = parse_spec({"root": image(data_url(PNG))})
    result = externalize_images(parsed, local)
    assert isinstance(result, GenerativeUISpec)
    assert isinstance(result.root, GenerativeUINode) and result.root.props["image"] == url
    assert url in Renderer().render(result)
    node = externalize_images(GenerativeUINode.model_validate(image(data_url(PNG))), local)
    assert isinstance(node, GenerativeUINode) and node.props["image"] == url
    part = externalize_images(ImagePart(image=data_url(PNG), filename="a.png"), local)
    assert isinstance(part, ImagePart) and part.image == url and part.filename == "a.png"
    message = {"type": "generative-ui", "spec": {"root": image(data_url(PNG))}}
    assert externalize_images(message, local)["spec"]["root"]["props"]["image"] == url
    part_dict = {"type": "image", "image": data_url(PNG)}
    assert externalize_images(part_dict, local) == {"type": "image", "image": url}


def test_partial_images_are_stored_under_the_generation_id(local: LocalBlobStore) -> None:
    preview = ImagePart(image=data_url(PNG), status=ImageRunning(progress=0.5))
    result = externalize_images(preview, local, image_id="gen-42", partial_index=1)
    assert result.image == "/blobs/gen-42-partial-1.png"
    assert partial_blob_id("gen-42", 1) == "gen-42-partial-1"
    final = externalize_images(ImagePart(image=data_url(PNG2)), local, image_id="gen-42")
    assert final.image == "/blobs/gen-42.png"
    with pytest.raises(StorageError):
        partial_blob_id("gen-42", -1)
    with pytest.raises(ValueError):
        externalize_images({"root": image(data_url(PNG))}, local, image_id="x")
    with pytest.raises(ValueError):
        externalize_images(preview, local, partial_index=1)


@pytest.mark.parametrize(
    ("bad", "code"),
    [
        (data_url(HTML, "image/png"), "not_an_image"),
        (data_url(SVG, "image/svg+xml"), "not_an_image"),
        (data_url(PNG + b"\x00" * 4096), "image_too_large"),
        ("data:image/png;base64,iVBO$$$", "invalid_data_url"),
    ],
)
def test_externalize_checks_every_image_before_writing_any(
    local: LocalBlobStore, bad: str, code: str
) -> None:
    spec = {
        "root": [
            image(data_url(PNG)),
            image(data_url(PNG2)),
            {"component": "X", "props": {"a": [bad]}},
        ]
    }
    with pytest.raises(StorageError) as caught:
        externalize_images(spec, local, max_bytes=2048)
    assert caught.value.code == code
    assert caught.value.path == "/root/2/props/a/0"
    assert files(local.directory) == []


class FlakyStore:
    """A LocalBlobStore whose n-th put fails like a network or disk error."""

    def __init__(self, inner: LocalBlobStore, fail_on: int) -> None:
        self.inner = inner
        self.fail_on = fail_on
        self.puts = 0

    def put(self, data: bytes, *, blob_id: str, content_type: str) -> str:
        self.puts += 1
        if self.puts == self.fail_on:
            raise ConnectionResetError("connection reset by peer")
        return self.inner.put(data, blob_id=blob_id, content_type=content_type)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def test_a_store_failure_mid_spec_raises_and_leaves_only_complete_blobs(
    local: LocalBlobStore,
) -> None:
    spec = {"root": [image(data_url(PNG)), image(data_url(PNG2))]}
    with pytest.raises(StorageError) as caught:
        externalize_images(spec, FlakyStore(local, fail_on=2))
    assert caught.value.code == "storage_failed"
    assert files(local.directory) == [f"{blob_id_for(PNG)}.png"]  # complete, content-addressed
    assert local.get(blob_id_for(PNG)) == PNG
    # a retry finishes the job and gets the same URLs
    result = externalize_images(spec, local)
    assert [n["props"]["image"] for n in result["root"]] == [
        f"/blobs/{blob_id_for(PNG)}.png",
        f"/blobs/{blob_id_for(PNG2)}.png",
    ]


def test_to_data_url_rehydrates_a_stored_url_with_the_type_of_its_bytes(
    local: LocalBlobStore, memory: FsspecBlobStore
) -> None:
    for store in (local, memory):
        url = store.put(GIF, blob_id="g", content_type="image/png")
        assert to_data_url(url, store) == data_url(GIF, "image/gif")
        assert decode_data_url(to_data_url(url, store)) == GIF
    assert to_data_url(data_url(PNG), local) == data_url(PNG)
    cases: list[tuple[Any, str]] = [  # Any: None is passed as a URL on purpose
        ("https://elsewhere.example.com/g.gif", "unknown_blob_url"),
        ("/blobs/missing.png", "blob_not_found"),
        (None, "unknown_blob_url"),
    ]
    for url, code in cases:
        with pytest.raises(StorageError) as caught:
            to_data_url(url, local)
        assert caught.value.code == code


def test_store_configuration_is_checked(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        LocalBlobStore(tmp_path, url_prefix="")
    with pytest.raises(ValueError):
        LocalBlobStore(tmp_path, max_bytes=0)
    with pytest.raises(TypeError):
        FsspecBlobStore(42)
    with pytest.raises(TypeError):
        LocalBlobStore(tmp_path).put("text", blob_id="x")  # type: ignore[arg-type]
