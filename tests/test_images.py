"""genui.images: lifecycle patches, failure classification, generate() with retries and cache."""

from __future__ import annotations

import asyncio
import importlib.util
import io
import re
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any, TypeVar

import pytest

from genui.errors import GenerativeUIError
from genui.images import (
    FinalImage,
    ImageFailure,
    ImageGenerationError,
    PartialImage,
    PatchOps,
    RetryPolicy,
    cache_key,
    classify_failure,
    completed,
    failed,
    generate,
    partial,
    progress_for,
    started,
)
from genui.render import Renderer
from genui.storage import LocalBlobStore, blob_id_for
from genui.stream import SpecStream
from tests.image_support import data_url, png_bytes

REPO = Path(__file__).resolve().parents[1]
FINAL = png_bytes(16, 16)
PREVIEWS = [png_bytes(16, 16, progress=p) for p in (0.25, 0.5, 0.75)]
T = TypeVar("T")


def in_thread(function: Callable[[], T]) -> T:
    """Run ``function`` in a fresh thread: free of any event loop in this one (the session's
    Playwright browser keeps one running in the main thread once a browser test started)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function).result()


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return in_thread(lambda: asyncio.run(coroutine))


def image_props(stream: SpecStream, path: str = "/root") -> dict[str, Any]:
    document: Any = stream.spec.model_dump(mode="python") if stream.spec else None
    for token in path.strip("/").split("/"):
        document = document[int(token)] if isinstance(document, list) else document[token]
    return dict(document["props"])


class Recorder:
    """Fake sleep and random source: records every backoff, waits for nothing."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def sleep(self, seconds: float) -> None:
        self.delays.append(seconds)

    @staticmethod
    def rand() -> float:
        return 0.5  # no jitter


async def collect(**kwargs: Any) -> list[PatchOps]:
    recorder = kwargs.pop("recorder", None) or Recorder()
    batches = []
    async for ops in generate(sleep=recorder.sleep, rand=recorder.rand, **kwargs):
        batches.append(ops)
    return batches


def streamed(batches: list[PatchOps]) -> SpecStream:
    stream = SpecStream()
    for ops in batches:
        stream.apply(ops)
    return stream


def states(batches: list[PatchOps]) -> list[str]:
    """The rendered state of the image after each batch."""
    stream = SpecStream()
    seen = []
    for ops in batches:
        stream.apply(ops)
        html = str(stream.html())
        seen.append(html.split('class="genui-image ', 1)[1].split('"', 1)[0])
    return seen


# ----------------------------------------------------------------------------------------
# the patches
# ----------------------------------------------------------------------------------------


def test_lifecycle_patches_move_an_image_node_through_its_states() -> None:
    stream = SpecStream()
    stream.apply(
        [{"op": "add", "path": "/root", "value": {"component": "Stack", "children": ["Hi"]}}]
    )
    path = "/root/children/1"
    stream.apply(started(path, alt="A sun", key="gen-1"))
    assert image_props(stream, path) == {
        "type": "image",
        "alt": "A sun",
        "status": {"type": "running"},
    }
    assert stream.spec is not None and "Generating image…" in stream.html()
    preview = data_url(PREVIEWS[0])
    updates = stream.apply(partial(path, preview, 1, 3))
    assert [(u.op, u.target) for u in updates] == [("replace", path)]
    assert image_props(stream, path)["status"] == {"type": "running", "progress": 1 / 3}
    assert preview in stream.html() and 'value="33"' in stream.html()
    final = data_url(FINAL)
    stream.apply(completed(path, final, filename="sun.png"))
    props = image_props(stream, path)
    assert props["status"] == {"type": "complete"} and props["filename"] == "sun.png"
    assert 'download="sun.png"' in stream.html()
    # streaming in steps ends where rendering the final spec at once does
    assert stream.html() == Renderer().render(stream.spec)


@pytest.mark.parametrize(
    ("index", "total", "expected"),
    [(0, 3, 0.0), (1, 3, 1 / 3), (3, 3, 1.0), (5, 3, 1.0), (1, 0, 1.0), (-1, 2, 0.0)],
)
def test_progress_is_index_over_total_capped_at_one(
    index: int, total: int, expected: float
) -> None:
    assert progress_for(index, total) == pytest.approx(expected)


def test_started_can_reset_an_existing_node_instead_of_inserting() -> None:
    stream = SpecStream()
    stream.apply(started("/root"))
    stream.apply(completed("/root", data_url(FINAL)))
    stream.apply(started("/root", insert=False, filename="b.png"))
    assert image_props(stream) == {
        "type": "image",
        "image": None,
        "filename": "b.png",
        "status": {"type": "running"},
    }
    assert "<img" not in stream.html()


@pytest.mark.parametrize("path", ["root", "", "/root/children/-", "/root/~2", 5])
def test_patch_helpers_refuse_paths_that_are_not_node_pointers(path: Any) -> None:
    with pytest.raises(GenerativeUIError) as caught:
        started(path)
    assert caught.value.code == "invalid_path"


def test_failed_removes_the_preview_so_no_image_url_remains_in_spec_or_html() -> None:
    stream = SpecStream()
    stream.apply(started("/root"))
    preview = data_url(PREVIEWS[1])
    stream.apply(partial("/root", preview, 1, 2))
    stream.apply(failed("/root", RuntimeError("Your request was rejected by our safety system")))
    props = image_props(stream)
    assert props["image"] is None
    assert props["status"] == {"type": "incomplete", "reason": "content-filter"}
    html = str(stream.html())
    assert "<img" not in html and preview not in html and "base64" not in html
    assert "Image could not be generated" in html


# ----------------------------------------------------------------------------------------
# classification
# ----------------------------------------------------------------------------------------


class ProviderError(Exception):
    def __init__(self, message: str, *, code: str | None = None, status_code: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.status_code = status_code


@pytest.mark.parametrize(
    ("error", "reason", "kind", "retryable"),
    [
        (
            ProviderError("bad", code="content_policy_violation"),
            "content-filter",
            "content-filter",
            False,
        ),
        (
            ProviderError("Request was rejected as a result of our safety system"),
            "content-filter",
            "content-filter",
            False,
        ),
        ("moderation_blocked", "content-filter", "content-filter", False),
        (ProviderError("Too many requests", status_code=429), "error", "rate-limit", True),
        (ProviderError("Rate limit reached for images per minute"), "error", "rate-limit", True),
        (TimeoutError(), "error", "timeout", True),
        (ProviderError("Request timed out."), "error", "timeout", True),
        (ConnectionResetError("reset"), "error", "error", True),
        (ProviderError("Service Unavailable", status_code=503), "error", "error", True),
        (ValueError("internal detail: key=sk-123"), "error", "error", False),
        (asyncio.CancelledError(), "cancelled", "cancelled", False),
        (ImageGenerationError("Too long", kind="length"), "length", "length", False),
        (ImageGenerationError("Try later", kind="error", retryable=True), "error", "error", True),
    ],
)
def test_failures_are_classified_for_the_person_and_for_retrying(
    error: BaseException | str, reason: str, kind: str, retryable: bool
) -> None:
    failure = classify_failure(error)
    assert (failure.reason, failure.kind, failure.retryable) == (reason, kind, retryable)
    status = failed("/root", error)[1]["value"]
    assert status["reason"] == reason
    if reason == "content-filter":
        assert "error" not in status
    else:
        assert status["error"]


def test_exception_text_is_not_shown_but_plain_messages_and_provider_messages_are() -> None:
    status = failed("/root", ValueError("internal detail: key=sk-123"))[1]["value"]
    assert "sk-123" not in status["error"]
    assert failed("/root", "Quota of the free plan used up")[1]["value"]["error"] == (
        "The image service is busy (rate limit reached). Try again in a moment."
    )
    assert failed("/root", "The prompt is too vague")[1]["value"]["error"] == (
        "The prompt is too vague"
    )
    custom = failed("/root", ImageGenerationError("Out of credits", kind="error"))
    assert custom[1]["value"]["error"] == "Out of credits"
    assert failed("/root", TimeoutError(), message="Slow")[1]["value"]["error"] == "Slow"
    same = ImageFailure("error", "x", False)
    assert failed("/root", same)[1]["value"] == {
        "type": "incomplete",
        "reason": "error",
        "error": "x",
    }


# ----------------------------------------------------------------------------------------
# generate()
# ----------------------------------------------------------------------------------------


class FakeProvider:
    """Streams real PNG previews then the final PNG; fails first as scripted."""

    def __init__(self, *failures: BaseException, previews: int = 3) -> None:
        self.failures = list(failures)
        self.previews = previews
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.closed = 0

    def __call__(self, prompt: str, **params: Any) -> AsyncIterator[PartialImage | FinalImage]:
        self.calls.append((prompt, params))
        return self._events()

    async def _events(self) -> AsyncIterator[PartialImage | FinalImage]:
        try:
            for index in range(self.previews):
                if self.failures and index == 1:
                    raise self.failures.pop(0)
                yield PartialImage(PREVIEWS[index], index)
            if self.failures:
                raise self.failures.pop(0)
            yield FinalImage(FINAL, filename="sunset.png", alt="A sunset")
        finally:
            self.closed += 1


def test_generate_streams_started_partials_and_completed_into_a_spec_stream() -> None:
    provider = FakeProvider()
    batches = run(collect(prompt="a sunset", provider=provider, partial_images=3))
    assert states(batches) == ["genui-image--running"] * 4 + ["genui-image--complete"]
    stream = streamed(batches)
    props = image_props(stream)
    assert props["image"] == data_url(FINAL)
    assert (props["filename"], props["alt"]) == ("sunset.png", "A sunset")
    assert [b[1]["value"].get("progress") for b in batches[1:4]] == [0.0, 1 / 3, 2 / 3]
    assert provider.calls == [("a sunset", {})] and provider.closed == 1


def test_a_rate_limit_is_retried_with_backoff_then_succeeds() -> None:
    provider = FakeProvider(ProviderError("Error code: 429 - rate limit exceeded"))
    recorder = Recorder()
    policy = RetryPolicy(max_attempts=3, base_delay=2.0, max_delay=10.0)
    batches = run(
        collect(prompt="p", provider=provider, retry=policy, partial_images=3, recorder=recorder)
    )
    assert len(provider.calls) == 2
    assert recorder.delays == [2.0]
    # the first attempt showed a preview; the retry reset the node to running, no preview
    assert batches[2][0] == {"op": "add", "path": "/root/props/image", "value": None}
    assert states(batches)[-1] == "genui-image--complete"
    assert provider.closed == 2


def test_retries_back_off_exponentially_up_to_the_cap_then_fail_with_a_message() -> None:
    errors = [ProviderError("429 Too Many Requests") for _ in range(6)]
    provider = FakeProvider(*errors, previews=0)
    recorder = Recorder()
    policy = RetryPolicy(max_attempts=6, base_delay=1.0, max_delay=5.0, jitter=0.0)
    batches = run(collect(prompt="p", provider=provider, retry=policy, recorder=recorder))
    assert len(provider.calls) == 6
    assert recorder.delays == [1.0, 2.0, 4.0, 5.0, 5.0]
    props = image_props(streamed(batches))
    assert props["status"]["reason"] == "error"
    assert "rate limit" in props["status"]["error"]


def test_a_content_policy_refusal_is_not_retried_and_shows_no_image() -> None:
    provider = FakeProvider(ProviderError("blocked", code="content_policy_violation"))
    recorder = Recorder()
    batches = run(collect(prompt="p", provider=provider, recorder=recorder))
    assert len(provider.calls) == 1 and recorder.delays == []
    stream = streamed(batches)
    assert image_props(stream)["status"] == {"type": "incomplete", "reason": "content-filter"}
    html = str(stream.html())
    assert "<img" not in html and "base64" not in html


def test_the_providers_retry_after_is_honoured_but_capped() -> None:
    provider = FakeProvider(
        ImageGenerationError("busy", kind="rate-limit", retry_after=60.0),
        ImageGenerationError("busy", kind="rate-limit", retry_after=0.5),
        previews=0,
    )
    recorder = Recorder()
    policy = RetryPolicy(max_attempts=3, max_delay=8.0)
    run(collect(prompt="p", provider=provider, retry=policy, recorder=recorder))
    assert recorder.delays == [8.0, 0.5]


def test_an_attempt_that_exceeds_the_timeout_is_retried() -> None:
    calls = 0

    async def slow_then_fast(prompt: str, **params: Any) -> bytes:
        nonlocal calls
        calls += 1
        if calls == 1:
            await asyncio.Event().wait()  # never answers
        return FINAL

    policy = RetryPolicy(max_attempts=2, timeout=0.01)
    batches = run(collect(prompt="p", provider=slow_then_fast, retry=policy))
    assert calls == 2
    assert image_props(streamed(batches))["status"] == {"type": "complete"}


@pytest.mark.parametrize(
    "answer",
    [
        FINAL,
        data_url(FINAL),
        FinalImage(FINAL, filename="x.png"),
    ],
)
def test_a_provider_may_simply_return_the_final_image(answer: Any) -> None:
    async def provider(prompt: str, **params: Any) -> Any:
        return answer

    batches = run(collect(prompt="p", provider=provider))
    assert len(batches) == 2
    assert image_props(streamed(batches))["image"] == data_url(FINAL)


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (b"<html>not an image</html>", "could not be stored (not_an_image)"),
        (12345, "something that is not an image"),
    ],
)
def test_a_provider_answer_that_is_not_an_image_fails_cleanly(answer: Any, message: str) -> None:
    async def provider(prompt: str, **params: Any) -> Any:
        return answer

    batches = run(collect(prompt="p", provider=provider))
    status = image_props(streamed(batches))["status"]
    assert status["reason"] == "error" and message in status["error"]


def test_a_stream_that_ends_without_an_image_is_retried_then_fails() -> None:
    provider = FakeProvider(previews=0)

    async def empty(prompt: str, **params: Any) -> AsyncIterator[PartialImage | FinalImage]:
        provider.calls.append((prompt, params))
        return
        yield  # an async generator that yields nothing

    recorder = Recorder()
    batches = run(
        collect(prompt="p", provider=empty, retry=RetryPolicy(max_attempts=2), recorder=recorder)
    )
    assert len(provider.calls) == 2 and len(recorder.delays) == 1
    assert "ended without an image" in image_props(streamed(batches))["status"]["error"]


def test_the_cache_skips_the_provider_for_the_same_prompt_and_params() -> None:
    cache: dict[str, str] = {}
    provider = FakeProvider(previews=1)
    first = run(collect(prompt="p", params={"size": "1024x1024"}, provider=provider, cache=cache))
    again = run(collect(prompt="p", params={"size": "1024x1024"}, provider=provider, cache=cache))
    assert len(provider.calls) == 1
    assert len(again) == 1  # one patch: the complete image at once
    assert image_props(streamed(again))["image"] == image_props(streamed(first))["image"]
    run(collect(prompt="p", params={"size": "512x512"}, provider=provider, cache=cache))
    assert len(provider.calls) == 2
    assert cache_key("p", {"a": 1, "b": 2}) == cache_key("p", {"b": 2, "a": 1})
    assert cache_key("p") != cache_key("q") and len(cache_key("p")) == 64


def test_with_a_store_partials_use_the_generation_id_and_the_final_its_content(
    tmp_path: Path,
) -> None:
    store = LocalBlobStore(tmp_path)
    batches = run(
        collect(
            prompt="p",
            provider=FakeProvider(),
            store=store,
            image_id="gen-7",
            partial_images=3,
            path="/root",
        )
    )
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted(
        [f"gen-7-partial-{i}.png" for i in range(3)] + [f"{blob_id_for(FINAL)}.png"]
    )
    assert batches[1][0]["value"] == "/blobs/gen-7-partial-0.png"
    assert image_props(streamed(batches))["image"] == f"/blobs/{blob_id_for(FINAL)}.png"


def test_generate_inserts_into_a_children_list_and_keys_the_node() -> None:
    stream = SpecStream()
    stream.apply([{"op": "add", "path": "/root", "value": {"component": "Stack"}}])
    stream.apply([{"op": "add", "path": "/root/children", "value": ["Intro"]}])
    batches = run(
        collect(prompt="p", provider=FakeProvider(previews=0), path="/root/children/1", key="g1")
    )
    for ops in batches:
        stream.apply(ops)
    assert 'data-genui-key="g1"' in stream.html()
    assert image_props(stream, "/root/children/1")["status"] == {"type": "complete"}


def test_closing_the_generator_early_closes_the_provider_stream() -> None:
    provider = FakeProvider()

    async def consume() -> None:
        agen = generate("p", provider=provider, partial_images=3)
        assert (await anext(agen))[0]["op"] == "add"
        await anext(agen)  # first preview
        assert isinstance(agen, AsyncGenerator)  # generate() is an async generator function
        await agen.aclose()

    run(consume())
    assert provider.closed == 1


def test_cancelling_the_consumer_propagates() -> None:
    async def never(prompt: str, **params: Any) -> bytes:
        await asyncio.Event().wait()
        return FINAL

    async def consume() -> list[PatchOps]:
        return [ops async for ops in generate("p", provider=never)]

    async def main() -> None:
        task = asyncio.ensure_future(consume())
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    run(main())


def test_retry_policy_is_bounded_and_validated() -> None:
    policy = RetryPolicy(base_delay=1.0, max_delay=3.0, jitter=0.5)
    for retry in range(1, 12):
        for rand in (0.0, 0.25, 0.5, 0.999):
            assert 0 <= policy.delay(retry, rand=rand) <= 3.0
    assert policy.delay(1, rand=0.0) == 0.5 and policy.delay(1, rand=0.5) == 1.0
    for bad in (
        {"max_attempts": 0},
        {"max_attempts": 100},
        {"base_delay": 5.0, "max_delay": 1.0},
        {"jitter": 2.0},
        {"multiplier": 0.5},
        {"timeout": 0},
    ):
        with pytest.raises(ValueError):
            RetryPolicy(**bad)
    with pytest.raises(TypeError):
        RetryPolicy(max_attempts=2.5)  # type: ignore[arg-type]


# ----------------------------------------------------------------------------------------
# the worked example
# ----------------------------------------------------------------------------------------


def _load_example() -> Callable[[list[str]], int]:
    path = REPO / "examples" / "image_pipeline.py"
    spec = importlib.util.spec_from_file_location("image_pipeline_example", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    main: Callable[[list[str]], int] = module.main
    return main


def test_the_image_pipeline_example_runs_end_to_end(tmp_path: Path) -> None:
    out, blobs = tmp_path / "page.html", tmp_path / "blobs"
    printed = io.StringIO()
    with redirect_stdout(printed):
        main = _load_example()
        assert in_thread(lambda: main(["--out", str(out), "--blobs", str(blobs)])) == 0
    text = printed.getvalue()
    assert "retrying after" in text and "rehydrated for a model: data:image/png;base64," in text
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>")
    assert "genui-image--complete" in page and "genui-image--content-filter" in page
    assert 'action="/images/regenerate"' in page
    assert [p.suffix for p in blobs.iterdir()] == [".png"]


def test_the_generate_example_in_the_docs_runs() -> None:
    text = (REPO / "docs" / "image.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)\n```", text, flags=re.S)
    (example,) = [block for block in blocks if "async def provider" in block]
    printed = io.StringIO()
    with redirect_stdout(printed):
        code = compile(example, "docs/image.md", "exec")
        in_thread(lambda: exec(code, {"__name__": "docs_example"}))
    assert printed.getvalue().splitlines()[-1] == "replace /root"


def test_with_a_store_data_url_answers_are_stored_too(tmp_path: Path) -> None:
    async def provider(prompt: str, **params: Any) -> AsyncIterator[PartialImage | FinalImage]:
        yield PartialImage(data_url(PREVIEWS[0]), 0)
        yield FinalImage(data_url(FINAL))

    store = LocalBlobStore(tmp_path)
    batches = run(collect(prompt="p", provider=provider, store=store, image_id="g"))
    assert batches[1][0]["value"] == "/blobs/g-partial-0.png"
    assert image_props(streamed(batches))["image"] == f"/blobs/{blob_id_for(FINAL)}.png"
